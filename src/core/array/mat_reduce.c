/* mat_reduce.c — reductions of the array vocabulary: sum, mean, var, std,
 * min/max with indices, norm, cumsum, dot, covariance/correlation, sort. */
#include "mat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>

#include "mat_k512.h"
#include "simd.h"

/* Pairwise summation with an 8-way unrolled leaf, as NumPy sums a
 * contiguous run: error O(log n · eps) instead of O(n · eps), and the
 * independent accumulators let the loop vectorise. */
static double psum(const double *x, size_t n)
{
    if (n <= 256) {
        double s[8] = {0};
        size_t j = 0;
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++) s[k] += x[j + k];
        double t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        for (; j < n; j++) t += x[j];
        return t;
    }
    size_t h = (n / 2) & ~(size_t)7;
    return psum(x, h) + psum(x + h, n - h);
}

/* Σ (x - m)² over a run, same scheme. */
static double psumsq_c(const double *x, size_t n, double m)
{
    if (n <= 256) {
        double s[8] = {0};
        size_t j = 0;
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++) { double d = x[j + k] - m; s[k] += d * d; }
        double t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        for (; j < n; j++) { double d = x[j] - m; t += d * d; }
        return t;
    }
    size_t h = (n / 2) & ~(size_t)7;
    return psumsq_c(x, h, m) + psumsq_c(x + h, n - h, m);
}

/* The same tree with its leaves summed by the AVX-512 kernel, four leaves
 * side by side with a prefetch ahead of them (the SSE2 loop, a leaf at a
 * time, left norm of 10^6 elements at 0.15 ms against NumPy's 0.12; this:
 * 0.12).  Subtrees of at most SQ_SUB elements (at most SQ_LEAVES leaves,
 * each of more than 120) are cut into leaves, summed, then combined in the
 * tree's order: bit for bit psumsq_c. */
#define SQ_SUB 16384
#define SQ_LEAVES 160

static size_t sq_leaves(size_t n, size_t off, size_t *st, size_t *ln, size_t k)
{
    if (n <= 256) { st[k] = off; ln[k] = n; return k + 1; }
    size_t h = (n / 2) & ~(size_t)7;
    k = sq_leaves(h, off, st, ln, k);
    return sq_leaves(n - h, off + h, st, ln, k);
}

static double sq_combine(size_t n, const double *v, size_t *k)
{
    if (n <= 256) return v[(*k)++];
    size_t h = (n / 2) & ~(size_t)7;
    double a = sq_combine(h, v, k);
    return a + sq_combine(n - h, v, k);
}

static double psumsq_wide(const double *x, size_t n, double m)
{
    if (n > SQ_SUB) {
        size_t h = (n / 2) & ~(size_t)7;
        double a = psumsq_wide(x, h, m);
        return a + psumsq_wide(x + h, n - h, m);
    }
    size_t st[SQ_LEAVES], ln[SQ_LEAVES];
    double v[SQ_LEAVES];
    size_t k = sq_leaves(n, 0, st, ln, 0);
    if (!gn_k512_sumsq_leaves(x, st, ln, k, m, v)) return psumsq_c(x, n, m);
    size_t q = 0;
    return sq_combine(n, v, &q);
}

static double psumsq(const double *x, size_t n, double m)
{
    if (n >= 1024 && gn_cpu_level() >= 2) return psumsq_wide(x, n, m);
    return psumsq_c(x, n, m);
}

static const double *ROW(const gsl_matrix *a, size_t i) { return a->data + i * a->tda; }

/* ---- polling -----------------------------------------------------------------------
 * A long reduction polls for Ctrl-C once per TICK elements it has gone
 * through, between rows or between the TICK-element pieces of one long
 * run, and never inside a sum's pairwise tree below that size: the numbers
 * are those of the one-shot loops, bit for bit, and an operation on a
 * matrix of at most TICK elements never polls (the count of polls of a
 * chunk, by which a replay places a recorded Ctrl-C, stays what it was). */
#define TICK ((size_t)1 << 20)

typedef struct {
    const gn_cancel *cancel;
    size_t done;     /* elements since the last poll */
    int stopped;
} ticker;

