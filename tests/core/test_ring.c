/* test_ring.c — ring network: O(n) product vs dense CBLAS, stepping vs a
 * naive loop, mean-field bump height/width, persistence, cue tracking,
 * the notebook preset's decay, bump() on synthetic profiles, error paths. */
#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "ring.h"

static double wrapd(double x) { return remainder(x, 2 * M_PI); }

int main(void)
{
    gsl_set_error_handler_off();
    gn_err e = {0};
    gn_cancel nc = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2385);

    /* ---- structured product vs dense ------------------------------------- */
    {
        gn_ring_params p;
        gn_ring_params_default(&p);
        p.n = 137; p.w0 = -1.7; p.w1 = 3.3;
        gn_ring *ring = gn_ring_alloc(&p, &e);
        gsl_matrix *W = gsl_matrix_alloc(p.n, p.n);
        gsl_vector *r = gsl_vector_alloc(p.n), *want = gsl_vector_alloc(p.n);
        double got[137];
        for (size_t i = 0; i < p.n; i++) gsl_vector_set(r, i, gsl_rng_uniform(rng) * 3 - 0.5);
        gn_ring_weights(ring, W, &e);
        /* spot-check the dense matrix itself against cos(θi − θj) */
        double th5 = 2 * M_PI * 5 / 137, th90 = 2 * M_PI * 90 / 137;
        CHECK_NEAR(gsl_matrix_get(W, 5, 90), (-1.7 + 3.3 * cos(th5 - th90)) / 137, 1e-15, "W(6,91) = (w0 + w1 cos(θ6-θ91))/n");
        gsl_blas_dgemv(CblasNoTrans, 1, W, r, 0, want);
        gn_ring_recurrent(ring, r->data, got);
        double worst = 0;
        for (size_t i = 0; i < p.n; i++) worst = fmax(worst, fabs(got[i] - gsl_vector_get(want, i)));
        CHECK(worst < 1e-13, "O(n) recurrent product equals dense CBLAS W·r (max diff %.2g)", worst);

        /* a run with dense weights and one with the O(n) product agree */
        gsl_matrix *A = gsl_matrix_alloc(300, p.n), *B = gsl_matrix_alloc(300, p.n);
        gn_ring_run(ring, 300, 0.01, 0.7, 0.4, r, A, nc, &e);
        CHECK(gn_ring_set_dense(ring, 1, &e) == GN_OK, "dense mode on");
        gn_ring_run(ring, 300, 0.01, 0.7, 0.4, r, B, nc, &e);
        gn_ring_set_dense(ring, 0, &e);
        worst = 0;
        for (size_t k = 0; k < 300 * p.n; k++) worst = fmax(worst, fabs(A->data[k] - B->data[k]));
        CHECK(worst < 1e-11, "300 steps: dense and structured runs agree (max diff %.2g)", worst);

        /* stepping vs a naive transcription of the equation */
        gsl_vector *x = gsl_vector_alloc(p.n), *y = gsl_vector_alloc(p.n);
        gsl_vector_memcpy(x, r);
        worst = 0;
        for (size_t s = 0; s < 20; s++) {
            double psi = 0.4 + 0.01 * s * p.dt;
            for (size_t i = 0; i < p.n; i++) {
                double thi = 2 * M_PI * i / p.n, in = p.h0 - p.T + 0.7 * cos(thi - psi);
                for (size_t j = 0; j < p.n; j++)
                    in += (p.w0 + p.w1 * cos(thi - 2 * M_PI * j / p.n)) / p.n * gsl_vector_get(x, j);
                double xi = gsl_vector_get(x, i);
                gsl_vector_set(y, i, xi + p.dt / p.tau * (-xi + (in > 0 ? in : 0)));
            }
            gsl_vector_memcpy(x, y);
            for (size_t i = 0; i < p.n; i++) worst = fmax(worst, fabs(gsl_matrix_get(A, s, i) - gsl_vector_get(x, i)));
        }
        CHECK(worst < 1e-12, "first 20 steps equal a naive Euler loop with moving cue (%.2g)", worst);

        /* the cue phase carries over: 150 + 150 steps = 300 steps */
        gsl_matrix_view Bv = gsl_matrix_submatrix(B, 0, 0, 150, p.n);
        gn_ring_run(ring, 150, 0.01, 0.7, 0.4, r, &Bv.matrix, nc, &e);
        gsl_matrix *C = gsl_matrix_alloc(150, p.n);
        gn_ring_run(ring, 150, 0.01, 0.7, NAN, NULL, C, nc, &e);
        worst = 0;
        for (size_t i = 0; i < p.n; i++) worst = fmax(worst, fabs(gsl_matrix_get(C, 149, i) - gsl_matrix_get(A, 299, i)));
        CHECK(worst < 1e-12, "continuing run (last state, cue phase kept) equals one long run (%.2g)", worst);
        CHECK_NEAR(ring->phase, 0.4 + 0.01 * 300 - 2 * M_PI, 1e-12, "cue phase advanced by speed*steps*dt, wrapped");

        gsl_matrix_free(W); gsl_matrix_free(A); gsl_matrix_free(B); gsl_matrix_free(C);
        gsl_vector_free(r); gsl_vector_free(want); gsl_vector_free(x); gsl_vector_free(y);
        gn_ring_free(ring);
    }

    /* ---- attractor defaults: persistence and mean-field shape ------------ */
    gn_ring_params p;
    gn_ring_params_default(&p);
    gn_ring *ring = gn_ring_alloc(&p, &e);
    CHECK(ring != NULL, "alloc with defaults (%s)", e.msg);
    size_t n = p.n;
    gsl_matrix *cued = gsl_matrix_alloc(300, n), *free_ = gsl_matrix_alloc(3000, n);
    gsl_vector *pos = gsl_vector_alloc(3000), *uw = gsl_vector_alloc(3000),
               *wid = gsl_vector_alloc(3000), *hgt = gsl_vector_alloc(3000);
    CHECK(gn_ring_run(ring, 300, 0, p.h1, 1.0, NULL, cued, nc, &e) == GN_OK, "cue at 1 rad, 300 steps");
    CHECK(gn_ring_run(ring, 3000, 0, 0, NAN, NULL, free_, nc, &e) == GN_OK, "cue removed, 3000 steps (300 tau)");
    gn_ring_bump(free_, pos, uw, wid, hgt, &e);
    CHECK_NEAR(gsl_vector_get(pos, 2999), 1.0, 0.02, "bump stays where the cue left it after 300 tau");
    /* mean field with w1 = 4: half-width π/2, height π(h0−T)/(−w0) = π/2,
     * full width at half height 2·acos(1/2) = 2π/3 */
    CHECK_NEAR(gsl_vector_get(hgt, 2999), M_PI / 2, 0.01, "bump height = mean-field pi/2");
    CHECK_NEAR(gsl_vector_get(wid, 2999), 2 * M_PI / 3, 0.02, "bump width at half height = 2pi/3");
    {
        size_t active = 0;
        for (size_t i = 0; i < n; i++) active += gsl_matrix_get(free_, 2999, i) > 1e-9;
        CHECK(active >= 48 && active <= 52, "half the ring active (%zu of %zu)", active, n);
        double dh = fabs(gsl_vector_get(hgt, 2999) - gsl_vector_get(hgt, 1999));
        CHECK(dh < 1e-6, "bump height stationary without input (change %.2g over 100 tau)", dh);
    }

    /* mean-field prediction for the defaults, and for another attractor */
    {
        double thc, H, Wd;
        CHECK(gn_ring_meanfield(&p, &thc, &H, &Wd) == 1, "mean field: defaults have a bump");
        CHECK_NEAR(thc, M_PI / 2, 1e-12, "mean field: w1 = 4 gives half-width pi/2");
        CHECK_NEAR(H, M_PI / 2, 1e-12, "mean field: height pi/2");
        CHECK_NEAR(Wd, 2 * M_PI / 3, 1e-12, "mean field: width 2pi/3");
        gn_ring_params q = p;
        q.n = 400; q.w0 = -5; q.w1 = 6; q.h0 = 1.5; q.T = 0.3; q.tau = 4; q.dt = 0.4;
        CHECK(gn_ring_meanfield(&q, &thc, &H, &Wd) == 1, "mean field: w1 = 6, w0 = -5 has a bump");
        /* (2θ − sin 2θ)/(4π) = 1/6 at the returned θc */
        CHECK_NEAR((2 * thc - sin(2 * thc)) / (4 * M_PI), 1.0 / 6, 1e-12, "mean field: self-consistency of thc");
        gn_ring *r6 = gn_ring_alloc(&q, &e);
        gsl_matrix *A1 = gsl_matrix_alloc(200, q.n), *A2 = gsl_matrix_alloc(1500, q.n);
        gsl_vector *h6 = gsl_vector_alloc(1500), *w6 = gsl_vector_alloc(1500);
        gn_ring_run(r6, 200, 0, 0.4, -2.0, NULL, A1, nc, &e);
        gn_ring_run(r6, 1500, 0, 0, NAN, NULL, A2, nc, &e);
        gn_ring_bump(A2, NULL, NULL, w6, h6, &e);
        CHECK_NEAR(gsl_vector_get(h6, 1499), H, 0.01, "w1 = 6 ring settles to the mean-field height %.4f", H);
        CHECK_NEAR(gsl_vector_get(w6, 1499), Wd, 0.02, "w1 = 6 ring settles to the mean-field width %.4f", Wd);
        gsl_matrix_free(A1); gsl_matrix_free(A2); gsl_vector_free(h6); gsl_vector_free(w6);
        gn_ring_free(r6);
        gn_ring_params_notebook(&q);
        CHECK(gn_ring_meanfield(&q, &thc, &H, &Wd) == 0 && isnan(H), "mean field: notebook preset has no bump");
        gn_ring_params_default(&q); q.w0 = 0.5;
        CHECK(gn_ring_meanfield(&q, &thc, &H, &Wd) == 0, "mean field: no bump without enough inhibition");
    }

    /* ---- tracking a slowly rotating cue ------------------------------------ */
    {
        double speed = 0.001;   /* rad per time unit: 0.01 rad per tau */
        size_t S = 3000;
        gsl_matrix *A = gsl_matrix_alloc(S, n);
        CHECK(gn_ring_run(ring, S, speed, p.h1, 1.0, NULL, A, nc, &e) == GN_OK, "rotating cue run");
        gn_ring_bump(A, pos, uw, wid, hgt, &e);
        double worst = 0;
        for (size_t k = S / 2; k < S; k++)
            worst = fmax(worst, fabs(wrapd(gsl_vector_get(pos, k) - (1.0 + speed * k * p.dt))));
        CHECK(worst < 0.1, "bump follows the cue (max lag %.3f rad over the last half)", worst);
        CHECK_NEAR(gsl_vector_get(uw, S - 1) - gsl_vector_get(uw, 0), speed * (S - 1) * p.dt, 0.05,
                   "unwrapped bump path turned with the cue");
        gsl_matrix_free(A);
    }

    /* ---- notebook preset: input-driven, no persistence -------------------- */
    {
        gn_ring_params q;
        gn_ring_params_notebook(&q);
        CHECK(q.w0 == 0.9 && q.w1 == 1 && q.h0 == 2 && q.h1 == 1 && q.T == 2, "notebook preset values");
        gn_ring *nb = gn_ring_alloc(&q, &e);
        gsl_matrix *A = gsl_matrix_alloc(300, q.n), *B = gsl_matrix_alloc(500, q.n);
        gsl_vector *h1 = gsl_vector_alloc(300), *h2 = gsl_vector_alloc(500);
        gn_ring_run(nb, 300, 0, q.h1, 0.5, NULL, A, nc, &e);
        gn_ring_bump(A, NULL, NULL, NULL, h1, &e);
        gn_ring_run(nb, 500, 0, 0, NAN, NULL, B, nc, &e);
        gn_ring_bump(B, NULL, NULL, NULL, h2, &e);
        double hc = gsl_vector_get(h1, 299), hf = gsl_vector_get(h2, 499);
        CHECK(hc > 0.5, "notebook preset: cue makes a profile (height %.3f)", hc);
        CHECK(hf < 1e-3 * hc, "notebook preset: profile gone after cue removal (%.3g -> %.3g)", hc, hf);
        /* w1 < 2: the cosine mode decays at rate (1 − w1/2)/τ while all
         * units are active, and faster once some are silent.  Check the
         * ratio over 100 steps is at least the linear-theory decay. */
        double h100 = gsl_vector_get(h2, 199), h200 = gsl_vector_get(h2, 299);
        CHECK(h200 / h100 <= exp(-100 * q.dt * (1 - q.w1 / 2) / q.tau) * 1.05,
              "notebook preset: modulation decays at least as fast as e^{-(1-w1/2)t/tau} (%.3g)", h200 / h100);
        gsl_matrix_free(A); gsl_matrix_free(B); gsl_vector_free(h1); gsl_vector_free(h2);
        gn_ring_free(nb);
    }

    /* ---- bump() on synthetic cosine bumps ------------------------------------- */
    {
        size_t m = 360, rows = 4;
        gsl_matrix *A = gsl_matrix_alloc(rows, m);
        gsl_vector *ps = gsl_vector_alloc(rows), *pu = gsl_vector_alloc(rows),
                   *pw = gsl_vector_alloc(rows), *ph = gsl_vector_alloc(rows);
        const double amp = 2.385, base = 0.31, thc = 1.1;
        const double centres[4] = {2.1, 3.05, -3.1, -2.9};   /* crosses ±π */
        for (size_t t = 0; t < rows; t++)
            for (size_t i = 0; i < m; i++) {
                double c = cos(2 * M_PI * i / m - centres[t]) - cos(thc);
                gsl_matrix_set(A, t, i, base + amp * (c > 0 ? c : 0));
            }
        CHECK(gn_ring_bump(A, ps, pu, pw, ph, &e) == GN_OK, "bump() on synthetic profiles");
        for (size_t t = 0; t < rows; t++) {
            CHECK_NEAR(gsl_vector_get(ps, t), centres[t], 1e-4, "position of bump centred at %.2f", centres[t]);
            /* the peak sample misses the true peak by at most half a grid step */
            double dth = 2 * M_PI / m;
            CHECK_NEAR(gsl_vector_get(ph, t), amp * (1 - cos(thc)), amp * dth * dth / 8 + 1e-12,
                       "height A(1-cos thc) of bump %zu", t + 1);
            CHECK_NEAR(gsl_vector_get(pw, t), 2 * acos((1 + cos(thc)) / 2), 2e-3,
                       "width 2acos((1+cos thc)/2) of bump %zu", t + 1);
        }
        CHECK_NEAR(gsl_vector_get(pu, 3) - gsl_vector_get(pu, 0), (-2.9 + 2 * M_PI) - 2.1, 1e-4,
                   "unwrapped position continues across pi");
        /* flat row: no position, full width, zero height */
        for (size_t i = 0; i < m; i++) gsl_matrix_set(A, 0, i, 0.7);
        gn_ring_bump(A, ps, pu, pw, ph, &e);
        CHECK(isnan(gsl_vector_get(ps, 0)) && gsl_vector_get(ph, 0) == 0
              && gsl_vector_get(pw, 0) == 2 * M_PI, "flat profile: pos NaN, height 0, width 2pi");
        gsl_matrix_set(A, 1, 7, NAN);
        CHECK(gn_ring_bump(A, ps, pu, pw, ph, &e) == GN_EINVAL && strstr(e.msg, "activity(2,8)"),
              "NaN activity rejected: %s", e.msg);
        gsl_matrix_free(A); gsl_vector_free(ps); gsl_vector_free(pu); gsl_vector_free(pw); gsl_vector_free(ph);
    }

    /* ---- error paths ----------------------------------------------------------- */
    {
        gn_ring_params q;
        gn_ring_params_default(&q); q.n = 0;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "n must be"), "n = 0: %s", e.msg);
        gn_ring_params_default(&q); q.tau = 0;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "tau"), "tau = 0: %s", e.msg);
        gn_ring_params_default(&q); q.tau = -3;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "tau"), "tau < 0: %s", e.msg);
        gn_ring_params_default(&q); q.dt = 20;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "must not exceed tau"), "dt > tau: %s", e.msg);
        gn_ring_params_default(&q); q.w1 = NAN;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "w1"), "w1 NaN: %s", e.msg);
        gn_ring_params_default(&q); q.T = INFINITY;
        CHECK(!gn_ring_alloc(&q, &e) && strstr(e.msg, "T must"), "T Inf: %s", e.msg);
        gsl_matrix *bad = gsl_matrix_alloc(10, n + 1);
        CHECK(gn_ring_run(ring, 10, 0, 1, NAN, NULL, bad, nc, &e) == GN_EINVAL, "output shape: %s", e.msg);
        gsl_matrix *ok = gsl_matrix_alloc(10, n);
        CHECK(gn_ring_run(ring, 0, 0, 1, NAN, NULL, ok, nc, &e) == GN_EINVAL, "steps = 0: %s", e.msg);
        CHECK(gn_ring_run(ring, 10, NAN, 1, NAN, NULL, ok, nc, &e) == GN_EINVAL && strstr(e.msg, "speed"), "speed NaN: %s", e.msg);
        CHECK(gn_ring_run(ring, 10, 0, INFINITY, NAN, NULL, ok, nc, &e) == GN_EINVAL && strstr(e.msg, "cue"), "cue Inf: %s", e.msg);
        gsl_vector *a0 = gsl_vector_calloc(n + 2);
        CHECK(gn_ring_run(ring, 10, 0, 1, NAN, a0, ok, nc, &e) == GN_EINVAL && strstr(e.msg, "a0 must have"), "a0 size: %s", e.msg);
        gsl_vector *a1 = gsl_vector_calloc(n);
        gsl_vector_set(a1, 3, NAN);
        CHECK(gn_ring_run(ring, 10, 0, 1, NAN, a1, ok, nc, &e) == GN_EINVAL && strstr(e.msg, "a0(4)"), "a0 NaN: %s", e.msg);
        volatile int stop = 1;
        gn_cancel c1 = {.stop = &stop};
        CHECK(gn_ring_run(ring, 10, 0, 1, NAN, NULL, ok, c1, &e) == GN_EINTR, "stop flag: %s", e.msg);
        gsl_matrix_free(bad); gsl_matrix_free(ok); gsl_vector_free(a0); gsl_vector_free(a1);
    }

    gsl_matrix_free(cued); gsl_matrix_free(free_);
    gsl_vector_free(pos); gsl_vector_free(uw); gsl_vector_free(wid); gsl_vector_free(hgt);
    gn_ring_free(ring);
    gsl_rng_free(rng);
    CHECK_DONE();
}
