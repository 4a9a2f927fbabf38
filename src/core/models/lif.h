/* lif.h — population of leaky integrate-and-fire neurons with AMPA/NMDA
 * input currents, NMDA magnesium block, global inhibition and sparse
 * recurrence (the "student" neurons of Tesileanu, Ölveczky &
 * Balasubramanian 2017, eLife 6:e20944; StudentLayer/ExcitatorySynapses in
 * the authors' released code, github.com/ttesileanu/twostagelearning).
 *
 * Model, per neuron i (units: mV, ms, MΩ, nA; R·I is in mV):
 *   taum dV/dt = vrest − V + R (I_ampa + I_nmda + I_ext) − V_inh
 *   dI_ampa/dt = −I_ampa/tau_ampa,  dI_nmda/dt = −I_nmda/tau_nmda
 *   V > vth  →  spike, V = vrest, V held at vrest for tref (absolute refractory)
 *   a presynaptic spike through weight w (nA) with NMDA fraction f:
 *       I_ampa += (1−f) w,   I_nmda += f G(V) w,
 *       G(V) = 1 / (1 + [Mg]/3.57 mM · exp(−V/16.13 mV))   (Jahr & Stevens 1990)
 *   global inhibition (mV), shared by the population:
 *       tau_inh dV_inh/dt = −V_inh + g_inh · r(t),  r = population rate in Hz,
 *       i.e. each population spike adds 1000 g_inh / (n tau_inh) mV.
 * The linear subthreshold system is stepped with its exact propagator
 * (I_ext held constant over a step), so the only time-step error is that
 * spikes are detected at step ends. */
#ifndef GN_LIF_H
#define GN_LIF_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "gn.h"

/* Cell parameters.  Defaults (gn_lif_params_default) are the authors'
 * fitted values for juvenile-bird RA neurons. */
typedef struct {
    double vrest;     /* resting and reset potential, mV (−72.3) */
    double vth;       /* threshold, mV (−48.6) */
    double taum;      /* membrane time constant, ms (24.5) */
    double tref;      /* absolute refractory period, ms (see lif.c) */
    double tau_ampa;  /* AMPA current decay, ms (6.3) */
    double tau_nmda;  /* NMDA current decay, ms (81.5) */
    double tau_inh;   /* global inhibition filter, ms (20) */
    double R;         /* input resistance, MΩ (353) */
    double g_inh;     /* global inhibition strength, mV/Hz (0) */
    double mg;        /* extracellular Mg2+, mM (0.7) */
} gn_lif_params;

void gn_lif_params_default(gn_lif_params *p);
/* GN_EINVAL naming the parameter if any is NaN/inf, a time constant or R
 * is <= 0, tref/g_inh/mg < 0, or vth <= vrest. */
int gn_lif_params_check(const gn_lif_params *p, gn_err *err);
/* Jahr–Stevens magnesium block factor at membrane potential v (mV). */
double gn_lif_mg_block(double v, double mg);

/* Sparse connectivity, compressed rows keyed by the PRESYNAPTIC index so a
 * spike walks one contiguous row.  w == NULL means every weight is wconst
 * (saves 8 bytes per synapse for random homogeneous recurrence, and lets a
 * run deliver spikes as counts or through a bitmap, see lif.c).  Weights
 * stay double: they are the user's W / W_rec values, which float would
 * round by up to 6e-8 (currents are tested to 1e-12 nA), and the large
 * random networks that would gain from halving them carry no weight array
 * at all. */
typedef struct {
    size_t rows;      /* presynaptic units */
    size_t cols;      /* postsynaptic neurons */
    size_t *ptr;      /* rows+1 offsets into idx / w */
    uint32_t *idx;    /* postsynaptic neuron of each synapse */
    double *w;        /* weight of each synapse, nA (or NULL) */
    double wconst;    /* weight used when w == NULL, nA */
    int sorted;       /* 1: rows known to be ascending and distinct (set by the constructors,
                       * so the setters skip checking 10^7 synapses); 0: checked */
} gn_lif_csr;

/* Random rows×cols connectivity, each synapse present with probability p
 * (geometric skipping: cost ∝ synapses, not rows·cols); no_self drops i→i. */
