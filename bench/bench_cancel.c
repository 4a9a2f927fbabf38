/* bench_cancel.c — what stopping on Ctrl-C costs when nobody presses it, for
 * bench_cancel.sh: (1) a small rnn forward pass (n = 32, one trial of 200
 * steps, as net:run makes) with and without a cancellation set (such passes
 * never poll: the price is the per-step test of the poll schedule);
 * (2) gn_child_run's fork, wait and copy-back: a trivial job, and a
 * symmetric eigenproblem just above the 2^31-flop threshold in process and
 * in a child, with the parent holding 1 GB (page tables to copy);
 * (3) the stoppable merge sort of a long line (gn_mat_sort of 1e7 doubles)
 * against qsort of the same (value, index) keys with the same comparator;
 * (4) the time from a stop request to the return of calls that used to be
 * single library calls Ctrl-C could not stop: an rnn pass's weight-gradient
 * GEMM (n > 1024) and hf's per-trial products, linear:fixed's LU solve,
 * the exact propagator of linear:run, linear:run's input term and steps on
 * a large network, similarity(..., "pca")'s product.  Each at a size where
 * the uncancelled call takes seconds, next to what the user waited before:
 * the whole single call.  Medians of interleaved repetitions, wall clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_cblas.h>
#include <pthread.h>
#include <unistd.h>

#include "child.h"
#include "linear.h"
#include "similarity.h"
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


/* ---- (4) latency from a stop request to the return ---- */

/* A thread raises *stop at t0 + delay and notes when. */
typedef struct {
    volatile int *stop;
    double t0, delay, raised;
} raiser;

static void *raise_main(void *p)
{
    raiser *r = p;
    double wait = r->t0 + r->delay - now();
    if (wait > 0) {
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
    }
    r->raised = now();
    *r->stop = 1;
    return NULL;
}

/* A call under test: runs with cancel (NULL: uncancellable), returns its status. */
typedef int (*cancel_fn)(void *arg, const gn_cancel *cancel);

/* Runs f once uncancelled (seconds: *full) and `reps` times with a stop
 * raised `delay` seconds in; prints the median latency and status. */
static void latency(const char *what, cancel_fn f, void *arg, double delay, int reps)
{
    double t0 = now();
    int st0 = f(arg, NULL);
    double full = now() - t0;
    double lat[9];
    int st = 0;
    if (reps > 9) reps = 9;
    for (int k = 0; k < reps; k++) {
        volatile int stop = 0;
        gn_cancel cc = {.stop = &stop};
        raiser r = {&stop, now(), delay, 0};
        pthread_t th;
        pthread_create(&th, NULL, raise_main, &r);
        st = f(arg, &cc);
        double back = now();
        pthread_join(th, NULL);
        lat[k] = back - r.raised;
    }
    printf("%-58s uncancelled %6.2f s (status %d); stop at %.2f s: back after %6.1f ms (median of %d, status %d)\n",
           what, full, st0, delay, 1e3 * median(lat, reps), reps, st);
}

/* rnn passes: gradient of n = 2000, 8 trials x 1000 steps (the weight-gradient
 * GEMM alone is 6.4e10 flops), and hf's grad_sq of the same batch.  The stop
 * is raised inside the tail: at the time of its first poll in an
 * uncancelled run, plus 30% of the tail. */
typedef struct {
    gn_rnn *net;
    gn_batch *bat;
    gn_rnn_work *w;
    double *g, *sq;
    int sqjob;
    /* timing of the polls of one uncancelled run */
    double t0, tpoll[8192];
    int npoll;
    const gn_cancel *inner;
} rnn_arg;

static int rnn_poll(void *ud)
{
    rnn_arg *a = ud;
    if (a->npoll < 8192) a->tpoll[a->npoll] = now() - a->t0;
    a->npoll++;
    return a->inner ? gn_cancel_check(a->inner) : 0;
}

