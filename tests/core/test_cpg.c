/* test_cpg.c — Rubin et al. 2009 CPG: RHS against a hand computation, the
 * GSL integration against exact solutions, the published rhythms, burst
 * analysis on synthetic signals, and error paths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "cpg.h"

/* Boltzmann written through tanh, so a slip in the library's exp form would
 * not be repeated here: 1/(1+e^x) = (1 − tanh(x/2))/2. */
static double sig(double v, double half, double k) { return 0.5 * (1 - tanh((v - half) / (2 * k))); }

static void test_rhs_by_hand(void)
{
    gn_cpg_par p;
    gn_cpg_par_default(&p);
    /* Non-default values everywhere the hand computation could mix terms up. */
    p.drive = 1.3;
    p.Drive1 = 0.8;
    p.Drive3 = 2.2;
    p.gNaP = 4.1;
    p.b43 = 0.17;
    const double y[8] = { -41.3, -37.2, -52.6, -28.9, 0.47, 0.31, 0.62, 0.18 };
    double d[8];
    gn_cpg_rhs(&p, y, d);

    const double v1 = -41.3, v2 = -37.2, v3 = -52.6, v4 = -28.9;
    const double f1 = sig(v1, -30, -8), f2 = sig(v2, -30, -4), f3 = sig(v3, -30, -4), f4 = sig(v4, -30, -4);
    const double D1 = 1.3 * 0.8, D2 = 1.3 * 1, D3 = 1.3 * 2.2;
    /* pre-I: NaP + Kdr + leak + drives (0.115 D1 + 0.07 D2 + 0.025 D3) + inhibition (0.3 f3 + 0.2 f4) */
    double n4 = pow(sig(v1, -29, -4), 4);
    double I1 = 4.1 * sig(v1, -40, -6) * 0.47 * (v1 - 50) + 5 * n4 * (v1 + 85) + 2.8 * (v1 + 60)
              + 10 * (0.115 * D1 + 0.07 * D2 + 0.025 * D3) * v1 + 60 * (0.3 * f3 + 0.2 * f4) * (v1 + 75);
    CHECK_NEAR(d[0], -I1 / 20, 1e-12, "dV1/dt (pre-I) matches hand computation");
    double tauh = 6000 / cosh((v1 + 48) / 12);
    CHECK_NEAR(d[4], (sig(v1, -48, 6) - 0.47) / tauh, 1e-12, "dh/dt matches hand computation");
    /* early-I: excitation 0.4 f1 + 0.3 D1 + 0.3 D2, inhibition 0.05 f3 + 0.35 f4 */
    double I2 = 10 * 0.31 * (v2 + 85) + 2.8 * (v2 + 60) + 10 * (0.4 * f1 + 0.3 * D1 + 0.3 * D2) * v2
              + 60 * (0.05 * f3 + 0.35 * f4) * (v2 + 75);
    CHECK_NEAR(d[1], -I2 / 20, 1e-12, "dV2/dt (early-I) matches hand computation");
    /* post-I: excitation 0.63 D1, inhibition 0.25 f2 + 0.17 f4 */
    double I3 = 10 * 0.62 * (v3 + 85) + 2.8 * (v3 + 60) + 10 * 0.63 * D1 * v3
              + 60 * (0.25 * f2 + 0.17 * f4) * (v3 + 75);
    CHECK_NEAR(d[2], -I3 / 20, 1e-12, "dV3/dt (post-I) matches hand computation");
    /* aug-E: excitation 0.33 D1 + 0.4 D2, inhibition 0.35 f2 + 0.35 f3 */
    double I4 = 10 * 0.18 * (v4 + 85) + 2.8 * (v4 + 60) + 10 * (0.33 * D1 + 0.4 * D2) * v4
              + 60 * (0.35 * f2 + 0.35 * f3) * (v4 + 75);
    CHECK_NEAR(d[3], -I4 / 20, 1e-12, "dV4/dt (aug-E) matches hand computation");
    CHECK_NEAR(d[5], (0.9 * f2 - 0.31) / 2000, 1e-14, "dm2/dt matches hand computation");
    CHECK_NEAR(d[6], (1.3 * f3 - 0.62) / 1000, 1e-14, "dm3/dt matches hand computation");
    CHECK_NEAR(d[7], (0.9 * f4 - 0.18) / 2000, 1e-14, "dm4/dt matches hand computation");
    CHECK_NEAR(gn_cpg_output(&p, GN_CPG_AUGE, v4), f4, 1e-15, "output of aug-E is the steep sigmoid");
    CHECK_NEAR(gn_cpg_output(&p, GN_CPG_PREI, -30), 0.5, 1e-15, "output is 1/2 at V12output");
}

