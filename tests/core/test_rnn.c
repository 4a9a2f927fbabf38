/* test_rnn.c — rnn forward pass against a naive scalar implementation, BPTT
 * gradient against central finite differences, Gv against an explicitly
 * formed JᵀHJ, thread splitting, noise, and argument errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "rnn.h"

/* ---- naive reference: per trial, per step, per unit, libm scalars --------- */

static double f_act(int act, double x)
{
    if (act == GN_ACT_TANH) return tanh(x);
    if (act == GN_ACT_RELU) return x > 0 ? x : 0;
    return log1p(exp(x));
}

/* Runs the model equations of rnn.h literally.  y: B·T·nout (trial-major),
 * r: B·T·n; returns the masked MSE (or 0 when tg is NULL). */
static double naive(const gn_rnn *net, size_t B, size_t T, const double *u, const double *tg,
                    const double *mask, double *y, double *r)
{
    size_t n = net->n, ni = net->nin, no = net->nout;
    double a = net->dt / net->tau, num = 0, M = 0;
    double *x = malloc(n * sizeof *x), *xn = malloc(n * sizeof *xn), *f = malloc(n * sizeof *f);
    for (size_t k = 0; k < B; k++) {
        for (size_t i = 0; i < n; i++) x[i] = gsl_matrix_get(net->x0, i, 0);
        for (size_t t = 0; t < T; t++) {
            for (size_t i = 0; i < n; i++) f[i] = f_act(net->act, x[i]);
            for (size_t i = 0; i < n; i++) {
                double s = gsl_matrix_get(net->b, i, 0);
                for (size_t j = 0; j < n; j++) s += gsl_matrix_get(net->W, i, j) * f[j];
                for (size_t j = 0; j < ni; j++)
                    s += gsl_matrix_get(net->Win, i, j) * u[(t * B + k) * ni + j];
                xn[i] = x[i] + a * (-x[i] + s);
            }
            memcpy(x, xn, n * sizeof *x);
            for (size_t i = 0; i < n; i++) {
                f[i] = f_act(net->act, x[i]);
                if (r) r[(k * T + t) * n + i] = f[i];
            }
            for (size_t o = 0; o < no; o++) {
                double s = gsl_matrix_get(net->bout, o, 0);
                for (size_t j = 0; j < n; j++) s += gsl_matrix_get(net->Wout, o, j) * f[j];
                if (y) y[(k * T + t) * no + o] = s;
                if (tg) {
                    size_t idx = (t * B + k) * no + o;
                    num += mask[idx] * (s - tg[idx]) * (s - tg[idx]);
                    M += mask[idx];
                }
            }
        }
    }
    free(x); free(xn); free(f);
    return tg ? num / M : 0;
}

static gn_rnn *make_net(size_t n, size_t ni, size_t no, int act, gsl_rng *rng)
{
    gn_rnn *net = gn_rnn_alloc(n, ni, no, NULL);
    gn_rnn_init(net, 1.3, rng, NULL);
    net->tau = 4.7; net->dt = 1.3; net->act = act;
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(net->b, i, 0, gsl_ran_gaussian(rng, 0.3));
        gsl_matrix_set(net->x0, i, 0, gsl_ran_gaussian(rng, 0.5));
    }
    for (size_t o = 0; o < no; o++) gsl_matrix_set(net->bout, o, 0, gsl_ran_gaussian(rng, 0.2));
    return net;
}

static gn_batch *make_batch(size_t B, size_t T, size_t ni, size_t no, int masked, gsl_rng *rng)
{
    gn_batch *b = gn_batch_alloc(B, T, ni, no, 1, NULL);
    for (size_t i = 0; i < B * T * ni; i++) b->u[i] = gsl_ran_gaussian(rng, 1.0);
    for (size_t i = 0; i < B * T * no; i++) {
        b->target[i] = gsl_ran_gaussian(rng, 0.7);
        b->mask[i] = masked ? (gsl_rng_uniform(rng) < 0.4 ? 0.0 : 0.5 + gsl_rng_uniform(rng)) : 1.0;
    }
    return b;
}

static double max_abs(const double *v, size_t len)
{
    double m = 0;
    for (size_t i = 0; i < len; i++) if (fabs(v[i]) > m) m = fabs(v[i]);
    return m;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_forward(gsl_rng *rng, int act, int nth)
{
    size_t n = 7, ni = 3, no = 2, B = 3, T = 11;
    gn_rnn *net = make_net(n, ni, no, act, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, nth, NULL);
    double *y = malloc(B * T * no * sizeof *y), *r = malloc(B * T * n * sizeof *r);
    double want = naive(net, B, T, bat->u, bat->target, bat->mask, y, r), loss = NAN;
    gn_err e = {0};
    CHECK(gn_rnn_forward(net, bat, w, NULL, &loss, &e) == GN_OK, "forward runs (%s)", e.msg);
    CHECK_NEAR(loss, want, 1e-13, "%s, %d thread(s): loss equals the naive implementation's",
               gn_act_name(act), nth);
    gsl_matrix *ry = gsl_matrix_alloc(T, no), *rr = gsl_matrix_alloc(T, n), *rx = gsl_matrix_alloc(T, n);
    double ey = 0, er = 0;
    for (size_t k = 0; k < B; k++) {
        gn_rnn_work_trace(w, k, rx, rr, ry, &e);
        for (size_t t = 0; t < T; t++) {
            for (size_t o = 0; o < no; o++)
                ey = fmax(ey, fabs(gsl_matrix_get(ry, t, o) - y[(k * T + t) * no + o]));
            for (size_t i = 0; i < n; i++) {
                er = fmax(er, fabs(gsl_matrix_get(rr, t, i) - r[(k * T + t) * n + i]));
                er = fmax(er, fabs(f_act(act, gsl_matrix_get(rx, t, i)) - gsl_matrix_get(rr, t, i)));
            }
        }
    }
    CHECK(ey < 1e-13 && er < 1e-13, "%s, %d thread(s): traces x, r, y equal the naive ones (%.1e, %.1e)",
          gn_act_name(act), nth, ey, er);
    gsl_matrix_free(ry); gsl_matrix_free(rr); gsl_matrix_free(rx);
    free(y); free(r);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}

static void test_grad_fd(gsl_rng *rng, int act, int masked)
{
    size_t n = 7, ni = 3, no = 2, B = 3, T = 11;
    gn_rnn *net = make_net(n, ni, no, act, rng);
    gn_batch *bat = make_batch(B, T, ni, no, masked, rng);
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, 1, NULL);
    size_t np = gn_rnn_nparams(net);
    double *p = malloc(np * sizeof *p), *g = malloc(np * sizeof *g);
    double loss;
    gn_err e = {0};
    CHECK(gn_rnn_grad(net, bat, w, NULL, &loss, g, &e) == GN_OK, "grad runs (%s)", e.msg);
    gn_rnn_get_params(net, p);
    double gmax = max_abs(g, np), worst = 0;
    size_t wi = 0;
    for (size_t i = 0; i < np; i++) {
        double h = 1e-5 * fmax(1, fabs(p[i])), p0 = p[i], lp, lm;
        p[i] = p0 + h; gn_rnn_set_params(net, p);
        lp = naive(net, B, T, bat->u, bat->target, bat->mask, NULL, NULL);
        p[i] = p0 - h; gn_rnn_set_params(net, p);
        lm = naive(net, B, T, bat->u, bat->target, bat->mask, NULL, NULL);
        p[i] = p0; gn_rnn_set_params(net, p);
        double fd = (lp - lm) / (2 * h);
        double rel = fabs(fd - g[i]) / fmax(fabs(fd), 1e-3 * gmax);
        if (rel > worst) { worst = rel; wi = i; }
    }
    CHECK(worst < 1e-6, "%s%s: gradient matches central differences (worst rel err %.2e at %zu of %zu)",
          gn_act_name(act), masked ? ", masked" : "", worst, wi, np);
    free(p); free(g);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}

