/* linear.c — linear rate network τ dv/dt = −v + M v + h (Dayan & Abbott ch. 7):
 * eigenmodes and Euler or exact (matrix-exponential) time stepping. */
#include "linear.h"
#include "mat.h"
#include "child.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_complex_math.h>

static int matrix_finite(const gsl_matrix *m, size_t *bi, size_t *bj)
{
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (!isfinite(gsl_matrix_get(m, i, j))) {
                *bi = i; *bj = j;
                return 0;
            }
    return 1;
}

gn_linear *gn_linear_alloc(const gsl_matrix *M, double tau, double dt, gn_err *err)
{
    size_t bi, bj;
    if (!M) { gn_fail(err, GN_EINVAL, "M is missing"); return NULL; }
    if (M->size1 != M->size2) {
        gn_fail(err, GN_EINVAL, "M must be square, got %zux%zu", M->size1, M->size2);
        return NULL;
    }
    if (gn_check_size(M->size1, M->size2, err)) return NULL;
    if (!matrix_finite(M, &bi, &bj)) {
        gn_fail(err, GN_EINVAL, "M(%zu,%zu) is not finite", bi + 1, bj + 1);
        return NULL;
    }
    if (!(isfinite(tau) && tau > 0)) { gn_fail(err, GN_EINVAL, "tau must be > 0, got %g", tau); return NULL; }
    if (!(isfinite(dt) && dt > 0)) { gn_fail(err, GN_EINVAL, "dt must be > 0, got %g", dt); return NULL; }
    if (dt > tau) {
        gn_fail(err, GN_EINVAL, "dt (%g) must not exceed tau (%g)", dt, tau);
        return NULL;
    }
    gn_linear *lin = calloc(1, sizeof *lin);
    if (!lin) { gn_fail(err, GN_ENOMEM, "out of memory"); return NULL; }
    lin->n = M->size1;
    lin->tau = tau;
    lin->dt = dt;
    lin->M = gn_mat_alloc(lin->n, lin->n, 0);
    if (!lin->M) {
        gn_linear_free(lin);
        gn_fail(err, GN_ENOMEM, "out of memory for a %zu-unit linear network", M->size1);
        return NULL;
    }
    gsl_matrix_memcpy(lin->M, M);
    return lin;
}

void gn_linear_free(gn_linear *lin)
{
    if (!lin) return;
    if (lin->M) gn_mat_free(lin->M);
    for (int k = 0; k < 2; k++) {
        if (lin->P[k]) gn_mat_free(lin->P[k]);
        if (lin->Q[k]) gn_mat_free(lin->Q[k]);
    }
    free(lin);
}

/* ---- eigenmodes ------------------------------------------------------------ */

typedef struct { double re, im; size_t k; } eig_key;

