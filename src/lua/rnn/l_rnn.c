/* l_rnn.c — Lua binding of the rate RNN: rnn{...}, fields, run/loss/grad,
 * copy/save/load, and the batch and workspace helpers other bindings use. */
#include "l_rnn.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>

#include "l_util.h"
#include "l_opt.h"
#include "l_matrix.h"
#include "interrupt.h"

#define METHODS_KEY "ganglion.rnn.methods"

typedef struct {
    gn_rnn *net;        /* owned; freed by __gc */
    int pins;           /* running bindings that hold net (lg_usernn) */
    const char *user;   /* the outermost of them ("train"), for messages */
} lg_rnn;

#define LG_RNNPIN_MT "ganglion.rnnpin"

/* A pin: a to-be-closed value in the frame of a binding that holds the
 * network's core pointer; closing it (return, error) or collecting it (a
 * coroutine that died with the binding on its stack) releases the pin. */
typedef struct {
    lg_rnn *u;   /* NULL once released */
} lg_pin;

typedef struct {
    gn_batch *b;
} lg_batchud;

typedef struct {
    gn_rnn_work *w;
} lg_workud;

/* ---- userdata ---------------------------------------------------------------- */

gn_rnn *lg_checkrnn(lua_State *L, int idx)
{
    return ((lg_rnn *)lg_checkobject(L, idx, LG_RNN_MT, "rnn"))->net;
}

void lg_pushrnn(lua_State *L, gn_rnn *net)
{
    lg_rnn *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->net = NULL;
    u->pins = 0;
    u->user = NULL;
    luaL_setmetatable(L, LG_RNN_MT);
    u->net = net;
}

static int pin_release(lua_State *L)
{
    lg_pin *p = lua_touserdata(L, 1);
    if (p && p->u) {
        if (p->u->pins > 0 && --p->u->pins == 0) p->u->user = NULL;
        p->u = NULL;
    }
    return 0;
}

gn_rnn *lg_usernn(lua_State *L, int nargs, const char *fn)
{
    lua_settop(L, nargs);
    lg_rnn *u = lg_checkobject(L, 1, LG_RNN_MT, "rnn");
    lg_pin *p = lua_newuserdatauv(L, sizeof *p, 1);
    p->u = NULL;
    luaL_setmetatable(L, LG_RNNPIN_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);   /* the pin keeps the userdata alive */
    /* allocating may have run a finaliser that freed the net: check again */
    u = lg_checkobject(L, 1, LG_RNN_MT, "rnn");
    p->u = u;
    if (u->pins++ == 0) u->user = fn;
    lua_toclose(L, -1);
    return u->net;
}

void lg_rnn_replace(lua_State *L, int idx, gn_rnn *net, const char *fn)
{
    lg_rnn *u = luaL_checkudata(L, idx, LG_RNN_MT);
    if (!u->net) {
        gn_rnn_free(net);
        lg_errorf(L, "%s: the network has been freed", fn);
    }
    if (u->pins > 1) {
        const char *by = u->user ? u->user : "another call";
        gn_rnn_free(net);
        lg_errorf(L, "%s: the network is in use by %s, which called back into Lua (a task, an "
                  "options table or a finaliser); change its size after %s returns", fn, by, by);
    }
    if (u->net != net) gn_rnn_free(u->net);
    u->net = net;
}

/* The shared method table (created on first use, so another binding may add
 * methods whichever order the modules open in). */
static void push_methods(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, METHODS_KEY);
}

void lg_rnn_addmethods(lua_State *L, const luaL_Reg *methods)
{
    push_methods(L);
    luaL_setfuncs(L, methods, 0);
    lua_pop(L, 1);
}