/* With every coupling and voltage-gated current off, each voltage relaxes to
 * Eleak with time constant C/gL, each adaptation variable (Kad = 0) decays
 * with Tad, and h (V1 held at Eleak) relaxes to hp∞(Eleak) with τh(Eleak):
 * all exact exponentials to compare the integrator against. */
static void test_solver_exact(const char *method, double tol)
{
    gn_cpg_par p;
    gn_cpg_par_default(&p);
    p.gNaP = p.gKdr = p.gsynE = p.gsynI = p.gAD = 0;
    p.Kad2 = p.Kad3 = p.Kad4 = 0;
    p.C = 23.7;
    p.gL = 3.1;
    p.Eleak = -61.5;
    gn_err e = { 0 };
    gn_cpg *c = gn_cpg_alloc(&p, method, 1e-10, 1e-12, &e);
    CHECK(c != NULL, "%s: alloc (%s)", method, e.msg);
    if (!c)
        return;
    const double y0[8] = { -61.5, -20.3, -75.4, 12.9, 0.83, 0.41, 0.77, 0.12 };
    gn_cpg_reset(c, y0, &e);
    double t[300], V[1200];
    size_t done = 0;
    int rc = gn_cpg_run(c, 300, 2.5, t, V, NULL, &done, (gn_cancel){ .stop = NULL }, &e);
    CHECK(rc == GN_OK && done == 300, "%s: 300 samples integrated", method);
    double y[8], maxerr = 0;
    gn_cpg_state(c, y);
    const double T = 750, tau_m = 23.7 / 3.1;
    for (int i = 0; i < 4; i++) {
        double exact = -61.5 + (y0[i] + 61.5) * exp(-T / tau_m);
        maxerr = fmax(maxerr, fabs(y[i] - exact));
    }
    double hinf = 1 / (1 + exp((-61.5 + 48) / 6)), tauh = 6000 / cosh((-61.5 + 48) / 12);
    maxerr = fmax(maxerr, fabs(y[4] - (hinf + (0.83 - hinf) * exp(-T / tauh))));
    maxerr = fmax(maxerr, fabs(y[5] - 0.41 * exp(-T / 2000)));
    maxerr = fmax(maxerr, fabs(y[6] - 0.77 * exp(-T / 1000)));
    maxerr = fmax(maxerr, fabs(y[7] - 0.12 * exp(-T / 2000)));
    CHECK(maxerr < tol, "%s: state at 750 ms matches exact exponentials (max err %.2e < %.0e)",
          method, maxerr, tol);
    /* Sample times: exactly k·dt, no drift. */
    CHECK_NEAR(t[299], 750.0, 1e-12, "%s: last sample at 750 ms", method);
    double mid = -61.5 + (-20.3 + 61.5) * exp(-t[99] / tau_m);
    CHECK_NEAR(V[99 * 4 + 1], mid, tol, "%s: sampled V2 at 250 ms is exact", method);
    gn_cpg_free(c);
}

/* The full network: looser tolerances and other methods must converge to a
 * tight-tolerance rk8pd reference. */
