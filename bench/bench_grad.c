/* bench_grad.c — time of one full BPTT gradient (B=64, T=200, float64) for
 * n given on the command line; prints "n threads median_ms cpu_ms=...". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "rnn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atoi(argv[1]) : 64;
    int nth = argc > 2 ? atoi(argv[2]) : 1, reps = argc > 3 ? atoi(argv[3]) : 20;
    size_t B = 64, T = 200, ni = 3, no = 3;
    gn_err e = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gn_rnn *net = gn_rnn_alloc(n, ni, no, &e);
    gn_rnn_init(net, 1.5, rng, &e);
    gn_batch *bat = gn_batch_alloc(B, T, ni, no, 1, &e);
    for (size_t i = 0; i < B * T * ni; i++) bat->u[i] = gsl_ran_gaussian(rng, 1);
    for (size_t i = 0; i < B * T * no; i++) bat->target[i] = gsl_ran_gaussian(rng, 1);
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, nth, &e);
    if (!w) { fprintf(stderr, "%s\n", e.msg); return 1; }
    double *g = malloc(gn_rnn_nparams(net) * sizeof *g), loss, *t = malloc(reps * sizeof *t);
    double *c = malloc(reps * sizeof *c);
    gn_rnn_grad(net, bat, w, NULL, &loss, g, &e);   /* warm up: page in the workspace */
    for (int i = 0; i < reps; i++) {
        double t0 = now(), c0 = cpu();
        if (gn_rnn_grad(net, bat, w, NULL, &loss, g, &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
        t[i] = now() - t0;
        c[i] = cpu() - c0;
    }
    qsort(t, reps, sizeof *t, cmp);
    qsort(c, reps, sizeof *c, cmp);
    /* the CPU time (all threads) shows contention from other processes */
    printf("%zu %d %.3f cpu_ms=%.3f\n", n, nth, 1e3 * t[reps / 2], 1e3 * c[reps / 2]);
    free(g); free(t); free(c);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net); gsl_rng_free(rng);
    return 0;
}