static int rnn_gc(lua_State *L)
{
    lg_rnn *u = luaL_checkudata(L, 1, LG_RNN_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    gn_rnn_free(u->net);
    u->net = NULL;
    return 0;
}

static int batch_gc(lua_State *L)
{
    lg_batchud *u = luaL_checkudata(L, 1, LG_BATCH_MT);
    if (!lg_gc_by_collector(L)) return 0;   /* internal: only the collector frees it */
    gn_batch_free(u->b);
    u->b = NULL;
    return 0;
}

static int work_gc(lua_State *L)
{
    lg_workud *u = luaL_checkudata(L, 1, LG_RNNWORK_MT);
    if (!lg_gc_by_collector(L)) return 0;   /* internal: only the collector frees it */
    gn_rnn_work_free(u->w);
    u->w = NULL;
    return 0;
}

/* ---- helpers for other bindings ---------------------------------------------- */

/* Converts list[i] (pushed on the stack) to a matrix; leaves it on top. */
static gsl_matrix *list_matrix(lua_State *L, int list, lua_Integer i, const char *fn,
                               const char *field)
{
    char what[48];
    snprintf(what, sizeof what, "batch.%s[%d]", field, (int)i);
    lua_rawgeti(L, list, i);
    return lg_tomatrixas(L, -1, fn, what);
}

/* A batch matrix must be finite; a mask also >= 0. */
static void check_batch_values(lua_State *L, const gsl_matrix *m, const char *fn, const char *field,
                               lua_Integer k, int nonneg)
{
    int ok = 1;   /* the message is made only when it is needed */
    for (size_t i = 0; i < m->size1 && ok; i++) {
        const double *row = m->data + i * m->tda;
        ok = gn_all_finite(row, m->size2);
        for (size_t j = 0; nonneg && ok && j < m->size2; j++) ok = row[j] >= 0;
    }
    if (ok) return;
    char what[48];
    snprintf(what, sizeof what, "batch.%s[%d]", field, (int)k);
    lg_checkfinite(L, m, fn, what);
    for (size_t i = 0; nonneg && i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (gsl_matrix_get(m, i, j) < 0)
                lg_errorf(L, "%s: %s has a negative value at (%zu,%zu)", fn, what, i + 1, j + 1);
}

gn_batch *lg_tobatch(lua_State *L, int idx, const gn_rnn *net, int need_target, const char *fn)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        lg_errorf(L, "%s: batch must be a table {u=, target=, mask=}, got %s", fn, luaL_typename(L, idx));
    int top = lua_gettop(L);
    const char *fields[3] = { "u", "target", "mask" };
    int list[3];
    lua_Integer B = 0;
    for (int f = 0; f < 3; f++) {
        int ty = lua_getfield(L, idx, fields[f]);
        list[f] = lua_gettop(L);
        if (ty == LUA_TNIL) {
            if (f == 0 || (f == 1 && need_target))
                lg_errorf(L, "%s: batch.%s is missing (a list of matrices)", fn, fields[f]);
            list[f] = 0;
            continue;
        }
        if (ty != LUA_TTABLE)
            lg_errorf(L, "%s: batch.%s must be a list of matrices, got %s", fn, fields[f],
                      lua_typename(L, ty));
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        if (f == 0) {
            if (len < 1) lg_errorf(L, "%s: batch.u is empty", fn);
            B = len;
        } else if (len != B) {
            lg_errorf(L, "%s: batch.%s has %d trials, batch.u has %d", fn, fields[f], (int)len, (int)B);
        }
    }
    if (!list[1] && list[2]) lg_errorf(L, "%s: batch.mask given without batch.target", fn);
    /* T from the first trial */
    gsl_matrix *u1 = list_matrix(L, list[0], 1, fn, "u");
    size_t T = u1->size1;
    lua_pop(L, 1);
    size_t no = net->nout, ni = net->nin;
    lg_batchud *ud = lua_newuserdatauv(L, sizeof *ud, 0);
    ud->b = NULL;
    luaL_setmetatable(L, LG_BATCH_MT);
    int udi = lua_gettop(L);
    gn_err e = {0};
    ud->b = gn_batch_alloc((size_t)B, T, ni, no, list[1] != 0, &e);
    if (!ud->b) lg_coreerror(L, fn, &e);
    for (lua_Integer k = 1; k <= B; k++) {
        int mark = lua_gettop(L);
        gsl_matrix *m[3] = { NULL, NULL, NULL };
        size_t cols[3] = { ni, no, no };
        for (int f = 0; f < 3; f++) {
            if (!list[f]) continue;
            m[f] = list_matrix(L, list[f], k, fn, fields[f]);
            if (m[f]->size1 != T || m[f]->size2 != cols[f])
                lg_errorf(L, "%s: batch.%s[%d] must be %zux%zu (steps x %s), got %zux%zu", fn,
                          fields[f], (int)k, T, cols[f], f == 0 ? "inputs" : "outputs",
                          m[f]->size1, m[f]->size2);
            check_batch_values(L, m[f], fn, fields[f], k, f == 2);
        }
        if (gn_batch_set_trial(ud->b, (size_t)(k - 1), m[0], m[1], m[2], &e)) lg_coreerror(L, fn, &e);
        lua_settop(L, mark);
    }
    if (ud->b->mask && !(gn_batch_mask_sum(ud->b) > 0) && need_target)
        lg_errorf(L, "%s: batch.mask is zero everywhere", fn);
    lua_pushvalue(L, udi);
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return ud->b;
}

/* Two slices (on two threads where there are two CPUs) pay off once a
 * step's GEMM is big enough to hide thread start.  By sizes only: the
 * slices fix the numbers, so a session gives the same results on any
 * machine. */
static int default_threads(const gn_rnn *net, size_t B, size_t T)
{
    return (B >= 2 && (double)net->n * net->n * B * T > 2e6) ? 2 : 1;
}

gn_rnn_work *lg_newrnnwork(lua_State *L, const gn_rnn *net, size_t B, size_t T, int nthreads)
{
    if (nthreads <= 0) nthreads = default_threads(net, B, T);
    lg_workud *ud = lua_newuserdatauv(L, sizeof *ud, 0);
    ud->w = NULL;
    luaL_setmetatable(L, LG_RNNWORK_MT);
    gn_err e = {0};
    ud->w = gn_rnn_work_alloc(net, B, T, nthreads, &e);
    if (!ud->w) lg_coreerror(L, "rnn", &e);
    /* Long passes (net:run, loss, grad, score on big batches) poll Ctrl-C;
     * lg_cancel's value never changes, so one static copy serves them all. */
    static gn_cancel cancel;
    cancel = lg_cancel();
    gn_rnn_work_set_cancel(ud->w, &cancel);
    return ud->w;
}

static const char *const param_names[6] = { "W", "Win", "b", "Wout", "bout", "x0" };

static gsl_matrix *param_matrix(gn_rnn *net, int i)
{
    gsl_matrix *m[6] = { net->W, net->Win, net->b, net->Wout, net->bout, net->x0 };
    return m[i];
}

void lg_pushparamtable(lua_State *L, const gn_rnn *net, const double *p)
{
    size_t off[7];
    gn_rnn_param_offsets(net, off);
    lua_createtable(L, 0, 6);
    for (int i = 0; i < 6; i++) {
        const gsl_matrix *ref = param_matrix((gn_rnn *)net, i);
        gsl_matrix *m = lg_newmatrix(L, ref->size1, ref->size2);
        memcpy(m->data, p + off[i], ref->size1 * ref->size2 * sizeof(double));
        lua_setfield(L, -2, param_names[i]);
    }
}

/* ---- constructor and load ------------------------------------------------------ */

/* rnn{...}. */
typedef struct {
    size_t n, inputs, outputs;
    double tau, dt, g, noise;
    int activation;   /* index into "tanh|relu|softplus" */
    double seed;      /* NaN: none (draw from the global generator) */
} rnn_opts;

#define RO rnn_opts
static const lg_opt rnn_decl[] = {
    LG_SIZE("n", RO, n, 1, GN_RNN_MAX_N, 0, LG_OPT_REQUIRED, "number of units"),
    LG_SIZE("inputs", RO, inputs, 1, GN_RNN_MAX_IO, 1, 0, "input channels"),
    LG_SIZE("outputs", RO, outputs, 1, GN_RNN_MAX_IO, 1, 0, "readout channels"),
    LG_NUM("tau", RO, tau, 0, HUGE_VAL, 10, LG_OPT_GT, "time constant (steps of dt)"),
    LG_NUM("dt", RO, dt, 0, HUGE_VAL, 1, LG_OPT_GT, "Euler step"),
    LG_CHOICE("activation", RO, activation, "tanh|relu|softplus", "rate function f"),
    LG_NUM("g", RO, g, 0, HUGE_VAL, 1.5, 0, "gain of the random recurrent weights (std g/sqrt(n))"),
    LG_NUM("noise", RO, noise, 0, HUGE_VAL, 0, 0, "state noise amplitude"),
    LG_NUM("seed", RO, seed, -9007199254740992.0, 9007199254740992.0, NAN, LG_OPT_WHOLE | LG_OPT_NODEF,
           "integer seed for this net alone (default: the global generator)"),
    LG_OPT_END
};
#undef RO

static int rnn_new(lua_State *L)
{
    /* called as rnn{...}: argument 1 is the rnn table itself */
    if (lua_type(L, 2) != LUA_TTABLE)
        return lg_errorf(L, "rnn: expected an options table rnn{n=, inputs=, outputs=, ...} (got %s)",
                         luaL_typename(L, 2));
    rnn_opts ro;
    lg_opt_defaults(rnn_decl, &ro);
    lg_opt_read(L, 2, "rnn", rnn_decl, &ro);
    if (ro.dt > ro.tau)
        lg_errorf(L, "rnn: option 'dt' (%g) must not exceed 'tau' (%g): the Euler step overshoots",
                  ro.dt, ro.tau);
    gn_act act;
    lg_opt_push(L, lg_opt_find(rnn_decl, "activation"), &ro);
    gn_act_parse(lua_tostring(L, -1), &act);
    lua_pop(L, 1);
    int has_seed = !isnan(ro.seed);
    long long seed = has_seed ? (long long)ro.seed : 0;
    gn_err e = {0};
    gn_rnn *net = gn_rnn_alloc(ro.n, ro.inputs, ro.outputs, &e);
    if (!net && e.code == GN_ENOMEM && lg_reclaim(L))   /* garbage may hold the bytes */
        net = gn_rnn_alloc(ro.n, ro.inputs, ro.outputs, &e);
    if (!net) return lg_coreerror(L, "rnn", &e);
    lg_pushrnn(L, net);   /* owned by Lua from here on */
    net->tau = ro.tau; net->dt = ro.dt; net->noise = ro.noise; net->act = act;
    /* seed= gives a reproducible net without touching the global generator */
    gsl_rng *rng = has_seed ? gsl_rng_alloc(gsl_rng_mt19937) : lg_rng(L);
    if (!rng) return lg_errorf(L, "rnn: out of memory");
    if (has_seed) gsl_rng_set(rng, (unsigned long)seed);
    int st = gn_rnn_init(net, ro.g, rng, &e);
    if (has_seed) gsl_rng_free(rng);
    if (st) return lg_coreerror(L, "rnn", &e);
    return 1;
}

/* A path argument at idx of fn. */
static const char *check_path(lua_State *L, int idx, const char *fn)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        lg_errorf(L, "%s: path must be a string (got %s)", fn, luaL_typename(L, idx));
    return lua_tostring(L, idx);
}

