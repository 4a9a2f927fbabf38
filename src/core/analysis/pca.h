/* pca.h — principal component analysis of observations × variables data
 * (e.g. a trace's rates, T×n) by the SVD of the centred data, and the thin
 * SVD it rests on. */
#ifndef GN_PCA_H
#define GN_PCA_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_eigen.h>

#include "gn.h"

/* Thin SVD workspace for an M×N matrix (M >= N): the caller fills A, then
 * gn_svd_run leaves A = U diag(s) Vᵀ in U (M×N, only when want_u), s (N,
 * decreasing) and V (N×N).  Used by PCA, CCA and Procrustes.
 *
 * Two algorithms; `gram` tells which one the last run used.
 *
 * Gram path (only when eig is set, as PCA does, and U is not wanted): the
 * Gram matrix AᵀA by one SYRK and its symmetric eigen-decomposition (GSL's
 * gsl_eigen_symmv), about 2MN² + O(N³) flops and 10× cheaper than the QR
 * path for N in the hundreds.  Squaring the condition number is accepted
 * only when the spectrum is well conditioned (λmin/λmax >=
 * GN_SVD_GRAM_RCOND), so that each eigenvalue keeps a relative error below
 * about eps/GN_SVD_GRAM_RCOND; then A is left intact and gram = 1, letting
 * the caller recompute s_i = ‖A v_i‖, which avoids the rounding of AᵀA.
 *
 * QR path (otherwise): Householder QR of A, Golub–Kahan SVD (GSL's
 * gsl_linalg_SV_decomp) of the N×N triangle R, U = Q·U_R.  It does not
 * square the condition number: singular values carry errors of order
 * eps·s_max, so small ones are accurate in absolute terms, not to full
 * relative accuracy. */
#define GN_SVD_GRAM_RCOND 1e-8
typedef struct {
    size_t M, N;
    gsl_matrix *A;     /* M×N input, destroyed by the QR */
    gsl_matrix *U;     /* M×N left singular vectors, or NULL */
    gsl_matrix *V;     /* N×N right singular vectors */
    gsl_vector *s;     /* N singular values, decreasing */
    gsl_matrix *R;     /* N×N workspace (triangle, then U_R) */
    gsl_vector *tau;   /* N Householder coefficients */
    gsl_vector *work;  /* N scratch */
    gsl_eigen_symmv_workspace *eig;  /* optional: enables the Gram path */
    int gram;          /* 1 when the last run took the Gram path */
    const gn_cancel *cancel;  /* optional: a large run goes to a child process
                               * that Ctrl-C kills (child.h); NULL by default */
} gn_svd;

/* NULL (err filled) when M < N, a size is 0 or absurd, or memory runs out. */
gn_svd *gn_svd_alloc(size_t M, size_t N, int want_u, gn_err *err);
void gn_svd_free(gn_svd *w);
/* GN_EINVAL if A holds a NaN/Inf, GN_ENUM if the QR or the SVD fails;
 * GN_EINTR when w->cancel stopped a run of more than gn_child_min_flops()
 * (made in a child process, with results bit for bit those of a run here). */
int gn_svd_run(gn_svd *w, gn_err *err);

/* Result and workspace of one PCA of a T×n matrix.  k = min(T, n)
 * components are kept, ordered by decreasing variance.  Each component's
 * sign is fixed so that its largest-magnitude loading is positive, which
 * makes results reproducible across algorithms (NumPy, GSL). */
typedef struct {
    size_t T, n, k;          /* observations, variables, components kept */
    gsl_vector *mean;        /* n: column means removed before the SVD */
    gsl_matrix *components;  /* n×k: column c is principal axis c (unit norm) */
    gsl_vector *var;         /* k: variance along each axis, s²/(T−1) */
    gsl_vector *explained;   /* k: fraction of the total variance, sums to 1 */
    gsl_matrix *scores;      /* T×k: centred data projected on the axes */
    gn_svd *ws;              /* T×n (or n×T when T < n) thin SVD */
} gn_pca;

/* Allocates a PCA for T observations of n variables (T, n >= 1).
 * NULL when out of memory or the size is absurd (err says why). */
gn_pca *gn_pca_alloc(size_t T, size_t n, gn_err *err);
void gn_pca_free(gn_pca *p);

/* Fits p to X (T×n, finite): centres the columns, takes the thin SVD of the
 * centred data (of its transpose when T < n), and derives axes, variances
 * and scores.  GN_EINVAL on a shape mismatch or non-finite data, GN_ENUM
 * when the SVD fails to converge. */
int gn_pca_fit(gn_pca *p, const gsl_matrix *X, gn_err *err);

/* Smallest number of leading components whose explained fractions reach
 * frac (0 < frac <= 1).  0 when the data have no variance. */
size_t gn_pca_npcs(const gn_pca *p, double frac);

/* Participation ratio (Σλ)² / Σλ² of the variances λ: an effective
 * dimension between 1 and k (0 for data with no variance). */
double gn_pca_participation(const gn_pca *p);

/* 1 when every element of m is finite. */
int gn_pca_finite(const gsl_matrix *m);

#endif
