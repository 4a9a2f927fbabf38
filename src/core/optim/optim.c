/* optim.c — the optimiser object shared by every method: allocation, restart, iterate, test. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const gn_optim_names[] = {"hf", "adam", "cg", "cg_fr", "bfgs", NULL};

const gn_optim_type *gn_optim_lookup(const char *name)
{
    const gn_optim_type *const all[] = {gn_optim_hf, gn_optim_adam, gn_optim_cg,
                                        gn_optim_cg_fr, gn_optim_bfgs};
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}

void gn_optim_opts_default(gn_optim_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lr = 1e-3;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->clip = 1;
    o->lambda = 1;
    o->lambda_min = 1e-8;
    o->mu = 1.0 / 30;
    o->decay = 0.95;
    o->max_cg = 100;
    o->min_cg = 10;
    o->cg_eps = 5e-4;
    o->adapt = 1;
    o->step = 0.01;
    o->tol = 0.1;
}

double gn_optim_dot(size_t n, const double *a, const double *b)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

int gn_optim_finite(size_t n, const double *a)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

static int check_opts(const gn_optim_opts *o, gn_err *err)
{
    if (!(o->lr > 0 && isfinite(o->lr))) return gn_fail(err, GN_EINVAL, "lr must be > 0, got %g", o->lr);
    if (!(o->beta1 >= 0 && o->beta1 < 1)) return gn_fail(err, GN_EINVAL, "beta1 must be in [0, 1), got %g", o->beta1);
    if (!(o->beta2 >= 0 && o->beta2 < 1)) return gn_fail(err, GN_EINVAL, "beta2 must be in [0, 1), got %g", o->beta2);
    if (!(o->eps > 0 && isfinite(o->eps))) return gn_fail(err, GN_EINVAL, "eps must be > 0, got %g", o->eps);
    if (!(o->clip >= 0 && isfinite(o->clip))) return gn_fail(err, GN_EINVAL, "clip must be >= 0 (0: off), got %g", o->clip);
    if (!(o->lambda >= 0 && isfinite(o->lambda))) return gn_fail(err, GN_EINVAL, "lambda must be >= 0, got %g", o->lambda);
    if (!(o->lambda_min >= 0 && isfinite(o->lambda_min))) return gn_fail(err, GN_EINVAL, "lambda_min must be >= 0, got %g", o->lambda_min);
    if (!(o->mu >= 0 && isfinite(o->mu))) return gn_fail(err, GN_EINVAL, "mu must be >= 0, got %g", o->mu);
    if (!(o->decay >= 0 && o->decay <= 1)) return gn_fail(err, GN_EINVAL, "decay must be in [0, 1], got %g", o->decay);
    if (o->max_cg < 1 || o->max_cg > 100000) return gn_fail(err, GN_EINVAL, "max_cg must be in 1..100000, got %d", o->max_cg);
    if (o->min_cg < 1) return gn_fail(err, GN_EINVAL, "min_cg must be >= 1, got %d", o->min_cg);
    if (!(o->cg_eps >= 0 && isfinite(o->cg_eps))) return gn_fail(err, GN_EINVAL, "cg_eps must be >= 0, got %g", o->cg_eps);
    if (!(o->step > 0 && isfinite(o->step))) return gn_fail(err, GN_EINVAL, "step must be > 0, got %g", o->step);
    if (!(o->tol > 0 && o->tol < 1)) return gn_fail(err, GN_EINVAL, "tol must be in (0, 1), got %g", o->tol);
    return GN_OK;
}

gn_optim *gn_optim_alloc(const gn_optim_type *type, size_t n, const gn_optim_opts *opts,
                         gn_err *err)
{
    if (!type) { gn_fail(err, GN_EINVAL, "optimiser type is NULL"); return NULL; }
    if (n == 0) { gn_fail(err, GN_EINVAL, "number of parameters must be > 0"); return NULL; }
    if (gn_check_size(n, 4, err)) return NULL;
    gn_optim_opts def;
    if (!opts) { gn_optim_opts_default(&def); opts = &def; }
    if (check_opts(opts, err)) return NULL;
    gn_optim *o = calloc(1, sizeof *o);
    if (!o) { gn_fail(err, GN_ENOMEM, "no memory for the optimiser"); return NULL; }
    o->type = type;
    o->opts = *opts;
    o->n = n;
    o->f = NAN;
    o->lambda = opts->lambda;
    o->x = gn_mem_alloc(n * sizeof *o->x, 0);
    o->xf = gn_mem_alloc(n * sizeof *o->xf, 0);
    o->g = gn_mem_alloc(n * sizeof *o->g, 1);
    o->state = calloc(1, type->size ? type->size : 1);
    if (!o->x || !o->xf || !o->g || !o->state) {
        gn_fail(err, GN_ENOMEM, "no memory for %zu parameters", n);
        gn_mem_free(o->x); gn_mem_free(o->xf); gn_mem_free(o->g); free(o->state); free(o);
        return NULL;
    }
    if (type->alloc(o, o->state, err)) {
        gn_mem_free(o->x); gn_mem_free(o->xf); gn_mem_free(o->g); free(o->state); free(o);
        return NULL;
    }
    return o;
}

void gn_optim_free(gn_optim *o)
{
    if (!o) return;
    o->type->free(o->state);
    free(o->state);
    gn_mem_free(o->x);
    gn_mem_free(o->xf);
    gn_mem_free(o->g);
    free(o);
}

int gn_optim_init(gn_optim *o, const gn_optim_fn *fn, const double *x0, gn_err *err)
{
    if (!fn || !fn->fdf) return gn_fail(err, GN_EINVAL, "objective has no fdf callback");
    if (fn->n != o->n)
        return gn_fail(err, GN_EINVAL, "objective has %zu parameters, optimiser %zu", fn->n, o->n);
    if (!gn_optim_finite(o->n, x0))
        return gn_fail(err, GN_EINVAL, "starting parameters contain NaN or Inf");
    o->fn = *fn;
    memcpy(o->x, x0, o->n * sizeof *x0);
    memcpy(o->xf, x0, o->n * sizeof *x0);
    o->f = NAN;
    o->gnorm = NAN;
    o->converged = 0;
    o->rho = NAN;
    o->inner = 0;
    o->rejected = 0;
    return o->type->init(o, o->state, err);
}

int gn_optim_iterate(gn_optim *o, gn_err *err)
{
    if (!o->fn.fdf) return gn_fail(err, GN_EINVAL, "optimiser used before gn_optim_init");
    if (gn_cancel_check(&o->cancel)) return gn_fail(err, GN_EINTR, "interrupted");
    int st = o->type->iterate(o, o->state, err);
    if (st == GN_OK) o->iter++;
    return st;
}

int gn_optim_test(const gn_optim *o, double gtol)
{
    if (o->converged) return GN_OK;
    if (isfinite(o->gnorm) && o->gnorm <= gtol) return GN_OK;
    return GN_OPTIM_CONTINUE;
}
