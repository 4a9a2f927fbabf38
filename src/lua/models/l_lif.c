/* l_lif.c — Lua binding of the LIF population: lif{...}, pop:run{...}, and a
 * compact spike list userdata for large runs. */
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lif.h"

#define LIF_MT "ganglion.lif"
#define SPIKES_MT "ganglion.spikes"

/* Above this many spikes run{} returns the compact userdata instead of a
 * table of {t=,i=} tables (~100 bytes each in Lua). */
#define SPIKES_TABLE_MAX 200000
/* Default V recording is skipped above this many doubles (80 MB). */
#define VREC_DEFAULT_MAX 10000000.0

typedef struct { gn_lif *pop; } lg_lif;

typedef struct {
    size_t count;
    double dt;          /* ms per step */
    uint32_t *step;     /* owned */
    uint32_t *neuron;   /* owned, 0-based */
} lg_spikes;

/* ---- options ------------------------------------------------------------------
 * lif{...}: the cell parameters go straight into gn_lif_params (defaults from
 * gn_lif_params_default, checked again by gn_lif_params_check, which also
 * knows that vth must exceed vrest); `p` comes first so that an option's
 * offset is also its offset in the population's own parameters, which makes
 * the parameters fields (pop.taum, pop.taum = 20) through the same table.
 * To add a cell parameter: a member in gn_lif_params (lif.h) with its
 * default, and one line here. */
typedef struct {
    gn_lif_params p;
    size_t n, inputs;
    double w_in, p_in, prec, wrec, frec;
    int threads;
} lif_opts;
_Static_assert(offsetof(lif_opts, p) == 0, "parameters first: their offsets are shared");

#define LO lif_opts
#define KF (LG_OPT_KEEP | LG_OPT_FIELD)
static const lg_opt lif_decl[] = {
    LG_SIZE("n", LO, n, 1, HUGE_VAL, 0, LG_OPT_REQUIRED, "number of neurons"),
    LG_SIZE("inputs", LO, inputs, 0, 10000000, 0, 0, "input channels (spike trains)"),
    LG_NUM("vrest", LO, p.vrest, -HUGE_VAL, HUGE_VAL, 0, KF, "resting and reset potential, mV"),
    LG_NUM("vth", LO, p.vth, -HUGE_VAL, HUGE_VAL, 0, KF, "threshold, mV (above vrest)"),
    LG_NUM("taum", LO, p.taum, 0, HUGE_VAL, 0, KF | LG_OPT_GT, "membrane time constant, ms"),
    LG_NUM("tref", LO, p.tref, 0, HUGE_VAL, 0, KF, "absolute refractory period, ms"),
    LG_NUM("tau_ampa", LO, p.tau_ampa, 0, HUGE_VAL, 0, KF | LG_OPT_GT, "AMPA current decay, ms"),
    LG_NUM("tau_nmda", LO, p.tau_nmda, 0, HUGE_VAL, 0, KF | LG_OPT_GT, "NMDA current decay, ms"),
    LG_NUM("tau_inh", LO, p.tau_inh, 0, HUGE_VAL, 0, KF | LG_OPT_GT, "global inhibition filter, ms"),
    LG_NUM("R", LO, p.R, 0, HUGE_VAL, 0, KF | LG_OPT_GT, "input resistance, MOhm"),
    LG_NUM("g_inh", LO, p.g_inh, 0, HUGE_VAL, 0, KF, "global inhibition, mV per Hz of population rate"),
    LG_NUM("mg", LO, p.mg, 0, HUGE_VAL, 0, KF, "extracellular Mg2+, mM (NMDA block)"),
    LG_VALUE("W", 0, "n x inputs input weights, nA (instead of w_in/p_in)"),
    LG_NUM("w_in", LO, w_in, -HUGE_VAL, HUGE_VAL, 0.05, 0, "weight of each random input synapse, nA"),
    LG_NUM("p_in", LO, p_in, 0, 1, 1, 0, "probability of each input synapse"),
    LG_VALUE("f_nmda", 0, "NMDA fraction of input synapses: a number or one per input"),
    LG_NUM("p", LO, prec, 0, 1, 0, 0, "probability of each recurrent synapse (no self-connections)"),
    LG_NUM("w", LO, wrec, -HUGE_VAL, HUGE_VAL, 0.01, 0, "weight of each random recurrent synapse, nA"),
    LG_NUM("f_nmda_rec", LO, frec, 0, 1, 0, 0, "NMDA fraction of recurrent synapses"),
    LG_VALUE("W_rec", 0, "n x n recurrent weights, nA (instead of p/w)"),
    LG_INT("threads", LO, threads, 0, GN_LIF_MAX_THREADS, 0, LG_OPT_FIELD, "worker threads, 0: automatic"),
    LG_OPT_END
};
#undef LO