static int rnn_load(lua_State *L)
{
    const char *path = check_path(L, 1, "rnn.load");
    gn_err e = {0};
    gn_rnn *net = gn_rnn_load(path, &e);
    if (!net && e.code == GN_ENOMEM && lg_reclaim(L)) net = gn_rnn_load(path, &e);
    if (!net) return lg_coreerror(L, "rnn.load", &e);
    lg_pushrnn(L, net);
    return 1;
}

/* ---- fields -------------------------------------------------------------------- */

static int param_index(const char *k)
{
    for (int i = 0; i < 6; i++) if (strcmp(k, param_names[i]) == 0) return i;
    return -1;
}

static int rnn_index(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 2, "net.field");
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    const char *k = lua_tostring(L, 2);
    int p = param_index(k);
    if (p >= 0) { lg_pushcopy(L, param_matrix(net, p)); return 1; }
    if (strcmp(k, "n") == 0) { lua_pushinteger(L, (lua_Integer)net->n); return 1; }
    if (strcmp(k, "inputs") == 0) { lua_pushinteger(L, (lua_Integer)net->nin); return 1; }
    if (strcmp(k, "outputs") == 0) { lua_pushinteger(L, (lua_Integer)net->nout); return 1; }
    if (strcmp(k, "tau") == 0) { lua_pushnumber(L, net->tau); return 1; }
    if (strcmp(k, "dt") == 0) { lua_pushnumber(L, net->dt); return 1; }
    if (strcmp(k, "noise") == 0) { lua_pushnumber(L, net->noise); return 1; }
    if (strcmp(k, "activation") == 0) { lua_pushstring(L, gn_act_name(net->act)); return 1; }
    if (strcmp(k, "nparams") == 0) { lua_pushinteger(L, (lua_Integer)gn_rnn_nparams(net)); return 1; }
    push_methods(L);
    lua_getfield(L, -1, k);
    return 1;
}

