/* kinds.h — clustering neurons' responses into k canonical response types
 * (k-means with k-means++ seeding and restarts). */
#ifndef GN_KINDS_H
#define GN_KINDS_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "gn.h"

/* Clusters the n columns of R (T×n, finite) into k types.  Each column is
 * first z-scored over time (a constant neuron becomes the zero response), so
 * neurons are grouped by the shape of their response, not its offset or
 * gain.  Lloyd iterations (at most maxiter, default 300 when 0) from
 * k-means++ seeds drawn from rng (Arthur & Vassilvitskii 2007), repeated
 * `restarts` times (>= 1); the run with the least within-type sum of squares
 * wins.  An emptied cluster is re-seeded with the point farthest from its
 * centroid.  Types are numbered by first appearance (neuron 0 is in type
 * 0, the next neuron of another type opens type 1, ...), so results do not
 * depend on the seeding order.
 *   centroids  T×k: mean z-scored response of each type
 *   label      n entries in 0..k-1
 *   inertia    (may be NULL) within-type sum of squared distances
 * 1 <= k <= n.  Polls cancel between restarts (GN_EINTR).  Allocates its
 * own scratch once per call. */
int gn_kinds_fit(const gsl_matrix *R, size_t k, size_t restarts, size_t maxiter,
                 gsl_rng *rng, gsl_matrix *centroids, size_t *label, double *inertia,
                 gn_cancel *cancel, gn_err *err);

#endif
