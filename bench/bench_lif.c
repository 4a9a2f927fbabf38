/* bench_lif.c — times the LIF population on the benchmark network shared with
 * ref_lif_brian.py and ref_lif_numpy.py, and estimates memory bandwidth use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_rng.h>

#include "lif.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The benchmark network: I_i spread linearly over [0.05, 0.10] nA (about
 * a third below rheobase), AMPA recurrence w = 0.0002 nA with probability p,
 * no self-connections, defaults otherwise, dt = 0.1 ms. */
static void bench(size_t n, double p, double T, double dt)
{
    gn_err e = {0};
    gn_lif_params prm;
    gn_lif_params_default(&prm);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double t0 = now();
    gn_lif *L = gn_lif_alloc(n, 0, &prm, &e);
    if (p > 0) gn_lif_set_recurrent(L, gn_lif_csr_random(n, n, p, 0.0002, 1, rng, &e), 0, &e);
    double *I = malloc(n * sizeof *I);
    for (size_t i = 0; i < n; i++) I[i] = 0.05 + 0.05 * (double)i / (double)(n > 1 ? n - 1 : 1);
    double t1 = now();
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = dt; o.steps = (size_t)lround(T / dt);
    o.I_kind = GN_LIF_I_VECTOR; o.I = I;
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    if (gn_lif_run(L, &o, &sp, &e)) { fprintf(stderr, "run failed: %s\n", e.msg); exit(1); }
    double t2 = now();
    printf("ours n=%zu p=%g build=%.4f run=%.4f total=%.4f spikes=%zu synapses=%zu\n",
           n, p, t1 - t0, t2 - t1, t2 - t0, sp.count, gn_lif_csr_nnz(L->rec));
    gn_lif_spikes_free(&sp);
    free(I);
    gn_lif_free(L);
    gsl_rng_free(rng);
}

/* Membrane update bytes per neuron-step in this synapse-free network (the
 * kernel skips the all-zero AMPA/NMDA arrays): v read+written (16), ref
 * read+written (8), spike flag written (1), I read (8).  With synapses add
 * 32 (AMPA and NMDA read+written). */
#define BYTES_PER_NEURON 33.0

/* Triad a[i] = b[i] + s c[i] over a working set of `bytes`: the bandwidth a
 * streaming kernel can hope for at that size. */
static double triad_bw(size_t bytes)
{
    size_t m = bytes / 24;
    double *a = malloc(m * 8), *b = malloc(m * 8), *c = malloc(m * 8);
    for (size_t i = 0; i < m; i++) { a[i] = 0; b[i] = i; c[i] = 1.0 / (i + 1); }
    int reps = (int)(2e9 / bytes) + 1;
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int k = 0; k < reps; k++) {
            for (size_t i = 0; i < m; i++) a[i] = b[i] + 0.5 * c[i];
            __asm__ volatile("" ::: "memory");
        }
        double t = (now() - t0) / reps;
        if (t < best) best = t;
    }
    double bw = 32.0 * m / best;   /* 3 streams + write-allocate */
    free(a); free(b); free(c);
    return bw;
}

static void bandwidth(size_t n)
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
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    gn_lif_run(L, &o, &sp, &e);           /* warm-up */
    double t0 = now();
    gn_lif_run(L, &o, &sp, &e);
    double per_step = (now() - t0) / o.steps;
    double ws = n * (8.0 * 2 + 4 + 1);   /* v, I, ref, spk */
    double ours = BYTES_PER_NEURON * n / per_step;
    double tri = triad_bw((size_t)ws);
    double dram = triad_bw((size_t)1 << 28);
    printf("bandwidth n=%zu: %.1f us/step, %.2f GB/s moved (%.0f B/neuron/step, working set %.1f MB)\n",
           n, per_step * 1e6, ours / 1e9, BYTES_PER_NEURON, ws / 1e6);
    printf("bandwidth triad at same working set %.2f GB/s -> ours/triad = %.2f; DRAM triad (256 MB) %.2f GB/s -> ours/DRAM = %.2f\n",
           tri / 1e9, ours / tri, dram / 1e9, ours / dram);
    gn_lif_spikes_free(&sp);
    free(I);
    gn_lif_free(L);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "bandwidth")) {
        bandwidth(argc >= 3 ? (size_t)atol(argv[2]) : 100000);
        return 0;
    }
    if (argc < 3) { fprintf(stderr, "usage: bench_lif N P [T_ms] | bench_lif bandwidth [N]\n"); return 2; }
    bench((size_t)atol(argv[1]), atof(argv[2]), argc > 3 ? atof(argv[3]) : 1000.0, 0.1);
    return 0;
}
