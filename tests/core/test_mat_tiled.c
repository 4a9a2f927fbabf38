/* test_mat_tiled.c — the interruptible array operations: the same results as
 * the one-shot kernels (and a naive product), polls only for large operands,
 * and a stop at the k-th poll leaves GN_EINTR with the tiles before it done. */
#include "check.h"
#include "mat.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "poll_count.h"

static double maxdiff(const gsl_matrix *a, const gsl_matrix *b)
{
    double d = 0;
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < a->size2; j++) d = fmax(d, fabs(gsl_matrix_get(a, i, j) - gsl_matrix_get(b, i, j)));
    return d;
}

int main(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2385);
    gn_err e = {0};

    /* Small: no poll at all (the count of polls of a chunk stays as it was). */
    counter c0 = {0, 0};
    gn_cancel cz = {.poll = count_poll, .ud = &c0};
    gsl_matrix *a = randm(g, 7, 5), *b = randm(g, 5, 3), *c = gsl_matrix_alloc(7, 3), *ref = gsl_matrix_alloc(7, 3);
    CHECK(gn_mat_matmul(c, a, b, &cz, &e) == GN_OK, "small product runs");
    for (size_t i = 0; i < 7; i++)
        for (size_t j = 0; j < 3; j++) {
            double s = 0;
            for (size_t k = 0; k < 5; k++) s += gsl_matrix_get(a, i, k) * gsl_matrix_get(b, k, j);
            gsl_matrix_set(ref, i, j, s);
        }
    CHECK(maxdiff(c, ref) < 1e-13, "small product equals the naive sum (diff %.3g)", maxdiff(c, ref));
    gsl_matrix *at = gsl_matrix_alloc(5, 7);
    CHECK(gn_mat_transpose(at, a, &cz, &e) == GN_OK && gsl_matrix_get(at, 4, 6) == gsl_matrix_get(a, 6, 4),
          "small transpose");
    CHECK(c0.polls == 0, "small operations do not poll (%d polls)", c0.polls);
    gsl_matrix *bad = gsl_matrix_alloc(3, 3);
    CHECK(gn_mat_matmul(bad, a, b, &cz, &e) == GN_EINVAL, "product into a wrong shape is refused: %s", e.msg);
    gsl_matrix_free(bad);
    gsl_matrix_free(a); gsl_matrix_free(b); gsl_matrix_free(c); gsl_matrix_free(ref); gsl_matrix_free(at);

    /* Large product in panels: same as one dgemm; a mat-vec as one dgemv. */
    size_t m = 1100, k = 700, n = 800;   /* 1.2e9 flops: two panels */
    a = randm(g, m, k); b = randm(g, k, n);
    c = gsl_matrix_alloc(m, n); ref = gsl_matrix_alloc(m, n);
    counter c1 = {0, 0};
    gn_cancel cp = {.poll = count_poll, .ud = &c1};
    CHECK(gn_mat_matmul(c, a, b, &cp, &e) == GN_OK, "large product runs");
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, a, b, 0.0, ref);
    /* OpenBLAS may pick other kernels for a panel: equal to rounding. */
    CHECK(maxdiff(c, ref) < 1e-12 * gsl_matrix_max(ref), "panelled product equals one dgemm (diff %.3g)",
          maxdiff(c, ref));
    CHECK(c1.polls >= 2, "large product polls between panels (%d polls)", c1.polls);
    counter c2 = {0, 2};
    gn_cancel cs = {.poll = count_poll, .ud = &c2};
    gsl_matrix_set_all(c, -7.5);
    int st = gn_mat_matmul(c, a, b, &cs, &e);
    CHECK(st == GN_EINTR, "a stop at the 2nd poll interrupts the product: %s", e.msg);
    CHECK(fabs(gsl_matrix_get(c, 0, 0) - gsl_matrix_get(ref, 0, 0)) < 1e-10 && gsl_matrix_get(c, m - 1, n - 1) == -7.5,
          "the first panel is written, the last not");
    gsl_matrix_free(c); gsl_matrix_free(ref);

    /* Large transpose and element-wise ops, also broadcast and in place. */
    size_t R = 1500, C = 1200;   /* 1.8e6 elements: two tiles */
    gsl_matrix *x = randm(g, R, C), *row = randm(g, 1, C), *col = randm(g, R, 1);
    at = gsl_matrix_alloc(C, R);
    counter c3 = {0, 0};
    gn_cancel ct = {.poll = count_poll, .ud = &c3};
    CHECK(gn_mat_transpose(at, x, &ct, &e) == GN_OK, "large transpose runs");
    int same = 1;
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < C; j++) same &= gsl_matrix_get(at, j, i) == gsl_matrix_get(x, i, j);
    CHECK(same && c3.polls >= 2, "large transpose is right and polls (%d polls)", c3.polls);
    counter c4 = {0, 2};
    gn_cancel c4c = {.poll = count_poll, .ud = &c4};
    gsl_matrix_set_all(at, 9);
    CHECK(gn_mat_transpose(at, x, &c4c, &e) == GN_EINTR && gsl_matrix_get(at, 0, 0) == gsl_matrix_get(x, 0, 0)
          && gsl_matrix_get(at, C - 1, R - 1) == 9, "a stop at the 2nd poll interrupts the transpose after its first block");

    gsl_matrix *o1 = gsl_matrix_alloc(R, C), *o2 = gsl_matrix_alloc(R, C);
    counter c5 = {0, 0};
    gn_cancel ce = {.poll = count_poll, .ud = &c5};
    gn_mat_binary(o1, x, row, GN_MAT_SUB, &e);
    CHECK(gn_mat_binary_c(o2, x, row, GN_MAT_SUB, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0,
          "tiled x - row (broadcast) equals the one-shot kernel");
    gn_mat_binary(o1, col, x, GN_MAT_POW, &e);
    CHECK(gn_mat_binary_c(o2, col, x, GN_MAT_POW, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0,
          "tiled col .^ x (broadcast on the left) equals the one-shot kernel");
    gn_mat_unary(o1, x, GN_MAT_TANH);
    CHECK(gn_mat_unary_c(o2, x, GN_MAT_TANH, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0,
          "tiled tanh equals the one-shot kernel");
    gn_mat_scalar(o1, x, 2.385, GN_MAT_DIV, 1);
    CHECK(gn_mat_scalar_c(o2, x, 2.385, GN_MAT_DIV, 1, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0,
          "tiled 2.385 / x equals the one-shot kernel");
    gn_mat_clamp(o1, x, -0.5, 0.7);
    CHECK(gn_mat_clamp_c(o2, x, -0.5, 0.7, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0,
          "tiled clamp equals the one-shot kernel");
    gsl_matrix_memcpy(o2, x);
    gn_mat_unary(o1, x, GN_MAT_NEG);
    CHECK(gn_mat_unary_c(o2, o2, GN_MAT_NEG, &ce, &e) == GN_OK && maxdiff(o1, o2) == 0, "tiled map in place");
    CHECK(c5.polls >= 12, "element-wise ops on 1.8e6 elements poll per tile (%d polls)", c5.polls);
    /* One long row: tiles split the columns. */
    gsl_matrix *wide = randm(g, 1, 3000000), *wo = gsl_matrix_alloc(1, 3000000);
    counter c6 = {0, 2};
    gn_cancel cw = {.poll = count_poll, .ud = &c6};
    gsl_matrix_set_all(wo, 9);
    CHECK(gn_mat_unary_c(wo, wide, GN_MAT_ABS, &cw, &e) == GN_EINTR && gsl_matrix_get(wo, 0, 0) == fabs(gsl_matrix_get(wide, 0, 0))
          && gsl_matrix_get(wo, 0, 2999999) == 9, "a 1x3e6 row is tiled by columns and stops at the 2nd poll");
    CHECK(gn_mat_binary_c(o1, x, col, GN_MAT_ADD, NULL, &e) == GN_OK, "no cancellation given: runs");
    gsl_matrix *o3 = gsl_matrix_alloc(R, C + 1);
    CHECK(gn_mat_binary_c(o3, x, row, GN_MAT_ADD, NULL, &e) == GN_EINVAL, "wrong output shape refused: %s", e.msg);

    gsl_matrix_free(o3); gsl_matrix_free(wide); gsl_matrix_free(wo);
    gsl_matrix_free(x); gsl_matrix_free(row); gsl_matrix_free(col); gsl_matrix_free(o1); gsl_matrix_free(o2);
    gsl_matrix_free(a); gsl_matrix_free(b); gsl_matrix_free(at);
    gsl_rng_free(g);
    return check_failures ? 1 : 0;
}
