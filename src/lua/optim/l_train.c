/* l_train.c — net:train(task, opts) and net:score(task [, B]): the training driver over the
 * core optimisers (optim.h) and the rnn objective (train_rnn.h), with progress, Ctrl-C and NaN
 * rollback. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "l_plot.h"
#include "l_rnn.h"
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"
#include "optim.h"
#include "train_rnn.h"

#define TRAIN_MT "ganglion.trainstate"
/* Divergence: an iteration whose loss is not finite, or more than
 * DIVERGE_FACTOR times the best loss so far (and above the first loss), is
 * an event: training rolls back to the best parameters, cuts the step
 * (adam's lr and cg/bfgs's first line-search step / 10, hf's damping
 * lambda x 10), says so once, and stops (stopped = "nan" or "diverged")
 * after DIVERGE_MAX events within DIVERGE_WINDOW iterations. */
#define DIVERGE_FACTOR 10.0
#define DIVERGE_MAX 5
#define DIVERGE_WINDOW 50
/* An exploding start: a starting loss more than EXPLODE_FACTOR times the
 * loss of an all-zero output on the same batch (Σ mask·target² / Σ mask)
 * means the network's activity explodes (a relu net with g = 20 starts near
 * 1e9..1e140).  Training says so at once, and stops (stopped = "exploded",
 * the best parameters kept) when after EXPLODE_PATIENCE iterations the best
 * loss is still that far above and has not fallen a thousandfold (losses of
 * an exploding net vary tenfold from batch to batch). */
