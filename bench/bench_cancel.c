/* bench_cancel.c — what stopping on Ctrl-C costs when nobody presses it, for
 * bench_cancel.sh: (1) a small rnn forward pass (n = 32, one trial of 200
 * steps, as net:run makes) with and without a cancellation set (such passes
 * never poll: the price is the per-step test of the poll schedule);
 * (2) gn_child_run's fork, wait and copy-back: a trivial job, and a
 * symmetric eigenproblem just above the 2^31-flop threshold in process and
 * in a child, with the parent holding 1 GB (page tables to copy);
 * (3) the stoppable merge sort of a long line (gn_mat_sort of 1e7 doubles)
 * against qsort of the same (value, index) keys with the same comparator.
 * Medians of interleaved repetitions, wall clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "child.h"
#include "mat.h"
#include "rnn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int never(void *ud) { (void)ud; return 0; }

/* ---- (1) rnn ---- */
static void bench_rnn(int reps)
{
    gn_err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gn_rnn *net = gn_rnn_alloc(32, 1, 1, &e);
    gn_rnn_init(net, 1.5, r, &e);
    size_t T = 200;
    gn_batch *bat = gn_batch_alloc(1, T, 1, 1, 0, &e);
    for (size_t t = 0; t < T; t++) bat->u[t] = 0.1 * (double)(t % 7);
    gn_rnn_work *w = gn_rnn_work_alloc(net, 1, T, 1, &e);
    gn_cancel cc = {.poll = never};
    double tn[9], tc[9];
    for (int k = 0; k < 9; k++) {
        for (int c = 0; c < 2; c++) {
            gn_rnn_work_set_cancel(w, c ? &cc : NULL);
            double t0 = now();
            for (int i = 0; i < reps; i++) gn_rnn_forward(net, bat, w, NULL, NULL, &e);
            (c ? tc : tn)[k] = (now() - t0) / reps;
        }
    }
    double a = median(tn, 9), b = median(tc, 9);
    printf("rnn n=32 T=200 forward pass: %.2f us without a cancellation, %.2f us with one (never polls): "
           "ratio %.3f\n", 1e6 * a, 1e6 * b, b / a);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net); gsl_rng_free(r);
}

/* ---- (2) child ---- */
static void nothing(void *p) { *(int *)p = 1; }

typedef struct { gsl_matrix *A; gsl_vector *ev; gsl_eigen_symm_workspace *ws; } eig_arg;
static void eig_fn(void *p)
{
    eig_arg *a = p;
    gsl_eigen_symm(a->A, a->ev, a->ws);
}

static void bench_child(void)
{
    gn_err e = {0};
    gn_cancel cc = {.poll = never};
    /* an empty job, then with 1 GB held and touched by the parent: a fork
     * copies the page tables and takes a reference to every page, and the
     * child's exit drops them */
    double *hold = NULL;
    for (int gb = 0; gb < 2; gb++) {
        if (gb) {
            size_t big = (size_t)1 << 27;
            hold = malloc(big * sizeof *hold);
            for (size_t i = 0; i < big; i += 512) hold[i] = (double)i;
        }
        double tt[15];
        int flag = 0;
        for (int k = 0; k < 15; k++) {
            double t0 = now();
            gn_region out = {&flag, sizeof flag};
            gn_child_run(nothing, &flag, &out, 1, &cc, "bench", &e);
            tt[k] = now() - t0;
        }
        printf("gn_child_run of an empty job, parent holding %s: %.2f ms\n", gb ? "1 GB more" : "little",
               1e3 * median(tt, 15));
    }
    /* 4 n^3 just above 2^31: n = 820 */
    size_t n = 820;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *S = gsl_matrix_alloc(n, n), *A = gsl_matrix_alloc(n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double v = gsl_ran_gaussian(r, 1.0);
            gsl_matrix_set(S, i, j, v);
            gsl_matrix_set(S, j, i, v);
        }
    gsl_vector *ev = gsl_vector_alloc(n);
    eig_arg a = {A, ev, gsl_eigen_symm_alloc(n)};
    double ti[5], tch[5];
    for (int k = 0; k < 5; k++) {
        gsl_matrix_memcpy(A, S);
        double t0 = now();
        eig_fn(&a);
        ti[k] = now() - t0;
        gsl_matrix_memcpy(A, S);
        gn_region out = gn_region_vector(ev);
        t0 = now();
        gn_child_run(eig_fn, &a, &out, 1, &cc, "bench", &e);
        tch[k] = now() - t0;
    }
    double x = median(ti, 5), y = median(tch, 5);
    printf("symmetric eigenvalues n=%zu (4n^3 = %.3g flops, threshold %.3g), parent holding 1 GB: %.1f ms in "
           "process, %.1f ms in a child: +%.1f ms (%.1f%%)\n", n, 4.0 * n * n * n, gn_child_min_flops(), 1e3 * x, 1e3 * y,
           1e3 * (y - x), 100 * (y - x) / x);
    gsl_eigen_symm_free(a.ws); gsl_vector_free(ev); gsl_matrix_free(S); gsl_matrix_free(A); gsl_rng_free(r);
    free(hold);
}

/* ---- (3) sort: the comparator of mat_reduce.c ---- */
typedef struct { double v; size_t k; } keyed;
static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int an = a->v != a->v, bn = b->v != b->v;
    if (an != bn) return an - bn;
    if (!an && a->v != b->v) return a->v < b->v ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

static void bench_sort(void)
{
    size_t N = 10000000;
    gn_err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_matrix *a = gsl_matrix_alloc(N, 1), *out = gsl_matrix_alloc(N, 1);
    for (size_t i = 0; i < N; i++) a->data[i] = gsl_ran_gaussian(r, 1.0);
    keyed *buf = malloc(N * sizeof *buf);
    gn_cancel cc = {.poll = never};
    double tm[3], tq[3];
    for (int k = 0; k < 3; k++) {
        double t0 = now();
        gn_mat_sort(out, NULL, a, 1, &cc, &e);
        tm[k] = now() - t0;
        t0 = now();
        for (size_t i = 0; i < N; i++) { buf[i].v = a->data[i]; buf[i].k = i; }
        qsort(buf, N, sizeof *buf, cmp_keyed);
        for (size_t i = 0; i < N; i++) out->data[i] = buf[i].v;
        tq[k] = now() - t0;
    }
    double x = median(tm, 3), y = median(tq, 3);
    printf("sort of 1e7 doubles: stoppable merge sort (gn_mat_sort) %.3f s, qsort of the same keys %.3f s: "
           "ratio %.2f\n", x, y, x / y);
    free(buf); gsl_matrix_free(a); gsl_matrix_free(out); gsl_rng_free(r);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *what = argc > 1 ? argv[1] : "all";
    if (!strcmp(what, "all") || !strcmp(what, "rnn")) bench_rnn(2000);
    if (!strcmp(what, "all") || !strcmp(what, "child")) bench_child();
    if (!strcmp(what, "all") || !strcmp(what, "sort")) bench_sort();
    return 0;
}