/* 2 threads must give the 1-thread result (same sums in another order). */
static void test_threads(gsl_rng *rng)
{
    size_t n = 9, ni = 2, no = 3, B = 5, T = 13;
    gn_rnn *net = make_net(n, ni, no, GN_ACT_SOFTPLUS, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    gn_rnn_work *w1 = gn_rnn_work_alloc(net, B, T, 1, NULL), *w2 = gn_rnn_work_alloc(net, B, T, 2, NULL);
    size_t np = gn_rnn_nparams(net);
    double *g1 = malloc(np * sizeof *g1), *g2 = malloc(np * sizeof *g2), l1, l2;
    double *v = malloc(np * sizeof *v), *h1 = malloc(np * sizeof *h1), *h2 = malloc(np * sizeof *h2);
    for (size_t i = 0; i < np; i++) v[i] = gsl_ran_gaussian(rng, 1);
    gn_rnn_grad(net, bat, w1, NULL, &l1, g1, NULL);
    gn_rnn_grad(net, bat, w2, NULL, &l2, g2, NULL);
    gn_rnn_gv(net, bat, w1, v, 0.3, h1, NULL);
    gn_rnn_gv(net, bat, w2, v, 0.3, h2, NULL);
    double dg = 0, dh = 0;
    for (size_t i = 0; i < np; i++) { dg = fmax(dg, fabs(g1[i] - g2[i])); dh = fmax(dh, fabs(h1[i] - h2[i])); }
    CHECK_NEAR(l2, l1, 1e-14, "two threads: same loss");
    CHECK(dg < 1e-13 * max_abs(g1, np) && dh < 1e-13 * max_abs(h1, np),
          "two threads: same gradient and Gv (%.1e, %.1e)", dg, dh);
    /* smaller batch than the workspace was made for */
    gn_batch *sub = gn_batch_alloc(2, T, ni, no, 1, NULL);
    gn_batch_subset(sub, bat, 3, NULL);
    double ls, lw = naive(net, 2, T, sub->u, sub->target, sub->mask, NULL, NULL);
    gn_err e = {0};
    CHECK(gn_rnn_loss(net, sub, w2, NULL, &ls, &e) == GN_OK, "subset batch runs in a larger workspace");
    CHECK_NEAR(ls, lw, 1e-13, "subset batch loss equals the naive one");
    gn_batch_free(sub);
    free(g1); free(g2); free(v); free(h1); free(h2);
    gn_rnn_work_free(w1); gn_rnn_work_free(w2); gn_batch_free(bat); gn_rnn_free(net);
}

/* A workspace made for a larger net serves a smaller one (gn_rnn_work_adapt)
 * with bit for bit the results of a workspace made for it, then the larger
 * one again; it refuses a net with more units, other inputs or outputs,
 * and a batch larger than it holds. */
static void test_adapt(gsl_rng *rng)
{
    size_t ni = 2, no = 3, B = 6, T = 9;
    gn_rnn *big = make_net(8, ni, no, GN_ACT_TANH, rng), *small = make_net(5, ni, no, GN_ACT_TANH, rng);
    gn_rnn *wider = make_net(9, ni, no, GN_ACT_TANH, rng), *other = make_net(5, ni + 1, no, GN_ACT_TANH, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    for (int nth = 1; nth <= 2; nth++) {
        gn_rnn_work *w = gn_rnn_work_alloc(big, B, T, nth, NULL);
        gn_rnn_work *ws = gn_rnn_work_alloc(small, B, T, nth, NULL), *wb = gn_rnn_work_alloc(big, B, T, nth, NULL);
        size_t nps = gn_rnn_nparams(small), npb = gn_rnn_nparams(big);
        double *g0 = malloc(npb * sizeof *g0), *g1 = malloc(npb * sizeof *g1), l0, l1;
        gn_err e = {0};
        int same = 1;
        CHECK(gn_rnn_work_adapt(w, small, B, T) && !gn_rnn_work_fits(w, big, B, T),
              "%d thread(s): a workspace for n=8 takes a net of n=5", nth);
        CHECK(gn_rnn_grad(small, bat, w, NULL, &l1, g1, &e) == GN_OK, "the smaller net runs in it (%s)", e.msg);
        gn_rnn_grad(small, bat, ws, NULL, &l0, g0, NULL);
        same = l0 == l1 && memcmp(g0, g1, nps * sizeof *g0) == 0;
        gsl_matrix *r0 = gsl_matrix_alloc(T, 5), *r1 = gsl_matrix_alloc(T, 5);
        for (size_t k = 0; k < B && same; k++) {
            gn_rnn_work_trace(w, k, NULL, r1, NULL, &e);
            gn_rnn_work_trace(ws, k, NULL, r0, NULL, &e);
            same = memcmp(r0->data, r1->data, T * 5 * sizeof(double)) == 0;
        }
        CHECK(same, "%d thread(s): loss, gradient and traces bit for bit those of its own workspace", nth);
        CHECK(gn_rnn_work_adapt(w, big, B, T) && gn_rnn_grad(big, bat, w, NULL, &l1, g1, &e) == GN_OK &&
              gn_rnn_grad(big, bat, wb, NULL, &l0, g0, NULL) == GN_OK && l0 == l1 &&
              memcmp(g0, g1, npb * sizeof *g0) == 0, "%d thread(s): back to n=8, bit for bit", nth);
        CHECK(!gn_rnn_work_adapt(w, wider, B, T) && !gn_rnn_work_adapt(w, other, B, T) &&
              !gn_rnn_work_adapt(w, small, B + 1, T) && !gn_rnn_work_adapt(w, small, B, T + 1) &&
              gn_rnn_work_fits(w, big, B, T),
              "%d thread(s): more units, other inputs, more trials or steps refused (still serves n=8)", nth);
        gsl_matrix_free(r0); gsl_matrix_free(r1);
        free(g0); free(g1);
        gn_rnn_work_free(w); gn_rnn_work_free(ws); gn_rnn_work_free(wb);
    }
    gn_batch_free(bat);
    gn_rnn_free(big); gn_rnn_free(small); gn_rnn_free(wider); gn_rnn_free(other);
}

/* gn_rnn_forward_y: the outputs and the loss of gn_rnn_forward bit for bit
 * (each activation, 1 and 2 threads, with noise from the same seed, a
 * one-step trial), y only from gn_rnn_work_trace afterwards, and the same
 * first non-finite state named for a diverging net. */
static void test_forward_y(gsl_rng *rng)
{
    size_t ni = 2, no = 3, B = 5, Ts[2] = { 17, 1 };
    for (int act = 0; act < 3; act++)
        for (int nth = 1; nth <= 2; nth++)
            for (int q = 0; q < 2; q++) {
                size_t T = Ts[q];
                gn_rnn *net = make_net(7, ni, no, act, rng);
                net->noise = act == 1 ? 0.3 : 0;
                gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
                gn_rnn_work *wf = gn_rnn_work_alloc(net, B, T, nth, NULL), *wy = gn_rnn_work_alloc(net, B, T, nth, NULL);
                gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
                gsl_rng_set(r1, 9); gsl_rng_set(r2, 9);
                double lf = 0, ly = 1;
                gn_err e = {0};
                int s1 = gn_rnn_forward(net, bat, wf, r1, &lf, &e), s2 = gn_rnn_forward_y(net, bat, wy, r2, &ly, &e);
                gsl_matrix *y1 = gsl_matrix_alloc(T, no), *y2 = gsl_matrix_alloc(T, no), *r = gsl_matrix_alloc(T, 7);
                int same = s1 == GN_OK && s2 == GN_OK && memcmp(&lf, &ly, sizeof lf) == 0;
                for (size_t k = 0; k < B && same; k++) {
                    gn_rnn_work_trace(wf, k, NULL, NULL, y1, &e);
                    same = gn_rnn_work_trace(wy, k, NULL, NULL, y2, &e) == GN_OK &&
                           memcmp(y1->data, y2->data, T * no * sizeof(double)) == 0;
                }
                CHECK(same, "forward_y, %s, %d thread(s), T=%zu%s: outputs and loss bit for bit", gn_act_name(act),
                      nth, T, net->noise > 0 ? ", noise" : "");
                if (q == 0 && nth == 2)
                    CHECK(gn_rnn_work_trace(wy, 0, NULL, r, NULL, &e) == GN_EINVAL && strstr(e.msg, "outputs only"),
                          "%s: after forward_y, r is refused: %s", gn_act_name(act), e.msg);
                gsl_matrix_free(y1); gsl_matrix_free(y2); gsl_matrix_free(r);
                gsl_rng_free(r1); gsl_rng_free(r2);
                gn_rnn_work_free(wf); gn_rnn_work_free(wy); gn_batch_free(bat); gn_rnn_free(net);
            }
    /* a diverging relu net: the same first non-finite state (trial, step, unit) either way */
    size_t n = 6, T = 30;
    B = 4;
    gn_rnn *net = make_net(n, ni, no, GN_ACT_RELU, rng);
    gsl_matrix_scale(net->W, 40);
    gn_batch *bat = make_batch(B, T, ni, no, 0, rng);
    for (size_t t = 0; t < T; t++)   /* trial 2 (k = 1) is driven hard from step 12 */
        for (size_t j = 0; j < ni; j++) bat->u[(t * B + 1) * ni + j] = t >= 11 ? 1e300 : 0;
    for (int nth = 1; nth <= 2; nth++) {
        gn_rnn_work *wf = gn_rnn_work_alloc(net, B, T, nth, NULL), *wy = gn_rnn_work_alloc(net, B, T, nth, NULL);
        size_t k1 = 0, t1 = 0, i1 = 0, k2 = 9, t2 = 9, i2 = 9;
        int q1 = -1, q2 = -2;
        double v1 = 0, v2 = 1;
        gn_rnn_forward(net, bat, wf, NULL, NULL, NULL);
        gn_rnn_forward_y(net, bat, wy, NULL, NULL, NULL);
        int f1 = gn_rnn_work_finite(wf, &k1, &t1, &i1, &q1, &v1), f2 = gn_rnn_work_finite(wy, &k2, &t2, &i2, &q2, &v2);
        CHECK(!f1 && !f2 && k1 == k2 && t1 == t2 && i1 == i2 && q1 == q2 && (v1 == v2 || (v1 != v1 && v2 != v2)),
              "%d thread(s): a diverging net's first non-finite state, trial %zu step %zu unit %zu (%s %g), as after "
              "the full pass (trial %zu step %zu unit %zu)", nth, k2 + 1, t2, i2 + 1, q2 ? "y" : "x", v2, k1 + 1, t1, i1 + 1);
        gn_rnn_work_free(wf); gn_rnn_work_free(wy);
    }
    gn_batch_free(bat); gn_rnn_free(net);
}

/* Gv against (2/M)(J_yᵀ diag(m) J_y + s J_rᵀ J_r) v with J by central
 * differences of the naive implementation. */
static void test_gv(gsl_rng *rng, int act, double sdamp)
{
    size_t n = 3, ni = 2, no = 2, B = 2, T = 5;
    gn_rnn *net = make_net(n, ni, no, act, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, 1, NULL);
    size_t np = gn_rnn_nparams(net), ny = B * T * no, nr = B * T * n;
    double *p = malloc(np * sizeof *p), *v = malloc(np * sizeof *v), *gv = malloc(np * sizeof *gv);
    double *Jy = calloc(ny * np, sizeof *Jy), *Jr = calloc(nr * np, sizeof *Jr);
    double *yp = malloc(ny * sizeof *yp), *ym = malloc(ny * sizeof *ym);
    double *rp = malloc(nr * sizeof *rp), *rm = malloc(nr * sizeof *rm);
    gn_rnn_get_params(net, p);
    for (size_t i = 0; i < np; i++) v[i] = gsl_ran_gaussian(rng, 1);
    for (size_t i = 0; i < np; i++) {
        double h = 1e-6, p0 = p[i];
        p[i] = p0 + h; gn_rnn_set_params(net, p);
        naive(net, B, T, bat->u, NULL, NULL, yp, rp);
        p[i] = p0 - h; gn_rnn_set_params(net, p);
        naive(net, B, T, bat->u, NULL, NULL, ym, rm);
        p[i] = p0; gn_rnn_set_params(net, p);
        for (size_t j = 0; j < ny; j++) Jy[j * np + i] = (yp[j] - ym[j]) / (2 * h);
        for (size_t j = 0; j < nr; j++) Jr[j * np + i] = (rp[j] - rm[j]) / (2 * h);
    }
    double M = gn_batch_mask_sum(bat);
    double *want = calloc(np, sizeof *want);
    for (size_t j = 0; j < ny; j++) {
        size_t k = j / (T * no), t = (j / no) % T, o = j % no;
        double m = bat->mask[(t * B + k) * no + o], jv = 0;
        for (size_t i = 0; i < np; i++) jv += Jy[j * np + i] * v[i];
        for (size_t i = 0; i < np; i++) want[i] += 2 / M * m * Jy[j * np + i] * jv;
    }
    for (size_t j = 0; j < nr; j++) {
        double jv = 0;
        for (size_t i = 0; i < np; i++) jv += Jr[j * np + i] * v[i];
        for (size_t i = 0; i < np; i++) want[i] += 2 / M * sdamp * Jr[j * np + i] * jv;
    }
    gn_err e = {0};
    CHECK(gn_rnn_gv(net, bat, w, v, sdamp, gv, &e) == GN_EINVAL, "Gv before a forward pass is refused");
    gn_rnn_forward(net, bat, w, NULL, NULL, NULL);
    e.msg[0] = 0;
    CHECK(gn_rnn_gv(net, bat, w, v, sdamp, gv, &e) == GN_OK, "Gv runs (%s)", e.msg);
    double scale = max_abs(want, np), worst = 0, vgv = 0;
    for (size_t i = 0; i < np; i++) { worst = fmax(worst, fabs(gv[i] - want[i])); vgv += v[i] * gv[i]; }
    CHECK(worst < 1e-7 * scale, "%s, sdamp %g: Gv equals explicit JᵀHJ v (max err %.1e of %.2g)",
          gn_act_name(act), sdamp, worst, scale);
    CHECK(vgv > 0, "vᵀGv > 0 (%g)", vgv);
    free(p); free(v); free(gv); free(Jy); free(Jr); free(yp); free(ym); free(rp); free(rm); free(want);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}

/* gn_rnn_grad_sq: its gradient is gn_rnn_grad's, and its squares are those
 * of the per-trial gradients computed one trial at a time (each trial's
 * gradient of its own loss, scaled by M_k/M into its term of the batch
 * gradient); a trial with no mask contributes nothing. */
static void test_grad_sq(gsl_rng *rng, int act, int nth)
{
    size_t n = 7, ni = 2, no = 3, B = 5, T = 11;
    gn_rnn *net = make_net(n, ni, no, act, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    for (size_t t = 0; t < T; t++)
        for (size_t o = 0; o < no; o++) bat->mask[(t * B + 2) * no + o] = 0;   /* trial 3: no mask */
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, nth, NULL), *w1 = gn_rnn_work_alloc(net, 1, T, 1, NULL);
    gn_batch *one = gn_batch_alloc(1, T, ni, no, 1, NULL);
    size_t np = gn_rnn_nparams(net);
    double *g = malloc(np * sizeof *g), *g0 = malloc(np * sizeof *g0), *sq = malloc(np * sizeof *sq);
    double *g1 = malloc(np * sizeof *g1), *want = calloc(np, sizeof *want), *gsum = calloc(np, sizeof *gsum);
    double l, l0, M = gn_batch_mask_sum(bat);
    gn_err e = {0};
    CHECK(gn_rnn_grad(net, bat, w, NULL, &l0, g0, &e) == GN_OK, "grad runs");
    CHECK(gn_rnn_grad_sq(net, bat, w, NULL, &l, g, sq, &e) == GN_OK, "grad_sq runs (%s)", e.msg);
    for (size_t k = 0; k < B; k++) {
        gn_batch_subset(one, bat, k, NULL);
        double Mk = gn_batch_mask_sum(one), lk;
        if (!(Mk > 0)) continue;
        gn_rnn_grad(net, one, w1, NULL, &lk, g1, NULL);
        for (size_t i = 0; i < np; i++) {
            double gk = g1[i] * Mk / M;
            want[i] += gk * gk;
            gsum[i] += gk;
        }
    }
    double dg = 0, dsum = 0, dsq = 0;
    for (size_t i = 0; i < np; i++) {
        dg = fmax(dg, fabs(g[i] - g0[i]));
        dsum = fmax(dsum, fabs(gsum[i] - g0[i]));
        dsq = fmax(dsq, fabs(sq[i] - want[i]));
    }
    CHECK_NEAR(l, l0, 1e-14, "%s, %d thread(s): grad_sq's loss is grad's", gn_act_name(act), nth);
    CHECK(dsum < 1e-12 * max_abs(g0, np), "per-trial gradients (scaled by M_k/M) sum to the batch gradient (%.1e)", dsum);
    CHECK(dg < 1e-12 * max_abs(g0, np), "%s, %d thread(s): grad_sq's gradient is grad's (max diff %.1e of %.2g)",
          gn_act_name(act), nth, dg, max_abs(g0, np));
    CHECK(dsq < 1e-12 * max_abs(want, np) && max_abs(want, np) > 0,
          "%s, %d thread(s): squares of the per-trial gradients match one BPTT per trial (max diff %.1e of %.2g)",
          gn_act_name(act), nth, dsq, max_abs(want, np));
    /* the traces stay usable for Gv (same as after gn_rnn_grad) */
    double *v = malloc(np * sizeof *v), *h1 = malloc(np * sizeof *h1), *h2 = malloc(np * sizeof *h2);
    for (size_t i = 0; i < np; i++) v[i] = gsl_ran_gaussian(rng, 1);
    CHECK(gn_rnn_gv(net, bat, w, v, 0.2, h1, &e) == GN_OK, "Gv after grad_sq runs");
    gn_rnn_grad(net, bat, w, NULL, &l0, g0, NULL);
    gn_rnn_gv(net, bat, w, v, 0.2, h2, NULL);
    double dh = 0;
    for (size_t i = 0; i < np; i++) dh = fmax(dh, fabs(h1[i] - h2[i]));
    CHECK(dh == 0, "Gv after grad_sq equals Gv after grad (%.1e)", dh);
    CHECK(gn_rnn_grad_sq(net, bat, w, NULL, &l, g, NULL, &e) == GN_EINVAL, "grad_sq without sq refused: %s", e.msg);
    free(v); free(h1); free(h2);
    free(g); free(g0); free(sq); free(g1); free(want); free(gsum);
    gn_batch_free(one); gn_rnn_work_free(w1);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}

static void test_noise(gsl_rng *rng)
{
    size_t n = 6, ni = 2, no = 1, B = 4, T = 9;
    gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 0, rng);
    gn_rnn_work *w1 = gn_rnn_work_alloc(net, B, T, 1, NULL), *w2 = gn_rnn_work_alloc(net, B, T, 2, NULL);
    double l0, la, lb, lc, ln = naive(net, B, T, bat->u, bat->target, bat->mask, NULL, NULL);
    net->noise = 0.2;
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r1, 42); gsl_rng_set(r2, 42);
    gn_rnn_loss(net, bat, w1, NULL, &l0, NULL);
    gn_rnn_loss(net, bat, w1, r1, &la, NULL);
    gn_rnn_loss(net, bat, w2, r2, &lb, NULL);
    gn_rnn_loss(net, bat, w1, r1, &lc, NULL);
    CHECK_NEAR(l0, ln, 1e-13, "noise with no generator: deterministic run");
    CHECK(fabs(la - l0) > 1e-6, "noise changes the loss (%g vs %g)", la, l0);
    CHECK_NEAR(lb, la, 1e-13, "noise is the same on 1 and 2 threads for the same seed");
    CHECK(la != lc, "fresh noise on the next call");
    /* stationary s.d. of an isolated leaky unit is `noise` */
    gn_rnn *iso = gn_rnn_alloc(1, 1, 1, NULL);
    iso->act = GN_ACT_RELU; iso->noise = 0.5; iso->tau = 5; iso->dt = 1;
    gn_batch *z = gn_batch_alloc(200, 400, 1, 1, 0, NULL);
    gn_rnn_work *wz = gn_rnn_work_alloc(iso, 200, 400, 1, NULL);
    gn_rnn_forward(iso, z, wz, r1, NULL, NULL);
    gsl_matrix *x = gsl_matrix_alloc(400, 1);
    double ss = 0; size_t cnt = 0;
    for (size_t k = 0; k < 200; k++) {
        gn_rnn_work_trace(wz, k, x, NULL, NULL, NULL);
        for (size_t t = 100; t < 400; t++) { ss += gsl_matrix_get(x, t, 0) * gsl_matrix_get(x, t, 0); cnt++; }
    }
    /* exact: 2α/(1−(1−α)²)·σ² for the discrete process */
    double a = 0.2, want = 2 * a / (1 - (1 - a) * (1 - a)) * 0.25;
    CHECK_NEAR(ss / cnt, want, 0.03, "noise variance of a leaky unit is 2α/(2α−α²)·noise² (%g vs %g)",
               ss / cnt, want);
    gsl_matrix_free(x); gn_rnn_work_free(wz); gn_batch_free(z); gn_rnn_free(iso);
    gsl_rng_free(r1); gsl_rng_free(r2);
    gn_rnn_work_free(w1); gn_rnn_work_free(w2); gn_batch_free(bat); gn_rnn_free(net);
}

