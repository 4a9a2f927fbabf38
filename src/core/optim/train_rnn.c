/* train_rnn.c — the optimisers' callbacks for an rnn on the current batch (see train_rnn.h). */
#include "train_rnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A workspace with the sizes it was made for (gn_rnn_work is opaque). */
typedef struct {
    gn_rnn_work *w;
    size_t B, T;
    int nth;
} work;

struct gn_train_rnn {
    gn_rnn *net;
    size_t np;
    size_t Bc;            /* requested curvature batch size */
    int nth;
    gsl_rng *rng;         /* global generator (noise seeds) */
    gsl_rng *noise0;      /* this batch's noise stream, as drawn */
    gsl_rng *noise;       /* working copy, reset before every evaluation */
    const gn_batch *bat;  /* gradient batch (driver's) */
    gn_batch *cbat;       /* curvature batch (ours) */
    work w, wc, we;       /* gradient, curvature, evaluation workspaces */
    double *xc;           /* curvature point */
    double *gc;           /* the curvature batch's gradient at xc (not used) */
    double *sq;           /* Σ over curvature trials of their gradient terms squared */
    int net_at_xc;        /* net holds xc and wc holds its forward pass */
    gn_cancel cancel;     /* polled inside long passes (when has_cancel) */
    int has_cancel;
    double prof_s[GN_TRAIN_NPROF];   /* wall seconds per kind of work */
    size_t prof_n[GN_TRAIN_NPROF];   /* calls */
};

const char *const gn_train_prof_names[GN_TRAIN_NPROF] = { "grad", "loss", "curvature", "gv", "sqgrad",
                                                            "closs" };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Adds the time since t0 to kind k; passes st through. */
static int prof(gn_train_rnn *c, int k, double t0, int st)
{
    c->prof_s[k] += now() - t0;
    c->prof_n[k]++;
    return st;
}

void gn_train_rnn_profile(const gn_train_rnn *c, double seconds[GN_TRAIN_NPROF],
                          size_t calls[GN_TRAIN_NPROF])
{
    for (int k = 0; k < GN_TRAIN_NPROF; k++) {
        if (seconds) seconds[k] = c->prof_s[k];
        if (calls) calls[k] = c->prof_n[k];
    }
}

gn_train_rnn *gn_train_rnn_alloc(gn_rnn *net, size_t Bc, int nthreads, gsl_rng *rng,
                                 gn_err *err)
{
    if (!net || !rng) { gn_fail(err, GN_EINVAL, "train: missing network or generator"); return NULL; }
    if (nthreads < 1 || nthreads > 2) {
        gn_fail(err, GN_EINVAL, "train: threads must be 1 or 2, got %d", nthreads);
        return NULL;
    }
    gn_train_rnn *c = calloc(1, sizeof *c);
    if (!c) { gn_fail(err, GN_ENOMEM, "train: no memory"); return NULL; }
    c->net = net;
    c->np = gn_rnn_nparams(net);
    c->Bc = Bc;
    c->nth = nthreads;
    c->rng = rng;
    c->noise0 = gsl_rng_alloc(gsl_rng_mt19937);
    c->noise = gsl_rng_alloc(gsl_rng_mt19937);
    c->xc = gn_mem_alloc(c->np * sizeof(double), 1);
    c->gc = gn_mem_alloc(c->np * sizeof(double), 1);
    c->sq = gn_mem_alloc(c->np * sizeof(double), 1);
    if (!c->noise0 || !c->noise || !c->xc || !c->gc || !c->sq) {
        gn_train_rnn_free(c);
        gn_fail(err, GN_ENOMEM, "train: no memory for %zu parameters", c->np);
        return NULL;
    }
    return c;
}

void gn_train_rnn_free(gn_train_rnn *c)
{
    if (!c) return;
    if (c->noise0) gsl_rng_free(c->noise0);
    if (c->noise) gsl_rng_free(c->noise);
    gn_batch_free(c->cbat);
    gn_rnn_work_free(c->w.w);
    gn_rnn_work_free(c->wc.w);
    gn_rnn_work_free(c->we.w);
    gn_mem_free(c->xc);
    gn_mem_free(c->gc);
    gn_mem_free(c->sq);
    free(c);
}

/* A batch is split over two threads only when each gets at least this many
 * trials.  Below it the second thread costs more than it saves: on a 2-core
 * VM a Gv product over 16 trials (n = 64, T = 140) took 2.4 ms on one thread
 * and 2.8 ms at best on two (8 trials each: smaller GEMMs, a thread start
 * and join per call, and under load a wait for the second core), so hf's
 * small curvature batch runs on one thread. */
