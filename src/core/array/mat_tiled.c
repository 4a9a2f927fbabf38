/* mat_tiled.c — the array vocabulary's potentially long operations (element-
 * wise maps, the matrix product, the transpose) done in tiles, polling for
 * Ctrl-C between tiles. */
#include "mat.h"

#include <gsl/gsl_blas.h>

#include "mat_k512.h"
#include "simd.h"

/* Elements per tile: 8 MB of doubles, a few milliseconds of an element-wise
 * op.  An op on fewer elements runs whole and never polls, so small
 * operations in a loop add nothing to a chunk's count of polls (which a
 * replay uses to place a recorded Ctrl-C). */
#define TILE ((size_t)1 << 20)
/* Floating-point operations per panel of the matrix product (~10-30 ms). */
#define PANEL_FLOPS ((double)(1u << 30))

/* Rows r0.., columns c0.. of x, or all of a dimension x broadcasts (size 1). */
static _gsl_matrix_const_view bview(const gsl_matrix *x, size_t r0, size_t c0, size_t rr, size_t cc)
{
    return gsl_matrix_const_submatrix(x, x->size1 == 1 ? 0 : r0, x->size2 == 1 ? 0 : c0,
                                      x->size1 == 1 ? 1 : rr, x->size2 == 1 ? 1 : cc);
}

typedef struct {
    int kind;            /* 0 binary, 1 scalar, 2 unary, 3 clamp */
    gn_mat_binop bop;
    gn_mat_unop uop;
    double s, lo, hi;
    int swap;
} tile_op;

static int apply(gsl_matrix *o, const gsl_matrix *a, const gsl_matrix *b, const tile_op *op, gn_err *err)
{
    switch (op->kind) {
    case 0: return gn_mat_binary(o, a, b, op->bop, err);
    case 1: gn_mat_scalar(o, a, op->s, op->bop, op->swap); return GN_OK;
    case 2: gn_mat_unary(o, a, op->uop); return GN_OK;
    default: gn_mat_clamp(o, a, op->lo, op->hi); return GN_OK;
    }
}

/* Runs op over out in tiles of about TILE elements (rows, and columns when a
 * row alone is longer), polling before each tile when out is large. */
static int tiled(gsl_matrix *out, const gsl_matrix *a, const gsl_matrix *b, const tile_op *op,
                 const gn_cancel *cancel, gn_err *err)
{
    size_t R = out->size1, C = out->size2;
    if (R == 0 || C == 0) return GN_OK;
    if (R * C <= TILE) return apply(out, a, b, op, err);
    size_t cb = C < TILE ? C : TILE, rb = TILE / cb;
    for (size_t r0 = 0; r0 < R; r0 += rb)
        for (size_t c0 = 0; c0 < C; c0 += cb) {
            if (gn_cancel_check(cancel))
                return gn_fail(err, GN_EINTR, "interrupted after %zu of %zu rows", r0, R);
            size_t rr = R - r0 < rb ? R - r0 : rb, cc = C - c0 < cb ? C - c0 : cb;
            gsl_matrix_view ov = gsl_matrix_submatrix(out, r0, c0, rr, cc);
            gsl_matrix_const_view av = bview(a, r0, c0, rr, cc);
            gsl_matrix_const_view bv = bview(b ? b : a, r0, c0, rr, cc);
            int st = apply(&ov.matrix, &av.matrix, b ? &bv.matrix : NULL, op, err);
            if (st) return st;
        }
    return GN_OK;
}

int gn_mat_binary_c(gsl_matrix *out, const gsl_matrix *a, const gsl_matrix *b, gn_mat_binop op,
                    const gn_cancel *cancel, gn_err *err)
{
    size_t r, c;
    if (gn_mat_bshape(a->size1, a->size2, b->size1, b->size2, &r, &c, "matrix op", err)) return GN_EINVAL;
    if (out->size1 != r || out->size2 != c)
        return gn_fail(err, GN_EINVAL, "output must be %zux%zu, got %zux%zu", r, c, out->size1, out->size2);
    tile_op t = {.kind = 0, .bop = op};
    return tiled(out, a, b, &t, cancel, err);
}

int gn_mat_scalar_c(gsl_matrix *out, const gsl_matrix *a, double s, gn_mat_binop op, int swap,
                    const gn_cancel *cancel, gn_err *err)
{
    tile_op t = {.kind = 1, .bop = op, .s = s, .swap = swap};
    return tiled(out, a, NULL, &t, cancel, err);
}

