/* l_linear.c — Lua binding of the linear rate network: linear{M=, tau=, dt=},
 * lin:run(h [, {method=, v0=}]), lin:eig(), lin:fixed(h). */
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "linear.h"

#define LINEAR_MT "ganglion.linear"

typedef struct {
    gn_linear *lin;    /* owned */
    gsl_vector *v0;    /* owned; initial state of every run (zero by default) */
    int method;        /* default gn_linear_method of run() */
} lg_linear;

static lg_linear *checklinear(lua_State *L, int idx)
{
    return lg_checkobject(L, idx, LINEAR_MT, "linear network");
}

/* linear{...} and lin:run(h, {...}).  method is a choice: 0 "exact", 1 "euler". */
typedef struct {
    double tau, dt;
    int method;
} linear_opts;
#define METHOD(choice) ((choice) == 0 ? GN_LINEAR_EXACT : GN_LINEAR_EULER)

#define LO linear_opts
static const lg_opt linear_decl[] = {
    LG_VALUE("M", LG_OPT_REQUIRED, "n x n weight matrix"),
    LG_NUM("tau", LO, tau, 0, HUGE_VAL, 10, LG_OPT_GT, "time constant"),
    LG_NUM("dt", LO, dt, 0, HUGE_VAL, 1, LG_OPT_GT, "time step (at most tau for euler)"),
    LG_VALUE("v0", 0, "initial state of every run: a number or an n-vector (default 0)"),
    LG_CHOICE("method", LO, method, "exact|euler", "stepping: exact propagator or Euler"),
    LG_OPT_END
};
static const lg_opt run_decl[] = {
    LG_CHOICE("method", LO, method, "exact|euler", "stepping for this run (default the network's)"),
    LG_VALUE("v0", 0, "initial state for this run (default the network's v0)"),
    LG_OPT_END
};
#undef LO

/* linear{M=, tau=10, dt=1, v0=0, method="exact"} */
static int linear_new(lua_State *L, int t)
{
    if (lua_type(L, t) != LUA_TTABLE)
        return lg_errorf(L, "linear: expected an options table linear{M=, tau=, dt=} (got %s)",
                          luaL_typename(L, t));
    linear_opts lo;
    lg_opt_defaults(linear_decl, &lo);
    lg_opt_read(L, t, "linear", linear_decl, &lo);
    gsl_matrix *M = lg_optmatrixfield(L, t, "M");
    if (M->size1 != M->size2)
        return lg_errorf(L, "linear: M must be square (n×n), got %zux%zu", M->size1, M->size2);
    lg_linear *u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, LINEAR_MT);
    int ud = lua_gettop(L);
    gn_err e = {0};
    u->lin = gn_linear_alloc(M, lo.tau, lo.dt, &e);
    if (!u->lin) return lg_coreerror(L, "linear", &e);
    u->method = METHOD(lo.method);
    u->v0 = gsl_vector_calloc(M->size1);
    if (!u->v0) return lg_errorf(L, "linear: out of memory");
    lua_getfield(L, t, "v0");
    if (!lua_isnil(L, -1)) lg_readvector(L, -1, u->v0, LG_VEC_SCALAR, "linear", "v0");
    lua_settop(L, ud);
    return 1;
}

static int linear_call(lua_State *L) { return linear_new(L, 2); }

