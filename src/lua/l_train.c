/* l_train.c — net:train(task, opts) and net:score(task [, B]): the training driver over the
 * core optimisers (optim.h) and the rnn objective (train_rnn.h), with progress, Ctrl-C and NaN
 * rollback. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "l_rnn.h"
#include "interrupt.h"
#include "l_util.h"
#include "optim.h"
#include "train_rnn.h"

#define TRAIN_MT "ganglion.trainstate"
#define MAX_NAN_IN_A_ROW 5

/* Everything training allocates, owned by one userdata so that an error
 * anywhere (a failing task:sample, Ctrl-C) frees it through __gc. */
typedef struct {
    gn_train_rnn *ctx;
    gn_optim *opt;
    double *x_best, *x_good, *x_start;
    double best;            /* lowest loss seen (at x_best) */
    lua_Integer best_it;    /* its iteration (0: the start) */
} train_res;

static int res_gc(lua_State *L)
{
    train_res *r = luaL_checkudata(L, 1, TRAIN_MT);
    if (!lg_gc_by_collector(L)) return 0;   /* internal: only the collector frees it */
    gn_optim_free(r->opt);
    gn_train_rnn_free(r->ctx);
    free(r->x_best);
    free(r->x_good);
    free(r->x_start);
    memset(r, 0, sizeof *r);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the task --------------------------------------------------------------- */

/* Checks that the value at idx looks like a task for net: inputs, outputs,
 * T and callable sample / score. */
static void check_task(lua_State *L, int idx, const gn_rnn *net, const char *fn)
{
    if (!lua_istable(L, idx))
        luaL_error(L, "%s: task must be a table (e.g. tasks.flipflop{}), got %s", fn,
                   luaL_typename(L, idx));
    const char *num[] = {"inputs", "outputs", "T"};
    lua_Integer v[3];
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, idx, num[i]);
        int isint;
        v[i] = lua_tointegerx(L, -1, &isint);
        if (!isint || v[i] < 1)
            luaL_error(L, "%s: task.%s must be a positive integer, got %s", fn, num[i],
                       luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if ((size_t)v[0] != net->nin || (size_t)v[1] != net->nout)
        luaL_error(L, "%s: task has %d inputs and %d outputs, the network %d and %d "
                   "(make it with rnn{inputs=%d, outputs=%d, ...})", fn, (int)v[0], (int)v[1],
                   (int)net->nin, (int)net->nout, (int)v[0], (int)v[1]);
    const char *m[] = {"sample", "score"};
    for (int i = 0; i < 2; i++) {
        lua_getfield(L, idx, m[i]);
        int t = lua_type(L, -1);
        int ok = t == LUA_TFUNCTION;
        if (!ok && t != LUA_TNIL && luaL_getmetafield(L, -1, "__call") != LUA_TNIL) {
            ok = 1;
            lua_pop(L, 1);
        }
        if (!ok) luaL_error(L, "%s: task.%s must be a function, got %s", fn, m[i], luaL_typename(L, -1));
        lua_pop(L, 1);
    }
}

/* Pushes task:sample(B) (errors from the task propagate with its message). */
static void call_sample(lua_State *L, int task, lua_Integer B, const char *fn)
{
    lua_getfield(L, task, "sample");
    lua_pushvalue(L, task);
    lua_pushinteger(L, B);
    lua_call(L, 2, 1);
    if (!lua_istable(L, -1))
        luaL_error(L, "%s: task:sample(%d) must return a batch table, got %s", fn, (int)B,
                   luaL_typename(L, -1));
}

/* Runs net on the batch table at bidx (work w), pushes the list of traces
 * {y = T×outputs} and returns task:score(batch, traces) (popping both). */
static double score_batch(lua_State *L, int task, int bidx, const gn_rnn *net, gn_rnn_work *w,
                          size_t B, size_t T, const char *fn)
{
    gn_err e = {0};
    lua_getfield(L, task, "score");
    lua_pushvalue(L, task);
    lua_pushvalue(L, bidx);
    lua_createtable(L, (int)B, 0);
    for (size_t k = 0; k < B; k++) {
        lua_createtable(L, 0, 1);
        gsl_matrix *y = lg_newmatrix(L, T, net->nout);
        if (gn_rnn_work_trace(w, k, NULL, NULL, y, &e)) lg_coreerror(L, fn, &e);
        lua_setfield(L, -2, "y");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_call(L, 3, 1);
    int isnum;
    double s = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !(s >= 0 && s <= 1))
        luaL_error(L, "%s: task:score must return a fraction in [0, 1], got %s", fn,
                   isnum ? lua_tostring(L, -1) : luaL_typename(L, -1));
    lua_pop(L, 1);
    return s;
}

/* ---- options ------------------------------------------------------------------ */

static const char *const train_keys[] = {
    "method", "iters", "batch", "cbatch", "lr", "clip", "beta1", "beta2", "eps",
    "lambda", "mu", "decay", "max_cg", "min_cg", "step", "tol", "gtol", "target",
    "score_every", "score_batch", "threads", NULL
};

typedef struct {
    const gn_optim_type *type;
    gn_optim_opts o;
    lua_Integer iters, batch, cbatch, score_every, score_batch;
    double gtol, target;   /* target < 0: none */
    int threads;
    int stochastic;        /* new batch every iteration (hf, adam) */
} train_opts;

static lua_Integer opt_count(lua_State *L, int t, const char *key, lua_Integer def, lua_Integer lo,
                             lua_Integer hi)
{
    lua_Integer v = lg_optinteger(L, t, key, def);
    if (v < lo || v > hi)
        luaL_error(L, "train: option '%s' must be in %d..%d, got %d", key, (int)lo, (int)hi, (int)v);
    return v;
}

static void read_opts(lua_State *L, int t, train_opts *to)
{
    if (t) lg_checkkeys(L, t, "train", train_keys);
    const char *m = lg_optstring(L, t, "method", "hf");
    to->type = gn_optim_lookup(m);
    if (!to->type) {
        char list[128] = "";
        for (int i = 0; gn_optim_names[i]; i++) {
            if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, gn_optim_names[i], sizeof list - strlen(list) - 1);
        }
        luaL_error(L, "train: unknown method '%s' (expected one of %s)", m, list);
    }
    int hf = to->type == gn_optim_hf, adam = to->type == gn_optim_adam;
    to->stochastic = hf || adam;
    gn_optim_opts *o = &to->o;
    gn_optim_opts_default(o);
    to->iters = opt_count(L, t, "iters", hf ? 200 : adam ? 2000 : 500, 1, 100000000);
    to->batch = opt_count(L, t, "batch", hf ? 128 : adam ? 32 : 128, 1, 100000);
    /* Half the gradient batch: with a quarter, the curvature estimate is
     * noisy enough on flipflop (T=200) that λ climbs and progress stalls. */
    to->cbatch = opt_count(L, t, "cbatch", (to->batch + 1) / 2, 1, to->batch);
    o->lr = lg_optpositive(L, t, "lr", o->lr);
    o->clip = lg_optnumber(L, t, "clip", o->clip);
    o->beta1 = lg_optnumber(L, t, "beta1", o->beta1);
    o->beta2 = lg_optnumber(L, t, "beta2", o->beta2);
    o->eps = lg_optpositive(L, t, "eps", o->eps);
    o->lambda = lg_optnumber(L, t, "lambda", o->lambda);
    o->mu = lg_optnumber(L, t, "mu", o->mu);
    o->decay = lg_optnumber(L, t, "decay", o->decay);
    o->max_cg = (int)opt_count(L, t, "max_cg", o->max_cg, 1, 100000);
    o->min_cg = (int)opt_count(L, t, "min_cg", o->min_cg, 1, 100000);
    o->step = lg_optpositive(L, t, "step", o->step);
    o->tol = lg_optpositive(L, t, "tol", o->tol);
    to->gtol = lg_optnumber(L, t, "gtol", 0);
    if (!(to->gtol >= 0 && isfinite(to->gtol)))
        luaL_error(L, "train: option 'gtol' must be a finite number >= 0");
    to->target = lg_optnumber(L, t, "target", -1);
    if (to->target != -1 && !(to->target > 0 && to->target <= 1))
        luaL_error(L, "train: option 'target' must be a score in (0, 1], got %g", to->target);
    to->score_every = opt_count(L, t, "score_every", adam ? 10 : 1, 0, 100000000);
    to->score_batch = opt_count(L, t, "score_batch", to->batch, 1, 100000);
    if (to->target != -1 && to->score_every == 0)
        luaL_error(L, "train: option 'target' needs scoring (score_every > 0)");
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    to->threads = (int)opt_count(L, t, "threads", ncpu >= 2 ? 2 : 1, 1, 2);
}

