/* optim_hf.c — Hessian-free optimisation (Martens 2010; Martens & Sutskever 2011).
 *
 * One iteration at parameters x with gradient g:
 *   1. solve (G + μλ S + λ I) p = −g by preconditioned conjugate gradients,
 *      G the Gauss-Newton matrix on the curvature batch (products only),
 *      S the structural damping term, the preconditioner diagonal
 *      (d + λ)^0.75 with d the mean squared per-case gradient, CG started
 *      from the previous solution × decay, and stopped by Martens' relative
 *      progress test on the quadratic model φ(p) = ½pᵀAp + gᵀp;
 *   2. CG backtracking: of the iterates saved at steps ⌈1.3^j⌉, go back from
 *      the last while the loss keeps decreasing — the loss on the curvature
 *      batch when the objective gives it (fn.closs; Martens 2010 compares
 *      the iterates on the curvature minibatch), else on the fdf batch;
 *   3. Levenberg–Marquardt: ρ = (f(x+p) − f(x)) / φ(p), f as in step 2;
 *      λ ×3/2 if ρ < 1/4, ×2/3 if ρ > 3/4;
 *   4. Armijo backtracking line search along p on the fdf batch (rate × 0.8,
 *      c = 0.01); if it finds no decrease the step is rejected and x stays. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HF_SAVE_GROWTH 1.3
#define HF_ARMIJO_C 1e-2
#define HF_RATE_SHRINK 0.8
#define HF_MAX_RATE_TRIES 20
#define HF_RTOL 1e-10       /* CG stops when |r| <= HF_RTOL |g| */

typedef struct {
    double *p, *pprev, *r, *z, *d, *Ad, *M, *xt;
    double *saved;   /* nsave × n iterates */
    int *saved_i;    /* CG step of each saved iterate */
    double *saved_phi;
    double *phi;     /* φ after each CG step (max_cg + 1) */
    int nsave;
    int have_prev;   /* pprev holds a previous solution */
} hf_state;

static int hf_alloc(gn_optim *o, void *vs, gn_err *err)
{
    hf_state *s = vs;
    size_t n = o->n;
    int m = o->opts.max_cg;
    s->nsave = 2;
    for (double k = 1; k < m; k = ceil(k * HF_SAVE_GROWTH)) s->nsave++;
    double **v[] = {&s->p, &s->pprev, &s->r, &s->z, &s->d, &s->Ad, &s->M, &s->xt};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) *v[i] = gn_mem_alloc(n * sizeof(double), 1);
    s->saved = gn_mem_alloc((size_t)s->nsave * n * sizeof(double), 1);
    s->saved_i = calloc((size_t)s->nsave, sizeof(int));
    s->saved_phi = calloc((size_t)s->nsave, sizeof(double));
    s->phi = calloc((size_t)m + 1, sizeof(double));
    int ok = s->saved && s->saved_i && s->saved_phi && s->phi;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) ok = ok && *v[i];
    if (!ok) return gn_fail(err, GN_ENOMEM, "no memory for HF's CG vectors (%zu parameters)", n);
    return GN_OK;
}

static void hf_free(void *vs)
{
    hf_state *s = vs;
    gn_mem_free(s->p); gn_mem_free(s->pprev); gn_mem_free(s->r); gn_mem_free(s->z);
    gn_mem_free(s->d); gn_mem_free(s->Ad); gn_mem_free(s->M); gn_mem_free(s->xt);
    gn_mem_free(s->saved); free(s->saved_i); free(s->saved_phi); free(s->phi);
}

static int hf_init(gn_optim *o, void *vs, gn_err *err)
{
    hf_state *s = vs;
    if (!o->fn.gv) return gn_fail(err, GN_EINVAL, "hf needs a curvature product (gv callback)");
    s->have_prev = 0;
    memset(s->pprev, 0, o->n * sizeof(double));
    return GN_OK;
}

static int stopped(const gn_optim *o) { return gn_cancel_check(&o->cancel); }

/* out = (G + μλS + λI) v */
static int damped_gv(gn_optim *o, const double *v, double *out, gn_err *err)
{
    double lam = o->lambda;
    int st = o->fn.gv(o->fn.ctx, v, o->opts.mu * lam, out, err);
    if (st) return st;
    for (size_t i = 0; i < o->n; i++) out[i] += lam * v[i];
    return GN_OK;
}

/* f(x + a·p) into *f; non-finite values come back as +∞ so they lose every
 * comparison.  Returns a callback error other than GN_ENUM. */
static int trial_loss(gn_optim *o, hf_state *s, const double *p, double a, double *f, gn_err *err)
{
    for (size_t i = 0; i < o->n; i++) s->xt[i] = o->x[i] + a * p[i];
    int st = o->fn.fdf(o->fn.ctx, s->xt, f, NULL, err);
    if (st == GN_ENUM || !isfinite(*f)) { *f = INFINITY; return GN_OK; }
    return st;
}

