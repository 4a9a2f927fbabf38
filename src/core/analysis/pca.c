/* pca.c — PCA by the thin SVD of centred data (Gram eigen-decomposition when well conditioned, else Householder QR (LAPACK) + Golub–Kahan SVD of R). */
#include "pca.h"
#include "mat.h"
#include "gram.h"
#include "child.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <lapacke.h>

int gn_pca_finite(const gsl_matrix *m)
{
    if (m->size2 == m->tda) return gn_all_finite(m->data, m->size1 * m->size2);
    for (size_t i = 0; i < m->size1; i++)
        if (!gn_all_finite(m->data + i * m->tda, m->size2)) return 0;
    return 1;
}

gn_svd *gn_svd_alloc(size_t M, size_t N, int want_u, gn_err *err)
{
    if (gn_check_size(M, N, err)) return NULL;
    if (M < N) {
        gn_fail(err, GN_EINVAL, "thin SVD needs rows >= columns, got %zux%zu", M, N);
        return NULL;
    }
    gn_svd *w = calloc(1, sizeof *w);
    if (!w) goto oom;
    w->M = M; w->N = N;
    w->A = gn_mat_alloc(M, N, 0);
    w->U = want_u ? gn_mat_alloc(M, N, 0) : NULL;
    w->V = gn_mat_alloc(N, N, 0);
    w->s = gsl_vector_alloc(N);
    w->R = gn_mat_alloc(N, N, 0);
    w->tau = gsl_vector_alloc(N);
    w->work = gsl_vector_alloc(N);
    if (!w->A || (want_u && !w->U) || !w->V || !w->s || !w->R || !w->tau || !w->work) goto oom;
    return w;
oom:
    gn_svd_free(w);
    gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu SVD", M, N);
    return NULL;
}

void gn_svd_free(gn_svd *w)
{
    if (!w) return;
    if (w->A) gn_mat_free(w->A);
    if (w->U) gn_mat_free(w->U);
    if (w->V) gn_mat_free(w->V);
    if (w->s) gsl_vector_free(w->s);
    if (w->R) gn_mat_free(w->R);
    if (w->tau) gsl_vector_free(w->tau);
    if (w->work) gsl_vector_free(w->work);
    if (w->eig) gsl_eigen_symmv_free(w->eig);
    free(w);
}

/* The SVD already returns singular values in decreasing order, but a tie
 * broken by rounding could leave them out of order; a stable insertion sort
 * of (s, V column, U_R column) keeps the contract regardless. */
static void svd_sort(gsl_vector *s, gsl_matrix *V, gsl_matrix *UR)
{
    size_t N = s->size;
    for (size_t i = 1; i < N; i++)
        for (size_t j = i; j > 0 && gsl_vector_get(s, j) > gsl_vector_get(s, j - 1); j--) {
            gsl_vector_swap_elements(s, j, j - 1);
            gsl_matrix_swap_columns(V, j, j - 1);
            gsl_matrix_swap_columns(UR, j, j - 1);
        }
}

/* GSL's SVD leaves the left vector of a zero singular value
 * unnormalised (often zero), and that of a singular value at rounding level
 * (s <= 10·max(M,N)·eps·s_max) is noise.  Rank-deficient data are the rule
 * here — centred data with T <= n, duplicated neurons — and callers rely on
 * orthonormal axes, so such columns are replaced by unit vectors orthogonal
 * to the good ones (Gram–Schmidt twice, over the basis e_j).  Columns are
 * sorted, so the bad ones are the trailing ones. */