/* ---- the training loop ------------------------------------------------------------ */

/* Stack of train_loop: 1 net, 2 task, 3 res, 4 history, 5 opts (light
 * userdata), 6 current training batch (its owning userdata), 7 start time. */
enum { I_NET = 1, I_TASK, I_RES, I_HIST, I_OPTS, I_BATCH };

static void hist_push(lua_State *L, const char *field, lua_Integer i, double v)
{
    lua_getfield(L, I_HIST, field);
    lua_pushnumber(L, v);
    lua_rawseti(L, -2, i);
    lua_pop(L, 1);
}

/* Samples a training batch, keeps it at I_BATCH and gives it to the context. */
static void new_batch(lua_State *L, gn_rnn *net, train_res *r, const train_opts *to)
{
    gn_err e = {0};
    call_sample(L, I_TASK, to->batch, "train");
    gn_batch *b = lg_tobatch(L, -1, net, 1, "train: task:sample");
    lua_replace(L, I_BATCH);
    lua_pop(L, 1);
    if (b->B != (size_t)to->batch)
        luaL_error(L, "train: task:sample(%d) returned %d trials", (int)to->batch, (int)b->B);
    if (gn_train_rnn_set_batch(r->ctx, b, &e)) lg_coreerror(L, "train", &e);
}