#define EXPLODE_FACTOR 1e3
#define EXPLODE_PATIENCE 10

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
        lg_errorf(L, "%s: task must be a table (e.g. tasks.flipflop{}), got %s", fn,
                   luaL_typename(L, idx));
    const char *num[] = {"inputs", "outputs", "T"};
    lua_Integer v[3];
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, idx, num[i]);
        int isint;
        v[i] = lua_tointegerx(L, -1, &isint);
        if (!isint || v[i] < 1)
            lg_errorf(L, "%s: task.%s must be a positive integer, got %s", fn, num[i],
                       luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if ((size_t)v[0] != net->nin || (size_t)v[1] != net->nout)
        lg_errorf(L, "%s: task has %d inputs and %d outputs, the network %d and %d "
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
        if (!ok) lg_errorf(L, "%s: task.%s must be a function, got %s", fn, m[i], luaL_typename(L, -1));
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
        lg_errorf(L, "%s: task:sample(%d) must return a batch table, got %s", fn, (int)B,
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
        lg_errorf(L, "%s: task:score must return a fraction in [0, 1], got %s", fn,
                   isnum ? lua_tostring(L, -1) : luaL_typename(L, -1));
    lua_pop(L, 1);
    return s;
}

/* ---- options ------------------------------------------------------------------ */

/* net:train(task, {...}).  Defaults that depend on the method (iters,
 * batch, score_every) are set before reading; cbatch and score_batch left
 * at 0 follow the batch. */
typedef struct {
    const gn_optim_type *type;
    gn_optim_opts o;
    int method;            /* index into gn_optim_names */
    size_t iters, batch, cbatch, score_every, score_batch, monitor, monitor_every;
    double gtol, target;   /* target < 0: none */
    int threads;
    int stochastic;        /* new batch every iteration (hf, adam) */
} train_opts;

static char method_choices[64];   /* "hf|adam|cg|cg_fr|bfgs", from gn_optim_names */

#define TO train_opts
#define K LG_OPT_KEEP
static const lg_opt train_decl[] = {
    LG_CHOICE("method", TO, method, method_choices, "optimiser"),
    LG_SIZE("iters", TO, iters, 1, 100000000, 0, K | LG_OPT_NODEF, "iterations (default hf 200, adam 2000, else 500)"),
    LG_SIZE("batch", TO, batch, 1, 100000, 0, K | LG_OPT_NODEF, "trials per gradient (default adam 32, else 128)"),
    LG_SIZE("cbatch", TO, cbatch, 1, 100000, 0, K | LG_OPT_NODEF, "hf: trials per curvature batch (default half the batch)"),
    LG_NUM("lr", TO, o.lr, 0, HUGE_VAL, 0, K | LG_OPT_GT, "adam: learning rate"),
    LG_NUM("clip", TO, o.clip, -HUGE_VAL, HUGE_VAL, 0, K, "adam: gradient norm clip (0: off)"),
    LG_NUM("beta1", TO, o.beta1, -HUGE_VAL, HUGE_VAL, 0, K, "adam: first-moment decay"),
    LG_NUM("beta2", TO, o.beta2, -HUGE_VAL, HUGE_VAL, 0, K, "adam: second-moment decay"),
    LG_NUM("eps", TO, o.eps, 0, HUGE_VAL, 0, K | LG_OPT_GT, "adam: denominator guard"),
    LG_NUM("lambda", TO, o.lambda, -HUGE_VAL, HUGE_VAL, 0, K, "hf: initial damping"),
    LG_NUM("mu", TO, o.mu, -HUGE_VAL, HUGE_VAL, 0, K, "hf: structural damping coefficient"),
    LG_NUM("decay", TO, o.decay, -HUGE_VAL, HUGE_VAL, 0, K, "hf: CG warm-start decay"),
    LG_INT("max_cg", TO, o.max_cg, 1, 100000, 0, K, "hf: CG iterations per step, at most"),
    LG_INT("min_cg", TO, o.min_cg, 1, 100000, 0, K, "hf: CG iterations before the progress test"),
    LG_NUM("step", TO, o.step, 0, HUGE_VAL, 0, K | LG_OPT_GT, "cg, bfgs: first trial step"),
    LG_NUM("tol", TO, o.tol, 0, HUGE_VAL, 0, K | LG_OPT_GT, "cg, bfgs: line-search tolerance"),
    LG_NUM("gtol", TO, gtol, 0, HUGE_VAL, 0, 0, "stop when |grad| <= gtol"),
    LG_NUM("target", TO, target, 0, 1, 0, K | LG_OPT_GT | LG_OPT_NODEF, "stop once the score reaches it (default none)"),
    LG_SIZE("score_every", TO, score_every, 0, 100000000, 0, K | LG_OPT_NODEF, "score every N iterations (default adam 10, else 1; 0: never)"),
    LG_SIZE("score_batch", TO, score_batch, 1, 100000, 0, K | LG_OPT_NODEF, "fresh trials scored (default the batch)"),
    LG_SIZE("monitor", TO, monitor, 0, 100000, 100, K, "trials in the fixed monitoring batch (0: no monitoring)"),
    LG_SIZE("monitor_every", TO, monitor_every, 1, 100000000, 0, K | LG_OPT_NODEF, "monitoring loss every N iterations (default adam 10, else 1)"),
    LG_INT("threads", TO, threads, 1, 2, 0, K | LG_OPT_NODEF, "slices of the batch (default 2; on two threads when there are two CPUs)"),
    LG_OPT_END
};
#undef TO
#undef K

/* The defaults of a method (index into gn_optim_names). */
static void train_defaults(train_opts *to, int method)
{
    memset(to, 0, sizeof *to);
    lg_opt_defaults(train_decl, to);
    gn_optim_opts_default(&to->o);
    to->method = method;
    to->type = gn_optim_lookup(gn_optim_names[method]);
    int hf = to->type == gn_optim_hf, adam = to->type == gn_optim_adam;
    to->stochastic = hf || adam;
    to->iters = hf ? 200 : adam ? 2000 : 500;
    to->batch = adam ? 32 : 128;
    to->score_every = adam ? 10 : 1;
    to->monitor_every = adam ? 10 : 1;
    to->monitor = 100;
    to->target = -1;
    to->threads = 2;   /* slices, not cores: the same numbers on any machine (rnn.c) */
}

static void read_opts(lua_State *L, int t, train_opts *to)
{
    train_opts m = {0};
    if (t && lua_getfield(L, t, "method") != LUA_TNIL) lg_opt_set(L, -1, "train", &train_decl[0], &m);
    if (t) lua_pop(L, 1);
    train_defaults(to, m.method);
    lg_opt_read(L, t, "train", train_decl, to);
    /* Half the gradient batch: with a quarter, the curvature estimate is
     * noisy enough on flipflop (T=200) that λ climbs and progress stalls. */
    if (!to->cbatch) to->cbatch = (to->batch + 1) / 2;
    if (to->cbatch > to->batch)
        lg_errorf(L, "train: cbatch must be <= batch (%zu), got %zu", to->batch, to->cbatch);
    if (!to->score_batch) to->score_batch = to->batch;
    if (to->target != -1 && to->score_every == 0)
        lg_errorf(L, "train: option 'target' needs scoring (score_every > 0)");
}

/* ---- the training loop ------------------------------------------------------------ */

/* Stack of train_loop: 1 net, 2 task, 3 res, 4 history, 5 opts (light
 * userdata), 6 current training batch (its owning userdata), 7 the
 * monitoring batch (nil without monitoring). */
enum { I_NET = 1, I_TASK, I_RES, I_HIST, I_OPTS, I_BATCH, I_MON };

static void hist_push(lua_State *L, const char *field, lua_Integer i, double v)
{
    lua_getfield(L, I_HIST, field);
    lua_pushnumber(L, v);
    lua_rawseti(L, -2, i);
    lua_pop(L, 1);
}

/* Samples a training batch, keeps it at I_BATCH and gives it to the context. */
static gn_batch *new_batch(lua_State *L, gn_rnn *net, train_res *r, const train_opts *to)
{
    gn_err e = {0};
    call_sample(L, I_TASK, to->batch, "train");
    gn_batch *b = lg_tobatch(L, -1, net, 1, "train: task:sample");
    lua_replace(L, I_BATCH);
    lua_pop(L, 1);
    if (b->B != (size_t)to->batch)
        lg_errorf(L, "train: task:sample(%d) returned %d trials", (int)to->batch, (int)b->B);
    if (gn_train_rnn_set_batch(r->ctx, b, &e)) lg_coreerror(L, "train", &e);
    return b;
}

/* The loss of an all-zero output on batch b: the scale a trained loss is
 * judged against (0 when every target under the mask is 0). */
static double zero_output_loss(const gn_batch *b)
{
    double num = 0, den = 0;
    size_t len = b->B * b->T * b->nout;
    for (size_t i = 0; i < len; i++) {
        double m = b->mask ? b->mask[i] : 1, y = b->target ? b->target[i] : 0;
        num += m * y * y;
        den += m;
    }
    return den > 0 ? num / den : 0;
}

/* What the loop carries from one iteration to the next. */
typedef struct {
    gn_rnn *net;
    train_res *r;
    const train_opts *to;
    gn_optim_fn fn;
    double t0, score, scoring;   /* start (s), last score, seconds spent scoring */
    double sampling;             /* seconds in task:sample and converting its batches */
    double monitoring;           /* seconds spent on the monitoring loss */
    gn_batch *mon;               /* the monitoring batch (NULL: none) */
    size_t good_it;              /* last iteration with a finite loss (0: none) */
    double f_first;              /* the first finite loss (NaN before) */
    size_t events[DIVERGE_MAX];  /* iterations of the last DIVERGE_MAX divergence events (ring) */
    int nevents, last_nonfinite; /* events so far; whether the last was NaN/Inf */
    char what[32];               /* "train hf", for progress */
    int user;                    /* called from the user's own code (not the library's) */
    double zero_loss;            /* loss of an all-zero output on the first batch */
    double f_start;              /* loss at the starting parameters (first batch) */
    int exploding;               /* the start exploded and training has not recovered */
    double last_view;            /* when the live view was last drawn (s) */
} loop_state;

/* Whether the Lua code calling net:train is the user's (a typed chunk, a
 * script, -e) rather than the Lua library's (condense retraining): only
 * the user's calls get the live view and the summary line. */
static int called_by_user(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "S", &ar) || ar.what[0] == 'C') continue;
        if (ar.source[0] == '=') return 1;
        if (ar.source[0] != '@') return 0;
        lua_getglobal(L, "ganglion");
        int lib = 0;
        if (lua_istable(L, -1) && lua_getfield(L, -1, "luadir") == LUA_TSTRING) {
            size_t dl;
            const char *dir = lua_tolstring(L, -1, &dl);
            lib = dl > 0 && strncmp(ar.source + 1, dir, dl) == 0;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        return !lib;
    }
    return 1;
}

