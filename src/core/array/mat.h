/* mat.h — the array vocabulary's numerical kernels on gsl_matrix views:
 * element-wise ops with broadcasting, reductions, structure, sorting and
 * linear algebra.  Every function takes views (any row stride `tda`, unit
 * column stride) and writes into an output the caller allocated, so the
 * caller decides what is copied; none allocates unless it says so. */
#ifndef GN_MAT_H
#define GN_MAT_H

#include <gsl/gsl_matrix.h>
#include "gn.h"

/* ---- storage ------------------------------------------------------------------
 * Every matrix the core or the bindings allocate with storage of their own
 * comes from gn_mat_alloc and goes back through gn_mat_free, so that its
 * bytes are counted in the memory account (gn.h) while it lives. */
#define GN_MAT_COUNTED 2   /* gsl_matrix.owner of a counted matrix (GSL only tests owner != 0) */
/* An r×c matrix (r or c may be 0: storage of one double, tda 1) with zeroed
 * (zero != 0, through calloc: a large block costs nothing until written) or
 * uninitialised storage; counted when its storage is GN_MEM_TRACK_MIN bytes
 * or more.  NULL when out of memory.  The budget is not checked here: check
 * it first (gn_check_size). */
gsl_matrix *gn_mat_alloc(size_t r, size_t c, int zero);
/* Frees any gsl_matrix (NULL too): a counted one leaves the account; others
 * go to gsl_matrix_free.  Use it instead of gsl_matrix_free everywhere, so
 * a counted matrix is never freed uncounted. */
void gn_mat_free(gsl_matrix *m);

/* ---- element-wise ------------------------------------------------------------ */

/* Binary operators.  Comparisons give 1.0 or 0.0 (NaN compares false,
 * except NE). */
typedef enum {
    GN_MAT_ADD, GN_MAT_SUB, GN_MAT_MUL, GN_MAT_DIV, GN_MAT_POW,
    GN_MAT_LT, GN_MAT_LE, GN_MAT_GT, GN_MAT_GE, GN_MAT_EQ, GN_MAT_NE,
    GN_MAT_MIN, GN_MAT_MAX
} gn_mat_binop;

/* Shape of `a op b` under broadcasting (NumPy's rule for two dimensions:
 * each size equal, or 1 on one side).  0, or GN_EINVAL naming both shapes. */
int gn_mat_bshape(size_t ar, size_t ac, size_t br, size_t bc, size_t *r, size_t *c,
                  const char *opname, gn_err *err);
/* out = a op b with broadcasting; out must have the broadcast shape and may
 * be a itself (in-place updates) or b. */
int gn_mat_binary(gsl_matrix *out, const gsl_matrix *a, const gsl_matrix *b, gn_mat_binop op,
                  gn_err *err);
/* out = a op s (swap: s op a); out same shape as a, may be a. */
void gn_mat_scalar(gsl_matrix *out, const gsl_matrix *a, double s, gn_mat_binop op, int swap);
/* out += alpha * x (x broadcast to out's shape); the axpy update.  opname
 * names the operation in errors. */
int gn_mat_axpy(gsl_matrix *out, double alpha, const gsl_matrix *x, const char *opname, gn_err *err);

/* Unary maps (out same shape as a, may be a). */
typedef enum {
    GN_MAT_ABS, GN_MAT_SQRT, GN_MAT_SIGN, GN_MAT_RELU, GN_MAT_NEG,
    GN_MAT_EXP, GN_MAT_LOG, GN_MAT_TANH, GN_MAT_SIGMOID
} gn_mat_unop;
void gn_mat_unary(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op);
/* exp, log, tanh and sigmoid through the vector math library (mat_simd.c);
 * gn_mat_unary calls it for those four. */
void gn_mat_unary_simd(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op);
/* out = min(max(a, lo), hi); NaN stays NaN. */
void gn_mat_clamp(gsl_matrix *out, const gsl_matrix *a, double lo, double hi);
/* out = a (shapes equal, or a broadcast to out); a may overlap out only if
 * it is out. */
int gn_mat_assign(gsl_matrix *out, const gsl_matrix *a, gn_err *err);
void gn_mat_fill(gsl_matrix *out, double v);

/* ---- long operations, interruptible (mat_tiled.c) -------------------------------
 * The same element-wise ops, the matrix product and the transpose, done in
 * tiles of about 2^20 elements (the product: panels of about 2^30 flops) with
 * a gn_cancel_check before each tile; GN_EINTR when it stops (out is then
 * partly written).  Operations smaller than one tile do not poll. */
int gn_mat_binary_c(gsl_matrix *out, const gsl_matrix *a, const gsl_matrix *b, gn_mat_binop op,
                    const gn_cancel *cancel, gn_err *err);
int gn_mat_scalar_c(gsl_matrix *out, const gsl_matrix *a, double s, gn_mat_binop op, int swap,
                    const gn_cancel *cancel, gn_err *err);
int gn_mat_unary_c(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op, const gn_cancel *cancel,
                   gn_err *err);
int gn_mat_clamp_c(gsl_matrix *out, const gsl_matrix *a, double lo, double hi, const gn_cancel *cancel,
                   gn_err *err);
/* c = a b (c m×n, a m×k, b k×n; c must not overlap a or b). */
int gn_mat_matmul(gsl_matrix *c, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel,
                  gn_err *err);
/* t = mᵀ (t c×r for m r×c; no overlap). */
int gn_mat_transpose(gsl_matrix *t, const gsl_matrix *m, const gn_cancel *cancel, gn_err *err);

