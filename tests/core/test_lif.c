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

/* The NMDA jump of each target uses G at its own potential, whether the
 * step's block is tabled once per neuron (more synapse events than neurons)
 * or computed per event (fewer): 4 neurons held at different potentials,
 * 8 or 1 input channels onto all of them, all spiking in the last step.
 * Reference: f w G(V_i) e^{-dt/tau_nmda} summed over channels, G written
 * out here (Jahr & Stevens), not gn_lif_mg_block. */
static void test_mg_block_paths(void)
{
    gn_lif_params p = defaults();
    double I[4] = {0.0, 0.021, 0.043, 0.062};     /* V from -72.3 to about -50.4 mV */
    for (int channels = 8; channels >= 1; channels -= 7) {
        gn_err e = {0};
        gn_lif *L = gn_lif_alloc(4, (size_t)channels, &p, &e);
        double W[4 * 8], f[8];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < channels; j++) W[i * channels + j] = 0.0123 + 0.0031 * i + 0.0017 * j;
        for (int j = 0; j < channels; j++) f[j] = j % 2 ? 1.0 : 0.35;
        gn_lif_set_inputs(L, gn_lif_csr_from_dense((size_t)channels, 4, W, &e), f, &e);
        double dt = 0.1, ts[8];
        uint32_t ch[8];
        for (int j = 0; j < channels; j++) { ts[j] = 600.0; ch[j] = (uint32_t)j; }
        size_t steps = 6001;
        gn_lif_sched *S = gn_lif_sched_from_list((size_t)channels, ts, ch, (size_t)channels, steps, dt, &e);
        double *V = malloc(steps * 4 * sizeof *V);
        gn_lif_spikes sp; gn_lif_spikes_init(&sp);
        run_simple(L, dt, steps, GN_LIF_I_VECTOR, 0, I, S, V, &sp, &e);
        double worst = 0;
        for (int i = 0; i < 4; i++) {
            double v = V[5999 * 4 + i], want = 0;
            double G = 1.0 / (1.0 + p.mg / 3.57 * exp(-v / 16.13));
            for (int j = 0; j < channels; j++) want += f[j] * W[i * channels + j] * G;
            want *= exp(-dt / p.tau_nmda);
            double rel = fabs(L->nmda[i] - want) / want;
            if (rel > worst) worst = rel;
        }
        CHECK(worst < 1e-13 && sp.count == 0, "%d channel%s x 4 neurons (%s): NMDA jumps f w G(V_i) at each "
              "target's V, worst relative error %.1e", channels, channels > 1 ? "s" : "",
              channels > 1 ? "block tabled per neuron" : "block per event", worst);
        free(V);
        gn_lif_sched_free(S);
        gn_lif_spikes_free(&sp);
        gn_lif_free(L);
    }
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


/* ---- threads and delivery paths ---------------------------------------------------- */

/* One run of a population built from `seed`; returns its spikes and copies
 * of the final state so runs on different thread counts can be compared
 * bit for bit. */
typedef struct {
    gn_lif_spikes sp;
    double *v, *ampa, *nmda, *V;
    double vinh;
    int st;
} run_out;

enum { NET_DENSE_REC, NET_SPARSE_REC, NET_NMDA_INH, NET_FREE };

