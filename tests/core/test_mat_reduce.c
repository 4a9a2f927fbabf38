/* test_mat_reduce.c — reductions, cumsum, dot, sort and cov polling for
 * Ctrl-C: no poll up to 2^20 elements; beyond, polls and the very same
 * numbers as without a cancellation (bit for bit; the pairwise sums keep
 * their tree); a stop gives GN_EINTR.  A long sort line (merge sort) is
 * checked against its definition, the blocked covariance against one SYRK. */
#include <string.h>
#include "check.h"
#include "mat.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "poll_count.h"

static int same(const gsl_matrix *a, const gsl_matrix *b)
{
    if (a->size1 != b->size1 || a->size2 != b->size2) return 0;
    for (size_t i = 0; i < a->size1; i++)
        if (memcmp(a->data + i * a->tda, b->data + i * b->tda, a->size2 * sizeof(double))) return 0;
    return 1;
}

/* Every reduction of x with and without polling; returns the polls made. */
static int reductions(gsl_matrix *x, const char *what)
{
    size_t R = x->size1, C = x->size2;
    gn_mat_redop ops[4] = {GN_MAT_SUM, GN_MAT_VAR, GN_MAT_MAXR, GN_MAT_NORM};
    const char *on[4] = {"sum", "var", "max", "norm"};
    counter c = {0, 0};
    gn_cancel cc = {.poll = count_poll, .ud = &c};
    gn_err e = {0};
    int ok = 1;
    for (int dim = 0; dim <= 2; dim++)
        for (int k = 0; k < 4; k++) {
            size_t r = dim == 2 ? R : 1, cols = dim == 1 ? C : 1;
            gsl_matrix *o1 = gsl_matrix_alloc(r, cols), *o2 = gsl_matrix_alloc(r, cols);
            gsl_matrix *i1 = gsl_matrix_alloc(r, cols), *i2 = gsl_matrix_alloc(r, cols);
            int ext = ops[k] == GN_MAT_MAXR;
            int s1 = gn_mat_reduce(o1, ext ? i1 : NULL, x, dim, ops[k], NULL, &e);
            int s2 = gn_mat_reduce(o2, ext ? i2 : NULL, x, dim, ops[k], &cc, &e);
            if (s1 || s2 || !same(o1, o2) || (ext && !same(i1, i2))) {
                ok = 0;
                printf("# %s dim %d differs\n", on[k], dim);
            }
            gsl_matrix_free(o1); gsl_matrix_free(o2); gsl_matrix_free(i1); gsl_matrix_free(i2);
        }
    for (int dim = 1; dim <= 2; dim++) {
        gsl_matrix *o1 = gsl_matrix_alloc(R, C), *o2 = gsl_matrix_alloc(R, C);
        ok = ok && !gn_mat_cumsum(o1, x, dim, NULL, &e) && !gn_mat_cumsum(o2, x, dim, &cc, &e) && same(o1, o2);
        gsl_matrix_free(o1); gsl_matrix_free(o2);
    }
    double d1 = 0, d2 = 1;
    ok = ok && !gn_mat_dot(&d1, x, x, NULL, &e) && !gn_mat_dot(&d2, x, x, &cc, &e) && d1 == d2;
    CHECK(ok, "%s: sum var max norm (dims 0, 1, 2), cumsum, dot: the same with polling (%d polls)", what, c.polls);
    return c.polls;
}

