/* test_merge.c — merging and deleting rnn units: exactness of the outputs. */
#include "check.h"
#include "rnn_merge.h"

#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

static gn_batch *make_batch(gsl_rng *r, size_t B, size_t T, size_t nin)
{
    gn_err e = {0};
    gn_batch *bat = gn_batch_alloc(B, T, nin, 2, 0, &e);
    gsl_matrix *u = gsl_matrix_alloc(T, nin);
    for (size_t k = 0; k < B; k++) {
        for (size_t t = 0; t < T; t++)
            for (size_t c = 0; c < nin; c++) gsl_matrix_set(u, t, c, gsl_ran_gaussian(r, 1.0) + (t > T / 2 ? 0.5 : 0));
        gn_batch_set_trial(bat, k, u, NULL, NULL, &e);
    }
    gsl_matrix_free(u);
    return bat;
}

/* Max |y_net − y_other| over the batch. */
static double out_diff(const gn_rnn *a, const gn_rnn *b, const gn_batch *bat)
{
    gn_err e = {0};
    gn_rnn_work *wa = gn_rnn_work_alloc(a, bat->B, bat->T, 1, &e), *wb = gn_rnn_work_alloc(b, bat->B, bat->T, 1, &e);
    gn_rnn_forward(a, bat, wa, NULL, NULL, &e);
    gn_rnn_forward(b, bat, wb, NULL, NULL, &e);
    gsl_matrix *ya = gsl_matrix_alloc(bat->T, a->nout), *yb = gsl_matrix_alloc(bat->T, b->nout);
    double d = 0, ymax = 0;
    for (size_t k = 0; k < bat->B; k++) {
        gn_rnn_work_trace(wa, k, NULL, NULL, ya, &e);
        gn_rnn_work_trace(wb, k, NULL, NULL, yb, &e);
        for (size_t t = 0; t < bat->T; t++)
            for (size_t o = 0; o < a->nout; o++) {
                d = fmax(d, fabs(gsl_matrix_get(ya, t, o) - gsl_matrix_get(yb, t, o)));
                ymax = fmax(ymax, fabs(gsl_matrix_get(ya, t, o)));
            }
    }
    if (ymax < 1e-3) d = 1;   /* a silent net would make the test vacuous */
    gsl_matrix_free(ya); gsl_matrix_free(yb); gn_rnn_work_free(wa); gn_rnn_work_free(wb);
    return d;
}

static gn_rnn *random_net(gsl_rng *r, size_t n, gn_act act)
{
    gn_err e = {0};
    gn_rnn *net = gn_rnn_alloc(n, 2, 2, &e);
    gn_rnn_init(net, 1.4, r, &e);
    net->act = act;
    net->tau = 5; net->dt = 1;
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(net->b, i, 0, gsl_ran_gaussian(r, 0.3));
        gsl_matrix_set(net->x0, i, 0, gsl_ran_gaussian(r, 0.5));
    }
    gsl_matrix_set(net->bout, 0, 0, 0.37); gsl_matrix_set(net->bout, 1, 0, -1.2);
    return net;
}

