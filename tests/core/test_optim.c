/* test_optim.c — optimisers on quadratics and Rosenbrock's function, against exact minima. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "optim.h"
#include "rnn.h"
#include "train_rnn.h"

/* ---- quadratic f = ½xᵀAx − bᵀx, exact Gv = A v -------------------------- */
typedef struct {
    size_t n;
    double *A, *b;
    int calls;
    int nan_at;     /* fdf call number that returns NaN (0: never) */
    int ccalls;     /* closs calls */
    const double *cref;   /* closs: NULL for f itself, else the distance from cref */
} quad;

static int quad_fdf(void *ctx, const double *x, double *f, double *g, gn_err *err)
{
    (void)err;
    quad *q = ctx;
    size_t n = q->n;
    q->calls++;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double ax = 0;
        for (size_t j = 0; j < n; j++) ax += q->A[i * n + j] * x[j];
        s += 0.5 * x[i] * ax - q->b[i] * x[i];
        if (g) g[i] = ax - q->b[i];
    }
    *f = s;
    if (q->nan_at && q->calls == q->nan_at) { *f = NAN; return GN_ENUM; }
    return GN_OK;
}

/* hf's curvature-batch loss: f itself (not counted as an fdf call), or
 * |x − cref| — a loss that prefers the earliest CG iterate. */
static int quad_closs(void *ctx, const double *x, double *f, gn_err *err)
{
    quad *q = ctx;
    q->ccalls++;
    if (!q->cref) {
        int calls = q->calls, st = quad_fdf(ctx, x, f, NULL, err);
        q->calls = calls;
        return st;
    }
    double s = 0;
    for (size_t i = 0; i < q->n; i++) s += (x[i] - q->cref[i]) * (x[i] - q->cref[i]);
    *f = sqrt(s);
    return GN_OK;
}

static int quad_gv(void *ctx, const double *v, double sdamp, double *out, gn_err *err)
{
    (void)err; (void)sdamp;
    quad *q = ctx;
    for (size_t i = 0; i < q->n; i++) {
        out[i] = 0;
        for (size_t j = 0; j < q->n; j++) out[i] += q->A[i * q->n + j] * v[j];
    }
    return GN_OK;
}

static int quad_diag(void *ctx, double *d, gn_err *err)
{
    (void)err;
    quad *q = ctx;
    for (size_t i = 0; i < q->n; i++) d[i] = q->A[i * q->n + i] * q->A[i * q->n + i];
    return GN_OK;
}

/* A = Qᵀ diag(1..50) Q from a random orthogonal-ish Q (Householder of a
 * random vector), plus a random b; x* solved by Cholesky. */
static void quad_make(quad *q, size_t n, gsl_rng *r, double *xstar)
{
    q->n = n;
    q->A = calloc(n * n, sizeof(double));
    q->b = calloc(n, sizeof(double));
    double *v = calloc(n, sizeof(double)), vv = 0;
    for (size_t i = 0; i < n; i++) { v[i] = gsl_rng_uniform(r) - 0.5; vv += v[i] * v[i]; }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++) {
                double hik = (i == k) - 2 * v[i] * v[k] / vv;
                double hjk = (j == k) - 2 * v[j] * v[k] / vv;
                s += hik * (1 + 49.0 * k / (n - 1)) * hjk;
            }
            q->A[i * n + j] = s;
        }
    for (size_t i = 0; i < n; i++) q->b[i] = 2.385 * (gsl_rng_uniform(r) - 0.3);
    gsl_matrix *L = gsl_matrix_alloc(n, n);
    memcpy(L->data, q->A, n * n * sizeof(double));
    gsl_linalg_cholesky_decomp1(L);
    gsl_vector_view bv = gsl_vector_view_array(q->b, n), xv = gsl_vector_view_array(xstar, n);
    gsl_linalg_cholesky_solve(L, &bv.vector, &xv.vector);
    gsl_matrix_free(L);
    free(v);
}

static double dist(size_t n, const double *a, const double *b)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

