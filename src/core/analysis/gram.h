/* gram.h — the centred Gram matrix of one or two sets of signals recorded
 * on the same time points, in one pass and without a T×n copy: the shared
 * first step of covariance spectra (npcs, participation), correlation
 * similarity and canonical correlations. */
#ifndef GN_GRAM_H
#define GN_GRAM_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "gn.h"
#include "pca.h"

/* G = Zᵀ Z for Z = [A − mean(A) | B − mean(B)] (B may be NULL), G of size
 * (p+q)×(p+q), full (both triangles).  The columns are centred exactly
 * (means first, then blocks of rows centred into a small buffer and
 * accumulated by DSYRK), so no cancellation from subtracting T·m·mᵀ.
 * amax (may be NULL, length p+q) receives each column's largest |value|.
 * GN_EINVAL on mismatched rows or sizes, GN_ENOMEM.  cancel (may be NULL)
 * is polled between blocks of rows once the work passes 2^30 multiply-adds
 * (GN_EINTR). */
int gn_gram_centred(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *G, double *amax,
                    const gn_cancel *cancel, gn_err *err);

/* Eigen-decomposition of the covariance of X (T×n, T >= 2): the PCA
 * variances s_i²/(T−1), decreasing, into var (length n), and when V is not
 * NULL the principal axes into its columns (n×n; signs arbitrary) — from
 * the centred Gram matrix (Tn² flops, no SVD of the data).  Each variance
 * carries an absolute error of order n·eps·max(var), and an axis an error
 * of order eps·max(var)/gap: exact to rounding for the leading
 * components, shares of the total variance (npcs) and the participation
 * ratio; small variances are not resolved to full relative accuracy
 * (gn_pca_fit does that).  cancel may be NULL; with one, an eigenproblem
 * over gn_child_min_flops() runs in a child process that Ctrl-C kills
 * (GN_EINTR; results bit for bit those made here). */
int gn_cov_eigen(const gsl_matrix *X, gsl_vector *var, gsl_matrix *V, const gn_cancel *cancel, gn_err *err);

/* A PCA of X (T×n, T > n, finite) with only axes, variances and explained
 * fractions filled (mean, scores and ws NULL), by gn_cov_eigen: what the
 * PCA similarity needs, without the data's SVD.  Free with gn_pca_free. */
gn_pca *gn_pca_axes(const gsl_matrix *X, const gn_cancel *cancel, gn_err *err);

/* From variances var (decreasing, >= 0): the smallest number of leading
 * ones whose share of the total reaches frac (0 when all are zero), and
 * the participation ratio (Σλ)²/Σλ² (0 when all are zero). */
size_t gn_spectrum_npcs(const gsl_vector *var, double frac);
double gn_spectrum_participation(const gsl_vector *var);

#endif