/* Unit j := scale × unit i on the incoming side (rows of W, Win, b, x0). */
static void make_copy(gn_rnn *net, size_t i, size_t j, double scale)
{
    for (size_t m = 0; m < net->n; m++) gsl_matrix_set(net->W, j, m, scale * gsl_matrix_get(net->W, i, m));
    for (size_t c = 0; c < net->nin; c++) gsl_matrix_set(net->Win, j, c, scale * gsl_matrix_get(net->Win, i, c));
    gsl_matrix_set(net->b, j, 0, scale * gsl_matrix_get(net->b, i, 0));
    gsl_matrix_set(net->x0, j, 0, scale * gsl_matrix_get(net->x0, i, 0));
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    gn_err e = {0};
    gn_batch *bat = make_batch(r, 4, 60, 2);

    /* Exact merge: unit 5 duplicates unit 2 on the incoming side. */
    gn_rnn *net = random_net(r, 8, GN_ACT_TANH);
    make_copy(net, 2, 5, 1.0);
    gn_rnn *m = gn_rnn_merge(net, 2, 5, &e);
    CHECK(m && m->n == 7, "merge gives n-1 units %s", e.msg);
    double d = out_diff(net, m, bat);
    CHECK(d < 1e-12, "merging identical units leaves outputs unchanged (max diff %.2g)", d);
    gn_rnn *m2 = gn_rnn_merge(net, 5, 2, &e);
    d = out_diff(net, m2, bat);
    CHECK(d < 1e-12, "merge is exact in either order (max diff %.2g)", d);
    gn_rnn_free(m2);
    /* Non-identical units: the merge is an approximation, and it changes things. */
    gn_rnn *m3 = gn_rnn_merge(net, 0, 1, &e);
    d = out_diff(net, m3, bat);
    CHECK(d > 1e-3, "merging different units does change outputs (%.3f)", d);
    gn_rnn_free(m3);

    /* Delete = zeroing the unit's outgoing weights in the original. */
    gn_rnn *del = gn_rnn_delete(net, 3, &e), *z = gn_rnn_copy(net, &e);
    for (size_t k = 0; k < net->n; k++) gsl_matrix_set(z->W, k, 3, 0);
    for (size_t o = 0; o < net->nout; o++) gsl_matrix_set(z->Wout, o, 3, 0);
    CHECK(del && del->n == 7, "delete gives n-1 units");
    d = out_diff(z, del, bat);
    CHECK(d < 1e-12, "delete equals silencing the unit's outputs (max diff %.2g)", d);
    CHECK(gsl_matrix_get(del->W, 3, 3) == gsl_matrix_get(net->W, 4, 4) && gsl_matrix_get(del->Wout, 1, 3) == gsl_matrix_get(net->Wout, 1, 4),
          "delete keeps the other units in order");
    gn_rnn_free(del); gn_rnn_free(z);

    /* Least squares, constant unit: W row 6 = 0, Win row 6 = 0, x0 = b → r constant, a = 0. */
    gn_rnn *ls = NULL;
    for (size_t k = 0; k < net->n; k++) gsl_matrix_set(net->W, 6, k, 0);
    for (size_t c = 0; c < net->nin; c++) gsl_matrix_set(net->Win, 6, c, 0);
    gsl_matrix_set(net->b, 6, 0, 0.7); gsl_matrix_set(net->x0, 6, 0, 0.7);
    gsl_vector *ri = gsl_vector_alloc(bat->T * bat->B), *rj = gsl_vector_alloc(bat->T * bat->B);
    {
        gn_rnn_work *w = gn_rnn_work_alloc(net, bat->B, bat->T, 1, &e);
        gsl_matrix *R = gsl_matrix_alloc(bat->T, net->n);
        gn_rnn_forward(net, bat, w, NULL, NULL, &e);
        for (size_t k = 0; k < bat->B; k++) {
            gn_rnn_work_trace(w, k, NULL, R, NULL, &e);
            for (size_t t = 0; t < bat->T; t++) {
                gsl_vector_set(ri, k * bat->T + t, gsl_matrix_get(R, t, 1));
                gsl_vector_set(rj, k * bat->T + t, gsl_matrix_get(R, t, 6));
            }
        }
        gsl_matrix_free(R); gn_rnn_work_free(w);
    }
    double a = -1, c = -1;
    ls = gn_rnn_merge_ls(net, 1, 6, ri, rj, &a, &c, &e);
    CHECK(ls && fabs(a) < 1e-12 && fabs(c - tanh(0.7)) < 1e-12, "LS fit of a constant unit: a=%.3g c=%.6f (tanh 0.7)", a, c);
    d = out_diff(net, ls, bat);
    CHECK(d < 1e-12, "LS merge folds a constant unit into the biases exactly (max diff %.2g)", d);
    gn_rnn_free(ls);

    /* Least squares with a ≠ 1: relu net where unit 4 is 2.5 × unit 0 (relu is
     * positively homogeneous, so r_4 = 2.5 r_0 exactly). */
    gn_rnn *rl = random_net(r, 7, GN_ACT_RELU);
    gsl_matrix_scale(rl->W, 0.5);
    make_copy(rl, 0, 4, 2.5);
    /* Column 0 and 4 feed back; make the copy consistent: rows 0 and 4 read
     * r_0 and r_4 = 2.5 r_0, so only the combination W[:,0] + 2.5 W[:,4] matters. */
    {
        gn_rnn_work *w = gn_rnn_work_alloc(rl, bat->B, bat->T, 1, &e);
        gsl_matrix *R = gsl_matrix_alloc(bat->T, rl->n);
        gn_rnn_forward(rl, bat, w, NULL, NULL, &e);
        for (size_t k = 0; k < bat->B; k++) {
            gn_rnn_work_trace(w, k, NULL, R, NULL, &e);
            for (size_t t = 0; t < bat->T; t++) {
                gsl_vector_set(ri, k * bat->T + t, gsl_matrix_get(R, t, 0));
                gsl_vector_set(rj, k * bat->T + t, gsl_matrix_get(R, t, 4));
            }
        }
        gsl_matrix_free(R); gn_rnn_work_free(w);
    }
    ls = gn_rnn_merge_ls(rl, 0, 4, ri, rj, &a, &c, &e);
    CHECK(ls && fabs(a - 2.5) < 1e-10 && fabs(c) < 1e-10, "LS fit recovers r_j = 2.5 r_i (a=%.12f c=%.2g)", a, c);
    d = out_diff(rl, ls, bat);
    CHECK(d < 1e-12, "LS merge of a scaled copy is exact (max diff %.2g)", d);
    gn_rnn_free(ls);

    /* Errors. */
    CHECK(gn_rnn_merge(net, 2, 2, &e) == NULL && strstr(e.msg, "itself"), "merge with itself refused: %s", e.msg);
    CHECK(gn_rnn_merge(net, 2, 8, &e) == NULL && strstr(e.msg, "out of range"), "index out of range refused: %s", e.msg);
    CHECK(gn_rnn_delete(net, 99, &e) == NULL && strstr(e.msg, "99") == NULL && strstr(e.msg, "100"), "delete index reported 1-based: %s", e.msg);
    gsl_vector *shortv = gsl_vector_alloc(3);
    CHECK(gn_rnn_merge_ls(net, 1, 2, ri, shortv, NULL, NULL, &e) == NULL && strstr(e.msg, "length"), "LS with mismatched recordings refused: %s", e.msg);
    gn_rnn *one = gn_rnn_alloc(1, 2, 2, &e);
    CHECK(gn_rnn_delete(one, 0, &e) == NULL && strstr(e.msg, "1 unit"), "cannot delete the last unit: %s", e.msg);
    gn_rnn_free(one); gsl_vector_free(shortv);
    gsl_vector_free(ri); gsl_vector_free(rj);
    gn_rnn_free(net); gn_rnn_free(m); gn_rnn_free(rl); gn_batch_free(bat); gsl_rng_free(r);
    CHECK_DONE();
}
