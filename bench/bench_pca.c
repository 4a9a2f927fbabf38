/* bench_pca.c — times gn_pca_fit on T×n data (the size of a condensation trace) for
 * bench_pca.sh; prints the best time and the algorithm gn_svd_run took ("gram": eigen-
 * decomposition of XᵀX; "qr-golub-kahan": Householder QR + Golub–Kahan SVD of R). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pca.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t T = argc > 1 ? (size_t)atol(argv[1]) : 20000, n = argc > 2 ? (size_t)atol(argv[2]) : 64;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *X = gsl_matrix_alloc(T, n);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++) gsl_matrix_set(X, t, j, gsl_ran_gaussian(r, 1.0) * (1.0 + j % 7));
    gn_err e = {0};
    gn_pca *p = gn_pca_alloc(T, n, &e);
    double best = 1e30;
    for (int k = 0; k < reps; k++) {
        double t0 = now();
        if (gn_pca_fit(p, X, &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    printf("%.6f %s\n", best, p->ws->gram ? "gram" : "qr-golub-kahan");
    gn_pca_free(p); gsl_matrix_free(X); gsl_rng_free(r);
    return 0;
}
