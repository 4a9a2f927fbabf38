/* cpg.c — Rubin et al. 2009 respiratory CPG: parameters, right-hand side and
 * adaptive GSL integration. */
#include "cpg.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

/* Parameter table.  Names and defaults are those of the authors' XPPAUT file
 * (ModelDB 125529, rubinetal_resp_cpg.ode, "parameters/initial conditions
 * set to give 3-phase rhythm"); `drive` is ours: a common factor on the
 * three drives, 1 reproduces the file.  The file's nf, sdum1..4 and edum
 * (1, 0, 0) are left out: their use in the equations was not visible. */
#define P(name, def, unit, kind, desc) \
    { #name, offsetof(gn_cpg_par, name), def, unit, desc, kind }
const gn_cpg_param gn_cpg_params[] = {
    P(C,          20,    "pF", GN_CPG_POS,     "membrane capacitance (all populations)"),
    P(gL,         2.8,   "nS", GN_CPG_NONNEG,  "leak conductance"),
    P(Eleak,      -60,   "mV", GN_CPG_ANY,     "leak reversal potential"),
    P(gsynE,      10,    "nS", GN_CPG_NONNEG,  "maximal excitatory synaptic conductance"),
    P(EsynE,      0,     "mV", GN_CPG_ANY,     "excitatory synaptic reversal potential"),
    P(gsynI,      60,    "nS", GN_CPG_NONNEG,  "maximal inhibitory synaptic conductance"),
    P(EsynI,      -75,   "mV", GN_CPG_ANY,     "inhibitory synaptic reversal potential"),
    P(EK,         -85,   "mV", GN_CPG_ANY,     "potassium reversal potential (Kdr, adaptation)"),
    P(ENa,        50,    "mV", GN_CPG_ANY,     "sodium reversal potential (NaP)"),
    P(V12n,       -29,   "mV", GN_CPG_ANY,     "pre-I delayed rectifier half-activation"),
    P(kn,         -4,    "mV", GN_CPG_NONZERO, "pre-I delayed rectifier slope (negative: activates with V)"),
    P(gKdr,       5,     "nS", GN_CPG_NONNEG,  "pre-I delayed rectifier conductance (I = gKdr n^4 (V-EK))"),
    P(V12mp,      -40,   "mV", GN_CPG_ANY,     "NaP activation half-voltage"),
    P(kmp,        -6,    "mV", GN_CPG_NONZERO, "NaP activation slope"),
    P(V12hp,      -48,   "mV", GN_CPG_ANY,     "NaP inactivation half-voltage"),
    P(khp,        6,     "mV", GN_CPG_NONZERO, "NaP inactivation slope"),
    P(tauhp,      6000,  "ms", GN_CPG_POS,     "NaP inactivation maximal time constant"),
    P(gNaP,       5,     "nS", GN_CPG_NONNEG,  "persistent sodium conductance of pre-I"),
    P(gAD,        10,    "nS", GN_CPG_NONNEG,  "adaptation conductance (early-I, post-I, aug-E)"),
    P(Tad2,       2000,  "ms", GN_CPG_POS,     "adaptation time constant, early-I"),
    P(Tad3,       1000,  "ms", GN_CPG_POS,     "adaptation time constant, post-I"),
    P(Tad4,       2000,  "ms", GN_CPG_POS,     "adaptation time constant, aug-E"),
    P(Kad2,       0.9,   "",   GN_CPG_NONNEG,  "adaptation gain, early-I"),
    P(Kad3,       1.3,   "",   GN_CPG_NONNEG,  "adaptation gain, post-I"),
    P(Kad4,       0.9,   "",   GN_CPG_NONNEG,  "adaptation gain, aug-E"),
    P(V12outpute, -30,   "mV", GN_CPG_ANY,     "output half-voltage, pre-I"),
    P(Koutpute,   -8,    "mV", GN_CPG_NONZERO, "output slope, pre-I (negative: output rises with V)"),
    P(V12outputi, -30,   "mV", GN_CPG_ANY,     "output half-voltage, early-I/post-I/aug-E"),
    P(Koutputi,   -4,    "mV", GN_CPG_NONZERO, "output slope, early-I/post-I/aug-E"),
    P(a12,        0.4,   "",   GN_CPG_NONNEG,  "excitation pre-I -> early-I"),
    P(b23,        0.25,  "",   GN_CPG_NONNEG,  "inhibition early-I -> post-I"),
    P(b24,        0.35,  "",   GN_CPG_NONNEG,  "inhibition early-I -> aug-E"),
    P(b31,        0.3,   "",   GN_CPG_NONNEG,  "inhibition post-I -> pre-I"),
    P(b32,        0.05,  "",   GN_CPG_NONNEG,  "inhibition post-I -> early-I"),
    P(b34,        0.35,  "",   GN_CPG_NONNEG,  "inhibition post-I -> aug-E"),
    P(b41,        0.2,   "",   GN_CPG_NONNEG,  "inhibition aug-E -> pre-I"),
    P(b42,        0.35,  "",   GN_CPG_NONNEG,  "inhibition aug-E -> early-I"),
    P(b43,        0.1,   "",   GN_CPG_NONNEG,  "inhibition aug-E -> post-I"),
    P(Drive1,     1,     "",   GN_CPG_NONNEG,  "tonic drive 1 (pons); 0 mimics the pontine transection"),
    P(Drive2,     1,     "",   GN_CPG_NONNEG,  "tonic drive 2 (RTN/BotC level)"),
    P(Drive3,     1,     "",   GN_CPG_NONNEG,  "tonic drive 3 (raphe/medulla), reaches pre-I only"),
    P(c11,        0.115, "",   GN_CPG_NONNEG,  "weight of Drive1 onto pre-I"),
    P(c12,        0.3,   "",   GN_CPG_NONNEG,  "weight of Drive1 onto early-I"),
    P(c13,        0.63,  "",   GN_CPG_NONNEG,  "weight of Drive1 onto post-I"),
    P(c14,        0.33,  "",   GN_CPG_NONNEG,  "weight of Drive1 onto aug-E"),
    P(c21,        0.07,  "",   GN_CPG_NONNEG,  "weight of Drive2 onto pre-I"),
    P(c22,        0.3,   "",   GN_CPG_NONNEG,  "weight of Drive2 onto early-I"),
    P(c24,        0.4,   "",   GN_CPG_NONNEG,  "weight of Drive2 onto aug-E"),
    P(c31,        0.025, "",   GN_CPG_NONNEG,  "weight of Drive3 onto pre-I"),
    P(drive,      1,     "",   GN_CPG_NONNEG,  "common scale of Drive1..3 (not in the file; 1 = as published)"),
};
#undef P
const size_t gn_cpg_nparams = sizeof gn_cpg_params / sizeof gn_cpg_params[0];

const double gn_cpg_y0_default[GN_CPG_NSTATE] = { -60, -60, -60, -60, 0.35, 0, 0, 0 };
const char *const gn_cpg_state_names[GN_CPG_NSTATE] = {
    "v1", "v2", "v3", "v4", "h", "m2", "m3", "m4" };
const char *const gn_cpg_pop_names[GN_CPG_NPOP] = { "pre-I", "early-I", "post-I", "aug-E" };

static double *field(gn_cpg_par *p, const gn_cpg_param *row)
{
    return (double *)((char *)p + row->offset);
}

void gn_cpg_par_default(gn_cpg_par *p)
{
    for (size_t i = 0; i < gn_cpg_nparams; i++)
        *field(p, &gn_cpg_params[i]) = gn_cpg_params[i].def;
}

const gn_cpg_param *gn_cpg_param_find(const char *name)
{
    for (size_t i = 0; name && i < gn_cpg_nparams; i++)
        if (strcmp(gn_cpg_params[i].name, name) == 0)
            return &gn_cpg_params[i];
    return NULL;
}

double *gn_cpg_par_field(gn_cpg_par *p, const char *name)
{
    const gn_cpg_param *row = gn_cpg_param_find(name);
    return row ? field(p, row) : NULL;
}

static int check_value(const gn_cpg_param *row, double v, gn_err *err)
{
    if (!isfinite(v))
        return gn_fail(err, GN_EINVAL, "parameter '%s' must be a finite number, got %g", row->name, v);
    switch (row->kind) {
    case GN_CPG_POS:
        if (!(v > 0))
            return gn_fail(err, GN_EINVAL, "parameter '%s' (%s) must be > 0, got %g",
                           row->name, row->desc, v);
        break;
    case GN_CPG_NONNEG:
        if (v < 0)
            return gn_fail(err, GN_EINVAL, "parameter '%s' (%s) must be >= 0, got %g",
                           row->name, row->desc, v);
        break;
    case GN_CPG_NONZERO:
        if (v == 0)
            return gn_fail(err, GN_EINVAL, "parameter '%s' (%s) must be nonzero", row->name, row->desc);
        break;
    default:
        break;
    }
    return GN_OK;
}

int gn_cpg_par_set(gn_cpg_par *p, const char *name, double value, gn_err *err)
{
    const gn_cpg_param *row = gn_cpg_param_find(name);
    if (!row)
        return gn_fail(err, GN_EINVAL, "unknown parameter '%s'", name ? name : "(null)");
    int rc = check_value(row, value, err);
    if (rc)
        return rc;
    *field(p, row) = value;
    return GN_OK;
}

int gn_cpg_par_check(const gn_cpg_par *p, gn_err *err)
{
    for (size_t i = 0; i < gn_cpg_nparams; i++) {
        int rc = check_value(&gn_cpg_params[i], *field((gn_cpg_par *)p, &gn_cpg_params[i]), err);
        if (rc)
            return rc;
    }
    return GN_OK;
}

/* Boltzmann function 1/(1 + exp((v − half)/k)); a negative k gives an
 * increasing curve, as the file writes every activation. */
static double boltz(double v, double half, double k)
{
    return 1.0 / (1.0 + exp((v - half) / k));
}

double gn_cpg_output(const gn_cpg_par *p, int pop, double v)
{
    return pop == GN_CPG_PREI ? boltz(v, p->V12outpute, p->Koutpute)
                              : boltz(v, p->V12outputi, p->Koutputi);
}

/* Equations of Rubin et al. 2009.  The file's parameter block (names, values,
 * foute/fouti, ninf/mpinf/hpinf, initial state) was read; its equation lines
 * were not available, so what follows is reconstructed from the paper's model
 * description and those names — see the report and help("cpg"):
 *   C dV1/dt = −gNaP mp∞(V1) h (V1−ENa) − gKdr n∞(V1)^4 (V1−EK) − gL (V1−EL)
 *              − gsynE E1 (V1−EsynE) − gsynI I1 (V1−EsynI)
 *   dh/dt    = (hp∞(V1) − h) / τh(V1),  τh = tauhp / cosh((V1−V12hp)/(2 khp))
 *   C dVi/dt = −gAD mi (Vi−EK) − gL (Vi−EL) − gsynE Ei (Vi−EsynE) − gsynI Ii (Vi−EsynI)
 *   dmi/dt   = (Kadi f(Vi) − mi) / Tadi                       (i = 2, 3, 4)
 * with excitation Ei = Σ a_ji f(Vj) + Σ c_ki Drive_k and inhibition
 * Ii = Σ b_ji f(Vj).  Weights are magnitudes: inhibition inhibits because
 * EsynI lies below V, not because b is negative. */
void gn_cpg_rhs(const gn_cpg_par *p, const double y[GN_CPG_NSTATE], double dydt[GN_CPG_NSTATE])
{
    const double v1 = y[0], v2 = y[1], v3 = y[2], v4 = y[3];
    const double h = y[4], m2 = y[5], m3 = y[6], m4 = y[7];
    const double f1 = gn_cpg_output(p, 0, v1), f2 = gn_cpg_output(p, 1, v2);
    const double f3 = gn_cpg_output(p, 2, v3), f4 = gn_cpg_output(p, 3, v4);
    const double d1 = p->drive * p->Drive1, d2 = p->drive * p->Drive2, d3 = p->drive * p->Drive3;

    const double e1 = p->c11 * d1 + p->c21 * d2 + p->c31 * d3;
    const double e2 = p->a12 * f1 + p->c12 * d1 + p->c22 * d2;
    const double e3 = p->c13 * d1;
    const double e4 = p->c14 * d1 + p->c24 * d2;
    const double i1 = p->b31 * f3 + p->b41 * f4;
    const double i2 = p->b32 * f3 + p->b42 * f4;
    const double i3 = p->b23 * f2 + p->b43 * f4;
    const double i4 = p->b24 * f2 + p->b34 * f3;

    const double n = boltz(v1, p->V12n, p->kn);
    const double inap = p->gNaP * boltz(v1, p->V12mp, p->kmp) * h * (v1 - p->ENa);
    const double ik = p->gKdr * n * n * n * n * (v1 - p->EK);
    dydt[0] = -(inap + ik + p->gL * (v1 - p->Eleak) + p->gsynE * e1 * (v1 - p->EsynE)
                + p->gsynI * i1 * (v1 - p->EsynI)) / p->C;
    const double tauh = p->tauhp / cosh((v1 - p->V12hp) / (2 * p->khp));
    dydt[4] = (boltz(v1, p->V12hp, p->khp) - h) / tauh;

    const double v[3] = { v2, v3, v4 }, m[3] = { m2, m3, m4 };
    const double e[3] = { e2, e3, e4 }, in[3] = { i2, i3, i4 };
    const double f[3] = { f2, f3, f4 };
    const double kad[3] = { p->Kad2, p->Kad3, p->Kad4 }, tad[3] = { p->Tad2, p->Tad3, p->Tad4 };
    for (int k = 0; k < 3; k++) {
        dydt[1 + k] = -(p->gAD * m[k] * (v[k] - p->EK) + p->gL * (v[k] - p->Eleak)
                        + p->gsynE * e[k] * (v[k] - p->EsynE)
                        + p->gsynI * in[k] * (v[k] - p->EsynI)) / p->C;
        dydt[5 + k] = (kad[k] * f[k] - m[k]) / tad[k];
    }
}

/* ---- integration ---------------------------------------------------------- */

struct gn_cpg {
    gn_cpg_par par;
    double y[GN_CPG_NSTATE];
    double t;                          /* ms since reset */
    gsl_odeiv2_system sys;
    gsl_odeiv2_driver *drv;
};

static int sys_func(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    gn_cpg_rhs(params, y, dydt);
    for (int i = 0; i < GN_CPG_NSTATE; i++)
        if (!isfinite(dydt[i]))
            return GSL_EBADFUNC;
    return GSL_SUCCESS;
}

/* Central-difference Jacobian for the implicit steppers: eight states make
 * sixteen RHS calls, cheap next to the risk of a hand-derived one drifting
 * from gn_cpg_rhs when someone edits the equations. */
static int sys_jac(double t, const double y[], double *dfdy, double dfdt[], void *params)
{
    (void)t;
    double yp[GN_CPG_NSTATE], fp[GN_CPG_NSTATE], fm[GN_CPG_NSTATE];
    memcpy(yp, y, sizeof yp);
    for (int j = 0; j < GN_CPG_NSTATE; j++) {
        const double hj = 1e-6 * (fabs(y[j]) > 1 ? fabs(y[j]) : 1);
        yp[j] = y[j] + hj;
        gn_cpg_rhs(params, yp, fp);
        yp[j] = y[j] - hj;
        gn_cpg_rhs(params, yp, fm);
        yp[j] = y[j];
        for (int i = 0; i < GN_CPG_NSTATE; i++)
            dfdy[i * GN_CPG_NSTATE + j] = (fp[i] - fm[i]) / (2 * hj);
    }
    for (int i = 0; i < GN_CPG_NSTATE; i++)
        dfdt[i] = 0;   /* autonomous */
    return GSL_SUCCESS;
}

static const struct { const char *name; const gsl_odeiv2_step_type *const *type; } methods[] = {
    { "rkf45", &gsl_odeiv2_step_rkf45 },   { "rkck", &gsl_odeiv2_step_rkck },
    { "rk8pd", &gsl_odeiv2_step_rk8pd },   { "rk2", &gsl_odeiv2_step_rk2 },
    { "rk4", &gsl_odeiv2_step_rk4 },       { "rk4imp", &gsl_odeiv2_step_rk4imp },
    { "bsimp", &gsl_odeiv2_step_bsimp },   { "msadams", &gsl_odeiv2_step_msadams },
    { "msbdf", &gsl_odeiv2_step_msbdf },
};

gn_cpg *gn_cpg_alloc(const gn_cpg_par *p, const char *method, double rtol, double atol, gn_err *err)
{
    const gsl_odeiv2_step_type *type = NULL;
    if (!method)
        method = "rk8pd";
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, method) == 0)
            type = *methods[i].type;
    if (!type) {
        gn_fail(err, GN_EINVAL, "method must be one of rkf45, rkck, rk8pd, rk2, rk4, rk4imp, "
                "bsimp, msadams, msbdf; got '%s'", method);
        return NULL;
    }
    if (!isfinite(rtol) || rtol < 0 || rtol > 1 || (rtol > 0 && rtol < GN_CPG_TOL_MIN)) {
        gn_fail(err, GN_EINVAL, "rtol must be 0 or in [%g, 1] (double precision cannot meet a "
                "tighter relative tolerance), got %g", GN_CPG_TOL_MIN, rtol);
        return NULL;
    }
    if (!isfinite(atol) || atol < 0 || atol > 1e3 || (atol > 0 && atol < GN_CPG_TOL_MIN * 1e-3)) {
        gn_fail(err, GN_EINVAL, "atol must be 0 or in [%g, 1000] (states are mV and gating "
                "fractions), got %g", GN_CPG_TOL_MIN * 1e-3, atol);
        return NULL;
    }
    if (rtol == 0 && atol == 0) {
        gn_fail(err, GN_EINVAL, "rtol and atol cannot both be 0");
        return NULL;
    }
    if (gn_cpg_par_check(p, err))
        return NULL;
    gn_cpg *c = calloc(1, sizeof *c);
    if (!c) {
        gn_fail(err, GN_ENOMEM, "out of memory allocating the CPG");
        return NULL;
    }
    c->par = *p;
    memcpy(c->y, gn_cpg_y0_default, sizeof c->y);
    c->sys = (gsl_odeiv2_system){ sys_func, sys_jac, GN_CPG_NSTATE, &c->par };
    /* First trial step 0.1 ms: below the fastest membrane time constant
     * (~C/Σg ≈ 0.3 ms when inhibition is full), so no step is rejected at
     * the start; the controller grows it from there. */
    c->drv = gsl_odeiv2_driver_alloc_y_new(&c->sys, type, 0.1, atol, rtol);
    if (!c->drv) {
        free(c);
        gn_fail(err, GN_ENOMEM, "out of memory allocating the ODE driver");
        return NULL;
    }
    return c;
}

