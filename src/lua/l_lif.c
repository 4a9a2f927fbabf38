/* l_lif.c — Lua binding of the LIF population: lif{...}, pop:run{...}, and a
 * compact spike list userdata for large runs. */
#include "interrupt.h"
#include "l_util.h"

#include <math.h>
#include <stdarg.h>
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

/* luaL_error with full printf formats (%zu, %g), which lua_pushfstring lacks. */
static int lerr(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lerr(lua_State *L, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s", buf);
}

typedef struct {
    size_t count;
    double dt;          /* ms per step */
    uint32_t *step;     /* owned */
    uint32_t *neuron;   /* owned, 0-based */
} lg_spikes;

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

static void check_finite(lua_State *L, const gsl_matrix *m, const char *fn, const char *what)
{
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (!isfinite(gsl_matrix_get(m, i, j)))
                lerr(L, "%s: %s(%zu,%zu) is not finite", fn, what, i + 1, j + 1);
}

/* A number or a vector of length len (column or row) → len values in out. */
static void number_or_vector(lua_State *L, int t, const char *key, size_t len, double def,
                             double *out, const char *fn)
{
    int ty = lua_getfield(L, t, key);
    if (ty == LUA_TNIL || ty == LUA_TNUMBER) {
        double v = ty == LUA_TNIL ? def : lua_tonumber(L, -1);
        lua_pop(L, 1);
        for (size_t k = 0; k < len; k++) out[k] = v;
        return;
    }
    lua_pop(L, 1);
    gsl_matrix *m = lg_optmatrixfield(L, t, key);
    if (!((m->size1 == len && m->size2 == 1) || (m->size1 == 1 && m->size2 == len)))
        lerr(L, "%s: %s must be a number or a vector of length %zu, got %zux%zu", fn, key,
                   len, m->size1, m->size2);
    for (size_t k = 0; k < len; k++)
        out[k] = m->size2 == 1 ? gsl_matrix_get(m, k, 0) : gsl_matrix_get(m, 0, k);
    lua_pop(L, 1);
}

/* threads= option: a whole number 0..GN_LIF_MAX_THREADS (0: automatic). */
static int threads_value(lua_State *L, int idx, const char *fn)
{
    int isint = 0;
    lua_Integer k = lua_tointegerx(L, idx, &isint);
    if (!isint || k < 0 || k > GN_LIF_MAX_THREADS)
        lerr(L, "%s: threads must be a whole number in 0..%d (0: automatic), got %s", fn, GN_LIF_MAX_THREADS,
             luaL_tolstring(L, idx, NULL));
    return (int)k;
}

static int check_threads(lua_State *L, int t, const char *fn)
{
    int k = 0;
    if (lua_getfield(L, t, "threads") != LUA_TNIL) k = threads_value(L, lua_gettop(L), fn);
    lua_pop(L, 1);
    return k;
}

/* ---- construction ------------------------------------------------------------- */
static const char *const param_names[] = {
    "vrest", "vth", "taum", "tref", "tau_ampa", "tau_nmda", "tau_inh", "R", "g_inh", "mg", NULL
};

static double *param_slot(gn_lif_params *p, const char *k)
{
    if (!strcmp(k, "vrest")) return &p->vrest;
    if (!strcmp(k, "vth")) return &p->vth;
    if (!strcmp(k, "taum")) return &p->taum;
    if (!strcmp(k, "tref")) return &p->tref;
    if (!strcmp(k, "tau_ampa")) return &p->tau_ampa;
    if (!strcmp(k, "tau_nmda")) return &p->tau_nmda;
    if (!strcmp(k, "tau_inh")) return &p->tau_inh;
    if (!strcmp(k, "R")) return &p->R;
    if (!strcmp(k, "g_inh")) return &p->g_inh;
    if (!strcmp(k, "mg")) return &p->mg;
    return NULL;
}

static int lif_new(lua_State *L)
{
    static const char *const keys[] = {
        "n", "inputs", "vrest", "vth", "taum", "tref", "tau_ampa", "tau_nmda", "tau_inh", "R",
        "g_inh", "mg", "W", "w_in", "p_in", "f_nmda", "p", "w", "f_nmda_rec", "W_rec", "threads", NULL
    };
    luaL_checktype(L, 1, LUA_TTABLE);
    lg_checkkeys(L, 1, "lif", keys);
    lua_getfield(L, 1, "n");
    if (lua_isnil(L, -1)) lerr(L, "lif: option 'n' (number of neurons) is required");
    lua_pop(L, 1);
    lua_Integer n = lg_optinteger(L, 1, "n", 0);
    lua_Integer inputs = lg_optinteger(L, 1, "inputs", 0);
    if (n < 1) lerr(L, "lif: n must be >= 1, got %d", (int)n);
    if (n > 100000000) lerr(L, "lif: n = %lld is too large", (long long)n);
    if (inputs < 0 || inputs > 10000000) lerr(L, "lif: inputs must be >= 0, got %lld", (long long)inputs);
    gn_lif_params p;
    gn_lif_params_default(&p);
    for (int k = 0; param_names[k]; k++) {
        double *s = param_slot(&p, param_names[k]);
        *s = lg_optnumber(L, 1, param_names[k], *s);
    }
    gn_err e = {0};
    if (gn_lif_params_check(&p, &e)) return lg_coreerror(L, "lif", &e);

    double w_in = lg_optnumber(L, 1, "w_in", 0.05);
    double p_in = lg_optnumber(L, 1, "p_in", 1.0);
    double prec = lg_optnumber(L, 1, "p", 0.0);
    double wrec = lg_optnumber(L, 1, "w", 0.01);
    double frec = lg_optnumber(L, 1, "f_nmda_rec", 0.0);
    if (!isfinite(w_in)) lerr(L, "lif: w_in must be finite");
    if (!isfinite(wrec)) lerr(L, "lif: w must be finite");
    if (!(p_in >= 0 && p_in <= 1)) lerr(L, "lif: p_in must be in [0, 1], got %g", p_in);
    if (!(prec >= 0 && prec <= 1)) lerr(L, "lif: p must be in [0, 1], got %g", prec);
    if (!(frec >= 0 && frec <= 1)) lerr(L, "lif: f_nmda_rec must be in [0, 1], got %g", frec);
    int threads = check_threads(L, 1, "lif");

    /* Userdata first so every later error leaves nothing leaked. */
    lg_lif *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->pop = NULL;
    luaL_setmetatable(L, LIF_MT);
    int ud = lua_gettop(L);
    u->pop = gn_lif_alloc((size_t)n, (size_t)inputs, &p, &e);
    if (!u->pop) return lg_coreerror(L, "lif", &e);
    gn_lif *pop = u->pop;
    pop->threads = threads;

    if (inputs > 0) {
        double *f = lua_newuserdatauv(L, (size_t)inputs * sizeof *f, 0);
        number_or_vector(L, 1, "f_nmda", (size_t)inputs, 0.0, f, "lif");
        gn_lif_csr *c;
        gsl_matrix *W = lg_optmatrixfield(L, 1, "W");
        if (W) {
            if (W->size1 != (size_t)n || W->size2 != (size_t)inputs)
                lerr(L, "lif: W must be n x inputs = %dx%d, got %zux%zu", (int)n, (int)inputs,
                           W->size1, W->size2);
            check_finite(L, W, "lif", "W");
            c = gn_lif_csr_from_dense((size_t)inputs, (size_t)n, matrix_data(L, W), &e);
        } else {
            c = gn_lif_csr_random((size_t)inputs, (size_t)n, p_in, w_in, 0, lg_rng(L), &e);
        }
        if (!c || gn_lif_set_inputs(pop, c, f, &e)) return lg_coreerror(L, "lif", &e);
    } else {
        lua_getfield(L, 1, "W");
        if (!lua_isnil(L, -1)) lerr(L, "lif: W given but inputs = 0");
        lua_pop(L, 1);
    }

    gsl_matrix *Wr = lg_optmatrixfield(L, 1, "W_rec");
    gn_lif_csr *rc = NULL;
    if (Wr) {
        if (Wr->size1 != (size_t)n || Wr->size2 != (size_t)n)
            lerr(L, "lif: W_rec must be n x n = %dx%d, got %zux%zu", (int)n, (int)n, Wr->size1, Wr->size2);
        check_finite(L, Wr, "lif", "W_rec");
        rc = gn_lif_csr_from_dense((size_t)n, (size_t)n, matrix_data(L, Wr), &e);
        if (!rc) return lg_coreerror(L, "lif", &e);
    } else if (prec > 0) {
        rc = gn_lif_csr_random((size_t)n, (size_t)n, prec, wrec, 1, lg_rng(L), &e);
        if (!rc) return lg_coreerror(L, "lif", &e);
    }
    if (rc && gn_lif_set_recurrent(pop, rc, frec, &e)) return lg_coreerror(L, "lif", &e);
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
struct progress_ctx { lua_State *L; };

static void run_progress(void *ud, size_t done, size_t total)
{
    struct progress_ctx *c = ud;
    lg_progress(c->L, "lif", (double)done, (double)total, NULL);
}

/* input_spikes: a list {{t=,i=},...} or a compact spikes object. */
static gn_lif_sched *input_schedule(lua_State *L, int idx, gn_lif *pop, size_t steps, double dt)
{
    gn_err e = {0};
    size_t count;
    double *t;
    uint32_t *ch;
    lg_spikes *cs = luaL_testudata(L, idx, SPIKES_MT);
    if (cs) count = cs->count;
    else if (lua_type(L, idx) == LUA_TTABLE) count = lua_rawlen(L, idx);
    else { lerr(L, "run: input_spikes must be a list of {t=, i=} (got %s)", luaL_typename(L, idx)); return NULL; }
    t = lua_newuserdatauv(L, (count ? count : 1) * sizeof *t, 0);
    ch = lua_newuserdatauv(L, (count ? count : 1) * sizeof *ch, 0);
    for (size_t k = 0; k < count; k++) {
        if (cs) { t[k] = cs->step[k] * cs->dt; ch[k] = cs->neuron[k]; continue; }
        if (lua_rawgeti(L, idx, (lua_Integer)k + 1) != LUA_TTABLE)
            lerr(L, "run: input_spikes[%d] must be a table {t=, i=}", (int)k + 1);
        if (lua_getfield(L, -1, "t") != LUA_TNUMBER) lerr(L, "run: input_spikes[%d].t must be a number (ms)", (int)k + 1);
        t[k] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        int isint = 0;
        lua_getfield(L, -1, "i");
        lua_Integer i = lua_tointegerx(L, -1, &isint);
        if (!isint || i < 1 || (size_t)i > pop->inputs)
            lerr(L, "run: input_spikes[%d].i must be an input index in 1..%d", (int)k + 1, (int)pop->inputs);
        ch[k] = (uint32_t)(i - 1);
        lua_pop(L, 2);
    }
    gn_lif_sched *s = gn_lif_sched_from_list(count, t, ch, pop->inputs, steps, dt, &e);
    lua_pop(L, 2);
    if (!s) lg_coreerror(L, "run", &e);
    return s;
}

static int lif_run(lua_State *L)
{
    static const char *const keys[] = {
        "T", "dt", "I", "rates", "input_spikes", "record", "spikes", "keep_state", "V0", "threads", NULL
    };
    gn_lif *pop = checklif(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lg_checkkeys(L, 2, "run", keys);
    lua_getfield(L, 2, "T");
    if (lua_isnil(L, -1)) lerr(L, "run: option 'T' (duration in ms) is required");
    lua_pop(L, 1);
    /* Checked here rather than with lg_optpositive so the message can say
     * which unit is expected. */
    double T = lg_optnumber(L, 2, "T", 0);
    double dt = lg_optnumber(L, 2, "dt", 0.1);
    if (!(T > 0) || !isfinite(T)) lerr(L, "run: T must be a positive duration in ms, got %g", T);
    if (!(dt > 0) || !isfinite(dt)) lerr(L, "run: dt must be a positive time step in ms, got %g", dt);
    double stepsd = floor(T / dt + 0.5);
    if (stepsd < 1) lerr(L, "run: T (%g ms) is shorter than one step dt (%g ms)", T, dt);
    if (stepsd > 4e9) lerr(L, "run: T/dt = %g steps is too many", stepsd);
    size_t steps = (size_t)stepsd, n = pop->n;
    const gn_lif_params *p = &pop->p;
    double tmin = fmin(fmin(p->taum, p->tau_ampa), fmin(p->tau_nmda, p->tau_inh));
    if (dt > tmin) lerr(L, "run: dt (%g ms) must not exceed the shortest time constant (%g ms)", dt, tmin);

    gn_err e = {0};
    gn_lif_run_opts o;
    memset(&o, 0, sizeof o);
    o.dt = dt; o.steps = steps;
    o.threads = check_threads(L, 2, "run");
    /* I: number, n-vector, or steps×n. */
    int ty = lua_getfield(L, 2, "I");
    if (ty == LUA_TNUMBER) {
        o.I_kind = GN_LIF_I_SCALAR; o.I0 = lua_tonumber(L, -1);
        if (!isfinite(o.I0)) lerr(L, "run: I must be finite, got %f", o.I0);
        lua_pop(L, 1);
    } else if (ty == LUA_TNIL) {
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        gsl_matrix *Im = lg_optmatrixfield(L, 2, "I");
        check_finite(L, Im, "run", "I");
        if ((Im->size1 == n && Im->size2 == 1) || (Im->size1 == 1 && Im->size2 == n)) {
            o.I_kind = GN_LIF_I_VECTOR; o.I = matrix_data(L, Im);
        } else if (Im->size1 == steps && Im->size2 == n) {
            o.I_kind = GN_LIF_I_MATRIX; o.I = matrix_data(L, Im);
        } else {
            lerr(L, "run: I must be a number, an %dx1 vector or a %dx%d (steps x n) matrix, got %dx%d",
                       (int)n, (int)steps, (int)n, (int)Im->size1, (int)Im->size2);
        }
    }

    /* Initial state. */
    int keep = lg_optboolean(L, 2, "keep_state", 0);
    if (!keep) {
        double *v0 = NULL;
        lua_getfield(L, 2, "V0");
        int has = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (has) {
            v0 = lua_newuserdatauv(L, n * sizeof *v0, 0);
            number_or_vector(L, 2, "V0", n, p->vrest, v0, "run");
            for (size_t i = 0; i < n; i++)
                if (!isfinite(v0[i])) lerr(L, "run: V0[%d] is not finite", (int)i + 1);
        }
        gn_lif_reset(pop, v0);
    }

    /* Recording. */
    uint32_t *rec_idx = NULL;
    size_t nrec = 0;
    int record;
    ty = lua_getfield(L, 2, "record");
    if (ty == LUA_TNIL) record = (double)steps * (double)n <= VREC_DEFAULT_MAX;
    else if (ty == LUA_TBOOLEAN) record = lua_toboolean(L, -1);
    else if (ty == LUA_TTABLE || luaL_testudata(L, -1, LG_MATRIX_MT)) {
        lua_pop(L, 1);
        gsl_matrix *R = lg_optmatrixfield(L, 2, "record");
        nrec = R->size1 * R->size2;
        rec_idx = lua_newuserdatauv(L, nrec * sizeof *rec_idx, 0);
        for (size_t k = 0; k < nrec; k++) {
            double v = R->size2 == 1 ? gsl_matrix_get(R, k, 0) : gsl_matrix_get(R, 0, k);
            if (!(v >= 1 && v <= (double)n) || v != floor(v))
                lerr(L, "run: record[%d] must be a neuron index in 1..%d, got %f", (int)k + 1, (int)n, v);
            rec_idx[k] = (uint32_t)v - 1;
        }
        record = 1;
    } else {
        return lerr(L, "run: record must be true, false or a list of neuron indices");
    }
    if (!rec_idx) lua_pop(L, 1);
    if (record && !rec_idx) nrec = n;
    const char *spmode = lg_optstring(L, 2, "spikes", "auto");
    if (strcmp(spmode, "auto") && strcmp(spmode, "table") && strcmp(spmode, "compact"))
        return lerr(L, "run: spikes must be \"auto\", \"table\" or \"compact\", got \"%s\"", spmode);

    /* Inputs. */
    gn_lif_sched *sched = NULL;
    lua_getfield(L, 2, "rates");
    int has_rates = !lua_isnil(L, -1);
    lua_pop(L, 1);
    int t_in = lua_getfield(L, 2, "input_spikes");
    int in_idx = lua_gettop(L);
    if (has_rates && t_in != LUA_TNIL) lerr(L, "run: give rates or input_spikes, not both");
    if ((has_rates || t_in != LUA_TNIL) && pop->inputs == 0)
        lerr(L, "run: this population has no inputs (create it with lif{n=, inputs=})");
    if (has_rates) {
        double *r = lua_newuserdatauv(L, pop->inputs * sizeof *r, 0);
        number_or_vector(L, 2, "rates", pop->inputs, 0, r, "run");
        sched = gn_lif_sched_poisson(pop->inputs, r, steps, dt, lg_rng(L), &e);
        if (!sched) return lg_coreerror(L, "run", &e);
    } else if (t_in != LUA_TNIL) {
        sched = input_schedule(L, in_idx, pop, steps, dt);
    }
    /* From here on sched is freed on every exit path. */

    /* Result table: {V=, spikes=, rate=, t=, dt=, T=}. */
    lua_createtable(L, 0, 6);
    int res = lua_gettop(L);
    gsl_matrix *V = NULL;
    if (record) {
        gn_err se = {0};
        if (gn_check_size(steps, nrec, &se)) { gn_lif_sched_free(sched); return lg_coreerror(L, "run (record)", &se); }
        V = gsl_matrix_alloc(steps, nrec);
        if (!V) { gn_lif_sched_free(sched); return lerr(L, "run: out of memory recording V (%d x %d); pass record=false or a list of neurons", (int)steps, (int)nrec); }
        lg_pushmatrix(L, V);
        lua_setfield(L, res, "V");
    }
    o.in = sched;
    o.Vrec = V ? V->data : NULL;
    o.rec_idx = rec_idx;
    o.nrec = nrec;
    o.cancel = lg_cancel();
    struct progress_ctx pc = { L };
    o.progress = run_progress; o.progress_ud = &pc;
    /* Progress only for runs long enough to be worth watching. */
    o.every = (double)steps * (double)n >= 2e7 ? 1000 : 0;

    gn_lif_spikes sp;
    gn_lif_spikes_init(&sp);
    int st = gn_lif_run(pop, &o, &sp, &e);
    gn_lif_sched_free(sched);
    if (st) { gn_lif_spikes_free(&sp); return lg_coreerror(L, "run", &e); }

    /* rate: spikes per neuron over T, Hz. */
    gsl_matrix *rate = lg_newmatrix(L, n, 1);
    for (size_t s = 0; s < sp.count; s++) rate->data[sp.neuron[s] * rate->tda] += 1;
    double Ts = steps * dt / 1000.0;
    for (size_t i = 0; i < n; i++) rate->data[i * rate->tda] /= Ts;
    lua_setfield(L, res, "rate");

    int compact = !strcmp(spmode, "compact") || (!strcmp(spmode, "auto") && sp.count > SPIKES_TABLE_MAX);
    if (compact) {
        lg_spikes *cs = lua_newuserdatauv(L, sizeof *cs, 0);
        memset(cs, 0, sizeof *cs);
        luaL_setmetatable(L, SPIKES_MT);
        cs->count = sp.count; cs->dt = dt; cs->step = sp.step; cs->neuron = sp.neuron;
        sp.step = sp.neuron = NULL;   /* ownership moved */
    } else {
        lua_createtable(L, (int)sp.count, 0);
        for (size_t k = 0; k < sp.count; k++) {
            lua_createtable(L, 0, 2);
            lua_pushnumber(L, sp.step[k] * dt); lua_setfield(L, -2, "t");
            lua_pushinteger(L, (lua_Integer)sp.neuron[k] + 1); lua_setfield(L, -2, "i");
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
    }
    gn_lif_spikes_free(&sp);
    lua_setfield(L, res, "spikes");
    gsl_matrix *tm = lg_newmatrix(L, steps, 1);
    for (size_t k = 0; k < steps; k++) tm->data[k * tm->tda] = (k + 1) * dt;
    lua_setfield(L, res, "t");
    lua_pushnumber(L, dt); lua_setfield(L, res, "dt");
    lua_pushnumber(L, steps * dt); lua_setfield(L, res, "T");
    lua_pushvalue(L, res);
    return 1;
}

/* ---- fields ------------------------------------------------------------------------ */
static int lif_index(lua_State *L)
{
    gn_lif *pop = checklif(L, 1);
    const char *k = luaL_checkstring(L, 2);
    double *slot = param_slot(&pop->p, k);
    if (slot) { lua_pushnumber(L, *slot); return 1; }
    if (!strcmp(k, "n")) { lua_pushinteger(L, (lua_Integer)pop->n); return 1; }
    if (!strcmp(k, "inputs")) { lua_pushinteger(L, (lua_Integer)pop->inputs); return 1; }
    if (!strcmp(k, "synapses")) { lua_pushinteger(L, (lua_Integer)gn_lif_csr_nnz(pop->rec)); return 1; }
    if (!strcmp(k, "input_synapses")) { lua_pushinteger(L, (lua_Integer)gn_lif_csr_nnz(pop->win)); return 1; }
    if (!strcmp(k, "f_nmda_rec")) { lua_pushnumber(L, pop->f_rec); return 1; }
    if (!strcmp(k, "V") || !strcmp(k, "I_ampa") || !strcmp(k, "I_nmda")) {
        const double *src = k[0] == 'V' ? pop->v : !strcmp(k, "I_ampa") ? pop->ampa : pop->nmda;
        gsl_matrix *m = lg_newmatrix(L, pop->n, 1);
        for (size_t i = 0; i < pop->n; i++) m->data[i * m->tda] = src[i];
        return 1;
    }
    if (!strcmp(k, "V_inh")) { lua_pushnumber(L, pop->vinh); return 1; }
    if (!strcmp(k, "threads")) { lua_pushinteger(L, pop->threads ? pop->threads : gn_lif_threads_auto(pop)); return 1; }
    luaL_getmetatable(L, LIF_MT);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, k);
    return 1;
}

static int lif_newindex(lua_State *L)
{
    gn_lif *pop = checklif(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "threads")) { pop->threads = threads_value(L, 3, "lif"); return 0; }
    gn_lif_params p = pop->p;
    double *slot = param_slot(&p, k);
    if (!slot) return lerr(L, "lif: cannot set field '%s' (settable: vrest, vth, taum, tref, tau_ampa, tau_nmda, tau_inh, R, g_inh, mg, threads)", k);
    if (lua_type(L, 3) != LUA_TNUMBER) return lerr(L, "lif: %s must be a number (got %s)", k, luaL_typename(L, 3));
    *slot = lua_tonumber(L, 3);
    gn_err e = {0};
    if (gn_lif_params_check(&p, &e)) return lg_coreerror(L, "lif", &e);
    pop->p = p;
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

/* lif.defaults() → table of the default parameters. */
static int lif_defaults(lua_State *L)
{
    gn_lif_params p;
    gn_lif_params_default(&p);
    lua_newtable(L);
    for (int k = 0; param_names[k]; k++) {
        lua_pushnumber(L, *param_slot(&p, param_names[k]));
        lua_setfield(L, -2, param_names[k]);
    }
    return 1;
}

static int lif_call(lua_State *L)
{
    lua_remove(L, 1);   /* the lif table itself */
    if (lua_gettop(L) < 1 || lua_type(L, 1) != LUA_TTABLE)
        return lerr(L, "lif: expected an options table, e.g. lif{n=100}");
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
    return 0;
}