static void test_solver_convergence(void)
{
    gn_cpg_par p;
    gn_cpg_par_default(&p);
    double ref[8], y[8];
    gn_err e = { 0 };
    gn_cpg *c = gn_cpg_alloc(&p, "rk8pd", 1e-12, 1e-13, &e);
    gn_cpg_advance(c, 3000, &e);
    gn_cpg_state(c, ref);
    gn_cpg_free(c);
    const char *meth[] = { "rkf45", "rkck", "msbdf", "bsimp", "msadams" };
    for (int k = 0; k < 5; k++) {
        double errs[2];
        const double tols[2] = { 1e-5, 1e-9 };
        for (int q = 0; q < 2; q++) {
            c = gn_cpg_alloc(&p, meth[k], tols[q], tols[q] * 1e-2, &e);
            int rc = gn_cpg_advance(c, 3000, &e);
            gn_cpg_state(c, y);
            gn_cpg_free(c);
            errs[q] = 0;
            for (int i = 0; i < 4; i++)
                errs[q] = fmax(errs[q], fabs(y[i] - ref[i]));
            if (rc)
                errs[q] = INFINITY;
        }
        CHECK(errs[1] < 1e-3 && errs[1] <= errs[0],
              "%s: error vs reference falls with tolerance (%.2e at 1e-5, %.2e at 1e-9 mV)",
              meth[k], errs[0], errs[1]);
    }
}

/* Runs the model for T ms sampled every 2 ms and analyses its outputs. */
static int run_rhythm(const gn_cpg_par *p, double T, gn_rhythm *r)
{
    gn_err e = { 0 };
    size_t n = (size_t)(T / 2);
    double *t = malloc(n * sizeof *t), *out = malloc(4 * n * sizeof *out);
    gn_cpg *c = gn_cpg_alloc(p, NULL, 1e-8, 1e-10, &e);
    int rc = c ? gn_cpg_run(c, n, 2, t, NULL, out, NULL, (gn_cancel){ .stop = NULL }, &e) : GN_EINVAL;
    if (rc == GN_OK)
        rc = gn_rhythm_analyse(t, out, n, 4, 0.5, 0.3, 0.05, 0, 6000, r, &e);
    if (rc)
        printf("# run_rhythm: %s\n", e.msg);
    gn_cpg_free(c);
    free(t);
    free(out);
    return rc;
}

static double circdist(double a, double b)
{
    double d = fabs(a - b);
    return d > 0.5 ? 1 - d : d;
}

