/* optim_multimin.c — cg (Polak–Ribière, Fletcher–Reeves) and bfgs (vector_bfgs2) through GSL multimin. */
#include "optim.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

typedef struct {
    const gsl_multimin_fdfminimizer_type *gtype;
    gsl_multimin_fdfminimizer *s;
    gsl_multimin_function_fdf func;
    gsl_vector *x0;
    gn_optim *o;
    int st;          /* first failure inside a callback (GSL cannot carry it) */
    gn_err err;
} mm_state;

/* GSL's callbacks return plain values; a failing evaluation is returned as
 * NaN (which stops GSL's line search) and remembered for the iterate. */
static void mm_fdf(const gsl_vector *x, void *params, double *f, gsl_vector *g)
{
    mm_state *m = params;
    gn_optim *o = m->o;
    double fx = NAN;
    int st = o->fn.fdf(o->fn.ctx, x->data, &fx, g ? g->data : NULL, &m->err);
    if (st && st != GN_ENUM && !m->st) m->st = st;
    if (st) fx = NAN;
    if (f) *f = fx;
}

static double mm_f(const gsl_vector *x, void *params)
{
    double f;
    mm_fdf(x, params, &f, NULL);
    return f;
}

static void mm_df(const gsl_vector *x, void *params, gsl_vector *g)
{
    mm_fdf(x, params, NULL, g);
}

static int mm_alloc_common(gn_optim *o, mm_state *m, const gsl_multimin_fdfminimizer_type *t,
                           gn_err *err)
{
    m->gtype = t;
    m->o = o;
    m->s = gsl_multimin_fdfminimizer_alloc(t, o->n);
    m->x0 = gsl_vector_alloc(o->n);
    if (!m->s || !m->x0) {
        if (m->s) gsl_multimin_fdfminimizer_free(m->s);
        if (m->x0) gsl_vector_free(m->x0);
        return gn_fail(err, GN_ENOMEM, "no memory for the GSL minimiser (%zu parameters)", o->n);
    }
    m->func.n = o->n;
    m->func.f = mm_f;
    m->func.df = mm_df;
    m->func.fdf = mm_fdf;
    m->func.params = m;
    return GN_OK;
}

static int mm_alloc_pr(gn_optim *o, void *s, gn_err *e) { return mm_alloc_common(o, s, gsl_multimin_fdfminimizer_conjugate_pr, e); }
static int mm_alloc_fr(gn_optim *o, void *s, gn_err *e) { return mm_alloc_common(o, s, gsl_multimin_fdfminimizer_conjugate_fr, e); }
static int mm_alloc_bfgs(gn_optim *o, void *s, gn_err *e) { return mm_alloc_common(o, s, gsl_multimin_fdfminimizer_vector_bfgs2, e); }

static int mm_report(gn_optim *o, mm_state *m, gn_err *err)
{
    if (m->st) {
        if (err) *err = m->err;
        return m->st;
    }
    const gsl_vector *x = gsl_multimin_fdfminimizer_x(m->s);
    const gsl_vector *g = gsl_multimin_fdfminimizer_gradient(m->s);
    double f = gsl_multimin_fdfminimizer_minimum(m->s);
    o->f = f;
    if (!isfinite(f) || !gn_optim_finite(o->n, g->data) || !gn_optim_finite(o->n, x->data)) {
        o->gnorm = NAN;
        return gn_fail(err, GN_ENUM, "loss or gradient is not finite");
    }
    memcpy(o->x, x->data, o->n * sizeof(double));
    memcpy(o->xf, x->data, o->n * sizeof(double));
    memcpy(o->g, g->data, o->n * sizeof(double));
    o->gnorm = sqrt(gn_optim_dot(o->n, o->g, o->g));
    return GN_OK;
}

static int mm_init(gn_optim *o, void *vs, gn_err *err)
{
    mm_state *m = vs;
    m->st = 0;
    memcpy(m->x0->data, o->x, o->n * sizeof(double));
    gsl_multimin_fdfminimizer_set(m->s, &m->func, m->x0, o->opts.step, o->opts.tol);
    return mm_report(o, m, err);
}

/* GSL_ENOPROG (no lower point along the search direction) is GSL's way of
 * saying it has converged as far as it can: reported through o->converged. */
static int mm_iterate(gn_optim *o, void *vs, gn_err *err)
{
    mm_state *m = vs;
    m->st = 0;
    int gst = gsl_multimin_fdfminimizer_iterate(m->s);
    int st = mm_report(o, m, err);
    if (st) return st;
    if (gst == GSL_ENOPROG) o->converged = 1;
    else if (gst) return gn_fail(err, GN_ENUM, "GSL multimin: %s", gsl_strerror(gst));
    return GN_OK;
}

static void mm_free(void *vs)
{
    mm_state *m = vs;
    if (m->s) gsl_multimin_fdfminimizer_free(m->s);
    if (m->x0) gsl_vector_free(m->x0);
}

static const gn_optim_type cg_pr = {"cg", sizeof(mm_state), mm_alloc_pr, mm_init, mm_iterate, mm_free};
static const gn_optim_type cg_fr = {"cg_fr", sizeof(mm_state), mm_alloc_fr, mm_init, mm_iterate, mm_free};
static const gn_optim_type bfgs = {"bfgs", sizeof(mm_state), mm_alloc_bfgs, mm_init, mm_iterate, mm_free};
const gn_optim_type *gn_optim_cg = &cg_pr;
const gn_optim_type *gn_optim_cg_fr = &cg_fr;
const gn_optim_type *gn_optim_bfgs = &bfgs;