/* pop:run{...}. */
typedef struct {
    double T, dt;
    int threads, keep_state, spikes;   /* spikes: SPIKES_AUTO, _TABLE or _COMPACT */
} run_opts;
enum { SPIKES_AUTO, SPIKES_TABLE, SPIKES_COMPACT };

#define RO run_opts
static const lg_opt run_decl[] = {
    LG_NUM("T", RO, T, 0, HUGE_VAL, 0, LG_OPT_REQUIRED | LG_OPT_GT, "duration, ms"),
    LG_NUM("dt", RO, dt, 0, HUGE_VAL, 0.1, LG_OPT_GT, "time step, ms"),
    LG_VALUE("I", 0, "external current, nA: a number, an n-vector or a steps x n matrix"),
    LG_VALUE("rates", 0, "Poisson input rates, Hz: a number or one per input"),
    LG_VALUE("input_spikes", 0, "input spikes: a list of {t=, i=} or a compact spike list"),
    LG_VALUE("record", 0, "record V: true, false or a list of neurons (default: if <= 1e7 values)"),
    LG_CHOICE("spikes", RO, spikes, "auto|table|compact", "spike list form (auto: compact above 200000)"),
    LG_BOOL("keep_state", RO, keep_state, 0, "start from the current state instead of V0"),
    LG_VALUE("V0", 0, "initial V, mV: a number or an n-vector (default vrest)"),
    LG_INT("threads", RO, threads, 0, GN_LIF_MAX_THREADS, 0, 0, "threads for this run, 0: the population's"),
    LG_OPT_END
};
#undef RO
#undef KF

static gn_lif *checklif(lua_State *L, int idx)
{
    lg_lif *u = luaL_checkudata(L, idx, LIF_MT);
    if (!u->pop) luaL_argerror(L, idx, "lif population has been freed");
    return u->pop;
}

/* Contiguous copy of a matrix's data when it has padding (tda != cols). */
static const double *matrix_data(lua_State *L, const gsl_matrix *m)
{
    if (m->tda == m->size2) return m->data;
    gsl_matrix *c = lg_newmatrix(L, m->size1, m->size2);
    gsl_matrix_memcpy(c, m);
    return c->data;
}

/* t[key] as `len` values in a buffer owned by a userdata left on the stack:
 * a number (def when absent) or a vector of length len. */
static double *number_or_vector(lua_State *L, int t, const char *key, size_t len, double def,
                                const char *fn)
{
    double *out = lua_newuserdatauv(L, (len ? len : 1) * sizeof *out, 0);
    gsl_vector_view v = gsl_vector_view_array(out, len);
    if (lua_getfield(L, t, key) == LUA_TNIL) gsl_vector_set_all(&v.vector, def);
    else lg_readvector(L, -1, &v.vector, LG_VEC_SCALAR, fn, key);
    lua_pop(L, 1);
    return out;
}

/* ---- construction ------------------------------------------------------------- */
static void lif_defaults_into(lif_opts *o)
{
    lg_opt_defaults(lif_decl, o);
    gn_lif_params_default(&o->p);
}

static void free_csr(void *s) { gn_lif_csr_free(*(gn_lif_csr **)s); }

/* A dense weight field (W: n x inputs, W_rec: n x n) as connectivity, or
 * NULL when absent.  The result is boxed on the stack until handed on. */
static gn_lif_csr **dense_field(lua_State *L, const char *key, const char *shape, size_t rows, size_t cols)
{
    gsl_matrix *W = lg_optmatrixfield(L, 1, key);
    if (!W) return NULL;
    if (W->size1 != cols || W->size2 != rows)
        lg_errorf(L, "lif: %s must be %s = %zux%zu, got %zux%zu", key, shape, cols, rows, W->size1, W->size2);
    lg_checkfinite(L, W, "lif", key);
    const double *data = matrix_data(L, W);
    gn_lif_csr **c = lg_newbox(L, sizeof *c, free_csr);
    gn_err e = {0};
    if (!(*c = gn_lif_csr_from_dense(rows, cols, data, &e))) lg_coreerror(L, "lif", &e);
    return c;
}