static gn_lif *build_net(int kind, size_t n, unsigned long seed, gn_lif_sched **S, size_t steps, double dt)
{
    gn_err e = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    gn_lif_params p = defaults();
    size_t inputs = kind == NET_DENSE_REC ? 0 : 40;
    if (kind == NET_NMDA_INH) p.g_inh = 0.3;
    gn_lif *L = gn_lif_alloc(n, inputs, &p, &e);
    if (kind == NET_DENSE_REC) gn_lif_set_recurrent(L, gn_lif_csr_random(n, n, 0.1, 0.0021, 1, rng, &e), 0, &e);
    if (kind == NET_SPARSE_REC) gn_lif_set_recurrent(L, gn_lif_csr_random(n, n, 0.01, 0.011, 1, rng, &e), 0, &e);
    if (kind == NET_NMDA_INH) {
        /* Weighted recurrence (per-synapse weights) with an NMDA share. */
        gn_lif_csr *c = gn_lif_csr_random(n, n, 0.02, 0.004, 1, rng, &e);
        c->w = malloc(gn_lif_csr_nnz(c) * sizeof *c->w);
        for (size_t k = 0; k < gn_lif_csr_nnz(c); k++) c->w[k] = 0.002 + 0.004 * gsl_rng_uniform(rng);
        gn_lif_set_recurrent(L, c, 0.35, &e);
    }
    *S = NULL;
    if (inputs) {
        double f[40], rates[40];
        for (size_t j = 0; j < inputs; j++) { f[j] = j % 3 == 0 ? 0.5 : 0; rates[j] = 20 + j; }
        gn_lif_set_inputs(L, gn_lif_csr_random(inputs, n, 0.2, 0.03, 0, rng, &e), f, &e);
        *S = gn_lif_sched_poisson(inputs, rates, steps, dt, rng, &e);
    }
    gsl_rng_free(rng);
    return L;
}

static run_out run_net(int kind, size_t n, int threads, size_t steps, int split, int record)
{
    run_out r;
    memset(&r, 0, sizeof r);
    gn_err e = {0};
    double dt = 0.1;
    gn_lif_sched *S;
    gn_lif *L = build_net(kind, n, 4021, &S, steps, dt);
    double *I = malloc(n * sizeof *I);
    for (size_t i = 0; i < n; i++) I[i] = 0.045 + 0.06 * (double)((i * 37) % n) / (double)n;
    gn_lif_spikes_init(&r.sp);
    if (record) r.V = malloc(steps * n * sizeof *r.V);
    /* `split` runs the same steps as two calls (state carried over). */
    size_t parts = split ? 2 : 1, done = 0;
    for (size_t q = 0; q < parts; q++) {
        gn_lif_run_opts o;
        memset(&o, 0, sizeof o);
        size_t m = q + 1 == parts ? steps - done : steps / 3;
        o.dt = dt; o.steps = m; o.threads = threads;
        o.I_kind = GN_LIF_I_VECTOR; o.I = I;
        gn_lif_sched part;   /* this part of the schedule: offsets shifted by `done` steps */
        if (S) {
            part.steps = m; part.ptr = S->ptr + done; part.input = S->input;
            o.in = &part;
        }
        if (record) { o.Vrec = r.V + done * n; o.nrec = n; }
        r.st |= gn_lif_run(L, &o, &r.sp, &e);
        done += m;
    }
    r.v = malloc(n * sizeof *r.v); memcpy(r.v, L->v, n * sizeof *r.v);
    r.ampa = malloc(n * sizeof *r.ampa); memcpy(r.ampa, L->ampa, n * sizeof *r.ampa);
    r.nmda = malloc(n * sizeof *r.nmda); memcpy(r.nmda, L->nmda, n * sizeof *r.nmda);
    r.vinh = L->vinh;
    free(I);
    gn_lif_sched_free(S);
    gn_lif_free(L);
    return r;
}

static void run_out_free(run_out *r)
{
    gn_lif_spikes_free(&r->sp);
    free(r->v); free(r->ampa); free(r->nmda); free(r->V);
}

static int same_run(const run_out *a, const run_out *b, size_t n, size_t steps)
{
    return a->st == 0 && b->st == 0 && a->sp.count == b->sp.count &&
           !memcmp(a->sp.step, b->sp.step, a->sp.count * 4) && !memcmp(a->sp.neuron, b->sp.neuron, a->sp.count * 4) &&
           !memcmp(a->v, b->v, n * 8) && !memcmp(a->ampa, b->ampa, n * 8) && !memcmp(a->nmda, b->nmda, n * 8) &&
           !memcmp(&a->vinh, &b->vinh, 8) && (!a->V || !memcmp(a->V, b->V, n * steps * 8));
}

