/* rnn_merge.c — merging and deleting units of a rate RNN. */
#include "rnn_merge.h"

#include <math.h>

static int check_index(const gn_rnn *net, size_t i, const char *what, gn_err *err)
{
    if (i >= net->n)
        return gn_fail(err, GN_EINVAL, "%s index %zu out of range (the net has %zu units)",
                       what, i + 1, net->n);
    return GN_OK;
}

/* Copies net into a new (n−1)-unit net, leaving out unit k. */
static gn_rnn *without(const gn_rnn *net, size_t k, gn_err *err)
{
    size_t n = net->n;
    if (n < 2) {
        gn_fail(err, GN_EINVAL, "cannot remove a unit from a net with %zu unit", n);
        return NULL;
    }
    gn_rnn *o = gn_rnn_alloc(n - 1, net->nin, net->nout, err);
    if (!o) return NULL;
    o->tau = net->tau; o->dt = net->dt; o->act = net->act; o->noise = net->noise;
    for (size_t a = 0, ra = 0; a < n; a++) {
        if (a == k) continue;
        for (size_t b = 0, cb = 0; b < n; b++) {
            if (b == k) continue;
            gsl_matrix_set(o->W, ra, cb++, gsl_matrix_get(net->W, a, b));
        }
        for (size_t c = 0; c < net->nin; c++) gsl_matrix_set(o->Win, ra, c, gsl_matrix_get(net->Win, a, c));
        gsl_matrix_set(o->b, ra, 0, gsl_matrix_get(net->b, a, 0));
        gsl_matrix_set(o->x0, ra, 0, gsl_matrix_get(net->x0, a, 0));
        for (size_t c = 0; c < net->nout; c++) gsl_matrix_set(o->Wout, c, ra, gsl_matrix_get(net->Wout, c, a));
        ra++;
    }
    gsl_matrix_memcpy(o->bout, net->bout);
    return o;
}

gn_rnn *gn_rnn_delete(const gn_rnn *net, size_t i, gn_err *err)
{
    if (check_index(net, i, "unit", err)) return NULL;
    return without(net, i, err);
}

static int check_pair(const gn_rnn *net, size_t i, size_t j, gn_err *err)
{
    if (check_index(net, i, "first unit", err) || check_index(net, j, "second unit", err)) return -1;
    if (i == j) return gn_fail(err, GN_EINVAL, "cannot merge unit %zu with itself", i + 1);
    if (net->n < 2) return gn_fail(err, GN_EINVAL, "cannot merge in a net with %zu unit", net->n);
    return GN_OK;
}

gn_rnn *gn_rnn_merge(const gn_rnn *net, size_t i, size_t j, gn_err *err)
{
    if (check_pair(net, i, j, err)) return NULL;
    gn_rnn *t = gn_rnn_copy(net, err);
    if (!t) return NULL;
    size_t n = net->n;
    for (size_t m = 0; m < n; m++)
        gsl_matrix_set(t->W, m, i, gsl_matrix_get(t->W, m, i) + gsl_matrix_get(t->W, m, j));
    for (size_t o = 0; o < net->nout; o++)
        gsl_matrix_set(t->Wout, o, i, gsl_matrix_get(t->Wout, o, i) + gsl_matrix_get(t->Wout, o, j));
    for (size_t m = 0; m < n; m++)
        gsl_matrix_set(t->W, i, m, 0.5 * (gsl_matrix_get(t->W, i, m) + gsl_matrix_get(t->W, j, m)));
    for (size_t c = 0; c < net->nin; c++)
        gsl_matrix_set(t->Win, i, c, 0.5 * (gsl_matrix_get(t->Win, i, c) + gsl_matrix_get(t->Win, j, c)));
    gsl_matrix_set(t->b, i, 0, 0.5 * (gsl_matrix_get(t->b, i, 0) + gsl_matrix_get(t->b, j, 0)));
    gsl_matrix_set(t->x0, i, 0, 0.5 * (gsl_matrix_get(t->x0, i, 0) + gsl_matrix_get(t->x0, j, 0)));
    gn_rnn *o = without(t, j, err);
    gn_rnn_free(t);
    return o;
}

gn_rnn *gn_rnn_merge_ls(const gn_rnn *net, size_t i, size_t j, const gsl_vector *ri,
                        const gsl_vector *rj, double *pa, double *pc, gn_err *err)
{
    if (check_pair(net, i, j, err)) return NULL;
    size_t T = ri->size;
    if (rj->size != T) {
        gn_fail(err, GN_EINVAL, "recorded rates of the two units differ in length (%zu and %zu)", T, rj->size);
        return NULL;
    }
    if (T < 2) {
        gn_fail(err, GN_EINVAL, "least-squares merge needs at least 2 recorded time points, got %zu", T);
        return NULL;
    }
    double mi = 0, mj = 0;
    for (size_t t = 0; t < T; t++) {
        double u = gsl_vector_get(ri, t), v = gsl_vector_get(rj, t);
        if (!isfinite(u) || !isfinite(v)) {
            gn_fail(err, GN_EINVAL, "recorded rates contain NaN or Inf");
            return NULL;
        }
        mi += u; mj += v;
    }
    mi /= (double)T; mj /= (double)T;
    double sii = 0, sij = 0, amax = 0;
    for (size_t t = 0; t < T; t++) {
        double u = gsl_vector_get(ri, t) - mi, v = gsl_vector_get(rj, t) - mj;
        sii += u * u; sij += u * v;
        amax = fmax(amax, fabs(gsl_vector_get(ri, t)));
    }
    /* A constant r_i cannot carry j's variation: fall back to its mean. */
    double a = sii > 1e-24 * (1 + amax * amax) * (double)T ? sij / sii : 0.0;
    double c = mj - a * mi;
    if (pa) *pa = a;
    if (pc) *pc = c;
    gn_rnn *t = gn_rnn_copy(net, err);
    if (!t) return NULL;
    for (size_t m = 0; m < net->n; m++) {
        double w = gsl_matrix_get(t->W, m, j);
        gsl_matrix_set(t->W, m, i, gsl_matrix_get(t->W, m, i) + a * w);
        gsl_matrix_set(t->b, m, 0, gsl_matrix_get(t->b, m, 0) + c * w);
    }
    for (size_t o = 0; o < net->nout; o++) {
        double w = gsl_matrix_get(t->Wout, o, j);
        gsl_matrix_set(t->Wout, o, i, gsl_matrix_get(t->Wout, o, i) + a * w);
        gsl_matrix_set(t->bout, o, 0, gsl_matrix_get(t->bout, o, 0) + c * w);
    }
    gn_rnn *o = without(t, j, err);
    gn_rnn_free(t);
    return o;
}