/* Counts n elements; nonzero when a poll due now asked to stop. */
static int tick(ticker *t, size_t n)
{
    if (t->stopped) return 1;
    t->done += n;
    if (t->done <= TICK) return 0;
    t->done = 0;
    if (gn_cancel_check(t->cancel)) t->stopped = 1;
    return t->stopped;
}

static int stopped(ticker *t, const char *what, gn_err *err)
{
    (void)t;
    return gn_fail(err, GN_EINTR, "%s: interrupted", what);
}

/* psum and psumsq over a long run: the same pairwise tree, descending to
 * pieces of at most TICK elements (where the tree splits anyway) and
 * polling before each. */
static double psum_t(const double *x, size_t n, ticker *t)
{
    if (n <= TICK) return tick(t, n) ? 0 : psum(x, n);
    size_t h = (n / 2) & ~(size_t)7;
    double a = psum_t(x, h, t);
    return a + psum_t(x + h, n - h, t);
}

static double psumsq_t(const double *x, size_t n, double m, ticker *t)
{
    if (n <= TICK) return tick(t, n) ? 0 : psumsq(x, n, m);
    size_t h = (n / 2) & ~(size_t)7;
    double a = psumsq_t(x, h, m, t);
    return a + psumsq_t(x + h, n - h, m, t);
}

/* Sum of everything: one run when the storage is contiguous. */
static double sum_all(const gsl_matrix *a, ticker *t)
{
    if (a->tda == a->size2) return psum_t(a->data, a->size1 * a->size2, t);
    double s = 0;
    for (size_t i = 0; i < a->size1; i++) s += psum_t(ROW(a, i), a->size2, t);
    return s;
}

static double sumsq_all(const gsl_matrix *a, double m, ticker *t)
{
    if (a->tda == a->size2) return psumsq_t(a->data, a->size1 * a->size2, m, t);
    double s = 0;
    for (size_t i = 0; i < a->size1; i++) s += psumsq_t(ROW(a, i), a->size2, m, t);
    return s;
}

static void extreme(const double *x, size_t n, size_t s, int max, double *v, size_t *at);

/* extreme() over a long contiguous run, in pieces of TICK with a poll
 * before each: the first extreme, as one pass finds it. */
static void extreme_t(const double *x, size_t n, int max, double *v, size_t *at, ticker *t)
{
    size_t k0 = n < TICK ? n : TICK;
    tick(t, k0);
    extreme(x, k0, 1, max, v, at);
    for (size_t j0 = k0; j0 < n && *v == *v && !t->stopped; j0 += TICK) {
        size_t k = n - j0 < TICK ? n - j0 : TICK, a;
        if (tick(t, k)) break;
        double w;
        extreme(x + j0, k, 1, max, &w, &a);
        if (w != w || (max ? w > *v : w < *v)) { *v = w; *at = j0 + a; }
    }
}

/* First extreme of x[0..n) at stride s (NaN wins, at its first place). */
static void extreme(const double *x, size_t n, size_t s, int max, double *v, size_t *at)
{
    if (s == 1 && gn_cpu_level() >= 2 && gn_k512_extreme(x, n, max, v, at)) return;
    double best = x[0];
    size_t k = 0;
    if (best != best) { *v = best; *at = 0; return; }
    for (size_t j = 1; j < n; j++) {
        double u = x[j * s];
        if (u != u) { *v = u; *at = j; return; }
        if (max ? u > best : u < best) { best = u; k = j; }
    }
    *v = best;
    *at = k;
}

static double finish(double s, double ss, size_t n, gn_mat_redop op)
{
    switch (op) {
    case GN_MAT_SUM: return s;
    case GN_MAT_MEAN: return n ? s / n : NAN;
    case GN_MAT_VAR: return n == 0 ? NAN : n == 1 ? 0.0 : ss / (n - 1);
    case GN_MAT_STD: return n == 0 ? NAN : n == 1 ? 0.0 : sqrt(ss / (n - 1));
    case GN_MAT_NORM: return sqrt(ss);
    default: return NAN;
    }
}

