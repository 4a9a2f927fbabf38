/* gram.c — centred Gram matrices by blocked DSYRK, and covariance spectra. */
#include "gram.h"
#include "mat.h"
#include "child.h"
#include "pca.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_sort_vector.h>

/* Rows per block: the centred block (BLK×(p+q)) stays in L2 for DSYRK. */
#define BLK 256

static void column_means(const gsl_matrix *X, double *m, double *amax)
{
    size_t T = X->size1, p = X->size2;
    for (size_t j = 0; j < p; j++) { m[j] = 0; if (amax) amax[j] = 0; }
    for (size_t t = 0; t < T; t++) {
        const double *x = X->data + t * X->tda;
        for (size_t j = 0; j < p; j++) m[j] += x[j];
        if (amax)
            for (size_t j = 0; j < p; j++) amax[j] = fmax(amax[j], fabs(x[j]));
    }
    for (size_t j = 0; j < p; j++) m[j] /= (double)T;
}

int gn_gram_centred(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *G, double *amax,
                    const gn_cancel *cancel, gn_err *err)
{
    size_t T = A->size1, p = A->size2, q = B ? B->size2 : 0, P = p + q;
    if (B && B->size1 != T)
        return gn_fail(err, GN_EINVAL, "both traces must have the same number of time points, got %zu and %zu", T, B->size1);
    if (G->size1 != P || G->size2 != P)
        return gn_fail(err, GN_EINVAL, "Gram matrix must be %zux%zu, got %zux%zu", P, P, G->size1, G->size2);
    if (T == 0 || P == 0) { gsl_matrix_set_zero(G); return GN_OK; }
    double *m = malloc(P * sizeof *m);
    double *Z = malloc((T < BLK ? T : BLK) * P * sizeof *Z);
    double *C = calloc(P * P, sizeof *C);
    if (!m || !Z || !C) {
        free(m); free(Z); free(C);
        return gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu Gram matrix", P, P);
    }
    column_means(A, m, amax);
    if (B) column_means(B, m + p, amax ? amax + p : NULL);
    /* a poll every ~2^28 multiply-adds once the whole is over 2^30 */
    size_t every = (double)T * P * P > (double)(1u << 30) ? ((size_t)1 << 28) / ((size_t)BLK * P * P) + 1 : 0;
    for (size_t t0 = 0, b = 0; t0 < T; t0 += BLK, b++) {
        if (every && b && b % every == 0 && gn_cancel_check(cancel)) {
            free(m); free(Z); free(C);
            return gn_fail(err, GN_EINTR, "interrupted");
        }
        size_t rows = T - t0 < BLK ? T - t0 : BLK;
        for (size_t i = 0; i < rows; i++) {
            const double *a = A->data + (t0 + i) * A->tda;
            double *z = Z + i * P;
            for (size_t j = 0; j < p; j++) z[j] = a[j] - m[j];
            if (B) {
                const double *b = B->data + (t0 + i) * B->tda;
                for (size_t j = 0; j < q; j++) z[p + j] = b[j] - m[p + j];
            }
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)P, (int)rows, 1.0, Z, (int)P,
                    1.0, C, (int)P);
    }
    for (size_t i = 0; i < P; i++)
        for (size_t j = i; j < P; j++) {
            double v = C[i * P + j];
            G->data[i * G->tda + j] = v;
            G->data[j * G->tda + i] = v;
        }
    free(m); free(Z); free(C);
    return GN_OK;
}

/* The eigen-decomposition step of gn_cov_eigen, as a job for gn_child_run. */
typedef struct {
    gsl_matrix *G, *V;
    gsl_vector *var;
    gsl_eigen_symm_workspace *ws;
    gsl_eigen_symmv_workspace *wv;
    int rc;
} eig_job;

static void eig_run(void *p)
{
    eig_job *j = p;
    j->rc = j->V ? gsl_eigen_symmv(j->G, j->var, j->V, j->wv) : gsl_eigen_symm(j->G, j->var, j->ws);
}