/* n above the step-by-step weight-gradient limit takes the one-big-GEMM
 * path: spot-check entries of every block against central differences of
 * the (already verified) forward pass. */
static void test_large_n(gsl_rng *rng)
{
    size_t n = 1030, ni = 2, no = 2, B = 3, T = 4;
    gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, 2, NULL);
    size_t np = gn_rnn_nparams(net), off[7];
    gn_rnn_param_offsets(net, off);
    double *p = malloc(np * sizeof *p), *g = malloc(np * sizeof *g), l;
    gn_rnn_grad(net, bat, w, NULL, &l, g, NULL);
    gn_rnn_get_params(net, p);
    double worst = 0;
    for (int blk = 0; blk < 6; blk++)
        for (int q = 0; q < 4; q++) {
            size_t i = off[blk] + gsl_rng_uniform_int(rng, off[blk + 1] - off[blk]);
            double h = 1e-5, p0 = p[i], lp, lm;
            p[i] = p0 + h; gn_rnn_set_params(net, p); gn_rnn_loss(net, bat, w, NULL, &lp, NULL);
            p[i] = p0 - h; gn_rnn_set_params(net, p); gn_rnn_loss(net, bat, w, NULL, &lm, NULL);
            p[i] = p0; gn_rnn_set_params(net, p);
            double fd = (lp - lm) / (2 * h);
            worst = fmax(worst, fabs(fd - g[i]) / fmax(fabs(fd), 1e-4));
        }
    CHECK(worst < 1e-5, "n=1030 (one-GEMM weight gradient): 24 entries match central differences "
          "(worst rel %.1e)", worst);
    free(p); free(g);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}