/* Input and recurrent synapses of a new population (options at 1). */
static void lif_connect(lua_State *L, gn_lif *pop, const lif_opts *o)
{
    gn_err e = {0};
    size_t n = o->n, ni = o->inputs;
    if (ni > 0) {
        double *f = number_or_vector(L, 1, "f_nmda", ni, 0.0, "lif");
        gn_lif_csr **c = dense_field(L, "W", "n x inputs", ni, n);
        if (!c) {
            c = lg_newbox(L, sizeof *c, free_csr);
            if (!(*c = gn_lif_csr_random(ni, n, o->p_in, o->w_in, 0, lg_rng(L), &e))) lg_coreerror(L, "lif", &e);
        }
        gn_lif_csr *cc = *c;
        *c = NULL;   /* the setter owns it, also on failure */
        if (gn_lif_set_inputs(pop, cc, f, &e)) lg_coreerror(L, "lif", &e);
    } else if (lua_getfield(L, 1, "W") != LUA_TNIL) {
        lg_errorf(L, "lif: W given but inputs = 0");
    }
    gn_lif_csr **rc = dense_field(L, "W_rec", "n x n", n, n);
    if (!rc && o->prec > 0) {
        rc = lg_newbox(L, sizeof *rc, free_csr);
        if (!(*rc = gn_lif_csr_random(n, n, o->prec, o->wrec, 1, lg_rng(L), &e))) lg_coreerror(L, "lif", &e);
    }
    if (!rc) return;
    gn_lif_csr *cc = *rc;
    *rc = NULL;
    if (gn_lif_set_recurrent(pop, cc, o->frec, &e)) lg_coreerror(L, "lif", &e);
}

static int lif_new(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lif_opts o;
    lif_defaults_into(&o);
    lg_opt_read(L, 1, "lif", lif_decl, &o);
    if (o.n > 100000000) lg_errorf(L, "lif: n = %zu is too large", o.n);
    gn_err e = {0};
    if (gn_lif_params_check(&o.p, &e)) return lg_coreerror(L, "lif", &e);
    /* Userdata first so every later error leaves nothing leaked. */
    lg_lif *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->pop = NULL;
    luaL_setmetatable(L, LIF_MT);
    int ud = lua_gettop(L);
    if (!(u->pop = gn_lif_alloc(o.n, o.inputs, &o.p, &e)) && e.code == GN_ENOMEM && lg_reclaim(L))
        u->pop = gn_lif_alloc(o.n, o.inputs, &o.p, &e);
    if (!u->pop) return lg_coreerror(L, "lif", &e);
    u->pop->threads = o.threads;
    lif_connect(L, u->pop, &o);
    lua_pushvalue(L, ud);
    return 1;
}

/* ---- spikes userdata ---------------------------------------------------------------- */
static lg_spikes *checkspikes(lua_State *L, int idx) { return luaL_checkudata(L, idx, SPIKES_MT); }

static int spikes_gc(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    if (lg_gc_deferred(L, 1, s, sizeof *s)) return 0;
    free(s->step); free(s->neuron);
    s->step = s->neuron = NULL; s->count = 0;
    return 0;
}

static int spikes_len(lua_State *L) { lua_pushinteger(L, (lua_Integer)checkspikes(L, 1)->count); return 1; }

static int spikes_times(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    gsl_matrix *m = lg_newmatrix(L, s->count ? s->count : 1, 1);
    for (size_t k = 0; k < s->count; k++) m->data[k * m->tda] = s->step[k] * s->dt;
    if (!s->count) { lua_pop(L, 1); lua_newtable(L); }
    return 1;
}

static int spikes_neurons(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    gsl_matrix *m = lg_newmatrix(L, s->count ? s->count : 1, 1);
    for (size_t k = 0; k < s->count; k++) m->data[k * m->tda] = s->neuron[k] + 1.0;
    if (!s->count) { lua_pop(L, 1); lua_newtable(L); }
    return 1;
}