int gn_mat_reduce(gsl_matrix *out, gsl_matrix *idx, const gsl_matrix *a, int dim, gn_mat_redop op,
                  const gn_cancel *cancel, gn_err *err)
{
    ticker tk = {a->size1 * a->size2 > TICK ? cancel : NULL, 0, 0}, *t = &tk;
    size_t r = a->size1, c = a->size2;
    size_t wr = dim == 2 ? r : 1, wc = dim == 1 ? c : 1;
    if (dim < 0 || dim > 2) return gn_fail(err, GN_EINVAL, "dim must be 1 or 2, got %d", dim);
    if (out->size1 != wr || out->size2 != wc || (idx && (idx->size1 != wr || idx->size2 != wc)))
        return gn_fail(err, GN_EINVAL, "reduction output must be %zux%zu", wr, wc);
    int ext = op == GN_MAT_MINR || op == GN_MAT_MAXR;
    size_t len = dim == 0 ? r * c : dim == 1 ? r : c;
    if (ext && len == 0)
        return gn_fail(err, GN_EINVAL, "%s of an empty %zux%zu matrix is undefined",
                       op == GN_MAT_MINR ? "min" : "max", r, c);
    int max = op == GN_MAT_MAXR;
    int sq = op == GN_MAT_VAR || op == GN_MAT_STD || op == GN_MAT_NORM;
    if (dim == 0) {
        double v;
        if (ext) {
            size_t at = 0, bi = 0, bj = 0;
            extreme_t(ROW(a, 0), c, max, &v, &at, t);
            bj = at;
            for (size_t i = 1; i < r && v == v && !t->stopped; i++) {
                double w;
                extreme_t(ROW(a, i), c, max, &w, &at, t);
                if (w != w || (max ? w > v : w < v)) { v = w; bi = i; bj = at; }
            }
            if (idx && !t->stopped) gsl_matrix_set(idx, 0, 0, (double)(bi * c + bj + 1));
        } else {
            double s = op == GN_MAT_NORM ? 0 : sum_all(a, t);
            double m = op == GN_MAT_NORM ? 0 : (len ? s / len : 0);
            double ss = sq && !t->stopped ? sumsq_all(a, m, t) : 0;
            v = finish(s, ss, len, op);
        }
        if (t->stopped) return stopped(t, "reduction", err);
        gsl_matrix_set(out, 0, 0, v);
        return GN_OK;
    }
    if (dim == 2) {   /* along each row: contiguous runs */
        for (size_t i = 0; i < r; i++) {
            const double *x = ROW(a, i);
            double v;
            if (ext) {
                size_t at = 0;
                extreme_t(x, c, max, &v, &at, t);
                if (idx) gsl_matrix_set(idx, i, 0, (double)(at + 1));
            } else {
                double s = op == GN_MAT_NORM ? 0 : psum_t(x, c, t);
                double m = op == GN_MAT_NORM ? 0 : (c ? s / c : 0);
                v = finish(s, sq ? psumsq_t(x, c, m, t) : 0, c, op);
            }
            if (t->stopped) return stopped(t, "reduction", err);
            gsl_matrix_set(out, i, 0, v);
        }
        return GN_OK;
    }
    /* dim 1, down each column: accumulate whole rows (vectorises). */
    double *o = out->data;
    if (ext) {
        double *ix = idx ? idx->data : NULL;
        memcpy(o, ROW(a, 0), c * sizeof *o);
        if (ix) for (size_t j = 0; j < c; j++) ix[j] = 1;
        for (size_t i = 1; i < r; i++) {
            if (tick(t, c)) return stopped(t, "reduction", err);
            const double *x = ROW(a, i);
            for (size_t j = 0; j < c; j++) {
                double u = x[j], b = o[j];
                if (b != b) continue;
                if (u != u || (max ? u > b : u < b)) { o[j] = u; if (ix) ix[j] = (double)(i + 1); }
            }
        }
        return GN_OK;
    }
    for (size_t j = 0; j < c; j++) o[j] = 0;
    int wide = gn_cpu_level() >= 2;
    if (op != GN_MAT_NORM)
        for (size_t i = 0; i < r; i++) {
            if (tick(t, c)) return stopped(t, "reduction", err);
            const double *x = ROW(a, i);
            if (wide && gn_k512_binary(o, o, 1, x, 1, c, GN_MAT_ADD)) continue;   /* the same sums */
            for (size_t j = 0; j < c; j++) o[j] += x[j];
        }
    if (!sq) {
        if (op == GN_MAT_MEAN) for (size_t j = 0; j < c; j++) o[j] = r ? o[j] / r : NAN;
        return GN_OK;
    }
    double *m = malloc((c ? c : 1) * sizeof *m);
    if (!m) return gn_fail(err, GN_ENOMEM, "out of memory");
    for (size_t j = 0; j < c; j++) { m[j] = op == GN_MAT_NORM || !r ? 0 : o[j] / r; o[j] = 0; }
    for (size_t i = 0; i < r; i++) {
        if (tick(t, c)) { free(m); return stopped(t, "reduction", err); }
        const double *x = ROW(a, i);
        for (size_t j = 0; j < c; j++) { double d = x[j] - m[j]; o[j] += d * d; }
    }
    for (size_t j = 0; j < c; j++) o[j] = finish(0, o[j], r, op);
    free(m);
    return GN_OK;
}

