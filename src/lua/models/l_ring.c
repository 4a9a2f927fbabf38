/* l_ring.c — Lua binding of the ring network: ring{...}, ring.notebook{...},
 * r:run{steps=, speed=, cue=, a0=, phase=}, r:bump(activity). */
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ring.h"

#define RING_MT "ganglion.ring"

typedef struct { gn_ring *ring; } lg_ring;

static gn_ring *checkring(lua_State *L, int idx)
{
    return ((lg_ring *)lg_checkobject(L, idx, RING_MT, "ring"))->ring;
}

/* ring{...}: the model parameters go straight into gn_ring_params (first,
 * so their offsets are also the population's own: they are the readable
 * fields), with the preset's values as defaults. */
typedef struct {
    gn_ring_params p;
    int preset;   /* PRESET_ATTRACTOR or PRESET_NOTEBOOK */
} ring_opts;
_Static_assert(offsetof(ring_opts, p) == 0, "parameters first: their offsets are shared");
enum { PRESET_ATTRACTOR, PRESET_NOTEBOOK };

#define RO ring_opts
#define K (LG_OPT_KEEP | LG_OPT_FIELD)
static const lg_opt ring_decl[] = {
    LG_CHOICE("preset", RO, preset, "attractor|notebook", "parameter set the other options override"),
    LG_SIZE("n", RO, p.n, 1, HUGE_VAL, 0, K, "units on the ring"),
    LG_NUM("w0", RO, p.w0, -HUGE_VAL, HUGE_VAL, 0, K, "uniform coupling (negative: inhibition)"),
    LG_NUM("w1", RO, p.w1, -HUGE_VAL, HUGE_VAL, 0, K, "cosine coupling (> 2: attractor)"),
    LG_NUM("h0", RO, p.h0, -HUGE_VAL, HUGE_VAL, 0, K, "uniform external input"),
    LG_NUM("h1", RO, p.h1, -HUGE_VAL, HUGE_VAL, 0, K, "default cue amplitude"),
    LG_NUM("T", RO, p.T, -HUGE_VAL, HUGE_VAL, 0, K, "rectification threshold"),
    LG_NUM("tau", RO, p.tau, 0, HUGE_VAL, 0, K | LG_OPT_GT, "rate time constant"),
    LG_NUM("dt", RO, p.dt, 0, HUGE_VAL, 0, K | LG_OPT_GT, "Euler step (at most tau)"),
    LG_OPT_END
};
#undef RO
#undef K

/* r:run{...}. */
typedef struct {
    size_t steps;
    double speed, cue, phase;
} run_opts;

#define RO run_opts
static const lg_opt run_decl[] = {
    LG_SIZE("steps", RO, steps, 1, HUGE_VAL, 1000, 0, "Euler steps"),
    LG_NUM("speed", RO, speed, -HUGE_VAL, HUGE_VAL, 0, 0, "cue rotation, radians per unit time"),
    LG_NUM("cue", RO, cue, -HUGE_VAL, HUGE_VAL, 0, LG_OPT_KEEP, "cue amplitude (default h1; 0 removes it)"),
    LG_VALUE("a0", 0, "initial state: a number or n-vector (default the last state)"),
    LG_NUM("phase", RO, phase, -HUGE_VAL, HUGE_VAL, 0, LG_OPT_KEEP,
           "cue angle at the start, rad (default where the last run left it)"),
    LG_OPT_END
};
#undef RO

/* Options at index t (may be none): the preset gives the defaults, then
 * each parameter overrides it. */