static void test_errors(gsl_rng *rng)
{
    gn_err e = {0};
    CHECK(gn_rnn_alloc(0, 1, 1, &e) == NULL && e.code == GN_EINVAL && strstr(e.msg, "n must"),
          "n=0 refused: %s", e.msg);
    CHECK(gn_rnn_alloc(3, 0, 1, &e) == NULL && strstr(e.msg, "inputs"), "inputs=0 refused: %s", e.msg);
    CHECK(gn_rnn_alloc(1000000, 1, 1, &e) == NULL, "huge n refused: %s", e.msg);
    gn_rnn *net = make_net(4, 2, 1, GN_ACT_TANH, rng);
    gn_batch *bat = make_batch(3, 5, 2, 1, 0, rng);
    gn_rnn_work *w = gn_rnn_work_alloc(net, 2, 5, 1, NULL);
    double l, *g = malloc(gn_rnn_nparams(net) * sizeof *g);
    CHECK(gn_rnn_loss(net, bat, w, NULL, &l, &e) == GN_EINVAL && strstr(e.msg, "exceeds"),
          "batch larger than workspace refused: %s", e.msg);
    gn_rnn_work_free(w);
    w = gn_rnn_work_alloc(net, 3, 5, 3, &e);
    CHECK(w == NULL && strstr(e.msg, "threads"), "3 threads refused: %s", e.msg);
    w = gn_rnn_work_alloc(net, 3, 5, 1, NULL);
    for (size_t i = 0; i < 15; i++) bat->mask[i] = 0;
    CHECK(gn_rnn_grad(net, bat, w, NULL, &l, g, &e) == GN_EINVAL && strstr(e.msg, "mask"),
          "all-zero mask refused: %s", e.msg);
    gn_batch *nt = gn_batch_alloc(3, 5, 2, 1, 0, NULL);
    CHECK(gn_rnn_loss(net, nt, w, NULL, &l, &e) == GN_EINVAL && strstr(e.msg, "target"),
          "loss without targets refused: %s", e.msg);
    CHECK(gn_rnn_forward(net, nt, w, NULL, NULL, &e) == GN_OK, "forward without targets runs");
    gn_batch *wrong = gn_batch_alloc(3, 5, 3, 1, 1, NULL);
    CHECK(gn_rnn_loss(net, wrong, w, NULL, &l, &e) == GN_EINVAL && strstr(e.msg, "inputs"),
          "batch with wrong input count refused: %s", e.msg);
    gsl_matrix *m = gsl_matrix_alloc(4, 2);
    CHECK(gn_batch_set_trial(nt, 1, m, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "trial 2"),
          "wrong trial shape names the trial: %s", e.msg);
    gsl_matrix_set(net->W, 1, 2, NAN);
    CHECK(gn_rnn_validate(net, &e) == GN_EINVAL && strstr(e.msg, "W[2,3]"), "NaN weight found: %s", e.msg);
    gsl_matrix_set(net->W, 1, 2, 0.5);
    gsl_matrix_set(net->Wout, 0, 1, 1e300);
    for (size_t i = 0; i < 15; i++) bat->mask[i] = 1;
    CHECK(gn_rnn_loss(net, bat, w, NULL, &l, &e) == GN_ENUM, "exploding loss reported: %s", e.msg);
    gsl_matrix_free(m);
    free(g); gn_batch_free(nt); gn_batch_free(wrong);
    gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
}


