/* l_matrix_struct.c — structure part of the matrix binding: views (sub,
 * row, col), transpose, gathering (take, mask), concatenation, reshape,
 * flatten, repeat, diagonal and trace. */
#include "l_matrix.h"
#include "interrupt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A 1-based index argument, negative counting from the end (-1 = last);
 * returns 0-based.  Index n+1 is allowed when `end` (an exclusive end,
 * for empty ranges). */
static size_t index_arg(lua_State *L, int idx, size_t n, const char *fn, const char *what, int end)
{
    lua_Integer i = lg_checkinteger(L, idx, fn, what);
    lua_Integer k = i < 0 ? (lua_Integer)n + i + 1 : i;
    if (k < 1 || k > (lua_Integer)n + (end ? 1 : 0))
        lg_errorf(L, "%s: %s %lld out of range (size %zu: valid 1..%zu or -%zu..-1)", fn, what,
                  (long long)i, n, n, n);
    return (size_t)(k - 1);
}

static gsl_matrix viewof(const gsl_matrix *m, size_t i, size_t j, size_t r, size_t c)
{
    gsl_matrix v = {0};
    v.size1 = r;
    v.size2 = c;
    v.tda = m->tda;
    v.data = m->data + (r && c ? i * m->tda + j : 0);
    return v;
}

/* m:sub(r1, r2, c1, c2): rows r1..r2 and columns c1..c2 (inclusive; nil =
 * from the start / to the end), a view sharing m's storage.  r2 = r1 - 1
 * gives an empty range. */
static int m_sub(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t R = m->size1, C = m->size2;
    size_t r1 = lua_isnoneornil(L, 2) ? 0 : index_arg(L, 2, R, "sub", "r1", 1);
    size_t r2 = lua_isnoneornil(L, 3) ? R : index_arg(L, 3, R, "sub", "r2", 0) + 1;
    size_t c1 = lua_isnoneornil(L, 4) ? 0 : index_arg(L, 4, C, "sub", "c1", 1);
    size_t c2 = lua_isnoneornil(L, 5) ? C : index_arg(L, 5, C, "sub", "c2", 0) + 1;
    if (r2 < r1) return lg_errorf(L, "sub: rows %zu..%zu run backwards", r1 + 1, r2);
    if (c2 < c1) return lg_errorf(L, "sub: columns %zu..%zu run backwards", c1 + 1, c2);
    lgm_pushview(L, 1, viewof(m, r1, c1, r2 - r1, c2 - c1));
    return 1;
}

static int m_row(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t i = index_arg(L, 2, m->size1, "row", "row index", 0);
    lgm_pushview(L, 1, viewof(m, i, 0, 1, m->size2));
    return 1;
}

static int m_col(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t j = index_arg(L, 2, m->size2, "col", "column index", 0);
    lgm_pushview(L, 1, viewof(m, 0, j, m->size1, 1));
    return 1;
}

/* m:t(): the transpose, a copy (in blocks of 32×32 for the cache; Ctrl-C
 * acts between strips of rows). */
static int m_t(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t r = m->size1, c = m->size2;
    gsl_matrix *t = lgm_new(L, c, r, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_transpose(t, m, &cc, &e), &e);
    return 1;
}

/* Index list at idx (a table or a vector matrix) into 0-based positions
 * below n; nil gives NULL (all). The array lives in a userdata left on
 * the stack. */
static size_t *index_list(lua_State *L, int idx, size_t n, const char *fn, const char *what, size_t *count)
{
    if (lua_isnoneornil(L, idx)) { *count = n; return NULL; }
    if (lua_type(L, idx) == LUA_TTABLE && lua_rawlen(L, idx) == 0) {
        *count = 0;
        return lua_newuserdatauv(L, 1, 0);
    }
    gsl_matrix *v = lgm_arg(L, idx, fn, what);
    if (v->size1 != 1 && v->size2 != 1 && v->size1 && v->size2)
        lg_errorf(L, "%s: %s must be a list of indices (a vector), got %zux%zu", fn, what, v->size1, v->size2);
    size_t k = v->size1 * v->size2;
    size_t *out = lua_newuserdatauv(L, (k ? k : 1) * sizeof *out, 0);
    for (size_t q = 0; q < k; q++) {
        double x = v->size2 == 1 ? v->data[q * v->tda] : v->data[q];
        if (x != floor(x) || fabs(x) > 1e15)
            lg_errorf(L, "%s: %s[%zu] = %g is not an integer", fn, what, q + 1, x);
        long long i = (long long)x, kk = i < 0 ? (long long)n + i + 1 : i;
        if (kk < 1 || kk > (long long)n)
            lg_errorf(L, "%s: %s[%zu] = %lld out of range (size %zu)", fn, what, q + 1, i, n);
        out[q] = (size_t)(kk - 1);
    }
    *count = k;
    return out;
}

/* m:take(rows [, cols]): a new matrix of the listed rows (and columns);
 * rows nil = all rows. */
static int m_take(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    lua_settop(L, 3);
    size_t nr, nc;
    size_t *rows = index_list(L, 2, m->size1, "take", "rows", &nr);
    size_t *cols = index_list(L, 3, m->size2, "take", "cols", &nc);
    size_t *all = NULL;
    if (!rows) {
        all = lua_newuserdatauv(L, (nr ? nr : 1) * sizeof *all, 0);
        for (size_t i = 0; i < nr; i++) all[i] = i;
        rows = all;
    }
    gsl_matrix *o = lgm_new(L, nr, nc, 1);
    gn_mat_gather(o, m, rows, cols);
    return 1;
}

/* m:mask(b): the elements of m where b (same shape) is nonzero, in row
 * order, as a column. */