/* Slowest (largest real part) first; within a conjugate pair the +i one first. */
static int eig_cmp(const void *a, const void *b)
{
    const eig_key *x = a, *y = b;
    if (x->re != y->re) return x->re > y->re ? -1 : 1;
    if (x->im != y->im) return x->im > y->im ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* The decomposition once the arguments are checked. */
static int eig_body(const gn_linear *lin, gsl_vector *re, gsl_vector *im, gsl_matrix *vre, gsl_matrix *vim,
                    gsl_vector *tau_mode, gsl_vector *omega, gn_err *err)
{
    size_t n = lin->n;
    int status = GN_OK;
    gsl_matrix *A = gn_mat_alloc(n, n, 0);
    gsl_vector_complex *eval = gsl_vector_complex_alloc(n);
    gsl_matrix_complex *evec = gsl_matrix_complex_alloc(n, n);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(n);
    eig_key *keys = malloc(n * sizeof *keys);
    if (!A || !eval || !evec || !w || !keys) {
        status = gn_fail(err, GN_ENOMEM, "out of memory for the eigen-decomposition");
        goto done;
    }
    gsl_matrix_memcpy(A, lin->M);   /* the solver destroys its input */
    if (gsl_eigen_nonsymmv(A, eval, evec, w) != GSL_SUCCESS) {
        status = gn_fail(err, GN_ENUM, "eigen-decomposition of M did not converge");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        gsl_complex z = gsl_vector_complex_get(eval, k);
        keys[k].re = GSL_REAL(z);
        keys[k].im = GSL_IMAG(z);
        keys[k].k = k;
    }
    qsort(keys, n, sizeof *keys, eig_cmp);

    for (size_t c = 0; c < n; c++) {
        size_t k = keys[c].k;
        double lr = keys[c].re, li = keys[c].im;
        gsl_vector_set(re, c, lr);
        gsl_vector_set(im, c, li);
        /* Fix the arbitrary phase (sign, for a real vector) so that the
         * largest-magnitude entry is real and positive: results are then
         * reproducible and comparable with NumPy after the same rule. */
        size_t imax = 0;
        double amax = -1;
        for (size_t i = 0; i < n; i++) {
            double a = gsl_complex_abs(gsl_matrix_complex_get(evec, i, k));
            if (a > amax) { amax = a; imax = i; }
        }
        gsl_complex zm = gsl_matrix_complex_get(evec, imax, k);
        gsl_complex rot = amax > 0 ? gsl_complex_div_real(gsl_complex_conjugate(zm), amax)
                                   : gsl_complex_rect(1, 0);
        for (size_t i = 0; i < n; i++) {
            gsl_complex z = gsl_complex_mul(gsl_matrix_complex_get(evec, i, k), rot);
            if (li == 0) GSL_SET_IMAG(&z, 0);   /* a real mode has a real vector */
            if (vre) gsl_matrix_set(vre, i, c, GSL_REAL(z));
            if (vim) gsl_matrix_set(vim, i, c, GSL_IMAG(z));
        }
        /* Mode c evolves as e^{(λ−1)t/τ}: decays with time constant
         * τ/(1 − Re λ) and turns at Im λ/τ radians per time unit. */
        if (tau_mode) gsl_vector_set(tau_mode, c, lr == 1 ? INFINITY : lin->tau / (1 - lr));
        if (omega) gsl_vector_set(omega, c, li / lin->tau);
    }
done:
    if (A) gn_mat_free(A);
    if (eval) gsl_vector_complex_free(eval);
    if (evec) gsl_matrix_complex_free(evec);
    if (w) gsl_eigen_nonsymmv_free(w);
    free(keys);
    return status;
}

/* A large decomposition with a cancellation runs in a child process
 * (child.h): GSL's nonsymmetric QR iteration cannot be stopped partway. */
typedef struct {
    const gn_linear *lin;
    gsl_vector *re, *im, *tau_mode, *omega;
    gsl_matrix *vre, *vim;
    int rc;
    gn_err err;
} eig_job;

static void eig_job_run(void *p)
{
    eig_job *j = p;
    j->rc = eig_body(j->lin, j->re, j->im, j->vre, j->vim, j->tau_mode, j->omega, &j->err);
}

int gn_linear_eig(const gn_linear *lin, gsl_vector *re, gsl_vector *im,
                  gsl_matrix *vre, gsl_matrix *vim, gsl_vector *tau_mode,
                  gsl_vector *omega, const gn_cancel *cancel, gn_err *err)
{
    size_t n = lin->n;
    if (!re || !im || re->size != n || im->size != n)
        return gn_fail(err, GN_EINVAL, "eigenvalue vectors must have %zu entries", n);
    if ((vre && (vre->size1 != n || vre->size2 != n)) || (vim && (vim->size1 != n || vim->size2 != n)))
        return gn_fail(err, GN_EINVAL, "eigenvector matrices must be %zux%zu", n, n);
    if ((tau_mode && tau_mode->size != n) || (omega && omega->size != n))
        return gn_fail(err, GN_EINVAL, "mode vectors must have %zu entries", n);
    /* balancing, Hessenberg reduction, Francis QR with the Schur vectors */
    double nd = (double)n;
    if (!gn_child_wanted(cancel, 25 * nd * nd * nd)) return eig_body(lin, re, im, vre, vim, tau_mode, omega, err);
    eig_job j = {lin, re, im, tau_mode, omega, vre, vim, GN_OK, {0}};
    gn_region out[7] = {gn_region_vector(re), gn_region_vector(im), gn_region_vector(tau_mode),
                        gn_region_vector(omega), gn_region_matrix(vre), gn_region_matrix(vim), {&j, sizeof j}};
    int st = gn_child_run(eig_job_run, &j, out, 7, cancel, "linear:eig", err);
    if (st) return st;
    if (j.rc && err) *err = j.err;
    return j.rc;
}

/* The LU solve once the arguments are checked. */
static int fixed_body(const gn_linear *lin, const gsl_vector *h, gsl_vector *v, gn_err *err)
{
    size_t n = lin->n;
    gsl_matrix *A = gn_mat_alloc(n, n, 0);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    int status = GN_OK, sign;
    if (!A || !perm) { status = gn_fail(err, GN_ENOMEM, "out of memory"); goto done; }
    double scale = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double a = (i == j) - gsl_matrix_get(lin->M, i, j);
            gsl_matrix_set(A, i, j, a);
            scale = fmax(scale, fabs(a));
        }
    gsl_linalg_LU_decomp(A, perm, &sign);
    /* A pivot at rounding level relative to the matrix means I − M is
     * singular in floating point: report it rather than return 1e16s. */
    for (size_t i = 0; i < n; i++)
        if (fabs(gsl_matrix_get(A, i, i)) <= 1e-13 * scale * (double)n) {
            status = gn_fail(err, GN_ENUM, "I - M is singular (M has an eigenvalue 1): no unique fixed point");
            goto done;
        }
    gsl_linalg_LU_solve(A, perm, h, v);
done:
    if (A) gn_mat_free(A);
    if (perm) gsl_permutation_free(perm);
    return status;
}