static int spikes_totable(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    lua_createtable(L, (int)s->count, 0);
    for (size_t k = 0; k < s->count; k++) {
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, s->step[k] * s->dt); lua_setfield(L, -2, "t");
        lua_pushinteger(L, (lua_Integer)s->neuron[k] + 1); lua_setfield(L, -2, "i");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static int spikes_index(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_Integer k = lua_tointeger(L, 2);
        if (k < 1 || (size_t)k > s->count) { lua_pushnil(L); return 1; }
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, s->step[k - 1] * s->dt); lua_setfield(L, -2, "t");
        lua_pushinteger(L, (lua_Integer)s->neuron[k - 1] + 1); lua_setfield(L, -2, "i");
        return 1;
    }
    const char *key = luaL_checkstring(L, 2);
    if (!strcmp(key, "count")) { lua_pushinteger(L, (lua_Integer)s->count); return 1; }
    luaL_getmetatable(L, SPIKES_MT);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, key);
    return 1;
}

static int spikes_tostring(lua_State *L)
{
    lg_spikes *s = checkspikes(L, 1);
    uint32_t nmax = 0, smin = UINT32_MAX, smax = 0;
    for (size_t k = 0; k < s->count; k++) {
        if (s->neuron[k] + 1 > nmax) nmax = s->neuron[k] + 1;
        if (s->step[k] < smin) smin = s->step[k];
        if (s->step[k] > smax) smax = s->step[k];
    }
    if (!s->count) lua_pushstring(L, "spikes: none");
    else lua_pushfstring(L, "spikes: %d spikes, neurons up to %d, t in [%f, %f] ms (compact; :times(), :neurons(), :totable())",
                         (int)s->count, (int)nmax, smin * s->dt, smax * s->dt);
    return 1;
}

/* ---- run ------------------------------------------------------------------------- */
static void run_progress(void *ud, size_t done, size_t total)
{
    lg_progress(ud, "lif", (double)done, (double)total, NULL);
}

static void free_sched(void *s) { gn_lif_sched_free(*(gn_lif_sched **)s); }
static void free_spikes(void *s) { gn_lif_spikes_free(s); }

/* One entry of an input_spikes list (at the top of the stack): time in ms
 * and 0-based channel. */
static void input_spike(lua_State *L, size_t k, size_t inputs, double *t, uint32_t *ch)
{
    if (lua_type(L, -1) != LUA_TTABLE) lg_errorf(L, "run: input_spikes[%zu] must be a table {t=, i=}", k + 1);
    if (lua_getfield(L, -1, "t") != LUA_TNUMBER) lg_errorf(L, "run: input_spikes[%zu].t must be a number (ms)", k + 1);
    *t = lua_tonumber(L, -1);
    int isint = 0;
    lua_getfield(L, -2, "i");
    lua_Integer i = lua_tointegerx(L, -1, &isint);
    if (!isint || i < 1 || (size_t)i > inputs)
        lg_errorf(L, "run: input_spikes[%zu].i must be an input index in 1..%zu", k + 1, inputs);
    *ch = (uint32_t)(i - 1);
    lua_pop(L, 2);
}

/* input_spikes at idx (a list {{t=,i=},...} or a compact spike list) as a
 * schedule, stored in the box *box. */
static void input_schedule(lua_State *L, int idx, const gn_lif *pop, size_t steps, double dt, gn_lif_sched **box)
{
    lg_spikes *cs = luaL_testudata(L, idx, SPIKES_MT);
    if (!cs && lua_type(L, idx) != LUA_TTABLE)
        lg_errorf(L, "run: input_spikes must be a list of {t=, i=} (got %s)", luaL_typename(L, idx));
    size_t count = cs ? cs->count : lua_rawlen(L, idx);
    double *t = lua_newuserdatauv(L, (count ? count : 1) * sizeof *t, 0);
    uint32_t *ch = lua_newuserdatauv(L, (count ? count : 1) * sizeof *ch, 0);
    for (size_t k = 0; k < count; k++) {
        if (cs) { t[k] = cs->step[k] * cs->dt; ch[k] = cs->neuron[k]; continue; }
        lua_rawgeti(L, idx, (lua_Integer)k + 1);
        input_spike(L, k, pop->inputs, &t[k], &ch[k]);
        lua_pop(L, 1);
    }
    gn_err e = {0};
    if (!(*box = gn_lif_sched_from_list(count, t, ch, pop->inputs, steps, dt, &e))) lg_coreerror(L, "run", &e);
}

