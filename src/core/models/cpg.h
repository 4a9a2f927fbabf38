/* cpg.h — the respiratory central pattern generator of Rubin, Shevtsova,
 * Ermentrout, Smith & Rybak 2009 (J Neurophysiol 101:2146): four
 * activity-based populations (pre-I, early-I, post-I, aug-E) integrated with
 * GSL's adaptive odeiv2 drivers, plus burst-phase analysis of the outputs. */
#ifndef GN_CPG_H
#define GN_CPG_H

#include <stddef.h>

#include "gn.h"

/* Populations, in the column order of every output (Lua: 1..4). */
enum { GN_CPG_PREI = 0, GN_CPG_EARLYI = 1, GN_CPG_POSTI = 2, GN_CPG_AUGE = 3 };
#define GN_CPG_NPOP 4
/* State vector: v1..v4 (mV), h (NaP inactivation of pre-I), m2..m4
 * (adaptation of early-I, post-I, aug-E). */
#define GN_CPG_NSTATE 8
enum { GN_CPG_Y_V1 = 0, GN_CPG_Y_H = 4, GN_CPG_Y_M2 = 5 };

/* Every parameter of the authors' XPPAUT file (ModelDB 125529,
 * rubinetal_resp_cpg.ode), under the file's own names.  Units: pF, nS, mV,
 * ms; weights and drives are dimensionless.  Defaults give the three-phase
 * rhythm (gn_cpg_par_default). */
typedef struct {
    double C;                       /* membrane capacitance, pF */
    double gL, Eleak;               /* leak, nS / mV */
    double gsynE, EsynE;            /* excitatory synaptic conductance nS / reversal mV */
    double gsynI, EsynI;            /* inhibitory synaptic conductance nS / reversal mV */
    double EK, ENa;                 /* reversal potentials, mV */
    double V12n, kn, gKdr;          /* pre-I delayed rectifier: half-activation mV, slope mV, nS */
    double V12mp, kmp;              /* NaP activation half/slope, mV */
    double V12hp, khp, tauhp, gNaP; /* NaP inactivation half/slope mV, max time constant ms, nS */
    double gAD;                     /* adaptation conductance, nS */
    double Tad2, Tad3, Tad4;        /* adaptation time constants (early-I, post-I, aug-E), ms */
    double Kad2, Kad3, Kad4;        /* adaptation gains */
    double V12outpute, Koutpute;    /* output of pre-I (excitatory): half mV, slope mV (<0) */
    double V12outputi, Koutputi;    /* output of inhibitory populations: half mV, slope mV (<0) */
    double a12;                     /* excitation pre-I -> early-I */
    double b23, b24;                /* inhibition early-I -> post-I, aug-E */
    double b31, b32, b34;           /* inhibition post-I -> pre-I, early-I, aug-E */
    double b41, b42, b43;           /* inhibition aug-E -> pre-I, early-I, post-I */
    double Drive1, Drive2, Drive3;  /* tonic drives: pons, RTN/BotC, raphe/medulla */
    double c11, c12, c13, c14;      /* weights of Drive1 onto pre-I, early-I, post-I, aug-E */
    double c21, c22, c24;           /* weights of Drive2 onto pre-I, early-I, aug-E */
    double c31;                     /* weight of Drive3 onto pre-I */
    double drive;                   /* common scale of all three drives (1 = the file) */
} gn_cpg_par;

/* One row of the parameter table: name as in the .ode file, where it lives in
 * gn_cpg_par, its default, unit and meaning.  Bindings loop over this table
 * instead of naming parameters one by one. */
typedef struct {
    const char *name;
    size_t offset;        /* offsetof(gn_cpg_par, field) */
    double def;
    const char *unit;     /* "" for dimensionless */
    const char *desc;
    int kind;             /* GN_CPG_ANY, GN_CPG_POS (> 0), GN_CPG_NONNEG (>= 0), GN_CPG_NONZERO */
} gn_cpg_param;

enum { GN_CPG_ANY = 0, GN_CPG_POS = 1, GN_CPG_NONNEG = 2, GN_CPG_NONZERO = 3 };

extern const gn_cpg_param gn_cpg_params[];
extern const size_t gn_cpg_nparams;

/* Default initial state of the file: v = −60 mV, h = 0.35, m = 0. */
extern const double gn_cpg_y0_default[GN_CPG_NSTATE];
/* State names ("v1".."v4", "h", "m2".."m4") and population names. */
extern const char *const gn_cpg_state_names[GN_CPG_NSTATE];
extern const char *const gn_cpg_pop_names[GN_CPG_NPOP];

void gn_cpg_par_default(gn_cpg_par *p);
/* Pointer to the field called name, or NULL if there is none. */
double *gn_cpg_par_field(gn_cpg_par *p, const char *name);
/* Table row for name, or NULL. */
const gn_cpg_param *gn_cpg_param_find(const char *name);
/* Sets one parameter, checking name, finiteness and sign (a time constant or
 * conductance cannot be negative). */
int gn_cpg_par_set(gn_cpg_par *p, const char *name, double value, gn_err *err);
/* Checks every parameter as gn_cpg_par_set would. */
int gn_cpg_par_check(const gn_cpg_par *p, gn_err *err);

