/* mat_linalg.c — dense linear algebra for the array vocabulary through
 * LAPACK (LAPACKE, row-major), the routines NumPy/SciPy call: dgesv,
 * dgetrf/dgetri, dpotrf, dsyevd, dgeev, dgesdd, dgelsd.  LAPACK rather than
 * GSL here because GSL's LU, Cholesky and symmetric eigensolver are
 * unblocked (BLAS-2) and several times slower from n ~ 100, and GSL's
 * one-sided Jacobi SVD lost accuracy on wide data (see pca.c); GSL has no
 * minimum-norm least squares for rank-deficient systems. */
#include "mat.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lapacke.h>

/* Contiguous row-major copy of a (n = rows*cols doubles, at least 1). */
static double *packed(const gsl_matrix *a, size_t extra_rows)
{
    size_t n = (a->size1 + extra_rows) * a->size2;
    double *p = calloc(n ? n : 1, sizeof *p);
    if (p) gn_mat_pack(p, a);
    return p;
}

static int square(const gsl_matrix *a, const char *fn, gn_err *err)
{
    if (a->size1 != a->size2)
        return gn_fail(err, GN_EINVAL, "%s: matrix must be square, got %zux%zu", fn, a->size1, a->size2);
    return GN_OK;
}

static int nomem(const char *fn, gn_err *err) { return gn_fail(err, GN_ENOMEM, "%s: out of memory", fn); }

/* The workspace a routine needs, `doubles` of our own copies, checked
 * against the memory budget before anything is allocated.  LAPACKE's
 * row-major interface transposes every matrix argument into a copy of its
 * own, and the drivers take workspaces of their own (dsyevd ~2n², dgesdd
 * ~4k² + 7k, dgelsd ~ 12 max(r, c) + ...): `lapack` estimates those. */
static int budget(const char *fn, double doubles, double lapack, gn_err *err)
{
    char what[64];
    snprintf(what, sizeof what, "%s (workspace)", fn);
    return gn_check_bytes((2 * doubles + lapack) * sizeof(double), what, err);
}

int gn_mat_solve(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, gn_err *err)
{
    if (square(a, "solve", err)) return GN_EINVAL;
    size_t n = a->size1, k = b->size2;
    if (b->size1 != n)
        return gn_fail(err, GN_EINVAL, "solve: right-hand side has %zu rows, the %zux%zu matrix needs %zu",
                       b->size1, n, n, n);
    if (n == 0 || k == 0) return GN_OK;
    if (budget("solve", (double)n * n + (double)n * k, 0, err)) return GN_ENOMEM;
    double *A = packed(a, 0), *B = packed(b, 0);
    lapack_int *piv = malloc(n * sizeof *piv);
    int rc = GN_OK;
    if (!A || !B || !piv) rc = nomem("solve", err);
    else {
        lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)k, A, (lapack_int)n, piv,
                                        B, (lapack_int)k);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "solve: matrix is singular (zero pivot at %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "solve: LAPACK rejected argument %d", (int)-info);
        else gn_mat_unpack(x, B);
    }
    free(A); free(B); free(piv);
    return rc;
}

int gn_mat_inv(gsl_matrix *out, const gsl_matrix *a, gn_err *err)
{
    if (square(a, "inv", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("inv", (double)n * n, 64.0 * n, err)) return GN_ENOMEM;
    double *A = packed(a, 0);
    lapack_int *piv = malloc(n * sizeof *piv);
    int rc = GN_OK;
    if (!A || !piv) rc = nomem("inv", err);
    else {
        lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, A, (lapack_int)n, piv);
        if (info == 0) info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, (lapack_int)n, A, (lapack_int)n, piv);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "inv: matrix is singular (zero pivot at %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "inv: LAPACK rejected argument %d", (int)-info);
        else gn_mat_unpack(out, A);
    }
    free(A); free(piv);
    return rc;
}

int gn_mat_det(double *out, const gsl_matrix *a, gn_err *err)
{
    if (square(a, "det", err)) return GN_EINVAL;
    size_t n = a->size1;
    *out = 1;
    if (n == 0) return GN_OK;
    if (budget("det", (double)n * n, 0, err)) return GN_ENOMEM;
    double *A = packed(a, 0);
    lapack_int *piv = malloc(n * sizeof *piv);
    int rc = GN_OK;
    if (!A || !piv) rc = nomem("det", err);
    else {
        lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, A, (lapack_int)n, piv);
        if (info < 0) rc = gn_fail(err, GN_EINVAL, "det: LAPACK rejected argument %d", (int)-info);
        else {
            double d = 1;   /* info > 0: an exact zero pivot, det 0 */
            for (size_t i = 0; i < n; i++) d *= A[i * n + i] * (piv[i] != (lapack_int)(i + 1) ? -1 : 1);
            *out = d;
        }
    }
    free(A); free(piv);
    return rc;
}

int gn_mat_chol(gsl_matrix *out, const gsl_matrix *a, gn_err *err)
{
    if (square(a, "chol", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("chol", (double)n * n, 0, err)) return GN_ENOMEM;
    double *A = packed(a, 0);
    if (!A) return nomem("chol", err);
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, A, (lapack_int)n);
    int rc = GN_OK;
    if (info > 0) rc = gn_fail(err, GN_ENUM, "chol: matrix is not positive definite (leading minor %d)", (int)info);
    else if (info < 0) rc = gn_fail(err, GN_EINVAL, "chol: LAPACK rejected argument %d", (int)-info);
    else {
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) A[i * n + j] = 0;
        gn_mat_unpack(out, A);
    }
    free(A);
    return rc;
}