void gn_cpg_free(gn_cpg *c)
{
    if (!c)
        return;
    gsl_odeiv2_driver_free(c->drv);
    free(c);
}

const gn_cpg_par *gn_cpg_get_par(const gn_cpg *c) { return &c->par; }

int gn_cpg_set_par(gn_cpg *c, const gn_cpg_par *p, gn_err *err)
{
    int rc = gn_cpg_par_check(p, err);
    if (rc)
        return rc;
    c->par = *p;
    gsl_odeiv2_driver_reset(c->drv);   /* multistep history is stale */
    return GN_OK;
}

double gn_cpg_time(const gn_cpg *c) { return c->t; }

void gn_cpg_state(const gn_cpg *c, double y[GN_CPG_NSTATE])
{
    memcpy(y, c->y, sizeof c->y);
}

int gn_cpg_reset(gn_cpg *c, const double *y0, gn_err *err)
{
    if (!y0)
        y0 = gn_cpg_y0_default;
    for (int i = 0; i < GN_CPG_NSTATE; i++)
        if (!isfinite(y0[i]))
            return gn_fail(err, GN_EINVAL, "initial state %s must be finite, got %g",
                           gn_cpg_state_names[i], y0[i]);
    memcpy(c->y, y0, sizeof c->y);
    c->t = 0;
    gsl_odeiv2_driver_reset(c->drv);
    gsl_odeiv2_driver_reset_hstart(c->drv, 0.1);
    return GN_OK;
}

