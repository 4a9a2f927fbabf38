/* test_lif.c — LIF population against analytic results and an independent fine-step integration. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "lif.h"

static gn_lif_params defaults(void) { gn_lif_params p; gn_lif_params_default(&p); return p; }

/* Exact ISI of a LIF neuron under constant current (0: never fires). */
static double exact_isi(const gn_lif_params *p, double I)
{
    double RI = p->R * I, gap = p->vth - p->vrest;
    if (RI <= gap) return 0;
    return p->tref + p->taum * log(RI / (RI - gap));
}

static void run_simple(gn_lif *L, double dt, size_t steps, int kind, double I0, const double *I,
                       const gn_lif_sched *in, double *Vrec, gn_lif_spikes *sp, gn_err *e)
{
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = dt; o.steps = steps; o.I_kind = kind; o.I0 = I0; o.I = I; o.in = in;
    o.Vrec = Vrec; o.nrec = L->n;
    int st = gn_lif_run(L, &o, sp, e);
    if (st) printf("# run failed: %s\n", e->msg);
}

static void test_fI(double dt)
{
    gn_lif_params p = defaults();
    p.tref = 2.0;               /* a whole number of steps, so only detection is quantised */
    double I[6] = {0.05, 0.0672, 0.08, 0.123, 0.2, 0.5};   /* nA; rheobase 0.06714 */
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(6, 0, &p, &e);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    size_t steps = (size_t)lround(3000.0 / dt);
    run_simple(L, dt, steps, GN_LIF_I_VECTOR, 0, I, NULL, NULL, &sp, &e);
    for (int i = 0; i < 6; i++) {
        double first = -1, last = -1; int cnt = 0;
        for (size_t s = 0; s < sp.count; s++)
            if (sp.neuron[s] == (uint32_t)i) {
                double t = sp.step[s] * dt;
                if (first < 0) first = t;
                last = t; cnt++;
            }
        double want = exact_isi(&p, I[i]);
        if (want == 0 || want > 3000) {
            CHECK(cnt == 0, "dt=%g: I=%.4g nA below rheobase fires no spike (got %d)", dt, I[i], cnt);
            continue;
        }
        double isi = (last - first) / (cnt - 1);
        /* Detection at step ends delays each ISI by less than one step. */
        CHECK(isi >= want - 1e-9 && isi < want + dt + 1e-9,
              "dt=%g: I=%.4g nA ISI %.4f ms vs exact %.4f ms (within one step)", dt, I[i], isi, want);
        double first_want = want - p.tref;
        CHECK(first >= first_want - 1e-9 && first < first_want + dt + 1e-9,
              "dt=%g: I=%.4g nA first spike at %.4f ms vs charge time %.4f ms", dt, I[i], first, first_want);
    }
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

static void test_refractory(void)
{
    gn_lif_params p = defaults();
    p.tref = 10.0;
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(1, 0, &p, &e);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    double dt = 0.1;
    size_t steps = 1000;
    double *V = malloc(steps * sizeof *V);
    run_simple(L, dt, steps, GN_LIF_I_SCALAR, 50.0, NULL, NULL, V, &sp, &e);
    /* R·I = 17650 mV charges past threshold in one step, so the ISI is the
     * refractory period plus exactly one step. */
    double minisi = 1e9;
    for (size_t s = 1; s < sp.count; s++) minisi = fmin(minisi, (sp.step[s] - sp.step[s - 1]) * dt);
    CHECK(sp.count == 1000 / 101 + (1000 % 101 != 0), "refractory: %zu spikes in 100 ms at huge drive (want 10)", sp.count);
    CHECK_NEAR(minisi, 10.1, 1e-9, "refractory: ISI = tref + dt at huge drive");
    int held = 1;
    for (size_t k = sp.step[0]; k < sp.step[0] + 100; k++) held &= V[k] == p.vrest;   /* rows step[0]+1 .. +100 */
    CHECK(held, "refractory: V held at vrest for tref after a spike");
    free(V);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

/* One input spike: current decays as w e^{-t/tau}; V follows the analytic
 * difference of exponentials. */
static void test_synapse_decay(double f, const char *name)
{
    gn_lif_params p = defaults();
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(1, 1, &p, &e);
    double w = 0.0123;
    gn_lif_csr *c = gn_lif_csr_from_dense(1, 1, &w, &e);
    gn_lif_set_inputs(L, c, &f, &e);
    double dt = 0.1, ts = 5.05;    /* arrives at the start of step floor(ts/dt) = 50, t = 5.0 ms */
    uint32_t ch = 0;
    size_t steps = 3000;
    gn_lif_sched *S = gn_lif_sched_from_list(1, &ts, &ch, 1, steps, dt, &e);
    double *V = malloc(steps * sizeof *V);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    run_simple(L, dt, steps, GN_LIF_I_NONE, 0, NULL, S, V, &sp, &e);
    double t = steps * dt - 5.0;
    double G = f > 0 ? 1.0 / (1.0 + 0.7 / 3.57 * exp(72.3 / 16.13)) : 0;
    CHECK_NEAR(L->ampa[0], (1 - f) * w * exp(-t / 6.3), 1e-12, "%s: AMPA current after %.1f ms vs w e^{-t/6.3}", name, t);
    CHECK_NEAR(L->nmda[0], f * G * w * exp(-t / 81.5), 1e-12, "%s: NMDA current after %.1f ms vs f G(vrest) w e^{-t/81.5}", name, t);
    double maxerr = 0;
    for (size_t k = 51; k < steps; k++) {
        double tt = (k + 1) * dt - 5.0;  /* row k is the state at the end of step k+1 */
        double a = (1 - f) * w, nm = f * G * w;
        double want = p.vrest
            + p.R * a * 6.3 / (6.3 - 24.5) * (exp(-tt / 6.3) - exp(-tt / 24.5))
            + p.R * nm * 81.5 / (81.5 - 24.5) * (exp(-tt / 81.5) - exp(-tt / 24.5));
        maxerr = fmax(maxerr, fabs(V[k] - want));
    }
    CHECK(maxerr < 1e-9, "%s: PSP matches the analytic double exponential (max err %.2g mV)", name, maxerr);
    CHECK(V[49] == p.vrest, "%s: no response before the spike arrives", name);
    free(V);
    gn_lif_sched_free(S);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

static void test_mg_block(void)
{
    /* Jahr & Stevens 1990: 1/(1 + [Mg]/3.57 exp(-0.062 V)). */
    CHECK_NEAR(gn_lif_mg_block(0, 0.7), 1 / (1 + 0.7 / 3.57), 1e-14, "Mg block at 0 mV");
    CHECK_NEAR(gn_lif_mg_block(-72.3, 0.7), 0.05453, 2e-4, "Mg block at rest ~0.0545");
    CHECK_NEAR(gn_lif_mg_block(-40, 1.2), 1 / (1 + 1.2 / 3.57 * exp(40 * 0.062)), 2e-3, "Mg block at -40 mV, 1.2 mM");
    CHECK_NEAR(gn_lif_mg_block(-40, 0), 1.0, 1e-15, "no Mg, no block");
    /* In the population: the NMDA jump uses the potential at arrival.  A
     * subthreshold current holds V near vrest + R I before the spike. */
    gn_lif_params p = defaults();
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(1, 1, &p, &e);
    double w = 0.02, f = 1.0;
    gn_lif_set_inputs(L, gn_lif_csr_from_dense(1, 1, &w, &e), &f, &e);
    double dt = 0.1, ts = 600.0; uint32_t ch = 0;
    size_t steps = 6001;            /* spike arrives at the start of the last step */
    gn_lif_sched *S = gn_lif_sched_from_list(1, &ts, &ch, 1, steps, dt, &e);
    double *V = malloc(steps * sizeof *V);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    run_simple(L, dt, steps, GN_LIF_I_SCALAR, 0.05, NULL, S, V, &sp, &e);
    double v_at = V[5999];
    double vinf = p.vrest + p.R * 0.05;
    CHECK_NEAR(v_at, vinf, 1e-6, "depolarised steady state vrest + R I = %.3f mV", vinf);
    double G = 1.0 / (1.0 + 0.7 / 3.57 * exp(-v_at / 16.13));
    CHECK_NEAR(L->nmda[0], w * G * exp(-dt / 81.5), 1e-13, "NMDA jump uses G(V) at the depolarised V (G=%.4f)", G);
    free(V);
    gn_lif_sched_free(S);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

/* Global inhibition: identical neurons under constant drive; the rate must
 * drop, and approach the self-consistent rate r = f(I − g r / R). */
static void test_inhibition(void)
{
    gn_lif_params p = defaults();
    p.tref = 2.0;
    double dt = 0.05, I = 0.2;
    size_t steps = (size_t)(4000 / dt);
    double rates[2];
    for (int k = 0; k < 2; k++) {
        p.g_inh = k ? 0.5 : 0.0;
        gn_err e = {0};
        gn_lif *L = gn_lif_alloc(50, 0, &p, &e);
        gn_lif_spikes sp; gn_lif_spikes_init(&sp);
        run_simple(L, dt, steps, GN_LIF_I_SCALAR, I, NULL, NULL, NULL, &sp, &e);
        /* rate over the last 3 s, past the transient */
        size_t cnt = 0;
        for (size_t s = 0; s < sp.count; s++) cnt += sp.step[s] * dt >= 1000;
        rates[k] = cnt / 50.0 / 3.0;
        gn_lif_spikes_free(&sp);
        gn_lif_free(L);
    }
    CHECK(rates[1] < 0.8 * rates[0], "inhibition lowers the rate: %.2f Hz -> %.2f Hz", rates[0], rates[1]);
    /* Mean-field fixed point by bisection on r. */
    double lo = 0, hi = rates[0];
    for (int it = 0; it < 100; it++) {
        double r = 0.5 * (lo + hi);
        double isi = exact_isi(&p, I - 0.5 * r / p.R);
        double fr = isi > 0 ? 1000.0 / isi : 0;
        if (fr > r) lo = r; else hi = r;
    }
    CHECK(fabs(rates[1] - lo) < 0.1 * lo, "inhibited rate %.2f Hz near the mean-field %.2f Hz (10%%)", rates[1], lo);
}

static void test_poisson(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2385);
    gn_err e = {0};
    size_t inputs = 200, steps = 50000;
    double dt = 0.1, *rates = malloc(inputs * sizeof *rates);
    for (size_t j = 0; j < inputs; j++) rates[j] = j < 100 ? 20.0 : 3.7;
    gn_lif_sched *S = gn_lif_sched_poisson(inputs, rates, steps, dt, rng, &e);
    double T = steps * dt / 1000.0;
    size_t hi = 0, lo = 0;
    for (size_t s = 0; s < S->ptr[steps]; s++) { if (S->input[s] < 100) hi++; else lo++; }
    double mh = 100 * 20.0 * T, ml = 100 * 3.7 * T;
    CHECK(fabs(hi - mh) < 4 * sqrt(mh), "Poisson 20 Hz: %zu spikes vs %.0f expected (4 sd)", hi, mh);
    CHECK(fabs(lo - ml) < 4 * sqrt(ml), "Poisson 3.7 Hz: %zu spikes vs %.0f expected (4 sd)", lo, ml);
    /* Counts of the 20 Hz channels in 5 ms windows: Fano factor ~ 1 (the
     * estimate's sd is ~ sqrt(2/nw) = 0.045). */
    size_t win = 50, nw = steps / win;
    double sum = 0, sum2 = 0;
    for (size_t w = 0; w < nw; w++) {
        double c = 0;
        for (size_t s = S->ptr[w * win]; s < S->ptr[(w + 1) * win]; s++) c += S->input[s] < 100;
        sum += c; sum2 += c * c;
    }
    double m = sum / nw, var = sum2 / nw - m * m;
    CHECK(fabs(var / m - 1) < 0.2, "Poisson counts in 5 ms windows have Fano factor %.3f ~ 1", var / m);
    int sorted = 1;
    for (size_t k = 0; k < steps; k++) sorted &= S->ptr[k] <= S->ptr[k + 1];
    CHECK(sorted, "schedule offsets are monotone");
    /* Same seed, same trains. */
    gsl_rng_set(rng, 2385);
    gn_lif_sched *S2 = gn_lif_sched_poisson(inputs, rates, steps, dt, rng, &e);
    CHECK(S2->ptr[steps] == S->ptr[steps] && !memcmp(S->input, S2->input, S->ptr[steps] * 4),
          "reseeding reproduces the input trains");
    gn_lif_sched_free(S2);
    gn_lif_sched_free(S);
    free(rates);
    gsl_rng_free(rng);
}

static void test_csr(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 77);
    gn_err e = {0};
    size_t n = 2000;
    double p = 0.1;
    gn_lif_csr *c = gn_lif_csr_random(n, n, p, 0.003, 1, rng, &e);
    double mean = p * n * (n - 1), sd = sqrt(mean * (1 - p));
    size_t nnz = gn_lif_csr_nnz(c);
    CHECK(fabs(nnz - mean) < 5 * sd, "CSR p=0.1 n=2000: %zu synapses vs p n(n-1) = %.0f", nnz, mean);
    int ok = 1, noself = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = c->ptr[i]; k < c->ptr[i + 1]; k++) {
            ok &= c->idx[k] < n && (k == c->ptr[i] || c->idx[k] > c->idx[k - 1]);
            noself &= c->idx[k] != i;
        }
    CHECK(ok, "CSR rows sorted, indices in range");
    CHECK(noself, "CSR has no self-connections");
    /* Degree variance is binomial. */
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) { double d = c->ptr[i + 1] - c->ptr[i]; s += d; s2 += d * d; }
    double dm = s / n, dv = s2 / n - dm * dm, want = (n - 1) * p * (1 - p);
    CHECK(fabs(dv - want) < 0.15 * want, "out-degree variance %.1f vs binomial %.1f", dv, want);
    gn_lif_csr_free(c);
    c = gn_lif_csr_random(50, 30, 1.0, 1, 0, rng, &e);
    CHECK(gn_lif_csr_nnz(c) == 1500, "p=1 connects everything");
    gn_lif_csr_free(c);
    c = gn_lif_csr_random(50, 30, 0.0, 1, 0, rng, &e);
    CHECK(c && gn_lif_csr_nnz(c) == 0, "p=0 connects nothing");
    gn_lif_csr_free(c);
    gsl_rng_free(rng);
}