/* The live view, at most 4 times a second (final: the figure it leaves). */
static void loop_view(lua_State *L, loop_state *ls, size_t it, int final)
{
    double t = now_s();
    if (!ls->user || (!final && t - ls->last_view < 0.25)) return;
    ls->last_view = t;
    lua_getfield(L, I_HIST, "loss");
    double f = NAN;
    if (lua_rawlen(L, -1) > 0) {
        lua_rawgeti(L, -1, (lua_Integer)lua_rawlen(L, -1));
        f = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    char title[160];
    int n = snprintf(title, sizeof title, "%s: iteration %zu/%zu, loss %.4g", ls->what, it, ls->to->iters, f);
    if (!isnan(ls->score)) snprintf(title + n, sizeof title - (size_t)n, ", score %.2f", ls->score);
    lg_train_view(L, I_HIST, title, final);
}

/* Cuts the step of the method after a divergence; describes it in buf. */
static void cut_step(gn_optim *o, const train_opts *to, char *buf, size_t n)
{
    if (to->type == gn_optim_adam) {
        o->opts.lr *= 0.1;
        snprintf(buf, n, "cut lr to %.3g", o->opts.lr);
    } else if (to->type == gn_optim_hf) {
        o->lambda *= 10;
        snprintf(buf, n, "raised the damping lambda to %.3g", o->lambda);
    } else {
        o->opts.step *= 0.1;
        snprintf(buf, n, "cut the first line-search step to %.3g", o->opts.step);
    }
}

/* 1 when loss f (the iteration's status st) counts as divergence. */
static int diverged(const loop_state *ls, int st, double f)
{
    return st == GN_ENUM || !isfinite(f) || (f > DIVERGE_FACTOR * ls->r->best && f > ls->f_first);
}

/* Iteration it diverged (a NaN/Inf loss, or a jump far above the best):
 * record it, roll back to the best parameters with a smaller step, say so
 * the first time.  Returns 1 when training must stop (DIVERGE_MAX events
 * within DIVERGE_WINDOW iterations). */
static int loop_diverged(lua_State *L, loop_state *ls, size_t it, int nonfinite)
{
    gn_optim *o = ls->r->opt;
    double f = o->f;
    ls->events[ls->nevents % DIVERGE_MAX] = it;
    ls->nevents++;
    ls->last_nonfinite = nonfinite;
    char cut[96];
    cut_step(o, ls->to, cut, sizeof cut);
    if (ls->nevents == 1) {
        char msg[512], what_f[96];
        if (nonfinite) snprintf(what_f, sizeof what_f, "is %s", isnan(f) ? "NaN" : "Inf");
        else snprintf(what_f, sizeof what_f, "jumped to %.3g (more than %g x the best, %.3g)",
                      f, DIVERGE_FACTOR, ls->r->best);
        snprintf(msg, sizeof msg, "train: loss %s at iteration %zu; rolled back to the best "
                 "parameters (%s) and %s; history.rollbacks counts such events, %d within %d "
                 "iterations stop training\n", what_f, it,
                 ls->r->best_it > 0 ? "of an earlier iteration" : "the starting ones", cut,
                 DIVERGE_MAX, DIVERGE_WINDOW);
        lg_write(L, msg, strlen(msg));
    }
    hist_push(L, "loss", (lua_Integer)it, f);
    hist_push(L, "score", (lua_Integer)it, ls->score);
    hist_push(L, "time", (lua_Integer)it, now_s() - ls->t0);
    if (ls->to->type == gn_optim_hf) {
        hist_push(L, "lambda", (lua_Integer)it, o->lambda);
        hist_push(L, "cg", (lua_Integer)it, 0);
    }
    if (ls->nevents >= DIVERGE_MAX && it - ls->events[ls->nevents % DIVERGE_MAX] < DIVERGE_WINDOW)
        return 1;
    gn_err e = {0};
    int st = gn_optim_init(o, &ls->fn, ls->r->x_best, &e);
    if (st && st != GN_ENUM) lg_coreerror(L, "train", &e);
    return 0;
}

/* The start exploded: say why once. */
static void explode_warn(lua_State *L, loop_state *ls)
{
    ls->exploding = 1;
    double wmax = 0;
    const gn_rnn *net = ls->net;
    for (size_t a = 0; a < net->n * net->n; a++) wmax = fmax(wmax, fabs(net->W->data[a]));
    char msg[600];
    snprintf(msg, sizeof msg, "train: the starting loss %.3g is %.2g times that of an all-zero output "
             "(%.3g): the network's activity explodes (activation %s, max|W| %.3g, dt/tau %.3g); "
             "training seldom recovers -- reduce g or W (relu nets need g near 1) or use tanh.  "
             "Training stops (stopped=\"exploded\") if after %d iterations the best loss is still "
             "above %g times it and has not fallen a thousandfold\n", ls->f_start, ls->f_start / ls->zero_loss,
             ls->zero_loss, gn_act_name(net->act), wmax, net->dt / net->tau, EXPLODE_PATIENCE,
             EXPLODE_FACTOR);
    lg_write(L, msg, strlen(msg));
}

/* One loss at the start (methods do not all evaluate it in init): an
 * exploding start is told before any iteration runs. */
static void explode_start(lua_State *L, loop_state *ls, const gn_batch *b0)
{
    gn_err e = {0};
    ls->zero_loss = zero_output_loss(b0);
    ls->f_start = ls->r->opt->f;
    if (!isfinite(ls->f_start)) {
        int fs = ls->fn.fdf(ls->fn.ctx, ls->r->x_start, &ls->f_start, NULL, &e);
        if (fs && fs != GN_ENUM) lg_coreerror(L, "train", &e);
    }
    if (ls->zero_loss > 0 && isfinite(ls->f_start) && ls->f_start > EXPLODE_FACTOR * ls->zero_loss)
        explode_warn(L, ls);
}

/* Whether an exploding start has had its chance (EXPLODE_PATIENCE
 * iterations) without recovering. */
static int explode_stop(loop_state *ls, size_t it)
{
    if (!ls->exploding) return 0;
    double best = ls->r->best;
    if (best <= EXPLODE_FACTOR * ls->zero_loss || best <= 1e-3 * ls->f_start) {
        ls->exploding = 0;   /* recovering: the usual rules from here on */
        return 0;
    }
    return it >= EXPLODE_PATIENCE;
}

/* After the loop: an exploding start that stopped training, or that
 * training has not cured, is said so. */
static void explode_end(lua_State *L, loop_state *ls, size_t it, const char *stopped)
{
    char msg[300];
    if (stopped && !strcmp(stopped, "exploded")) {
        gn_rnn_set_params(ls->net, ls->r->x_best);
        snprintf(msg, sizeof msg, "train: stopped after %zu iterations: the best loss %.3g is still %.2g "
                 "times that of an all-zero output (the activity explodes); kept the best parameters\n",
                 it, ls->r->best, ls->r->best / ls->zero_loss);
    } else if (ls->exploding) {
        snprintf(msg, sizeof msg, "train: the best loss %.3g is still %.2g times that of an all-zero "
                 "output: the network's activity still explodes\n", ls->r->best, ls->r->best / ls->zero_loss);
    } else return;
    lg_write(L, msg, strlen(msg));
}

/* Scores the current parameters on fresh trials (time kept apart). */
static void loop_score(lua_State *L, loop_state *ls)
{
    int top = lua_gettop(L);
    double ts = now_s();
    gn_err e = {0};
    gn_rnn_set_params(ls->net, ls->r->opt->x);
    call_sample(L, I_TASK, (lua_Integer)ls->to->score_batch, "train");
    int sb = lua_gettop(L);
    gn_batch *b = lg_tobatch(L, sb, ls->net, 0, "train: task:sample");
    gn_rnn_work *w = gn_train_rnn_eval(ls->r->ctx, b, &e);
    if (!w) lg_coreerror(L, "train", &e);
    ls->score = score_batch(L, I_TASK, sb, ls->net, w, b->B, b->T, "train");
    lua_settop(L, top);
    ls->scoring += now_s() - ts;
}

/* Draws the fixed monitoring batch (to->monitor trials) and keeps it at
 * I_MON.  It comes from a side stream of the global generator (seeded from
 * one draw of it, whose state is then restored), so monitoring does not
 * change the training batches: training with or without it gives the same
 * parameters.  Its trials are not the first training batch's. */
static void monitor_batch(lua_State *L, loop_state *ls)
{
    gsl_rng *g = lg_rng(L);
    size_t sz = gsl_rng_size(g);
    void *saved = lua_newuserdatauv(L, sz, 0);
    memcpy(saved, gsl_rng_state(g), sz);
    gsl_rng_set(g, gsl_rng_get(g) ^ 0x6d6f6e69UL);   /* "moni" */
    call_sample(L, I_TASK, (lua_Integer)ls->to->monitor, "train");
    memcpy(gsl_rng_state(g), saved, sz);
    ls->mon = lg_tobatch(L, -1, ls->net, 1, "train: task:sample");
    if (ls->mon->B != ls->to->monitor)
        lg_errorf(L, "train: task:sample(%d) returned %d trials", (int)ls->to->monitor, (int)ls->mon->B);
    lua_getfield(L, I_HIST, "monitor");
    lua_pushvalue(L, -3);   /* the batch table: history.monitor.batch */
    lua_setfield(L, -2, "batch");
    lua_pop(L, 1);
    lua_replace(L, I_MON);
    lua_pop(L, 2);   /* the batch table and the saved state */
}

/* Records the loss on the monitoring batch at parameters x after iteration
 * it (0: the start) with the training time so far: wall seconds less the
 * time spent scoring and monitoring, so curves of different optimisers
 * overlay against time. */
static void monitor_point(lua_State *L, loop_state *ls, size_t it, const double *x)
{
    if (!ls->mon) return;
    double ts = now_s();
    gn_err e = {0};
    double f = NAN;
    int st = gn_train_rnn_eval_loss(ls->r->ctx, ls->mon, x, &f, &e);
    if (st && st != GN_ENUM) lg_coreerror(L, "train", &e);
    double t = ts - ls->t0 - ls->scoring - ls->monitoring;
    lua_getfield(L, I_HIST, "monitor");
    const char *f_names[] = {"iter", "loss", "time"};
    double v[] = {(double)it, f, t < 0 ? 0 : t};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, -1, f_names[i]);
        lua_Integer k = (lua_Integer)lua_rawlen(L, -1) + 1;
        if (i == 0) lua_pushinteger(L, (lua_Integer)it);
        else lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, k);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    ls->monitoring += now_s() - ts;
}