static void complete_basis(gsl_matrix *Q, const gsl_vector *s, size_t M, gsl_vector *x)
{
    size_t N = Q->size1, K = Q->size2;
    double tol = 10.0 * (double)(M > N ? M : N) * DBL_EPSILON * gsl_vector_get(s, 0);
    size_t good = 0;
    while (good < K && gsl_vector_get(s, good) > tol) {
        gsl_vector_view qc = gsl_matrix_column(Q, good);
        if (fabs(gsl_blas_dnrm2(&qc.vector) - 1.0) >= 1e-8) break;
        good++;
    }
    for (size_t c = good; c < K; c++) {
        gsl_vector_view qc = gsl_matrix_column(Q, c);
        gsl_vector_set_zero(&qc.vector);
    }
    for (size_t c = good; c < K; c++) {
        gsl_vector_view qc = gsl_matrix_column(Q, c);
        for (size_t j = 0; j < N; j++) {
            gsl_vector_set_basis(x, j);
            for (int pass = 0; pass < 2; pass++)
                for (size_t o = 0; o < K; o++) {
                    if (o == c) continue;
                    gsl_vector_view qo = gsl_matrix_column(Q, o);
                    double d;
                    gsl_blas_ddot(&qo.vector, x, &d);
                    gsl_blas_daxpy(-d, &qo.vector, x);
                }
            double nx = gsl_blas_dnrm2(x);
            if (nx > 0.5) {
                gsl_vector_scale(x, 1.0 / nx);
                gsl_vector_memcpy(&qc.vector, x);
                break;
            }
        }
    }
}

/* The Gram path (see pca.h).  Returns 1 when its result is kept, 0 when the
 * spectrum is too ill-conditioned (or over/underflowed) to trust it; A is
 * untouched either way.  Eigenvalues below rcond·λmax would carry relative
 * errors above ~eps/rcond, which is where the QR path earns its cost. */
static int gram_svd(gn_svd *w)
{
    size_t N = w->N;
    gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, w->A, 0.0, w->R);
    for (size_t i = 0; i < N; i++)
        if (!isfinite(gsl_matrix_get(w->R, i, i))) return 0;
    if (gsl_eigen_symmv(w->R, w->s, w->V, w->eig)) return 0;
    gsl_eigen_symmv_sort(w->s, w->V, GSL_EIGEN_SORT_VAL_DESC);
    double lmax = gsl_vector_get(w->s, 0), lmin = gsl_vector_get(w->s, N - 1);
    if (!(isfinite(lmax) && lmax > 0 && lmin >= GN_SVD_GRAM_RCOND * lmax)) return 0;
    for (size_t i = 0; i < N; i++) gsl_vector_set(w->s, i, sqrt(gsl_vector_get(w->s, i)));
    return 1;
}

static int svd_body(gn_svd *w, gn_err *err);

typedef struct {
    gn_svd *w;
    int rc;
    gn_err err;
} svd_job;

static void svd_job_run(void *p)
{
    svd_job *j = p;
    j->rc = svd_body(j->w, &j->err);
}

/* A large run with a cancellation goes to a child process: everything
 * svd_body writes (A, R, V, s, U, tau, the path taken, the status) comes
 * back as regions; the GSL eigen workspace is scratch and stays behind. */
int gn_svd_run(gn_svd *w, gn_err *err)
{
    double M = (double)w->M, N = (double)w->N;
    if (!w->cancel || 4 * M * N * N + 10 * N * N * N < gn_child_min_flops()) return svd_body(w, err);
    svd_job j = {.w = w, .rc = GN_OK};
    gn_region out[8];
    size_t k = 0;
    gsl_matrix *mats[4] = {w->A, w->R, w->V, w->U};
    for (int i = 0; i < 4; i++)
        if (mats[i]) out[k++] = (gn_region){mats[i]->data, mats[i]->size1 * mats[i]->tda * sizeof(double)};
    out[k++] = (gn_region){w->s->data, w->s->size * w->s->stride * sizeof(double)};
    out[k++] = (gn_region){w->tau->data, w->tau->size * w->tau->stride * sizeof(double)};
    out[k++] = (gn_region){&w->gram, sizeof w->gram};
    out[k++] = (gn_region){&j, sizeof j};
    int st = gn_child_run(svd_job_run, &j, out, k, w->cancel, "svd", err);
    if (st) return st;
    if (j.rc && err) *err = j.err;
    return j.rc;
}