/* rates= or input_spikes= (options at 2) as the run's input schedule. */
static const gn_lif_sched *run_inputs(lua_State *L, const gn_lif *pop, size_t steps, double dt)
{
    int has_rates = lua_getfield(L, 2, "rates") != LUA_TNIL;
    int has_list = lua_getfield(L, 2, "input_spikes") != LUA_TNIL;
    int list = lua_gettop(L);
    if (!has_rates && !has_list) return NULL;
    if (has_rates && has_list) lg_errorf(L, "run: give rates or input_spikes, not both");
    if (pop->inputs == 0) lg_errorf(L, "run: this population has no inputs (create it with lif{n=, inputs=})");
    gn_lif_sched **box = lg_newbox(L, sizeof *box, free_sched);
    if (has_list) {
        input_schedule(L, list, pop, steps, dt, box);
        return *box;
    }
    double *r = number_or_vector(L, 2, "rates", pop->inputs, 0, "run");
    gn_err e = {0};
    if (!(*box = gn_lif_sched_poisson(pop->inputs, r, steps, dt, lg_rng(L), &e))) lg_coreerror(L, "run", &e);
    return *box;
}

/* Steps of a run from T and dt, with dt checked against the time constants. */
static size_t run_steps(lua_State *L, const gn_lif *pop, const run_opts *ro)
{
    double stepsd = floor(ro->T / ro->dt + 0.5);
    if (stepsd < 1) lg_errorf(L, "run: T (%g ms) is shorter than one step dt (%g ms)", ro->T, ro->dt);
    if (stepsd > 4e9) lg_errorf(L, "run: T/dt = %g steps is too many", stepsd);
    const gn_lif_params *p = &pop->p;
    double tmin = fmin(fmin(p->taum, p->tau_ampa), fmin(p->tau_nmda, p->tau_inh));
    if (ro->dt > tmin)
        lg_errorf(L, "run: dt (%g ms) must not exceed the shortest time constant (%g ms)", ro->dt, tmin);
    return (size_t)stepsd;
}

/* I= (options at 2): a number, an n-vector or a steps x n matrix. */
static void run_current(lua_State *L, size_t n, gn_lif_run_opts *o)
{
    int ty = lua_getfield(L, 2, "I");
    if (ty == LUA_TNIL) return;
    if (ty == LUA_TNUMBER) {
        o->I_kind = GN_LIF_I_SCALAR;
        o->I0 = lua_tonumber(L, -1);
        if (!isfinite(o->I0)) lg_errorf(L, "run: I must be finite, got %g", o->I0);
        return;
    }
    gsl_matrix *Im = lg_optmatrixfield(L, 2, "I");
    lg_checkfinite(L, Im, "run", "I");
    if ((Im->size1 == n && Im->size2 == 1) || (Im->size1 == 1 && Im->size2 == n)) o->I_kind = GN_LIF_I_VECTOR;
    else if (Im->size1 == o->steps && Im->size2 == n) o->I_kind = GN_LIF_I_MATRIX;
    else
        lg_errorf(L, "run: I must be a number, an %zux1 vector or a %zux%zu (steps x n) matrix, got %zux%zu",
                  n, o->steps, n, Im->size1, Im->size2);
    o->I = matrix_data(L, Im);
}

/* V0= / keep_state= (options at 2): resets the population unless kept. */
static void run_initial(lua_State *L, gn_lif *pop, const run_opts *ro)
{
    if (ro->keep_state) return;
    const double *v0 = NULL;
    if (lua_getfield(L, 2, "V0") != LUA_TNIL) v0 = number_or_vector(L, 2, "V0", pop->n, pop->p.vrest, "run");
    lua_pop(L, 1);
    gn_lif_reset(pop, v0);
}

/* record= (options at 2): which neurons' V to record (o->rec_idx, o->nrec;
 * nrec = 0: none).  The index list lives in a userdata left on the stack. */
