/* cca.h — canonical correlations between two sets of signals recorded on the
 * same time points (e.g. a condensed net's rates against its parent's). */
#ifndef GN_CCA_H
#define GN_CCA_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "gn.h"

/* Canonical correlations of A (T×p) and B (T×q), T > max(p, q), finite.
 *
 * gn_cca: when both covariances are well conditioned (eigenvalue ratio
 * >= GN_SVD_GRAM_RCOND, pca.h; trained networks' rates are, by orders of
 * magnitude), from the centred Gram matrix of [A B] (one blocked DSYRK
 * pass over the data, gram.h): whiten its diagonal blocks by their
 * eigen-decompositions and take the singular values of the whitened
 * cross block — about T(p+q)² flops, no T×p copies.  The result agrees
 * with gn_cca_qr to about eps/GN_SVD_GRAM_RCOND.  Otherwise (duplicated or
 * constant columns, nearly collinear data) it runs gn_cca_qr.
 *
 * gn_cca_qr (Björck & Golub 1973): centre both; orthonormal bases Ua, Ub of
 * their column spaces from a thin SVD (Householder QR + Golub–Kahan,
 * gn_svd_run), keeping only the
 * directions with s > 1e-10·s_max so that duplicated or constant columns
 * (frequent after merging) do not create spurious perfect correlations;
 * the canonical correlations are the singular values of Uaᵀ Ub, clipped to
 * [0, 1].  rho must have length min(p, q); it receives the correlations,
 * decreasing, zero-filled beyond the number found, which is stored in
 * *count (may be NULL).  Allocates its own scratch.
 *
 * cancel may be NULL.  With one, a CCA of more than gn_child_min_flops()
 * (child.h) runs whole in a child process that Ctrl-C kills: GN_EINTR,
 * after exactly two polls; the results are bit for bit those computed
 * here.  A smaller one never polls. */
int gn_cca(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count,
           const gn_cancel *cancel, gn_err *err);
int gn_cca_qr(const gsl_matrix *A, const gsl_matrix *B, gsl_vector *rho, size_t *count,
              const gn_cancel *cancel, gn_err *err);

#endif
