/* cca.c — canonical correlations: from the centred Gram matrix when both
 * covariances are well conditioned, else by orthonormal bases (QR + SVD)
 * of the data; one small SVD either way. */
#include "cca.h"
#include "mat.h"
#include "child.h"
#include "gram.h"
#include "pca.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>

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

/* The singular values of the tall-or-square M (hi×lo), clipped to 1, into
 * rho[0..lo-1]. */
static int small_svd(const gsl_matrix *M, gsl_vector *rho, gn_err *err)
{
    size_t lo = M->size2;
    gn_svd *wc = gn_svd_alloc(M->size1, lo, 0, err);
    if (!wc) return err ? err->code : GN_ENOMEM;
    gsl_matrix_memcpy(wc->A, M);
    int st = gn_svd_run(wc, err);
    for (size_t c = 0; !st && c < lo; c++) {
        double v = gsl_vector_get(wc->s, c);
        gsl_vector_set(rho, c, v > 1 ? 1 : v);
    }
    gn_svd_free(wc);
    return st;
}

/* Whitening W = V Λ^(-1/2) of the covariance block S (p×p, destroyed),
 * when its eigenvalues satisfy λmin >= GN_SVD_GRAM_RCOND·λmax > 0; else
 * returns 0 (the caller takes the QR path). */
static int whiten(gsl_matrix *S, gsl_matrix *W, gsl_vector *lam, gsl_eigen_symmv_workspace *ws)
{
    if (gsl_eigen_symmv(S, lam, W, ws)) return 0;
    size_t p = lam->size;
    double lmax = gsl_vector_max(lam), lmin = gsl_vector_min(lam);
    if (!(lmax > 0) || !(lmin >= GN_SVD_GRAM_RCOND * lmax)) return 0;
    for (size_t j = 0; j < p; j++) {
        gsl_vector_view c = gsl_matrix_column(W, j);
        gsl_vector_scale(&c.vector, 1 / sqrt(gsl_vector_get(lam, j)));
    }
    return 1;
}

/* Gram path: G = [A B]ᵀ[A B] centred (gram.h, one pass over the data), the
 * whitenings Wa, Wb of its diagonal blocks, and the singular values of
 * Waᵀ Gab Wb.  The whitened cross-covariance squares the conditioning of
 * the data, so this runs only when both covariances have λmin/λmax >=
 * GN_SVD_GRAM_RCOND (*done = 1); the correlations then agree with the QR
 * path to about eps/GN_SVD_GRAM_RCOND, and every direction is kept (the QR
 * path would keep them too: their s/s_max >= 1e-4 > 1e-10). */
static int cca_gram(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count,
                    int *done, gn_err *err)
{
    size_t p = A->size2, q = B->size2, P = p + q;
    int st = GN_OK;
    *done = 0;
    gsl_matrix *G = gn_mat_alloc(P, P, 0), *Wa = gn_mat_alloc(p, p, 0), *Wb = gn_mat_alloc(q, q, 0);
    gsl_matrix *tmp = gn_mat_alloc(p, q, 0), *M = gn_mat_alloc(p >= q ? p : q, p >= q ? q : p, 0);
    gsl_vector *la = gsl_vector_alloc(p), *lb = gsl_vector_alloc(q);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p > q ? p : q);
    if (!G || !Wa || !Wb || !tmp || !M || !la || !lb || !ws) {
        st = gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu canonical correlation", p, q);
        goto out;
    }
    if ((st = gn_gram_centred(A, B, G, NULL, NULL, err))) goto out;
    gsl_matrix_view Saa = gsl_matrix_submatrix(G, 0, 0, p, p), Sbb = gsl_matrix_submatrix(G, p, p, q, q);
    gsl_matrix_view Sab = gsl_matrix_submatrix(G, 0, p, p, q);
    /* Sab first: the eigen-solver destroys the diagonal blocks' lower triangles only. */
    if (!whiten(&Saa.matrix, Wa, la, ws) || !whiten(&Sbb.matrix, Wb, lb, ws)) goto out;
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Sab.matrix, Wb, 0.0, tmp);   /* Gab Wb */
    if (p >= q) gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Wa, tmp, 0.0, M);   /* Waᵀ Gab Wb */
    else gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, tmp, Wa, 0.0, M);           /* its transpose */
    if ((st = small_svd(M, rho, err))) goto out;
    *count = p < q ? p : q;
    *done = 1;
out:
    if (G) gn_mat_free(G);
    if (Wa) gn_mat_free(Wa);
    if (Wb) gn_mat_free(Wb);
    if (tmp) gn_mat_free(tmp);
    if (M) gn_mat_free(M);
    if (la) gsl_vector_free(la);
    if (lb) gsl_vector_free(lb);
    if (ws) gsl_eigen_symmv_free(ws);
    return st;
}

