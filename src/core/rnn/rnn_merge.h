/* rnn_merge.h — shrinking a rate RNN: merging two units into one, or
 * deleting a unit (the primitives of condensation). */
#ifndef GN_RNN_MERGE_H
#define GN_RNN_MERGE_H

#include <stddef.h>
#include <gsl/gsl_vector.h>

#include "gn.h"
#include "rnn.h"

/* Each function returns a new network with n−1 units (NULL, err filled, on
 * a bad index, n < 2 or no memory); the input is not modified.  Indices are
 * 0-based here (the Lua layer converts).  Settings (tau, dt, activation,
 * noise) are copied.  Unit order is kept, with the removed unit left out. */

/* Removes unit i: its row and column of W, its row of Win, b and x0, its
 * column of Wout.  Pruning: whatever i contributed is simply lost. */
gn_rnn *gn_rnn_delete(const gn_rnn *net, size_t i, gn_err *err);

/* Merges unit j into unit i (i != j) assuming r_j = r_i:
 *   outgoing   W[:, i] += W[:, j],  Wout[:, i] += Wout[:, j]
 *   incoming   W[i, :], Win[i, :], b[i], x0[i] := mean of i's and j's
 *              (after the column sum, so the merged unit's self-weight is
 *              the mean of what i and j received from the pair)
 * then unit j is deleted.  Exact — same outputs for every input — when i and
 * j have identical incoming weights (W rows, after adding column j into
 * column i), Win rows, biases and x0, since then x_i = x_j at all times. */
gn_rnn *gn_rnn_merge(const gn_rnn *net, size_t i, size_t j, gn_err *err);

/* Least-squares merge.  Fits r_j ≈ a·r_i + c on recorded rates ri, rj (same
 * length T >= 2, e.g. all trials' steps concatenated):
 *   a = cov(r_i, r_j) / var(r_i),  c = mean(r_j) − a·mean(r_i)
 * (a = 0, c = mean(r_j) when r_i is constant), then substitutes the fit for
 * r_j everywhere it is read:
 *   W[:, i] += a·W[:, j]     b    += c·W[:, j]
 *   Wout[:, i] += a·Wout[:, j]   bout += c·Wout[:, j]
 * and deletes j; i keeps its own incoming weights.  b takes c·W[:, j] with no
 * extra factor because b and W f(x) enter the Euler update through the same
 * bracket, x_t = x + dt/tau·(−x + W f(x) + Win u + b).  Exact when the fit
 * is exact (e.g. j a constant unit, or an affine copy of i).  a and c are
 * returned when the pointers are non-NULL. */
gn_rnn *gn_rnn_merge_ls(const gn_rnn *net, size_t i, size_t j, const gsl_vector *ri,
                        const gsl_vector *rj, double *a, double *c, gn_err *err);

#endif
