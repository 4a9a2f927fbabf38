/* optim.h — optimisers over a flat parameter vector (hf, adam, cg, bfgs) behind one
 * init / iterate / test interface, in the manner of GSL's multimin.
 *
 * The caller describes the objective by callbacks (gn_optim_fn): the loss and
 * its gradient on the current batch, and — for hf — a curvature-matrix–vector
 * product on a curvature batch.  The optimisers know nothing of networks or
 * batches: a driver (see train_rnn.h) changes the batch between iterations.
 *
 *     gn_optim *o = gn_optim_alloc(gn_optim_hf, n, &opts, &err);
 *     gn_optim_init(o, &fn, x0, &err);
 *     while (gn_optim_test(o, gtol) == GN_OPTIM_CONTINUE && k++ < iters)
 *         if (gn_optim_iterate(o, &err) != GN_OK) break;   // GN_ENUM: NaN loss
 *     use o->x (current), o->xf / o->f (parameters and loss last evaluated);
 *     gn_optim_free(o);
 */
#ifndef GN_OPTIM_H
#define GN_OPTIM_H

#include <stddef.h>
#include "gn.h"

/* gn_optim_test's "not yet" (GN_OK means converged). */
#define GN_OPTIM_CONTINUE (-2)

/* The objective.  All callbacks return GN_OK, GN_ENUM when the value is not
 * finite (outputs filled anyway), or another code with err filled. */
typedef struct {
    size_t n;   /* number of parameters */
    /* f(x), and ∇f(x) into g unless g is NULL, on the current batch. */
    int (*fdf)(void *ctx, const double *x, double *f, double *g, gn_err *err);
    /* hf only: fixes the point x at which the next gv calls linearise (e.g.
     * runs the curvature batch forward).  May be NULL. */
    int (*curv)(void *ctx, const double *x, gn_err *err);
    /* hf only: out = (G + S(sdamp)) v, G a positive semi-definite curvature
     * matrix (Gauss-Newton) at the point given to curv, S a structural
     * damping term scaled by sdamp (ignored when there is none).  The
     * Levenberg–Marquardt term λv is added by the optimiser. */
    int (*gv)(void *ctx, const double *v, double sdamp, double *out, gn_err *err);
    /* hf only, may be NULL: d[i] = mean over training cases of the squared
     * per-case gradient at the point given to curv — the diagonal for the
     * preconditioner (d + λ)^0.75 of Martens 2010.  NULL: no preconditioner. */
    int (*sqgrad)(void *ctx, double *d, gn_err *err);
    /* hf only, may be NULL: f(x) on the curvature batch (the cases gv's G
     * is measured on).  Given, hf picks among its CG iterates and computes
     * the reduction ratio on that batch, as Martens 2010 does, and evaluates
     * fdf once, for the Armijo test of the step it takes; NULL: all of it on
     * the fdf batch. */
    int (*closs)(void *ctx, const double *x, double *f, gn_err *err);
    void *ctx;
} gn_optim_fn;

/* Settings for every method (each method reads its own). */
typedef struct {
    /* adam (Kingma & Ba 2015) */
    double lr;        /* step size, default 1e-3 */
    double beta1;     /* default 0.9 */
    double beta2;     /* default 0.999 */
    double eps;       /* default 1e-8 */
    double clip;      /* rescale the gradient to this norm when larger; 0: off (default 1) */
    /* hf (Martens 2010; Martens & Sutskever 2011) */
    double lambda;    /* initial Levenberg–Marquardt damping, default 1 */
    double lambda_min;/* floor for λ, default 1e-8 */
    double mu;        /* structural damping coefficient (S scaled by μλ), default 1/30 */
    double decay;     /* CG warm start: previous direction × decay, default 0.95 */
    int max_cg;       /* CG iterations per step, default 100 */
    int min_cg;       /* CG iterations before the progress test may stop, default 10 */
    double cg_eps;    /* Martens' relative-progress tolerance, default 5e-4 */
    int adapt;        /* 1: adjust λ from the reduction ratio (default 1) */
    /* cg / bfgs (GSL multimin) */
    double step;      /* first trial step length, default 0.01 */
    double tol;       /* line-minimisation tolerance, default 0.1 */
} gn_optim_opts;

void gn_optim_opts_default(gn_optim_opts *o);

typedef struct gn_optim gn_optim;

/* One method: a const table of functions (as gsl_odeiv2_step_type). */
typedef struct {
    const char *name;
    size_t size;    /* bytes of method state */
    int (*alloc)(gn_optim *o, void *state, gn_err *err);
    int (*init)(gn_optim *o, void *state, gn_err *err);   /* o->x holds x0 */
    int (*iterate)(gn_optim *o, void *state, gn_err *err);
    void (*free)(void *state);
} gn_optim_type;

extern const gn_optim_type *gn_optim_hf;
extern const gn_optim_type *gn_optim_adam;
extern const gn_optim_type *gn_optim_cg;      /* GSL conjugate_pr (Polak–Ribière) */
extern const gn_optim_type *gn_optim_cg_fr;   /* GSL conjugate_fr (Fletcher–Reeves) */
extern const gn_optim_type *gn_optim_bfgs;    /* GSL vector_bfgs2 */

/* The method called name ("hf", "adam", "cg", "cg_fr", "bfgs"), or NULL.
 * gn_optim_names lists them, NULL-terminated. */
const gn_optim_type *gn_optim_lookup(const char *name);
extern const char *const gn_optim_names[];

struct gn_optim {
    const gn_optim_type *type;
    gn_optim_opts opts;
    gn_optim_fn fn;
    size_t n;
    double *x;       /* current parameters (n) */
    double *xf;      /* parameters at which f and g were last evaluated (n) */
    double *g;       /* gradient from the last iteration (n): at xf, except for hf
                      * where it is taken at the start of the step */
    double f;        /* loss at xf; NaN before the first iteration */
    double gnorm;    /* |g| */
    size_t iter;     /* iterations done */
    int converged;   /* set by a method that can make no more progress */
    gn_cancel cancel;/* polled inside long iterations (hf's CG) */
    /* what the last iteration did, for progress displays */
    double lambda;   /* hf: damping after the step */
    double rho;      /* hf: reduction ratio of the step */
    int inner;       /* hf: CG iterations; cg/bfgs: 0 */
    int rejected;    /* hf: 1 if the step was rejected (x unchanged) */
    void *state;
};

gn_optim *gn_optim_alloc(const gn_optim_type *type, size_t n, const gn_optim_opts *opts,
                         gn_err *err);
void gn_optim_free(gn_optim *o);
/* Starts (or restarts, e.g. after rolling back) from x0, forgetting the
 * method's history (moments, directions; hf keeps λ). */
int gn_optim_init(gn_optim *o, const gn_optim_fn *fn, const double *x0, gn_err *err);
/* One step.  GN_OK; GN_ENUM when the loss or gradient at the current point
 * is not finite (o->x is then unchanged and o->f is that value); GN_EINTR
 * when o->cancel was raised mid-step (o->x unchanged); or the callback's
 * error. */
int gn_optim_iterate(gn_optim *o, gn_err *err);
/* GN_OK when converged (|g| <= gtol or the method reports no progress
 * possible), else GN_OPTIM_CONTINUE. */
int gn_optim_test(const gn_optim *o, double gtol);

/* Helpers shared by the methods (optim.c). */
double gn_optim_dot(size_t n, const double *a, const double *b);
int gn_optim_finite(size_t n, const double *a);

#endif
