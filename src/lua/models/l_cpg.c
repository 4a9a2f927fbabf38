/* l_cpg.c — Lua binding of the Rubin et al. 2009 respiratory CPG: cpg{...},
 * :run{t=, dt=}, parameters by name, and cpg.phases() burst analysis. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cpg.h"
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"

#define CPG_MT "ganglion.cpg"

typedef struct {
    gn_cpg *c;
    char method[16];
    double rtol, atol;
} lcpg;

/* cpg{...}: every model parameter of the core's table (gn_cpg_params: name,
 * default, unit, description, sign), declared from it when the module opens
 * (the core checks the values: gn_cpg_par_check), then the solver's. */
typedef struct {
    gn_cpg_par p;
    double rtol, atol;
    const char *method;   /* NULL: rk8pd */
} cpg_opts;
#define CPG_MAXPARAMS 80
static lg_opt cpg_decl[CPG_MAXPARAMS + 5];
static const lg_opt cpg_solver_decl[] = {
    LG_STRING("method", cpg_opts, method, "GSL stepper: rk8pd (default), rkf45, rkck, rk4, msadams, msbdf, bsimp, ..."),
    LG_NUM("rtol", cpg_opts, rtol, 0, HUGE_VAL, 1e-8, 0, "relative error tolerance per step"),
    LG_NUM("atol", cpg_opts, atol, 0, HUGE_VAL, 1e-10, 0, "absolute error tolerance per step"),
    LG_VALUE("y0", 0, "initial state, 8 values: v1..v4 (mV), h, m2..m4"),
    LG_OPT_END
};

/* c:run{...}. */
typedef struct {
    double t, dt;
    int reset;
} run_opts;
static const lg_opt run_decl[] = {
    LG_NUM("t", run_opts, t, 0, HUGE_VAL, 0, LG_OPT_REQUIRED | LG_OPT_GT, "duration, ms"),
    LG_NUM("dt", run_opts, dt, 0, HUGE_VAL, 1, LG_OPT_GT, "sampling interval, ms"),
    LG_BOOL("reset", run_opts, reset, 0, "start from the initial state"),
    LG_VALUE("y0", 0, "start from this state (8 values)"),
    LG_OPT_END
};

/* cpg.phases(result, {...}). */
typedef struct {
    double on, off, min_range, skip;
    int ref;
} phase_opts;
#define PO phase_opts
static const lg_opt phase_decl[] = {
    LG_NUM("on", PO, on, -HUGE_VAL, HUGE_VAL, 0.5, 0, "burst starts above lo + on (hi - lo)"),
    LG_NUM("off", PO, off, -HUGE_VAL, HUGE_VAL, 0.3, 0, "burst ends below lo + off (hi - lo)"),
    LG_NUM("min_range", PO, min_range, -HUGE_VAL, HUGE_VAL, 0.05, 0, "a column varying less is silent"),
    LG_INT("ref", PO, ref, 1, HUGE_VAL, 1, 0, "reference column (phase 0)"),
    LG_NUM("skip", PO, skip, -HUGE_VAL, HUGE_VAL, 0, LG_OPT_KEEP, "transient left out, ms (default a quarter)"),
    LG_OPT_END
};
#undef PO

static lcpg *check_cpg(lua_State *L, int idx)
{
    return lg_checkobject(L, idx, CPG_MT, "cpg");
}

/* Reads an 8-vector of state (v1 v2 v3 v4 h m2 m3 m4) at stack index idx. */
static void read_state(lua_State *L, int idx, const char *fn, const char *what, double y[GN_CPG_NSTATE])
{
    gsl_vector_view v = gsl_vector_view_array(y, GN_CPG_NSTATE);
    lg_readvector(L, idx, &v.vector, 0, fn, what);
}

/* The options table at idx (required) of fn. */
static void check_table(lua_State *L, int idx, const char *fn, const char *usage)
{
    if (lua_type(L, idx) != LUA_TTABLE)
        lg_errorf(L, "%s: expected an options table %s (got %s)", fn, usage, luaL_typename(L, idx));
}

/* Applies every model parameter present in the options table t to p
 * (for c:set; the core checks each). */