/* ---- Rosenbrock as least squares: r1 = 10(y − x²), r2 = 1 − x ------------- */
typedef struct { double x[2]; } rosen;   /* linearisation point for gv */

static int rosen_fdf(void *ctx, const double *p, double *f, double *g, gn_err *err)
{
    (void)ctx; (void)err;
    double r1 = 10 * (p[1] - p[0] * p[0]), r2 = 1 - p[0];
    *f = r1 * r1 + r2 * r2;
    if (g) {
        g[0] = 2 * r1 * (-20 * p[0]) - 2 * r2;
        g[1] = 2 * r1 * 10;
    }
    return GN_OK;
}

static int rosen_curv(void *ctx, const double *x, gn_err *err)
{
    (void)err;
    rosen *r = ctx;
    r->x[0] = x[0]; r->x[1] = x[1];
    return GN_OK;
}

/* G = 2 JᵀJ with J = [[−20x, 10], [−1, 0]] */
static int rosen_gv(void *ctx, const double *v, double sdamp, double *out, gn_err *err)
{
    (void)err; (void)sdamp;
    rosen *r = ctx;
    double j1 = -20 * r->x[0] * v[0] + 10 * v[1], j2 = -v[0];
    out[0] = 2 * (-20 * r->x[0] * j1 - j2);
    out[1] = 2 * (10 * j1);
    return GN_OK;
}

static int run(const char *name, gn_optim_opts *opts, const gn_optim_fn *fn, const double *x0,
               int iters, double gtol, double *x, double *f)
{
    gn_err e = {0};
    gn_optim *o = gn_optim_alloc(gn_optim_lookup(name), fn->n, opts, &e);
    if (!o) { printf("# alloc %s: %s\n", name, e.msg); return -1; }
    int k = 0;
    if (gn_optim_init(o, fn, x0, &e)) { printf("# init %s: %s\n", name, e.msg); gn_optim_free(o); return -1; }
    while (k < iters && gn_optim_test(o, gtol) == GN_OPTIM_CONTINUE) {
        if (gn_optim_iterate(o, &e)) { printf("# iterate %s: %s\n", name, e.msg); break; }
        k++;
    }
    memcpy(x, o->x, fn->n * sizeof(double));
    *f = o->f;
    gn_optim_free(o);
    return k;
}

/* The rnn objective: every method lowers the loss of a fixed batch of a
 * small net (a delayed copy of input 1, sign-flipped by input 2), and noisy
 * evaluations within one batch are repeatable. */
