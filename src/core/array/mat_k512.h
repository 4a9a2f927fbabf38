/* mat_k512.h — AVX-512 row kernels of the array vocabulary (mat_k512.c).
 * Callers use them only when gn_cpu_level() >= 2; each returns 1 when it
 * did the work, 0 when the caller's scalar loop must (an op without an
 * AVX-512 form, a case too short, a build for another architecture).
 * Results equal the scalar loops' bit for bit.  Rows are contiguous; o may
 * be x or y (in-place updates), no other overlap. */
#ifndef GN_MAT_K512_H
#define GN_MAT_K512_H

#include <stddef.h>

#include "mat.h"

/* o[j] = x[j*sx] op y[j*sy], strides 0 or 1 (not both 0). */
int gn_k512_binary(double *o, const double *x, size_t sx, const double *y, size_t sy, size_t n,
                   gn_mat_binop op);
/* sqrt, abs, neg, relu. */
int gn_k512_unary(double *o, const double *x, size_t n, gn_mat_unop op);
int gn_k512_clamp(double *o, const double *x, size_t n, double lo, double hi);
/* o += alpha * y. */
int gn_k512_axpy(double *o, double alpha, const double *y, size_t n);
/* The first largest (max) or smallest element of x[0..n), or the first
 * NaN: its value and 0-based position (n >= 32). */
int gn_k512_extreme(const double *x, size_t n, int max, double *v, size_t *at);
/* out[q] = Σ (x[i] − m)² over leaf q, i = start[q] .. start[q]+len[q]−1
 * (len[q] <= 256), for q < k: a pairwise sum's leaves, each as mat_reduce.c's
 * psumsq leaf sums it (8 lane sums, combined pairwise, then the tail in
 * order), four leaves side by side. */
int gn_k512_sumsq_leaves(const double *x, const size_t *start, const size_t *len, size_t k, double m,
                         double *out);
/* The 32×32 block at t (row stride tt) = the transpose of the one at m
 * (row stride mt); no overlap. */
int gn_k512_transpose32(double *t, size_t tt, const double *m, size_t mt);

#endif
