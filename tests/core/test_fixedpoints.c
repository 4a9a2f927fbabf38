/* test_fixedpoints.c — slow-point search against analytic fixed points. */
#include "check.h"
#include "fixedpoints.h"
#include "poll_count.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

static gsl_matrix *random_starts(gsl_rng *r, size_t S, size_t n, double sd)
{
    gsl_matrix *X = gsl_matrix_alloc(S, n);
    for (size_t s = 0; s < S; s++)
        for (size_t i = 0; i < n; i++) gsl_matrix_set(X, s, i, gsl_ran_gaussian(r, sd));
    return X;
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    gn_err e = {0};

    /* 1. Gradient of q against central finite differences. */
    size_t n = 6;
    gn_rnn *net = gn_rnn_alloc(n, 2, 1, &e);
    gn_rnn_init(net, 1.8, r, &e);
    net->tau = 2.385;
    for (size_t i = 0; i < n; i++) gsl_matrix_set(net->b, i, 0, 0.1 * i - 0.2);
    gsl_vector *x = gsl_vector_alloc(n), *g = gsl_vector_alloc(n), *u = gsl_vector_alloc(2);
    gsl_vector_set(u, 0, 0.3); gsl_vector_set(u, 1, -0.8);
    for (size_t i = 0; i < n; i++) gsl_vector_set(x, i, gsl_ran_gaussian(r, 1));
    gn_fixedpoints_q(net, u, x, NULL, g);
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double xi = gsl_vector_get(x, i), h = 1e-5;
        gsl_vector_set(x, i, xi + h); double qp = gn_fixedpoints_q(net, u, x, NULL, NULL);
        gsl_vector_set(x, i, xi - h); double qm = gn_fixedpoints_q(net, u, x, NULL, NULL);
        gsl_vector_set(x, i, xi);
        dmax = fmax(dmax, fabs((qp - qm) / (2 * h) - gsl_vector_get(g, i)));
    }
    CHECK(dmax < 1e-8, "∇q matches finite differences (max diff %.2g)", dmax);

    /* 2. tanh, small weights, no bias: the origin, stable, tr J = (tr W − n)/tau. */
    gn_rnn_init(net, 0.5, r, &e);
    gsl_matrix_set_zero(net->b);
    gn_fpset *fp = gn_fpset_alloc(n, 16, &e);
    gsl_matrix *S = random_starts(r, 20, n, 1.0);
    CHECK(gn_fixedpoints_find(net, NULL, S, NULL, fp, NULL, NULL, &e) == GN_OK, "search runs %s", e.msg);
    double xn = 0, tr = 0, trW = 0;
    if (fp->count >= 1) for (size_t i = 0; i < n; i++) { xn = fmax(xn, fabs(fp->x[i])); tr += fp->eig_re[i]; trW += gsl_matrix_get(net->W, i, i); }
    CHECK(fp->count == 1 && xn < 1e-6, "small tanh net: one fixed point, the origin (%zu found, |x| %.2g)", fp->count, xn);
    CHECK(fp->count == 1 && fp->stable[0] && fp->hits[0] == 20, "the origin is stable and every start reaches it");
    CHECK_NEAR(tr, (trW - n) / net->tau, 1e-10, "sum of eigenvalues = tr J = (tr W − n)/tau");

    /* 3. relu net whose fixed point lies where every unit is active, so it
     *    solves the linear system (I − W) x = b + Win u exactly. */
    gn_rnn *rl = gn_rnn_alloc(n, 2, 1, &e);
    gn_rnn_init(rl, 0.4, r, &e);
    rl->act = GN_ACT_RELU;
    /* Non-negative, weak recurrence and positive drive keep every unit on. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) gsl_matrix_set(rl->W, i, j, 0.8 * fabs(gsl_matrix_get(rl->W, i, j)));
    gsl_matrix_set_zero(rl->Win);
    gsl_matrix_set(rl->Win, 0, 0, 0.5); gsl_matrix_set(rl->Win, 3, 1, -0.25);
    for (size_t i = 0; i < n; i++) gsl_matrix_set(rl->b, i, 0, 1.5 + 0.2 * i);
    gsl_matrix *A = gsl_matrix_alloc(n, n);
    gsl_vector *rhs = gsl_vector_alloc(n), *xs = gsl_vector_alloc(n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    int sg;
    gsl_matrix_set_identity(A);
    gsl_matrix_sub(A, rl->W);
    for (size_t i = 0; i < n; i++) gsl_vector_set(rhs, i, gsl_matrix_get(rl->b, i, 0));
    gsl_blas_dgemv(CblasNoTrans, 1.0, rl->Win, u, 1.0, rhs);
    gsl_linalg_LU_decomp(A, perm, &sg);
    gsl_linalg_LU_solve(A, perm, rhs, xs);
    int allpos = 1;
    for (size_t i = 0; i < n; i++) allpos &= gsl_vector_get(xs, i) > 0.1;
    gn_fpset *fr = gn_fpset_alloc(n, 16, &e);
    gsl_matrix *S2 = random_starts(r, 10, n, 0.5);
    gsl_matrix_add_constant(S2, 2.0);
    gn_fixedpoints_find(rl, u, S2, NULL, fr, NULL, NULL, &e);
    dmax = 0;
    if (fr->count) for (size_t i = 0; i < n; i++) dmax = fmax(dmax, fabs(fr->x[i] - gsl_vector_get(xs, i)));
    CHECK(allpos && fr->count == 1 && dmax < 1e-7, "relu net: the fixed point solves (I−W)x = b + Win u (max diff %.2g, %zu found)", dmax, fr->count);

    /* 4. Bistable units: W = 2I, tanh → per unit x = 2 tanh x, roots 0, ±x*;
     *    in 2-d, 9 fixed points, of which the 4 corners (±x*, ±x*) are stable. */
    gn_rnn *bi = gn_rnn_alloc(2, 1, 1, &e);
    gsl_matrix_set(bi->W, 0, 0, 2); gsl_matrix_set(bi->W, 1, 1, 2);
    double xstar = 2;
    for (int it = 0; it < 50; it++) xstar -= (xstar - 2 * tanh(xstar)) / (1 - 2 * (1 - tanh(xstar) * tanh(xstar)));
    gn_fpset *fb = gn_fpset_alloc(2, 32, &e);
    gsl_matrix *S3 = random_starts(r, 300, 2, 1.5);
    gn_fixedpoints_find(bi, NULL, S3, NULL, fb, NULL, NULL, &e);
    size_t nstable = 0, corner_ok = 0;
    for (size_t p = 0; p < fb->count; p++) {
        if (!fb->stable[p]) continue;
        nstable++;
        if (fabs(fabs(fb->x[2 * p]) - xstar) < 1e-7 && fabs(fabs(fb->x[2 * p + 1]) - xstar) < 1e-7) corner_ok++;
    }
    CHECK(fb->count == 9, "bistable pair: all 9 fixed points found (%zu)", fb->count);
    CHECK(nstable == 4 && corner_ok == 4, "exactly the 4 corners (±%.6f, ±%.6f) are stable (%zu stable, %zu at corners)", xstar, xstar, nstable, corner_ok);

    /* Errors. */
    gsl_matrix *bad = gsl_matrix_alloc(3, 5);
    gsl_matrix_set_zero(bad);
    CHECK(gn_fixedpoints_find(net, NULL, bad, NULL, fp, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "columns"), "wrong start width refused: %s", e.msg);
    gsl_vector *u3 = gsl_vector_alloc(3);
    CHECK(gn_fixedpoints_find(net, u3, S, NULL, fp, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "input"), "wrong input length refused: %s", e.msg);
    gsl_matrix_set(S, 0, 0, NAN);
    CHECK(gn_fixedpoints_find(net, NULL, S, NULL, fp, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "NaN"), "NaN start refused: %s", e.msg);
    volatile int stop = 1; gn_cancel cc = { .stop = &stop };
    gsl_matrix_set(S, 0, 0, 0.5);
    CHECK(gn_fixedpoints_find(net, NULL, S, NULL, fp, NULL, &cc, &e) == GN_EINTR, "cancel stops the search");
    /* 5. In child processes (GANGLION_LAPACK_CHILD=0 with a cancellation):
     *    each point's eigenvalues come back bit for bit, after two more
     *    polls per point; a stop during the starts drops the points (their
     *    eigenvalues would need children). */
    {
        gn_fpset *f0 = gn_fpset_alloc(2, 32, &e), *f1 = gn_fpset_alloc(2, 32, &e);
        counter c0 = {0, 0}, c1 = {0, 0};
        gn_cancel cc0 = {.poll = count_poll, .ud = &c0}, cc1 = {.poll = count_poll, .ud = &c1};
        gsl_matrix *S4 = random_starts(r, 40, 2, 1.5);
        int s0 = gn_fixedpoints_find(bi, NULL, S4, NULL, f0, NULL, &cc0, &e);
        setenv("GANGLION_LAPACK_CHILD", "0", 1);
        int s1 = gn_fixedpoints_find(bi, NULL, S4, NULL, f1, NULL, &cc1, &e);
        size_t k = f1->count;
        int same = s0 == GN_OK && s1 == GN_OK && f0->count == k && k > 0 &&
                   !memcmp(f0->x, f1->x, 2 * k * sizeof(double)) && !memcmp(f0->q, f1->q, k * sizeof(double)) &&
                   !memcmp(f0->eig_re, f1->eig_re, 2 * k * sizeof(double)) &&
                   !memcmp(f0->eig_im, f1->eig_im, 2 * k * sizeof(double)) &&
                   !memcmp(f0->stable, f1->stable, k * sizeof(int)) && !memcmp(f0->hits, f1->hits, k * sizeof(size_t));
        CHECK(same && c0.polls == 40 && c1.polls == 40 + 2 * (int)k,
              "eigenvalues in children: %zu points bit for bit; polls %d = 40 starts + 2 per point (in process: %d)",
              k, c1.polls, c0.polls);
        gn_fpset *f2 = gn_fpset_alloc(2, 32, &e);
        counter c2 = {0, 30};
        gn_cancel cc2 = {.poll = count_poll, .ud = &c2};
        CHECK(gn_fixedpoints_find(bi, NULL, S4, NULL, f2, NULL, &cc2, &e) == GN_EINTR && f2->count == 0 && c2.polls == 30,
              "a stop during the starts: GN_EINTR, the points needing children dropped (%zu kept)", f2->count);
        counter c3 = {0, 40 + 3};
        gn_cancel cc3 = {.poll = count_poll, .ud = &c3};
        gn_fpset *f3 = gn_fpset_alloc(2, 32, &e);
        CHECK(gn_fixedpoints_find(bi, NULL, S4, NULL, f3, NULL, &cc3, &e) == GN_EINTR && f3->count == 1 &&
              !memcmp(f3->eig_re, f1->eig_re, 2 * sizeof(double)),
              "a stop in the second point's child keeps the first point with its eigenvalues (%zu kept)", f3->count);
        unsetenv("GANGLION_LAPACK_CHILD");
        gn_fpset_free(f0); gn_fpset_free(f1); gn_fpset_free(f2); gn_fpset_free(f3);
        gsl_matrix_free(S4);
    }
    gn_fpset_free(fp); gn_fpset_free(fr); gn_fpset_free(fb);
    gsl_matrix_free(S); gsl_matrix_free(S2); gsl_matrix_free(S3); gsl_matrix_free(A); gsl_matrix_free(bad);
    gsl_vector_free(x); gsl_vector_free(g); gsl_vector_free(u); gsl_vector_free(u3); gsl_vector_free(rhs); gsl_vector_free(xs);
    gsl_permutation_free(perm);
    gn_rnn_free(net); gn_rnn_free(rl); gn_rnn_free(bi); gsl_rng_free(r);
    CHECK_DONE();
}