static void test_rhythms(void)
{
    gn_cpg_par p;
    gn_cpg_par_default(&p);
    gn_rhythm r;
    CHECK(run_rhythm(&p, 30000, &r) == GN_OK, "default model runs 30 s");
    printf("# three-phase: period %.1f ms, phases pre-I %.3f early-I %.3f post-I %.3f aug-E %.3f, "
           "duty %.2f %.2f %.2f %.2f, peaks %.2f %.2f %.2f %.2f\n", r.period, r.phase[0], r.phase[1],
           r.phase[2], r.phase[3], r.duty[0], r.duty[1], r.duty[2], r.duty[3], r.hi[0], r.hi[1],
           r.hi[2], r.hi[3]);
    CHECK(r.nactive == 4, "three-phase: all four populations burst every cycle (%d)", r.nactive);
    CHECK(r.period > 2000 && r.period < 4000, "three-phase period %.0f ms is in 2-4 s", r.period);
    CHECK(circdist(r.phase[1], 0) < 0.05, "early-I starts with pre-I (phase %.3f)", r.phase[1]);
    CHECK(r.phase[2] > 0.25 && r.phase[2] < r.phase[3] && r.phase[3] < 0.95,
          "post-I (%.3f) follows inspiration, aug-E (%.3f) follows post-I", r.phase[2], r.phase[3]);
    CHECK(r.order[2] == GN_CPG_POSTI && r.order[3] == GN_CPG_AUGE,
          "phase order ends post-I, aug-E");
    double three = r.period;

    /* Pontine drive removed: post-I falls silent, two-phase rhythm, slower. */
    p.Drive1 = 0;
    CHECK(run_rhythm(&p, 30000, &r) == GN_OK, "Drive1 = 0 runs");
    printf("# two-phase: period %.1f ms, post-I range %.3g..%.3g\n", r.period, r.lo[2], r.hi[2]);
    CHECK(r.nactive == 3 && isnan(r.phase[2]), "Drive1 = 0: post-I silent, three populations burst");
    CHECK(r.period > three, "Drive1 = 0: period lengthens (%.0f > %.0f ms)", r.period, three);
    /* Further transection (Drive2 = 0 too): pre-BotC bursts alone, faster. */
    p.Drive2 = 0;
    CHECK(run_rhythm(&p, 30000, &r) == GN_OK, "Drive1 = Drive2 = 0 runs");
    printf("# one-phase: period %.1f ms, pre-I peak %.2f\n", r.period, r.hi[0]);
    CHECK(isnan(r.phase[3]) && r.period < three, "one-phase: aug-E silent, period shortens (%.0f ms)",
          r.period);

    /* Drive to the pre-BotC (Drive3 reaches pre-I only): more drive, a
     * faster rhythm, in the three-phase state and in the isolated one-phase
     * pacemaker, which at high drive stops bursting (tonic activity). */
    gn_cpg_par_default(&p);
    double per[3];
    const double d3[3] = { 0, 1, 4 };
    for (int k = 0; k < 3; k++) {
        p.Drive3 = d3[k];
        run_rhythm(&p, 30000, &r);
        per[k] = r.period;
        printf("# three-phase, Drive3 %.1f: period %.1f ms\n", d3[k], r.period);
    }
    CHECK(per[0] > per[1] && per[1] > per[2], "three-phase: period falls as pre-I drive rises "
          "(%.0f, %.0f, %.0f ms)", per[0], per[1], per[2]);
    p.Drive1 = p.Drive2 = 0;
    const double d3b[3] = { 0.5, 1, 4 };
    for (int k = 0; k < 3; k++) {
        p.Drive3 = d3b[k];
        run_rhythm(&p, 30000, &r);
        per[k] = r.period;
        printf("# one-phase, Drive3 %.1f: period %.1f ms, onsets %zu\n", d3b[k], r.period, r.nonsets[0]);
    }
    CHECK(per[0] > per[1], "one-phase: period falls as drive rises (%.0f > %.0f ms)", per[0], per[1]);
    CHECK(isnan(per[2]), "one-phase: at Drive3 = 4 the pacemaker no longer bursts (tonic)");
}