int gn_cov_eigen(const gsl_matrix *X, gsl_vector *var, gsl_matrix *V, const gn_cancel *cancel, gn_err *err)
{
    size_t T = X->size1, n = X->size2;
    if (T < 2) return gn_fail(err, GN_EINVAL, "need at least 2 time points, got %zu", T);
    if (var->size != n) return gn_fail(err, GN_EINVAL, "variances must have length %zu, got %zu", n, var->size);
    if (V && (V->size1 != n || V->size2 != n))
        return gn_fail(err, GN_EINVAL, "eigenvectors must be %zux%zu, got %zux%zu", n, n, V->size1, V->size2);
    gsl_matrix *G = gn_mat_alloc(n, n, 0);
    gsl_eigen_symm_workspace *ws = V ? NULL : gsl_eigen_symm_alloc(n);
    gsl_eigen_symmv_workspace *wv = V ? gsl_eigen_symmv_alloc(n) : NULL;
    int st = GN_OK;
    if (!G || (!ws && !wv)) { st = gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu covariance", n, n); goto done; }
    if ((st = gn_gram_centred(X, NULL, G, NULL, cancel, err))) goto done;
    /* a large eigenproblem (GSL's is unblocked: ~10 s at n = 2000) runs in
     * a child process that Ctrl-C kills, with the same results */
    eig_job j = {G, V, var, ws, wv, 0};
    double flops = (V ? 9.0 : 4.0) * (double)n * n * n;
    const gn_cancel *cc = flops >= gn_child_min_flops() ? cancel : NULL;
    gn_region out[3] = {{var->data, var->size * var->stride * sizeof(double)}, {&j.rc, sizeof j.rc},
                        {V ? V->data : NULL, V ? V->size1 * V->tda * sizeof(double) : 0}};
    if ((st = gn_child_run(eig_run, &j, out, V ? 3 : 2, cc, "covariance eigenvalues", err))) goto done;
    if (j.rc) {
        st = gn_fail(err, GN_ENUM, "covariance eigenvalues did not converge");
        goto done;
    }
    if (V) gsl_eigen_symmv_sort(var, V, GSL_EIGEN_SORT_VAL_DESC);
    else { gsl_sort_vector(var); gsl_vector_reverse(var); }
    for (size_t i = 0; i < n; i++) {
        double v = gsl_vector_get(var, i) / (double)(T - 1);
        gsl_vector_set(var, i, v > 0 ? v : 0);   /* rounding can make a zero variance negative */
    }
done:
    if (G) gn_mat_free(G);
    if (ws) gsl_eigen_symm_free(ws);
    if (wv) gsl_eigen_symmv_free(wv);
    return st;
}

size_t gn_spectrum_npcs(const gsl_vector *var, double frac)
{
    size_t k = var->size;
    double total = 0, acc = 0;
    for (size_t c = 0; c < k; c++) total += gsl_vector_get(var, c);
    if (k == 0 || !(total > 0) || gsl_vector_get(var, 0) <= 0) return 0;
    /* A tiny slack so that frac = 1 is reached despite rounding in the sum. */
    for (size_t c = 0; c < k; c++) {
        acc += gsl_vector_get(var, c) / total;
        if (acc >= frac - 1e-12) return c + 1;
    }
    return k;
}

double gn_spectrum_participation(const gsl_vector *var)
{
    double s1 = 0, s2 = 0;
    for (size_t c = 0; c < var->size; c++) {
        double l = gsl_vector_get(var, c);
        s1 += l; s2 += l * l;
    }
    return s2 > 0 ? s1 * s1 / s2 : 0.0;
}

gn_pca *gn_pca_axes(const gsl_matrix *X, const gn_cancel *cancel, gn_err *err)
{
    size_t T = X->size1, n = X->size2;
    if (T <= n) {
        gn_fail(err, GN_EINVAL, "need more time points than variables (T=%zu, n=%zu)", T, n);
        return NULL;
    }
    gn_pca *p = calloc(1, sizeof *p);
    if (!p) { gn_fail(err, GN_ENOMEM, "out of memory for a PCA"); return NULL; }
    p->T = T; p->n = n; p->k = n;
    p->components = gn_mat_alloc(n, n, 0);
    p->var = gsl_vector_alloc(n);
    p->explained = gsl_vector_alloc(n);
    if (!p->components || !p->var || !p->explained) {
        gn_pca_free(p);
        gn_fail(err, GN_ENOMEM, "out of memory for a PCA of %zu variables", n);
        return NULL;
    }
    if (gn_cov_eigen(X, p->var, p->components, cancel, err)) { gn_pca_free(p); return NULL; }
    double tot = 0;
    for (size_t c = 0; c < n; c++) tot += gsl_vector_get(p->var, c);
    for (size_t c = 0; c < n; c++) gsl_vector_set(p->explained, c, tot > 0 ? gsl_vector_get(p->var, c) / tot : 0.0);
    return p;
}