/* Recurrent delivery: neuron 1 (driven) projects to neuron 2 with weight w;
 * neuron 2's AMPA current jumps by w one step after each spike of 1. */
static void test_recurrent(void)
{
    gn_lif_params p = defaults();
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(2, 0, &p, &e);
    double W[4] = {0, 0, 0.031, 0};   /* post × pre: W(2,1) = 0.031 */
    gn_lif_set_recurrent(L, gn_lif_csr_from_dense(2, 2, W, &e), 0, &e);
    double I[2] = {0.3, 0};
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    double dt = 0.1;
    run_simple(L, dt, 400, GN_LIF_I_VECTOR, 0, I, NULL, NULL, &sp, &e);
    CHECK(sp.count >= 1 && sp.neuron[0] == 0, "driven neuron fires");
    /* Expected: sum over spikes of w e^{-(T - t_s - dt)/tau_ampa}. */
    double want = 0, T = 400 * dt;
    for (size_t s = 0; s < sp.count; s++)
        if (sp.neuron[s] == 0 && sp.step[s] < 400) want += 0.031 * exp(-(T - sp.step[s] * dt) / 6.3);
    CHECK_NEAR(L->ampa[1], want, 1e-12, "recurrent AMPA current after %zu spikes", sp.count);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

/* Independent check of the exact propagator: fine-step RK4 of the same
 * equations with the same input spikes (subthreshold, AMPA+NMDA+current). */
static void test_vs_rk4(void)
{
    gn_lif_params p = defaults();
    gn_err e = {0};
    gn_lif *L = gn_lif_alloc(1, 2, &p, &e);
    double W[2] = {0.011, 0.007}, f[2] = {0.0, 0.6};
    gn_lif_set_inputs(L, gn_lif_csr_from_dense(2, 1, W, &e), f, &e);
    double ts[5] = {3.0, 12.5, 13.1, 40.2, 41.0};
    uint32_t ch[5] = {0, 1, 0, 1, 1};
    double dt = 0.2;
    size_t steps = 500;
    gn_lif_sched *S = gn_lif_sched_from_list(5, ts, ch, 2, steps, dt, &e);
    double *V = malloc(steps * sizeof *V);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    run_simple(L, dt, steps, GN_LIF_I_SCALAR, 0.021, NULL, S, V, &sp, &e);
    /* RK4 with h = dt/200; jumps applied at step starts with the same G(V). */
    double v = p.vrest, a = 0, nm = 0, maxerr = 0, h = dt / 200;
    for (size_t k = 0; k < steps; k++) {
        for (int s = 0; s < 5; s++)
            if ((size_t)(ts[s] / dt) == k) {
                double w = W[ch[s]], fr = f[ch[s]];
                a += (1 - fr) * w;
                nm += fr * w / (1 + p.mg / 3.57 * exp(-v / 16.13));
            }
        for (int m = 0; m < 200; m++) {
            #define DV(vv, aa, nn) ((p.vrest - (vv) + p.R * ((aa) + (nn) + 0.021)) / p.taum)
            double k1v = DV(v, a, nm), k1a = -a / p.tau_ampa, k1n = -nm / p.tau_nmda;
            double k2v = DV(v + h / 2 * k1v, a + h / 2 * k1a, nm + h / 2 * k1n), k2a = -(a + h / 2 * k1a) / p.tau_ampa, k2n = -(nm + h / 2 * k1n) / p.tau_nmda;
            double k3v = DV(v + h / 2 * k2v, a + h / 2 * k2a, nm + h / 2 * k2n), k3a = -(a + h / 2 * k2a) / p.tau_ampa, k3n = -(nm + h / 2 * k2n) / p.tau_nmda;
            double k4v = DV(v + h * k3v, a + h * k3a, nm + h * k3n), k4a = -(a + h * k3a) / p.tau_ampa, k4n = -(nm + h * k3n) / p.tau_nmda;
            v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
            a += h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a);
            nm += h / 6 * (k1n + 2 * k2n + 2 * k3n + k4n);
            #undef DV
        }
        maxerr = fmax(maxerr, fabs(V[k] - v));
    }
    CHECK(sp.count == 0, "RK4 comparison stays subthreshold");
    CHECK(maxerr < 1e-8, "exact propagator matches fine RK4 (max |dV| = %.2g mV)", maxerr);
    free(V);
    gn_lif_sched_free(S);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

static void test_errors(void)
{
    gn_err e = {0};
    gn_lif_params p = defaults();
    p.taum = 0;
    CHECK(gn_lif_params_check(&p, &e) == GN_EINVAL && strstr(e.msg, "taum"), "taum = 0 rejected: %s", e.msg);
    p = defaults(); p.tau_nmda = -3;
    CHECK(gn_lif_params_check(&p, &e) == GN_EINVAL && strstr(e.msg, "tau_nmda"), "tau_nmda < 0 rejected: %s", e.msg);
    p = defaults(); p.R = NAN;
    CHECK(gn_lif_params_check(&p, &e) == GN_EINVAL && strstr(e.msg, "R "), "R = NaN rejected: %s", e.msg);
    p = defaults(); p.vth = -80;
    CHECK(gn_lif_params_check(&p, &e) == GN_EINVAL && strstr(e.msg, "vth"), "vth below vrest rejected: %s", e.msg);
    p = defaults(); p.tref = -1;
    CHECK(gn_lif_params_check(&p, &e) == GN_EINVAL && strstr(e.msg, "tref"), "tref < 0 rejected: %s", e.msg);
    p = defaults();
    CHECK(gn_lif_alloc(0, 0, &p, &e) == NULL && strstr(e.msg, "n must"), "n = 0 rejected: %s", e.msg);
    gn_lif *L = gn_lif_alloc(3, 0, &p, &e);
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    gn_lif_run_opts o; memset(&o, 0, sizeof o);
    o.dt = 7.0; o.steps = 10;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINVAL && strstr(e.msg, "dt"), "dt > tau_ampa rejected: %s", e.msg);
    o.dt = 0;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINVAL, "dt = 0 rejected: %s", e.msg);
    o.dt = 0.1; o.I_kind = GN_LIF_I_SCALAR; o.I0 = NAN;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINVAL && strstr(e.msg, "I "), "I = NaN rejected: %s", e.msg);
    double Iv[3] = {0.1, NAN, 0.2};
    o.I_kind = GN_LIF_I_VECTOR; o.I = Iv;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINVAL, "NaN in I vector rejected: %s", e.msg);
    volatile int stop = 1;
    o.I_kind = GN_LIF_I_NONE; o.cancel.stop = &stop;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINTR, "cancel flag stops the run");
    double t = -1; uint32_t ch = 0;
    CHECK(gn_lif_sched_from_list(1, &t, &ch, 1, 10, 0.1, &e) == NULL && strstr(e.msg, "input_spikes[1].t"), "negative spike time rejected: %s", e.msg);
    t = 0.5; ch = 4;
    CHECK(gn_lif_sched_from_list(1, &t, &ch, 2, 10, 0.1, &e) == NULL && strstr(e.msg, "input_spikes[1].i"), "bad input channel rejected: %s", e.msg);
    double r = -2;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CHECK(gn_lif_sched_poisson(1, &r, 10, 0.1, rng, &e) == NULL && strstr(e.msg, "rates[1]"), "negative rate rejected: %s", e.msg);
    CHECK(gn_lif_csr_random(3, 3, 1.5, 1, 0, rng, &e) == NULL && strstr(e.msg, "probability"), "p > 1 rejected: %s", e.msg);
    double f = 1.5;
    gn_lif *L2 = gn_lif_alloc(2, 1, &p, &e);
    CHECK(gn_lif_set_inputs(L2, NULL, &f, &e) == GN_EINVAL && strstr(e.msg, "f_nmda"), "f_nmda > 1 rejected: %s", e.msg);
    gn_lif_free(L2);
    gsl_rng_free(rng);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

int main(void)
{
    test_fI(0.1);
    test_fI(0.01);
    test_refractory();
    test_synapse_decay(0.0, "AMPA");
    test_synapse_decay(1.0, "NMDA");
    test_synapse_decay(0.4, "AMPA+NMDA");
    test_mg_block();
    test_inhibition();
    test_poisson();
    test_csr();
    test_recurrent();
    test_vs_rk4();
    test_errors();
    CHECK_DONE();
}
