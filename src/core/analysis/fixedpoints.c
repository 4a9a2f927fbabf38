/* fixedpoints.c — slow-point search by minimising q = ½|F(x)|² (Sussillo & Barak 2013). */
#include "fixedpoints.h"
#include "mat.h"
#include "child.h"
#include "pca.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_multimin.h>

gn_fpset *gn_fpset_alloc(size_t n, size_t cap, gn_err *err)
{
    if (gn_check_size(n, cap, err)) return NULL;
    gn_fpset *s = calloc(1, sizeof *s);
    if (!s) goto oom;
    s->n = n; s->cap = cap;
    s->x = malloc(n * cap * sizeof *s->x);
    s->q = malloc(cap * sizeof *s->q);
    s->eig_re = malloc(n * cap * sizeof *s->eig_re);
    s->eig_im = malloc(n * cap * sizeof *s->eig_im);
    s->stable = malloc(cap * sizeof *s->stable);
    s->hits = malloc(cap * sizeof *s->hits);
    if (!s->x || !s->q || !s->eig_re || !s->eig_im || !s->stable || !s->hits) goto oom;
    return s;
oom:
    gn_fpset_free(s);
    gn_fail(err, GN_ENOMEM, "out of memory for %zu fixed points of dimension %zu", cap, n);
    return NULL;
}

void gn_fpset_free(gn_fpset *s)
{
    if (!s) return;
    free(s->x); free(s->q); free(s->eig_re); free(s->eig_im); free(s->stable); free(s->hits);
    free(s);
}

static double act(gn_act a, double x)
{
    switch (a) {
    case GN_ACT_RELU: return x > 0 ? x : 0;
    case GN_ACT_SOFTPLUS: return x > 30 ? x : log1p(exp(x));
    default: return tanh(x);
    }
}

static double dact(gn_act a, double x)
{
    switch (a) {
    case GN_ACT_RELU: return x > 0 ? 1 : 0;
    case GN_ACT_SOFTPLUS: return 1 / (1 + exp(-x));
    default: { double t = tanh(x); return 1 - t * t; }
    }
}

/* Scratch for one evaluation of q; the multimin callbacks get it as params. */
typedef struct {
    const gn_rnn *net;
    gsl_vector *c;     /* Win u* + b, constant over the search */
    gsl_vector *r;     /* f(x), then scratch */
    gsl_vector *d;     /* f'(x) */
    gsl_vector *F;     /* speed */
} qctx;

static double q_eval(qctx *k, const gsl_vector *x, gsl_vector *grad)
{
    const gn_rnn *net = k->net;
    size_t n = net->n;
    for (size_t i = 0; i < n; i++) {
        double xi = gsl_vector_get(x, i);
        gsl_vector_set(k->r, i, act(net->act, xi));
        gsl_vector_set(k->d, i, dact(net->act, xi));
    }
    /* F = (−x + W r + c)/tau */
    gsl_vector_memcpy(k->F, k->c);
    gsl_blas_dgemv(CblasNoTrans, 1.0, net->W, k->r, 1.0, k->F);
    gsl_vector_sub(k->F, x);
    gsl_vector_scale(k->F, 1.0 / net->tau);
    double nf = gsl_blas_dnrm2(k->F);
    if (grad) {
        /* ∇q = Jᵀ F = (−F + diag(f') Wᵀ F)/tau */
        gsl_blas_dgemv(CblasTrans, 1.0, net->W, k->F, 0.0, k->r);
        gsl_vector_mul(k->r, k->d);
        gsl_vector_sub(k->r, k->F);
        gsl_vector_scale(k->r, 1.0 / net->tau);
        gsl_vector_memcpy(grad, k->r);
    }
    return 0.5 * nf * nf;
}

static double mm_f(const gsl_vector *x, void *p) { return q_eval(p, x, NULL); }
static void mm_df(const gsl_vector *x, void *p, gsl_vector *g) { q_eval(p, x, g); }
static void mm_fdf(const gsl_vector *x, void *p, double *f, gsl_vector *g) { *f = q_eval(p, x, g); }

static int ctx_init(qctx *k, const gn_rnn *net, const gsl_vector *u)
{
    size_t n = net->n;
    k->net = net;
    k->c = gsl_vector_alloc(n); k->r = gsl_vector_alloc(n);
    k->d = gsl_vector_alloc(n); k->F = gsl_vector_alloc(n);
    if (!k->c || !k->r || !k->d || !k->F) return -1;
    gsl_matrix_const_view bv = gsl_matrix_const_submatrix(net->b, 0, 0, n, 1);
    gsl_vector_const_view bcol = gsl_matrix_const_column(&bv.matrix, 0);
    gsl_vector_memcpy(k->c, &bcol.vector);
    if (u) gsl_blas_dgemv(CblasNoTrans, 1.0, net->Win, u, 1.0, k->c);
    return 0;
}

