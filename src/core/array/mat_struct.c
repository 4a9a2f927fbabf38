/* mat_struct.c — structural kernels of the array vocabulary: packing views
 * into contiguous runs, tiling, gathering by index lists; and the pair
 * ranking that condensation runs on every step; and the counted matrix
 * allocator every owner of matrix storage goes through. */
#include "mat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

gsl_matrix *gn_mat_alloc(size_t r, size_t c, int zero)
{
    size_t n = r && c ? r * c : 1;
    if (r && c && (n / r != c || n > SIZE_MAX / sizeof(double))) return NULL;
    gsl_block *b = malloc(sizeof *b);
    gsl_matrix *m = b ? malloc(sizeof *m) : NULL;
    double *d = m ? (zero ? calloc(n, sizeof *d) : malloc(n * sizeof *d)) : NULL;
    if (!d) {
        free(m);
        free(b);
        return NULL;
    }
    b->size = n;
    b->data = d;
    m->size1 = r;
    m->size2 = c;
    m->tda = c ? c : 1;
    m->data = d;
    m->block = b;
    m->owner = GN_MAT_COUNTED;
    gn_mem_count(n * sizeof *d);
    return m;
}

void gn_mat_free(gsl_matrix *m)
{
    if (!m) return;
    if (m->owner == GN_MAT_COUNTED && m->block) gn_mem_uncount(m->block->size * sizeof(double));
    gsl_matrix_free(m);
}

void gn_mat_pack(double *buf, const gsl_matrix *a)
{
    size_t c = a->size2;
    if (a->tda == c) { memcpy(buf, a->data, a->size1 * c * sizeof *buf); return; }
    for (size_t i = 0; i < a->size1; i++) memcpy(buf + i * c, a->data + i * a->tda, c * sizeof *buf);
}

void gn_mat_unpack(gsl_matrix *out, const double *buf)
{
    size_t c = out->size2;
    for (size_t i = 0; i < out->size1; i++) memcpy(out->data + i * out->tda, buf + i * c, c * sizeof *buf);
}

void gn_mat_tile(gsl_matrix *out, const gsl_matrix *a)
{
    size_t r = a->size1, c = a->size2;
    if (!r || !c) return;
    for (size_t i = 0; i < out->size1; i++) {
        const double *x = a->data + (i % r) * a->tda;
        double *o = out->data + i * out->tda;
        for (size_t j = 0; j < out->size2; j += c) memcpy(o + j, x, c * sizeof *o);
    }
}

void gn_mat_gather(gsl_matrix *out, const gsl_matrix *a, const size_t *rows, const size_t *cols)
{
    for (size_t i = 0; i < out->size1; i++) {
        const double *x = a->data + rows[i] * a->tda;
        double *o = out->data + i * out->tda;
        if (cols) for (size_t j = 0; j < out->size2; j++) o[j] = x[cols[j]];
        else memcpy(o, x, out->size2 * sizeof *o);
    }
}

/* ---- pair ranking ------------------------------------------------------------- */

/* Better pair first: larger score, then smaller (i, j). */
static int better(const gn_pair *a, const gn_pair *b)
{
    if (a->s != b->s) return a->s > b->s;
    if (a->i != b->i) return a->i < b->i;
    return a->j < b->j;
}

/* Keeps the best m pairs in a sorted array (insertion: m is small — the
 * condense patience — so this is O(n² m) worst case and O(n²) typically,
 * since most candidates fail the first comparison with the worst kept). */
size_t gn_mat_rank_pairs(gn_pair *out, size_t m, const gsl_matrix *S, const double *var, int absval)
{
    size_t n = S->size1, k = 0;
    if (m == 0) return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const double *row = S->data + i * S->tda;
        for (size_t j = i + 1; j < n; j++) {
            double s = row[j];
            if (s != s) continue;   /* undefined similarity: never a candidate */
            if (absval && s < 0) s = -s;
            gn_pair p = {i, j, s};
            if (k == m && !better(&p, &out[k - 1])) continue;
            size_t at = k < m ? k++ : m - 1;
            while (at > 0 && better(&p, &out[at - 1])) { out[at] = out[at - 1]; at--; }
            out[at] = p;
        }
    }
    for (size_t q = 0; q < k; q++)
        if (var && var[out[q].j] > var[out[q].i]) {
            size_t t = out[q].i;
            out[q].i = out[q].j;
            out[q].j = t;
        }
    return k;
}
