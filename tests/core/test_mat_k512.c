/* test_mat_k512.c — the element-wise ops, clamp, axpy and min/max with
 * index, run through the public kernels (which take the AVX-512 loops of
 * mat_k512.c on a CPU that has them), against scalar reference loops
 * written here: every result bit for bit (sign of zero included; any NaN
 * matches a NaN), on data full of ties, ±0, ±inf and NaN, for every row
 * length up to 70 and a long one, rows starting at every offset (views),
 * broadcast rows, columns and scalars on either side, in place; and the
 * transpose against GSL's.
 * tests/cli/test_simd_baseline.sh runs it again with the scalar paths
 * forced (GANGLION_SIMD=baseline). */
#include "check.h"
#include "mat.h"
#include "simd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

static int same(double a, double b)
{
    if (a != a || b != b) return a != a && b != b;
    uint64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    return x == y;
}

static double ref_bin(double u, double v, gn_mat_binop op)
{
    switch (op) {
    case GN_MAT_ADD: return u + v;
    case GN_MAT_SUB: return u - v;
    case GN_MAT_MUL: return u * v;
    case GN_MAT_DIV: return u / v;
    case GN_MAT_POW: return pow(u, v);
    case GN_MAT_LT: return u < v;
    case GN_MAT_LE: return u <= v;
    case GN_MAT_GT: return u > v;
    case GN_MAT_GE: return u >= v;
    case GN_MAT_EQ: return u == v;
    case GN_MAT_NE: return u != v;
    case GN_MAT_MIN: return u != u || v != v ? u + v : u < v ? u : v;
    case GN_MAT_MAX: return u != u || v != v ? u + v : u > v ? u : v;
    }
    return NAN;
}

static double ref_un(double x, gn_mat_unop op)
{
    switch (op) {
    case GN_MAT_ABS: return fabs(x);
    case GN_MAT_SQRT: return sqrt(x);
    case GN_MAT_NEG: return -x;
    case GN_MAT_RELU: return x > 0 ? x : x == x ? 0.0 : x;
    case GN_MAT_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;
    default: return NAN;
    }
}

/* Values with many ties and every special value. */
static double draw(gsl_rng *g)
{
    double u = gsl_rng_uniform(g);
    if (u < 0.03) return NAN;
    if (u < 0.05) return INFINITY;
    if (u < 0.07) return -INFINITY;
    if (u < 0.10) return 0.0;
    if (u < 0.13) return -0.0;
    return round(gsl_ran_gaussian(g, 2.0) * 4) / 4;
}

/* An r×c view (tda c + 13) into a parent whose rows start off 64-byte
 * boundaries; freed with rm(). */
typedef struct {
    gsl_matrix *parent;
    gsl_matrix v;
} mat;

static mat mk(gsl_rng *g, size_t r, size_t c, double nanfrac)
{
    mat m;
    m.parent = gsl_matrix_alloc(r ? r : 1, c + 13);
    for (size_t k = 0; k < m.parent->size1 * m.parent->tda; k++) {
        double v = draw(g);
        m.parent->data[k] = v != v && gsl_rng_uniform(g) >= nanfrac / 0.03 ? 1.5 : v;
    }
    memset(&m.v, 0, sizeof m.v);
    m.v.size1 = r;
    m.v.size2 = c;
    m.v.tda = m.parent->tda;
    m.v.data = m.parent->data + 1 + gsl_rng_uniform_int(g, 12);
    return m;
}

/* mat_reduce.c's sum of squares written out: pairwise down to leaves of
 * at most 256, each 8 lane sums combined pairwise plus its tail in order. */
static double ref_sumsq(const double *x, size_t n, double m)
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
    return ref_sumsq(x, h, m) + ref_sumsq(x + h, n - h, m);
}

static void rm(mat *m) { gsl_matrix_free(m->parent); }