#define MIN_SLICE_TRIALS 16

/* Makes w fit B trials × T steps, reallocating only to grow; a new
 * workspace polls c's cancellation like the others. */
static int fit_work(gn_train_rnn *c, work *w, size_t B, size_t T, int nth, gn_err *err)
{
    const gn_rnn *net = c->net;
    if (w->w && B <= w->B && T <= w->T) return GN_OK;
    if (B < w->B) B = w->B;
    if (T < w->T) T = w->T;
    gn_rnn_work_free(w->w);
    w->B = w->T = 0;
    if (nth > 1 && B < (size_t)nth * MIN_SLICE_TRIALS) nth = 1;
    w->w = gn_rnn_work_alloc(net, B, T, nth, err);
    if (!w->w) return err && err->code ? err->code : GN_ENOMEM;
    gn_rnn_work_set_cancel(w->w, c->has_cancel ? &c->cancel : NULL);
    w->B = B;
    w->T = T;
    return GN_OK;
}

static int fit_batch(gn_batch **b, size_t B, size_t T, size_t nin, size_t nout, gn_err *err)
{
    if (*b && (*b)->B == B && (*b)->T == T && (*b)->nin == nin && (*b)->nout == nout) return GN_OK;
    gn_batch_free(*b);
    *b = gn_batch_alloc(B, T, nin, nout, 1, err);
    return *b ? GN_OK : (err && err->code ? err->code : GN_ENOMEM);
}

void gn_train_rnn_set_cancel(gn_train_rnn *c, const gn_cancel *cancel)
{
    c->has_cancel = cancel != NULL;
    if (cancel) c->cancel = *cancel;
    const gn_cancel *p = cancel ? &c->cancel : NULL;
    gn_rnn_work_set_cancel(c->w.w, p);
    gn_rnn_work_set_cancel(c->wc.w, p);
    gn_rnn_work_set_cancel(c->we.w, p);
}

int gn_train_rnn_set_batch(gn_train_rnn *c, const gn_batch *bat, gn_err *err)
{
    const gn_rnn *net = c->net;
    if (!bat || !bat->target || !bat->mask)
        return gn_fail(err, GN_EINVAL, "train: the batch needs targets and masks");
    if (bat->nin != net->nin || bat->nout != net->nout)
        return gn_fail(err, GN_EINVAL, "train: batch has %zu inputs and %zu outputs, network %zu and %zu",
                       bat->nin, bat->nout, net->nin, net->nout);
    int st;
    if ((st = fit_work(c, &c->w, bat->B, bat->T, c->nth, err))) return st;
    if (c->Bc > 0) {
        size_t Bc = c->Bc < bat->B ? c->Bc : bat->B;
        if ((st = fit_work(c, &c->wc, Bc, bat->T, c->nth, err))) return st;
        if ((st = fit_batch(&c->cbat, Bc, bat->T, bat->nin, bat->nout, err))) return st;
        if ((st = gn_batch_subset(c->cbat, bat, 0, err))) return st;
    }
    c->bat = bat;
    c->net_at_xc = 0;
    gsl_rng_set(c->noise0, gsl_rng_get(c->rng));
    return GN_OK;
}

/* The noise stream for one evaluation: the batch's, from its start. */
static gsl_rng *noise(gn_train_rnn *c)
{
    if (!(c->net->noise > 0)) return NULL;
    gsl_rng_memcpy(c->noise, c->noise0);
    return c->noise;
}

static int cb_fdf(void *ctx, const double *x, double *f, double *g, gn_err *err)
{
    gn_train_rnn *c = ctx;
    if (!c->bat) return gn_fail(err, GN_EINVAL, "train: no batch set");
    double t0 = now();
    gn_rnn_set_params(c->net, x);
    c->net_at_xc = 0;
    if (g) return prof(c, GN_TRAIN_GRAD, t0, gn_rnn_grad(c->net, c->bat, c->w.w, noise(c), f, g, err));
    return prof(c, GN_TRAIN_LOSS, t0, gn_rnn_loss(c->net, c->bat, c->w.w, noise(c), f, err));
}

/* Runs the curvature batch forward at xc (kept for the gv calls). */
static int at_xc(gn_train_rnn *c, gn_err *err)
{
    if (c->net_at_xc) return GN_OK;
    gn_rnn_set_params(c->net, c->xc);
    int st = gn_rnn_forward(c->net, c->cbat, c->wc.w, noise(c), NULL, err);
    if (st) return st;
    c->net_at_xc = 1;
    return GN_OK;
}