/* Output (activity) of population pop at voltage v, in [0, 1]. */
double gn_cpg_output(const gn_cpg_par *p, int pop, double v);
/* Right-hand side dy/dt (per ms) at state y.  Pure; never fails. */
void gn_cpg_rhs(const gn_cpg_par *p, const double y[GN_CPG_NSTATE],
                double dydt[GN_CPG_NSTATE]);

/* ---- integration ---------------------------------------------------------
 * A gn_cpg owns the parameters, the state (y, t) and a GSL odeiv2 driver.
 * Integration is init (alloc/reset) / iterate (gn_cpg_advance) so callers
 * can redraw and honour Ctrl-C between samples. */
typedef struct gn_cpg gn_cpg;

/* Tightest tolerance accepted (rtol; atol may be 1000 times smaller), and
 * the most ODE steps one advance may take before it gives up. */
#define GN_CPG_TOL_MIN 1e-14
#define GN_CPG_MAX_STEPS 10000000UL

/* method: "rkf45", "rkck", "rk8pd", "rk2", "rk4", "rk4imp", "bsimp",
 * "msadams", "msbdf" (NULL: "rk8pd").  rtol 0 or in [GN_CPG_TOL_MIN, 1],
 * atol 0 or in [GN_CPG_TOL_MIN/1000, 1000], not both 0.  The
 * stiff methods (bsimp, msbdf, rk*imp) use a finite-difference Jacobian. */
gn_cpg *gn_cpg_alloc(const gn_cpg_par *p, const char *method, double rtol,
                     double atol, gn_err *err);
void gn_cpg_free(gn_cpg *c);

const gn_cpg_par *gn_cpg_get_par(const gn_cpg *c);
/* Replaces the parameters (checked); the state is kept. */
int gn_cpg_set_par(gn_cpg *c, const gn_cpg_par *p, gn_err *err);
/* Current time (ms since the last reset) and state (copied to y). */
double gn_cpg_time(const gn_cpg *c);
void gn_cpg_state(const gn_cpg *c, double y[GN_CPG_NSTATE]);
/* Sets t = 0 and y = y0 (NULL: gn_cpg_y0_default); y0 must be finite. */
int gn_cpg_reset(gn_cpg *c, const double *y0, gn_err *err);

/* Iterate: integrates from the current time to t1 (> current time).
 * GN_ENUM if the solver fails (step size underflow, non-finite state, more
 * than GN_CPG_MAX_STEPS steps). */
int gn_cpg_advance(gn_cpg *c, double t1, gn_err *err);

/* Convenience loop: steps samples, one every dt ms, from the current state.
 * Row k (0-based) of t (steps), V (steps×4) and out (steps×4, row-major;
 * any may be NULL) holds the time and state after k+1 samples.  Polls
 * cancel between ODE steps (GN_EINTR: rows done so far are valid, *done says
 * how many).  dt must be finite and > 0. */
int gn_cpg_run(gn_cpg *c, size_t steps, double dt, double *t, double *V,
               double *out, size_t *done, gn_cancel cancel, gn_err *err);

/* ---- burst analysis (cpg_phase.c) ----------------------------------------
 * Onsets are upward crossings of thr_on after the signal has been below
 * thr_off (hysteresis, thr_off <= thr_on) — a burst counts once however
 * noisy its plateau.  The onset time is interpolated linearly between
 * samples.  Signals are x[i*stride], times t[i], i < n (t increasing).
 * Writes at most max onsets; returns how many were found in total. */
size_t gn_burst_onsets(const double *t, const double *x, size_t n, size_t stride,
                       double thr_on, double thr_off, double *onsets, size_t max);

/* Rhythm of npop signals (columns of x, row-major n×npop, npop <= 16).
 * Populations burst at very different amplitudes (post-I and aug-E outputs
 * stay well below 1 in the three-phase state), so thresholds are relative:
 * signal j's onset threshold is lo_j + on·(hi_j − lo_j), its re-arming
 * threshold lo_j + off·(hi_j − lo_j), with lo_j, hi_j its range after skip.
 * A signal whose range is below min_range is silent. */
typedef struct {
    double period;        /* median interval between onsets of ref (NaN: < 2 onsets) */
    int ref;              /* population used as phase reference (-1: none bursts twice) */
    double phase[16];     /* circular mean onset phase in [0,1) after ref's onset (NaN: silent) */
    double duty[16];      /* fraction of whole reference cycles spent above the onset threshold */
    double lo[16], hi[16];/* range of each signal after skip */
    double thr[16];       /* absolute onset threshold used per signal (NaN: silent) */
    size_t nonsets[16];   /* onsets found per population */
    int order[16];        /* the nactive bursting populations by phase, then the others */
    int nactive;          /* signals with an onset in at least half the reference cycles */
    int bursts[16];       /* 1: this signal counts in nactive (it bursts) */
} gn_rhythm;

/* ref: preferred reference population (falls back to the first one with at
 * least two onsets).  skip: time (same units as t) ignored at the start, to
 * let transients settle.  on, off in [0,1] with off <= on.  GN_EINVAL on bad
 * sizes, thresholds, NaN or non-increasing times. */
int gn_rhythm_analyse(const double *t, const double *x, size_t n, size_t npop,
                      double on, double off, double min_range, int ref, double skip,
                      gn_rhythm *r, gn_err *err);

#endif