/* gsl_odeiv2_driver_apply, step by step, so that the stop flag is seen
 * between ODE steps (a tight tolerance can take millions of steps between
 * two samples) and the number of steps per call is bounded. */
static int advance(gn_cpg *c, double t1, const gn_cancel *cancel, gn_err *err)
{
    if (!isfinite(t1) || !(t1 > c->t))
        return gn_fail(err, GN_EINVAL, "target time must be finite and after %g ms, got %g", c->t, t1);
    double t = c->t, y[GN_CPG_NSTATE];
    memcpy(y, c->y, sizeof y);
    gsl_odeiv2_driver *d = c->drv;
    int s = GSL_SUCCESS;
    unsigned long nsteps = 0;
    while (t < t1) {
        /* every 64 steps: polls are counted for replay, keep them few */
        if ((nsteps & 63) == 63 && gn_cancel_check(cancel)) {
            memcpy(c->y, y, sizeof y);   /* a consistent state at time t */
            c->t = t;
            return gn_fail(err, GN_EINTR, "interrupted at t = %.6g ms", t);
        }
        if (++nsteps > GN_CPG_MAX_STEPS) {
            gsl_odeiv2_driver_reset(d);
            return gn_fail(err, GN_ENUM, "ODE solver took more than %lu steps between t = %.6g "
                           "and %.6g ms; loosen rtol/atol or use a stiff method (method=\"msbdf\")",
                           (unsigned long)GN_CPG_MAX_STEPS, c->t, t1);
        }
        s = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, d->sys, &t, t1, &d->h, y);
        if (s != GSL_SUCCESS) break;
        if (!(d->h > 0) || t + d->h == t) { s = GSL_ENOPROG; break; }
    }
    if (s != GSL_SUCCESS) {
        /* Keep the last good state so the caller can inspect it. */
        gsl_odeiv2_driver_reset(c->drv);
        return gn_fail(err, GN_ENUM, "ODE solver failed at t = %.6g ms (%s); try a stiff method "
                       "(method=\"msbdf\") or looser tolerances", t, gsl_strerror(s));
    }
    memcpy(c->y, y, sizeof y);
    c->t = t1;
    return GN_OK;
}