static void run_record(lua_State *L, size_t n, gn_lif_run_opts *o)
{
    int ty = lua_getfield(L, 2, "record");
    if (ty == LUA_TNIL || ty == LUA_TBOOLEAN) {
        int on = ty == LUA_TNIL ? (double)o->steps * (double)n <= VREC_DEFAULT_MAX : lua_toboolean(L, -1);
        o->nrec = on ? n : 0;
        return;
    }
    if (ty != LUA_TTABLE && !luaL_testudata(L, -1, LG_MATRIX_MT))
        lg_errorf(L, "run: record must be true, false or a list of neuron indices");
    gsl_matrix *R = lg_optmatrixfield(L, 2, "record");
    size_t nrec = R->size1 * R->size2;
    uint32_t *idx = lua_newuserdatauv(L, (nrec ? nrec : 1) * sizeof *idx, 0);
    for (size_t k = 0; k < nrec; k++) {
        double v = R->size2 == 1 ? gsl_matrix_get(R, k, 0) : gsl_matrix_get(R, 0, k);
        if (!(v >= 1 && v <= (double)n) || v != floor(v))
            lg_errorf(L, "run: record[%zu] must be a neuron index in 1..%zu, got %g", k + 1, n, v);
        idx[k] = (uint32_t)v - 1;
    }
    o->rec_idx = idx;
    o->nrec = nrec;
}

/* Pushes the spike list: a table of {t=, i=} or, for compact, a spike-list
 * userdata that takes the arrays over from sp. */