int gn_mat_cumsum(gsl_matrix *out, const gsl_matrix *a, int dim, const gn_cancel *cancel, gn_err *err)
{
    if (dim != 1 && dim != 2) return gn_fail(err, GN_EINVAL, "cumsum: dim must be 1 or 2, got %d", dim);
    size_t r = a->size1, c = a->size2;
    ticker t = {r * c > TICK ? cancel : NULL, 0, 0};
    for (size_t i = 0; i < r; i++) {
        const double *x = ROW(a, i);
        double *o = out->data + i * out->tda;
        if (dim == 2) {
            double s = 0;
            for (size_t j0 = 0; j0 < c; j0 += TICK) {   /* a long row in pieces */
                size_t j1 = c - j0 < TICK ? c : j0 + TICK;
                if (tick(&t, j1 - j0)) return stopped(&t, "cumsum", err);
                for (size_t j = j0; j < j1; j++) { s += x[j]; o[j] = s; }
            }
            continue;
        }
        if (tick(&t, c)) return stopped(&t, "cumsum", err);
        if (i == 0) {
            memmove(o, x, c * sizeof *o);
        } else {
            const double *p = out->data + (i - 1) * out->tda;
            for (size_t j = 0; j < c; j++) o[j] = p[j] + x[j];
        }
    }
    return GN_OK;
}

int gn_mat_dot(double *out, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel, gn_err *err)
{
    ticker t = {a->size1 * a->size2 > TICK ? cancel : NULL, 0, 0};
    int avec = a->size1 == 1 || a->size2 == 1, bvec = b->size1 == 1 || b->size2 == 1;
    size_t na = a->size1 * a->size2, nb = b->size1 * b->size2;
    if (!((a->size1 == b->size1 && a->size2 == b->size2) || (avec && bvec && na == nb)))
        return gn_fail(err, GN_EINVAL, "dot: shapes %zux%zu and %zux%zu differ", a->size1, a->size2,
                       b->size1, b->size2);
    double s = 0;
    if (a->size1 == b->size1 && a->size2 == b->size2) {
        for (size_t i = 0; i < a->size1; i++) {
            const double *x = ROW(a, i), *y = ROW(b, i);
            double q[4] = {0};
            size_t j = 0, c = a->size2;
            /* a long row in pieces of TICK (a multiple of 4: the same sums) */
            for (size_t j0 = 0; j0 < c; j0 += TICK) {
                size_t j1 = c - j0 < TICK ? c : j0 + TICK;
                if (tick(&t, j1 - j0)) return stopped(&t, "dot", err);
                for (; j + 4 <= j1; j += 4)
                    for (int k = 0; k < 4; k++) q[k] += x[j + k] * y[j + k];
            }
            for (; j < c; j++) q[0] += x[j] * y[j];
            s += (q[0] + q[1]) + (q[2] + q[3]);
        }
    } else {   /* a row against a column */
        for (size_t k = 0; k < na; k++) {
            if (k % TICK == 0 && k && tick(&t, TICK)) return stopped(&t, "dot", err);
            double x = a->size1 == 1 ? a->data[k] : a->data[k * a->tda];
            double y = b->size1 == 1 ? b->data[k] : b->data[k * b->tda];
            s += x * y;
        }
    }
    *out = s;
    return GN_OK;
}