static void test_bursts_synthetic(void)
{
    /* Square bursts of period 730 and duty 0.3, with three phase-shifted
     * copies; samples every 1.7 ms with noise on the plateaus. */
    const size_t n = 6000;
    double *t = malloc(n * sizeof *t), *x = malloc(3 * n * sizeof *x);
    const double P = 730, shift[3] = { 0, 0.25 * 730, 0.6 * 730 };
    for (size_t i = 0; i < n; i++) {
        t[i] = 3.1 + 1.7 * (double)i;
        for (int j = 0; j < 3; j++) {
            double ph = fmod(t[i] - shift[j] + 10 * P, P) / P;
            double noise = 0.04 * sin(0.37 * (double)i * (j + 1));
            x[i * 3 + j] = (ph < 0.3 ? 1.0 : 0.0) * (j == 2 ? 0.2 : 1.0) + (j == 2 ? 0.2 : 1.0) * noise;
        }
    }
    double on[64];
    size_t k = gn_burst_onsets(t, x, n, 3, 0.5, 0.3, on, 64);
    CHECK(k == 13 || k == 14, "synthetic: %zu onsets of signal 1 in %.0f ms", k, t[n - 1] - t[0]);
    CHECK(fabs(on[1] - on[0] - P) < 1.7, "synthetic: onset spacing %.2f ~ %g", on[1] - on[0], P);
    CHECK(fabs(fmod(on[0], P)) < 1.7 || fabs(fmod(on[0], P) - P) < 1.7, "synthetic: onset on the edge");
    gn_rhythm r;
    gn_err e = { 0 };
    int rc = gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 500, &r, &e);
    CHECK(rc == GN_OK, "synthetic analyse (%s)", e.msg);
    CHECK_NEAR(r.period, P, 2.0 / P, "synthetic period");
    CHECK(circdist(r.phase[1], 0.25) < 0.005 && circdist(r.phase[2], 0.6) < 0.005,
          "synthetic phases %.4f %.4f (want 0.25, 0.6; signal 3 at 1/5 amplitude)", r.phase[1], r.phase[2]);
    CHECK(fabs(r.duty[0] - 0.3) < 0.01, "synthetic duty %.3f ~ 0.3", r.duty[0]);
    CHECK(r.order[0] == 0 && r.order[1] == 1 && r.order[2] == 2 && r.nactive == 3, "synthetic order");
    /* Flat signal: silent.  Wrap-around: an onset slightly before the
     * reference averages to a phase near 0 (or 1), never 0.5. */
    for (size_t i = 0; i < n; i++)
        x[i * 3 + 2] = 0.01;
    for (size_t i = 0; i < n; i++) {
        double ph = fmod(t[i] + 3 - shift[0] + 10 * P, P) / P;  /* leads by 3 ms */
        x[i * 3 + 1] = ph < 0.3 ? 1.0 : 0.0;
    }
    rc = gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 500, &r, &e);
    CHECK(rc == GN_OK && isnan(r.phase[2]) && r.order[2] == 2 && r.nactive == 2,
          "flat signal is silent and ordered last");
    CHECK(circdist(r.phase[1], 0) < 0.01, "leading signal has phase ~0 (%.4f)", r.phase[1]);
    /* A signal with one burst in a dozen cycles has a phase but does not
     * burst: the order lists the two that do, by phase, and it after them. */
    for (size_t i = 0; i < n; i++) {
        double rel = t[i] - shift[0];
        double ph = fmod(rel + 10 * P, P) / P;
        x[i * 3 + 1] = (rel >= 5 * P && rel < 6 * P && ph >= 0.1 && ph < 0.3) ? 1.0 : 0.0;
        double ph2 = fmod(t[i] - shift[2] + 10 * P, P) / P;
        x[i * 3 + 2] = ph2 < 0.3 ? 0.2 : 0.0;
    }
    rc = gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 500, &r, &e);
    CHECK(rc == GN_OK && r.nonsets[1] == 1 && !isnan(r.phase[1]) && !r.bursts[1] && r.bursts[0] && r.bursts[2],
          "a signal with one onset has a phase (%.3f) but does not burst", r.phase[1]);
    CHECK(r.nactive == 2 && r.order[0] == 0 && r.order[1] == 2 && r.order[2] == 1,
          "order: the bursting signals by phase (%d %d), the rare one last (%d), though its phase is earlier",
          r.order[0], r.order[1], r.order[2]);
    /* Errors. */
    CHECK(gn_rhythm_analyse(t, x, 1, 3, 0.5, 0.3, 0.05, 0, 0, &r, &e) == GN_EINVAL, "n < 2 rejected");
    CHECK(gn_rhythm_analyse(t, x, n, 3, 0.3, 0.5, 0.05, 0, 0, &r, &e) == GN_EINVAL, "off > on rejected");
    CHECK(gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 1e9, &r, &e) == GN_EINVAL,
          "skip beyond the data rejected: %s", e.msg);
    x[17] = NAN;
    CHECK(gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 0, &r, &e) == GN_EINVAL, "NaN rejected");
    t[5] = t[4];
    CHECK(gn_rhythm_analyse(t, x, n, 3, 0.5, 0.3, 0.05, 0, 0, &r, &e) == GN_EINVAL,
          "non-increasing time rejected");
    free(t);
    free(x);
}

