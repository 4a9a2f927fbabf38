/* test_linear.c — linear network: eigenmodes and both steppers against
 * closed-form solutions built from a known eigen-decomposition. */
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "check.h"
#include "linear.h"
#include "poll_count.h"

/* M = S diag(lam) S⁻¹ for small n, with S and S⁻¹ given explicitly. */
static void build(size_t n, const double *S, const double *Si, const double *lam, gsl_matrix *M)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++) s += S[i * n + k] * lam[k] * Si[k * n + j];
            gsl_matrix_set(M, i, j, s);
        }
}

/* Exact solution in mode coordinates c = S⁻¹v, each mode independent:
 * τ dc/dt = (λ−1)c + g with g = S⁻¹h constant, so
 * c(t) = c* + (c0 − c*) e^{(λ−1)t/τ}, c* = g/(1−λ), and for λ = 1
 * c(t) = c0 + g t/τ.  Returns v(t) in out. */
static void analytic(size_t n, const double *S, const double *Si, const double *lam,
                     double tau, const double *v0, const double *h, double t, double *out)
{
    double c[8];
    for (size_t k = 0; k < n; k++) {
        double c0 = 0, g = 0;
        for (size_t j = 0; j < n; j++) { c0 += Si[k * n + j] * v0[j]; g += Si[k * n + j] * h[j]; }
        if (lam[k] == 1) c[k] = c0 + g * t / tau;
        else {
            double cs = g / (1 - lam[k]);
            c[k] = cs + (c0 - cs) * exp((lam[k] - 1) * t / tau);
        }
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        for (size_t k = 0; k < n; k++) out[i] += S[i * n + k] * c[k];
    }
}

static double max_err_vs_analytic(gn_linear *lin, size_t n, const double *S, const double *Si,
                                  const double *lam, const double *v0, const double *h,
                                  size_t T, gn_linear_method method)
{
    gsl_matrix *H = gsl_matrix_alloc(T, n), *V = gsl_matrix_alloc(T, n);
    gsl_vector *x0 = gsl_vector_alloc(n);
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < n; i++) gsl_matrix_set(H, t, i, h[i]);
    for (size_t i = 0; i < n; i++) gsl_vector_set(x0, i, v0[i]);
    gn_err e = {0};
    gn_cancel nc = {0};
    int st = gn_linear_run(lin, H, x0, method, V, nc, &e);
    double worst = st ? INFINITY : 0;
    for (size_t t = 0; !st && t < T; t++) {
        double want[8];
        analytic(n, S, Si, lam, lin->tau, v0, h, (t + 1) * lin->dt, want);
        for (size_t i = 0; i < n; i++) {
            double d = fabs(gsl_matrix_get(V, t, i) - want[i]) / fmax(1, fabs(want[i]));
            if (d > worst) worst = d;
        }
    }
    gsl_matrix_free(H); gsl_matrix_free(V); gsl_vector_free(x0);
    return worst;
}