static int svd_body(gn_svd *w, gn_err *err)
{
    w->gram = 0;
    if (!gn_pca_finite(w->A))
        return gn_fail(err, GN_EINVAL, "data contain NaN or Inf");
    if (w->eig && !w->U && gram_svd(w)) {
        w->gram = 1;
        return GN_OK;
    }
    /* Householder QR by LAPACK, blocked (BLAS-3; GSL's QR_decomp is
     * unblocked and, with the BLAS-2 application of Q, took ~0.2 s each on
     * 20000×64 rates, twice per CCA).  The row-major M×N matrix A is, read
     * column-major, Aᵀ (N×M): its LQ factorisation Aᵀ = L Q' is the QR
     * of A with R = Lᵀ, stored at the same places R would be (row i, column
     * j >= i), so no transposed copy is made. */
    lapack_int info = LAPACKE_dgelqf(LAPACK_COL_MAJOR, (lapack_int)w->N, (lapack_int)w->M, w->A->data,
                                     (lapack_int)w->A->tda, w->tau->data);
    if (info != 0) return gn_fail(err, GN_ENUM, "QR decomposition failed (LAPACK info %d)", (int)info);
    gsl_matrix_set_zero(w->R);
    for (size_t i = 0; i < w->N; i++)
        for (size_t j = i; j < w->N; j++)
            gsl_matrix_set(w->R, i, j, gsl_matrix_get(w->A, i, j));
    /* Golub–Kahan, not GSL's one-sided Jacobi: on a 5000×256 Gaussian
     * matrix the Jacobi routine returned success with singular values 3.6%
     * off (checked against Golub–Kahan on the full data). */
    if (gsl_linalg_SV_decomp(w->R, w->V, w->s, w->work))
        return gn_fail(err, GN_ENUM, "SVD did not converge");
    svd_sort(w->s, w->V, w->R);
    complete_basis(w->R, w->s, w->M, w->work);
    if (w->U) {
        /* U = Q [U_R; 0]: read column-major, Uᵀ = [U_Rᵀ 0] Q', one blocked
         * application of the LQ reflectors from the right (dormlq). */
        gsl_matrix_set_zero(w->U);
        gsl_matrix_view top = gsl_matrix_submatrix(w->U, 0, 0, w->N, w->N);
        gsl_matrix_memcpy(&top.matrix, w->R);
        info = LAPACKE_dormlq(LAPACK_COL_MAJOR, 'R', 'N', (lapack_int)w->N, (lapack_int)w->M, (lapack_int)w->N,
                              w->A->data, (lapack_int)w->A->tda, w->tau->data, w->U->data, (lapack_int)w->U->tda);
        if (info != 0) return gn_fail(err, GN_ENUM, "applying Q failed (LAPACK info %d)", (int)info);
    }
    return GN_OK;
}

gn_pca *gn_pca_alloc(size_t T, size_t n, gn_err *err)
{
    if (gn_check_size(T, n, err)) return NULL;
    gn_pca *p = calloc(1, sizeof *p);
    if (!p) goto oom;
    p->T = T; p->n = n; p->k = T < n ? T : n;
    p->mean = gsl_vector_alloc(n);
    p->components = gn_mat_alloc(n, p->k, 0);
    p->var = gsl_vector_alloc(p->k);
    p->explained = gsl_vector_alloc(p->k);
    p->scores = gn_mat_alloc(T, p->k, 0);
    if (!p->mean || !p->components || !p->var || !p->explained || !p->scores) goto oom;
    /* T < n: decompose the transpose so that the thin SVD stays M >= N and
     * its left vectors are the axes. */
    p->ws = T >= n ? gn_svd_alloc(T, n, 0, err) : gn_svd_alloc(n, T, 1, err);
    if (!p->ws) { gn_pca_free(p); return NULL; }
    /* T < n data are rank-deficient once centred, so the Gram path would
     * always be rejected there. */
    if (T >= n && !(p->ws->eig = gsl_eigen_symmv_alloc(n))) goto oom;
    return p;
oom:
    gn_pca_free(p);
    gn_fail(err, GN_ENOMEM, "out of memory for a PCA of %zux%zu data", T, n);
    return NULL;
}

void gn_pca_free(gn_pca *p)
{
    if (!p) return;
    if (p->mean) gsl_vector_free(p->mean);
    if (p->components) gn_mat_free(p->components);
    if (p->var) gsl_vector_free(p->var);
    if (p->explained) gsl_vector_free(p->explained);
    if (p->scores) gn_mat_free(p->scores);
    gn_svd_free(p->ws);
    free(p);
}