static int train_loop(lua_State *L)
{
    gn_rnn *net = lg_checkrnn(L, I_NET);
    train_res *r = luaL_checkudata(L, I_RES, TRAIN_MT);
    const train_opts *to = lua_touserdata(L, I_OPTS);
    lua_settop(L, I_OPTS);
    lua_pushnil(L);   /* I_BATCH */
    gn_err e = {0};
    gn_optim *o = r->opt;
    size_t np = o->n;
    gn_optim_fn fn;
    gn_train_rnn_objective(r->ctx, &fn);
    const char *mname = to->type->name;
    char what[32];
    snprintf(what, sizeof what, "train %s", mname);

    new_batch(L, net, r, to);
    int st = gn_optim_init(o, &fn, r->x_start, &e);
    if (st == GN_ENUM)
        return luaL_error(L, "train: the loss is not finite at the starting parameters");
    if (st) return lg_coreerror(L, "train", &e);
    o->cancel = lg_cancel();

    double t0 = now_s(), score = NAN;
    lua_Integer good_it = 0, it;
    int nan_row = 0;
    const char *stopped = NULL;
    for (it = 1; it <= to->iters; it++) {
        if (it > 1 && to->stochastic) new_batch(L, net, r, to);
        st = gn_optim_iterate(o, &e);
        if (st == GN_EINTR || lg_poll()) return lg_interrupted(L);
        double f = o->f;
        if (st == GN_ENUM) {
            /* Roll back: restart the method from the last good parameters. */
            char msg[200];
            if (good_it > 0)
                snprintf(msg, sizeof msg, "train: loss is %s at iteration %d; rolled back to the "
                         "last good parameters (iteration %d)\n", isnan(f) ? "NaN" : "Inf",
                         (int)it, (int)good_it);
            else
                snprintf(msg, sizeof msg, "train: loss is %s at iteration %d; rolled back to the "
                         "starting parameters\n", isnan(f) ? "NaN" : "Inf", (int)it);
            lg_write(L, msg, strlen(msg));
            hist_push(L, "loss", it, isnan(f) ? NAN : INFINITY);
            hist_push(L, "score", it, score);
            hist_push(L, "time", it, now_s() - t0);
            if (to->type == gn_optim_hf) {
                hist_push(L, "lambda", it, o->lambda);
                hist_push(L, "cg", it, 0);
            }
            if (++nan_row >= MAX_NAN_IN_A_ROW) { stopped = "nan"; break; }
            st = gn_optim_init(o, &fn, r->x_good, &e);
            if (st && st != GN_ENUM) return lg_coreerror(L, "train", &e);
            continue;
        }
        if (st) return lg_coreerror(L, "train", &e);
        nan_row = 0;
        memcpy(r->x_good, o->xf, np * sizeof(double));
        good_it = it;
        if (f < r->best) {
            r->best = f;
            r->best_it = it;
            memcpy(r->x_best, o->xf, np * sizeof(double));
        }
        int last = it == to->iters;
        int test = gn_optim_test(o, to->gtol) == GN_OK;
        if (to->score_every > 0 && (it % to->score_every == 0 || last || test)) {
            int top = lua_gettop(L);
            gn_rnn_set_params(net, o->x);
            call_sample(L, I_TASK, to->score_batch, "train");
            int sb = lua_gettop(L);
            gn_batch *b = lg_tobatch(L, sb, net, 0, "train: task:sample");
            gn_rnn_work *w = gn_train_rnn_eval(r->ctx, b, &e);
            if (!w) return lg_coreerror(L, "train", &e);
            score = score_batch(L, I_TASK, sb, net, w, b->B, b->T, "train");
            lua_settop(L, top);
        }
        double el = now_s() - t0;
        hist_push(L, "loss", it, f);
        hist_push(L, "score", it, score);
        hist_push(L, "time", it, el);
        if (to->type == gn_optim_hf) {
            hist_push(L, "lambda", it, o->lambda);
            hist_push(L, "cg", it, o->inner);
        }
        char extra[160];
        int n = snprintf(extra, sizeof extra, "loss %.4g", f);
        if (!isnan(score)) n += snprintf(extra + n, sizeof extra - (size_t)n, "  score %.2f", score);
        if (to->type == gn_optim_hf)
            snprintf(extra + n, sizeof extra - (size_t)n, "  lambda %.3g  cg %d", o->lambda, o->inner);
        if (to->target > 0 && !isnan(score) && score >= to->target) stopped = "target";
        else if (test) stopped = "converged";
        /* done == total ends the progress display, also on an early stop */
        lg_progress(L, what, stopped ? (double)to->iters : (double)it, (double)to->iters, extra);
        if (stopped) break;
    }
    if (it > to->iters) it = to->iters;
    gn_rnn_set_params(net, o->x);
    lua_pushinteger(L, it);
    lua_setfield(L, I_HIST, "iters");
    if (stopped) lua_pushstring(L, stopped);
    else lua_pushboolean(L, 0);
    lua_setfield(L, I_HIST, "stopped");
    lua_pushnumber(L, r->best);
    lua_setfield(L, I_HIST, "best_loss");
    lua_pushinteger(L, r->best_it);
    lua_setfield(L, I_HIST, "best_iter");
    lua_pushnumber(L, now_s() - t0);
    lua_setfield(L, I_HIST, "seconds");
    if (stopped && strcmp(stopped, "nan") == 0) gn_rnn_set_params(net, r->x_good);
    lua_pushvalue(L, I_HIST);
    return 1;
}