int gn_mat_unary_c(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op, const gn_cancel *cancel,
                   gn_err *err)
{
    tile_op t = {.kind = 2, .uop = op};
    return tiled(out, a, NULL, &t, cancel, err);
}

int gn_mat_clamp_c(gsl_matrix *out, const gsl_matrix *a, double lo, double hi, const gn_cancel *cancel,
                   gn_err *err)
{
    tile_op t = {.kind = 3, .lo = lo, .hi = hi};
    return tiled(out, a, NULL, &t, cancel, err);
}

/* The product in panels of rows of a (and of c), each one GEMM of about
 * PANEL_FLOPS, so Ctrl-C acts between panels.  A product under one panel is
 * a single GEMM (or GEMV for a column). */
int gn_mat_matmul(gsl_matrix *c, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel,
                  gn_err *err)
{
    size_t m = a->size1, k = a->size2, n = b->size2;
    if (b->size1 != k || c->size1 != m || c->size2 != n)
        return gn_fail(err, GN_EINVAL, "matrix product: shapes %zux%zu * %zux%zu into %zux%zu", m, k,
                       b->size1, n, c->size1, c->size2);
    if (m == 0 || n == 0) return GN_OK;
    if (k == 0) { gn_mat_fill(c, 0); return GN_OK; }
    double per_row = 2.0 * (double)k * (double)n;
    size_t rb = m;
    if (per_row * (double)m > PANEL_FLOPS) {
        double want = PANEL_FLOPS / per_row;
        rb = want < 1 ? 1 : (size_t)want;
    }
    for (size_t r0 = 0; r0 < m; r0 += rb) {
        if (rb < m && gn_cancel_check(cancel))
            return gn_fail(err, GN_EINTR, "interrupted after %zu of %zu rows of the product", r0, m);
        size_t rr = m - r0 < rb ? m - r0 : rb;
        gsl_matrix_const_view ap = gsl_matrix_const_submatrix(a, r0, 0, rr, k);
        gsl_matrix_view cp = gsl_matrix_submatrix(c, r0, 0, rr, n);
        if (n == 1) {
            gsl_vector_const_view x = gsl_matrix_const_column(b, 0);
            gsl_vector_view y = gsl_matrix_column(&cp.matrix, 0);
            gsl_blas_dgemv(CblasNoTrans, 1.0, &ap.matrix, &x.vector, 0.0, &y.vector);
        } else {
            gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &ap.matrix, b, 0.0, &cp.matrix);
        }
    }
    return GN_OK;
}

/* The transpose in 32×32 blocks (for the cache; in registers with
 * AVX-512), polling between strips of 32 rows once the matrix is larger
 * than a tile. */
int gn_mat_transpose(gsl_matrix *t, const gsl_matrix *m, const gn_cancel *cancel, gn_err *err)
{
    size_t r = m->size1, c = m->size2;
    if (t->size1 != c || t->size2 != r)
        return gn_fail(err, GN_EINVAL, "transpose: output must be %zux%zu, got %zux%zu", c, r, t->size1,
                       t->size2);
    /* Writes go down the columns of t, a TLB miss (and on first touch a page
     * fault: slow in our VMs, seconds for a strip of a 10000-wide matrix on a
     * loaded machine) each, so the poll is inside the strip. */
    int poll = r * c > TILE, wide = gn_cpu_level() >= 2;
    for (size_t i0 = 0; i0 < r; i0 += 32) {
        for (size_t j0 = 0; j0 < c; j0 += 32) {
            /* every 32×1024 block: at most 1024 pages of t first touched */
            if (poll && j0 % 1024 == 0 && gn_cancel_check(cancel))
                return gn_fail(err, GN_EINTR, "interrupted after %zu of %zu rows of the transpose", i0, r);
            /* a whole block: 8×8 transposes in AVX-512 registers */
            if (wide && i0 + 32 <= r && j0 + 32 <= c &&
                gn_k512_transpose32(t->data + j0 * t->tda + i0, t->tda, m->data + i0 * m->tda + j0, m->tda))
                continue;
            for (size_t i = i0; i < r && i < i0 + 32; i++)
                for (size_t j = j0; j < c && j < j0 + 32; j++) t->data[j * t->tda + i] = m->data[i * m->tda + j];
        }
    }
    return GN_OK;
}