/* Cancellation: a short pass never polls; a long one polls a number of
 * times fixed by its sizes (the same on one thread and two), gives the same
 * numbers as without a poll, and a stop at the k-th poll returns GN_EINTR
 * and leaves no traces; the workspace then serves a full pass again. */
typedef struct { int polls, stop_at; } poll_counter;

static int count_poll(void *ud)
{
    poll_counter *c = ud;
    c->polls++;
    return c->stop_at > 0 && c->polls >= c->stop_at;
}

static void test_cancel(gsl_rng *rng)
{
    gn_err e = {0};
    {
        size_t n = 7, B = 3, T = 11;
        gn_rnn *net = make_net(n, 3, 2, GN_ACT_TANH, rng);
        gn_batch *bat = make_batch(B, T, 3, 2, 1, rng);
        gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, 2, NULL);
        poll_counter c = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c};
        gn_rnn_work_set_cancel(w, &cc);
        double l = NAN, want = naive(net, B, T, bat->u, bat->target, bat->mask, NULL, NULL);
        CHECK(gn_rnn_loss(net, bat, w, NULL, &l, &e) == GN_OK && c.polls == 0,
              "a short pass does not poll (%d polls)", c.polls);
        CHECK_NEAR(l, want, 1e-13, "a short pass with a cancel set gives the naive loss");
        gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
    }
    size_t n = 64, ni = 2, no = 2, B = 6, T = 2500;
    gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
    gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
    size_t np = gn_rnn_nparams(net);
    double *g0 = malloc(np * sizeof *g0), *g = malloc(np * sizeof *g);
    gn_rnn_work *w0 = gn_rnn_work_alloc(net, B, T, 1, NULL);
    double l0 = NAN;
    CHECK(gn_rnn_grad(net, bat, w0, NULL, &l0, g0, &e) == GN_OK, "long pass without a cancel runs");
    int polls[2] = {0, 0}, fwd_polls[2] = {0, 0}, gv_polls[2] = {0, 0};
    for (int nth = 1; nth <= 2; nth++) {
        gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, nth, NULL);
        poll_counter c = {0, 0};
        gn_cancel cc = {.poll = count_poll, .ud = &c};
        gn_rnn_work_set_cancel(w, &cc);
        double l = NAN;
        int st = gn_rnn_grad(net, bat, w, NULL, &l, g, &e);
        int same = st == GN_OK && l == l0 && memcmp(g, g0, np * sizeof *g) == 0;
        if (nth == 2) {   /* two threads sum the gradient in another order */
            double d = 0;
            for (size_t i = 0; i < np; i++) d = fmax(d, fabs(g[i] - g0[i]));
            same = st == GN_OK && fabs(l - l0) <= 1e-14 * l0 && d < 1e-13 * max_abs(g0, np);
        }
        polls[nth - 1] = c.polls;
        CHECK(same && c.polls >= 3, "%d thread(s): a long pass polls (%d polls) and gives the same loss "
              "and gradient as without a cancel", nth, c.polls);
        /* stop at the 2nd poll */
        poll_counter c2 = {0, 2};
        gn_cancel cs = {.poll = count_poll, .ud = &c2};
        gn_rnn_work_set_cancel(w, &cs);
        st = gn_rnn_forward(net, bat, w, NULL, &l, &e);
        gsl_matrix *x = gsl_matrix_alloc(T, n);
        gn_err e2 = {0};
        CHECK(st == GN_EINTR && c2.polls == 2 && gn_rnn_work_trace(w, 0, x, NULL, NULL, &e2) == GN_EINVAL,
              "%d thread(s): a stop at the 2nd poll returns GN_EINTR (%s) and leaves no traces", nth, e.msg);
        gn_rnn_work_set_cancel(w, NULL);
        CHECK(gn_rnn_loss(net, bat, w, NULL, &l, &e) == GN_OK && fabs(l - l0) <= 1e-14 * l0,
              "%d thread(s): after a stop the workspace runs a full pass again", nth);
        /* the backward half polls too: a gradient makes twice a forward
         * pass's polls (plus one at the turn when T is a multiple of the
         * chunk), and a stop past the forward half's polls stops it there */
        poll_counter cf = {0, 0};
        gn_cancel ccf = {.poll = count_poll, .ud = &cf};
        gn_rnn_work_set_cancel(w, &ccf);
        CHECK(gn_rnn_loss(net, bat, w, NULL, &l, &e) == GN_OK, "%d thread(s): forward pass with polls", nth);
        fwd_polls[nth - 1] = cf.polls;
        CHECK(c.polls >= 2 * cf.polls && c.polls <= 2 * cf.polls + 1,
              "%d thread(s): the gradient polls in both halves (%d polls, forward alone %d)", nth, c.polls, cf.polls);
        poll_counter cb = {0, cf.polls + 2};
        gn_cancel ccb = {.poll = count_poll, .ud = &cb};
        gn_rnn_work_set_cancel(w, &ccb);
        st = gn_rnn_grad(net, bat, w, NULL, &l, g, &e);
        CHECK(st == GN_EINTR && cb.polls == cf.polls + 2 && strstr(e.msg, "interrupted"),
              "%d thread(s): a stop in the backward half returns GN_EINTR (%s)", nth, e.msg);
        /* Gv: the same product with polls as without, and a stop partway */
        gn_rnn_work_set_cancel(w, NULL);
        CHECK(gn_rnn_grad(net, bat, w, NULL, &l, g, &e) == GN_OK, "%d thread(s): gradient for Gv", nth);
        double *v = malloc(np * sizeof *v), *gv0 = malloc(np * sizeof *gv0), *gv = malloc(np * sizeof *gv);
        for (size_t i = 0; i < np; i++) v[i] = gsl_ran_gaussian(rng, 1.0);
        CHECK(gn_rnn_gv(net, bat, w, v, 0.37, gv0, &e) == GN_OK, "%d thread(s): Gv without polls", nth);
        poll_counter cg = {0, 0};
        gn_cancel ccg = {.poll = count_poll, .ud = &cg};
        gn_rnn_work_set_cancel(w, &ccg);
        CHECK(gn_rnn_gv(net, bat, w, v, 0.37, gv, &e) == GN_OK && cg.polls >= 2 * cf.polls &&
              memcmp(gv, gv0, np * sizeof *gv) == 0,
              "%d thread(s): Gv with polls (%d) is bit for bit the product without", nth, cg.polls);
        gv_polls[nth - 1] = cg.polls;
        poll_counter cg2 = {0, cg.polls - 1};
        gn_cancel ccg2 = {.poll = count_poll, .ud = &cg2};
        gn_rnn_work_set_cancel(w, &ccg2);
        CHECK(gn_rnn_gv(net, bat, w, v, 0.37, gv, &e) == GN_EINTR && cg2.polls == cg.polls - 1,
              "%d thread(s): a stop in Gv's backward half returns GN_EINTR (%s)", nth, e.msg);
        gn_rnn_work_set_cancel(w, NULL);
        CHECK(gn_rnn_gv(net, bat, w, v, 0.37, gv, &e) == GN_OK && memcmp(gv, gv0, np * sizeof *gv) == 0,
              "%d thread(s): after a stopped Gv the next product is the same as before", nth);
        free(v); free(gv0); free(gv);
        gsl_matrix_free(x);
        gn_rnn_work_free(w);
    }
    CHECK(polls[0] == polls[1], "the number of polls does not depend on the threads (%d, %d)", polls[0], polls[1]);
    CHECK(fwd_polls[0] == fwd_polls[1] && gv_polls[0] == gv_polls[1],
          "nor those of a forward pass (%d, %d) or a Gv product (%d, %d)", fwd_polls[0], fwd_polls[1],
          gv_polls[0], gv_polls[1]);
    free(g0); free(g);
    gn_rnn_work_free(w0); gn_batch_free(bat); gn_rnn_free(net);
}