static void ctx_free(qctx *k)
{
    if (k->c) gsl_vector_free(k->c);
    if (k->r) gsl_vector_free(k->r);
    if (k->d) gsl_vector_free(k->d);
    if (k->F) gsl_vector_free(k->F);
}

double gn_fixedpoints_q(const gn_rnn *net, const gsl_vector *u, const gsl_vector *x,
                        gsl_vector *F, gsl_vector *grad)
{
    qctx k = {0};
    if (ctx_init(&k, net, u)) { ctx_free(&k); return NAN; }
    double q = q_eval(&k, x, grad);
    if (F) gsl_vector_memcpy(F, k.F);
    ctx_free(&k);
    return q;
}

/* Eigenvalues of J at x into re/im (sorted by decreasing real part). */
static int jacobian_eigs(const gn_rnn *net, const double *x, gsl_matrix *J,
                         gsl_vector_complex *ev, gsl_eigen_nonsymm_workspace *ew,
                         double *re, double *im)
{
    size_t n = net->n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(J, i, j, (gsl_matrix_get(net->W, i, j) * dact(net->act, x[j]) - (i == j)) / net->tau);
    if (gsl_eigen_nonsymm(J, ev, ew)) return -1;
    for (size_t i = 0; i < n; i++) {
        gsl_complex z = gsl_vector_complex_get(ev, i);
        re[i] = GSL_REAL(z); im[i] = GSL_IMAG(z);
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && re[j] > re[j - 1]; j--) {
            double t = re[j]; re[j] = re[j - 1]; re[j - 1] = t;
            t = im[j]; im[j] = im[j - 1]; im[j - 1] = t;
        }
    return 0;
}

/* One point's eigenvalues in a child process (child.h) when they cost more
 * than gn_child_min_flops(): GSL's nonsymmetric QR iteration cannot be
 * stopped partway (~10 s at n = 2000). */
typedef struct {
    const gn_rnn *net;
    const double *x;
    gsl_matrix *J;
    gsl_vector_complex *ev;
    gsl_eigen_nonsymm_workspace *ew;
    double *re, *im;
    int rc;
} eig_job;

static void eig_job_run(void *p)
{
    eig_job *j = p;
    j->rc = jacobian_eigs(j->net, j->x, j->J, j->ev, j->ew, j->re, j->im);
}

