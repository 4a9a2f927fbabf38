/* mat_reduce.c — reductions of the array vocabulary: sum, mean, var, std,
 * min/max with indices, norm, cumsum, dot, covariance/correlation, sort. */
#include "mat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>

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
static double psumsq(const double *x, size_t n, double m)
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
    return psumsq(x, h, m) + psumsq(x + h, n - h, m);
}

static const double *ROW(const gsl_matrix *a, size_t i) { return a->data + i * a->tda; }

/* Sum of everything: one run when the storage is contiguous. */
static double sum_all(const gsl_matrix *a)
{
    if (a->tda == a->size2) return psum(a->data, a->size1 * a->size2);
    double s = 0;
    for (size_t i = 0; i < a->size1; i++) s += psum(ROW(a, i), a->size2);
    return s;
}

static double sumsq_all(const gsl_matrix *a, double m)
{
    if (a->tda == a->size2) return psumsq(a->data, a->size1 * a->size2, m);
    double s = 0;
    for (size_t i = 0; i < a->size1; i++) s += psumsq(ROW(a, i), a->size2, m);
    return s;
}

/* First extreme of x[0..n) at stride s (NaN wins, at its first place). */
static void extreme(const double *x, size_t n, size_t s, int max, double *v, size_t *at)
{
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
                  gn_err *err)
{
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
            extreme(ROW(a, 0), c, 1, max, &v, &at);
            bj = at;
            for (size_t i = 1; i < r && v == v; i++) {
                double w;
                extreme(ROW(a, i), c, 1, max, &w, &at);
                if (w != w || (max ? w > v : w < v)) { v = w; bi = i; bj = at; }
            }
            if (idx) gsl_matrix_set(idx, 0, 0, (double)(bi * c + bj + 1));
        } else {
            double s = op == GN_MAT_NORM ? 0 : sum_all(a);
            double m = op == GN_MAT_NORM ? 0 : (len ? s / len : 0);
            double ss = sq ? sumsq_all(a, m) : 0;
            v = finish(s, ss, len, op);
        }
        gsl_matrix_set(out, 0, 0, v);
        return GN_OK;
    }
    if (dim == 2) {   /* along each row: contiguous runs */
        for (size_t i = 0; i < r; i++) {
            const double *x = ROW(a, i);
            double v;
            if (ext) {
                size_t at = 0;
                extreme(x, c, 1, max, &v, &at);
                if (idx) gsl_matrix_set(idx, i, 0, (double)(at + 1));
            } else {
                double s = op == GN_MAT_NORM ? 0 : psum(x, c);
                double m = op == GN_MAT_NORM ? 0 : (c ? s / c : 0);
                v = finish(s, sq ? psumsq(x, c, m) : 0, c, op);
            }
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
    if (op != GN_MAT_NORM)
        for (size_t i = 0; i < r; i++) {
            const double *x = ROW(a, i);
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
        const double *x = ROW(a, i);
        for (size_t j = 0; j < c; j++) { double d = x[j] - m[j]; o[j] += d * d; }
    }
    for (size_t j = 0; j < c; j++) o[j] = finish(0, o[j], r, op);
    free(m);
    return GN_OK;
}

int gn_mat_cumsum(gsl_matrix *out, const gsl_matrix *a, int dim, gn_err *err)
{
    if (dim != 1 && dim != 2) return gn_fail(err, GN_EINVAL, "cumsum: dim must be 1 or 2, got %d", dim);
    size_t r = a->size1, c = a->size2;
    for (size_t i = 0; i < r; i++) {
        const double *x = ROW(a, i);
        double *o = out->data + i * out->tda;
        if (dim == 2) {
            double s = 0;
            for (size_t j = 0; j < c; j++) { s += x[j]; o[j] = s; }
        } else if (i == 0) {
            memmove(o, x, c * sizeof *o);
        } else {
            const double *p = out->data + (i - 1) * out->tda;
            for (size_t j = 0; j < c; j++) o[j] = p[j] + x[j];
        }
    }
    return GN_OK;
}

int gn_mat_dot(double *out, const gsl_matrix *a, const gsl_matrix *b, gn_err *err)
{
    int avec = a->size1 == 1 || a->size2 == 1, bvec = b->size1 == 1 || b->size2 == 1;
    size_t na = a->size1 * a->size2, nb = b->size1 * b->size2;
    if (!((a->size1 == b->size1 && a->size2 == b->size2) || (avec && bvec && na == nb)))
        return gn_fail(err, GN_EINVAL, "dot: shapes %zux%zu and %zux%zu differ", a->size1, a->size2,
                       b->size1, b->size2);
    double s = 0;
    if (a->size1 == b->size1 && a->size2 == b->size2) {
        for (size_t i = 0; i < a->size1; i++) {
            const double *x = ROW(a, i), *y = ROW(b, i);
            double t[4] = {0};
            size_t j = 0;
            for (; j + 4 <= a->size2; j += 4)
                for (int k = 0; k < 4; k++) t[k] += x[j + k] * y[j + k];
            for (; j < a->size2; j++) t[0] += x[j] * y[j];
            s += (t[0] + t[1]) + (t[2] + t[3]);
        }
    } else {   /* a row against a column */
        for (size_t k = 0; k < na; k++) {
            double x = a->size1 == 1 ? a->data[k] : a->data[k * a->tda];
            double y = b->size1 == 1 ? b->data[k] : b->data[k * b->tda];
            s += x * y;
        }
    }
    *out = s;
    return GN_OK;
}

/* Centres the columns into a T×n scratch and forms XcᵀXc with one SYRK
 * (BLAS-3) instead of n² dot products. */
int gn_mat_cov(gsl_matrix *out, const gsl_matrix *a, int corr, gn_err *err)
{
    size_t T = a->size1, n = a->size2;
    if (T < 2) return gn_fail(err, GN_EINVAL, "%s needs at least 2 rows (observations), got %zu",
                              corr ? "corr" : "cov", T);
    if (out->size1 != n || out->size2 != n) return gn_fail(err, GN_EINVAL, "cov: output must be %zux%zu", n, n);
    if (gn_check_bytes((double)T * (double)n * sizeof(double), corr ? "corr (centred copy)" : "cov (centred copy)", err))
        return GN_ENOMEM;
    gsl_matrix *X = gsl_matrix_alloc(T, n);
    gsl_matrix *m = gsl_matrix_alloc(1, n);
    if (!X || !m) {
        if (X) gsl_matrix_free(X);
        if (m) gsl_matrix_free(m);
        return gn_fail(err, GN_ENOMEM, "cov: out of memory for a %zux%zu scratch", T, n);
    }
    gn_mat_reduce(m, NULL, a, 1, GN_MAT_MEAN, NULL);
    gn_mat_binary(X, a, m, GN_MAT_SUB, NULL);
    gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0 / (double)(T - 1), X, 0.0, out);
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
    gsl_matrix_free(X);
    gsl_matrix_free(m);
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

/* Allocates one run of (value, index) pairs for the longest line. */
int gn_mat_sort(gsl_matrix *out, gsl_matrix *idx, const gsl_matrix *a, int dim, gn_err *err)
{
    if (dim != 1 && dim != 2) return gn_fail(err, GN_EINVAL, "sort: dim must be 1 or 2, got %d", dim);
    size_t r = a->size1, c = a->size2;
    size_t lines = dim == 1 ? c : r, len = dim == 1 ? r : c;
    keyed *buf = malloc((len ? len : 1) * sizeof *buf);
    if (!buf) return gn_fail(err, GN_ENOMEM, "sort: out of memory");
    for (size_t l = 0; l < lines; l++) {
        for (size_t k = 0; k < len; k++) {
            buf[k].v = dim == 1 ? a->data[k * a->tda + l] : a->data[l * a->tda + k];
            buf[k].k = k;
        }
        qsort(buf, len, sizeof *buf, cmp_keyed);
        for (size_t k = 0; k < len; k++) {
            size_t i = dim == 1 ? k : l, j = dim == 1 ? l : k;
            if (out) out->data[i * out->tda + j] = buf[k].v;
            if (idx) idx->data[i * idx->tda + j] = (double)(buf[k].k + 1);
        }
    }
    free(buf);
    return GN_OK;
}
