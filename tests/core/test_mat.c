/* test_mat.c — the array kernels: vector-math maps against libm (NaN and
 * ±inf included), broadcasting on strided views against explicit loops,
 * reductions, and pair ranking against a brute-force sort of all pairs. */
#include "check.h"
#include "mat.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

/* Relative difference, NaN-aware (two NaNs agree); absolute for
 * subnormal references, which carry few significant bits. */
static double reldiff(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b) ? 0 : INFINITY;
    if (a == b) return 0;
    if (fabs(b) < 2.3e-308) return fabs(a - b) < 1e-310 ? 0 : INFINITY;   /* subnormal: absolute */
    return fabs(a - b) / fmax(fabs(b), 1e-300);
}

static int cmp_pair(const void *pa, const void *pb)
{
    const gn_pair *a = pa, *b = pb;
    if (a->s != b->s) return a->s > b->s ? -1 : 1;
    if (a->i != b->i) return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

int main(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2385);

    /* 1. maps against libm over a wide range plus special values */
    size_t n = 4003;
    gsl_matrix *x = gsl_matrix_alloc(1, n), *y = gsl_matrix_alloc(1, n);
    for (size_t j = 0; j < n; j++) x->data[j] = (gsl_rng_uniform(g) - 0.5) * 1500.0 * pow(10, -(double)(j % 7));
    double special[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1e-300, -745.2, 709.7, 20.0, -40.0};
    memcpy(x->data, special, sizeof special);
    const char *names[] = {"exp", "log", "tanh", "sigmoid"};
    gn_mat_unop ops[] = {GN_MAT_EXP, GN_MAT_LOG, GN_MAT_TANH, GN_MAT_SIGMOID};
    for (int k = 0; k < 4; k++) {
        gsl_matrix *in = x;
        gsl_matrix *ax = NULL;
        if (ops[k] == GN_MAT_LOG) {   /* log of |x|, and negatives (NaN) */
            ax = gsl_matrix_alloc(1, n);
            for (size_t j = 0; j < n; j++) ax->data[j] = j % 5 == 0 ? x->data[j] : fabs(x->data[j]);
            in = ax;
        }
        gn_mat_unary(y, in, ops[k]);
        double worst = 0;
        size_t at = 0;
        for (size_t j = 0; j < n; j++) {
            double v = in->data[j];
            double ref = ops[k] == GN_MAT_EXP ? exp(v) : ops[k] == GN_MAT_LOG ? log(v)
                       : ops[k] == GN_MAT_TANH ? tanh(v) : v < 0 ? exp(v) / (1.0 + exp(v)) : 1.0 / (1.0 + exp(-v));
            double d = reldiff(y->data[j], ref);
            if (d > worst) { worst = d; at = j; }
        }
        CHECK(worst < 4e-15, "%s matches libm within 4e-15 relative (worst %.2g at x = %g)", names[k], worst,
              in->data[at]);
        if (ax) gsl_matrix_free(ax);
    }
    /* in place */
    gsl_matrix *z = gsl_matrix_alloc(1, n);
    gsl_matrix_memcpy(z, x);
    gn_mat_unary(z, z, GN_MAT_TANH);
    gn_mat_unary(y, x, GN_MAT_TANH);
    CHECK(memcmp(z->data, y->data, n * sizeof(double)) == 0, "tanh in place equals tanh out of place");

    /* 2. broadcasting on strided views against explicit loops */
    gsl_matrix *P = gsl_matrix_alloc(9, 11);
    for (size_t k = 0; k < 99; k++) P->data[k] = gsl_ran_gaussian(g, 1.0) + 2.385;
    gsl_matrix_view a = gsl_matrix_submatrix(P, 1, 2, 6, 5);      /* 6×5, tda 11 */
    gsl_matrix_view row = gsl_matrix_submatrix(P, 8, 0, 1, 5);    /* 1×5 */
    gsl_matrix_view col = gsl_matrix_submatrix(P, 0, 9, 6, 1);    /* 6×1, tda 11 */
    gsl_matrix *o = gsl_matrix_alloc(6, 5);
    gn_err e = {0};
    int bad = 0;
    CHECK(gn_mat_binary(o, &a.matrix, &row.matrix, GN_MAT_SUB, &e) == GN_OK, "view - row runs");
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++)
            bad += gsl_matrix_get(o, i, j) != gsl_matrix_get(&a.matrix, i, j) - gsl_matrix_get(&row.matrix, 0, j);
    CHECK(bad == 0, "view - row broadcasts the row down (%d wrong)", bad);
    CHECK(gn_mat_binary(o, &col.matrix, &a.matrix, GN_MAT_DIV, &e) == GN_OK, "col / view runs");
    bad = 0;
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++)
            bad += gsl_matrix_get(o, i, j) != gsl_matrix_get(&col.matrix, i, 0) / gsl_matrix_get(&a.matrix, i, j);
    CHECK(bad == 0, "col / view broadcasts the column across (%d wrong)", bad);
    gsl_matrix *o2 = gsl_matrix_alloc(6, 6);
    CHECK(gn_mat_binary(o2, &a.matrix, &col.matrix, GN_MAT_ADD, &e) == GN_EINVAL, "6x5 + 6x1 into 6x6 is refused");
    gsl_matrix_view b3 = gsl_matrix_submatrix(P, 0, 0, 3, 5);
    CHECK(gn_mat_binary(o, &a.matrix, &b3.matrix, GN_MAT_ADD, &e) == GN_EINVAL && strstr(e.msg, "6x5 and 3x5"),
          "6x5 + 3x5 names both shapes: %s", e.msg);

    /* 3. reductions on a view against explicit sums (two-pass var) */
    gsl_matrix *s1 = gsl_matrix_alloc(1, 5), *s2 = gsl_matrix_alloc(6, 1), *ix = gsl_matrix_alloc(6, 1);
    gn_mat_reduce(s1, NULL, &a.matrix, 1, GN_MAT_VAR, NULL, &e);
    gn_mat_reduce(s2, ix, &a.matrix, 2, GN_MAT_MAXR, NULL, &e);
    double worst = 0;
    int idxbad = 0;
    for (size_t j = 0; j < 5; j++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < 6; i++) m += gsl_matrix_get(&a.matrix, i, j) / 6;
        for (size_t i = 0; i < 6; i++) v += pow(gsl_matrix_get(&a.matrix, i, j) - m, 2) / 5;
        worst = fmax(worst, reldiff(gsl_matrix_get(s1, 0, j), v));
    }
    for (size_t i = 0; i < 6; i++) {
        gsl_vector_view r = gsl_matrix_row(&a.matrix, i);
        size_t k = gsl_vector_max_index(&r.vector);
        idxbad += gsl_matrix_get(ix, i, 0) != (double)(k + 1) || gsl_matrix_get(s2, i, 0) != gsl_vector_get(&r.vector, k);
    }
    CHECK(worst < 1e-13, "column variances of a view (n-1) match the formula (worst %.2g)", worst);
    CHECK(idxbad == 0, "row maxima and their 1-based indices match gsl_vector_max_index");
    gsl_matrix *big = gsl_matrix_alloc(1, 100003);
    for (size_t j = 0; j < big->size2; j++) big->data[j] = 0.1 + 1e-3 * (double)(j % 13);
    double exact = 0;   /* Σ in long double, then the pairwise sum must agree to 1e-15 */
    long double acc = 0;
    for (size_t j = 0; j < big->size2; j++) acc += big->data[j];
    exact = (double)acc;
    double sv;
    gsl_matrix_view sv1 = gsl_matrix_view_array(&sv, 1, 1);
    gn_mat_reduce(&sv1.matrix, NULL, big, 0, GN_MAT_SUM, NULL, &e);
    CHECK(reldiff(sv, exact) < 1e-15, "pairwise sum of 1e5 values within 1e-15 of a long-double sum (%.2g)",
          reldiff(sv, exact));
    gsl_matrix *empty = gsl_matrix_alloc(1, 1);
    empty->size1 = 0;
    CHECK(gn_mat_reduce(&sv1.matrix, NULL, empty, 0, GN_MAT_MINR, NULL, &e) == GN_EINVAL && strstr(e.msg, "empty"),
          "min of an empty matrix is an error: %s", e.msg);
    empty->size1 = 1;

    /* 4. pair ranking against qsort of all pairs */
    for (int trial = 0; trial < 6; trial++) {
        size_t N = 5 + 11 * (size_t)trial, m = trial == 0 ? 1 : trial == 1 ? 3 : trial == 5 ? 100000 : 10;
        int absval = trial % 2;
        gsl_matrix *S = gsl_matrix_alloc(N, N);
        double *var = malloc(N * sizeof *var);
        for (size_t i = 0; i < N; i++) {
            var[i] = gsl_rng_uniform(g);
            for (size_t j = 0; j < N; j++) gsl_matrix_set(S, i, j, round(gsl_ran_gaussian(g, 1.0) * 8) / 8);
        }
        size_t all = N * (N - 1) / 2, k = 0;
        gn_pair *ref = malloc(all * sizeof *ref), *got = malloc((m < all ? m : all) * sizeof *got);
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; j < N; j++) {
                double s = gsl_matrix_get(S, i, j);
                ref[k++] = (gn_pair){i, j, absval ? fabs(s) : s};
            }
        qsort(ref, all, sizeof *ref, cmp_pair);
        size_t want = m < all ? m : all;
        size_t cnt = gn_mat_rank_pairs(got, m, S, var, absval);
        int mism = cnt != want;
        for (size_t q = 0; q < want && !mism; q++) {
            size_t i = ref[q].i, j = ref[q].j;
            if (var[j] > var[i]) { size_t t = i; i = j; j = t; }
            mism = got[q].i != i || got[q].j != j || got[q].s != ref[q].s;
        }
        CHECK(!mism, "rank_pairs n=%zu m=%zu %s: same pairs, order and kept unit as a full sort", N, m,
              absval ? "|S|" : "S");
        gsl_matrix_free(S);
        free(var); free(ref); free(got);
    }

    gsl_matrix_free(x); gsl_matrix_free(y); gsl_matrix_free(z); gsl_matrix_free(P); gsl_matrix_free(o);
    gsl_matrix_free(o2); gsl_matrix_free(s1); gsl_matrix_free(s2); gsl_matrix_free(ix); gsl_matrix_free(big);
    gsl_matrix_free(empty);
    gsl_rng_free(g);
    return check_failures ? 1 : 0;
}