/* A good iteration: keep its parameters, score when due, record history
 * and progress.  Returns why training stops now, or NULL. */
static const char *loop_good(lua_State *L, loop_state *ls, size_t it)
{
    const train_opts *to = ls->to;
    train_res *r = ls->r;
    gn_optim *o = r->opt;
    double f = o->f;
    if (isnan(ls->f_first)) ls->f_first = f;
    memcpy(r->x_good, o->xf, o->n * sizeof(double));
    ls->good_it = it;
    if (f < r->best) {
        r->best = f;
        r->best_it = (lua_Integer)it;
        memcpy(r->x_best, o->xf, o->n * sizeof(double));
    }
    int test = gn_optim_test(o, to->gtol) == GN_OK;
    if (to->score_every > 0 && (it % to->score_every == 0 || it == to->iters || test)) loop_score(L, ls);
    hist_push(L, "loss", (lua_Integer)it, f);
    hist_push(L, "score", (lua_Integer)it, ls->score);
    hist_push(L, "time", (lua_Integer)it, now_s() - ls->t0);
    if (to->type == gn_optim_hf) {
        hist_push(L, "lambda", (lua_Integer)it, o->lambda);
        hist_push(L, "cg", (lua_Integer)it, o->inner);
    }
    const char *stopped = NULL;
    if (to->target > 0 && !isnan(ls->score) && ls->score >= to->target) stopped = "target";
    else if (test) stopped = "converged";
    if (it % to->monitor_every == 0 || it == to->iters || stopped) monitor_point(L, ls, it, o->x);
    char extra[160];
    int n = snprintf(extra, sizeof extra, "loss %.4g", f);
    if (!isnan(ls->score)) n += snprintf(extra + n, sizeof extra - (size_t)n, "  score %.2f", ls->score);
    if (to->type == gn_optim_hf)
        snprintf(extra + n, sizeof extra - (size_t)n, "  lambda %.3g  cg %d", o->lambda, o->inner);
    /* done == total ends the progress display, also on an early stop */
    lg_progress(L, ls->what, stopped ? (double)to->iters : (double)it, (double)to->iters, extra);
    return stopped;
}

