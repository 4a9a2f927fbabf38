/* bench_lif.c — times the LIF population on the benchmark network shared with
 * ref_lif_brian.py and ref_lif_numpy.py, and estimates memory bandwidth use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_rng.h>
#include <immintrin.h>
#include <pthread.h>

#include "lif.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The benchmark network: I_i spread linearly over [0.05, 0.10] nA (about
 * a third below rheobase), recurrence w = 0.0002 nA with probability p, a
 * fraction f of it NMDA (f > 0 takes the AMPA + NMDA path with the Mg block
 * evaluated per synapse; f = 0 is AMPA only), no self-connections, defaults
 * otherwise, dt = 0.1 ms. */
static void bench(size_t n, double p, double f, double T, double dt, int threads)
{
    gn_err e = {0};
    gn_lif_params prm;
    gn_lif_params_default(&prm);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double t0 = now();
    gn_lif *L = gn_lif_alloc(n, 0, &prm, &e);
    if (p > 0) gn_lif_set_recurrent(L, gn_lif_csr_random(n, n, p, 0.0002, 1, rng, &e), f, &e);
    double *I = malloc(n * sizeof *I);
    for (size_t i = 0; i < n; i++) I[i] = 0.05 + 0.05 * (double)i / (double)(n > 1 ? n - 1 : 1);
    double t1 = now();
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = dt; o.steps = (size_t)lround(T / dt);
    o.I_kind = GN_LIF_I_VECTOR; o.I = I;
    o.threads = threads;
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    if (gn_lif_run(L, &o, &sp, &e)) { fprintf(stderr, "run failed: %s\n", e.msg); exit(1); }
    double t2 = now();
    /* A hash of the spike train and final state: equal across thread counts. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t s = 0; s < sp.count; s++) h = (h ^ ((uint64_t)sp.step[s] << 32 ^ sp.neuron[s])) * 1099511628211ULL;
    for (size_t i = 0; i < n; i++) { uint64_t b; memcpy(&b, &L->v[i], 8); h = (h ^ b) * 1099511628211ULL; }
    printf("ours n=%zu p=%g f=%g build=%.4f run=%.4f total=%.4f spikes=%zu synapses=%zu threads=%d hash=%016llx\n",
           n, p, f, t1 - t0, t2 - t1, t2 - t0, sp.count, gn_lif_csr_nnz(L->rec),
           threads ? threads : gn_lif_threads_auto(L), (unsigned long long)h);
    gn_lif_spikes_free(&sp);
    free(I);
    gn_lif_free(L);
    gsl_rng_free(rng);
}

/* Membrane update bytes per neuron-step in this synapse-free network (the
 * kernel skips the all-zero AMPA/NMDA arrays): v read+written (16), ref
 * read+written (8), I read (8); the spike list is negligible.  With synapses
 * add 32 (AMPA and NMDA read+written). */
#define BYTES_PER_NEURON 32.0

/* Triad a[i] = b[i] + s c[i] over a working set of `bytes`, on 1 or 2
 * threads (each its own half), with AVX-512 stores where the CPU has them,
 * as our kernel uses: the bandwidth a streaming kernel can hope for at that
 * size. */
__attribute__((target("avx512f"))) static void triad512(double *a, const double *b, const double *c, size_t m)
{
    const __m512d h = _mm512_set1_pd(0.5);
    size_t i = 0;
    for (; i + 8 <= m; i += 8)
        _mm512_storeu_pd(a + i, _mm512_fmadd_pd(_mm512_loadu_pd(c + i), h, _mm512_loadu_pd(b + i)));
    for (; i < m; i++) a[i] = b[i] + 0.5 * c[i];
}

static void triad_plain(double *a, const double *b, const double *c, size_t m)
{
    for (size_t i = 0; i < m; i++) a[i] = b[i] + 0.5 * c[i];
}

typedef struct { double *a, *b, *c; size_t m; int reps; pthread_barrier_t *bar; double t; } triad_job;

static void *triad_run(void *arg)
{
    triad_job *j = arg;
    int wide = __builtin_cpu_supports("avx512f");
    pthread_barrier_wait(j->bar);
    double t0 = now();
    for (int k = 0; k < j->reps; k++) {
        if (wide) triad512(j->a, j->b, j->c, j->m); else triad_plain(j->a, j->b, j->c, j->m);
        __asm__ volatile("" ::: "memory");
    }
    j->t = now() - t0;
    return NULL;
}

static double triad_bw(size_t bytes, int threads)
{
    size_t m = bytes / 24;
    double *a = malloc(m * 8), *b = malloc(m * 8), *c = malloc(m * 8);
    for (size_t i = 0; i < m; i++) { a[i] = 0; b[i] = i; c[i] = 1.0 / (i + 1); }
    int reps = (int)(2e9 / bytes) + 1;
    double best = 1e9;
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)threads);
    for (int r = 0; r < 5; r++) {
        triad_job j[2];
        pthread_t th;
        for (int t = 0; t < threads; t++) {
            size_t lo = m * (size_t)t / (size_t)threads, hi = m * (size_t)(t + 1) / (size_t)threads;
            j[t] = (triad_job){a + lo, b + lo, c + lo, hi - lo, reps, &bar, 0};
        }
        if (threads > 1) pthread_create(&th, NULL, triad_run, &j[1]);
        triad_run(&j[0]);
        if (threads > 1) pthread_join(th, NULL);
        double t = fmax(j[0].t, threads > 1 ? j[1].t : 0) / reps;
        if (t < best) best = t;
    }
    pthread_barrier_destroy(&bar);
    double bw = 32.0 * m / best;   /* 3 streams + write-allocate */
    free(a); free(b); free(c);
    return bw;
}