static int rnn_newindex(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 3, "a field assignment");
    const char *k = luaL_checkstring(L, 2);
    int p = param_index(k);
    if (p >= 0) {
        gsl_matrix *dst = param_matrix(net, p);
        gsl_matrix *m = lg_tomatrixas(L, 3, "rnn", k);
        if (m->size1 != dst->size1 || m->size2 != dst->size2)
            lg_errorf(L, "rnn.%s must be %zux%zu, got %zux%zu", k, dst->size1, dst->size2,
                      m->size1, m->size2);
        lg_checkfinite(L, m, "rnn", k);
        gsl_matrix_memcpy(dst, m);
        return 0;
    }
    if (strcmp(k, "tau") == 0 || strcmp(k, "dt") == 0 || strcmp(k, "noise") == 0) {
        if (lua_type(L, 3) != LUA_TNUMBER) lg_errorf(L, "rnn.%s must be a number, got %s", k, luaL_typename(L, 3));
        double v = lua_tonumber(L, 3);
        int noise = k[0] == 'n';
        if (!isfinite(v) || (noise ? v < 0 : v <= 0))
            lg_errorf(L, "rnn.%s must be finite and %s, got %g", k, noise ? ">= 0" : "> 0", v);
        if ((k[0] == 't' && net->dt > v) || (k[0] == 'd' && v > net->tau))
            lg_errorf(L, "rnn.%s: dt must not exceed tau (dt %g, tau %g)", k, k[0] == 'd' ? v : net->dt,
                      k[0] == 't' ? v : net->tau);
        if (k[0] == 't') net->tau = v; else if (k[0] == 'd') net->dt = v; else net->noise = v;
        return 0;
    }
    if (strcmp(k, "activation") == 0) {
        if (lua_type(L, 3) != LUA_TSTRING)
            lg_errorf(L, "rnn.activation must be \"tanh\", \"relu\" or \"softplus\" (got %s)",
                      luaL_typename(L, 3));
        const char *s = lua_tostring(L, 3);
        gn_act a;
        if (gn_act_parse(s, &a))
            lg_errorf(L, "rnn.activation must be \"tanh\", \"relu\" or \"softplus\", got \"%s\"", s);
        net->act = a;
        return 0;
    }
    if (strcmp(k, "n") == 0 || strcmp(k, "inputs") == 0 || strcmp(k, "outputs") == 0)
        return lg_errorf(L, "rnn.%s is read-only (use merge/delete to change the size)", k);
    return lg_errorf(L, "rnn has no field '%s' (fields: n, inputs, outputs, tau, dt, activation, "
                     "noise, W, Win, b, Wout, bout, x0)", k);
}

