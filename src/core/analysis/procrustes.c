/* procrustes.c — orthogonal Procrustes after centring and unit-norm scaling. */
#include "procrustes.h"
#include "mat.h"
#include "child.h"
#include "pca.h"

#include <math.h>
#include <gsl/gsl_blas.h>

/* Centres X into the first columns of Y (T×m, other columns zero) and
 * scales it to unit Frobenius norm; returns the norm before scaling. */
static double standardise(const gsl_matrix *X, gsl_matrix *Y)
{
    size_t T = X->size1;
    double ss = 0;
    gsl_matrix_set_zero(Y);
    for (size_t j = 0; j < X->size2; j++) {
        double m = 0;
        for (size_t t = 0; t < T; t++) m += gsl_matrix_get(X, t, j);
        m /= (double)T;
        for (size_t t = 0; t < T; t++) {
            double v = gsl_matrix_get(X, t, j) - m;
            gsl_matrix_set(Y, t, j, v);
            ss += v * v;
        }
    }
    double nrm = sqrt(ss);
    if (nrm > 0) gsl_matrix_scale(Y, 1.0 / nrm);
    return nrm;
}

/* The comparison once the arguments are checked. */
static int procrustes_body(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *R, double *disparity,
                           double *scale, gn_err *err)
{
    size_t T = A->size1, p = A->size2, q = B->size2, m = p > q ? p : q;
    int st = GN_OK;
    gsl_matrix *Ah = gn_mat_alloc(T, m, 0), *Bh = gn_mat_alloc(T, m, 0);
    gn_svd *w = gn_svd_alloc(m, m, 1, err);
    if (!Ah || !Bh || !w) { st = gn_fail(err, GN_ENOMEM, "out of memory for Procrustes of %zux%zu", T, m); goto done; }
    if (standardise(A, Ah) <= 0 || standardise(B, Bh) <= 0) {
        st = gn_fail(err, GN_EINVAL, "a trace has no variance (all rows equal)");
        goto done;
    }
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Bh, Ah, 0.0, w->A);
    if ((st = gn_svd_run(w, err))) goto done;
    double tr = 0;
    for (size_t c = 0; c < m; c++) tr += gsl_vector_get(w->s, c);
    if (R) gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, w->U, w->V, 0.0, R);
    *scale = tr;
    double d = 1.0 - tr * tr;
    *disparity = d < 0 ? 0 : d;
done:
    if (Ah) gn_mat_free(Ah);
    if (Bh) gn_mat_free(Bh);
    gn_svd_free(w);
    return st;
}

/* A large comparison with a cancellation runs whole in a child process
 * (child.h): the product BᵀA and the SVD are single library calls. */
typedef struct {
    const gsl_matrix *A, *B;
    gsl_matrix *R;
    double disparity, scale;
    int rc;
    gn_err err;
} procrustes_job;

static void procrustes_job_run(void *p)
{
    procrustes_job *j = p;
    j->rc = procrustes_body(j->A, j->B, j->R, &j->disparity, &j->scale, &j->err);
}

int gn_procrustes(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *R,
                  double *disparity, double *scale, const gn_cancel *cancel, gn_err *err)
{
    size_t T = A->size1, p = A->size2, q = B->size2, m = p > q ? p : q;
    if (B->size1 != T)
        return gn_fail(err, GN_EINVAL, "both traces must have the same number of time points, got %zu and %zu", T, B->size1);
    if (T < 2) return gn_fail(err, GN_EINVAL, "need at least 2 time points, got %zu", T);
    if (R && (R->size1 != m || R->size2 != m))
        return gn_fail(err, GN_EINVAL, "rotation must be %zux%zu, got %zux%zu", m, m, R->size1, R->size2);
    if (!gn_pca_finite(A) || !gn_pca_finite(B))
        return gn_fail(err, GN_EINVAL, "traces contain NaN or Inf");
    double Td = (double)T, md = (double)m, d = 0, s = 0;
    int st;
    /* BᵀA, the SVD of m×m with vectors, R = U Vᵀ */
    if (!gn_child_wanted(cancel, 2 * Td * md * md + 16 * md * md * md)) {
        st = procrustes_body(A, B, R, &d, &s, err);
    } else {
        procrustes_job j = {.A = A, .B = B, .R = R};
        gn_region out[2] = {gn_region_matrix(R), {&j, sizeof j}};
        if ((st = gn_child_run(procrustes_job_run, &j, out, 2, cancel, "procrustes", err))) return st;
        if (j.rc && err) *err = j.err;
        st = j.rc;
        d = j.disparity;
        s = j.scale;
    }
    if (st) return st;
    if (scale) *scale = s;
    if (disparity) *disparity = d;
    return GN_OK;
}