int gn_pca_fit(gn_pca *p, const gsl_matrix *X, gn_err *err)
{
    size_t T = p->T, n = p->n, k = p->k;
    if (X->size1 != T || X->size2 != n)
        return gn_fail(err, GN_EINVAL, "data must be %zux%zu, got %zux%zu", T, n, X->size1, X->size2);
    if (!gn_pca_finite(X))
        return gn_fail(err, GN_EINVAL, "data contain NaN or Inf");
    /* Row-wise sums: a column-wise walk of the row-major X strides through
     * memory. */
    double *mean = p->mean->data;
    for (size_t j = 0; j < n; j++) mean[j] = 0;
    for (size_t t = 0; t < T; t++) {
        const double *row = gsl_matrix_const_ptr(X, t, 0);
        for (size_t j = 0; j < n; j++) mean[j] += row[j];
    }
    for (size_t j = 0; j < n; j++) mean[j] /= (double)T;
    gn_svd *w = p->ws;
    for (size_t t = 0; t < T; t++) {
        const double *row = gsl_matrix_const_ptr(X, t, 0);
        if (T >= n) {
            double *out = gsl_matrix_ptr(w->A, t, 0);
            for (size_t j = 0; j < n; j++) out[j] = row[j] - mean[j];
        } else {
            for (size_t j = 0; j < n; j++) gsl_matrix_set(w->A, j, t, row[j] - mean[j]);
        }
    }
    int st = gn_svd_run(w, err);
    if (st) return st;
    /* Axes: right vectors of Xc (T >= n) or left vectors of Xcᵀ (T < n). */
    gsl_matrix_view ax = T >= n ? gsl_matrix_submatrix(w->V, 0, 0, n, k)
                                : gsl_matrix_submatrix(w->U, 0, 0, n, k);
    gsl_matrix_memcpy(p->components, &ax.matrix);
    for (size_t c = 0; c < k; c++) {
        gsl_vector_view col = gsl_matrix_column(p->components, c);
        size_t imax = gsl_blas_idamax(&col.vector);
        if (gsl_vector_get(&col.vector, imax) < 0) gsl_vector_scale(&col.vector, -1);
    }
    if (w->gram) {
        /* A still holds the centred data: scores come from it directly, and
         * s_c = ‖scores_c‖ replaces the square root of a Gram eigenvalue,
         * whose absolute error is eps·λmax, by a value whose error is about
         * eps·s_max (the axis error only enters at second order).  The
         * recomputed values may reorder near-ties, hence the re-sort. */
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w->A, p->components, 0.0, p->scores);
        for (size_t c = 0; c < k; c++) {
            gsl_vector_view sc = gsl_matrix_column(p->scores, c);
            gsl_vector_set(w->s, c, gsl_blas_dnrm2(&sc.vector));
        }
        svd_sort(w->s, p->components, p->scores);
    }
    double tot = 0, denom = T > 1 ? (double)(T - 1) : 1.0;
    for (size_t c = 0; c < k; c++) {
        double s = gsl_vector_get(w->s, c);
        gsl_vector_set(p->var, c, s * s / denom);
        tot += s * s;
    }
    for (size_t c = 0; c < k; c++) {
        double s = gsl_vector_get(w->s, c);
        gsl_vector_set(p->explained, c, tot > 0 ? s * s / tot : 0.0);
    }
    if (w->gram) return GN_OK;
    /* Scores = Xc·axes = X·axes − 1·(meanᵀ axes): the centred copy was
     * destroyed by the QR, and one GEMM on X is cheaper than re-centring. */
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, p->components, 0.0, p->scores);
    for (size_t c = 0; c < k; c++) {
        gsl_vector_view col = gsl_matrix_column(p->components, c);
        double off;
        gsl_blas_ddot(p->mean, &col.vector, &off);
        gsl_vector_view sc = gsl_matrix_column(p->scores, c);
        gsl_vector_add_constant(&sc.vector, -off);
    }
    return GN_OK;
}

size_t gn_pca_npcs(const gn_pca *p, double frac)
{
    return gn_spectrum_npcs(p->explained, frac);
}

double gn_pca_participation(const gn_pca *p)
{
    return gn_spectrum_participation(p->var);
}