static int rnn_tostring(lua_State *L)
{
    if (lg_freedstring(L, LG_RNN_MT, "rnn")) return 1;
    gn_rnn *net = lg_checkrnn(L, 1);
    double wmax = 0;
    for (size_t i = 0; i < net->n * net->n; i++) wmax = fmax(wmax, fabs(net->W->data[i]));
    char buf[256];
    snprintf(buf, sizeof buf, "rnn{n=%zu, inputs=%zu, outputs=%zu, tau=%g, dt=%g, activation=\"%s\", "
             "noise=%g}  %zu parameters, max|W| %.3g", net->n, net->nin, net->nout, net->tau, net->dt,
             gn_act_name(net->act), net->noise, gn_rnn_nparams(net), wmax);
    lua_pushstring(L, buf);
    return 1;
}

/* ---- methods ---------------------------------------------------------------------- */

/* net:run's workspace is kept between calls (one per Lua state, in the
 * registry): a 200-trial evaluation batch needs tens of megabytes of
 * traces, and faulting them in afresh on every call cost more than the
 * run's arithmetic.  Workspaces above RUNWORK_MAX doubles are not kept. */
#define RUNWORK_KEY "ganglion.rnn.runwork"
#define RUNWORK_MAX 4e7

/* A workspace for net on B×T pushed on the stack: the kept one when it fits,
 * also for a net with fewer units than it was made for (condense shrinks
 * its net a unit at a time, and fresh memory for every size cost more than
 * the runs), taken out of the registry while in use, so that a finaliser
 * running a net meanwhile makes its own; else a new one. */
static gn_rnn_work *run_work(lua_State *L, const gn_rnn *net, size_t B, size_t T)
{
    int want = default_threads(net, B, T);
    lua_getfield(L, LUA_REGISTRYINDEX, RUNWORK_KEY);
    lg_workud *u = luaL_testudata(L, -1, LG_RNNWORK_MT);
    if (u && u->w && (gn_rnn_work_threads(u->w) == want || B == 1) && gn_rnn_work_adapt(u->w, net, B, T)) {
        lua_pushnil(L);
        lua_setfield(L, LUA_REGISTRYINDEX, RUNWORK_KEY);
        return u->w;
    }
    if (u && u->w) {   /* not in use (it is in the registry): free its memory now */
        gn_rnn_work_free(u->w);
        u->w = NULL;
    }
    lua_pop(L, 1);
    return lg_newrnnwork(L, net, B, T, want);
}

/* Keeps the workspace userdata at idx for the next run (when not too big). */
static void run_work_keep(lua_State *L, int idx, const gn_rnn *net, size_t B, size_t T)
{
    double size = (double)(T + 1) * (double)B * (double)(5 * net->n + net->nin + 2 * net->nout);
    if (size > RUNWORK_MAX) return;
    lua_pushvalue(L, idx);
    lua_setfield(L, LUA_REGISTRYINDEX, RUNWORK_KEY);
}

/* Raises an error naming the first non-finite state (x or y, stacked
 * B·T×cols, trial-major) and the likely cause: no run returns NaN or Inf
 * without a word. */
static void check_traces(lua_State *L, const gn_rnn *net, const gsl_matrix *X, const gsl_matrix *Y,
                         size_t B, size_t T)
{
    if (gn_all_finite(X->data, X->size1 * X->size2) && gn_all_finite(Y->data, Y->size1 * Y->size2)) return;
    const gsl_matrix *m[2] = { X, Y };
    for (int q = 0; q < 2; q++)
        for (size_t row = 0; row < m[q]->size1; row++)
            for (size_t i = 0; i < m[q]->size2; i++) {
                double v = m[q]->data[row * m[q]->tda + i];
                if (isfinite(v)) continue;
                double wmax = 0;
                for (size_t a = 0; a < net->n * net->n; a++) wmax = fmax(wmax, fabs(net->W->data[a]));
                char trial[32] = "";
                if (B > 1) snprintf(trial, sizeof trial, " of trial %zu", row / T + 1);
                lg_errorf(L, "rnn:run: %s[%zu,%zu]%s is %g: the network diverged (max|W| %.3g, "
                          "dt/tau %.3g, noise %.3g, activation %s); reduce g or W, dt/tau or noise",
                          q ? "y" : "x", row % T + 1, i + 1, trial, v, wmax, net->dt / net->tau,
                          net->noise, gn_act_name(net->act));
            }
}

