/* test_kinds.c — k-means recovers planted response types. */
#include "check.h"
#include "kinds.h"

#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    size_t T = 60, n = 45, k = 3, truth[45], label[45];
    gsl_matrix *R = gsl_matrix_alloc(T, n), *C = gsl_matrix_alloc(T, k);
    /* Three shapes (oscillation, ramp, step), random gain/offset, 10% noise. */
    for (size_t i = 0; i < n; i++) {
        truth[i] = gsl_rng_uniform_int(r, k);
        double gain = 0.5 + 2 * gsl_rng_uniform(r), off = gsl_ran_gaussian(r, 3);
        for (size_t t = 0; t < T; t++) {
            double x = t / (double)T, v = truth[i] == 0 ? sin(12 * x) : truth[i] == 1 ? x : (x > 0.5);
            gsl_matrix_set(R, t, i, off + gain * (v + 0.1 * gsl_ran_gaussian(r, 1) * (truth[i] == 1 ? 0.3 : 0.7)));
        }
    }
    gn_err e = {0};
    double in = 0;
    CHECK(gn_kinds_fit(R, k, 10, 0, r, C, label, &in, NULL, &e) == GN_OK, "kinds runs %s", e.msg);
    int agree = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if ((truth[i] == truth[j]) != (label[i] == label[j])) agree = 0;
    CHECK(agree, "the planted partition is recovered exactly");
    CHECK(label[0] == 0, "types numbered by first appearance");
    /* Centroid of the ramp type correlates with the ramp. */
    size_t ramp = 0;
    for (size_t i = 0; i < n; i++) if (truth[i] == 1) { ramp = label[i]; break; }
    double c1 = gsl_matrix_get(C, T - 1, ramp) - gsl_matrix_get(C, 0, ramp);
    CHECK(c1 > 3.0, "ramp centroid rises over the trial in z-units (%.2f)", c1);
    double in1 = 0;
    size_t lab1[45];
    gsl_matrix *C1 = gsl_matrix_alloc(T, 1);
    gn_kinds_fit(R, 1, 1, 0, r, C1, lab1, &in1, NULL, &e);
    CHECK(in < 0.2 * in1, "3 types explain far more than 1 (inertia %.1f vs %.1f)", in, in1);
    /* k = n: every neuron its own type, inertia 0. */
    gsl_matrix *Cn = gsl_matrix_alloc(T, n);
    size_t labn[45];
    gn_kinds_fit(R, n, 2, 0, r, Cn, labn, &in, NULL, &e);
    CHECK(in < 1e-20, "k = n gives zero inertia (%.2g)", in);

    CHECK(gn_kinds_fit(R, 0, 10, 0, r, C, label, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "k must"), "k=0 refused: %s", e.msg);
    CHECK(gn_kinds_fit(R, 46, 10, 0, r, C, label, NULL, NULL, &e) == GN_EINVAL, "k > n refused: %s", e.msg);
    CHECK(gn_kinds_fit(R, 2, 10, 0, r, C, label, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "centroids"), "wrong centroid shape refused: %s", e.msg);
    volatile int stop = 1;
    gn_cancel cc = { .stop = &stop };
    CHECK(gn_kinds_fit(R, k, 10, 0, r, C, label, NULL, &cc, &e) == GN_EINTR, "cancel flag stops it");
    gsl_matrix_set(R, 3, 3, NAN);
    CHECK(gn_kinds_fit(R, k, 10, 0, r, C, label, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "NaN"), "NaN refused: %s", e.msg);
    gsl_matrix_free(R); gsl_matrix_free(C); gsl_matrix_free(C1); gsl_matrix_free(Cn); gsl_rng_free(r);
    CHECK_DONE();
}