/* The history's summary fields after the loop ran `it` iterations. */
static void loop_finish(lua_State *L, const loop_state *ls, size_t it, const char *stopped)
{
    lua_pushinteger(L, (lua_Integer)it);
    lua_setfield(L, I_HIST, "iters");
    if (stopped) lua_pushstring(L, stopped);
    else lua_pushboolean(L, 0);
    lua_setfield(L, I_HIST, "stopped");
    lua_pushnumber(L, ls->r->best);
    lua_setfield(L, I_HIST, "best_loss");
    lua_pushinteger(L, ls->r->best_it);
    lua_setfield(L, I_HIST, "best_iter");
    lua_pushnumber(L, now_s() - ls->t0);
    lua_setfield(L, I_HIST, "seconds");
    lua_pushnumber(L, ls->scoring);
    lua_setfield(L, I_HIST, "score_seconds");
    lua_pushnumber(L, ls->monitoring);
    lua_setfield(L, I_HIST, "monitor_seconds");
    lua_pushinteger(L, ls->nevents);
    lua_setfield(L, I_HIST, "rollbacks");
    /* where the wall time went: sampling batches (Lua), then the core's work */
    double sec[GN_TRAIN_NPROF];
    size_t calls[GN_TRAIN_NPROF];
    gn_train_rnn_profile(ls->r->ctx, sec, calls);
    lua_createtable(L, 0, GN_TRAIN_NPROF + 1);
    lua_pushnumber(L, ls->sampling);
    lua_setfield(L, -2, "sample");
    for (int k = 0; k < GN_TRAIN_NPROF; k++) {
        if (!calls[k]) continue;
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, sec[k]);
        lua_setfield(L, -2, "seconds");
        lua_pushinteger(L, (lua_Integer)calls[k]);
        lua_setfield(L, -2, "calls");
        lua_setfield(L, -2, gn_train_prof_names[k]);
    }
    lua_setfield(L, I_HIST, "profile");
}

