/* similarity.c — neuron similarity by correlation and by PCA loadings. */
#include "similarity.h"
#include "mat.h"
#include "child.h"
#include "gram.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>

/* S holds the products of n vectors (a Gram matrix) with norms norm[i]:
 * turns it into their cosines; vectors marked dead count as zero (row and
 * column 0, diagonal 1). */
static void cosines(const double *norm, const int *dead, gsl_matrix *S)
{
    size_t n = S->size1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v;
            if (i == j) v = 1.0;
            else if (dead[i] || dead[j]) v = 0.0;
            else {
                v = gsl_matrix_get(S, i, j) / (norm[i] * norm[j]);
                v = v > 1 ? 1 : v < -1 ? -1 : v;
            }
            gsl_matrix_set(S, i, j, v);
        }
}

/* Cosines of the rows of L (n×m) into S. */
static void row_cosines(const gsl_matrix *L, const double *norm, const int *dead, gsl_matrix *S)
{
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, L, L, 0.0, S);
    cosines(norm, dead, S);
}

/* The centred columns' products come from one blocked pass (gram.h), with
 * no T×n copy. */
int gn_similarity_corr(const gsl_matrix *R, gsl_matrix *S, const gn_cancel *cancel, gn_err *err)
{
    size_t T = R->size1, n = R->size2;
    if (T < 2) return gn_fail(err, GN_EINVAL, "activity needs at least 2 time points, got %zu", T);
    if (S->size1 != n || S->size2 != n)
        return gn_fail(err, GN_EINVAL, "similarity matrix must be %zux%zu, got %zux%zu", n, n, S->size1, S->size2);
    if (!gn_pca_finite(R)) return gn_fail(err, GN_EINVAL, "activity contains NaN or Inf");
    double *norm = malloc(n * sizeof *norm), *amax = malloc(n * sizeof *amax);
    int *dead = malloc(n * sizeof *dead);
    int st = GN_OK;
    if (!norm || !amax || !dead) {
        st = gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu similarity", n, n);
        goto out;
    }
    if ((st = gn_gram_centred(R, NULL, S, amax, cancel, err))) goto out;
    for (size_t j = 0; j < n; j++) {
        norm[j] = sqrt(gsl_matrix_get(S, j, j));
        dead[j] = norm[j] <= 1e-12 * (1 + amax[j]) * sqrt((double)T);
    }
    cosines(norm, dead, S);
out:
    free(norm); free(amax); free(dead);
    return st;
}

/* row_cosines as a job for gn_child_run: the n×n×k product is one GEMM. */
typedef struct {
    const gsl_matrix *L;
    const double *norm;
    const int *dead;
    gsl_matrix *S;
} cosines_job;

static void cosines_job_run(void *p)
{
    cosines_job *j = p;
    row_cosines(j->L, j->norm, j->dead, j->S);
}

int gn_similarity_pca(const gn_pca *p, size_t k, gsl_matrix *S, const gn_cancel *cancel, gn_err *err)
{
    size_t n = p->n;
    if (k < 1 || k > p->k)
        return gn_fail(err, GN_EINVAL, "k must be between 1 and %zu, got %zu", p->k, k);
    if (S->size1 != n || S->size2 != n)
        return gn_fail(err, GN_EINVAL, "similarity matrix must be %zux%zu, got %zux%zu", n, n, S->size1, S->size2);
    gsl_matrix *L = gn_mat_alloc(n, k, 0);
    double *norm = malloc(n * sizeof *norm);
    int *dead = malloc(n * sizeof *dead);
    if (!L || !norm || !dead) {
        if (L) gn_mat_free(L);
        free(norm); free(dead);
        return gn_fail(err, GN_ENOMEM, "out of memory for a %zux%zu similarity", n, n);
    }
    double lmax = 0;
    for (size_t i = 0; i < n; i++) {
        double ss = 0;
        for (size_t c = 0; c < k; c++) {
            double v = gsl_matrix_get(p->components, i, c) * sqrt(gsl_vector_get(p->var, c));
            gsl_matrix_set(L, i, c, v);
            ss += v * v;
        }
        norm[i] = sqrt(ss);
        lmax = fmax(lmax, norm[i]);
    }
    for (size_t i = 0; i < n; i++) dead[i] = norm[i] <= 1e-12 * lmax || norm[i] == 0;
    int st = GN_OK;
    double nd = (double)n;
    if (!gn_child_wanted(cancel, 2 * nd * nd * (double)k)) {
        row_cosines(L, norm, dead, S);
    } else {
        cosines_job j = {L, norm, dead, S};
        gn_region out = gn_region_matrix(S);
        st = gn_child_run(cosines_job_run, &j, &out, 1, cancel, "similarity", err);
    }
    gn_mat_free(L); free(norm); free(dead);
    return st;
}