/* A loss that is NaN or Inf is an error here (training handles its own:
 * it rolls back); the likely causes are the ones rnn:run names. */
static void check_loss(lua_State *L, const gn_rnn *net, double loss, const char *fn)
{
    if (isfinite(loss)) return;
    double wmax = 0;
    for (size_t a = 0; a < net->n * net->n; a++) wmax = fmax(wmax, fabs(net->W->data[a]));
    lg_errorf(L, "%s: the loss is %g: the network diverged or its outputs overflowed (max|W| %.3g, "
              "dt/tau %.3g, noise %.3g, activation %s); reduce g or W, dt/tau, noise or the targets",
              fn, loss, wmax, net->dt / net->tau, net->noise, gn_act_name(net->act));
}

static gsl_rng *noise_rng(lua_State *L, const gn_rnn *net)
{
    return net->noise > 0 ? lg_rng(L) : NULL;
}

/* The traces of the last forward pass in w: all trials stacked into three
 * matrices (x, r: B·T×n, y: B·T×nout, trial k in rows kT+1..(k+1)T), each
 * allocated once; trial k's {x=, r=, y=} are views into them.  A single
 * trial (is_batch = 0) pushes its {x=, r=, y=}; a batch pushes the list of
 * trials with the stacked matrices as its fields X, R, Y (lower-case
 * fields would make the list look like one trace to task:score).  want:
 * bit q set for each of x, r, y to copy out (the others are left out). */
static void push_traces(lua_State *L, const gn_rnn *net, gn_rnn_work *w, size_t B, size_t T,
                        int is_batch, int want, int out)
{
    size_t n = net->n, no = net->nout;
    lua_createtable(L, is_batch ? (int)B : 0, 3);
    int tab = lua_gettop(L);
    gsl_matrix *S[3];
    size_t cols[3] = { n, n, no };
    const char *names[3] = { "x", "r", "y" }, *stacked[3] = { "X", "R", "Y" };
    for (int q = 0; q < 3; q++) {   /* at tab+1..tab+3 (nil when not wanted) */
        S[q] = NULL;
        if (!(want & (1 << q))) { lua_pushnil(L); continue; }
        if (out) {   /* the storage of out's stacked matrix when it is big enough */
            lua_getfield(L, out, is_batch ? stacked[q] : names[q]);
            S[q] = lgm_reuse(L, -1, B * T, cols[q]);
            lua_remove(L, S[q] ? -2 : -1);
        }
        if (!S[q]) S[q] = lgm_new(L, B * T, cols[q], 1);
    }
    gn_err e = {0};
    for (size_t k = 0; k < B; k++) {
        gsl_matrix_view v[3];
        for (int q = 0; q < 3; q++)
            if (S[q]) v[q] = gsl_matrix_submatrix(S[q], k * T, 0, T, cols[q]);
        if (gn_rnn_work_trace(w, k, S[0] ? &v[0].matrix : NULL, S[1] ? &v[1].matrix : NULL,
                              S[2] ? &v[2].matrix : NULL, &e))
            lg_coreerror(L, "rnn:run", &e);
    }
    if (S[0] && S[2]) {
        check_traces(L, net, S[0], S[2], B, T);
    } else {   /* x or y not copied out: check them in the workspace */
        size_t k, t, i;
        int which;
        double v;
        if (!gn_rnn_work_finite(w, &k, &t, &i, &which, &v)) {
            double wmax = 0;
            for (size_t a = 0; a < net->n * net->n; a++) wmax = fmax(wmax, fabs(net->W->data[a]));
            char trial[32] = "";
            if (B > 1) snprintf(trial, sizeof trial, " of trial %zu", k + 1);
            lg_errorf(L, "rnn:run: %s[%zu,%zu]%s is %g: the network diverged (max|W| %.3g, "
                      "dt/tau %.3g, noise %.3g, activation %s); reduce g or W, dt/tau or noise",
                      which ? "y" : "x", t, i + 1, trial, v, wmax, net->dt / net->tau,
                      net->noise, gn_act_name(net->act));
        }
    }
    for (int q = 0; q < 3; q++) {
        if (!S[q]) continue;
        lua_pushvalue(L, tab + 1 + q);
        lua_setfield(L, tab, is_batch ? stacked[q] : names[q]);
    }
    if (is_batch)
        for (size_t k = 0; k < B; k++) {
            lua_createtable(L, 0, 3);
            for (int q = 0; q < 3; q++) {
                if (!S[q]) continue;
                lgm_pushview(L, tab + 1 + q, gsl_matrix_submatrix(S[q], k * T, 0, T, cols[q]).matrix);
                lua_setfield(L, -2, names[q]);
            }
            lua_rawseti(L, tab, (lua_Integer)k + 1);
        }
    lua_settop(L, tab);
}

