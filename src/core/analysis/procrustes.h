/* procrustes.h — orthogonal Procrustes comparison of two trajectories
 * (same time points, possibly different numbers of units). */
#ifndef GN_PROCRUSTES_H
#define GN_PROCRUSTES_H

#include <gsl/gsl_matrix.h>

#include "gn.h"

/* Compares A (T×p) and B (T×q) as SciPy's scipy.spatial.procrustes does:
 * each is centred and scaled to unit Frobenius norm (Â, B̂; the narrower is
 * padded with zero columns to m = max(p, q)), then the orthogonal R (m×m)
 * minimising |Â − s B̂ R|_F is found from the SVD B̂ᵀÂ = U Σ Vᵀ: R = U Vᵀ,
 * s = tr Σ.  disparity = |Â − s B̂ R|² = 1 − (tr Σ)², in [0, 1]: 0 when
 * B is a rotated, scaled and shifted copy of A.  R (m×m) and scale may be
 * NULL.  GN_EINVAL on unequal T, T < 2, non-finite data or data with no
 * variance.  Allocates its own scratch.  cancel may be NULL; with one, a
 * comparison of more than gn_child_min_flops() (child.h) runs whole in a
 * child process that Ctrl-C kills (GN_EINTR after exactly two polls; the
 * results bit for bit those computed here); a smaller one never polls. */
int gn_procrustes(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *R,
                  double *disparity, double *scale, const gn_cancel *cancel, gn_err *err);

#endif