/* The tail of a large pass: the one weight-gradient GEMM of n > 1024 and
 * hf's per-trial products run in blocks with polls between them (rnn.c,
 * tail_plans).  The numbers do not depend on whether a cancellation is set
 * (the blocks follow the sizes alone); the polls do not depend on the
 * threads; a stop in the tail returns GN_EINTR naming it and leaves the
 * workspace usable.  Blocked results are checked against others: the big
 * GEMM cut into rows and ranges of steps against rows only, the blocked
 * per-trial squares against one BPTT per trial (too small to be cut). */
static void test_cancel_tail(gsl_rng *rng)
{
    gn_err e = {0};
    {
        size_t n = 1030, ni = 2, no = 2, B = 2, T = 520;
        gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
        gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
        size_t np = gn_rnn_nparams(net);
        double *g0 = malloc(np * sizeof *g0), *g = malloc(np * sizeof *g), l0 = NAN, l = NAN;
        gn_rnn_work *w1 = gn_rnn_work_alloc(net, B, T, 1, NULL);
        CHECK(gn_rnn_grad(net, bat, w1, NULL, &l0, g0, &e) == GN_OK, "n=1030, 2x520: gradient runs (%s)", e.msg);
        poll_counter cf = {0, 0}, c = {0, 0};
        gn_cancel ccf = {.poll = count_poll, .ud = &cf}, cc = {.poll = count_poll, .ud = &c};
        gn_rnn_work_set_cancel(w1, &ccf);
        CHECK(gn_rnn_loss(net, bat, w1, NULL, &l, &e) == GN_OK, "forward pass with polls");
        gn_rnn_work_set_cancel(w1, &cc);
        CHECK(gn_rnn_grad(net, bat, w1, NULL, &l, g, &e) == GN_OK && l == l0 &&
              memcmp(g, g0, np * sizeof *g) == 0,
              "n=1030: the gradient with polls is bit for bit the one without");
        /* a chunk of one step here: the forward pass polls after every step
         * (and between strips of the weights before the first), the
         * backward loop T times more; the tail adds its blocks' */
        CHECK(c.polls >= cf.polls + (int)T + 4,
              "the weight-gradient GEMM polls between blocks (%d polls, forward alone %d)", c.polls, cf.polls);
        poll_counter cs = {0, c.polls - 1};
        gn_cancel ccs = {.poll = count_poll, .ud = &cs};
        gn_rnn_work_set_cancel(w1, &ccs);
        int st = gn_rnn_grad(net, bat, w1, NULL, &l, g, &e);
        CHECK(st == GN_EINTR && cs.polls == c.polls - 1 && strstr(e.msg, "weight-gradient"),
              "a stop in the weight-gradient GEMM returns GN_EINTR (%s)", e.msg);
        gn_rnn_work_set_cancel(w1, NULL);
        CHECK(gn_rnn_grad(net, bat, w1, NULL, &l, g, &e) == GN_OK && memcmp(g, g0, np * sizeof *g) == 0,
              "after the stop the workspace gives the same gradient again");
        free(g0); free(g);
        gn_rnn_work_free(w1); gn_batch_free(bat); gn_rnn_free(net);
    }
    {
        /* 4 trials x 1020 steps: on one thread 64 rows over all 4080 steps
         * exceed 2 blocks' work, so the plan also cuts the steps (ranges of
         * 2030, summed in turn); on two threads (2040 steps a slice) only
         * the rows.  The two agree to rounding, with the same polls. */
        size_t n = 1030, ni = 2, no = 2, B = 4, T = 1020;
        gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
        gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
        size_t np = gn_rnn_nparams(net);
        double *g1 = malloc(np * sizeof *g1), *g2 = malloc(np * sizeof *g2), l1 = NAN, l2 = NAN;
        gn_rnn_work *w1 = gn_rnn_work_alloc(net, B, T, 1, NULL), *w2 = gn_rnn_work_alloc(net, B, T, 2, NULL);
        poll_counter c1 = {0, 0}, c2 = {0, 0};
        gn_cancel cc1 = {.poll = count_poll, .ud = &c1}, cc2 = {.poll = count_poll, .ud = &c2};
        gn_rnn_work_set_cancel(w1, &cc1);
        gn_rnn_work_set_cancel(w2, &cc2);
        CHECK(gn_rnn_grad(net, bat, w1, NULL, &l1, g1, &e) == GN_OK &&
              gn_rnn_grad(net, bat, w2, NULL, &l2, g2, &e) == GN_OK, "n=1030, 4x1020: gradients run");
        double d = 0;
        for (size_t i = 0; i < np; i++) d = fmax(d, fabs(g1[i] - g2[i]));
        CHECK(d < 1e-12 * max_abs(g1, np) && fabs(l1 - l2) <= 1e-14 * l1 && c1.polls == c2.polls,
              "blocks of rows and of steps (one thread) agree with blocks of rows (two) to %.1e of %.2g, "
              "with the same polls (%d, %d)", d, max_abs(g1, np), c1.polls, c2.polls);
        free(g1); free(g2);
        gn_rnn_work_free(w1); gn_rnn_work_free(w2); gn_batch_free(bat); gn_rnn_free(net);
    }
    {
        size_t n = 600, ni = 2, no = 3, B = 4, T = 750;
        gn_rnn *net = make_net(n, ni, no, GN_ACT_TANH, rng);
        gn_batch *bat = make_batch(B, T, ni, no, 1, rng);
        size_t np = gn_rnn_nparams(net);
        gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, 2, NULL), *w1 = gn_rnn_work_alloc(net, 1, T, 1, NULL);
        gn_batch *one = gn_batch_alloc(1, T, ni, no, 1, NULL);
        double *g = malloc(np * sizeof *g), *sq = malloc(np * sizeof *sq), *g1 = malloc(np * sizeof *g1);
        double *want = calloc(np, sizeof *want), l, M = gn_batch_mask_sum(bat);
        poll_counter cf = {0, 0}, c = {0, 0};
        gn_cancel ccf = {.poll = count_poll, .ud = &cf}, cc = {.poll = count_poll, .ud = &c};
        gn_rnn_work_set_cancel(w, &ccf);
        gn_rnn_loss(net, bat, w, NULL, &l, &e);
        gn_rnn_work_set_cancel(w, &cc);
        CHECK(gn_rnn_grad_sq(net, bat, w, NULL, &l, g, sq, &e) == GN_OK, "n=600: grad_sq with polls runs");
        CHECK(c.polls >= 2 * cf.polls + 4, "the per-trial products poll between blocks (%d polls, forward %d)",
              c.polls, cf.polls);
        for (size_t k = 0; k < B; k++) {
            gn_batch_subset(one, bat, k, NULL);
            double Mk = gn_batch_mask_sum(one), lk;
            gn_rnn_grad(net, one, w1, NULL, &lk, g1, NULL);
            for (size_t i = 0; i < np; i++) want[i] += (g1[i] * Mk / M) * (g1[i] * Mk / M);
        }
        double dsq = 0;
        for (size_t i = 0; i < np; i++) dsq = fmax(dsq, fabs(sq[i] - want[i]));
        CHECK(dsq < 1e-12 * max_abs(want, np), "blocked per-trial squares match one BPTT per trial "
              "(max diff %.1e of %.2g)", dsq, max_abs(want, np));
        poll_counter cs = {0, c.polls - 1};
        gn_cancel ccs = {.poll = count_poll, .ud = &cs};
        gn_rnn_work_set_cancel(w, &ccs);
        double *sq3 = malloc(np * sizeof *sq3);
        int st = gn_rnn_grad_sq(net, bat, w, NULL, &l, g, sq3, &e);
        CHECK(st == GN_EINTR && strstr(e.msg, "weight-gradient"),
              "a stop in the per-trial products returns GN_EINTR (%s)", e.msg);
        gn_rnn_work_set_cancel(w, NULL);
        double *sq2 = malloc(np * sizeof *sq2);
        st = gn_rnn_grad_sq(net, bat, w, NULL, &l, g, sq2, &e);
        size_t nd = 0;
        for (size_t i = 0; i < np; i++) nd += sq[i] != sq2[i];
        CHECK(st == GN_OK && nd == 0,
              "after the stop (and without a cancellation) the squares are bit for bit the same (%zu of %zu differ)",
              nd, np);
        free(sq2); free(sq3); free(g); free(sq); free(g1); free(want);
        gn_batch_free(one); gn_rnn_work_free(w1);
        gn_rnn_work_free(w); gn_batch_free(bat); gn_rnn_free(net);
    }
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2385);
    for (int act = 0; act < 3; act++) {
        test_forward(rng, act, 1);
        test_forward(rng, act, 2);
        test_grad_fd(rng, act, 0);
        test_grad_fd(rng, act, 1);
        test_gv(rng, act, 0);
        test_gv(rng, act, 0.37);
        test_grad_sq(rng, act, 1);
        test_grad_sq(rng, act, 2);
    }
    test_threads(rng);
    test_adapt(rng);
    test_forward_y(rng);
    test_noise(rng);
    test_large_n(rng);
    test_errors(rng);
    test_cancel(rng);
    test_cancel_tail(rng);
    gsl_rng_free(rng);
    CHECK_DONE();
}