/* ---- reductions ------------------------------------------------------------------
 * dim 0: over everything (out 1×1); 1: over rows (out 1×c); 2: over
 * columns (out r×1).  cancel (may be NULL) is polled about once per 2^20
 * elements gone through (cov: also between blocks of its product); an
 * operation on fewer elements never polls, and polling leaves the results
 * bit for bit those of the uninterrupted loops.  GN_EINTR when stopped. */
typedef enum { GN_MAT_SUM, GN_MAT_MEAN, GN_MAT_VAR, GN_MAT_STD, GN_MAT_MINR, GN_MAT_MAXR,
               GN_MAT_NORM } gn_mat_redop;
/* Sums are accumulated in blocks (pairwise over blocks of 256), as NumPy
 * does; var and std divide by n-1 (0 when n = 1), as MATLAB, Torch and
 * np.cov do.  For MINR/MAXR, idx (same shape as out, may be NULL) gets the
 * 1-based position of the first extreme along the reduced dimension (over
 * everything: the row-major position); NaN propagates.  Mean of nothing is
 * NaN; min/max of nothing is an error. */
int gn_mat_reduce(gsl_matrix *out, gsl_matrix *idx, const gsl_matrix *a, int dim, gn_mat_redop op,
                  const gn_cancel *cancel, gn_err *err);
/* Running sum along dim (1: down each column, 2: along each row). */
int gn_mat_cumsum(gsl_matrix *out, const gsl_matrix *a, int dim, const gn_cancel *cancel, gn_err *err);
/* Σ a.*b over all elements of two same-sized matrices (any vector shapes of
 * equal length also match). */
int gn_mat_dot(double *out, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel, gn_err *err);
/* Covariance (divisor T-1) or Pearson correlation of the columns of a
 * (T×n, T >= 2): out n×n.  A constant column gives NaN correlations. */
int gn_mat_cov(gsl_matrix *out, const gsl_matrix *a, int corr, const gn_cancel *cancel, gn_err *err);
/* Sort along dim (1: each column, 2: each row); idx (may be NULL) gets the
 * 1-based source positions.  Stable; NaN sorts last, as in NumPy. */
int gn_mat_sort(gsl_matrix *out, gsl_matrix *idx, const gsl_matrix *a, int dim, const gn_cancel *cancel,
                gn_err *err);

/* ---- structure ------------------------------------------------------------------- */
/* Contiguous row-major copy of a into buf (a->size1*a->size2 doubles). */
void gn_mat_pack(double *buf, const gsl_matrix *a);
void gn_mat_unpack(gsl_matrix *out, const double *buf);
/* out (r×c) = a tiled reps1 × reps2 times. */
void gn_mat_tile(gsl_matrix *out, const gsl_matrix *a);
/* Gathers out(i,j) = a(rows[i], cols[j]) (0-based; cols NULL: all). */
void gn_mat_gather(gsl_matrix *out, const gsl_matrix *a, const size_t *rows, const size_t *cols);

/* ---- linear algebra (LAPACK through LAPACKE; see mat_linalg.c) ------------------
 * cancel may be NULL.  With one, a large call (more than ~2^31 flops, or
 * GANGLION_LAPACK_CHILD flops when set) runs in a forked child and Ctrl-C
 * kills it (GN_EINTR); it makes two polls, before and after.  Results are
 * those of the in-process call, bit for bit. */
/* x = a \ b (a n×n, b n×k).  GN_ENUM when a is singular. */
int gn_mat_solve(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel,
                 gn_err *err);
int gn_mat_inv(gsl_matrix *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err);
int gn_mat_det(double *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err);
/* Lower-triangular L with a = L Lᵀ; GN_ENUM when a is not positive definite. */
int gn_mat_chol(gsl_matrix *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err);
/* Symmetric: values ascending (n×1), vectors as columns. */
int gn_mat_eigsym(gsl_matrix *values, gsl_matrix *vectors, const gsl_matrix *a, const gn_cancel *cancel,
                  gn_err *err);
/* General: values re/im (n×1), right eigenvectors re/im as columns,
 * normalised to unit length (LAPACK's dgeev order). */
int gn_mat_eiggen(gsl_matrix *re, gsl_matrix *im, gsl_matrix *vre, gsl_matrix *vim,
                  const gsl_matrix *a, const gn_cancel *cancel, gn_err *err);
/* Thin SVD a = U diag(S) Vᵀ: U r×k, S k×1 (descending), V c×k, k = min(r,c). */
int gn_mat_svd(gsl_matrix *U, gsl_matrix *S, gsl_matrix *V, const gsl_matrix *a, const gn_cancel *cancel,
               gn_err *err);
/* Minimum-norm least-squares solution of a x ≈ b (a r×c, b r×k, x c×k). */
int gn_mat_lstsq(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel,
                 gn_err *err);

/* ---- pair ranking (condensation) ---------------------------------------------- */
/* One candidate pair: keep unit i, remove unit j (0-based); s its score. */
typedef struct {
    size_t i, j;
    double s;
} gn_pair;
/* The m most similar unit pairs of an n×n similarity S (upper triangle,
 * |S| when absval), best first; ties keep (i, j) order.  In each pair the
 * unit with the larger var[] is kept (i).  Returns the count written
 * (min(m, n(n-1)/2)).  O(n² log m). */
size_t gn_mat_rank_pairs(gn_pair *out, size_t m, const gsl_matrix *S, const double *var,
                         int absval);

#endif