/* Seconds per step of the synapse-free benchmark network (best of 3). */
static double per_step(size_t n, int threads)
{
    gn_err e = {0};
    gn_lif_params prm;
    gn_lif_params_default(&prm);
    gn_lif *L = gn_lif_alloc(n, 0, &prm, &e);
    double *I = malloc(n * sizeof *I);
    for (size_t i = 0; i < n; i++) I[i] = 0.05 + 0.05 * (double)i / (double)(n - 1);
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = 0.1; o.steps = 2000;
    o.I_kind = GN_LIF_I_VECTOR; o.I = I;
    o.threads = threads;
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    gn_lif_run(L, &o, &sp, &e);           /* warm-up */
    double best = 1e9;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        gn_lif_run(L, &o, &sp, &e);
        double t = (now() - t0) / o.steps;
        if (t < best) best = t;
    }
    gn_lif_spikes_free(&sp);
    free(I);
    gn_lif_free(L);
    return best;
}

static void bandwidth(size_t n)
{
    double ws = n * (8.0 * 2 + 4);   /* v, I, ref */
    double tri[3], dram = triad_bw((size_t)1 << 28, 2);
    for (int threads = 1; threads <= 2; threads++) tri[threads] = triad_bw((size_t)ws, threads);
    double ours[3];
    for (int threads = 1; threads <= 2; threads++) {
        double ps = per_step(n, threads);
        ours[threads] = BYTES_PER_NEURON * n / ps;
        printf("bandwidth n=%zu threads=%d: %.1f us/step, %.1f GB/s moved (%.0f B/neuron/step); triad at the same "
               "working set (%.1f MB), %d thread(s): %.1f GB/s -> ours/triad = %.2f\n",
               n, threads, ps * 1e6, ours[threads] / 1e9, BYTES_PER_NEURON, ws / 1e6, threads, tri[threads] / 1e9,
               ours[threads] / tri[threads]);
    }
    double bo = fmax(ours[1], ours[2]), bt = fmax(tri[1], tri[2]);
    printf("bandwidth best ours %.1f GB/s vs best triad %.1f GB/s at the same size: ratio %.2f (target >= 0.5); "
           "DRAM triad (256 MB, 2 threads) %.1f GB/s\n", bo / 1e9, bt / 1e9, bo / bt, dram / 1e9);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "bandwidth")) {
        bandwidth(argc >= 3 ? (size_t)atol(argv[2]) : 100000);
        return 0;
    }
    if (argc < 3) { fprintf(stderr, "usage: bench_lif N P [T_ms [threads [f_nmda]]] | bench_lif bandwidth [N]\n"); return 2; }
    bench((size_t)atol(argv[1]), atof(argv[2]), argc > 5 ? atof(argv[5]) : 0.0,
          argc > 3 ? atof(argv[3]) : 1000.0, 0.1, argc > 4 ? atoi(argv[4]) : 0);
    return 0;
}