static void read_params(lua_State *L, int t, const char *fn, gn_cpg_par *p)
{
    for (size_t i = 0; i < gn_cpg_nparams; i++) {
        const gn_cpg_param *row = &gn_cpg_params[i];
        int ty = lua_getfield(L, t, row->name);
        if (ty != LUA_TNIL) {
            if (ty != LUA_TNUMBER)
                lg_errorf(L, "%s: parameter '%s' must be a number (got %s)", fn, row->name,
                           lua_typename(L, ty));
            gn_err e = { 0 };
            if (gn_cpg_par_set(p, row->name, lua_tonumber(L, -1), &e))
                lg_coreerror(L, fn, &e);
        }
        lua_pop(L, 1);
    }
}

/* cpg{param=value, ..., method=, rtol=, atol=, y0=} */
static int cpg_new(lua_State *L)
{
    int t = lua_istable(L, 1) ? 1 : 0;
    if (!t && !lua_isnoneornil(L, 1))
        return lg_errorf(L, "cpg: expected an options table, got %s", luaL_typename(L, 1));
    cpg_opts o;
    lg_opt_defaults(cpg_decl, &o);
    gn_cpg_par_default(&o.p);
    lg_opt_read(L, t, "cpg", cpg_decl, &o);
    gn_err e = { 0 };
    if (gn_cpg_par_check(&o.p, &e)) return lg_coreerror(L, "cpg", &e);
    const char *method = o.method ? o.method : "rk8pd";
    double y0[GN_CPG_NSTATE];
    memcpy(y0, gn_cpg_y0_default, sizeof y0);
    if (t && lua_getfield(L, t, "y0") != LUA_TNIL)
        read_state(L, lua_gettop(L), "cpg", "y0", y0);

    lcpg *u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, CPG_MT);
    u->c = gn_cpg_alloc(&o.p, method, o.rtol, o.atol, &e);
    if (!u->c)
        return lg_coreerror(L, "cpg", &e);
    if (gn_cpg_reset(u->c, y0, &e))
        return lg_coreerror(L, "cpg", &e);
    snprintf(u->method, sizeof u->method, "%s", method);
    u->rtol = o.rtol;
    u->atol = o.atol;
    return 1;
}