static int check_args(const gsl_matrix *A, const gsl_matrix *B, const gsl_vector *rho, gn_err *err)
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
    return GN_OK;
}

/* The QR path once the arguments are checked. */
static int cca_qr_body(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, gn_err *err)
{
    size_t T = A->size1, p = A->size2, q = B->size2;
    int st = GN_OK;
    gn_svd *wa = gn_svd_alloc(T, p, 1, err), *wb = gn_svd_alloc(T, q, 1, err), *wc = NULL;
    size_t ra = 0, rb = 0;
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
        *count = lo;
    }
done:
    gn_svd_free(wa); gn_svd_free(wb); gn_svd_free(wc);
    return st;
}

/* gn_cca's work once the arguments are checked: the Gram path, else the QR
 * path (qr_only: the QR path alone). */
static int cca_body(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, int qr_only,
                    gn_err *err)
{
    int st, done = 0;
    if (!qr_only && ((st = cca_gram(A, B, rho, count, &done, err)) || done)) return st;
    return cca_qr_body(A, B, rho, count, err);
}

/* A large CCA with a cancellation runs whole in a child process (child.h):
 * its SVDs, eigen-decompositions and products are single library calls
 * that cannot be stopped partway, and the Gram path may fall back on the QR
 * path.  rho, the count and the status come back; everything else the
 * child allocated goes with it. */
typedef struct {
    const gsl_matrix *A, *B;
    gsl_vector *rho;
    size_t count;
    int qr_only, rc;
    gn_err err;
} cca_job;

static void cca_job_run(void *p)
{
    cca_job *j = p;
    j->rc = cca_body(j->A, j->B, j->rho, &j->count, j->qr_only, &j->err);
}

/* cca_body in a child process that Ctrl-C kills (checked arguments, rho
 * zeroed). */
static int cca_run_child(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, int qr_only,
                         const gn_cancel *cancel, gn_err *err)
{
    cca_job j = {.A = A, .B = B, .rho = rho, .qr_only = qr_only};
    gn_region out[2] = {gn_region_vector(rho), {&j, sizeof j}};
    int st = gn_child_run(cca_job_run, &j, out, 2, cancel, "cca", err);
    if (st) return st;
    if (j.rc && err) *err = j.err;
    if (count) *count = j.count;
    return j.rc;
}

/* Work (multiply-adds of the Gram pass plus the small eigen-problems) up to
 * which the Gram path runs in the calling process even with a
 * cancellation: a few tens of milliseconds, and under the size at which
 * gn_gram_centred starts polling. */
#define GRAM_HERE_FLOPS ((double)(1u << 30))

static int cca_run(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, int qr_only,
                   const gn_cancel *cancel, gn_err *err)
{
    int st = check_args(A, B, rho, err);
    if (st) return st;
    gsl_vector_set_zero(rho);
    if (count) *count = 0;
    double T = (double)A->size1, p = (double)A->size2, q = (double)B->size2, P = p + q;
    /* the QR path's two data SVDs dominate; the Gram path costs less */
    double flops = 4 * T * (p * p + q * q) + 2 * T * p * q + 12 * (p * p * p + q * q * q) + T * P * P;
    size_t cnt = 0;
    if (!gn_child_wanted(cancel, flops)) {
        st = cca_body(A, B, rho, &cnt, qr_only, err);
    } else if (!qr_only && T * P * P + 12 * (p * p * p + q * q * q) <= GRAM_HERE_FLOPS) {
        /* The Gram path is cheap here and runs in this process; only the QR
         * path (ill-conditioned data) goes to a child.  A fork costs more
         * than this work: besides copying the page tables it leaves every
         * page of a large heap copy-on-write, and the next writes to them
         * (the next net:run's traces, say) fault one page at a time.  The
         * two polls the child would have made are made here, so their
         * number still depends on the sizes alone. */
        int done = 0;
        if ((st = cca_gram(A, B, rho, &cnt, &done, err))) return st;
        if (!done) return cca_run_child(A, B, rho, count, 1, cancel, err);
        if (gn_cancel_check(cancel) || gn_cancel_check(cancel)) {
            gsl_vector_set_zero(rho);
            return gn_fail(err, GN_EINTR, "cca: interrupted");
        }
    } else {
        return cca_run_child(A, B, rho, count, qr_only, cancel, err);
    }
    if (count) *count = cnt;
    return st;
}

int gn_cca(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, const gn_cancel *cancel,
           gn_err *err)
{
    return cca_run(A, B, rho, count, 0, cancel, err);
}

int gn_cca_qr(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count, const gn_cancel *cancel,
              gn_err *err)
{
    return cca_run(A, B, rho, count, 1, cancel, err);
}