static int rnn_call(void *p, const gn_cancel *cancel)
{
    rnn_arg *a = p;
    gn_err e = {0};
    double l;
    a->inner = cancel;
    a->npoll = 0;
    a->t0 = now();
    gn_cancel cc = {.poll = rnn_poll, .ud = a};
    gn_rnn_work_set_cancel(a->w, &cc);
    return a->sqjob ? gn_rnn_grad_sq(a->net, a->bat, a->w, NULL, &l, a->g, a->sq, &e)
                    : gn_rnn_grad(a->net, a->bat, a->w, NULL, &l, a->g, &e);
}

static void bench_latency_rnn(void)
{
    size_t n = 2000, B = 8, T = 1000;
    gn_err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gn_rnn *net = gn_rnn_alloc(n, 1, 1, &e);
    gn_rnn_init(net, 1.5, r, &e);
    gn_batch *bat = gn_batch_alloc(B, T, 1, 1, 1, &e);
    for (size_t i = 0; i < B * T; i++) { bat->u[i] = 0.1 * (double)(i % 7); bat->target[i] = 0.5; bat->mask[i] = 1; }
    rnn_arg a = {.net = net, .bat = bat, .w = gn_rnn_work_alloc(net, B, T, 1, &e)};
    size_t np = gn_rnn_nparams(net);
    a.g = malloc(np * sizeof *a.g);
    a.sq = malloc(np * sizeof *a.sq);
    /* the old tail: one GEMM of the same shape (n x la over all B·T steps) */
    size_t la = n + 2, K = B * T;
    double *A = calloc(K * n, sizeof *A), *Bm = calloc(K * la, sizeof *Bm), *C = malloc(n * la * sizeof *C);
    double t0 = now();
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)la, (int)K, 1.0, A, (int)n, Bm, (int)la, 0.0,
                C, (int)la);
    double one = now() - t0;
    printf("rnn n=%zu, %zu trials x %zu steps: the weight-gradient product as one GEMM (before: no poll inside) "
           "%.2f s\n", n, B, T, one);
    free(A); free(Bm); free(C);
    for (int sqjob = 0; sqjob < 2; sqjob++) {
        a.sqjob = sqjob;
        /* where the tail starts: the forward pass's polls, twice, and one */
        double l;
        a.npoll = 0; a.inner = NULL; a.t0 = now();
        gn_cancel cf = {.poll = rnn_poll, .ud = &a};
        gn_rnn_work_set_cancel(a.w, &cf);
        gn_rnn_loss(net, bat, a.w, NULL, &l, &e);
        int fwd = a.npoll;
        double t1 = now();
        rnn_call(&a, NULL);
        double full = now() - t1;
        int k0 = 2 * fwd + 2;
        if (k0 >= a.npoll || k0 >= 8192) { printf("rnn: no tail polls (%d polls)\n", a.npoll); continue; }
        double tail0 = a.tpoll[k0], delay = tail0 + 0.3 * (full - tail0);
        int gaps = a.npoll < 8192 ? a.npoll : 8192;
        double maxgap = full - a.tpoll[gaps - 1];
        for (int i = k0; i < gaps; i++) maxgap = fmax(maxgap, a.tpoll[i] - a.tpoll[i - 1]);
        printf("rnn %s: %d polls, the tail from %.2f s of %.2f s, longest gap between its polls %.1f ms\n",
               sqjob ? "grad_sq (hf's per-trial products)" : "gradient", a.npoll, tail0, full, 1e3 * maxgap);
        latency(sqjob ? "  grad_sq, stopped in the per-trial products" : "  gradient, stopped in the weight-gradient GEMM",
                rnn_call, &a, delay, 3);
    }
    free(a.g); free(a.sq);
    gn_rnn_work_free(a.w); gn_batch_free(bat); gn_rnn_free(net); gsl_rng_free(r);
}

typedef struct {
    gn_linear *lin;
    gsl_vector *h, *v;
    gsl_matrix *H, *V;
    int what;   /* 0 fixed, 1 propagator, 2 run */
    gn_pca *pca;
    size_t k;
    gsl_matrix *S;
} lin_arg;