static int cpg_gc(lua_State *L)
{
    lcpg *u = luaL_checkudata(L, 1, CPG_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    gn_cpg_free(u->c);
    u->c = NULL;
    return 0;
}

static int cpg_tostring(lua_State *L)
{
    if (lg_freedstring(L, CPG_MT, "cpg")) return 1;
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    const gn_cpg_par *p = gn_cpg_get_par(c);
    char buf[256];
    snprintf(buf, sizeof buf, "cpg (Rubin et al. 2009): t = %g ms, drives %g %g %g (x%g), gNaP %g nS, "
             "%s rtol %g atol %g", gn_cpg_time(c), p->Drive1, p->Drive2, p->Drive3, p->drive,
             p->gNaP, u->method, u->rtol, u->atol);
    lua_pushstring(L, buf);
    return 1;
}

/* c:run{t=, dt=1, reset=false, y0=} -> {t=, V=, out=} */
static int cpg_run(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    check_table(L, 2, "cpg:run", "c:run{t=, dt=}");
    run_opts ro;
    lg_opt_defaults(run_decl, &ro);
    lg_opt_read(L, 2, "cpg:run", run_decl, &ro);
    double T = ro.t, dt = ro.dt;
    if (dt > T)
        return lg_errorf(L, "cpg:run: dt (%g ms) is longer than the run (t = %g ms)", dt, T);
    double steps_d = floor(T / dt + 1e-9);
    if (steps_d * GN_CPG_NPOP > (double)GN_MAX_ELEMS)
        return lg_errorf(L, "cpg:run: t/dt = %g samples is too many", steps_d);
    size_t steps = (size_t)steps_d;
    gn_err e = { 0 };
    if (ro.reset && gn_cpg_reset(c, NULL, &e))
        return lg_coreerror(L, "cpg:run", &e);
    if (lua_getfield(L, 2, "y0") != LUA_TNIL) {
        double y0[GN_CPG_NSTATE];
        read_state(L, lua_gettop(L), "cpg:run", "y0", y0);
        if (gn_cpg_reset(c, y0, &e))
            return lg_coreerror(L, "cpg:run", &e);
    }
    lua_settop(L, 2);

    lua_createtable(L, 0, 3);
    gsl_matrix *tm = lg_newmatrix(L, steps, 1);
    lua_setfield(L, -2, "t");
    gsl_matrix *Vm = lg_newmatrix(L, steps, GN_CPG_NPOP);
    lua_setfield(L, -2, "V");
    gsl_matrix *Om = lg_newmatrix(L, steps, GN_CPG_NPOP);
    lua_setfield(L, -2, "out");
    if (tm->tda != 1 || Vm->tda != GN_CPG_NPOP || Om->tda != GN_CPG_NPOP)
        return lg_errorf(L, "cpg:run: internal error (matrix not contiguous)");

    /* Iterate in chunks so the host can show progress between them; the
     * core polls the Ctrl-C flag between samples. */
    gn_cancel cancel = lg_cancel();
    size_t chunk = steps / 100 > 50 ? steps / 100 : 50, k = 0;
    while (k < steps) {
        size_t n = steps - k < chunk ? steps - k : chunk, done = 0;
        int rc = gn_cpg_run(c, n, dt, tm->data + k, Vm->data + k * GN_CPG_NPOP,
                            Om->data + k * GN_CPG_NPOP, &done, cancel, &e);
        if (rc)
            return lg_coreerror(L, "cpg:run", &e);
        k += n;
        lg_progress(L, "cpg", (double)k, (double)steps, NULL);
    }
    /* The right-hand side refuses non-finite derivatives, so the state stays
     * finite; this guards the contract (no silent NaN) all the same. */
    lg_checkresult(L, Vm->data, steps, GN_CPG_NPOP, GN_CPG_NPOP, "cpg:run", "V",
                   "the solver produced a non-finite membrane potential; check the parameters");
    lg_checkresult(L, Om->data, steps, GN_CPG_NPOP, GN_CPG_NPOP, "cpg:run", "out",
                   "a non-finite output; check the output slopes (Koutpute, Koutputi)");
    return 1;
}

static int cpg_reset(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    double y0[GN_CPG_NSTATE];
    const double *y = NULL;
    if (!lua_isnoneornil(L, 2)) {
        read_state(L, 2, "cpg:reset", "y0", y0);
        y = y0;
    }
    gn_err e = { 0 };
    if (gn_cpg_reset(c, y, &e))
        return lg_coreerror(L, "cpg:reset", &e);
    lua_settop(L, 1);
    return 1;
}

static int cpg_state(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    double y[GN_CPG_NSTATE];
    gn_cpg_state(c, y);
    lg_pushcolumn(L, y, GN_CPG_NSTATE, 1);
    return 1;
}

/* c:rhs(y) -> dy/dt (8×1, per ms) at state y (default: the current state). */
static int cpg_rhs(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    double y[GN_CPG_NSTATE], d[GN_CPG_NSTATE];
    if (lua_isnoneornil(L, 2))
        gn_cpg_state(c, y);
    else
        read_state(L, 2, "cpg:rhs", "y", y);
    gn_cpg_rhs(gn_cpg_get_par(c), y, d);
    lg_pushcolumn(L, d, GN_CPG_NSTATE, 1);
    return 1;
}

static int cpg_params(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    gn_cpg_par p = *gn_cpg_get_par(c);
    lua_createtable(L, 0, (int)gn_cpg_nparams);
    for (size_t i = 0; i < gn_cpg_nparams; i++) {
        lua_pushnumber(L, *gn_cpg_par_field(&p, gn_cpg_params[i].name));
        lua_setfield(L, -2, gn_cpg_params[i].name);
    }
    return 1;
}

/* c:set{name=value, ...}: all checked before any is applied. */
static int cpg_set(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    check_table(L, 2, "cpg:set", "c:set{name=value, ...}");
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !gn_cpg_param_find(lua_tostring(L, -1)))
            return lg_errorf(L, "cpg:set: unknown parameter '%s' (see cpg.params)",
                              lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    gn_cpg_par p = *gn_cpg_get_par(c);
    read_params(L, 2, "cpg:set", &p);
    gn_err e = { 0 };
    if (gn_cpg_set_par(c, &p, &e))
        return lg_coreerror(L, "cpg:set", &e);
    lua_settop(L, 1);
    return 1;
}

/* ---- analysis --------------------------------------------------------------- */

/* Pushes a Lua array of the n numbers in v. */
static void push_array(lua_State *L, const double *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* The fields out (n×k) and t (n×1) of a run result at res, checked. */
static void phase_data(lua_State *L, int res, const char *fn, gsl_matrix **out, gsl_matrix **tm)
{
    if (lua_type(L, res) != LUA_TTABLE)
        lg_errorf(L, "%s: result must be the table c:run returns {t=, out=} (got %s)", fn, luaL_typename(L, res));
    if (lua_getfield(L, res, "out") == LUA_TNIL)
        lg_errorf(L, "%s: result has no 'out' field (pass what c:run returns)", fn);
    *out = lg_tomatrixas(L, lua_gettop(L), fn, "result.out");
    if (lua_getfield(L, res, "t") == LUA_TNIL)
        lg_errorf(L, "%s: result has no 't' field (pass what c:run returns)", fn);
    *tm = lg_tomatrixas(L, lua_gettop(L), fn, "result.t");
    size_t n = (*out)->size1, k = (*out)->size2;
    if (k < 1 || k > 16) lg_errorf(L, "%s: out must have 1..16 columns, got %zu", fn, k);
    if ((*tm)->size1 != n || (*tm)->size2 != 1)
        lg_errorf(L, "%s: t must be %zux1 to match out, got %zux%zu", fn, n, (*tm)->size1, (*tm)->size2);
    if (n < 2) lg_errorf(L, "%s: need at least 2 samples, got %zu", fn, n);
}

/* m's data as one contiguous row-major block (a copy on the stack if m has
 * padding). */
static const double *contiguous(lua_State *L, const gsl_matrix *m)
{
    if (m->tda == m->size2) return m->data;
    gsl_matrix *c = lg_newmatrix(L, m->size1, m->size2);
    gsl_matrix_memcpy(c, m);
    return c->data;
}

/* Onset times per column after skip: a list of lists, into the table on top. */
static void push_onsets(lua_State *L, const gn_rhythm *r, const double *t, const double *x, size_t n,
                        size_t k, const phase_opts *po)
{
    lua_createtable(L, (int)k, 0);
    size_t i0 = 0;
    while (i0 < n && t[i0] < t[0] + po->skip) i0++;
    for (size_t j = 0; j < k; j++) {
        lua_createtable(L, (int)r->nonsets[j], 0);
        if (r->nonsets[j]) {
            /* Scratch kept on the stack (above the table) while copied. */
            double *buf = lua_newuserdatauv(L, r->nonsets[j] * sizeof *buf, 0);
            double lo = r->lo[j], hi = r->hi[j];
            gn_burst_onsets(t + i0, x + i0 * k + j, n - i0, k, lo + po->on * (hi - lo),
                            lo + po->off * (hi - lo), buf, r->nonsets[j]);
            for (size_t q = 0; q < r->nonsets[j]; q++) {
                lua_pushnumber(L, buf[q]);
                lua_rawseti(L, -3, (lua_Integer)q + 1);
            }
            lua_pop(L, 1);
        }
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "onsets");
}

/* The phase table of r: period, ref, active, phase, duty, threshold, order,
 * (names with 4 columns). */
static void push_rhythm(lua_State *L, const gn_rhythm *r, size_t k)
{
    const int named = k == GN_CPG_NPOP;
    lua_createtable(L, 0, 10);
    lua_pushnumber(L, r->period);
    lua_setfield(L, -2, "period");
    lua_pushinteger(L, r->ref + 1);   /* 0 when nothing bursts twice */
    lua_setfield(L, -2, "ref");
    lua_pushinteger(L, r->nactive);
    lua_setfield(L, -2, "active");
    push_array(L, r->phase, k);
    lua_setfield(L, -2, "phase");
    push_array(L, r->duty, k);
    lua_setfield(L, -2, "duty");
    push_array(L, r->thr, k);
    lua_setfield(L, -2, "threshold");
    /* order: the bursting populations by phase; silent: the others (names
     * with 4 columns, else column numbers) */
    size_t nb = (size_t)r->nactive;
    lua_createtable(L, (int)nb, 0);
    for (size_t j = 0; j < k; j++) {
        if (j == nb) {
            lua_setfield(L, -2, "order");
            lua_createtable(L, (int)(k - nb), 0);
        }
        if (named) lua_pushstring(L, gn_cpg_pop_names[r->order[j]]);
        else lua_pushinteger(L, r->order[j] + 1);
        lua_rawseti(L, -2, (lua_Integer)(j < nb ? j + 1 : j - nb + 1));
    }
    if (nb == k) {
        lua_setfield(L, -2, "order");
        lua_createtable(L, 0, 0);
    }
    lua_setfield(L, -2, "silent");
    if (!named) return;
    lua_createtable(L, GN_CPG_NPOP, 0);
    for (int j = 0; j < GN_CPG_NPOP; j++) {
        lua_pushstring(L, gn_cpg_pop_names[j]);
        lua_rawseti(L, -2, j + 1);
    }
    lua_setfield(L, -2, "names");
}

/* cpg.phases(result [, opts]) where result = {t=steps×1, out=steps×k}. */
static int phases_impl(lua_State *L, int res, int opt, const char *fn)
{
    if (opt && !lua_isnoneornil(L, opt)) check_table(L, opt, fn, "{on=, off=, min_range=, ref=, skip=}");
    else opt = 0;
    gsl_matrix *out, *tm;
    phase_data(L, res, fn, &out, &tm);
    size_t n = out->size1, k = out->size2;
    phase_opts po;
    lg_opt_defaults(phase_decl, &po);
    po.skip = 0.25 * (gsl_matrix_get(tm, n - 1, 0) - gsl_matrix_get(tm, 0, 0));
    lg_opt_read(L, opt, fn, phase_decl, &po);
    if (po.ref < 1 || po.ref > (int)k)
        return lg_errorf(L, "%s: option 'ref' must be a column 1..%zu, got %d", fn, k, po.ref);
    /* The core wants a contiguous row-major n×k block and a contiguous t. */
    const double *x = contiguous(L, out), *t = contiguous(L, tm);
    gn_rhythm r;
    gn_err e = { 0 };
    if (gn_rhythm_analyse(t, x, n, k, po.on, po.off, po.min_range, po.ref - 1, po.skip, &r, &e))
        return lg_coreerror(L, fn, &e);
    push_rhythm(L, &r, k);
    push_onsets(L, &r, t, x, n, k, &po);
    return 1;
}

static int l_phases(lua_State *L) { return phases_impl(L, 1, 2, "cpg.phases"); }
static int cpg_phases(lua_State *L) { check_cpg(L, 1); return phases_impl(L, 2, 3, "cpg:phases"); }

static int cpg_period(lua_State *L)
{
    check_cpg(L, 1);
    phases_impl(L, 2, 3, "cpg:period");
    lua_getfield(L, -1, "period");
    return 1;
}

static const luaL_Reg cpg_methods[] = {
    { "run", cpg_run },       { "reset", cpg_reset },   { "state", cpg_state },
    { "rhs", cpg_rhs },       { "params", cpg_params }, { "set", cpg_set },
    { "phases", cpg_phases }, { "period", cpg_period }, { NULL, NULL },
};

/* c.name: a method, a parameter, or t / method / rtol / atol. */
static int cpg_index(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    const char *k = luaL_checkstring(L, 2);
    if (lg_indexmethod(L, k) && !lua_isnil(L, -1))
        return 1;
    lua_pop(L, 1);
    gn_cpg_par p = *gn_cpg_get_par(c);
    double *f = gn_cpg_par_field(&p, k);
    if (f) {
        lua_pushnumber(L, *f);
        return 1;
    }
    if (strcmp(k, "t") == 0)
        lua_pushnumber(L, gn_cpg_time(c));
    else if (strcmp(k, "method") == 0)
        lua_pushstring(L, u->method);
    else if (strcmp(k, "rtol") == 0)
        lua_pushnumber(L, u->rtol);
    else if (strcmp(k, "atol") == 0)
        lua_pushnumber(L, u->atol);
    else
        lua_pushnil(L);
    return 1;
}

/* c.name = value sets a model parameter (checked). */
static int cpg_newindex(lua_State *L)
{
    lcpg *u = check_cpg(L, 1);
    gn_cpg *c = u->c;   /* held: a callback may free u (lg_gc_deferred) */
    const char *k = luaL_checkstring(L, 2);
    if (!gn_cpg_param_find(k))
        return lg_errorf(L, "cpg: unknown parameter '%s' (fields t, method, rtol, atol are "
                          "read-only; see cpg.params)", k);
    if (lua_type(L, 3) != LUA_TNUMBER)
        return lg_errorf(L, "cpg: parameter '%s' must be a number (got %s)", k, luaL_typename(L, 3));
    gn_cpg_par p = *gn_cpg_get_par(c);
    gn_err e = { 0 };
    if (gn_cpg_par_set(&p, k, lua_tonumber(L, 3), &e) || gn_cpg_set_par(c, &p, &e))
        return lg_coreerror(L, "cpg", &e);
    return 0;
}

static int cpg_call(lua_State *L)
{
    lua_remove(L, 1);   /* the cpg table itself */
    return cpg_new(L);
}

int lg_open_cpg(lua_State *L)
{
    /* cpg{}'s declaration: the core's parameter table (its checks stay in
     * the core, so no range here), then the solver options. */
    size_t nk = 0;
    for (size_t i = 0; i < gn_cpg_nparams && nk < CPG_MAXPARAMS; i++, nk++) {
        const gn_cpg_param *row = &gn_cpg_params[i];
        cpg_decl[nk] = (lg_opt){ row->name, LG_OPT_DOUBLE, LG_OPT_KEEP | LG_OPT_FIELD, -HUGE_VAL, HUGE_VAL,
                                 row->def, NULL, offsetof(cpg_opts, p) + row->offset, row->desc, NULL };
    }
    memcpy(cpg_decl + nk, cpg_solver_decl, sizeof cpg_solver_decl);

    static const luaL_Reg meta[] = {
        { "__newindex", cpg_newindex }, { "__gc", cpg_gc }, { "__tostring", cpg_tostring },
        { NULL, NULL },
    };
    lg_newclass(L, CPG_MT, "cpg", meta, cpg_index, cpg_methods);

    /* Global table `cpg`: callable constructor plus cpg.phases, cpg.params
     * (the parameter table: name, default, unit, description), cpg.names
     * and cpg.methods. */
    static const luaL_Reg funcs[] = { { "phases", l_phases }, { "new", cpg_new }, { NULL, NULL } };
    lg_pushmodule(L, cpg_call, funcs);
    lua_createtable(L, (int)gn_cpg_nparams, 0);
    for (size_t i = 0; i < gn_cpg_nparams; i++) {
        const gn_cpg_param *row = &gn_cpg_params[i];
        lua_createtable(L, 0, 4);
        lua_pushstring(L, row->name);
        lua_setfield(L, -2, "name");
        lua_pushnumber(L, row->def);
        lua_setfield(L, -2, "default");
        lua_pushstring(L, row->unit);
        lua_setfield(L, -2, "unit");
        lua_pushstring(L, row->desc);
        lua_setfield(L, -2, "desc");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "params");
    lua_createtable(L, GN_CPG_NPOP, 0);
    for (int j = 0; j < GN_CPG_NPOP; j++) {
        lua_pushstring(L, gn_cpg_pop_names[j]);
        lua_rawseti(L, -2, j + 1);
    }
    lua_setfield(L, -2, "names");
    lua_setglobal(L, "cpg");
    cpg_opts def;
    lg_opt_defaults(cpg_decl, &def);
    gn_cpg_par_default(&def.p);
    lg_opt_publish(L, "cpg", cpg_decl, &def);
    run_opts rdef;
    lg_opt_defaults(run_decl, &rdef);
    lg_opt_publish(L, "cpg.run", run_decl, &rdef);
    phase_opts pdef;
    lg_opt_defaults(phase_decl, &pdef);
    pdef.skip = NAN;   /* depends on the data */
    lg_opt_publish(L, "cpg.phases", phase_decl, &pdef);
    return 0;
}