int main(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2385);
    gn_err e = {0};

    gsl_matrix *small = randm(g, 1024, 1024);   /* exactly 2^20 elements */
    CHECK(reductions(small, "1024x1024") == 0, "2^20 elements: no poll at all");
    gsl_matrix *tall = randm(g, 1100, 1000);
    CHECK(reductions(tall, "1100x1000") >= 10, "1.1e6 elements: polls");
    gsl_matrix *wide = randm(g, 1, 3000000);
    CHECK(reductions(wide, "1x3e6 (one long row)") >= 20, "one long row: polls inside it");
    gsl_matrix_view tv = gsl_matrix_submatrix(tall, 3, 5, 1095, 990);   /* a view: rows not contiguous */
    CHECK(reductions(&tv.matrix, "a 1095x990 view") >= 1, "a strided view: polls");

    /* stops */
    counter c2 = {0, 2};
    gn_cancel cs = {.poll = count_poll, .ud = &c2};
    double v;
    gsl_matrix_view vv = gsl_matrix_view_array(&v, 1, 1);
    CHECK(gn_mat_reduce(&vv.matrix, NULL, wide, 0, GN_MAT_STD, &cs, &e) == GN_EINTR && c2.polls == 2,
          "std of 3e6 elements stops at the 2nd poll: %s", e.msg);
    gsl_matrix *cs1 = gsl_matrix_alloc(1, 3000000);
    counter c1 = {0, 1};
    gn_cancel c1s = {.poll = count_poll, .ud = &c1};
    CHECK(gn_mat_cumsum(cs1, wide, 2, &c1s, &e) == GN_EINTR && c1.polls == 1, "cumsum stops: %s", e.msg);
    c1.polls = 0;
    CHECK(gn_mat_dot(&v, tall, tall, &c1s, &e) == GN_EINTR && c1.polls == 1, "dot stops: %s", e.msg);

    /* a long sort line: merge sort, checked against the definition */
    size_t n = 1500000;
    gsl_matrix *line = gsl_matrix_alloc(1, n), *so = gsl_matrix_alloc(1, n), *si = gsl_matrix_alloc(1, n);
    for (size_t k = 0; k < n; k++)
        line->data[k] = k % 97 == 0 ? NAN : (double)(gsl_rng_uniform_int(g, 5000)) * 0.25 - 300;
    counter c3 = {0, 0};
    gn_cancel cc3 = {.poll = count_poll, .ud = &c3};
    int st = gn_mat_sort(so, si, line, 2, &cc3, &e);
    int ok = st == GN_OK;
    char *seen = calloc(n, 1);
    for (size_t k = 0; ok && k < n; k++) {
        size_t src = (size_t)si->data[k] - 1;
        double x = so->data[k];
        ok = src < n && !seen[src] && (isnan(x) ? isnan(line->data[src]) : x == line->data[src]);
        if (ok) seen[src] = 1;
        if (ok && k > 0) {
            double p = so->data[k - 1];
            size_t ps = (size_t)si->data[k - 1] - 1;
            if (isnan(p)) ok = isnan(x) && ps < src;        /* NaN last, in source order */
            else if (!isnan(x)) ok = p < x || (p == x && ps < src);   /* ascending, stable */
        }
    }
    free(seen);
    CHECK(ok && c3.polls >= 10, "a 1.5e6 line sorts ascending, NaN last, stable, a permutation (%d polls)", c3.polls);
    counter c4 = {0, 3};
    gn_cancel cc4 = {.poll = count_poll, .ud = &c4};
    CHECK(gn_mat_sort(so, si, line, 2, &cc4, &e) == GN_EINTR, "the long sort stops: %s", e.msg);
    /* many short lines: qsort each, polls between them */
    counter c5 = {0, 0};
    gn_cancel cc5 = {.poll = count_poll, .ud = &c5};
    gsl_matrix *to = gsl_matrix_alloc(1100, 1000), *ti = gsl_matrix_alloc(1100, 1000);
    gsl_matrix *to2 = gsl_matrix_alloc(1100, 1000), *ti2 = gsl_matrix_alloc(1100, 1000);
    CHECK(gn_mat_sort(to, ti, tall, 1, &cc5, &e) == GN_OK && gn_mat_sort(to2, ti2, tall, 1, NULL, &e) == GN_OK &&
          same(to, to2) && same(ti, ti2) && c5.polls >= 1, "sorting 1000 columns polls between them (%d)", c5.polls);

    /* covariance: blocked above 2^30 multiply-adds, against one SYRK */
    gsl_matrix *X = randm(g, 4000, 600), *cv = gsl_matrix_alloc(600, 600), *ref = gsl_matrix_alloc(600, 600);
    counter c6 = {0, 0};
    gn_cancel cc6 = {.poll = count_poll, .ud = &c6};
    st = gn_mat_cov(cv, X, 0, &cc6, &e);
    gsl_matrix *Xc = gsl_matrix_alloc(4000, 600), *m = gsl_matrix_alloc(1, 600);
    gn_mat_reduce(m, NULL, X, 1, GN_MAT_MEAN, NULL, &e);
    gn_mat_binary(Xc, X, m, GN_MAT_SUB, &e);
    gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0 / 3999, Xc, 0.0, ref);
    double d = 0, mx = 0;
    for (size_t i = 0; i < 600; i++)
        for (size_t j = i; j < 600; j++) {
            d = fmax(d, fabs(gsl_matrix_get(cv, i, j) - gsl_matrix_get(ref, i, j)));
            d = fmax(d, fabs(gsl_matrix_get(cv, j, i) - gsl_matrix_get(ref, i, j)));
            mx = fmax(mx, fabs(gsl_matrix_get(ref, i, j)));
        }
    CHECK(st == GN_OK && d <= 1e-13 * mx && c6.polls >= 2, "blocked cov of 4000x600 equals one SYRK (%.2g; %d polls)",
          d / mx, c6.polls);
    counter c7 = {0, 5};
    gn_cancel cc7 = {.poll = count_poll, .ud = &c7};
    CHECK(gn_mat_cov(cv, X, 1, &cc7, &e) == GN_EINTR && strstr(e.msg, "interrupted"), "corr stops: %s", e.msg);

    gsl_matrix_free(X); gsl_matrix_free(cv); gsl_matrix_free(ref); gsl_matrix_free(Xc); gsl_matrix_free(m);
    gsl_matrix_free(to); gsl_matrix_free(ti); gsl_matrix_free(to2); gsl_matrix_free(ti2);
    gsl_matrix_free(line); gsl_matrix_free(so); gsl_matrix_free(si); gsl_matrix_free(cs1);
    gsl_matrix_free(small); gsl_matrix_free(tall); gsl_matrix_free(wide);
    gsl_rng_free(g);
    CHECK_DONE();
}