static int m_mask(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1), *b = lgm_arg(L, 2, "mask", "mask");
    if (b->size1 != m->size1 || b->size2 != m->size2)
        return lg_errorf(L, "mask: mask is %zux%zu, the matrix %zux%zu (they must match)", b->size1, b->size2,
                         m->size1, m->size2);
    size_t k = 0;
    for (size_t i = 0; i < b->size1; i++)
        for (size_t j = 0; j < b->size2; j++) k += b->data[i * b->tda + j] != 0;
    gsl_matrix *o = lgm_new(L, k, 1, 1);
    k = 0;
    for (size_t i = 0; i < b->size1; i++)
        for (size_t j = 0; j < b->size2; j++)
            if (b->data[i * b->tda + j] != 0) o->data[k++] = m->data[i * m->tda + j];
    return 1;
}

/* The arguments of hcat/vcat as matrices: several, or one list of them. */
static int cat_args(lua_State *L, const char *fn)
{
    if (lua_gettop(L) == 1 && lua_type(L, 1) == LUA_TTABLE && lua_rawlen(L, 1) > 0) {
        int t = lua_rawgeti(L, 1, 1);
        lua_pop(L, 1);
        if (t == LUA_TUSERDATA || t == LUA_TTABLE) {   /* a list of matrices */
            int n = (int)lua_rawlen(L, 1);
            luaL_checkstack(L, n + 4, fn);
            lua_settop(L, 1);
            for (int i = 1; i <= n; i++) lua_rawgeti(L, 1, i);
            lua_remove(L, 1);
        }
    }
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        char what[32];
        snprintf(what, sizeof what, "argument %d", i);
        lgm_arg(L, i, fn, what);
    }
    return n;
}

static int cat(lua_State *L, int horiz)
{
    const char *fn = horiz ? "matrix.hcat" : "matrix.vcat";
    int n = cat_args(L, fn);
    size_t R = 0, C = 0;
    for (int i = 1; i <= n; i++) {
        gsl_matrix *a = lg_checkmatrix(L, i);
        size_t along = horiz ? a->size1 : a->size2;
        size_t first = horiz ? lg_checkmatrix(L, 1)->size1 : lg_checkmatrix(L, 1)->size2;
        if (along != first)
            return lg_errorf(L, "%s: argument %d is %zux%zu but argument 1 has %zu %s", fn, i, a->size1,
                             a->size2, first, horiz ? "rows" : "columns");
        if (horiz) { R = a->size1; C += a->size2; }
        else { C = a->size2; R += a->size1; }
    }
    gsl_matrix *o = lgm_new(L, R, C, 1);
    size_t off = 0;
    for (int i = 1; i <= n; i++) {
        gsl_matrix *a = lg_checkmatrix(L, i);
        gsl_matrix dst = horiz ? viewof(o, 0, off, R, a->size2) : viewof(o, off, 0, a->size1, C);
        gn_mat_assign(&dst, a, NULL);
        off += horiz ? a->size2 : a->size1;
    }
    return 1;
}

static int matrix_hcat(lua_State *L) { return cat(L, 1); }
static int matrix_vcat(lua_State *L) { return cat(L, 0); }

/* m:reshape(r, c): the elements in row order, r×c (a copy). */
static int m_reshape(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t r = lgm_checksize(L, 2, "reshape", "rows"), c = lgm_checksize(L, 3, "reshape", "cols");
    if (r * c != m->size1 * m->size2)
        return lg_errorf(L, "reshape: %zux%zu has %zu elements, cannot make %zux%zu", m->size1, m->size2,
                         m->size1 * m->size2, r, c);
    gsl_matrix *o = lgm_new(L, r, c, 1);
    gn_mat_pack(o->data, m);
    return 1;
}

static int m_flatten(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gsl_matrix *o = lgm_new(L, m->size1 * m->size2, 1, 1);
    gn_mat_pack(o->data, m);
    return 1;
}

/* m:repeat_(r, c): m tiled r times down and c times across. */
static int m_repeat(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t r = lgm_checksize(L, 2, "repeat_", "r"), c = lua_isnoneornil(L, 3) ? 1 : lgm_checksize(L, 3, "repeat_", "c");
    if ((r && m->size1 > GN_MAX_ELEMS / r) || (c && m->size2 > GN_MAX_ELEMS / c))
        return lg_errorf(L, "repeat_: result is too large");
    gsl_matrix *o = lgm_new(L, m->size1 * r, m->size2 * c, 1);
    gn_mat_tile(o, m);
    return 1;
}

static int m_diag(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t k = m->size1 < m->size2 ? m->size1 : m->size2;
    gsl_matrix *o = lgm_new(L, k, 1, 1);
    for (size_t i = 0; i < k; i++) o->data[i] = m->data[i * m->tda + i];
    return 1;
}

static int m_trace(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t k = m->size1 < m->size2 ? m->size1 : m->size2;
    double s = 0;
    for (size_t i = 0; i < k; i++) s += m->data[i * m->tda + i];
    lua_pushnumber(L, s);
    return 1;
}

const luaL_Reg lgm_struct_methods[] = {
    {"sub", m_sub}, {"row", m_row}, {"col", m_col}, {"t", m_t}, {"take", m_take}, {"mask", m_mask},
    {"reshape", m_reshape}, {"flatten", m_flatten}, {"repeat_", m_repeat}, {"diag", m_diag},
    {"trace", m_trace}, {NULL, NULL}
};

const luaL_Reg lgm_struct_funcs[] = {
    {"hcat", matrix_hcat}, {"vcat", matrix_vcat}, {NULL, NULL}
};