int gn_fixedpoints_find(const gn_rnn *net, const gsl_vector *u, const gsl_matrix *starts,
                        const gn_fpopts *opts, gn_fpset *out, size_t *dropped,
                        gn_cancel *cancel, gn_err *err)
{
    size_t n = net->n;
    gn_fpopts o = { 1e-10, 1e-3, 2000 };
    if (opts) {
        if (opts->qtol > 0) o.qtol = opts->qtol;
        if (opts->tol > 0) o.tol = opts->tol;
        if (opts->maxiter > 0) o.maxiter = opts->maxiter;
    }
    if (dropped) *dropped = 0;
    if (out->n != n) return gn_fail(err, GN_EINVAL, "result set has dimension %zu, the net %zu", out->n, n);
    if (starts->size2 != n)
        return gn_fail(err, GN_EINVAL, "starts must have %zu columns (one per unit), got %zu", n, starts->size2);
    if (u && u->size != net->nin)
        return gn_fail(err, GN_EINVAL, "input must have %zu entries, got %zu", net->nin, u->size);
    if (!gn_pca_finite(starts)) return gn_fail(err, GN_EINVAL, "starts contain NaN or Inf");
    if (u) for (size_t i = 0; i < u->size; i++)
        if (!isfinite(gsl_vector_get(u, i))) return gn_fail(err, GN_EINVAL, "input contains NaN or Inf");
    int st = gn_rnn_validate(net, err);
    if (st) return st;

    qctx k = {0};
    gsl_multimin_fdfminimizer *mm = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, n);
    gsl_vector *x0 = gsl_vector_alloc(n);
    gsl_matrix *J = gn_mat_alloc(n, n, 0);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *ew = gsl_eigen_nonsymm_alloc(n);
    if (ctx_init(&k, net, u) || !mm || !x0 || !J || !ev || !ew) {
        st = gn_fail(err, GN_ENOMEM, "out of memory for a fixed-point search in %zu dimensions", n);
        goto done;
    }
    gsl_multimin_function_fdf fn = { mm_f, mm_df, mm_fdf, n, &k };
    size_t first_new = out->count;
    /* an iteration costs a few n² products: poll every ~2^22 n² (n >= 256) */
    size_t every = n >= 256 ? ((size_t)1 << 22) / (n * n) + 1 : 0;
    for (size_t s = 0; s < starts->size1; s++) {
        if (gn_cancel_check(cancel)) { st = gn_fail(err, GN_EINTR, "interrupted"); break; }
        gsl_vector_const_view row = gsl_matrix_const_row(starts, s);
        gsl_vector_memcpy(x0, &row.vector);
        /* Step ~ 1% of the state's size; line-search tolerance 0.1 as GSL advises for BFGS. */
        double step = 0.01 * fmax(1.0, gsl_blas_dnrm2(x0));
        gsl_multimin_fdfminimizer_set(mm, &fn, x0, step, 0.1);
        int stop = 0;
        for (size_t it = 0; it < o.maxiter; it++) {
            /* a large net polls inside a start too, every `every` iterations
             * (a few ms of work); a small one only between starts */
            if (every && it && it % every == 0 && gn_cancel_check(cancel)) { stop = 1; break; }
            if (gsl_multimin_fdfminimizer_iterate(mm)) break;   /* no progress possible */
            if (mm->f <= o.qtol * 1e-6) break;
            if (gsl_multimin_test_gradient(mm->gradient, 1e-14) == GSL_SUCCESS) break;
        }
        if (stop) { st = gn_fail(err, GN_EINTR, "interrupted"); break; }
        double q = mm->f;
        if (!(q <= o.qtol)) continue;
        const double *x = gsl_vector_const_ptr(mm->x, 0);
        size_t hit = out->count;
        for (size_t p = 0; p < out->count; p++) {
            double d2 = 0;
            for (size_t i = 0; i < n; i++) { double e = out->x[p * n + i] - x[i]; d2 += e * e; }
            if (d2 < o.tol * o.tol) { hit = p; break; }
        }
        if (hit < out->count) {
            out->hits[hit]++;
            if (q < out->q[hit]) { memcpy(out->x + hit * n, x, n * sizeof *x); out->q[hit] = q; }
            continue;
        }
        if (out->count == out->cap) { if (dropped) (*dropped)++; continue; }
        memcpy(out->x + out->count * n, x, n * sizeof *x);
        out->q[out->count] = q;
        out->hits[out->count] = 1;
        out->count++;
    }
    /* Francis QR without vectors: about 10 n³ flops a point */
    int in_child = gn_child_wanted(cancel, 10.0 * (double)n * (double)n * (double)n);
    for (size_t p = first_new; p < out->count; p++) {
        /* a stop while the eigenvalues are computed keeps the points that
         * have theirs; after a stop during the starts, the points get them
         * when that is quick (no child process), else they are dropped */
        if (in_child && st) { out->count = p; break; }
        if (every && !st && gn_cancel_check(cancel)) {
            st = gn_fail(err, GN_EINTR, "interrupted");
            out->count = p;
            break;
        }
        int rc;
        if (in_child) {
            eig_job j = {net, out->x + p * n, J, ev, ew, out->eig_re + p * n, out->eig_im + p * n, 0};
            gn_region back[3] = {{j.re, n * sizeof(double)}, {j.im, n * sizeof(double)}, {&j.rc, sizeof j.rc}};
            if ((st = gn_child_run(eig_job_run, &j, back, 3, cancel, "fixedpoints", err))) {
                out->count = p;
                break;
            }
            rc = j.rc;
        } else {
            rc = jacobian_eigs(net, out->x + p * n, J, ev, ew, out->eig_re + p * n, out->eig_im + p * n);
        }
        if (rc) {
            st = gn_fail(err, GN_ENUM, "eigenvalues of the Jacobian did not converge at point %zu", p + 1);
            goto done;
        }
        out->stable[p] = out->eig_re[p * n] < 0;
    }
done:
    ctx_free(&k);
    if (mm) gsl_multimin_fdfminimizer_free(mm);
    if (x0) gsl_vector_free(x0);
    if (J) gn_mat_free(J);
    if (ev) gsl_vector_complex_free(ev);
    if (ew) gsl_eigen_nonsymm_free(ew);
    return st;
}