/* Ctrl-C reaches the optimiser between and inside its iterations (hf's
 * CG) and every pass the training context runs (a big net's or a long
 * batch's forward and backward passes stop partway). */
static void arm_cancel(train_res *r)
{
    r->opt->cancel = lg_cancel();
    gn_train_rnn_set_cancel(r->ctx, &r->opt->cancel);
}

static int train_loop(lua_State *L)
{
    loop_state ls = {.net = lg_checkrnn(L, I_NET), .r = luaL_checkudata(L, I_RES, TRAIN_MT),
                     .to = lua_touserdata(L, I_OPTS), .score = NAN, .f_first = NAN};
    lua_settop(L, I_OPTS);
    lua_pushnil(L);   /* I_BATCH */
    lua_pushnil(L);   /* I_MON */
    gn_err e = {0};
    gn_optim *o = ls.r->opt;
    gn_train_rnn_objective(ls.r->ctx, &ls.fn);
    snprintf(ls.what, sizeof ls.what, "train %s", ls.to->type->name);
    ls.user = called_by_user(L);
    gn_batch *b0 = new_batch(L, ls.net, ls.r, ls.to);
    int st = gn_optim_init(o, &ls.fn, ls.r->x_start, &e);
    if (st == GN_ENUM) return lg_errorf(L, "train: the loss is not finite at the starting parameters");
    if (st) return lg_coreerror(L, "train", &e);
    explode_start(L, &ls, b0);
    arm_cancel(ls.r);
    if (ls.to->monitor > 0) monitor_batch(L, &ls);
    ls.t0 = now_s();
    monitor_point(L, &ls, 0, ls.r->x_start);
    const char *stopped = NULL;
    size_t it;
    for (it = 1; it <= ls.to->iters && !stopped; it++) {
        if (it > 1 && ls.to->stochastic) {
            double ts = now_s();
            new_batch(L, ls.net, ls.r, ls.to);
            ls.sampling += now_s() - ts;
        }
        st = gn_optim_iterate(o, &e);
        if (st == GN_EINTR || lg_poll()) return lg_interrupted(L);
        if (st && st != GN_ENUM) return lg_coreerror(L, "train", &e);
        if (diverged(&ls, st, o->f)) {
            if (loop_diverged(L, &ls, it, st == GN_ENUM || !isfinite(o->f)))
                stopped = ls.last_nonfinite ? "nan" : "diverged";
            else if (explode_stop(&ls, it)) stopped = "exploded";
            continue;
        }
        stopped = loop_good(L, &ls, it);
        if (!stopped && explode_stop(&ls, it)) stopped = "exploded";
        loop_view(L, &ls, it, 0);
    }
    it--;   /* the last iteration run */
    if (!stopped) {
        /* The last step's result has not been evaluated yet: a step that
         * blew up is caught here rather than left in the network. */
        double f_end;
        int fs = ls.fn.fdf(ls.fn.ctx, o->x, &f_end, NULL, &e);
        if (fs && fs != GN_ENUM) return lg_coreerror(L, "train", &e);
        if (diverged(&ls, fs, f_end)) {
            ls.nevents++;
            memcpy(o->x, ls.r->x_best, o->n * sizeof(double));
            char msg[200];
            snprintf(msg, sizeof msg, "train: the last step diverged (loss %.3g, best %.3g); kept "
                     "the best parameters\n", f_end, ls.r->best);
            lg_write(L, msg, strlen(msg));
        }
    }
    gn_rnn_set_params(ls.net, o->x);
    loop_finish(L, &ls, it, stopped);
    if (stopped && (!strcmp(stopped, "nan") || !strcmp(stopped, "diverged"))) {
        gn_rnn_set_params(ls.net, ls.r->x_best);
        char msg[200];
        snprintf(msg, sizeof msg, "train: stopped after %d divergence events within %d iterations; "
                 "kept the best parameters (loss %.6g)\n", DIVERGE_MAX, DIVERGE_WINDOW, ls.r->best);
        lg_write(L, msg, strlen(msg));
    } else explode_end(L, &ls, it, stopped);
    if (ls.user) {
        /* The figure and the line the chunk leaves behind (notebook too). */
        loop_view(L, &ls, it, 1);
        char line[240];
        int n = snprintf(line, sizeof line, "%s: %zu iterations in %.1f s, loss %.4g (best %.4g at %d)",
                         ls.what, it, now_s() - ls.t0, o->f, ls.r->best, (int)ls.r->best_it);
        if (!isnan(ls.score)) n += snprintf(line + n, sizeof line - (size_t)n, ", score %.2f", ls.score);
        snprintf(line + n, sizeof line - (size_t)n, "%s%s\n", stopped ? ", stopped: " : "", stopped ? stopped : "");
        lg_write(L, line, strlen(line));
    }
    lua_pushvalue(L, I_HIST);
    return 1;
}

