/* test_similarity.c — correlation and PCA-loading similarity against direct formulas. */
#include "check.h"
#include "similarity.h"
#include "poll_count.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    size_t T = 200, n = 6;
    gsl_matrix *R = gsl_matrix_alloc(T, n), *S = gsl_matrix_alloc(n, n), *S2 = gsl_matrix_alloc(n, n);
    for (size_t t = 0; t < T; t++) {
        double a = sin(0.07 * t), b = gsl_ran_gaussian(r, 1.0);
        gsl_matrix_set(R, t, 0, a + 0.3 * gsl_ran_gaussian(r, 1.0));
        gsl_matrix_set(R, t, 1, 3.0 * gsl_matrix_get(R, t, 0) + 1.25);   /* affine copy of 0 */
        gsl_matrix_set(R, t, 2, b);
        gsl_matrix_set(R, t, 3, -0.5 * a + 0.8 * b + 0.1 * gsl_ran_gaussian(r, 1.0));
        gsl_matrix_set(R, t, 4, 2.385);                                  /* constant */
        gsl_matrix_set(R, t, 5, tanh(a + b));
    }
    gn_err e = {0};
    CHECK(gn_similarity_corr(R, S, NULL, &e) == GN_OK, "corr similarity runs %s", e.msg);
    double dmax = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (i == 4 || j == 4) continue;
            gsl_vector_const_view ci = gsl_matrix_const_column(R, i), cj = gsl_matrix_const_column(R, j);
            double ref = gsl_stats_correlation(ci.vector.data, ci.vector.stride, cj.vector.data, cj.vector.stride, T);
            dmax = fmax(dmax, fabs(ref - gsl_matrix_get(S, i, j)));
        }
    CHECK(dmax < 1e-13, "correlations match gsl_stats_correlation (max diff %.2g)", dmax);
    CHECK_NEAR(gsl_matrix_get(S, 0, 1), 1.0, 1e-14, "affine copy has correlation 1");
    CHECK(gsl_matrix_get(S, 4, 0) == 0 && gsl_matrix_get(S, 2, 4) == 0 && gsl_matrix_get(S, 4, 4) == 1,
          "constant neuron: 0 off the diagonal, 1 on it");

    gn_pca *p = gn_pca_alloc(T, n, &e);
    gn_pca_fit(p, R, &e);
    CHECK(gn_similarity_pca(p, n, S2, NULL, &e) == GN_OK, "pca similarity runs");
    dmax = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) dmax = fmax(dmax, fabs(gsl_matrix_get(S, i, j) - gsl_matrix_get(S2, i, j)));
    CHECK(dmax < 1e-10, "pca similarity with all components equals correlation (max diff %.2g)", dmax);
    CHECK(gn_similarity_pca(p, 2, S2, NULL, &e) == GN_OK, "pca similarity with k=2");
    CHECK(gsl_matrix_get(S2, 0, 1) > 0.999999, "k=2: affine copies stay identical (%.9f)", gsl_matrix_get(S2, 0, 1));
    /* With k=1 all loading vectors are 1-d, so every cosine is ±1 or 0. */
    gn_similarity_pca(p, 1, S2, NULL, &e);
    CHECK(fabs(fabs(gsl_matrix_get(S2, 2, 3)) - 1) < 1e-12, "k=1: cosines are ±1");

    /* In a child process (GANGLION_LAPACK_CHILD=0 with a cancellation): the
     * same matrix bit for bit, exactly two polls; a stop at the first poll
     * returns GN_EINTR and leaves the PCA usable; without the variable a
     * small product never polls. */
    {
        gsl_matrix *S3 = gsl_matrix_alloc(n, n);
        gn_similarity_pca(p, 3, S2, NULL, &e);
        counter c = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c};
        setenv("GANGLION_LAPACK_CHILD", "0", 1);
        CHECK(gn_similarity_pca(p, 3, S3, &cc, &e) == GN_OK && c.polls == 2 &&
              !memcmp(S2->data, S3->data, n * n * sizeof(double)),
              "pca similarity in a child: bit for bit, two polls (%d)", c.polls);
        counter cs = {0, 1};
        gn_cancel ccs = {.poll = count_poll, .ud = &cs};
        gsl_matrix_set_all(S3, 2.385);
        CHECK(gn_similarity_pca(p, 3, S3, &ccs, &e) == GN_EINTR && cs.polls == 1 && strstr(e.msg, "interrupted"),
              "pca similarity: a stop at the first poll returns GN_EINTR (%s)", e.msg);
        unsetenv("GANGLION_LAPACK_CHILD");
        counter cn = {0, 0};
        gn_cancel ccn = {.poll = count_poll, .ud = &cn};
        CHECK(gn_similarity_pca(p, 3, S3, &ccn, &e) == GN_OK && cn.polls == 0 &&
              !memcmp(S2->data, S3->data, n * n * sizeof(double)),
              "after the stop the PCA serves again; a small product never polls (%d polls)", cn.polls);
        gsl_matrix_free(S3);
    }

    CHECK(gn_similarity_pca(p, 0, S2, NULL, &e) == GN_EINVAL && strstr(e.msg, "k must"), "k=0 refused: %s", e.msg);
    CHECK(gn_similarity_pca(p, 7, S2, NULL, &e) == GN_EINVAL, "k > components refused: %s", e.msg);
    gsl_matrix *bad = gsl_matrix_alloc(3, 3);
    CHECK(gn_similarity_corr(R, bad, NULL, &e) == GN_EINVAL && strstr(e.msg, "6x6"), "wrong output shape refused: %s", e.msg);
    gsl_matrix_set(R, 5, 5, NAN);
    CHECK(gn_similarity_corr(R, S, NULL, &e) == GN_EINVAL && strstr(e.msg, "NaN"), "NaN refused: %s", e.msg);
    gsl_matrix_view one = gsl_matrix_submatrix(R, 0, 0, 1, 3);
    CHECK(gn_similarity_corr(&one.matrix, bad, NULL, &e) == GN_EINVAL, "single time point refused: %s", e.msg);
    /* A large correlation polls between blocks of rows of its Gram pass
     * (70000×128: 1.1e9 multiply-adds, four polls), with the same result
     * bit for bit; a stop at the 2nd poll returns GN_EINTR. */
    {
        gsl_matrix *Rb = randm(r, 70000, 128), *S0 = gsl_matrix_alloc(128, 128), *S1 = gsl_matrix_alloc(128, 128);
        counter c = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c};
        CHECK(gn_similarity_corr(Rb, S0, NULL, &e) == GN_OK && gn_similarity_corr(Rb, S1, &cc, &e) == GN_OK &&
              c.polls == 4 && !memcmp(S0->data, S1->data, 128 * 128 * sizeof(double)),
              "a large correlation polls (%d polls) and is bit for bit the one without", c.polls);
        counter cs = {0, 2};
        gn_cancel ccs = {.poll = count_poll, .ud = &cs};
        CHECK(gn_similarity_corr(Rb, S1, &ccs, &e) == GN_EINTR && cs.polls == 2,
              "a stop at the 2nd poll returns GN_EINTR (%s)", e.msg);
        gsl_matrix_free(Rb); gsl_matrix_free(S0); gsl_matrix_free(S1);
    }
    gn_pca_free(p); gsl_matrix_free(R); gsl_matrix_free(S); gsl_matrix_free(S2); gsl_matrix_free(bad); gsl_rng_free(r);
    CHECK_DONE();
}