/* Results must be bit-for-bit the same for any thread count: each thread
 * owns a slice of neurons and every neuron sums its inputs in the same
 * order.  Runs are long enough (> 2 x 256 steps) that the adaptive driver
 * switches between its many- and one-thread chunks inside a run. */
static void test_threads_identical(void)
{
    static const char *names[] = {"dense recurrence (bitmap)", "sparse recurrence (counts) + inputs",
                                  "weighted NMDA recurrence + inhibition + inputs", "no coupling + inputs"};
    size_t n = 1500, steps = 3000;   /* n not a multiple of the 256-neuron slices */
    for (int kind = 0; kind < 4; kind++) {
        run_out a = run_net(kind, n, 1, steps, 0, 1);
        CHECK(a.sp.count > 100, "%s: %zu spikes in 300 ms", names[kind], a.sp.count);
        for (int T = 2; T <= 3; T++) {
            run_out b = run_net(kind, n, T, steps, 0, 1);
            CHECK(same_run(&a, &b, n, steps), "%s: %d threads give bit-identical spikes, V(t) and state", names[kind], T);
            run_out_free(&b);
        }
        run_out c = run_net(kind, n, 2, steps, 1, 1);
        CHECK(c.sp.count == a.sp.count && !memcmp(c.v, a.v, n * 8) && !memcmp(c.V, a.V, n * steps * 8),
              "%s: two runs with kept state (2 threads) equal one run (1 thread)", names[kind]);
        run_out_free(&c);
        run_out_free(&a);
    }
}

/* Independent check of counted and bitmap delivery: the same random
 * network with its weight stored per synapse takes the direct path (one
 * floating add per synapse); spikes must match and V agree to rounding. */
static void test_delivery_paths(void)
{
    for (int dense = 0; dense < 2; dense++) {
        size_t n = 1200, steps = 2000;
        double p = dense ? 0.1 : 0.01, w = dense ? 0.0021 : 0.013;
        gn_lif *L[2];
        gn_lif_spikes sp[2];
        for (int k = 0; k < 2; k++) {
            gn_err e = {0};
            gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
            gsl_rng_set(rng, 99);
            gn_lif_params prm = defaults();
            L[k] = gn_lif_alloc(n, 0, &prm, &e);
            gn_lif_csr *c = gn_lif_csr_random(n, n, p, w, 1, rng, &e);
            if (k) {
                c->w = malloc(gn_lif_csr_nnz(c) * sizeof *c->w);
                for (size_t s = 0; s < gn_lif_csr_nnz(c); s++) c->w[s] = w;
            }
            gn_lif_set_recurrent(L[k], c, 0, &e);
            double *I = malloc(n * sizeof *I);
            for (size_t i = 0; i < n; i++) I[i] = 0.05 + 0.05 * (double)i / (double)n;
            gn_lif_spikes_init(&sp[k]);
            run_simple(L[k], 0.1, steps, GN_LIF_I_VECTOR, 0, I, NULL, NULL, &sp[k], &e);
            free(I);
            gsl_rng_free(rng);
        }
        double dv = 0;
        for (size_t i = 0; i < n; i++) dv = fmax(dv, fabs(L[0]->v[i] - L[1]->v[i]));
        CHECK(sp[0].count == sp[1].count && sp[0].count > 1000 && !memcmp(sp[0].neuron, sp[1].neuron, sp[0].count * 4),
              "p=%g: %s delivery gives the same %zu spikes as per-synapse adds", p, dense ? "bitmap" : "counted", sp[0].count);
        CHECK(dv < 1e-9, "p=%g: final V agrees with per-synapse adds (max |dV| %.2g mV)", p, dv);
        for (int k = 0; k < 2; k++) { gn_lif_spikes_free(&sp[k]); gn_lif_free(L[k]); }
    }
}