int gn_mat_eigsym(gsl_matrix *values, gsl_matrix *vectors, const gsl_matrix *a, gn_err *err)
{
    if (square(a, "eig", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("eig", (double)n * n, 2.0 * n * n + 6.0 * n, err)) return GN_ENOMEM;
    double *A = packed(a, 0), *w = malloc(n * sizeof *w);
    int rc = GN_OK;
    if (!A || !w) rc = nomem("eig", err);
    else {
        lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, A, (lapack_int)n, w);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "eig: no convergence (LAPACK info %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "eig: LAPACK rejected argument %d", (int)-info);
        else {
            for (size_t i = 0; i < n; i++) values->data[i * values->tda] = w[i];
            gn_mat_unpack(vectors, A);
        }
    }
    free(A); free(w);
    return rc;
}

int gn_mat_eiggen(gsl_matrix *re, gsl_matrix *im, gsl_matrix *vre, gsl_matrix *vim,
                  const gsl_matrix *a, gn_err *err)
{
    if (square(a, "eig", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("eig", 2.0 * n * n, 4.0 * n, err)) return GN_ENOMEM;
    double *A = packed(a, 0), *wr = malloc(n * sizeof *wr), *wi = malloc(n * sizeof *wi);
    double *V = malloc(n * n * sizeof *V);
    int rc = GN_OK;
    if (!A || !wr || !wi || !V) rc = nomem("eig", err);
    else {
        lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', (lapack_int)n, A, (lapack_int)n, wr, wi,
                                        NULL, 1, V, (lapack_int)n);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "eig: QR algorithm did not converge (LAPACK info %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "eig: LAPACK rejected argument %d", (int)-info);
        else {
            /* A complex pair (wi[j] > 0) stores v_j = V(:,j) + i V(:,j+1) and
             * its conjugate; unpack both into real and imaginary parts. */
            for (size_t j = 0; j < n; j++) {
                re->data[j * re->tda] = wr[j];
                im->data[j * im->tda] = wi[j];
                for (size_t i = 0; i < n; i++) {
                    double x = V[i * n + j], y = 0;
                    if (wi[j] > 0 && j + 1 < n) y = V[i * n + j + 1];
                    else if (wi[j] < 0 && j > 0) { x = V[i * n + j - 1]; y = -V[i * n + j]; }
                    vre->data[i * vre->tda + j] = x;
                    vim->data[i * vim->tda + j] = y;
                }
            }
        }
    }
    free(A); free(wr); free(wi); free(V);
    return rc;
}

int gn_mat_svd(gsl_matrix *U, gsl_matrix *S, gsl_matrix *V, const gsl_matrix *a, gn_err *err)
{
    size_t r = a->size1, c = a->size2, k = r < c ? r : c;
    if (k == 0) return GN_OK;
    if (budget("svd", (double)r * c + (double)r * k + (double)k * c, 4.0 * k * k + 7.0 * k, err))
        return GN_ENOMEM;
    double *A = packed(a, 0), *s = malloc(k * sizeof *s), *u = malloc(r * k * sizeof *u),
           *vt = malloc(k * c * sizeof *vt);
    int rc = GN_OK;
    if (!A || !s || !u || !vt) rc = nomem("svd", err);
    else {
        lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)r, (lapack_int)c, A, (lapack_int)c, s,
                                         u, (lapack_int)k, vt, (lapack_int)c);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "svd: did not converge (LAPACK info %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "svd: LAPACK rejected argument %d", (int)-info);
        else {
            gn_mat_unpack(U, u);
            for (size_t i = 0; i < k; i++) S->data[i * S->tda] = s[i];
            for (size_t i = 0; i < c; i++)
                for (size_t j = 0; j < k; j++) V->data[i * V->tda + j] = vt[j * c + i];
        }
    }
    free(A); free(s); free(u); free(vt);
    return rc;
}

int gn_mat_lstsq(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, gn_err *err)
{
    size_t r = a->size1, c = a->size2, k = b->size2;
    if (b->size1 != r)
        return gn_fail(err, GN_EINVAL, "lstsq: right-hand side has %zu rows, the %zux%zu matrix needs %zu",
                       b->size1, r, c, r);
    if (r == 0 || c == 0 || k == 0) { gn_mat_fill(x, 0); return GN_OK; }
    size_t m = r > c ? r : c;
    if (budget("lstsq", (double)r * c + (double)m * k, 12.0 * m + 2.0 * m * k, err)) return GN_ENOMEM;
    double *A = packed(a, 0), *B = calloc(m * k, sizeof *B), *s = malloc((r < c ? r : c) * sizeof *s);
    int rc = GN_OK;
    if (!A || !B || !s) rc = nomem("lstsq", err);
    else {
        gn_mat_pack(B, b);
        lapack_int rank;
        double rcond = DBL_EPSILON * (double)m;   /* NumPy's default cut-off */
        lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)r, (lapack_int)c, (lapack_int)k, A,
                                         (lapack_int)c, B, (lapack_int)k, s, rcond, &rank);
        if (info > 0) rc = gn_fail(err, GN_ENUM, "lstsq: SVD did not converge (LAPACK info %d)", (int)info);
        else if (info < 0) rc = gn_fail(err, GN_EINVAL, "lstsq: LAPACK rejected argument %d", (int)-info);
        else gn_mat_unpack(x, B);   /* the first c rows hold the solution */
    }
    free(A); free(B); free(s);
    return rc;
}