/* net:run's options {traces = "xry", out = traces}: which traces to copy out
 * (bits x, r, y); *out gets the stack index of `out` (0 when not given). */
static int run_want(lua_State *L, int idx, int *out)
{
    *out = 0;
    if (lua_isnoneornil(L, idx)) return 7;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lg_errorf(L, "rnn:run: options must be a table {traces=\"xry\", out=traces}, got %s",
                         luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING ||
            (strcmp(lua_tostring(L, -1), "traces") != 0 && strcmp(lua_tostring(L, -1), "out") != 0))
            return lg_errorf(L, "rnn:run: unknown option '%s' (known: out, traces)", luaL_tolstring(L, -1, NULL));
    }
    if (lua_getfield(L, idx, "out") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TTABLE)
            return lg_errorf(L, "rnn:run: out must be the traces of an earlier net:run, got %s",
                             luaL_typename(L, -1));
        *out = lua_gettop(L);   /* stays on the stack (anchored) for the run */
    } else {
        lua_pop(L, 1);
    }
    int want = 7;
    if (lua_getfield(L, idx, "traces") != LUA_TNIL) {
        const char *t = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        want = 0;
        for (const char *c = t; c && *c; c++) {
            int q = *c == 'x' ? 0 : *c == 'r' ? 1 : *c == 'y' ? 2 : -1;
            if (q < 0 || (want & (1 << q))) { want = 0; break; }
            want |= 1 << q;
        }
        if (!want)
            return lg_errorf(L, "rnn:run: traces must be a string of the letters x, r, y (each at most once), "
                             "e.g. \"ry\"; got %s", t ? t : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return want;
}

static int rnn_run(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 3, "net:run");
    gn_err e = {0};
    int out;
    int want = run_want(L, 3, &out);
    if (gn_rnn_validate(net, &e)) return lg_coreerror(L, "rnn:run", &e);
    int is_batch = lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "u") != LUA_TNIL;
    if (lua_type(L, 2) == LUA_TTABLE) lua_pop(L, 1);
    gn_batch *b;
    if (is_batch) {
        b = lg_tobatch(L, 2, net, 0, "rnn:run");
    } else {
        if (lua_type(L, 2) != LUA_TTABLE && !luaL_testudata(L, 2, LG_MATRIX_MT))
            return lg_errorf(L, "rnn:run: u must be a T x %d matrix or a batch {u={...}}, got %s",
                             (int)net->nin, luaL_typename(L, 2));
        gsl_matrix *u = lg_tomatrixas(L, 2, "rnn:run", "u");
        if (u->size2 != net->nin)
            return lg_errorf(L, "rnn:run: u must have %d columns (one per input), got %zux%zu",
                             (int)net->nin, u->size1, u->size2);
        lg_checkfinite(L, u, "rnn:run", "u");
        lg_batchud *ud = lua_newuserdatauv(L, sizeof *ud, 0);
        ud->b = NULL;
        luaL_setmetatable(L, LG_BATCH_MT);
        ud->b = b = gn_batch_alloc(1, u->size1, net->nin, net->nout, 0, &e);
        if (!b) return lg_coreerror(L, "rnn:run", &e);
        gn_batch_set_trial(b, 0, u, NULL, NULL, &e);
    }
    int bi = lua_gettop(L);   /* the batch's userdata */
    gn_rnn_work *w = run_work(L, net, b->B, b->T);
    int wi = lua_gettop(L);
    /* only y wanted: the pass that keeps no past states (the same numbers) */
    int (*pass)(const gn_rnn *, const gn_batch *, gn_rnn_work *, gsl_rng *, double *, gn_err *) =
        (want & 3) ? gn_rnn_forward : gn_rnn_forward_y;
    if (pass(net, b, w, noise_rng(L, net), NULL, &e)) return lg_coreerror(L, "rnn:run", &e);
    size_t B = b->B, T = b->T;
    /* The batch's copy of the inputs is not needed any more: freed now, its
     * memory serves the next run's (left to the collector, every run took
     * fresh pages, each a page fault). */
    lg_batchud *bu = luaL_checkudata(L, bi, LG_BATCH_MT);
    gn_batch_free(bu->b);
    bu->b = NULL;
    push_traces(L, net, w, B, T, is_batch, want, out);
    run_work_keep(L, wi, net, B, T);
    return 1;
}

/* net:loss(batch) and net:grad(batch): the checked net, its batch and a
 * workspace for it (both anchored on the stack). */
static gn_rnn *loss_setup(lua_State *L, const char *fn, gn_batch **b, gn_rnn_work **w)
{
    gn_rnn *net = lg_usernn(L, 2, fn);
    gn_err e = {0};
    if (gn_rnn_validate(net, &e)) lg_coreerror(L, fn, &e);
    *b = lg_tobatch(L, 2, net, 1, fn);
    *w = lg_newrnnwork(L, net, (*b)->B, (*b)->T, 0);
    return net;
}