/* After a Ctrl-C stopped training earlier in this chunk, later training
 * returns at once: an empty history marked interrupted. */
static int skipped(lua_State *L, const train_opts *to)
{
    static const char note[] = "train: not started: training was interrupted earlier in this chunk\n";
    lg_write(L, note, sizeof note - 1);
    lua_createtable(L, 0, 8);
    const char *lists[] = {"loss", "score", "time"};
    for (int i = 0; i < 3; i++) {
        lua_newtable(L);
        lua_setfield(L, -2, lists[i]);
    }
    lua_pushstring(L, to->type->name);
    lua_setfield(L, -2, "method");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "iters");
    lua_pushstring(L, "interrupted");
    lua_setfield(L, -2, "stopped");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "interrupted");
    return 1;
}

/* net:train(task [, opts]) -> history.  The loop runs under lua_pcall so
 * that whatever stops it (Ctrl-C, an error in the task) leaves the net with
 * the best parameters seen, not a half-way point. */
static int rnn_train(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 3, "net:train");
    gn_err e = {0};
    if (gn_rnn_validate(net, &e)) return lg_coreerror(L, "train", &e);
    check_task(L, 2, net, "train");
    int t = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        t = 3;
    }
    train_opts *to = lua_newuserdatauv(L, sizeof *to, 0);   /* kept alive on the stack */
    read_opts(L, t, to);
    if (lg_intr_after_stop()) return skipped(L, to);

    size_t np = gn_rnn_nparams(net);
    train_res *r = lua_newuserdatauv(L, sizeof *r, 0);
    memset(r, 0, sizeof *r);
    r->best = INFINITY;
    int i_res = lua_gettop(L);
    luaL_setmetatable(L, TRAIN_MT);
    r->x_best = malloc(np * sizeof(double));
    r->x_good = malloc(np * sizeof(double));
    r->x_start = malloc(np * sizeof(double));
    if (!r->x_best || !r->x_good || !r->x_start) return luaL_error(L, "train: out of memory");
    gn_rnn_get_params(net, r->x_start);
    memcpy(r->x_best, r->x_start, np * sizeof(double));
    memcpy(r->x_good, r->x_start, np * sizeof(double));
    r->ctx = gn_train_rnn_alloc(net, to->type == gn_optim_hf ? (size_t)to->cbatch : 0,
                                to->threads, lg_rng(L), &e);
    if (!r->ctx) return lg_coreerror(L, "train", &e);
    r->opt = gn_optim_alloc(to->type, np, &to->o, &e);
    if (!r->opt) return lg_coreerror(L, "train", &e);

    lua_createtable(L, 0, 12);   /* history, kept here to survive an interrupt */
    int i_hist = lua_gettop(L);
    const char *lists[] = {"loss", "score", "time"};
    for (int i = 0; i < 3; i++) {
        lua_newtable(L);
        lua_setfield(L, -2, lists[i]);
    }
    if (to->type == gn_optim_hf) {
        lua_newtable(L);
        lua_setfield(L, -2, "lambda");
        lua_newtable(L);
        lua_setfield(L, -2, "cg");
    }
    lua_pushstring(L, to->type->name);
    lua_setfield(L, -2, "method");
    lua_pushcfunction(L, train_loop);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, i_res);
    lua_pushvalue(L, i_hist);
    lua_pushlightuserdata(L, to);
    if (lua_pcall(L, 5, 1, 0) == LUA_OK) return 1;
    /* Stopped by an error or Ctrl-C: keep the best parameters seen. */
    gn_rnn_set_params(net, r->x_best);
    const char *msg = lua_tostring(L, -1);
    if (!msg || !strstr(msg, "interrupted")) return lua_error(L);
    int returns = lg_intr_work_returns();
    /* Ctrl-C: the history so far is the result, marked interrupted; the
     * chunk goes on (see interrupt.h). */
    char note[200];
    if (r->best_it > 0)
        snprintf(note, sizeof note, "train: stopped after %zu iterations; kept the best "
                 "parameters (iteration %d, loss %.6g)\n", r->opt->iter, (int)r->best_it, r->best);
    else
        snprintf(note, sizeof note, "train: stopped before the first iteration finished; "
                 "parameters unchanged\n");
    lg_write(L, note, strlen(note));
    if (!returns) return lua_error(L);   /* a batch script stops here */
    lua_pop(L, 1);
    lua_getfield(L, i_hist, "loss");
    lua_Integer done = (lua_Integer)luaL_len(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, done);
    lua_setfield(L, i_hist, "iters");
    lua_pushstring(L, "interrupted");
    lua_setfield(L, i_hist, "stopped");
    lua_pushboolean(L, 1);
    lua_setfield(L, i_hist, "interrupted");
    lua_pushnumber(L, r->best);
    lua_setfield(L, i_hist, "best_loss");
    lua_pushinteger(L, r->best_it);
    lua_setfield(L, i_hist, "best_iter");
    lg_intr_work_stopped();
    lua_pushvalue(L, i_hist);
    return 1;
}