static int linear_gc(lua_State *L)
{
    lg_linear *u = luaL_checkudata(L, 1, LINEAR_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    gn_linear_free(u->lin);
    if (u->v0) gsl_vector_free(u->v0);
    u->lin = NULL;
    u->v0 = NULL;
    return 0;
}

static int linear_tostring(lua_State *L)
{
    if (lg_freedstring(L, LINEAR_MT, "linear network")) return 1;
    lg_linear *u = checklinear(L, 1);
    char buf[160];
    snprintf(buf, sizeof buf, "linear network: n=%zu tau=%g dt=%g method=%s", u->lin->n, u->lin->tau,
             u->lin->dt, u->method == GN_LINEAR_EXACT ? "exact" : "euler");
    lua_pushstring(L, buf);
    return 1;
}

/* lin:run(h [, {method=, v0=}]) — h T×n, row t the input during step t;
 * returns v T×n, row t the state after step t. */
/* No silent Inf: an unstable network (Re λ > 1) grows as e^{(λ−1)t/τ} and
 * overflows; so does a stable one fed inputs near the double range.  Names
 * the first non-finite state and which of the two it is. */
static void check_run(lua_State *L, const gn_linear *lin, const gsl_matrix *h, const gsl_matrix *v)
{
    size_t n = lin->n;
    for (size_t t = 0; t < v->size1; t++)
        for (size_t i = 0; i < n; i++) {
            double x = gsl_matrix_get(v, t, i);
            if (isfinite(x)) continue;
            gsl_vector *re = gsl_vector_alloc(n), *im = gsl_vector_alloc(n);
            gn_err e = {0};
            /* a large decomposition in a child that Ctrl-C kills */
            gn_cancel c = lg_cancel();
            int est = re && im ? gn_linear_eig(lin, re, im, NULL, NULL, NULL, NULL, &c, &e) : GN_ENOMEM;
            int got = est == GN_OK;
            double lmax = got ? gsl_vector_get(re, 0) : NAN;
            if (re) gsl_vector_free(re);
            if (im) gsl_vector_free(im);
            if (est == GN_EINTR) lg_coreerror(L, "linear:run", &e);
            double hmax = 0;
            for (size_t a = 0; a < h->size1; a++)
                for (size_t b = 0; b < n; b++) hmax = fmax(hmax, fabs(gsl_matrix_get(h, a, b)));
            if (got && lmax > 1)
                lg_errorf(L, "linear:run: v(%zu,%zu) is %g: the network is unstable (an eigenvalue "
                          "of M has real part %.4g > 1, so the state grows as e^{(Re λ - 1) t/tau}) "
                          "and overflowed; use a shorter run or a stable M", t + 1, i + 1, x, lmax);
            lg_errorf(L, "linear:run: v(%zu,%zu) is %g: the state overflowed (largest |h| %.3g, "
                      "largest Re λ of M %.4g); use smaller inputs", t + 1, i + 1, x, hmax, lmax);
        }
}

static int linear_run(lua_State *L)
{
    lg_linear *u = checklinear(L, 1);
    size_t n = u->lin->n;
    if (lua_isnoneornil(L, 2))
        return lg_errorf(L, "linear:run: h (T×%d input matrix) is required", (int)n);
    if (lua_type(L, 2) != LUA_TTABLE && !luaL_testudata(L, 2, LG_MATRIX_MT))
        return lg_errorf(L, "linear:run: h must be a T×%d matrix (got %s)", (int)n, luaL_typename(L, 2));
    gsl_matrix *h = lg_tomatrixas(L, 2, "linear:run", "h");
    if (h->size2 != n)
        return lg_errorf(L, "linear:run: h must be T×%d (one column per unit), got %zux%zu", (int)n,
                          h->size1, h->size2);
    int o = lua_isnoneornil(L, 3) ? 0 : 3;
    if (o && lua_type(L, 3) != LUA_TTABLE)
        return lg_errorf(L, "linear:run: options must be a table {method=, v0=} (got %s)", luaL_typename(L, 3));
    linear_opts ro = {.method = u->method == GN_LINEAR_EXACT ? 0 : 1};
    lg_opt_read(L, o, "linear:run", run_decl, &ro);
    int method = METHOD(ro.method);
    const gsl_vector *v0 = u->v0;
    gsl_vector_view w;
    if (o && lua_getfield(L, 3, "v0") != LUA_TNIL) {
        int at = lua_gettop(L);
        w = gsl_matrix_column(lg_newmatrix(L, n, 1), 0);   /* anchored on the stack */
        lg_readvector(L, at, &w.vector, LG_VEC_SCALAR, "linear:run", "v0");
        v0 = &w.vector;
    }
    gsl_matrix *v = lg_newmatrix(L, h->size1, n);
    gn_err e = {0};
    gn_cancel c = lg_cancel();
    if (gn_linear_run(u->lin, h, v0, method, v, c, &e)) return lg_coreerror(L, "linear:run", &e);
    check_run(L, u->lin, h, v);
    return 1;
}

/* lin:eig() → {values=, imag=, vectors=, vectors_imag=, tau=, omega=, complex=} */
static int linear_eig(lua_State *L)
{
    lg_linear *u = checklinear(L, 1);
    size_t n = u->lin->n;
    lua_createtable(L, 0, 7);
    int tbl = lua_gettop(L);
    gsl_matrix *re = lg_newmatrix(L, n, 1);
    gsl_matrix *im = lg_newmatrix(L, n, 1);
    gsl_matrix *vr = lg_newmatrix(L, n, n);
    gsl_matrix *vi = lg_newmatrix(L, n, n);
    gsl_matrix *tm = lg_newmatrix(L, n, 1);
    gsl_matrix *om = lg_newmatrix(L, n, 1);
    gsl_vector_view rev = gsl_matrix_column(re, 0), imv = gsl_matrix_column(im, 0),
                    tmv = gsl_matrix_column(tm, 0), omv = gsl_matrix_column(om, 0);
    gn_err e = {0};
    gn_cancel c = lg_cancel();   /* a large decomposition runs in a child that Ctrl-C kills */
    if (gn_linear_eig(u->lin, &rev.vector, &imv.vector, vr, vi, &tmv.vector, &omv.vector, &c, &e))
        return lg_coreerror(L, "linear:eig", &e);
    int cplx = 0;
    for (size_t i = 0; i < n; i++) cplx |= gsl_vector_get(&imv.vector, i) != 0;
    /* stack: tbl re im vr vi tm om — popped into the table from the top */
    lua_setfield(L, tbl, "omega");
    lua_setfield(L, tbl, "tau");
    lua_setfield(L, tbl, "vectors_imag");
    lua_setfield(L, tbl, "vectors");
    lua_setfield(L, tbl, "imag");
    lua_setfield(L, tbl, "values");
    lua_pushboolean(L, cplx);
    lua_setfield(L, tbl, "complex");
    return 1;
}

/* lin:fixed(h) — fixed point (I − M)⁻¹ h for a constant input h (number
 * or n-vector; default 0). */
static int linear_fixed(lua_State *L)
{
    lg_linear *u = checklinear(L, 1);
    size_t n = u->lin->n;
    lua_settop(L, 2);
    gsl_vector_view h = gsl_matrix_column(lg_newmatrix(L, n, 1), 0);   /* zero default */
    if (!lua_isnil(L, 2)) lg_readvector(L, 2, &h.vector, LG_VEC_SCALAR, "linear:fixed", "h");
    gsl_vector_view v = gsl_matrix_column(lg_newmatrix(L, n, 1), 0);
    gn_err e = {0};
    gn_cancel c = lg_cancel();   /* a large solve runs in a child that Ctrl-C kills */
    if (gn_linear_fixed(u->lin, &h.vector, &v.vector, &c, &e)) return lg_coreerror(L, "linear:fixed", &e);
    return 1;
}

static const luaL_Reg methods[] = {
    {"run", linear_run},
    {"eig", linear_eig},
    {"fixed", linear_fixed},
    {NULL, NULL}
};

/* Fields: n, tau, dt (numbers), M and v0 (copies), method (string); then
 * methods, including those lua/linear.lua adds to linear.methods. */
static int linear_index(lua_State *L)
{
    lg_linear *u = checklinear(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "n")) lua_pushinteger(L, (lua_Integer)u->lin->n);
    else if (!strcmp(k, "tau")) lua_pushnumber(L, u->lin->tau);
    else if (!strcmp(k, "dt")) lua_pushnumber(L, u->lin->dt);
    else if (!strcmp(k, "M")) lg_pushcopy(L, u->lin->M);
    else if (!strcmp(k, "method")) lua_pushstring(L, u->method == GN_LINEAR_EXACT ? "exact" : "euler");
    else if (!strcmp(k, "v0")) lg_pushcolumn(L, u->v0->data, u->v0->size, u->v0->stride);
    else return lg_indexmethod(L, k);
    return 1;
}