/* The history table training fills: loss, score, time (and lambda, cg for
 * hf) lists.  Pushed before the loop runs, so that it survives an interrupt. */
static int push_history(lua_State *L, const train_opts *to)
{
    lua_createtable(L, 0, 12);
    const char *lists[] = {"loss", "score", "time"};
    for (int i = 0; i < 3; i++) {
        lua_newtable(L);
        lua_setfield(L, -2, lists[i]);
    }
    lua_createtable(L, 0, 5);   /* monitor = {iter=, loss=, time=, trials=, batch=} */
    const char *mlists[] = {"iter", "loss", "time"};
    for (int i = 0; i < 3; i++) {
        lua_newtable(L);
        lua_setfield(L, -2, mlists[i]);
    }
    lua_pushinteger(L, (lua_Integer)to->monitor);
    lua_setfield(L, -2, "trials");
    lua_setfield(L, -2, "monitor");
    if (to->type == gn_optim_hf) {
        lua_newtable(L);
        lua_setfield(L, -2, "lambda");
        lua_newtable(L);
        lua_setfield(L, -2, "cg");
    }
    return lua_gettop(L);
}

/* Marks the history on top of the stack (or at i_hist) as interrupted. */
static void mark_interrupted(lua_State *L, int i_hist, lua_Integer done)
{
    lua_pushinteger(L, done);
    lua_setfield(L, i_hist, "iters");
    lua_pushstring(L, "interrupted");
    lua_setfield(L, i_hist, "stopped");
    lua_pushboolean(L, 1);
    lua_setfield(L, i_hist, "interrupted");
}