static int ring_new(lua_State *L, int t, int preset, const char *fn)
{
    if (!lua_isnoneornil(L, t) && lua_type(L, t) != LUA_TTABLE)
        return lg_errorf(L, "%s: expected an options table %s{n=, w0=, ...} (got %s)", fn, fn,
                          luaL_typename(L, t));
    int o = lua_isnoneornil(L, t) ? 0 : t;
    ring_opts ro = {.preset = preset};
    if (o && lua_getfield(L, o, "preset") != LUA_TNIL) lg_opt_set(L, -1, fn, lg_opt_find(ring_decl, "preset"), &ro);
    if (ro.preset == PRESET_NOTEBOOK) gn_ring_params_notebook(&ro.p);
    else gn_ring_params_default(&ro.p);
    lg_opt_read(L, o, fn, ring_decl, &ro);
    if (ro.p.n > 100000000) return lg_errorf(L, "%s: n = %zu is too large", fn, ro.p.n);
    lg_ring *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->ring = NULL;
    luaL_setmetatable(L, RING_MT);
    gn_err e = {0};
    u->ring = gn_ring_alloc(&ro.p, &e);
    if (!u->ring) return lg_coreerror(L, fn, &e);
    return 1;
}

static int ring_call(lua_State *L) { return ring_new(L, 2, PRESET_ATTRACTOR, "ring"); }
static int ring_notebook(lua_State *L) { return ring_new(L, 1, PRESET_NOTEBOOK, "ring.notebook"); }