static int lin_call(void *p, const gn_cancel *cancel)
{
    lin_arg *a = p;
    gn_err e = {0};
    switch (a->what) {
    case 0: return gn_linear_fixed(a->lin, a->h, a->v, cancel, &e);
    case 1: {
        int st = gn_linear_prepare(a->lin, GN_LINEAR_EXACT, cancel, &e);
        for (int m = 0; m < 2; m++) {   /* not cached: every call computes it */
            if (a->lin->P[m]) gsl_matrix_free(a->lin->P[m]);
            if (a->lin->Q[m]) gsl_matrix_free(a->lin->Q[m]);
            a->lin->P[m] = a->lin->Q[m] = NULL;
        }
        return st;
    }
    case 2: {
        gn_cancel c = cancel ? *cancel : (gn_cancel){0};
        return gn_linear_run(a->lin, a->H, NULL, GN_LINEAR_EXACT, a->V, c, &e);
    }
    default: return gn_similarity_pca(a->pca, a->k, a->S, cancel, &e);
    }
}

static gsl_matrix *randn(gsl_rng *r, size_t a, size_t b, double s)
{
    gsl_matrix *m = gsl_matrix_alloc(a, b);
    for (size_t i = 0; i < a * b; i++) m->data[i] = s * gsl_ran_gaussian(r, 1.0);
    return m;
}

static void bench_latency_linear(void)
{
    gn_err e = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    {
        size_t n = 5000;
        gsl_matrix *M = randn(r, n, n, 0.01 / sqrt(2.0));
        lin_arg a = {.lin = gn_linear_alloc(M, 10, 1, &e), .h = gsl_vector_alloc(n), .v = gsl_vector_alloc(n)};
        gsl_vector_set_all(a.h, 0.5);
        a.what = 0;
        latency("linear:fixed, n=5000 (LU in a child)", lin_call, &a, 1.0, 3);
        gn_linear_free(a.lin); gsl_vector_free(a.h); gsl_vector_free(a.v); gsl_matrix_free(M);
    }
    {
        size_t n = 1000;
        gsl_matrix *M = randn(r, n, n, 0.02);
        lin_arg a = {.lin = gn_linear_alloc(M, 10, 1, &e), .what = 1};
        latency("exact propagator, n=1000 (2000x2000 expm in a child)", lin_call, &a, 1.0, 3);
        gn_linear_free(a.lin); gsl_matrix_free(M);
    }
    {
        size_t n = 2000, T = 20000;
        gsl_matrix *M = randn(r, n, n, 0.01);
        lin_arg a = {.lin = gn_linear_alloc(M, 10, 1, &e), .what = 2, .H = randn(r, T, n, 1.0)};
        a.V = gsl_matrix_alloc(T, n);
        gn_linear_prepare(a.lin, GN_LINEAR_EXACT, NULL, &e);
        latency("linear:run, n=2000, T=20000 (input term in panels)", lin_call, &a, 0.5, 3);
        latency("linear:run, n=2000, T=20000 (in the steps)", lin_call, &a, 4.0, 3);
        gn_linear_free(a.lin); gsl_matrix_free(a.H); gsl_matrix_free(a.V); gsl_matrix_free(M);
    }
    {
        size_t n = 6000, k = 6000;
        gn_pca p = {.T = 2, .n = n, .k = k, .components = randn(r, n, k, 1.0), .var = gsl_vector_alloc(k)};
        gsl_vector_set_all(p.var, 1.0);
        lin_arg a = {.what = 3, .pca = &p, .k = k, .S = gsl_matrix_alloc(n, n)};
        latency("similarity pca product, n=6000, k=6000 (in a child)", lin_call, &a, 1.0, 3);
        gsl_matrix_free(p.components); gsl_vector_free(p.var); gsl_matrix_free(a.S);
    }
    gsl_rng_free(r);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *what = argc > 1 ? argv[1] : "all";
    if (!strcmp(what, "all") || !strcmp(what, "rnn")) bench_rnn(2000);
    if (!strcmp(what, "all") || !strcmp(what, "child")) bench_child();
    if (!strcmp(what, "all") || !strcmp(what, "sort")) bench_sort();
    if (!strcmp(what, "all") || !strcmp(what, "latency") || !strcmp(what, "latency-rnn")) bench_latency_rnn();
    if (!strcmp(what, "all") || !strcmp(what, "latency") || !strcmp(what, "latency-linear")) bench_latency_linear();
    return 0;
}