/* The same on the curvature batch (fn.closs). */
static int trial_closs(gn_optim *o, hf_state *s, const double *p, double *f, gn_err *err)
{
    for (size_t i = 0; i < o->n; i++) s->xt[i] = o->x[i] + p[i];
    int st = o->fn.closs(o->fn.ctx, s->xt, f, err);
    if (st == GN_ENUM || !isfinite(*f)) { *f = INFINITY; return GN_OK; }
    return st;
}

/* Preconditioned CG on A p = b (b = −g), warm-started; saves iterates.
 * Returns the number of saved iterates in *nsaved, CG steps in *steps. */
static int hf_cg(gn_optim *o, hf_state *s, int *nsaved, int *steps, gn_err *err)
{
    size_t n = o->n;
    const double *g = o->g;
    int st;
    *nsaved = 0;
    *steps = 0;
    double bnorm = sqrt(gn_optim_dot(n, g, g));

    /* r = b − A p0, φ0 = −½ p0·(b + r) */
    double phi0 = 0;
    if (s->have_prev && o->opts.decay > 0) {
        for (size_t i = 0; i < n; i++) s->p[i] = o->opts.decay * s->pprev[i];
        if ((st = damped_gv(o, s->p, s->Ad, err))) return st;
        for (size_t i = 0; i < n; i++) s->r[i] = -g[i] - s->Ad[i];
        phi0 = 0;
        for (size_t i = 0; i < n; i++) phi0 -= 0.5 * s->p[i] * (-g[i] + s->r[i]);
        if (!(phi0 < 0)) {   /* the old direction is no better than none */
            memset(s->p, 0, n * sizeof(double));
            phi0 = 0;
        }
    } else {
        memset(s->p, 0, n * sizeof(double));
    }
    if (phi0 == 0)
        for (size_t i = 0; i < n; i++) s->r[i] = -g[i];
    s->phi[0] = phi0;

    for (size_t i = 0; i < n; i++) s->z[i] = s->r[i] / s->M[i];
    memcpy(s->d, s->z, n * sizeof(double));
    double rz = gn_optim_dot(n, s->r, s->z);
    int next_save = 1;
    int k;
    for (k = 1; k <= o->opts.max_cg; k++) {
        if (stopped(o)) return gn_fail(err, GN_EINTR, "interrupted");
        if ((st = damped_gv(o, s->d, s->Ad, err))) return st;
        double dAd = gn_optim_dot(n, s->d, s->Ad);
        if (!(dAd > 0) || !isfinite(dAd)) { k--; break; }   /* no curvature left: stop */
        double alpha = rz / dAd;
        for (size_t i = 0; i < n; i++) {
            s->p[i] += alpha * s->d[i];
            s->r[i] -= alpha * s->Ad[i];
        }
        double phi = 0;
        for (size_t i = 0; i < n; i++) phi -= 0.5 * s->p[i] * (-g[i] + s->r[i]);
        s->phi[k] = phi;
        int last = k == o->opts.max_cg;
        double rnorm = sqrt(gn_optim_dot(n, s->r, s->r));
        if (rnorm <= HF_RTOL * bnorm) last = 1;
        /* Martens' test: little relative progress over the last kk steps. */
        int kk = (int)ceil(0.1 * k);
        if (kk < o->opts.min_cg) kk = o->opts.min_cg;
        if (k > kk && phi < 0 && (phi - s->phi[k - kk]) / phi < kk * o->opts.cg_eps) last = 1;
        if (k == next_save || last) {
            int j = *nsaved;
            if (j >= s->nsave) j = s->nsave - 1;   /* cannot happen; keep in bounds */
            memcpy(s->saved + (size_t)j * n, s->p, n * sizeof(double));
            s->saved_i[j] = k;
            s->saved_phi[j] = phi;
            *nsaved = j + 1;
            next_save = (int)ceil(next_save * HF_SAVE_GROWTH);
            if (next_save <= k) next_save = k + 1;
        }
        if (last) break;
        for (size_t i = 0; i < n; i++) s->z[i] = s->r[i] / s->M[i];
        double rz2 = gn_optim_dot(n, s->r, s->z);
        double beta = rz2 / rz;
        rz = rz2;
        for (size_t i = 0; i < n; i++) s->d[i] = s->z[i] + beta * s->d[i];
    }
    if (k > o->opts.max_cg) k = o->opts.max_cg;
    *steps = k;
    if (*nsaved == 0 || s->saved_i[*nsaved - 1] != k) {   /* keep the final iterate */
        int j = *nsaved < s->nsave ? *nsaved : s->nsave - 1;
        memcpy(s->saved + (size_t)j * n, s->p, n * sizeof(double));
        s->saved_i[j] = k;
        s->saved_phi[j] = s->phi[k];
        *nsaved = j + 1;
    }
    return GN_OK;
}