/* Floating-point operations per block of the covariance product. */
#define COV_PANEL ((double)(1u << 30))

/* out (upper triangle) = alpha XᵀX: one SYRK, or, when that is more than a
 * panel of work, SYRK on diagonal blocks of nb columns and GEMM above them,
 * with a poll between blocks. */
static int gram_upper(gsl_matrix *out, const gsl_matrix *X, double alpha, const gn_cancel *cancel, gn_err *err)
{
    size_t T = X->size1, n = X->size2;
    double work = (double)T * (double)n * (double)n;
    if (work <= COV_PANEL) {
        gsl_blas_dsyrk(CblasUpper, CblasTrans, alpha, X, 0.0, out);
        return GN_OK;
    }
    double want = COV_PANEL / ((double)T * (double)n);
    size_t nb = want < 1 ? 1 : want > n ? n : (size_t)want;
    for (size_t j0 = 0; j0 < n; j0 += nb) {
        if (gn_cancel_check(cancel))
            return gn_fail(err, GN_EINTR, "cov: interrupted after %zu of %zu columns", j0, n);
        size_t w = n - j0 < nb ? n - j0 : nb;
        gsl_matrix_const_view XJ = gsl_matrix_const_submatrix(X, 0, j0, T, w);
        gsl_matrix_view D = gsl_matrix_submatrix(out, j0, j0, w, w);
        gsl_blas_dsyrk(CblasUpper, CblasTrans, alpha, &XJ.matrix, 0.0, &D.matrix);
        if (j0 > 0) {
            gsl_matrix_const_view XL = gsl_matrix_const_submatrix(X, 0, 0, T, j0);
            gsl_matrix_view O = gsl_matrix_submatrix(out, 0, j0, j0, w);
            gsl_blas_dgemm(CblasTrans, CblasNoTrans, alpha, &XL.matrix, &XJ.matrix, 0.0, &O.matrix);
        }
    }
    return GN_OK;
}

/* Centres the columns into a T×n scratch and forms XcᵀXc with SYRK
 * (BLAS-3) instead of n² dot products; the centring and a large product
 * poll for Ctrl-C. */
int gn_mat_cov(gsl_matrix *out, const gsl_matrix *a, int corr, const gn_cancel *cancel, gn_err *err)
{
    size_t T = a->size1, n = a->size2;
    if (T < 2) return gn_fail(err, GN_EINVAL, "%s needs at least 2 rows (observations), got %zu",
                              corr ? "corr" : "cov", T);
    if (out->size1 != n || out->size2 != n) return gn_fail(err, GN_EINVAL, "cov: output must be %zux%zu", n, n);
    if (gn_check_bytes((double)T * (double)n * sizeof(double), corr ? "corr (centred copy)" : "cov (centred copy)", err))
        return GN_ENOMEM;
    gsl_matrix *X = gn_mat_alloc(T, n, 0);
    gsl_matrix *m = gn_mat_alloc(1, n, 0);
    if (!X || !m) {
        if (X) gn_mat_free(X);
        if (m) gn_mat_free(m);
        return gn_fail(err, GN_ENOMEM, "cov: out of memory for a %zux%zu scratch", T, n);
    }
    int st = gn_mat_reduce(m, NULL, a, 1, GN_MAT_MEAN, cancel, err);
    if (!st) st = gn_mat_binary_c(X, a, m, GN_MAT_SUB, cancel, err);
    if (!st) st = gram_upper(out, X, 1.0 / (double)(T - 1), cancel, err);
    if (st) {
        gn_mat_free(X);
        gn_mat_free(m);
        return st == GN_EINTR ? gn_fail(err, GN_EINTR, "%s: interrupted", corr ? "corr" : "cov") : st;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) gsl_matrix_set(out, i, j, gsl_matrix_get(out, j, i));
    if (corr) {
        for (size_t j = 0; j < n; j++) m->data[j] = 1.0 / sqrt(gsl_matrix_get(out, j, j));
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double v = gsl_matrix_get(out, i, j) * m->data[i] * m->data[j];
                if (isinf(m->data[i]) || isinf(m->data[j])) v = NAN;
                else if (v > 1) v = 1;
                else if (v < -1) v = -1;
                gsl_matrix_set(out, i, j, v);
            }
    }
    gn_mat_free(X);
    gn_mat_free(m);
    return GN_OK;
}