/* More than 65,535 neurons firing in one step: counted delivery folds its
 * uint16 counters into the current part-way; it must agree with per-synapse
 * adds (and give the same on 1 and 2 threads). */
static void test_count_fold(void)
{
    size_t n = 70000;
    double amp[3][4];
    for (int k = 0; k < 3; k++) {
        gn_err e = {0};
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 1234);
        gn_lif_params prm = defaults();
        gn_lif *L = gn_lif_alloc(n, 0, &prm, &e);
        gn_lif_csr *c = gn_lif_csr_random(n, n, 2e-4, 0.0037, 1, rng, &e);
        if (k == 2) {
            c->w = malloc(gn_lif_csr_nnz(c) * sizeof *c->w);
            for (size_t s = 0; s < gn_lif_csr_nnz(c); s++) c->w[s] = 0.0037;
        }
        gn_lif_set_recurrent(L, c, 0, &e);
        gn_lif_spikes sp; gn_lif_spikes_init(&sp);
        gn_lif_run_opts o;
        memset(&o, 0, sizeof o);
        o.dt = 0.1; o.steps = 2; o.threads = k == 1 ? 2 : 1;
        o.I_kind = GN_LIF_I_SCALAR; o.I0 = 50;   /* everyone fires in step 1 */
        gn_lif_run(L, &o, &sp, &e);
        for (int j = 0; j < 4; j++) amp[k][j] = L->ampa[j * 17000 + 5];
        if (k == 0) CHECK(sp.count == n, "all %zu neurons fire in the first step (%zu spikes)", n, sp.count);
        gn_lif_spikes_free(&sp);
        gn_lif_free(L);
        gsl_rng_free(rng);
    }
    int ok = 1, nz = 0;
    for (int j = 0; j < 4; j++) {
        ok &= fabs(amp[0][j] - amp[2][j]) < 1e-15 && !memcmp(&amp[0][j], &amp[1][j], 8);
        nz += amp[0][j] > 0;
    }
    CHECK(ok && nz >= 3, "70,000 spikes in one step: counted delivery (1 and 2 threads) matches per-synapse adds");
}

/* The bitmap kernel against a plain count, across its 63-row groups, with
 * 8-bit partial sums that must not overflow (m > 255). */
static void test_bits_sum(void)
{
    size_t wpr = 12, nrows = 700;   /* 768 targets */
    uint64_t *B = malloc(nrows * wpr * sizeof *B);
    uint64_t x = 0x2385;
    for (size_t k = 0; k < nrows * wpr; k++) {
        uint64_t a = 0;
        for (int b = 0; b < 4; b++) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; a |= x >> (b * 16); }
        B[k] = a & (x * 0x9e3779b97f4a7c15ULL);   /* ~ a third of the bits set */
    }
    size_t ms[4] = {1, 63, 64, 600};
    for (int t = 0; t < 4; t++) {
        size_t m = ms[t];
        const uint64_t **rows = malloc(m * sizeof *rows);
        for (size_t r = 0; r < m; r++) rows[r] = B + ((r * 7) % nrows) * wpr;
        uint16_t *cnt = calloc(wpr * 64, sizeof *cnt), *want = calloc(wpr * 64, sizeof *want);
        for (size_t i = 0; i < wpr * 64; i++) cnt[i] = want[i] = (uint16_t)(i % 5);
        uint16_t *cnt2 = malloc(wpr * 64 * sizeof *cnt2);
        memcpy(cnt2, cnt, wpr * 64 * sizeof *cnt2);
        gn_lif_bits_sum(rows, m, 4, 12, cnt, 0);   /* words 4..11: targets 256..767 */
        gn_lif_bits_sum(rows, m, 4, 12, cnt2, 1);
        for (size_t r = 0; r < m; r++)
            for (size_t i = 256; i < 768; i++) want[i] += (rows[r][i / 64] >> (i % 64)) & 1;
        CHECK(!memcmp(cnt, want, wpr * 64 * sizeof *cnt) && !memcmp(cnt2, want, wpr * 64 * sizeof *cnt),
              "bitmap counts of %zu rows (best ISA and AVX2) match a plain count and leave other targets alone", m);
        free(rows); free(cnt); free(cnt2); free(want);
    }
    free(B);
}