static int hf_iterate(gn_optim *o, void *vs, gn_err *err)
{
    hf_state *s = vs;
    size_t n = o->n;
    int st;
    double f0;

    st = o->fn.fdf(o->fn.ctx, o->x, &f0, o->g, err);
    if (st == GN_OK && !(isfinite(f0) && gn_optim_finite(n, o->g)))
        st = gn_fail(err, GN_ENUM, "loss or gradient is not finite");
    if (st) { o->f = f0; o->gnorm = NAN; return st; }
    o->gnorm = sqrt(gn_optim_dot(n, o->g, o->g));
    if (o->fn.curv && (st = o->fn.curv(o->fn.ctx, o->x, err))) return st;

    if (o->fn.sqgrad) {
        if ((st = o->fn.sqgrad(o->fn.ctx, s->M, err))) return st;
        for (size_t i = 0; i < n; i++) {
            double d = s->M[i] + o->lambda;
            s->M[i] = d > 0 && isfinite(d) ? pow(d, 0.75) : 1;
        }
    } else {
        for (size_t i = 0; i < n; i++) s->M[i] = 1;
    }

    int nsaved, steps;
    if ((st = hf_cg(o, s, &nsaved, &steps, err))) return st;
    o->inner = steps;
    memcpy(s->pprev, s->saved + (size_t)(nsaved - 1) * n, n * sizeof(double));
    s->have_prev = 1;

    /* CG backtracking over the saved iterates, from the last one back, on
     * the curvature batch (f0b its loss at x) when there is one. */
    double f0b = f0;
    int cb = o->fn.closs != NULL;
    if (cb) {
        st = o->fn.closs(o->fn.ctx, o->x, &f0b, err);
        if (st && st != GN_ENUM) return st;
        if (st == GN_ENUM || !isfinite(f0b)) { cb = 0; f0b = f0; }   /* the fdf batch then */
    }
    int best = nsaved - 1;
    double fbest;
    if (cb) st = trial_closs(o, s, s->saved + (size_t)best * n, &fbest, err);
    else st = trial_loss(o, s, s->saved + (size_t)best * n, 1, &fbest, err);
    if (st) return st;
    for (int j = nsaved - 2; j >= 0; j--) {
        if (stopped(o)) return gn_fail(err, GN_EINTR, "interrupted");
        double fj;
        if (cb) st = trial_closs(o, s, s->saved + (size_t)j * n, &fj, err);
        else st = trial_loss(o, s, s->saved + (size_t)j * n, 1, &fj, err);
        if (st) return st;
        if (!(fj < fbest)) break;
        best = j;
        fbest = fj;
    }
    const double *p = s->saved + (size_t)best * n;
    double phi = s->saved_phi[best];

    /* Levenberg–Marquardt damping from the reduction ratio. */
    double rho = phi < 0 ? (fbest - f0b) / phi : -INFINITY;
    if (!isfinite(fbest)) rho = -INFINITY;
    o->rho = rho;
    if (o->opts.adapt) {
        if (rho < 0.25) o->lambda *= 1.5;
        else if (rho > 0.75) o->lambda *= 2.0 / 3.0;
        if (o->lambda < o->opts.lambda_min) o->lambda = o->opts.lambda_min;
    }

    /* Armijo line search along p, starting from the full step. */
    double gp = gn_optim_dot(n, o->g, p);
    double rate = 1, fnew = fbest;
    if (cb && (st = trial_loss(o, s, p, 1, &fnew, err))) return st;   /* on the fdf batch */
    int ok = 0;
    for (int t = 0; t < HF_MAX_RATE_TRIES; t++) {
        if (t > 0) {
            if (stopped(o)) return gn_fail(err, GN_EINTR, "interrupted");
            rate *= HF_RATE_SHRINK;
            if ((st = trial_loss(o, s, p, rate, &fnew, err))) return st;
        }
        if (fnew <= f0 + HF_ARMIJO_C * rate * gp) { ok = 1; break; }
    }
    o->rejected = !ok;
    if (ok) {
        for (size_t i = 0; i < n; i++) o->x[i] += rate * p[i];
        o->f = fnew;
    } else {
        o->f = f0;
    }
    memcpy(o->xf, o->x, n * sizeof(double));
    return GN_OK;
}

static const gn_optim_type hf_type = {
    "hf", sizeof(hf_state), hf_alloc, hf_init, hf_iterate, hf_free
};
const gn_optim_type *gn_optim_hf = &hf_type;