static int ring_gc(lua_State *L)
{
    lg_ring *u = luaL_checkudata(L, 1, RING_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    gn_ring_free(u->ring);
    u->ring = NULL;
    return 0;
}

/* Names the regime from the mean-field theory (gn_ring_meanfield). */
static const char *regime(const gn_ring_params *p, char *buf, size_t len)
{
    double thc, h, w;
    if (gn_ring_meanfield(p, &thc, &h, &w))
        snprintf(buf, len, "bump attractor: mean-field height %.4g, width %.4g rad", h, w);
    else if (!(p->w1 > 2))
        snprintf(buf, len, "w1 <= 2: input-driven, no bump without a cue");
    else
        snprintf(buf, len, "w1 > 2 but w0 not inhibitory enough (or h0 <= T): no stable bump");
    return buf;
}

static int ring_tostring(lua_State *L)
{
    if (lg_freedstring(L, RING_MT, "ring network")) return 1;
    gn_ring *r = checkring(L, 1);
    char buf[320], reg[128];
    snprintf(buf, sizeof buf, "ring network: n=%zu w0=%g w1=%g h0=%g h1=%g T=%g tau=%g dt=%g (%s)",
             r->p.n, r->p.w0, r->p.w1, r->p.h0, r->p.h1, r->p.T, r->p.tau, r->p.dt,
             regime(&r->p, reg, sizeof reg));
    lua_pushstring(L, buf);
    return 1;
}

/* r:meanfield() → {bump=, half_width=, height=, width=, regime=} */
static int ring_meanfield(lua_State *L)
{
    gn_ring *r = checkring(L, 1);
    double thc, h, w;
    char reg[128];
    int ok = gn_ring_meanfield(&r->p, &thc, &h, &w);
    if (ok && !(isfinite(thc) && isfinite(h) && isfinite(w)))
        return lg_errorf(L, "ring:meanfield: the mean-field bump is not finite (half-width %g, "
                          "height %g) for w0 = %g, w1 = %g, h0 = %g: the parameters are too large",
                          thc, h, r->p.w0, r->p.w1, r->p.h0);
    lua_createtable(L, 0, 5);
    lua_pushboolean(L, ok);
    lua_setfield(L, -2, "bump");
    /* Without a bump there is no width or height: the fields are absent
     * (nil, so arithmetic on them fails loudly), not NaN. */
    if (ok) {
        lua_pushnumber(L, thc);
        lua_setfield(L, -2, "half_width");
        lua_pushnumber(L, h);
        lua_setfield(L, -2, "height");
        lua_pushnumber(L, w);
        lua_setfield(L, -2, "width");
    }
    lua_pushstring(L, regime(&r->p, reg, sizeof reg));
    lua_setfield(L, -2, "regime");
    return 1;
}

/* r:run{steps=1000, speed=0, cue=h1, a0=<last state>, phase=<where the cue
 * was left>} → steps×n activity, row k after step k. */
static int ring_run(lua_State *L)
{
    gn_ring *r = checkring(L, 1);
    size_t n = r->p.n;
    if (!lua_isnoneornil(L, 2) && lua_type(L, 2) != LUA_TTABLE)
        return lg_errorf(L, "ring:run: expected an options table r:run{steps=, speed=, cue=, a0=} (got %s)",
                          luaL_typename(L, 2));
    int o = lua_isnoneornil(L, 2) ? 0 : 2;
    run_opts ro;
    lg_opt_defaults(run_decl, &ro);
    ro.cue = r->p.h1;
    ro.phase = NAN;   /* the core's "where the last run left the cue" */
    lg_opt_read(L, o, "ring:run", run_decl, &ro);
    size_t steps = ro.steps;
    gsl_vector *a0 = NULL;
    gsl_vector_view av;
    if (o && lua_getfield(L, o, "a0") != LUA_TNIL) {
        int at = lua_gettop(L);
        av = gsl_matrix_column(lg_newmatrix(L, n, 1), 0);   /* anchored on the stack */
        lg_readvector(L, at, &av.vector, LG_VEC_SCALAR, "ring:run", "a0");
        a0 = &av.vector;
    }
    if ((double)steps * (double)n > (double)GN_MAX_ELEMS)
        return lg_errorf(L, "ring:run: %zu steps × %zu units is too large", steps, n);
    gsl_matrix *out = lg_newmatrix(L, steps, n);
    gn_err e = {0};
    gn_cancel c = lg_cancel();
    if (gn_ring_run(r, steps, ro.speed, ro.cue, ro.phase, a0, out, c, &e))
        return lg_coreerror(L, "ring:run", &e);
    /* No silent NaN: name the first non-finite rate and the likely cause. */
    for (size_t k = 0; k < out->size1; k++)
        for (size_t i = 0; i < out->size2; i++) {
            double v = gsl_matrix_get(out, k, i);
            if (!isfinite(v))
                return lg_errorf(L, "ring:run: the rate of unit %zu is %g after step %zu: the "
                                 "activity overflowed (w0 = %g, w1 = %g, h0 = %g, h1 = %g, cue = "
                                 "%g); use smaller weights or inputs", i + 1, v, k + 1, r->p.w0,
                                 r->p.w1, r->p.h0, r->p.h1, ro.cue);
        }
    return 1;
}

/* r:bump(activity) or ring.bump(activity) → {position=, unwrapped=,
 * width=, height=}, each rows×1. */
static int ring_bump(lua_State *L)
{
    int a = 1;
    gn_ring *r = NULL;
    if (luaL_testudata(L, 1, RING_MT)) {
        r = checkring(L, 1);
        a = 2;
    }
    const char *fn = r ? "ring:bump" : "ring.bump";
    if (lua_type(L, a) != LUA_TTABLE && !luaL_testudata(L, a, LG_MATRIX_MT))
        return lg_errorf(L, "%s: activity must be a steps×n matrix (got %s)", fn, luaL_typename(L, a));
    gsl_matrix *A = lg_tomatrixas(L, a, fn, "activity");
    size_t n = r ? r->p.n : A->size2;
    gsl_matrix_view one;
    /* a single n×1 state (e.g. r.state) is one row */
    if (A->size2 == 1 && A->size1 == n && n > 1) {
        one = gsl_matrix_view_array(A->data, 1, n);
        if (A->tda != 1) {
            gsl_matrix *c = lg_newmatrix(L, 1, n);
            for (size_t i = 0; i < n; i++) gsl_matrix_set(c, 0, i, gsl_matrix_get(A, i, 0));
            A = c;
        } else A = &one.matrix;
    }
    if (A->size2 != n)
        return lg_errorf(L, "%s: activity must have %zu columns (one per unit), got %zux%zu", fn, n,
                          A->size1, A->size2);
    if (n < 3) return lg_errorf(L, "%s: need at least 3 units on the ring, got %zu", fn, n);
    size_t rows = A->size1;
    lua_createtable(L, 0, 4);
    gsl_vector_view pos = gsl_matrix_column(lg_newmatrix(L, rows, 1), 0);
    lua_setfield(L, -2, "position");
    gsl_vector_view uw = gsl_matrix_column(lg_newmatrix(L, rows, 1), 0);
    lua_setfield(L, -2, "unwrapped");
    gsl_vector_view wd = gsl_matrix_column(lg_newmatrix(L, rows, 1), 0);
    lua_setfield(L, -2, "width");
    gsl_vector_view ht = gsl_matrix_column(lg_newmatrix(L, rows, 1), 0);
    lua_setfield(L, -2, "height");
    gn_err e = {0};
    if (gn_ring_bump(A, &pos.vector, &uw.vector, &wd.vector, &ht.vector, &e))
        return lg_coreerror(L, fn, &e);
    /* A flat row has no position (NaN, documented); when every row is flat
     * there is no bump at all, and a column of NaN would say nothing. */
    size_t flat = 0;
    for (size_t t = 0; t < rows; t++) flat += isnan(gsl_vector_get(&pos.vector, t));
    if (rows > 0 && flat == rows)
        return lg_errorf(L, "%s: the activity is flat in every row (%s): there is no bump, so no "
                         "position; run the ring with a cue first", fn,
                         gsl_vector_get(&ht.vector, 0) == 0 && gsl_matrix_get(A, 0, 0) == 0
                             ? "all zero" : "no unit stands out");
    return 1;
}

static const luaL_Reg methods[] = {
    {"run", ring_run},
    {"bump", ring_bump},
    {"meanfield", ring_meanfield},
    {NULL, NULL}
};

/* Fields: n and the parameters (numbers), state (n×1 copy of the last
 * state), theta (n×1 preferred angles), phase (cue angle); then methods. */
static int ring_index(lua_State *L)
{
    gn_ring *r = checkring(L, 1);
    const char *k = luaL_checkstring(L, 2);
    const lg_opt *f = lg_opt_find(ring_decl, k);
    if (f && (f->flags & LG_OPT_FIELD)) lg_opt_push(L, f, &r->p);
    else if (!strcmp(k, "phase")) lua_pushnumber(L, r->phase);
    else if (!strcmp(k, "state")) lg_pushcolumn(L, r->r->data, r->p.n, r->r->stride);
    else if (!strcmp(k, "theta")) {
        gsl_matrix *m = lg_newmatrix(L, r->p.n, 1);
        for (size_t i = 0; i < r->p.n; i++) gsl_matrix_set(m, i, 0, 2 * M_PI * (double)i / (double)r->p.n);
    } else return lg_indexmethod(L, k);
    return 1;
}

static int ring_newindex(lua_State *L)
{
    gn_ring *r = checkring(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "state")) lg_readvector(L, 3, r->r, LG_VEC_SCALAR, "ring", "state");
    else if (!strcmp(k, "phase")) {
        if (lua_type(L, 3) != LUA_TNUMBER)
            return lg_errorf(L, "ring: phase must be a number (got %s)", luaL_typename(L, 3));
        double v = lua_tonumber(L, 3);
        if (!isfinite(v)) return lg_errorf(L, "ring: phase must be finite, got %f", v);
        r->phase = remainder(v, 2 * M_PI);
    } else
        return lg_errorf(L, "ring: field '%s' is read-only (state and phase can be set; "
                          "build a new ring with ring{...} to change parameters)", k);
    return 0;
}

int lg_open_ring(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__newindex", ring_newindex}, {"__gc", ring_gc}, {"__tostring", ring_tostring}, {NULL, NULL}
    };
    lg_newclass(L, RING_MT, "ring", meta, ring_index, methods);

    /* global `ring`: callable table with ring.notebook, ring.bump and
     * ring.methods (where lua/ring.lua may add methods) */
    static const luaL_Reg funcs[] = {{"notebook", ring_notebook}, {"bump", ring_bump}, {NULL, NULL}};
    lg_pushmodule(L, ring_call, funcs);
    lua_setglobal(L, "ring");
    ring_opts def = {.preset = PRESET_ATTRACTOR};
    gn_ring_params_default(&def.p);
    lg_opt_publish(L, "ring", ring_decl, &def);
    run_opts rdef;
    lg_opt_defaults(run_decl, &rdef);
    rdef.cue = rdef.phase = NAN;   /* defaults that depend on the ring: not shown as numbers */
    lg_opt_publish(L, "ring.run", run_decl, &rdef);
    return 0;
}