/* A stop requested from the progress callback ends a 2-thread run with
 * GN_EINTR, and the population can continue from where it stopped. */
struct stopper { volatile int stop; size_t at; };
static void stop_progress(void *ud, size_t done, size_t total)
{
    struct stopper *s = ud;
    (void)total;
    if (done >= s->at) s->stop = 1;
}

static void test_threads_cancel(void)
{
    gn_err e = {0};
    gn_lif_sched *S;
    gn_lif *L = build_net(NET_DENSE_REC, 2000, 5, &S, 0, 0.1);
    struct stopper st = {0, 1200};
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = 0.1; o.steps = 5000; o.threads = 2;
    o.I_kind = GN_LIF_I_SCALAR; o.I0 = 0.09;
    o.cancel.stop = &st.stop;
    o.progress = stop_progress; o.progress_ud = &st; o.every = 100;
    gn_lif_spikes sp; gn_lif_spikes_init(&sp);
    int rc = gn_lif_run(L, &o, &sp, &e);
    CHECK(rc == GN_EINTR && strstr(e.msg, "interrupted"), "2 threads: stop from progress gives GN_EINTR (%s)", e.msg);
    size_t last = sp.count ? sp.step[sp.count - 1] : 0;
    CHECK(last >= 1200 && last < 5000, "2 threads: stopped after step %zu, before the end", last);
    st.stop = 0; st.at = (size_t)-1;
    o.steps = 100;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_OK, "the population runs on after a stop");
    gn_lif_spikes_free(&sp);
    gn_lif_sched_free(S);
    gn_lif_free(L);
    /* threads out of range */
    L = gn_lif_alloc(10, 0, &(gn_lif_params){0}, &e);
    CHECK(L == NULL, "zeroed parameters rejected");
    gn_lif_params p = defaults();
    L = gn_lif_alloc(10, 0, &p, &e);
    o = (gn_lif_run_opts){0};
    o.dt = 0.1; o.steps = 10; o.threads = GN_LIF_MAX_THREADS + 1;
    CHECK(gn_lif_run(L, &o, &sp, &e) == GN_EINVAL && strstr(e.msg, "threads"), "threads > max rejected: %s", e.msg);
    /* A hand-made CSR with a row out of order is refused (threads split rows by target). */
    double W[9] = {0, 0, 0, 0.01, 0, 0, 0.02, 0, 0};   /* neuron 1 -> 2 and 3 */
    gn_lif_csr *bad = gn_lif_csr_from_dense(3, 3, W, &e);
    uint32_t t0 = bad->idx[0]; bad->idx[0] = bad->idx[1]; bad->idx[1] = t0;
    bad->sorted = 0;
    gn_lif *L3 = gn_lif_alloc(3, 0, &p, &e);
    CHECK(gn_lif_set_recurrent(L3, bad, 0, &e) == GN_EINVAL && strstr(e.msg, "ascending"), "unsorted CSR row rejected: %s", e.msg);
    gn_lif_free(L3);
    gn_lif_spikes_free(&sp);
    gn_lif_free(L);
}

/* The membrane kernel: AVX-512 and AVX2 code give identical bits, and both
 * match a plain scalar step (exact propagator, refractory hold, reset),
 * on states that spike, sit in refractoriness and carry counted inputs. */