gn_lif_csr *gn_lif_csr_random(size_t rows, size_t cols, double p, double w, int no_self,
                              gsl_rng *rng, gn_err *err);
/* From a dense cols×rows matrix (row-major, post × pre, as a user writes W
 * with one row per neuron); exact zeros are dropped. */
gn_lif_csr *gn_lif_csr_from_dense(size_t rows, size_t cols, const double *W_post_pre,
                                  gn_err *err);
size_t gn_lif_csr_nnz(const gn_lif_csr *c);
void gn_lif_csr_free(gn_lif_csr *c);

/* Input spikes bucketed by time step: inputs of step k are
 * input[ptr[k] .. ptr[k+1]) (k = 0 .. steps−1, 0-based). */
typedef struct {
    size_t steps;
    size_t *ptr;      /* steps+1 offsets */
    uint32_t *input;  /* input channel of each spike */
} gn_lif_sched;

/* Independent Poisson trains (exact: exponential intervals) at rates[j] Hz
 * for `inputs` channels over steps·dt ms; rng only seeds a fast generator. */
gn_lif_sched *gn_lif_sched_poisson(size_t inputs, const double *rates, size_t steps, double dt,
                                   gsl_rng *rng, gn_err *err);
/* From explicit spikes: t[s] in ms (0 <= t < steps·dt), channel ch[s]
 * 0-based < inputs.  A spike at t arrives at the start of step floor(t/dt). */
gn_lif_sched *gn_lif_sched_from_list(size_t count, const double *t, const uint32_t *ch,
                                     size_t inputs, size_t steps, double dt, gn_err *err);
void gn_lif_sched_free(gn_lif_sched *s);

/* Compact spike record: 8 bytes per spike. */
typedef struct {
    size_t count, cap;
    uint32_t *step;    /* 1-based step at whose end the spike happened: t = step·dt */
    uint32_t *neuron;  /* 0-based neuron */
} gn_lif_spikes;

void gn_lif_spikes_init(gn_lif_spikes *s);
void gn_lif_spikes_free(gn_lif_spikes *s);

/* Most worker threads a run will use. */
#define GN_LIF_MAX_THREADS 8

/* The population and its state. */
typedef struct {
    size_t n, inputs;
    gn_lif_params p;
    double *v;            /* membrane potential, mV */
    double *ampa, *nmda;  /* synaptic currents, nA */
    int32_t *ref;         /* refractory steps left */
    double vinh;          /* global inhibition, mV */
    gn_lif_csr *win;      /* inputs → neurons (NULL: none) */
    double *f_in;         /* NMDA fraction per input channel (inputs) */
    gn_lif_csr *rec;      /* neurons → neurons (NULL: none) */
    double f_rec;         /* NMDA fraction of recurrent synapses */
    uint32_t *fired;      /* neurons that fired last step, ascending (recurrent delivery) */
    size_t nfired;
    int threads;          /* threads for gn_lif_run: 0 = automatic (gn_lif_threads_auto) */
    uint64_t *rec_bits;   /* cache: rec as a bitmap when dense enough (built by gn_lif_run) */
} gn_lif;

gn_lif *gn_lif_alloc(size_t n, size_t inputs, const gn_lif_params *p, gn_err *err);
void gn_lif_free(gn_lif *L);
/* V = vrest (or v0[i] if v0 != NULL), currents and inhibition zero. */
void gn_lif_reset(gn_lif *L, const double *v0);
/* Connectivity setters take ownership of c (also on failure).  Rows must
 * hold distinct targets in ascending order (gn_lif_csr_random and
 * gn_lif_csr_from_dense make them so): threads split each row by target. */
int gn_lif_set_inputs(gn_lif *L, gn_lif_csr *c, const double *f_nmda, gn_err *err);
int gn_lif_set_recurrent(gn_lif *L, gn_lif_csr *c, double f_nmda, gn_err *err);

/* External current: none, one number, one per neuron, or one row per step. */
enum { GN_LIF_I_NONE, GN_LIF_I_SCALAR, GN_LIF_I_VECTOR, GN_LIF_I_MATRIX };