int main(void)
{
    gsl_set_error_handler_off();
    gn_err e = {0};
    gn_cancel nc = {0};

    /* ---- 2×2, real distinct eigenvalues --------------------------------- */
    const double S2[4] = {1, 0.4, 0.3, 1};
    const double d2 = 1 - 0.4 * 0.3;
    const double Si2[4] = {1 / d2, -0.4 / d2, -0.3 / d2, 1 / d2};
    const double lam2[2] = {0.35, -0.8};
    gsl_matrix *M2 = gsl_matrix_alloc(2, 2);
    build(2, S2, Si2, lam2, M2);
    gn_linear *lin2 = gn_linear_alloc(M2, 7.3, 0.45, &e);
    CHECK(lin2 != NULL, "alloc 2x2 (%s)", e.msg);

    gsl_vector *re = gsl_vector_alloc(2), *im = gsl_vector_alloc(2), *tm = gsl_vector_alloc(2),
               *om = gsl_vector_alloc(2);
    gsl_matrix *vr = gsl_matrix_alloc(2, 2), *vi = gsl_matrix_alloc(2, 2);
    CHECK(gn_linear_eig(lin2, re, im, vr, vi, tm, om, NULL, &e) == GN_OK, "eig 2x2");
    CHECK_NEAR(gsl_vector_get(re, 0), 0.35, 1e-12, "2x2 eigenvalue 1 (slowest first)");
    CHECK_NEAR(gsl_vector_get(re, 1), -0.8, 1e-12, "2x2 eigenvalue 2");
    CHECK(gsl_vector_get(im, 0) == 0 && gsl_vector_get(im, 1) == 0, "2x2 eigenvalues real");
    CHECK_NEAR(gsl_vector_get(tm, 0), 7.3 / 0.65, 1e-12, "mode time constant tau/(1-0.35)");
    CHECK_NEAR(gsl_vector_get(tm, 1), 7.3 / 1.8, 1e-12, "mode time constant tau/(1+0.8)");
    /* eigenvector k is S's column k, normalised, largest entry positive */
    for (int k = 0; k < 2; k++) {
        double a = S2[k], b = S2[2 + k], nn = hypot(a, b);
        CHECK_NEAR(gsl_matrix_get(vr, 0, k), a / nn, 1e-12, "2x2 eigenvector %d, entry 1", k + 1);
        CHECK_NEAR(gsl_matrix_get(vr, 1, k), b / nn, 1e-12, "2x2 eigenvector %d, entry 2", k + 1);
    }

    const double v02[2] = {0.9, -0.4}, h2[2] = {0.62, -1.15};
    {
        /* v* = S diag(1/(1-λ)) S⁻¹ h */
        gsl_vector *hv = gsl_vector_alloc(2), *vs = gsl_vector_alloc(2);
        gsl_vector_set(hv, 0, h2[0]); gsl_vector_set(hv, 1, h2[1]);
        CHECK(gn_linear_fixed(lin2, hv, vs, NULL, &e) == GN_OK, "fixed point 2x2");
        double want[2];
        analytic(2, S2, Si2, lam2, 7.3, v02, h2, 1e6, want);   /* t → ∞ */
        CHECK_NEAR(gsl_vector_get(vs, 0), want[0], 1e-12, "fixed point x = (I-M)^-1 h");
        CHECK_NEAR(gsl_vector_get(vs, 1), want[1], 1e-12, "fixed point y");
        gsl_vector_free(hv); gsl_vector_free(vs);
    }
    double err2 = max_err_vs_analytic(lin2, 2, S2, Si2, lam2, v02, h2, 300, GN_LINEAR_EXACT);
    CHECK(err2 < 1e-12, "2x2 exact stepping matches v* + e^{(M-I)t/tau}(v0-v*) (max rel err %.2g)", err2);
    /* Euler is first order: its error at dt=0.45 is O(dt/tau) but not tiny. */
    double eul2 = max_err_vs_analytic(lin2, 2, S2, Si2, lam2, v02, h2, 300, GN_LINEAR_EULER);
    CHECK(eul2 > 1e-4 && eul2 < 0.05, "2x2 Euler error is first-order sized (%.3g)", eul2);
    gn_linear *fine = gn_linear_alloc(M2, 7.3, 0.045, &e);
    double eul2f = max_err_vs_analytic(fine, 2, S2, Si2, lam2, v02, h2, 3000, GN_LINEAR_EULER);
    CHECK(eul2f < eul2 / 7 && eul2f > eul2 / 13, "Euler error shrinks ~10x for dt/10 (%.3g -> %.3g)", eul2, eul2f);
    gn_linear_free(fine);

    /* Euler vs the scheme iterated by hand, with a time-varying input. */
    {
        size_t T = 57;
        gsl_matrix *H = gsl_matrix_alloc(T, 2), *V = gsl_matrix_alloc(T, 2);
        gsl_vector *x0 = gsl_vector_alloc(2);
        gsl_vector_set(x0, 0, v02[0]); gsl_vector_set(x0, 1, v02[1]);
        for (size_t t = 0; t < T; t++) {
            gsl_matrix_set(H, t, 0, sin(0.31 * t) * 1.7);
            gsl_matrix_set(H, t, 1, 0.25 - 0.013 * t);
        }
        CHECK(gn_linear_run(lin2, H, x0, GN_LINEAR_EULER, V, nc, &e) == GN_OK, "Euler run");
        double x = v02[0], y = v02[1], a = 0.45 / 7.3, worst = 0;
        const double *m = M2->data;
        for (size_t t = 0; t < T; t++) {
            double hx = gsl_matrix_get(H, t, 0), hy = gsl_matrix_get(H, t, 1);
            double nx = x + a * (-x + m[0] * x + m[1] * y + hx);
            double ny = y + a * (-y + m[2] * x + m[3] * y + hy);
            x = nx; y = ny;
            worst = fmax(worst, fmax(fabs(gsl_matrix_get(V, t, 0) - x), fabs(gsl_matrix_get(V, t, 1) - y)));
        }
        CHECK(worst < 1e-13, "Euler matches hand iteration, row t = after step t (max err %.2g)", worst);

        /* Exact stepping with a piecewise-constant input: per step, in mode
         * coordinates, c_t = c*_t + (c_{t-1} - c*_t) e^{(λ-1)dt/τ}. */
        CHECK(gn_linear_run(lin2, H, x0, GN_LINEAR_EXACT, V, nc, &e) == GN_OK, "exact run, varying h");
        double c[2];
        for (int k = 0; k < 2; k++) c[k] = Si2[2 * k] * v02[0] + Si2[2 * k + 1] * v02[1];
        worst = 0;
        for (size_t t = 0; t < T; t++) {
            double hx = gsl_matrix_get(H, t, 0), hy = gsl_matrix_get(H, t, 1);
            for (int k = 0; k < 2; k++) {
                double g = Si2[2 * k] * hx + Si2[2 * k + 1] * hy, cs = g / (1 - lam2[k]);
                c[k] = cs + (c[k] - cs) * exp((lam2[k] - 1) * 0.45 / 7.3);
            }
            double wx = S2[0] * c[0] + S2[1] * c[1], wy = S2[2] * c[0] + S2[3] * c[1];
            worst = fmax(worst, fmax(fabs(gsl_matrix_get(V, t, 0) - wx), fabs(gsl_matrix_get(V, t, 1) - wy)));
        }
        CHECK(worst < 1e-12, "exact stepping with piecewise-constant h matches modal solution (%.2g)", worst);

        /* v0 = NULL means zero */
        gsl_vector_set_zero(x0);
        gsl_matrix *V2 = gsl_matrix_alloc(T, 2);
        gn_linear_run(lin2, H, x0, GN_LINEAR_EXACT, V, nc, &e);
        gn_linear_run(lin2, H, NULL, GN_LINEAR_EXACT, V2, nc, &e);
        CHECK(gsl_matrix_equal(V, V2), "v0 NULL is the zero state");

        /* cancellation */
        volatile int stop = 1;
        gn_cancel c1 = {.stop = &stop};
        CHECK(gn_linear_run(lin2, H, NULL, GN_LINEAR_EXACT, V, c1, &e) == GN_EINTR, "stop flag gives GN_EINTR");

        /* error paths */
        gsl_matrix *Hbad = gsl_matrix_alloc(T, 3), *Vbad = gsl_matrix_alloc(T, 3);
        CHECK(gn_linear_run(lin2, Hbad, NULL, GN_LINEAR_EXACT, Vbad, nc, &e) == GN_EINVAL
              && strstr(e.msg, "h must have 2 columns"), "h with wrong columns: %s", e.msg);
        gsl_matrix_set(H, 3, 1, NAN);
        CHECK(gn_linear_run(lin2, H, NULL, GN_LINEAR_EXACT, V, nc, &e) == GN_EINVAL
              && strstr(e.msg, "h(4,2)"), "NaN in h: %s", e.msg);
        gsl_matrix_set(H, 3, 1, 0);
        gsl_vector *x3 = gsl_vector_calloc(3);
        CHECK(gn_linear_run(lin2, H, x3, GN_LINEAR_EXACT, V, nc, &e) == GN_EINVAL
              && strstr(e.msg, "v0"), "v0 of wrong size: %s", e.msg);
        gsl_vector_set(x0, 1, INFINITY);
        CHECK(gn_linear_run(lin2, H, x0, GN_LINEAR_EXACT, V, nc, &e) == GN_EINVAL
              && strstr(e.msg, "v0(2)"), "Inf in v0: %s", e.msg);
        CHECK(gn_linear_run(lin2, H, NULL, 7, V, nc, &e) == GN_EINVAL, "unknown method: %s", e.msg);
        gsl_matrix_free(Hbad); gsl_matrix_free(Vbad); gsl_vector_free(x3);
        gsl_matrix_free(H); gsl_matrix_free(V); gsl_matrix_free(V2); gsl_vector_free(x0);
    }

    /* ---- 3×3 with an integrating mode (λ = 1: A singular) ----------------- */
    const double a = 0.5, b = -0.25, cc = 0.7;
    const double S3[9] = {1, a, b, 0, 1, cc, 0, 0, 1};
    const double Si3[9] = {1, -a, a * cc - b, 0, 1, -cc, 0, 0, 1};
    const double lam3[3] = {0.6, 1.0, -1.3};
    gsl_matrix *M3 = gsl_matrix_alloc(3, 3);
    build(3, S3, Si3, lam3, M3);
    gn_linear *lin3 = gn_linear_alloc(M3, 2.385, 0.1, &e);
    gsl_vector *re3 = gsl_vector_alloc(3), *im3 = gsl_vector_alloc(3), *tm3 = gsl_vector_alloc(3);
    gsl_matrix *vr3 = gsl_matrix_alloc(3, 3);
    CHECK(gn_linear_eig(lin3, re3, im3, vr3, NULL, tm3, NULL, NULL, &e) == GN_OK, "eig 3x3");
    CHECK_NEAR(gsl_vector_get(re3, 0), 1.0, 1e-12, "3x3 eigenvalue 1 (integrator)");
    CHECK_NEAR(gsl_vector_get(re3, 1), 0.6, 1e-12, "3x3 eigenvalue 0.6");
    CHECK_NEAR(gsl_vector_get(re3, 2), -1.3, 1e-12, "3x3 eigenvalue -1.3");
    CHECK(isinf(gsl_vector_get(tm3, 0)) || gsl_vector_get(tm3, 0) > 1e12,
          "integrating mode has an infinite time constant (%g)", gsl_vector_get(tm3, 0));
    CHECK_NEAR(gsl_vector_get(tm3, 2), 2.385 / 2.3, 1e-12, "3x3 time constant tau/2.3");
    /* eigenvector of λ=1 is S column 2: (a, 1, 0)/|.| */
    {
        double nn = hypot(a, 1);
        CHECK_NEAR(gsl_matrix_get(vr3, 0, 0), a / nn, 1e-10, "integrator eigenvector x");
        CHECK_NEAR(gsl_matrix_get(vr3, 1, 0), 1 / nn, 1e-10, "integrator eigenvector y");
        CHECK_NEAR(gsl_matrix_get(vr3, 2, 0), 0, 1e-10, "integrator eigenvector z");
    }
    const double v03[3] = {-0.3, 1.2, 0.55}, h3[3] = {0.8, -0.35, 0.42};
    {
        gsl_vector *hv = gsl_vector_alloc(3), *vs = gsl_vector_alloc(3);
        for (int i = 0; i < 3; i++) gsl_vector_set(hv, i, h3[i]);
        CHECK(gn_linear_fixed(lin3, hv, vs, NULL, &e) == GN_ENUM && strstr(e.msg, "singular"),
              "no fixed point with an integrating mode: %s", e.msg);
        gsl_vector_free(hv); gsl_vector_free(vs);
    }
    double err3 = max_err_vs_analytic(lin3, 3, S3, Si3, lam3, v03, h3, 400, GN_LINEAR_EXACT);
    CHECK(err3 < 1e-11, "3x3 exact stepping with singular M-I matches analytic (max rel err %.2g)", err3);

    /* ---- complex pair --------------------------------------------------------- */
    gsl_matrix *Mc = gsl_matrix_alloc(2, 2);
    gsl_matrix_set(Mc, 0, 0, 0.3); gsl_matrix_set(Mc, 0, 1, -0.8);
    gsl_matrix_set(Mc, 1, 0, 0.8); gsl_matrix_set(Mc, 1, 1, 0.3);
    gn_linear *linc = gn_linear_alloc(Mc, 4.2, 0.5, &e);
    CHECK(gn_linear_eig(linc, re, im, vr, vi, tm, om, NULL, &e) == GN_OK, "eig rotation");
    CHECK_NEAR(gsl_vector_get(re, 0), 0.3, 1e-12, "complex pair real part");
    CHECK_NEAR(gsl_vector_get(im, 0), 0.8, 1e-12, "complex pair +imag first");
    CHECK_NEAR(gsl_vector_get(im, 1), -0.8, 1e-12, "complex pair -imag second");
    CHECK_NEAR(gsl_vector_get(tm, 0), 4.2 / 0.7, 1e-12, "oscillating mode decay tau/(1-Re)");
    CHECK_NEAR(gsl_vector_get(om, 0), 0.8 / 4.2, 1e-12, "oscillating mode angular frequency Im/tau");
    /* M v = λ v for the complex vector */
    {
        double worst = 0;
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 2; i++) {
                double mr = 0, mi = 0;
                for (int j = 0; j < 2; j++) {
                    mr += gsl_matrix_get(Mc, i, j) * gsl_matrix_get(vr, j, c);
                    mi += gsl_matrix_get(Mc, i, j) * gsl_matrix_get(vi, j, c);
                }
                double lr = gsl_vector_get(re, c), li = gsl_vector_get(im, c);
                double wr = lr * gsl_matrix_get(vr, i, c) - li * gsl_matrix_get(vi, i, c);
                double wi = lr * gsl_matrix_get(vi, i, c) + li * gsl_matrix_get(vr, i, c);
                worst = fmax(worst, hypot(mr - wr, mi - wi));
            }
        CHECK(worst < 1e-12, "complex eigenvectors satisfy M v = lambda v (%.2g)", worst);
    }
    /* exact stepping of a rotation: v(t) = e^{-0.7t/τ} R(0.8t/τ) v0 with h = 0 */
    {
        size_t T = 80;
        gsl_matrix *H = gsl_matrix_calloc(T, 2), *V = gsl_matrix_alloc(T, 2);
        gsl_vector *x0 = gsl_vector_alloc(2);
        gsl_vector_set(x0, 0, 1.3); gsl_vector_set(x0, 1, -0.6);
        gn_linear_run(linc, H, x0, GN_LINEAR_EXACT, V, nc, &e);
        double worst = 0;
        for (size_t t = 0; t < T; t++) {
            double s = (t + 1) * 0.5 / 4.2, g = exp(-0.7 * s), th = 0.8 * s;
            double wx = g * (cos(th) * 1.3 - sin(th) * -0.6), wy = g * (sin(th) * 1.3 + cos(th) * -0.6);
            worst = fmax(worst, fmax(fabs(gsl_matrix_get(V, t, 0) - wx), fabs(gsl_matrix_get(V, t, 1) - wy)));
        }
        CHECK(worst < 1e-13, "exact stepping of a decaying rotation (%.2g)", worst);
        gsl_matrix_free(H); gsl_matrix_free(V); gsl_vector_free(x0);
    }

    /* ---- constructor error paths ------------------------------------------------ */
    gsl_matrix *Mr = gsl_matrix_calloc(2, 3);
    CHECK(!gn_linear_alloc(Mr, 1, 0.1, &e) && strstr(e.msg, "square"), "non-square M: %s", e.msg);
    CHECK(!gn_linear_alloc(M2, 0, 0.1, &e) && strstr(e.msg, "tau"), "tau = 0: %s", e.msg);
    CHECK(!gn_linear_alloc(M2, -2, 0.1, &e) && strstr(e.msg, "tau"), "tau < 0: %s", e.msg);
    CHECK(!gn_linear_alloc(M2, NAN, 0.1, &e) && strstr(e.msg, "tau"), "tau NaN: %s", e.msg);
    CHECK(!gn_linear_alloc(M2, 1, 0, &e) && strstr(e.msg, "dt"), "dt = 0: %s", e.msg);
    CHECK(!gn_linear_alloc(M2, 1, 2, &e) && strstr(e.msg, "must not exceed tau"), "dt > tau: %s", e.msg);
    gsl_matrix_set(M2, 1, 0, NAN);
    CHECK(!gn_linear_alloc(M2, 1, 0.1, &e) && strstr(e.msg, "M(2,1)"), "NaN in M: %s", e.msg);

    /* ---- in a child process (GANGLION_LAPACK_CHILD=0 with a cancellation):
     * every output bit for bit, exactly two polls; a stop at the first poll
     * returns GN_EINTR; without the variable a small one never polls ---- */
    {
        size_t nb = 37;
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(g, 2385);
        gsl_matrix *Mb = randm(g, nb, nb);
        gsl_matrix_scale(Mb, 0.1);
        gn_linear *lb = gn_linear_alloc(Mb, 2.385, 0.1, &e);
        gsl_vector *o[2][4];
        gsl_matrix *vv[2][2];
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 4; j++) o[k][j] = gsl_vector_alloc(nb);
            for (int j = 0; j < 2; j++) vv[k][j] = gsl_matrix_alloc(nb, nb);
        }
        counter c = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c};
        setenv("GANGLION_LAPACK_CHILD", "0", 1);
        int s0 = gn_linear_eig(lb, o[0][0], o[0][1], vv[0][0], vv[0][1], o[0][2], o[0][3], NULL, &e);
        int s1 = gn_linear_eig(lb, o[1][0], o[1][1], vv[1][0], vv[1][1], o[1][2], o[1][3], &cc, &e);
        int same = s0 == GN_OK && s1 == GN_OK;
        for (int j = 0; j < 4; j++) same = same && !memcmp(o[0][j]->data, o[1][j]->data, nb * sizeof(double));
        for (int j = 0; j < 2; j++) same = same && !memcmp(vv[0][j]->data, vv[1][j]->data, nb * nb * sizeof(double));
        CHECK(same && c.polls == 2, "eig in a child: values, vectors, tau and omega bit for bit, two polls (%d)", c.polls);
        counter cs = {0, 1};
        gn_cancel ccs = {.poll = count_poll, .ud = &cs};
        CHECK(gn_linear_eig(lb, o[1][0], o[1][1], NULL, NULL, NULL, NULL, &ccs, &e) == GN_EINTR && cs.polls == 1,
              "eig: a stop at the first poll returns GN_EINTR (%s)", e.msg);
        /* the fixed point and the exact propagator too (the propagator
         * cached only by the run that finished) */
        gsl_vector *h = gsl_vector_alloc(nb), *f0 = gsl_vector_alloc(nb), *f1 = gsl_vector_alloc(nb);
        for (size_t i = 0; i < nb; i++) gsl_vector_set(h, i, 0.3 + 0.01 * (double)i);
        counter cf = {0, 0};
        gn_cancel ccf = {.poll = count_poll, .ud = &cf};
        CHECK(gn_linear_fixed(lb, h, f0, NULL, &e) == GN_OK && gn_linear_fixed(lb, h, f1, &ccf, &e) == GN_OK &&
              cf.polls == 2 && !memcmp(f0->data, f1->data, nb * sizeof(double)),
              "fixed in a child: bit for bit, two polls (%d)", cf.polls);
        counter cfs = {0, 1};
        gn_cancel ccfs = {.poll = count_poll, .ud = &cfs};
        CHECK(gn_linear_fixed(lb, h, f1, &ccfs, &e) == GN_EINTR && cfs.polls == 1 && strstr(e.msg, "interrupted"),
              "fixed: a stop at the first poll returns GN_EINTR (%s)", e.msg);
        gn_linear *lp = gn_linear_alloc(Mb, 2.385, 0.1, &e);
        counter cp = {0, 1};
        gn_cancel ccp = {.poll = count_poll, .ud = &cp};
        CHECK(gn_linear_prepare(lp, GN_LINEAR_EXACT, &ccp, &e) == GN_EINTR && !lp->P[GN_LINEAR_EXACT] &&
              !lp->Q[GN_LINEAR_EXACT], "exact propagator: a stop returns GN_EINTR and caches nothing (%s)", e.msg);
        counter cp2 = {0, 0};
        gn_cancel ccp2 = {.poll = count_poll, .ud = &cp2};
        CHECK(gn_linear_prepare(lb, GN_LINEAR_EXACT, NULL, &e) == GN_OK &&
              gn_linear_prepare(lp, GN_LINEAR_EXACT, &ccp2, &e) == GN_OK && cp2.polls == 2 &&
              !memcmp(lb->P[1]->data, lp->P[1]->data, nb * nb * sizeof(double)) &&
              !memcmp(lb->Q[1]->data, lp->Q[1]->data, nb * nb * sizeof(double)),
              "exact propagator in a child: P and Q bit for bit, two polls (%d)", cp2.polls);
        gn_linear_free(lp);
        unsetenv("GANGLION_LAPACK_CHILD");
        counter cfn = {0, 0};
        gn_cancel ccfn = {.poll = count_poll, .ud = &cfn};
        CHECK(gn_linear_fixed(lb, h, f1, &ccfn, &e) == GN_OK && cfn.polls == 0 &&
              !memcmp(f0->data, f1->data, nb * sizeof(double)), "a small fixed point never polls (%d)", cfn.polls);
        gsl_vector_free(h); gsl_vector_free(f0); gsl_vector_free(f1);
        counter cn = {0, 0};
        gn_cancel ccn = {.poll = count_poll, .ud = &cn};
        CHECK(gn_linear_eig(lb, o[1][0], o[1][1], NULL, NULL, NULL, NULL, &ccn, &e) == GN_OK && cn.polls == 0,
              "a small eig never polls (%d polls)", cn.polls);
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 4; j++) gsl_vector_free(o[k][j]);
            for (int j = 0; j < 2; j++) gsl_matrix_free(vv[k][j]);
        }
        gn_linear_free(lb); gsl_matrix_free(Mb); gsl_rng_free(g);
    }

    /* A large run: the input term H Qᵀ (2·n²·T > 2^30 flops) in panels of
     * rows with a poll before each, and a poll every STEP_POLL flops of
     * steps (n = 400 > 362: every 209 steps).  Each row equals that of a
     * short run (one product) bit for bit; a stop at the 4th poll (the
     * 2nd panel) returns GN_EINTR. */
    {
        size_t nb = 400, T = 3400, Ts = 300;
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(g, 2385);
        gsl_matrix *Mb = randm(g, nb, nb), *H = randm(g, T, nb);
        gsl_matrix_scale(Mb, 0.02);
        gn_linear *lb = gn_linear_alloc(Mb, 2.385, 0.5, &e);
        gsl_matrix *V = gsl_matrix_alloc(T, nb), *Vs = gsl_matrix_alloc(Ts, nb);
        gsl_matrix_const_view Hs = gsl_matrix_const_submatrix(H, 0, 0, Ts, nb);
        counter c = {0, 0}, cs = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c}, ccs = {.poll = count_poll, .ud = &cs};
        CHECK(gn_linear_run(lb, H, NULL, GN_LINEAR_EXACT, V, cc, &e) == GN_OK &&
              gn_linear_run(lb, &Hs.matrix, NULL, GN_LINEAR_EXACT, Vs, ccs, &e) == GN_OK,
              "n=400 runs of %zu and %zu steps", T, Ts);
        /* the first run computes the exact propagator in a child (320·n³ >
         * 2^31 flops: two polls); panels of floor(2^30 / (2·400²)) = 3355
         * rows: 2 panels; steps: 17 polls */
        CHECK(c.polls == 2 + 2 + 17 && cs.polls == 2,
              "the long run polls around the propagator's child, before each of its 2 panels and every 209 "
              "steps (%d polls), the short every 209 steps (%d)", c.polls, cs.polls);
        CHECK(!memcmp(V->data, Vs->data, Ts * nb * sizeof(double)),
              "the panelled input term gives the short run's states bit for bit");
        gn_linear *lc = gn_linear_alloc(Mb, 2.385, 0.5, &e);
        counter c2 = {0, 4};
        gn_cancel cc2 = {.poll = count_poll, .ud = &c2};
        CHECK(gn_linear_run(lc, H, NULL, GN_LINEAR_EXACT, V, cc2, &e) == GN_EINTR && c2.polls == 4 &&
              strstr(e.msg, "input term"), "a stop at the 2nd panel returns GN_EINTR (%s)", e.msg);
        gn_linear_free(lc);
        gsl_matrix_free(V); gsl_matrix_free(Vs); gsl_matrix_free(H); gsl_matrix_free(Mb);
        gn_linear_free(lb); gsl_rng_free(g);
    }

    gn_linear_free(lin2); gn_linear_free(lin3); gn_linear_free(linc);
    gsl_matrix_free(M2); gsl_matrix_free(M3); gsl_matrix_free(Mc); gsl_matrix_free(Mr);
    gsl_vector_free(re); gsl_vector_free(im); gsl_vector_free(tm); gsl_vector_free(om);
    gsl_matrix_free(vr); gsl_matrix_free(vi);
    gsl_vector_free(re3); gsl_vector_free(im3); gsl_vector_free(tm3); gsl_matrix_free(vr3);
    CHECK_DONE();
}
