/* bench_ring.c — times gn_ring_run (O(n) product and dense CBLAS W·r), 1000
 * steps at n = 100 and 1000; prints one line per case: "case n ms". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_errno.h>

#include "ring.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Median of reps runs (the machine is shared: one slow run says little). */
static double time_run(gn_ring *ring, size_t steps, gsl_matrix *out, int reps)
{
    double t[64];
    gn_err e = {0};
    gn_cancel nc = {0};
    for (int k = 0; k < reps; k++) {
        gsl_vector_set_zero(ring->r);
        double t0 = now();
        gn_ring_run(ring, steps, 0.001, 0.5, 1.0, NULL, out, nc, &e);
        t[k] = now() - t0;
    }
    for (int i = 1; i < reps; i++)
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) { double x = t[j]; t[j] = t[j - 1]; t[j - 1] = x; }
    return t[reps / 2];
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1 || reps > 64) reps = 15;
    const size_t sizes[2] = {100, 1000}, steps = 1000;
    for (int s = 0; s < 2; s++) {
        gn_ring_params p;
        gn_ring_params_default(&p);
        p.n = sizes[s];
        gn_err e = {0};
        gn_ring *ring = gn_ring_alloc(&p, &e);
        gsl_matrix *out = gsl_matrix_alloc(steps, p.n);
        if (!ring || !out) { fprintf(stderr, "bench_ring: %s\n", e.msg); return 1; }
        time_run(ring, steps, out, 2);   /* warm up: page in out */
        printf("ours_structured %zu %.4f\n", p.n, 1e3 * time_run(ring, steps, out, reps));
        gn_ring_set_dense(ring, 1, &e);
        printf("ours_dense %zu %.4f\n", p.n, 1e3 * time_run(ring, steps, out, reps));
        gsl_matrix_free(out);
        gn_ring_free(ring);
    }
    return 0;
}