/* The curvature point: the curvature batch runs forward and backward at x
 * once, leaving the traces the Gv products linearise about and, from the
 * same pass, the per-trial squared gradients for the preconditioner. */
static int cb_curv(void *ctx, const double *x, gn_err *err)
{
    gn_train_rnn *c = ctx;
    if (!c->cbat) return gn_fail(err, GN_EINVAL, "train: no curvature batch (Bc = 0)");
    double t0 = now();
    memcpy(c->xc, x, c->np * sizeof(double));
    gn_rnn_set_params(c->net, c->xc);
    double l;
    int st = gn_rnn_grad_sq(c->net, c->cbat, c->wc.w, noise(c), &l, c->gc, c->sq, err);
    if (st == GN_ENUM) st = GN_OK;   /* the step's own loss was finite; sq is checked below */
    c->net_at_xc = st == GN_OK;
    return prof(c, GN_TRAIN_CURV, t0, st);
}

/* The loss on the curvature batch at x (its workspace: the next gv call
 * runs the forward pass at xc again). */
static int cb_closs(void *ctx, const double *x, double *f, gn_err *err)
{
    gn_train_rnn *c = ctx;
    if (!c->cbat) return gn_fail(err, GN_EINVAL, "train: no curvature batch (Bc = 0)");
    double t0 = now();
    gn_rnn_set_params(c->net, x);
    c->net_at_xc = 0;
    return prof(c, GN_TRAIN_CLOSS, t0, gn_rnn_loss(c->net, c->cbat, c->wc.w, noise(c), f, err));
}

static int cb_gv(void *ctx, const double *v, double sdamp, double *out, gn_err *err)
{
    gn_train_rnn *c = ctx;
    double t0 = now();
    int st = at_xc(c, err);
    if (st) return prof(c, GN_TRAIN_GV, t0, st);
    return prof(c, GN_TRAIN_GV, t0, gn_rnn_gv(c->net, c->cbat, c->wc.w, v, sdamp, out, err));
}

/* Mean over the curvature trials of (w_k ∇ℓ_k)², ℓ_k trial k's own masked
 * MSE and w_k = B·M_k/M its weight in the batch loss (M_k its mask sum), so
 * that the batch gradient is the mean of w_k ∇ℓ_k.  w_k ∇ℓ_k = B·g_k with g_k
 * trial k's term of the batch gradient, so this is B·Σ_k g_k², which
 * cb_curv's pass (gn_rnn_grad_sq) left in c->sq. */
static int cb_sqgrad(void *ctx, double *d, gn_err *err)
{
    gn_train_rnn *c = ctx;
    double t0 = now();
    if (!c->cbat) return gn_fail(err, GN_EINVAL, "train: no curvature batch (Bc = 0)");
    double B = (double)c->cbat->B;
    for (size_t i = 0; i < c->np; i++) d[i] = B * c->sq[i];
    return prof(c, GN_TRAIN_SQGRAD, t0, GN_OK);
}

void gn_train_rnn_objective(gn_train_rnn *c, gn_optim_fn *fn)
{
    memset(fn, 0, sizeof *fn);
    fn->n = c->np;
    fn->fdf = cb_fdf;
    if (c->Bc > 0) {
        fn->curv = cb_curv;
        fn->gv = cb_gv;
        fn->sqgrad = cb_sqgrad;
#ifndef GN_NO_CLOSS
        fn->closs = cb_closs;
#endif
    }
    fn->ctx = c;
}

gn_rnn_work *gn_train_rnn_eval(gn_train_rnn *c, const gn_batch *bat, gn_err *err)
{
    if (fit_work(c, &c->we, bat->B, bat->T, c->nth, err)) return NULL;
    c->net_at_xc = 0;
    if (gn_rnn_forward(c->net, bat, c->we.w, NULL, NULL, err)) return NULL;
    return c->we.w;
}

int gn_train_rnn_eval_loss(gn_train_rnn *c, const gn_batch *bat, const double *x, double *loss,
                           gn_err *err)
{
    int st = fit_work(c, &c->we, bat->B, bat->T, c->nth, err);
    if (st) return st;
    c->net_at_xc = 0;
    gn_rnn_set_params(c->net, x);
    return gn_rnn_forward(c->net, bat, c->we.w, NULL, loss, err);
}