typedef struct {
    double dt;              /* ms */
    size_t steps;
    int I_kind;             /* GN_LIF_I_* */
    double I0;              /* nA, for GN_LIF_I_SCALAR */
    const double *I;        /* n (VECTOR) or steps×n row-major (MATRIX), nA */
    const gn_lif_sched *in; /* input spikes, or NULL */
    double *Vrec;           /* steps×nrec row-major, or NULL: not recorded */
    const uint32_t *rec_idx;/* neurons to record (NULL: all n, nrec = n) */
    size_t nrec;
    gn_cancel cancel;
    /* Called every `every` steps (0: never) so a UI can redraw. */
    void (*progress)(void *ud, size_t done, size_t total);
    void *progress_ud;
    size_t every;
    /* Worker threads, 1..GN_LIF_MAX_THREADS; 0: the population's setting.
     * Each owns a slice of neurons; results are bit-for-bit the same for
     * any thread count. */
    int threads;
} gn_lif_run_opts;

/* The automatic thread count: 2 (if the machine has two CPUs) when a step
 * holds enough work to pay for a barrier, else 1. */
int gn_lif_threads_auto(const gn_lif *L);

/* Advances the population by o->steps steps from its current state,
 * appending spikes to out.  GN_EINVAL for a bad dt (<= 0, or larger than any
 * time constant) or shapes; GN_EINTR when cancelled (state stays valid). */
int gn_lif_run(gn_lif *L, const gn_lif_run_opts *o, gn_lif_spikes *out, gn_err *err);

/* Exact one-step propagator coefficients for a given dt (exposed for tests
 * and the vector kernel). */
typedef struct {
    double em, ea, en, ei;  /* exp(−dt/tau) for m, ampa, nmda, inh */
    double pa, pn, pi;      /* V response over a step to unit AMPA/NMDA (mV/nA·R) and inh (mV/mV) */
    int32_t nref;           /* refractory steps = round(tref/dt) */
    int syn;                /* 0: currents all zero and no synapses, 1: AMPA only, 2: AMPA and NMDA */
} gn_lif_prop;
void gn_lif_propagator(const gn_lif_params *p, double dt, gn_lif_prop *q);

/* State arrays the membrane kernel reads and writes (full length n; the
 * kernel touches only its slice). */
typedef struct {
    double *v, *ampa, *nmda;
    int32_t *ref;
    uint16_t *cnt;      /* recurrent spikes per neuron this step, added to AMPA as wc·cnt
                         * and zeroed (NULL: none) */
    double wc;          /* nA per counted spike */
    const double *I;    /* external current per neuron, nA (NULL: I0 for all) */
    double I0;
    int avx2_only;      /* 1: never the AVX-512 code (tests compare the two) */
} gn_lif_kstate;

/* Element-wise membrane kernel (lif_simd.c, AVX2, or AVX-512 where the CPU
 * has it, with lane-for-lane the same arithmetic): advances V, currents and
 * refractory counters of neurons [lo,hi) by one step, writes the indices of
 * the neurons that fired, ascending, to fired[] and returns their number.
 * Every neuron goes through the same 4-wide arithmetic (a short tail is
 * padded), so results do not depend on how [0,n) is sliced.  Currents the
 * caller declares unused (q->syn) are neither read nor decayed. */
size_t gn_lif_kernel(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                     const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired);

/* Dense recurrence as a bitmap (one row of wpr words per presynaptic
 * neuron, wpr a multiple of 4; bit i of word w = target 64w+i): adds to
 * cnt[t] the number of the m rows with bit t set, for targets in words
 * [w0, w1) (multiples of 4; cnt must extend to 64·w1).  With 10%
 * connectivity this costs ~13 AVX2 operations (8 with AVX-512) per row per
 * 256 targets instead of ~25 scattered increments.  avx2_only = 1 skips the
 * AVX-512 code (for tests). */
void gn_lif_bits_sum(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt,
                     int avx2_only);

/* Random connectivity helpers (lif_simd.c): m uniforms in (0, 1] from four
 * xoshiro256+ streams whose states are st[0..15] (m a multiple of 4), and
 * geometric gaps gap[i] = floor(log(u[i]) · inv_lq), inv_lq = 1/log(1−p). */
void gn_lif_uniform_block(uint64_t *st, size_t m, double *u);
void gn_lif_geom_block(size_t m, const double *u, double inv_lq, uint64_t *gap);

#endif