typedef struct {
    double v;
    size_t k;
} keyed;

/* Ascending, NaN last, equal keys in source order (stable). */
static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int an = a->v != a->v, bn = b->v != b->v;
    if (an != bn) return an - bn;
    if (!an && a->v != b->v) return a->v < b->v ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* Merge sort of x[0..n) by cmp_keyed through tmp (n), bottom-up from
 * insertion-sorted runs of 32, polling once per TICK elements placed.  The
 * keys (value, position) are all distinct, so the order is the one qsort
 * gives.  Nonzero when stopped. */
static int msort_t(keyed *x, keyed *tmp, size_t n, ticker *t)
{
    for (size_t r0 = 0; r0 < n; r0 += 32) {
        size_t r1 = n - r0 < 32 ? n : r0 + 32;
        for (size_t i = r0 + 1; i < r1; i++) {
            keyed v = x[i];
            size_t j = i;
            while (j > r0 && cmp_keyed(&x[j - 1], &v) > 0) { x[j] = x[j - 1]; j--; }
            x[j] = v;
        }
    }
    keyed *src = x, *dst = tmp;
    for (size_t w = 32; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = n - lo < w ? n : lo + w, hi = n - lo < 2 * w ? n : lo + 2 * w;
            if (tick(t, hi - lo)) return 1;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = cmp_keyed(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        keyed *q = src; src = dst; dst = q;
    }
    if (src != x) memcpy(x, src, n * sizeof *x);
    return 0;
}

/* Allocates one run of (value, index) pairs for the longest line (two for a
 * line longer than TICK, sorted by msort_t so that it can stop). */
int gn_mat_sort(gsl_matrix *out, gsl_matrix *idx, const gsl_matrix *a, int dim, const gn_cancel *cancel,
                gn_err *err)
{
    if (dim != 1 && dim != 2) return gn_fail(err, GN_EINVAL, "sort: dim must be 1 or 2, got %d", dim);
    size_t r = a->size1, c = a->size2;
    size_t lines = dim == 1 ? c : r, len = dim == 1 ? r : c;
    int long_line = len > TICK;
    if (gn_check_bytes((double)len * sizeof(keyed) * (long_line ? 2 : 1), "sort (workspace)", err))
        return GN_ENOMEM;
    keyed *buf = gn_mem_alloc((len ? len : 1) * sizeof *buf, 0);
    keyed *tmp = long_line ? gn_mem_alloc(len * sizeof *tmp, 0) : NULL;
    if (!buf || (long_line && !tmp)) {
        gn_mem_free(buf);
        gn_mem_free(tmp);
        return gn_fail(err, GN_ENOMEM, "sort: out of memory");
    }
    ticker t = {r * c > TICK ? cancel : NULL, 0, 0};
    for (size_t l = 0; l < lines; l++) {
        for (size_t k = 0; k < len; k++) {
            buf[k].v = dim == 1 ? a->data[k * a->tda + l] : a->data[l * a->tda + k];
            buf[k].k = k;
        }
        if (long_line ? msort_t(buf, tmp, len, &t) : (tick(&t, len), t.stopped)) {
            gn_mem_free(buf);
            gn_mem_free(tmp);
            return stopped(&t, "sort", err);
        }
        if (!long_line) qsort(buf, len, sizeof *buf, cmp_keyed);
        for (size_t k = 0; k < len; k++) {
            size_t i = dim == 1 ? k : l, j = dim == 1 ? l : k;
            if (out) out->data[i * out->tda + j] = buf[k].v;
            if (idx) idx->data[i * idx->tda + j] = (double)(buf[k].k + 1);
        }
    }
    gn_mem_free(buf);
    gn_mem_free(tmp);
    return GN_OK;
}