static void test_errors(void)
{
    gn_cpg_par p;
    gn_cpg_par_default(&p);
    gn_err e = { 0 };
    CHECK(gn_cpg_par_set(&p, "gNap", 3, &e) == GN_EINVAL && strstr(e.msg, "gNap"),
          "unknown parameter named: %s", e.msg);
    CHECK(gn_cpg_par_set(&p, "gNaP", NAN, &e) == GN_EINVAL && strstr(e.msg, "gNaP"),
          "NaN parameter rejected: %s", e.msg);
    CHECK(gn_cpg_par_set(&p, "Tad3", -5, &e) == GN_EINVAL && strstr(e.msg, "Tad3"),
          "negative time constant rejected: %s", e.msg);
    CHECK(gn_cpg_par_set(&p, "C", 0, &e) == GN_EINVAL, "zero capacitance rejected");
    CHECK(gn_cpg_par_set(&p, "kn", 0, &e) == GN_EINVAL, "zero slope rejected");
    CHECK(gn_cpg_par_set(&p, "b31", -0.3, &e) == GN_EINVAL, "negative inhibitory weight rejected");
    CHECK(gn_cpg_par_set(&p, "Eleak", -65.5, &e) == GN_OK && p.Eleak == -65.5, "valid set works");
    CHECK(gn_cpg_par_field(&p, "c24") == &p.c24, "field lookup by name");
    CHECK(gn_cpg_nparams == 50, "50 parameters in the table (%zu)", gn_cpg_nparams);
    gn_cpg_par_default(&p);
    CHECK(gn_cpg_alloc(&p, "euler", 1e-6, 1e-8, &e) == NULL && strstr(e.msg, "method"),
          "unknown method: %s", e.msg);
    CHECK(gn_cpg_alloc(&p, NULL, -1e-6, 1e-8, &e) == NULL && strstr(e.msg, "rtol"),
          "negative rtol: %s", e.msg);
    CHECK(gn_cpg_alloc(&p, NULL, 1e-6, -1, &e) == NULL && strstr(e.msg, "atol"), "negative atol");
    CHECK(gn_cpg_alloc(&p, NULL, 0, 0, &e) == NULL, "both tolerances zero rejected");
    p.gsynI = NAN;
    CHECK(gn_cpg_alloc(&p, NULL, 1e-6, 1e-8, &e) == NULL && strstr(e.msg, "gsynI"), "NaN in par struct");
    gn_cpg_par_default(&p);
    gn_cpg *c = gn_cpg_alloc(&p, NULL, 1e-6, 1e-8, &e);
    CHECK(gn_cpg_run(c, 10, 0, NULL, NULL, NULL, NULL, (gn_cancel){ .stop = NULL }, &e) == GN_EINVAL,
          "dt = 0 rejected");
    CHECK(gn_cpg_run(c, 10, -1, NULL, NULL, NULL, NULL, (gn_cancel){ .stop = NULL }, &e) == GN_EINVAL,
          "dt < 0 rejected");
    CHECK(gn_cpg_advance(c, -3, &e) == GN_EINVAL, "advancing backwards rejected");
    double bad[8] = { -60, -60, NAN, -60, 0.3, 0, 0, 0 };
    CHECK(gn_cpg_reset(c, bad, &e) == GN_EINVAL && strstr(e.msg, "v3"), "NaN initial state: %s", e.msg);
    volatile int stop = 1;
    size_t done = 99;
    CHECK(gn_cpg_run(c, 10, 1, NULL, NULL, NULL, &done, (gn_cancel){ .stop = &stop }, &e) == GN_EINTR
          && done == 0, "cancel flag stops the run");
    gn_cpg_free(c);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_rhs_by_hand();
    test_solver_exact("rk8pd", 1e-7);
    test_solver_exact("rkf45", 1e-7);
    test_solver_exact("msbdf", 1e-6);
    test_solver_convergence();
    test_bursts_synthetic();
    test_rhythms();
    test_errors();
    CHECK_DONE();
}
