/* optim_adam.c — Adam (Kingma & Ba 2015) with gradient-norm clipping. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double *m, *v;   /* first and second moment estimates (n) */
    size_t t;        /* steps taken since init (bias correction) */
} adam_state;

static int adam_alloc(gn_optim *o, void *vs, gn_err *err)
{
    adam_state *s = vs;
    s->m = gn_mem_alloc(o->n * sizeof *s->m, 1);
    s->v = gn_mem_alloc(o->n * sizeof *s->v, 1);
    if (!s->m || !s->v) {
        gn_mem_free(s->m); gn_mem_free(s->v);
        return gn_fail(err, GN_ENOMEM, "no memory for Adam's moments");
    }
    return GN_OK;
}

static int adam_init(gn_optim *o, void *vs, gn_err *err)
{
    (void)err;
    adam_state *s = vs;
    memset(s->m, 0, o->n * sizeof *s->m);
    memset(s->v, 0, o->n * sizeof *s->v);
    s->t = 0;
    return GN_OK;
}

/* The loss reported is the one at the parameters before the step (o->xf):
 * evaluating it after the step would cost a second forward pass. */
static int adam_iterate(gn_optim *o, void *vs, gn_err *err)
{
    adam_state *s = vs;
    const gn_optim_opts *p = &o->opts;
    size_t n = o->n;
    memcpy(o->xf, o->x, n * sizeof *o->x);
    int st = o->fn.fdf(o->fn.ctx, o->xf, &o->f, o->g, err);
    if (st == GN_OK && !(isfinite(o->f) && gn_optim_finite(n, o->g)))
        st = gn_fail(err, GN_ENUM, "loss or gradient is not finite");
    if (st) { o->gnorm = NAN; return st; }
    o->gnorm = sqrt(gn_optim_dot(n, o->g, o->g));
    double scale = (p->clip > 0 && o->gnorm > p->clip) ? p->clip / o->gnorm : 1;
    s->t++;
    double c1 = 1 - pow(p->beta1, (double)s->t);
    double c2 = 1 - pow(p->beta2, (double)s->t);
    for (size_t i = 0; i < n; i++) {
        double g = scale * o->g[i];
        s->m[i] = p->beta1 * s->m[i] + (1 - p->beta1) * g;
        s->v[i] = p->beta2 * s->v[i] + (1 - p->beta2) * g * g;
        o->x[i] -= p->lr * (s->m[i] / c1) / (sqrt(s->v[i] / c2) + p->eps);
    }
    return GN_OK;
}

static void adam_free(void *vs)
{
    adam_state *s = vs;
    gn_mem_free(s->m);
    gn_mem_free(s->v);
}

static const gn_optim_type adam_type = {
    "adam", sizeof(adam_state), adam_alloc, adam_init, adam_iterate, adam_free
};
const gn_optim_type *gn_optim_adam = &adam_type;
