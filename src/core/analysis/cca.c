/* cca.c — canonical correlations by orthonormal bases and one small SVD. */
#include "cca.h"
#include "pca.h"

#include <math.h>
#include <gsl/gsl_blas.h>

/* Fills w->A with the centred X, runs the thin SVD and returns the rank
 * (number of singular values above 1e-10 of the largest). */
static int basis(gn_svd *w, const gsl_matrix *X, size_t *rank, gn_err *err)
{
    size_t T = X->size1, p = X->size2;
    /* column means, then the centred copy, a row at a time */
    double *m = w->work->data;   /* p doubles, stride 1 (allocated by gn_svd_alloc) */
    for (size_t j = 0; j < p; j++) m[j] = 0;
    for (size_t t = 0; t < T; t++) {
        const double *x = X->data + t * X->tda;
        for (size_t j = 0; j < p; j++) m[j] += x[j];
    }
    for (size_t j = 0; j < p; j++) m[j] /= (double)T;
    for (size_t t = 0; t < T; t++) {
        const double *x = X->data + t * X->tda;
        double *a = w->A->data + t * w->A->tda;
        for (size_t j = 0; j < p; j++) a[j] = x[j] - m[j];
    }
    int st = gn_svd_run(w, err);
    if (st) return st;
    double s0 = gsl_vector_get(w->s, 0);
    size_t r = 0;
    while (r < p && s0 > 0 && gsl_vector_get(w->s, r) > 1e-10 * s0) r++;
    *rank = r;
    return GN_OK;
}

int gn_cca(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, gn_err *err)
{
    size_t T = A->size1, p = A->size2, q = B->size2, m = p < q ? p : q;
    if (B->size1 != T)
        return gn_fail(err, GN_EINVAL, "both traces must have the same number of time points, got %zu and %zu", T, B->size1);
    if (T <= (p > q ? p : q))
        return gn_fail(err, GN_EINVAL, "need more time points than units (T=%zu, units %zu and %zu)", T, p, q);
    if (rho->size != m)
        return gn_fail(err, GN_EINVAL, "rho must have length %zu, got %zu", m, rho->size);
    if (!gn_pca_finite(A) || !gn_pca_finite(B))
        return gn_fail(err, GN_EINVAL, "traces contain NaN or Inf");
    int st = GN_OK;
    gn_svd *wa = gn_svd_alloc(T, p, 1, err), *wb = gn_svd_alloc(T, q, 1, err), *wc = NULL;
    size_t ra = 0, rb = 0;
    gsl_vector_set_zero(rho);
    if (count) *count = 0;
    if (!wa || !wb) { st = err ? err->code : GN_ENOMEM; goto done; }
    if ((st = basis(wa, A, &ra, err)) || (st = basis(wb, B, &rb, err))) goto done;
    if (ra == 0 || rb == 0) goto done;   /* a constant trace correlates with nothing */
    {
        /* C = Uaᵀ Ub, arranged tall (rows >= cols) for the thin SVD. */
        size_t hi = ra >= rb ? ra : rb, lo = ra >= rb ? rb : ra;
        gsl_matrix_view Ua = gsl_matrix_submatrix(wa->U, 0, 0, T, ra);
        gsl_matrix_view Ub = gsl_matrix_submatrix(wb->U, 0, 0, T, rb);
        if (!(wc = gn_svd_alloc(hi, lo, 0, err))) { st = err ? err->code : GN_ENOMEM; goto done; }
        if (ra >= rb) gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Ua.matrix, &Ub.matrix, 0.0, wc->A);
        else gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Ub.matrix, &Ua.matrix, 0.0, wc->A);
        if ((st = gn_svd_run(wc, err))) goto done;
        for (size_t c = 0; c < lo; c++) {
            double v = gsl_vector_get(wc->s, c);
            gsl_vector_set(rho, c, v > 1 ? 1 : v);
        }
        if (count) *count = lo;
    }
done:
    gn_svd_free(wa); gn_svd_free(wb); gn_svd_free(wc);
    return st;
}