static int rnn_loss(lua_State *L)
{
    gn_batch *b;
    gn_rnn_work *w;
    gn_rnn *net = loss_setup(L, "rnn:loss", &b, &w);
    gn_err e = {0};
    double loss;
    if (gn_rnn_loss(net, b, w, noise_rng(L, net), &loss, &e) && e.code != GN_ENUM)
        return lg_coreerror(L, "rnn:loss", &e);
    check_loss(L, net, loss, "rnn:loss");
    lua_pushnumber(L, loss);
    return 1;
}

static int rnn_grad(lua_State *L)
{
    gn_batch *b;
    gn_rnn_work *w;
    gn_rnn *net = loss_setup(L, "rnn:grad", &b, &w);
    gn_err e = {0};
    size_t np = gn_rnn_nparams(net);
    double *g = lua_newuserdatauv(L, np * sizeof(double), 0);
    double loss;
    if (gn_rnn_grad(net, b, w, noise_rng(L, net), &loss, g, &e) && e.code != GN_ENUM)
        return lg_coreerror(L, "rnn:grad", &e);
    check_loss(L, net, loss, "rnn:grad");
    for (size_t i = 0; i < np; i++)
        if (!isfinite(g[i]))
            return lg_errorf(L, "rnn:grad: gradient entry %zu (of the flat parameters, as in "
                             "net:params()) is %g although the loss is %g: the backward pass "
                             "overflowed; reduce the weights or T", i + 1, g[i], loss);
    lua_pushnumber(L, loss);
    lg_pushparamtable(L, net, g);
    return 2;
}

static int rnn_copy(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 1, "net:copy");
    gn_err e = {0};
    gn_rnn *c = gn_rnn_copy(net, &e);
    if (!c && e.code == GN_ENOMEM && lg_reclaim(L)) c = gn_rnn_copy(net, &e);   /* net is pinned */
    if (!c) return lg_coreerror(L, "rnn:copy", &e);
    lg_pushrnn(L, c);
    return 1;
}

static int rnn_save(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 2, "net:save");
    const char *path = check_path(L, 2, "rnn:save");
    gn_err e = {0};
    if (gn_rnn_save(net, path, &e)) return lg_coreerror(L, "rnn:save", &e);
    lua_settop(L, 1);
    return 1;
}

/* net:params() → nparams×1 column in the documented flat order;
 * net:setparams(v) assigns it back (shape- and NaN-checked). */
static int rnn_params(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 1, "net:params");
    gsl_matrix *m = lg_newmatrix(L, gn_rnn_nparams(net), 1);
    gn_rnn_get_params(net, m->data);
    return 1;
}

static int rnn_setparams(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 2, "net:setparams");
    size_t np = gn_rnn_nparams(net);
    gsl_matrix *c = lg_newmatrix(L, np, 1);   /* all checked before any is set */
    gsl_vector_view v = gsl_matrix_column(c, 0);
    lg_readvector(L, 2, &v.vector, 0, "rnn:setparams", "the parameter vector");
    gn_rnn_set_params(net, c->data);
    lua_settop(L, 1);
    return 1;
}

static const luaL_Reg rnn_methods[] = {
    { "run", rnn_run },
    { "loss", rnn_loss },
    { "grad", rnn_grad },
    { "copy", rnn_copy },
    { "save", rnn_save },
    { "params", rnn_params },
    { "setparams", rnn_setparams },
    { NULL, NULL }
};

static const luaL_Reg rnn_meta[] = {
    { "__index", rnn_index },
    { "__newindex", rnn_newindex },
    { "__tostring", rnn_tostring },
    { "__gc", rnn_gc },
    { NULL, NULL }
};

int lg_open_rnn(lua_State *L)
{
    luaL_newmetatable(L, LG_RNN_MT);
    luaL_setfuncs(L, rnn_meta, 0);
    lua_pushliteral(L, "rnn");
    lua_setfield(L, -2, "__name");
    push_methods(L);   /* for completion and help: methods of the type */
    lua_setfield(L, -2, "methods");
    lua_pop(L, 1);
    luaL_newmetatable(L, LG_RNNPIN_MT);
    lua_pushcfunction(L, pin_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, pin_release);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, LG_BATCH_MT);
    lua_pushcfunction(L, batch_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, LG_RNNWORK_MT);
    lua_pushcfunction(L, work_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lg_rnn_addmethods(L, rnn_methods);

    /* global rnn: callable table with rnn.load */
    lg_pushcallable(L, rnn_new);
    lua_pushcfunction(L, rnn_load);
    lua_setfield(L, -2, "load");
    lua_setglobal(L, "rnn");
    rnn_opts def;
    lg_opt_defaults(rnn_decl, &def);
    lg_opt_publish(L, "rnn", rnn_decl, &def);
    return 0;
}