/* A large solve with a cancellation runs in a child process (child.h):
 * GSL's LU decomposition cannot be stopped partway. */
typedef struct {
    const gn_linear *lin;
    const gsl_vector *h;
    gsl_vector *v;
    int rc;
    gn_err err;
} fixed_job;

static void fixed_job_run(void *p)
{
    fixed_job *j = p;
    j->rc = fixed_body(j->lin, j->h, j->v, &j->err);
}

int gn_linear_fixed(const gn_linear *lin, const gsl_vector *h, gsl_vector *v, const gn_cancel *cancel,
                    gn_err *err)
{
    size_t n = lin->n;
    if (!h || h->size != n) return gn_fail(err, GN_EINVAL, "h must have %zu entries", n);
    if (!v || v->size != n) return gn_fail(err, GN_EINVAL, "result must have %zu entries", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(gsl_vector_get(h, i))) return gn_fail(err, GN_EINVAL, "h(%zu) is not finite", i + 1);
    double nd = (double)n;   /* LU: 2/3 n^3 */
    if (!gn_child_wanted(cancel, 2 * nd * nd * nd / 3)) return fixed_body(lin, h, v, err);
    fixed_job j = {lin, h, v, GN_OK, {0}};
    gn_region out[2] = {gn_region_vector(v), {&j, sizeof j}};
    int st = gn_child_run(fixed_job_run, &j, out, 2, cancel, "linear:fixed", err);
    if (st) return st;
    if (j.rc && err) *err = j.err;
    return j.rc;
}

/* ---- propagators ------------------------------------------------------------ */

/* Exact propagator by one exponential of the augmented 2n×2n matrix
 *   B = [[A dt, I dt/τ], [0, 0]],   e^B = [[e^{A dt}, ∫₀^dt e^{As} ds /τ], [0, I]],
 * (Van Loan 1978).  This needs no inverse of A = (M − I)/τ, so it is also
 * right when M has an eigenvalue 1 (an integrating mode), where the textbook
 * A⁻¹(e^{A dt} − I) breaks down. */