/* net:score(task [, B=200]) -> fraction of B fresh trials solved. */
static int rnn_score(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 3, "net:score");
    gn_err e = {0};
    if (gn_rnn_validate(net, &e)) return lg_coreerror(L, "score", &e);
    check_task(L, 2, net, "score");
    lua_Integer B = lua_isnoneornil(L, 3) ? 200 : lg_checkinteger(L, 3, "score", "B");
    if (B < 1 || B > 100000) return luaL_error(L, "score: B must be in 1..100000, got %d", (int)B);
    call_sample(L, 2, B, "score");
    int bi = lua_gettop(L);
    gn_batch *b = lg_tobatch(L, bi, net, 0, "score: task:sample");
    gn_rnn_work *w = lg_newrnnwork(L, net, b->B, b->T, 0);
    if (gn_rnn_forward(net, b, w, NULL, NULL, &e)) return lg_coreerror(L, "score", &e);
    lua_pushnumber(L, score_batch(L, 2, bi, net, w, b->B, b->T, "score"));
    return 1;
}

int lg_open_train(lua_State *L)
{
    if (luaL_newmetatable(L, TRAIN_MT)) {
        lua_pushcfunction(L, res_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    static const luaL_Reg methods[] = {{"train", rnn_train}, {"score", rnn_score}, {NULL, NULL}};
    lg_rnn_addmethods(L, methods);
    return 0;
}