int gn_cpg_advance(gn_cpg *c, double t1, gn_err *err)
{
    return advance(c, t1, NULL, err);
}

int gn_cpg_run(gn_cpg *c, size_t steps, double dt, double *t, double *V, double *out,
               size_t *done, gn_cancel cancel, gn_err *err)
{
    if (done)
        *done = 0;
    if (!isfinite(dt) || !(dt > 0))
        return gn_fail(err, GN_EINVAL, "dt must be finite and > 0 ms, got %g", dt);
    const double t0 = c->t;
    for (size_t k = 0; k < steps; k++) {
        if (gn_cancel_check(&cancel))
            return gn_fail(err, GN_EINTR, "interrupted after %zu of %zu samples", k, steps);
        /* From t0, not by accumulation, so sample times carry no drift. */
        int rc = advance(c, t0 + (double)(k + 1) * dt, &cancel, err);
        if (rc)
            return rc;
        if (t)
            t[k] = c->t;
        for (int i = 0; i < GN_CPG_NPOP; i++) {
            if (V)
                V[k * GN_CPG_NPOP + i] = c->y[i];
            if (out)
                out[k * GN_CPG_NPOP + i] = gn_cpg_output(&c->par, i, c->y[i]);
        }
        if (done)
            *done = k + 1;
    }
    return GN_OK;
}