static int exact_propagator(gn_linear *lin, gsl_matrix *P, gsl_matrix *Q, gn_err *err)
{
    size_t n = lin->n;
    double dt = lin->dt, tau = lin->tau;
    gsl_matrix *B = gn_mat_alloc(2 * n, 2 * n, 1);
    gsl_matrix *E = gn_mat_alloc(2 * n, 2 * n, 0);
    int status = GN_OK;
    if (!B || !E) {
        status = gn_fail(err, GN_ENOMEM, "out of memory for the %zux%zu propagator", 2 * n, 2 * n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(B, i, j, (gsl_matrix_get(lin->M, i, j) - (i == j)) * dt / tau);
        gsl_matrix_set(B, i, n + i, dt / tau);
    }
    /* GSL scales B by 2^-s with s from the norm and squares s times: for a
     * norm near the double range 2^s overflows and it silently returns the
     * identity, and with modes of very different scale the small ones lose
     * accuracy (M = diag(-1e15, -0.5): 25% off; at a norm of 1e10, 1e-8). */
    double norm = 0;
    for (size_t j = 0; j < 2 * n; j++) {
        double col = 0;
        for (size_t i = 0; i < 2 * n; i++) col += fabs(gsl_matrix_get(B, i, j));
        norm = fmax(norm, col);
    }
    if (!(norm <= 1e10)) {
        status = gn_fail(err, GN_EINVAL, "the exact propagator needs |(M - I) dt/tau| <= 1e10 (the "
                         "matrix exponential loses accuracy beyond), got %g; scale M down", norm);
        goto done;
    }
    if (gsl_linalg_exponential_ss(B, E, GSL_PREC_DOUBLE) != GSL_SUCCESS) {
        status = gn_fail(err, GN_ENUM, "matrix exponential failed");
        goto done;
    }
    gsl_matrix_view e11 = gsl_matrix_submatrix(E, 0, 0, n, n);
    gsl_matrix_view e12 = gsl_matrix_submatrix(E, 0, n, n, n);
    gsl_matrix_memcpy(P, &e11.matrix);
    gsl_matrix_memcpy(Q, &e12.matrix);
done:
    if (B) gn_mat_free(B);
    if (E) gn_mat_free(E);
    return status;
}

/* The exact pair, as a job for gn_child_run: GSL's scaling and squaring
 * is a sequence of 2n×2n products that cannot be stopped partway. */
typedef struct {
    gn_linear *lin;
    gsl_matrix *P, *Q;
    int rc;
    gn_err err;
} prop_job;

static void prop_job_run(void *p)
{
    prop_job *j = p;
    j->rc = exact_propagator(j->lin, j->P, j->Q, &j->err);
}

int gn_linear_prepare(gn_linear *lin, gn_linear_method method, const gn_cancel *cancel, gn_err *err)
{
    if (method != GN_LINEAR_EULER && method != GN_LINEAR_EXACT)
        return gn_fail(err, GN_EINVAL, "method must be euler or exact, got %d", (int)method);
    if (lin->P[method]) return GN_OK;
    size_t n = lin->n;
    gsl_matrix *P = gn_mat_alloc(n, n, 0), *Q = gn_mat_alloc(n, n, 0);
    if (!P || !Q) {
        if (P) gn_mat_free(P);
        if (Q) gn_mat_free(Q);
        return gn_fail(err, GN_ENOMEM, "out of memory for the %zux%zu propagator", n, n);
    }
    if (method == GN_LINEAR_EULER) {
        double a = lin->dt / lin->tau;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                gsl_matrix_set(P, i, j, (i == j) + a * (gsl_matrix_get(lin->M, i, j) - (i == j)));
        gsl_matrix_set_identity(Q);
        gsl_matrix_scale(Q, a);
    } else {
        /* about 20 products of 2n×2n matrices (the Taylor terms and up to
         * log2(1e10) squarings), 2·(2n)^3 each */
        double nd = (double)n, flops = 20 * 16 * nd * nd * nd;
        int st;
        if (!gn_child_wanted(cancel, flops)) {
            st = exact_propagator(lin, P, Q, err);
        } else {
            prop_job j = {lin, P, Q, GN_OK, {0}};
            gn_region out[3] = {gn_region_matrix(P), gn_region_matrix(Q), {&j, sizeof j}};
            st = gn_child_run(prop_job_run, &j, out, 3, cancel, "linear:run (the exact propagator)", err);
            if (!st && j.rc) {
                st = j.rc;
                if (err) *err = j.err;
            }
        }
        if (st) {
            gn_mat_free(P);
            gn_mat_free(Q);
            return st;
        }
    }
    lin->P[method] = P;
    lin->Q[method] = Q;
    return GN_OK;
}

/* ---- running ------------------------------------------------------------------ */

/* Work between polls of a run: a panel of the input term's product
 * (flops at GEMM speed, tens of milliseconds), and steps whose
 * matrix-vector products (bound by memory, a few GFLOP/s) add up to
 * STEP_POLL flops. */
#define RUN_PANEL ((double)(1u << 30))
#define STEP_POLL ((double)(1u << 26))

int gn_linear_run(gn_linear *lin, const gsl_matrix *h, const gsl_vector *v0,
                  gn_linear_method method, gsl_matrix *v, gn_cancel cancel,
                  gn_err *err)
{
    size_t n = lin->n, bi, bj;
    if (!h || h->size2 != n)
        return gn_fail(err, GN_EINVAL, "h must have %zu columns (one per unit), got %zu",
                       n, h ? h->size2 : 0);
    if (!v || v->size1 != h->size1 || v->size2 != n)
        return gn_fail(err, GN_EINVAL, "output must be %zux%zu", h->size1, n);
    if (!matrix_finite(h, &bi, &bj))
        return gn_fail(err, GN_EINVAL, "h(%zu,%zu) is not finite", bi + 1, bj + 1);
    if (v0) {
        if (v0->size != n)
            return gn_fail(err, GN_EINVAL, "v0 must have %zu entries, got %zu", n, v0->size);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(gsl_vector_get(v0, i)))
                return gn_fail(err, GN_EINVAL, "v0(%zu) is not finite", i + 1);
    }
    const gn_cancel *cc = cancel.stop || cancel.poll ? &cancel : NULL;
    int st = gn_linear_prepare(lin, method, cc, err);
    if (st) return st;
    const gsl_matrix *P = lin->P[method], *Q = lin->Q[method];
    size_t T = h->size1;
    double nd = (double)n;

    /* The input term of every step at once (V = H Qᵀ), then the sequential
     * part adds P v_{t−1} row by row.  A product of more than RUN_PANEL
     * flops goes in panels of rows of H with a poll before each (the same
     * entries: each row's products are unchanged). */
    if (method == GN_LINEAR_EULER) {
        gsl_matrix_memcpy(v, h);
        gsl_matrix_scale(v, lin->dt / lin->tau);
    } else if (2 * nd * nd * (double)T <= RUN_PANEL) {
        gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, h, Q, 0.0, v);
    } else {
        size_t rb = (size_t)(RUN_PANEL / (2 * nd * nd));
        if (rb < 1) rb = 1;
        for (size_t r0 = 0; r0 < T; r0 += rb) {
            if (gn_cancel_check(&cancel))
                return gn_fail(err, GN_EINTR, "interrupted in the input term, after %zu of %zu steps", r0, T);
            size_t rr = T - r0 < rb ? T - r0 : rb;
            gsl_matrix_const_view hp = gsl_matrix_const_submatrix(h, r0, 0, rr, n);
            gsl_matrix_view vp = gsl_matrix_submatrix(v, r0, 0, rr, n);
            gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &hp.matrix, Q, 0.0, &vp.matrix);
        }
    }
    /* a poll every 256 steps, or every STEP_POLL flops of a network of
     * more than 362 units (one step streams P: at n = 4000, 128 MB) */
    size_t every = 256;
    if (2 * nd * nd * 256 > STEP_POLL) {
        every = (size_t)(STEP_POLL / (2 * nd * nd));
        if (every < 1) every = 1;
    }
    for (size_t t = 0; t < T; t++) {
        if (t % every == 0 && gn_cancel_check(&cancel))
            return gn_fail(err, GN_EINTR, "interrupted at step %zu of %zu", t, T);
        gsl_vector_view vt = gsl_matrix_row(v, t);
        if (t == 0) {
            if (v0) gsl_blas_dgemv(CblasNoTrans, 1.0, P, v0, 1.0, &vt.vector);
        } else {
            gsl_vector_const_view prev = gsl_matrix_const_row(v, t - 1);
            gsl_blas_dgemv(CblasNoTrans, 1.0, P, &prev.vector, 1.0, &vt.vector);
        }
    }
    return GN_OK;
}