static void push_spikes(lua_State *L, gn_lif_spikes *sp, double dt, int mode)
{
    if (mode == SPIKES_COMPACT || (mode == SPIKES_AUTO && sp->count > SPIKES_TABLE_MAX)) {
        lg_spikes *cs = lua_newuserdatauv(L, sizeof *cs, 0);
        memset(cs, 0, sizeof *cs);
        luaL_setmetatable(L, SPIKES_MT);
        cs->count = sp->count; cs->dt = dt; cs->step = sp->step; cs->neuron = sp->neuron;
        sp->step = sp->neuron = NULL;   /* ownership moved */
        sp->count = sp->cap = 0;
        return;
    }
    lua_createtable(L, (int)sp->count, 0);
    for (size_t k = 0; k < sp->count; k++) {
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, sp->step[k] * dt); lua_setfield(L, -2, "t");
        lua_pushinteger(L, (lua_Integer)sp->neuron[k] + 1); lua_setfield(L, -2, "i");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

/* Fills the result table at res: rate (Hz), spikes, t, dt, T. */
static void push_results(lua_State *L, int res, size_t n, gn_lif_spikes *sp, const gn_lif_run_opts *o, int mode)
{
    gsl_matrix *rate = lg_newmatrix(L, n, 1);
    for (size_t s = 0; s < sp->count; s++) rate->data[sp->neuron[s] * rate->tda] += 1;
    double Ts = o->steps * o->dt / 1000.0;
    for (size_t i = 0; i < n; i++) rate->data[i * rate->tda] /= Ts;
    lua_setfield(L, res, "rate");
    push_spikes(L, sp, o->dt, mode);
    lua_setfield(L, res, "spikes");
    gsl_matrix *tm = lg_newmatrix(L, o->steps, 1);
    for (size_t k = 0; k < o->steps; k++) tm->data[k * tm->tda] = (k + 1) * o->dt;
    lua_setfield(L, res, "t");
    lua_pushnumber(L, o->dt); lua_setfield(L, res, "dt");
    lua_pushnumber(L, o->steps * o->dt); lua_setfield(L, res, "T");
}

/* pop:run{T=, dt=, I=, rates= | input_spikes=, record=, spikes=, keep_state=,
 * V0=, threads=} -> {V=, spikes=, rate=, t=, dt=, T=}.  Everything is read
 * and checked before the population changes; C memory is boxed. */
static int lif_run(lua_State *L)
{
    gn_lif *pop = checklif(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    run_opts ro;
    lg_opt_defaults(run_decl, &ro);
    lg_opt_read(L, 2, "run", run_decl, &ro);
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = ro.dt;
    o.steps = run_steps(L, pop, &ro);
    o.threads = ro.threads;
    run_current(L, pop->n, &o);
    run_record(L, pop->n, &o);
    o.in = run_inputs(L, pop, o.steps, o.dt);
    lua_createtable(L, 0, 6);
    int res = lua_gettop(L);
    if (o.nrec) {
        gsl_matrix *V = lg_newmatrix(L, o.steps, o.nrec);
        lua_setfield(L, res, "V");
        o.Vrec = V->data;
    }
    run_initial(L, pop, &ro);
    o.cancel = lg_cancel();
    o.progress = run_progress; o.progress_ud = L;
    /* Progress only for runs long enough to be worth watching. */
    o.every = (double)o.steps * (double)pop->n >= 2e7 ? 1000 : 0;
    gn_lif_spikes *sp = lg_newbox(L, sizeof *sp, free_spikes);
    gn_lif_spikes_init(sp);
    gn_err e = {0};
    if (gn_lif_run(pop, &o, sp, &e)) return lg_coreerror(L, "run", &e);
    /* No silent NaN: the membrane state (and the recorded V) must be finite. */
    for (size_t i = 0; i < pop->n; i++)
        if (!isfinite(pop->v[i])) {
            size_t row = 0, col = 0;
            for (size_t k = 0; o.Vrec && k < o.steps * o.nrec; k++)
                if (!isfinite(o.Vrec[k])) { row = k / o.nrec + 1; col = k % o.nrec + 1; break; }
            char where[96] = "";
            if (row) snprintf(where, sizeof where, " (first in V at step %zu, column %zu)", row, col);
            return lg_errorf(L, "run: the membrane potential of neuron %zu is %g%s: the currents "
                        "overflowed; check I (|R*I| must stay far below 1e308 mV), the "
                        "weights and the rates", i + 1, pop->v[i], where);
        }
    push_results(L, res, pop->n, sp, &o, ro.spikes);
    lua_pushvalue(L, res);
    return 1;
}

/* ---- fields ------------------------------------------------------------------------ */
/* A state vector of the population as an n x 1 matrix. */
static void push_state(lua_State *L, const double *src, size_t n)
{
    gsl_matrix *m = lg_newmatrix(L, n, 1);
    for (size_t i = 0; i < n; i++) m->data[i * m->tda] = src[i];
}

static int lif_index(lua_State *L)
{
    gn_lif *pop = checklif(L, 1);
    const char *k = luaL_checkstring(L, 2);
    const lg_opt *f = lg_opt_find(lif_decl, k);
    if (f && (f->flags & LG_OPT_FIELD) && strcmp(k, "threads")) { lg_opt_push(L, f, &pop->p); return 1; }
    if (!strcmp(k, "n")) lua_pushinteger(L, (lua_Integer)pop->n);
    else if (!strcmp(k, "inputs")) lua_pushinteger(L, (lua_Integer)pop->inputs);
    else if (!strcmp(k, "synapses")) lua_pushinteger(L, (lua_Integer)gn_lif_csr_nnz(pop->rec));
    else if (!strcmp(k, "input_synapses")) lua_pushinteger(L, (lua_Integer)gn_lif_csr_nnz(pop->win));
    else if (!strcmp(k, "f_nmda_rec")) lua_pushnumber(L, pop->f_rec);
    else if (!strcmp(k, "V")) push_state(L, pop->v, pop->n);
    else if (!strcmp(k, "I_ampa")) push_state(L, pop->ampa, pop->n);
    else if (!strcmp(k, "I_nmda")) push_state(L, pop->nmda, pop->n);
    else if (!strcmp(k, "V_inh")) lua_pushnumber(L, pop->vinh);
    else if (!strcmp(k, "threads")) lua_pushinteger(L, pop->threads ? pop->threads : gn_lif_threads_auto(pop));
    else {
        luaL_getmetatable(L, LIF_MT);
        lua_getfield(L, -1, "methods");
        lua_getfield(L, -1, k);
    }
    return 1;
}

/* pop.name = value for the fields the declaration marks (parameters and
 * threads), checked as the constructor checks them; nothing changes on an
 * error. */
static int lif_newindex(lua_State *L)
{
    gn_lif *pop = checklif(L, 1);
    const char *k = luaL_checkstring(L, 2);
    const lg_opt *f = lg_opt_find(lif_decl, k);
    if (!f || !(f->flags & LG_OPT_FIELD)) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (const lg_opt *d = lif_decl; d->name; d++)
            if (d->flags & LG_OPT_FIELD) { luaL_addstring(&b, b.n ? ", " : ""); luaL_addstring(&b, d->name); }
        luaL_pushresult(&b);
        return lg_errorf(L, "lif: cannot set field '%s' (settable: %s)", k, lua_tostring(L, -1));
    }
    lif_opts o;
    o.p = pop->p;
    o.threads = pop->threads;
    lg_opt_set(L, 3, "lif", f, &o);
    gn_err e = {0};
    if (gn_lif_params_check(&o.p, &e)) return lg_coreerror(L, "lif", &e);
    pop->p = o.p;
    pop->threads = o.threads;
    return 0;
}

static int lif_gc(lua_State *L)
{
    lg_lif *u = luaL_checkudata(L, 1, LIF_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    gn_lif_free(u->pop);
    u->pop = NULL;
    return 0;
}

static int lif_tostring(lua_State *L)
{
    if (lg_freedstring(L, LIF_MT, "lif")) return 1;
    gn_lif *pop = checklif(L, 1);
    const gn_lif_params *p = &pop->p;
    char buf[400];
    snprintf(buf, sizeof buf,
             "lif: %zu neurons, %zu inputs (%zu synapses), %zu recurrent synapses; vrest %g vth %g mV, "
             "taum %g tref %g tau_ampa %g tau_nmda %g tau_inh %g ms, R %g MOhm, g_inh %g mV/Hz",
             pop->n, pop->inputs, gn_lif_csr_nnz(pop->win), gn_lif_csr_nnz(pop->rec), p->vrest, p->vth,
             p->taum, p->tref, p->tau_ampa, p->tau_nmda, p->tau_inh, p->R, p->g_inh);
    lua_pushstring(L, buf);
    return 1;
}

static int lif_reset(lua_State *L)
{
    gn_lif_reset(checklif(L, 1), NULL);
    return 0;
}

/* lif.mg_block(v [, mg]) exposes the Jahr–Stevens factor for users and tests. */
static int lif_mgblock(lua_State *L)
{
    double v = luaL_checknumber(L, 1), mg = luaL_optnumber(L, 2, 0.7);
    lua_pushnumber(L, gn_lif_mg_block(v, mg));
    return 1;
}

/* lif.defaults() → table of the default cell parameters. */
static int lif_defaults(lua_State *L)
{
    lif_opts o;
    lif_defaults_into(&o);
    lua_newtable(L);
    for (const lg_opt *f = lif_decl; f->name; f++)
        if (f->flags & LG_OPT_KEEP) {
            lg_opt_push(L, f, &o);
            lua_setfield(L, -2, f->name);
        }
    return 1;
}

static int lif_call(lua_State *L)
{
    lua_remove(L, 1);   /* the lif table itself */
    if (lua_gettop(L) < 1 || lua_type(L, 1) != LUA_TTABLE)
        return lg_errorf(L, "lif: expected an options table, e.g. lif{n=100}");
    return lif_new(L);
}

int lg_open_lif(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"run", lif_run}, {"reset", lif_reset}, {NULL, NULL}
    };
    static const luaL_Reg spmethods[] = {
        {"times", spikes_times}, {"neurons", spikes_neurons}, {"totable", spikes_totable}, {NULL, NULL}
    };
    luaL_newmetatable(L, LIF_MT);
    lua_pushcfunction(L, lif_index); lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, lif_newindex); lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, lif_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, lif_tostring); lua_setfield(L, -2, "__tostring");
    lua_pushstring(L, "lif"); lua_setfield(L, -2, "__name");
    luaL_newlib(L, methods); lua_setfield(L, -2, "methods");
    lua_pop(L, 1);

    luaL_newmetatable(L, SPIKES_MT);
    lua_pushcfunction(L, spikes_index); lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, spikes_len); lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, spikes_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, spikes_tostring); lua_setfield(L, -2, "__tostring");
    luaL_newlib(L, spmethods); lua_setfield(L, -2, "methods");
    lua_pop(L, 1);

    /* lif is a callable table so lif.mg_block and lif.defaults live beside it. */
    lua_newtable(L);
    lua_pushcfunction(L, lif_mgblock); lua_setfield(L, -2, "mg_block");
    lua_pushcfunction(L, lif_defaults); lua_setfield(L, -2, "defaults");
    lua_newtable(L);
    lua_pushcfunction(L, lif_call); lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setglobal(L, "lif");
    lif_opts def;
    lif_defaults_into(&def);
    lg_opt_publish(L, "lif", lif_decl, &def);
    run_opts rdef;
    lg_opt_defaults(run_decl, &rdef);
    lg_opt_publish(L, "lif.run", run_decl, &rdef);
    return 0;
}