/* v0 and method may be assigned; M, tau and dt fix the cached propagators,
 * so changing them means building a new network. */
static int linear_newindex(lua_State *L)
{
    lg_linear *u = checklinear(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "v0")) lg_readvector(L, 3, u->v0, LG_VEC_SCALAR, "linear", "v0");
    else if (!strcmp(k, "method")) {
        linear_opts lo;
        lg_opt_set(L, 3, "linear", lg_opt_find(linear_decl, "method"), &lo);
        u->method = METHOD(lo.method);
    }
    else
        return lg_errorf(L, "linear: field '%s' is read-only (only v0 and method can be set; "
                          "build a new network with linear{M=, tau=, dt=})", k);
    return 0;
}

int lg_open_linear(lua_State *L)
{
    /* methods table, shared as the global linear.methods so Lua code
     * (lua/linear.lua) can add methods such as lin:phase() */
    static const luaL_Reg meta[] = {
        {"__newindex", linear_newindex}, {"__gc", linear_gc}, {"__tostring", linear_tostring},
        {NULL, NULL}
    };
    lg_newclass(L, LINEAR_MT, "linear", meta, linear_index, methods);

    /* global `linear`: callable table */
    lg_pushmodule(L, linear_call, NULL);
    lua_setglobal(L, "linear");
    linear_opts def;
    lg_opt_defaults(linear_decl, &def);
    lg_opt_publish(L, "linear", linear_decl, &def);
    lg_opt_publish(L, "linear.run", run_decl, &def);
    return 0;
}