int main(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 512);
    printf("# dispatch level: %s\n", gn_cpu_level_name());
    gn_err e = {0};
    size_t lens[74];
    int nl = 0;
    for (size_t n = 0; n <= 70; n++) lens[nl++] = n;
    lens[nl++] = 1000;
    lens[nl++] = 4099;
    int badbin = 0, badsc = 0, badin = 0, badun = 0, badcl = 0, badax = 0, badext = 0, cases = 0;

    for (int li = 0; li < nl; li++) {
        size_t c = lens[li], r = 3;
        /* 1. binary ops: full, row-, column-broadcast on either side */
        for (int op = GN_MAT_ADD; op <= GN_MAT_MAX; op++) {
            for (int shape = 0; shape < 4; shape++) {
                size_t ar = r, ac = c, br = r, bc = c;
                if (shape == 1) br = 1;               /* b a row */
                if (shape == 2) bc = c ? 1 : 0;       /* b a column */
                if (shape == 3) ac = c ? 1 : 0;       /* a a column */
                if (!c && (shape == 2 || shape == 3)) continue;
                mat A = mk(g, ar, ac, 0.03), B = mk(g, br, bc, 0.03);
                gsl_matrix *a = &A.v, *b = &B.v;
                gsl_matrix *o = gsl_matrix_alloc(r, c ? c : 1);
                o->size2 = c;
                if (gn_mat_binary(o, a, b, (gn_mat_binop)op, &e) != GN_OK) { badbin++; continue; }
                for (size_t i = 0; i < r; i++)
                    for (size_t j = 0; j < c; j++) {
                        double u = a->data[(ar == 1 ? 0 : i) * a->tda + (ac == 1 ? 0 : j)];
                        double v = b->data[(br == 1 ? 0 : i) * b->tda + (bc == 1 ? 0 : j)];
                        badbin += !same(o->data[i * o->tda + j], ref_bin(u, v, (gn_mat_binop)op));
                    }
                cases++;
                /* in place: a = a op b for the full shapes */
                if (shape < 2) {
                    gsl_matrix *keep = gsl_matrix_alloc(r, c ? c : 1);
                    keep->size2 = c;
                    gsl_matrix_memcpy(keep, a);
                    gn_mat_binary(a, a, b, (gn_mat_binop)op, &e);
                    for (size_t i = 0; i < r; i++)
                        for (size_t j = 0; j < c; j++)
                            badin += !same(a->data[i * a->tda + j],
                                           ref_bin(keep->data[i * keep->tda + j],
                                                   b->data[(br == 1 ? 0 : i) * b->tda + j], (gn_mat_binop)op));
                    keep->size2 = keep->tda;
                    gsl_matrix_free(keep);
                }
                o->size2 = o->tda;
                gsl_matrix_free(o);
                rm(&A), rm(&B);
            }
            /* 2. with a scalar on either side, and in place */
            double svals[] = {2.5, -0.0, 0.0, NAN, INFINITY, -1.25};
            for (int si = 0; si < 6; si++)
                for (int swap = 0; swap < 2; swap++) {
                    mat A = mk(g, r, c, 0.03);
                    gsl_matrix *a = &A.v;
                    gsl_matrix *o = gsl_matrix_alloc(r, c ? c : 1);
                    o->size2 = c;
                    double s = svals[si];
                    gn_mat_scalar(o, a, s, (gn_mat_binop)op, swap);
                    for (size_t i = 0; i < r; i++)
                        for (size_t j = 0; j < c; j++) {
                            double u = a->data[i * a->tda + j];
                            badsc += !same(o->data[i * o->tda + j],
                                           swap ? ref_bin(s, u, (gn_mat_binop)op) : ref_bin(u, s, (gn_mat_binop)op));
                        }
                    gn_mat_scalar(a, a, s, (gn_mat_binop)op, swap);
                    for (size_t i = 0; i < r; i++)
                        badin += memcmp(a->data + i * a->tda, o->data + i * o->tda, c * sizeof(double)) != 0 &&
                                 !(op == GN_MAT_POW);   /* NaN payloads aside, pow is the scalar loop both times */
                    o->size2 = o->tda;
                    gsl_matrix_free(o);
                    rm(&A);
                }
        }
        /* 3. unary maps and clamp, out of place and in place */
        gn_mat_unop uops[] = {GN_MAT_ABS, GN_MAT_SQRT, GN_MAT_NEG, GN_MAT_RELU, GN_MAT_SIGN};
        for (int k = 0; k < 5; k++) {
            mat A = mk(g, r, c, 0.03);
            gsl_matrix *a = &A.v, *o = gsl_matrix_alloc(r, c ? c : 1);
            o->size2 = c;
            gn_mat_unary(o, a, uops[k]);
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++)
                    badun += !same(o->data[i * o->tda + j], ref_un(a->data[i * a->tda + j], uops[k]));
            gn_mat_unary(a, a, uops[k]);
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++) badun += !same(a->data[i * a->tda + j], o->data[i * o->tda + j]);
            o->size2 = o->tda;
            gsl_matrix_free(o);
            rm(&A);
        }
        double bounds[][2] = {{-1, 1}, {0, 0}, {-INFINITY, 0.5}, {-0.0, 0.0}};
        for (int k = 0; k < 4; k++) {
            mat A = mk(g, r, c, 0.03);
            gsl_matrix *a = &A.v, *o = gsl_matrix_alloc(r, c ? c : 1);
            o->size2 = c;
            double lo = bounds[k][0], hi = bounds[k][1];
            gn_mat_clamp(o, a, lo, hi);
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++) {
                    double x = a->data[i * a->tda + j];
                    badcl += !same(o->data[i * o->tda + j], x < lo ? lo : x > hi ? hi : x);
                }
            o->size2 = o->tda;
            gsl_matrix_free(o);
            rm(&A);
        }
        /* 4. axpy: o += alpha x, x full or a row */
        for (int k = 0; k < 2; k++) {
            mat O = mk(g, r, c, 0.03), X = mk(g, k ? 1 : r, c, 0.03);
            gsl_matrix *o = &O.v, *x = &X.v;
            gsl_matrix *keep = gsl_matrix_alloc(r, c ? c : 1);
            keep->size2 = c;
            gsl_matrix_memcpy(keep, o);
            double alpha = k ? -0.3 : 1.0 / 3.0;
            gn_mat_axpy(o, alpha, x, "axpy", &e);
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++)
                    badax += !same(o->data[i * o->tda + j],
                                   keep->data[i * keep->tda + j] + alpha * x->data[(k ? 0 : i) * x->tda + j]);
            keep->size2 = keep->tda;
            gsl_matrix_free(keep);
            rm(&O), rm(&X);
        }
        /* 5. min/max with index over everything, rows, columns; with and
         *    without NaN (few NaN: most searches must compare values) */
        if (c == 0) continue;
        for (int withnan = 0; withnan < 2; withnan++)
            for (int mx = 0; mx < 2; mx++) {
                mat A = mk(g, r, c, withnan ? 0.002 : 0);
                gsl_matrix *a = &A.v;
                gn_mat_redop op = mx ? GN_MAT_MAXR : GN_MAT_MINR;
                for (int dim = 0; dim <= 2; dim++) {
                    size_t orr = dim == 2 ? r : 1, oc = dim == 1 ? c : 1;
                    gsl_matrix *o = gsl_matrix_alloc(orr, oc), *ix = gsl_matrix_alloc(orr, oc);
                    if (gn_mat_reduce(o, ix, a, dim, op, NULL, &e) != GN_OK) { badext++; continue; }
                    size_t groups = dim == 0 ? 1 : dim == 1 ? c : r;
                    for (size_t q = 0; q < groups; q++) {
                        size_t len = dim == 0 ? r * c : dim == 1 ? r : c, at = 0;
                        double best = 0;
                        for (size_t k = 0; k < len; k++) {
                            size_t i = dim == 0 ? k / c : dim == 1 ? k : q, j = dim == 0 ? k % c : dim == 1 ? q : k;
                            double v = a->data[i * a->tda + j];
                            if (k == 0 || (best == best && (v != v || (mx ? v > best : v < best)))) { best = v; at = k; }
                        }
                        badext += !same(o->data[q], best) || ix->data[q] != (double)(at + 1);
                    }
                    gsl_matrix_free(o);
                    gsl_matrix_free(ix);
                }
                rm(&A);
            }
    }
    CHECK(cases > 0 && badbin == 0, "binary ops, plain and broadcast, on views of every length 0..70, 1000, 4099: "
          "equal to scalar loops bit for bit (%d differences)", badbin);
    CHECK(badsc == 0, "ops with a scalar on either side (±0, NaN, inf among them) equal scalar loops (%d)", badsc);
    CHECK(badin == 0, "in-place forms equal the out-of-place results (%d)", badin);
    CHECK(badun == 0, "abs, sqrt, neg, relu, sign equal libm/scalar loops, in place too (%d)", badun);
    CHECK(badcl == 0, "clamp equals the scalar loop, NaN kept, signed zero bounds (%d)", badcl);
    CHECK(badax == 0, "axpy equals o + alpha*x with two roundings (%d)", badax);
    CHECK(badext == 0, "min/max and their indices (first extreme, first NaN) over all, rows and columns (%d)", badext);

    /* one long run with a NaN late, and ties on the extreme */
    gsl_matrix *l = gsl_matrix_calloc(1, 100000);
    l->data[777] = 5, l->data[90001] = 5, l->data[5000] = -0.0;
    double v, vi;
    gsl_matrix_view ov = gsl_matrix_view_array(&v, 1, 1), iv = gsl_matrix_view_array(&vi, 1, 1);
    gn_mat_reduce(&ov.matrix, &iv.matrix, l, 0, GN_MAT_MAXR, NULL, &e);
    CHECK(v == 5 && vi == 778, "max of a long run: the first of two equal maxima (at %g)", vi);
    gn_mat_reduce(&ov.matrix, &iv.matrix, l, 0, GN_MAT_MINR, NULL, &e);
    CHECK(v == 0 && !signbit(v) && vi == 1, "min with +0 first and -0 later: the first zero, +0 (at %g)", vi);
    l->data[99990] = NAN, l->data[99999] = NAN;
    gn_mat_reduce(&ov.matrix, &iv.matrix, l, 0, GN_MAT_MAXR, NULL, &e);
    CHECK(v != v && vi == 99991, "a NaN anywhere wins, at its first place (at %g)", vi);
    gsl_matrix_free(l);

    /* norm: the pairwise sum of squares (leaves four at a time with
     * AVX-512), bit for bit the scalar tree, for lengths around every leaf
     * and subtree boundary and up to a poll piece (2^20) and past it */
    size_t nlen[] = {1, 9, 255, 256, 257, 1023, 1024, 1025, 2047, 4099, 16383, 16384, 16385, 16392,
                     32775, 100003, 1048576, 1048577, 2500001};
    int badn = 0;
    for (size_t k = 0; k < sizeof nlen / sizeof nlen[0]; k++) {
        size_t n = nlen[k];
        gsl_matrix *x = gsl_matrix_alloc(1, n);
        /* magnitudes over 16 decades, so that a different order of the additions shows */
        for (size_t i = 0; i < n; i++) x->data[i] = gsl_ran_gaussian(g, 1.0) * pow(10, 16 * gsl_rng_uniform(g) - 8);
        double nv;
        gsl_matrix_view nov = gsl_matrix_view_array(&nv, 1, 1);
        gn_mat_reduce(&nov.matrix, NULL, x, 0, GN_MAT_NORM, NULL, &e);
        badn += !same(nv, sqrt(ref_sumsq(x->data, n, 0)));   /* past 2^20: pieces of the same tree */
        gsl_matrix_free(x);
    }
    CHECK(badn == 0, "norm: the pairwise sum of squares bit for bit, lengths 1 to 2500001 (%d)", badn);

    /* transposes: whole 32×32 blocks and ragged edges, views, against GSL */
    size_t shapes[][2] = {{1, 1}, {1, 100}, {100, 1}, {31, 33}, {32, 32}, {64, 96}, {70, 45}, {1000, 1000}};
    int badt = 0;
    for (int k = 0; k < 8; k++) {
        size_t R = shapes[k][0], C = shapes[k][1];
        mat A = mk(g, R, C, 0.03);
        gsl_matrix *t = gsl_matrix_alloc(C, R), *ref = gsl_matrix_alloc(C, R);
        if (gn_mat_transpose(t, &A.v, NULL, &e) != GN_OK) badt++;
        gsl_matrix_transpose_memcpy(ref, &A.v);
        for (size_t i = 0; i < C * R; i++) badt += !same(t->data[i], ref->data[i]);
        gsl_matrix_free(t), gsl_matrix_free(ref);
        rm(&A);
    }
    CHECK(badt == 0, "transposes of views 1x1 to 1000x1000 (whole blocks and edges) equal GSL's (%d)", badt);
    gsl_rng_free(g);
    return check_failures ? 1 : 0;
}