/* After a Ctrl-C stopped training earlier in this chunk, later training
 * returns at once: an empty history marked interrupted (see interrupt.h). */
static int skipped(lua_State *L, const train_opts *to)
{
    static const char note[] = "train: not started: training was interrupted earlier in this chunk\n";
    lg_write(L, note, sizeof note - 1);
    int i_hist = push_history(L, to);
    lua_pushstring(L, to->type->name);
    lua_setfield(L, i_hist, "method");
    mark_interrupted(L, i_hist, 0);
    return 1;
}

/* Ctrl-C stopped training (the error is on top): the note, and the history
 * so far marked interrupted.  Returns 0 when the error must go on instead
 * (a batch script stops). */
static int interrupted_history(lua_State *L, const train_res *r, int i_hist)
{
    char note[200];
    if (r->best_it > 0)
        snprintf(note, sizeof note, "train: stopped after %zu iterations; kept the best "
                 "parameters (iteration %d, loss %.6g)\n", r->opt->iter, (int)r->best_it, r->best);
    else
        snprintf(note, sizeof note, "train: stopped before the first iteration finished; "
                 "parameters unchanged\n");
    lg_write(L, note, strlen(note));
    if (!lg_intr_work_returns()) return 0;
    lua_pop(L, 1);
    lua_getfield(L, i_hist, "loss");
    lua_Integer done = (lua_Integer)luaL_len(L, -1);
    lua_pop(L, 1);
    mark_interrupted(L, i_hist, done);
    lua_pushnumber(L, r->best);
    lua_setfield(L, i_hist, "best_loss");
    lua_pushinteger(L, r->best_it);
    lua_setfield(L, i_hist, "best_iter");
    lg_intr_work_stopped();
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
    if (!r->x_best || !r->x_good || !r->x_start) return lg_errorf(L, "train: out of memory");
    gn_rnn_get_params(net, r->x_start);
    memcpy(r->x_best, r->x_start, np * sizeof(double));
    memcpy(r->x_good, r->x_start, np * sizeof(double));
    r->ctx = gn_train_rnn_alloc(net, to->type == gn_optim_hf ? (size_t)to->cbatch : 0,
                                to->threads, lg_rng(L), &e);
    if (!r->ctx) return lg_coreerror(L, "train", &e);
    r->opt = gn_optim_alloc(to->type, np, &to->o, &e);
    if (!r->opt) return lg_coreerror(L, "train", &e);

    int i_hist = push_history(L, to);
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
    /* Ctrl-C: at the prompt the history so far is the result and the chunk
     * goes on; a batch script stops (interrupt.h). */
    if (!interrupted_history(L, r, i_hist)) return lua_error(L);
    /* The live view's last state becomes the chunk's figure (the pane's
     * history and the notebook keep it, titled as stopped). */
    if (called_by_user(L)) {
        lua_getfield(L, i_hist, "loss");
        size_t done = lua_rawlen(L, -1);
        lua_rawgeti(L, -1, (lua_Integer)done);
        double f = done ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 2);
        char title[160];
        snprintf(title, sizeof title, "train %s: stopped at iteration %zu/%zu, loss %.4g",
                 to->type->name, done, to->iters, f);
        lg_train_view(L, i_hist, title, 1);
    }
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
    if (B < 1 || B > 100000) return lg_errorf(L, "score: B must be in 1..100000, got %d", (int)B);
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
    method_choices[0] = 0;
    for (int i = 0; gn_optim_names[i]; i++) {
        if (i) strncat(method_choices, "|", sizeof method_choices - strlen(method_choices) - 1);
        strncat(method_choices, gn_optim_names[i], sizeof method_choices - strlen(method_choices) - 1);
    }
    train_opts def;
    train_defaults(&def, 0);
    lg_opt_publish(L, "net.train", train_decl, &def);
    lg_opt_publish(L, "rnn.train", train_decl, &def);
    return 0;
}