static void rnn_checks(gsl_rng *r)
{
    gn_err e = {0};
    size_t n = 12, B = 8, T = 30;
    gn_rnn *net = gn_rnn_alloc(n, 2, 1, &e);
    gn_rnn_init(net, 1.2, r, &e);
    gn_batch *bat = gn_batch_alloc(B, T, 2, 1, 1, &e);
    for (size_t k = 0; k < B; k++) {
        gsl_matrix *u = gsl_matrix_calloc(T, 2), *y = gsl_matrix_calloc(T, 1), *m = gsl_matrix_alloc(T, 1);
        gsl_matrix_set_all(m, 1);
        double a = gsl_rng_uniform(r) - 0.5, s = k % 2 ? 1 : -1;
        for (size_t t = 0; t < T; t++) {
            gsl_matrix_set(u, t, 0, t < 5 ? a : 0);
            gsl_matrix_set(u, t, 1, s);
            gsl_matrix_set(y, t, 0, t >= 10 ? s * a : 0);
        }
        gn_batch_set_trial(bat, k, u, y, m, &e);
        gsl_matrix_free(u); gsl_matrix_free(y); gsl_matrix_free(m);
    }
    size_t np = gn_rnn_nparams(net);
    double *x0 = malloc(np * sizeof(double)), *g = malloc(np * sizeof(double));
    gn_rnn_get_params(net, x0);
    const char *methods[] = {"hf", "adam", "cg", "bfgs"};
    int iters[] = {30, 300, 100, 100};
    double f0 = NAN;
    for (int i = 0; i < 4; i++) {
        gn_rnn_set_params(net, x0);
        gn_train_rnn *c = gn_train_rnn_alloc(net, i == 0 ? B / 2 : 0, 1, r, &e);
        gn_optim_opts o;
        gn_optim_opts_default(&o);
        o.lr = 0.01;
        gn_optim *opt = gn_optim_alloc(gn_optim_lookup(methods[i]), np, &o, &e);
        gn_optim_fn fn;
        CHECK(c && opt && gn_train_rnn_set_batch(c, bat, &e) == GN_OK, "rnn objective for %s", methods[i]);
        gn_train_rnn_objective(c, &fn);
        if (i == 0) fn.fdf(fn.ctx, x0, &f0, NULL, &e);
        gn_optim_init(opt, &fn, x0, &e);
        int k, st = GN_OK;
        for (k = 0; k < iters[i] && st == GN_OK && gn_optim_test(opt, 1e-10) == GN_OPTIM_CONTINUE; k++)
            st = gn_optim_iterate(opt, &e);
        double f;
        fn.fdf(fn.ctx, opt->x, &f, NULL, &e);
        CHECK(st == GN_OK && f < 0.2 * f0, "%s lowers a small rnn's loss from %.4g to %.4g in %d iterations",
              methods[i], f0, f, k);
        gn_optim_free(opt);
        gn_train_rnn_free(c);
    }
    /* Common random numbers: the same batch, the same noise. */
    net->noise = 0.1;
    gn_rnn_set_params(net, x0);
    gn_train_rnn *c = gn_train_rnn_alloc(net, 4, 2, r, &e);
    gn_optim_fn fn;
    gn_train_rnn_set_batch(c, bat, &e);
    gn_train_rnn_objective(c, &fn);
    double fa, fb, fc, fd;
    fn.fdf(fn.ctx, x0, &fa, g, &e);
    fn.fdf(fn.ctx, x0, &fb, NULL, &e);
    gn_train_rnn_set_batch(c, bat, &e);
    fn.fdf(fn.ctx, x0, &fc, NULL, &e);
    net->noise = 0;
    fn.fdf(fn.ctx, x0, &fd, NULL, &e);
    CHECK(fa == fb && fc != fa && fd != fa, "noisy losses repeat within a batch (%.6g %.6g), not across (%.6g; "
          "no noise %.6g)", fa, fb, fc, fd);
    /* closs: the loss on the curvature batch (the first 4 trials). */
    {
        gn_batch *sub = gn_batch_alloc(4, T, 2, 1, 1, &e);
        gn_batch_subset(sub, bat, 0, &e);
        gn_train_rnn *c4 = gn_train_rnn_alloc(net, 0, 1, r, &e);
        gn_optim_fn f4;
        gn_train_rnn_set_batch(c4, sub, &e);
        gn_train_rnn_objective(c4, &f4);
        double lc = NAN, l4 = NAN;
        CHECK(fn.closs && fn.closs(fn.ctx, x0, &lc, &e) == GN_OK && f4.fdf(f4.ctx, x0, &l4, NULL, &e) == GN_OK &&
              fabs(lc - l4) <= 1e-12 * l4 && fabs(lc - fd) > 1e-9 * fd,
              "closs is the loss on the curvature trials: %.10g vs %.10g (whole batch %.6g)", lc, l4, fd);
        CHECK(f4.closs == NULL, "no closs without a curvature batch");
        gn_train_rnn_free(c4);
        gn_batch_free(sub);
    }
    /* The preconditioner diagonal is positive and of the gradient's scale. */
    double *d = malloc(np * sizeof(double));
    fn.curv(fn.ctx, x0, &e);
    fn.sqgrad(fn.ctx, d, &e);
    double dmin = INFINITY, dsum = 0, gsum = gn_optim_dot(np, g, g);
    for (size_t i = 0; i < np; i++) { if (d[i] < dmin) dmin = d[i]; dsum += d[i]; }
    CHECK(dmin >= 0 && dsum >= 0.25 * gsum, "per-trial squared gradients: min %.3g >= 0, sum %.3g >= |g|^2/4 = %.3g",
          dmin, dsum, gsum / 4);
    CHECK(gn_train_rnn_alloc(net, 4, 3, r, &e) == NULL && e.code == GN_EINVAL, "threads = 3 rejected");
    gn_batch *wrong = gn_batch_alloc(2, T, 3, 1, 1, &e);
    CHECK(gn_train_rnn_set_batch(c, wrong, &e) == GN_EINVAL, "batch with the wrong inputs rejected: %s", e.msg);
    gn_batch_free(wrong);
    free(d);
    gn_train_rnn_free(c);
    free(x0); free(g);
    gn_batch_free(bat);
    gn_rnn_free(net);
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    gn_err e = {0};

    /* HF with the exact Gv on a quadratic: one step, ≤ n CG steps, exact. */
    enum { N = 20 };
    quad q = {0};
    double xstar[N], x0[N], x[N], f;
    quad_make(&q, N, r, xstar);
    for (int i = 0; i < N; i++) x0[i] = 0.5 * sin(i + 1.0);
    gn_optim_fn qf = {.n = N, .fdf = quad_fdf, .gv = quad_gv, .ctx = &q};
    gn_optim_opts o;
    gn_optim_opts_default(&o);
    o.lambda = 0; o.adapt = 0; o.decay = 0; o.max_cg = N; o.min_cg = N;
    gn_optim *h = gn_optim_alloc(gn_optim_hf, N, &o, &e);
    CHECK(h != NULL, "hf alloc");
    CHECK(gn_optim_init(h, &qf, x0, &e) == GN_OK, "hf init");
    CHECK(gn_optim_iterate(h, &e) == GN_OK, "hf iterate on a quadratic");
    CHECK(h->inner <= N, "hf CG took %d <= %d steps", h->inner, N);
    CHECK(dist(N, h->x, xstar) < 1e-8 * (1 + dist(N, xstar, x0)),
          "hf reaches the quadratic's minimum in one step (|x-x*| = %.3g)", dist(N, h->x, xstar));
    CHECK_NEAR(h->rho, 1.0, 1e-8, "hf reduction ratio on an exact quadratic model is 1");
    /* Preconditioned: still ≤ n steps. */
    qf.sqgrad = quad_diag;
    CHECK(gn_optim_init(h, &qf, x0, &e) == GN_OK, "hf re-init with a preconditioner");
    CHECK(gn_optim_iterate(h, &e) == GN_OK && h->inner <= N &&
          dist(N, h->x, xstar) < 1e-8 * (1 + dist(N, xstar, x0)),
          "preconditioned hf: %d CG steps, |x-x*| = %.3g", h->inner, dist(N, h->x, xstar));
    gn_optim_free(h);

    /* Default HF settings (damping, warm starts, progress test) still converge. */
    gn_optim_opts_default(&o);
    int k = run("hf", &o, &qf, x0, 50, 1e-9, x, &f);
    CHECK(k > 0 && dist(N, x, xstar) < 1e-6, "hf with default damping: %d iterations, |x-x*| = %.3g",
          k, dist(N, x, xstar));

    /* A curvature-batch loss (closs) equal to f: hf backtracks and takes
     * the same steps (the same x to the bit), evaluating fdf only for the
     * gradient and the Armijo test, and closs for the iterates. */
    {
        double xa[N], xb[N];
        gn_optim_opts_default(&o);
        gn_optim *ha = gn_optim_alloc(gn_optim_hf, N, &o, &e);
        gn_optim_init(ha, &qf, x0, &e);
        q.calls = 0;
        for (int it = 0; it < 5; it++) gn_optim_iterate(ha, &e);
        int calls_a = q.calls;
        memcpy(xa, ha->x, sizeof xa);
        gn_optim_fn cf = qf;
        cf.closs = quad_closs;
        gn_optim_free(ha);
        ha = gn_optim_alloc(gn_optim_hf, N, &o, &e);   /* λ as at the start */
        gn_optim_init(ha, &cf, x0, &e);
        q.calls = 0; q.ccalls = 0; q.cref = NULL;
        int st = GN_OK;
        for (int it = 0; it < 5 && st == GN_OK; it++) st = gn_optim_iterate(ha, &e);
        memcpy(xb, ha->x, sizeof xb);
        CHECK(st == GN_OK && memcmp(xa, xb, sizeof xa) == 0 && dist(N, xb, x0) > 0,
              "hf with closs = f takes the same steps as without (|xa-xb| = %.3g)", dist(N, xa, xb));
        CHECK(q.calls < calls_a && q.calls >= 10 && q.ccalls >= 10,
              "hf with closs: %d fdf calls (without: %d), %d closs calls in 5 iterations",
              q.calls, calls_a, q.ccalls);
        /* closs = |x − x0| prefers the first CG iterate, the Cauchy step
         * −(gᵀg / gᵀAg) g (no damping, no warm start, no preconditioner),
         * and makes the reduction ratio negative: both show closs decided. */
        o.lambda = 0; o.adapt = 0; o.decay = 0; o.max_cg = N; o.min_cg = N;
        gn_optim *hb = gn_optim_alloc(gn_optim_hf, N, &o, &e);
        q.cref = x0;
        cf.sqgrad = NULL;
        gn_optim_init(hb, &cf, x0, &e);
        CHECK(gn_optim_iterate(hb, &e) == GN_OK, "hf iterate with closs = |x - x0|");
        double g[N], Ag[N], gg = 0, gAg = 0, fq, want[N];
        quad_fdf(&q, x0, &fq, g, &e);
        quad_gv(&q, g, 0, Ag, &e);
        for (int i = 0; i < N; i++) { gg += g[i] * g[i]; gAg += g[i] * Ag[i]; }
        for (int i = 0; i < N; i++) want[i] = x0[i] - gg / gAg * g[i];
        CHECK(dist(N, hb->x, want) < 1e-12 * (1 + dist(N, want, x0)) && hb->rho < 0,
              "hf backtracks to the first CG iterate by closs (|x - cauchy| = %.3g, rho %.3g)",
              dist(N, hb->x, want), hb->rho);
        q.cref = NULL;
        gn_optim_free(hb);
        gn_optim_free(ha);
    }

    /* cg, cg_fr, bfgs and adam on the same quadratic. */
    qf.sqgrad = NULL;
    const char *mm[] = {"cg", "cg_fr", "bfgs"};
    for (int i = 0; i < 3; i++) {
        gn_optim_opts_default(&o);
        k = run(mm[i], &o, &qf, x0, 500, 1e-10, x, &f);
        CHECK(dist(N, x, xstar) < 1e-6, "%s minimises a quadratic (%d iterations, |x-x*| = %.3g)",
              mm[i], k, dist(N, x, xstar));
    }
    gn_optim_opts_default(&o);
    o.lr = 0.02; o.clip = 0;
    k = run("adam", &o, &qf, x0, 5000, 1e-9, x, &f);
    CHECK(dist(N, x, xstar) < 1e-4, "adam minimises a quadratic (%d iterations, |x-x*| = %.3g)",
          k, dist(N, x, xstar));

    /* Rosenbrock from (−1.2, 1): minimum (1, 1). */
    rosen rs = {{0, 0}};
    gn_optim_fn rf = {.n = 2, .fdf = rosen_fdf, .curv = rosen_curv, .gv = rosen_gv, .ctx = &rs};
    double r0[2] = {-1.2, 1}, one[2] = {1, 1}, rx[2], rfv;
    const char *all[] = {"cg", "cg_fr", "bfgs", "hf"};
    for (int i = 0; i < 4; i++) {
        gn_optim_opts_default(&o);
        k = run(all[i], &o, &rf, r0, 2000, 1e-9, rx, &rfv);
        CHECK(dist(2, rx, one) < 1e-4, "%s minimises Rosenbrock (%d iterations, x = %.6f %.6f)",
              all[i], k, rx[0], rx[1]);
    }
    gn_optim_opts_default(&o);
    o.lr = 0.01; o.clip = 0;
    k = run("adam", &o, &rf, r0, 30000, 1e-8, rx, &rfv);
    CHECK(dist(2, rx, one) < 1e-2, "adam minimises Rosenbrock (%d iterations, x = %.5f %.5f)",
          k, rx[0], rx[1]);

    /* Clipping: Adam's first step is lr·ĝ/(|ĝ| + eps) per coordinate, ĝ the
     * clipped gradient g·clip/|g|; with eps comparable to ĝ the step size
     * shows whether the gradient was clipped. */
    gn_optim_opts_default(&o);
    o.lr = 0.1; o.clip = 1e-3; o.eps = 1e-3;
    gn_optim *a = gn_optim_alloc(gn_optim_adam, 2, &o, &e);
    gn_optim_init(a, &rf, r0, &e);
    gn_optim_iterate(a, &e);
    double g0 = 2 * 10 * (1 - 1.44) * (-20 * -1.2) - 2 * 2.2, g1 = 2 * 10 * (1 - 1.44) * 10;
    double gn = hypot(g0, g1), c0 = fabs(g0) * 1e-3 / gn;
    CHECK_NEAR(fabs(a->x[0] - r0[0]), 0.1 * c0 / (c0 + 1e-3), 1e-12, "adam clips the gradient norm");
    CHECK_NEAR(a->gnorm, gn, 1e-12, "adam reports the unclipped gradient norm");
    gn_optim_free(a);

    /* Errors on purpose. */
    gn_optim_opts_default(&o);
    o.lr = -1;
    CHECK(gn_optim_alloc(gn_optim_adam, 2, &o, &e) == NULL && e.code == GN_EINVAL &&
          strstr(e.msg, "lr"), "negative lr rejected: %s", e.msg);
    gn_optim_opts_default(&o);
    CHECK(gn_optim_alloc(gn_optim_hf, 0, &o, &e) == NULL && e.code == GN_EINVAL, "n = 0 rejected");
    CHECK(gn_optim_lookup("sgd") == NULL && gn_optim_lookup("bfgs") == gn_optim_bfgs,
          "method lookup by name");
    gn_optim_fn nogv = {.n = N, .fdf = quad_fdf, .ctx = &q};
    h = gn_optim_alloc(gn_optim_hf, N, &o, &e);
    CHECK(gn_optim_init(h, &nogv, x0, &e) == GN_EINVAL && strstr(e.msg, "gv"), "hf without gv: %s", e.msg);
    double bad[N];
    memcpy(bad, x0, sizeof bad);
    bad[3] = NAN;
    CHECK(gn_optim_init(h, &qf, bad, &e) == GN_EINVAL, "NaN starting point rejected");
    /* A NaN loss leaves x unchanged and says GN_ENUM. */
    CHECK(gn_optim_init(h, &qf, x0, &e) == GN_OK, "hf init for NaN test");
    q.calls = 0; q.nan_at = 1;
    CHECK(gn_optim_iterate(h, &e) == GN_ENUM && dist(N, h->x, x0) == 0, "hf: NaN loss -> GN_ENUM, x unchanged");
    /* A NaN at a trial point is a rejected step, not an error. */
    q.nan_at = 0;
    quad_fdf(&q, x0, &f, NULL, &e);
    q.calls = 0; q.nan_at = 2;
    CHECK(gn_optim_iterate(h, &e) == GN_OK && isfinite(h->f) && h->f <= f,
          "hf: a NaN trial loss is never taken as the step (f %g <= %g)", h->f, f);
    q.nan_at = 0;
    volatile int stop = 1;
    h->cancel.stop = &stop;
    CHECK(gn_optim_iterate(h, &e) == GN_EINTR, "cancel flag stops hf");
    gn_optim_free(h);
    a = gn_optim_alloc(gn_optim_adam, N, &o, &e);
    gn_optim_init(a, &qf, x0, &e);
    q.calls = 0; q.nan_at = 1;
    CHECK(gn_optim_iterate(a, &e) == GN_ENUM && dist(N, a->x, x0) == 0, "adam: NaN loss -> GN_ENUM, x unchanged");
    q.nan_at = 0;
    gn_optim_free(a);

    free(q.A); free(q.b);
    rnn_checks(r);
    gsl_rng_free(r);
    CHECK_DONE();
}