static void test_kernel_isa(void)
{
    gn_lif_params p = defaults();
    gn_lif_prop q;
    gn_lif_propagator(&p, 0.1, &q);
    q.nref = 19;
    size_t n = 203;
    double *v[3], *a[3], *nm[3], I[203];
    int32_t *r[3];
    uint16_t *c[3];
    uint32_t *f[3];
    size_t nf[3];
    uint64_t x = 77;
    for (int k = 0; k < 3; k++) {
        v[k] = malloc(n * 8); a[k] = malloc(n * 8); nm[k] = malloc(n * 8);
        r[k] = malloc(n * 4); c[k] = malloc(n * 2); f[k] = malloc(n * 4);
    }
    for (size_t i = 0; i < n; i++) {
        double u[5];
        for (int j = 0; j < 5; j++) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; u[j] = (double)(x >> 11) * 0x1.0p-53; }
        v[0][i] = -60 + 15 * u[0];           /* a quarter start above threshold */
        a[0][i] = 0.02 * u[1]; nm[0][i] = 0.01 * u[2];
        r[0][i] = u[3] < 0.2 ? (int32_t)(u[3] * 20) : 0;
        c[0][i] = (uint16_t)(u[4] * 4);
        I[i] = 0.1 * u[4];
    }
    for (int k = 1; k < 3; k++) {
        memcpy(v[k], v[0], n * 8); memcpy(a[k], a[0], n * 8); memcpy(nm[k], nm[0], n * 8);
        memcpy(r[k], r[0], n * 4); memcpy(c[k], c[0], n * 2);
    }
    double wc = 0.0031, vinh = 0.7;
    for (int k = 0; k < 2; k++) {
        gn_lif_kstate ks = { .v = v[k], .ampa = a[k], .nmda = nm[k], .ref = r[k], .cnt = c[k], .wc = wc,
                             .I = I, .I0 = 0, .avx2_only = k };
        nf[k] = gn_lif_kernel(3, n, &ks, vinh, &p, &q, f[k]);   /* a slice [3, 203): ragged both ends */
    }
    CHECK(nf[0] == nf[1] && nf[0] > 10 && !memcmp(f[0], f[1], nf[0] * 4) && !memcmp(v[0], v[1], n * 8) &&
          !memcmp(a[0], a[1], n * 8) && !memcmp(nm[0], nm[1], n * 8) && !memcmp(r[0], r[1], n * 4) && !memcmp(c[0], c[1], n * 2),
          "kernel: best ISA and AVX2 give identical bits (%zu spikes of %zu)", nf[0], n - 3);
    /* Scalar reference, written from the model equations. */
    double err = 0;
    int ok = 1;
    size_t nr = 0;
    for (size_t i = 3; i < n; i++) {
        double am = a[2][i] + wc * c[2][i];
        double vinf = p.vrest + p.R * I[i];
        double vn = vinf + (v[2][i] - vinf) * q.em - q.pi * vinh + p.R * (q.pa * am + q.pn * nm[2][i]);
        int32_t rr = r[2][i];
        if (rr > 0) { vn = p.vrest; rr--; }
        int sp = vn > p.vth;
        if (sp) { vn = p.vrest; rr = q.nref; if (nr < nf[1]) ok &= f[1][nr] == i; nr++; }
        err = fmax(err, fabs(vn - v[1][i]));
        ok &= rr == r[1][i] && c[1][i] == 0 && fabs(a[1][i] - am * q.ea) < 1e-15 && fabs(nm[1][i] - nm[2][i] * q.en) < 1e-15;
    }
    CHECK(ok && nr == nf[1] && err < 1e-12 && c[1][0] == c[2][0],
          "kernel matches a scalar step: spikes, refractory counts, currents (max |dV| %.2g mV), outside the slice untouched", err);
    for (int k = 0; k < 3; k++) { free(v[k]); free(a[k]); free(nm[k]); free(r[k]); free(c[k]); free(f[k]); }
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
    test_mg_block_paths();
    test_inhibition();
    test_poisson();
    test_csr();
    test_recurrent();
    test_vs_rk4();
    test_errors();
    test_bits_sum();
    test_kernel_isa();
    test_delivery_paths();
    test_count_fold();
    test_threads_identical();
    test_threads_cancel();
    CHECK_DONE();
}
