/* l_matrix.c — the matrix userdata: a gsl_matrix owned by Lua's GC, with
 * arithmetic through CBLAS, NPY/CSV files and plain-table conversion. */
#include "l_util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#include "npy.h"

typedef struct {
    gsl_matrix *m;   /* owned; NULL after __gc */
} lg_mat;

gsl_matrix *lg_pushmatrix(lua_State *L, gsl_matrix *m)
{
    lg_mat *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->m = m;
    luaL_setmetatable(L, LG_MATRIX_MT);
    return m;
}

/* gsl_matrix_calloc through calloc: a large block comes from mmap already
 * zeroed, so a big result costs nothing until it is written.  GSL zeroes
 * element by element, touching every page before the work starts — close
 * to a minute for a 16 GB ring:run result, during which Ctrl-C cannot be
 * honoured.  gsl_matrix_free releases it as usual (block and data by free). */
static gsl_matrix *matrix_calloc(size_t r, size_t c)
{
    gsl_block *b = malloc(sizeof *b);
    if (!b) return NULL;
    b->size = r * c;
    b->data = calloc(r * c, sizeof(double));
    gsl_matrix *m = b->data ? gsl_matrix_alloc_from_block(b, 0, r, c, c) : NULL;
    if (!m) {
        free(b->data);
        free(b);
        return NULL;
    }
    m->owner = 1;
    return m;
}

gsl_matrix *lg_newmatrix(lua_State *L, size_t r, size_t c)
{
    gn_err e = {0};
    if (gn_check_size(r, c, &e)) {
        const char *fn = lg_fname(L);
        lg_errorf(L, "%s%s%s", fn ? fn : "", fn ? ": " : "", e.msg);
    }
    gsl_matrix *m = matrix_calloc(r, c);
    if (!m) lg_errorf(L, "out of memory allocating a %zux%zu matrix", r, c);
    return lg_pushmatrix(L, m);
}

gsl_matrix *lg_pushcopy(lua_State *L, const gsl_matrix *m)
{
    gsl_matrix *c = lg_newmatrix(L, m->size1, m->size2);
    gsl_matrix_memcpy(c, m);
    return c;
}

gsl_matrix *lg_checkmatrix(lua_State *L, int idx)
{
    return ((lg_mat *)lg_checkobject(L, idx, LG_MATRIX_MT, "matrix"))->m;
}

/* Converts the table at idx into a new matrix pushed on the stack:
 * {1,2,3} gives a column, {{1,2},{3,4}} rows. */
static gsl_matrix *table_to_matrix(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    size_t r = lua_rawlen(L, idx);
    if (r == 0) lg_errorf(L, "%s: empty table, expected numbers or rows of numbers", what);
    int nested = lua_rawgeti(L, idx, 1) == LUA_TTABLE;
    size_t c = nested ? lua_rawlen(L, -1) : 1;
    lua_pop(L, 1);
    if (c == 0) lg_errorf(L, "%s: row 1 is empty", what);
    gsl_matrix *m = lg_newmatrix(L, r, c);
    for (size_t i = 0; i < r; i++) {
        int ty = lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (nested) {
            if (ty != LUA_TTABLE)
                lg_errorf(L, "%s: row %zu is a %s, expected a table", what, i + 1, lua_typename(L, ty));
            if (lua_rawlen(L, -1) != c)
                lg_errorf(L, "%s: row %zu has %d values, row 1 has %zu", what, i + 1,
                           (int)lua_rawlen(L, -1), c);
            for (size_t j = 0; j < c; j++) {
                if (lua_rawgeti(L, -1, (lua_Integer)j + 1) != LUA_TNUMBER)
                    lg_errorf(L, "%s: element [%zu][%zu] is not a number", what, i + 1, j + 1);
                gsl_matrix_set(m, i, j, lua_tonumber(L, -1));
                lua_pop(L, 1);
            }
        } else {
            if (ty != LUA_TNUMBER)
                lg_errorf(L, "%s: element [%zu] is a %s, expected a number", what, i + 1, lua_typename(L, ty));
            gsl_matrix_set(m, i, 0, lua_tonumber(L, -1));
        }
        lua_pop(L, 1);
    }
    return m;
}

/* Callers may pass any stack index (not only an argument), so errors name
 * the running function and "matrix data" rather than an argument number. */
gsl_matrix *lg_tomatrix(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE) {
        const char *fn = lg_fname(L);
        return lg_tomatrixas(L, idx, fn ? fn : "matrix", "matrix data");
    }
    return lg_checkmatrix(L, idx);
}

gsl_matrix *lg_tomatrixas(lua_State *L, int idx, const char *fn, const char *what)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE) {
        char prefix[128];
        snprintf(prefix, sizeof prefix, "%s: %s", fn, what);
        gsl_matrix *m = table_to_matrix(L, idx, prefix);
        lua_replace(L, idx);
        return m;
    }
    lg_mat *u = luaL_testudata(L, idx, LG_MATRIX_MT);
    if (!u)
        lg_errorf(L, "%s: %s must be a matrix or a table of numbers (got %s)", fn, what, luaL_typename(L, idx));
    if (!u->m) lg_errorf(L, "%s: %s is a matrix that has been freed", fn, what);
    return u->m;
}

gsl_matrix *lg_optmatrixfield(lua_State *L, int t, const char *key)
{
    if (lua_getfield(L, t, key) == LUA_TNIL) { lua_pop(L, 1); return NULL; }
    const char *fn = lg_fname(L);
    char what[64];
    snprintf(what, sizeof what, "field '%s'", key);
    return lg_tomatrixas(L, -1, fn ? fn : "matrix", what);   /* stays on the stack, anchored */
}

void lg_checkshape(lua_State *L, const gsl_matrix *m, size_t r, size_t c, const char *what)
{
    if ((r && m->size1 != r) || (c && m->size2 != c)) {
        char want[64];
        snprintf(want, sizeof want, "%s%s%s", r ? "" : "any", "x", c ? "" : "any");
        if (r && c) snprintf(want, sizeof want, "%zux%zu", r, c);
        else if (r) snprintf(want, sizeof want, "%zu rows", r);
        else snprintf(want, sizeof want, "%zu columns", c);
        lg_errorf(L, "%s must have %s, got %zux%zu", what, want, m->size1, m->size2);
    }
}

/* ---- constructors ------------------------------------------------------------ */

static size_t check_dim(lua_State *L, int idx, const char *fn, const char *name)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        lg_errorf(L, "%s: %s must be a positive integer (got %s)", fn, name, luaL_typename(L, idx));
    lua_Number v = lua_tonumber(L, idx);
    if (!(v >= 1) || v != floor(v) || v > 1e15)
        lg_errorf(L, "%s: %s must be a positive integer, got %g", fn, name, v);
    return (size_t)v;
}

/* matrix(r, c [, fill]) or matrix{{...}} — the __call of the matrix table. */
static int matrix_call(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        table_to_matrix(L, 2, "matrix");
        return 1;
    }
    if (lua_type(L, 2) == LUA_TUSERDATA && luaL_testudata(L, 2, LG_MATRIX_MT)) {
        lg_pushcopy(L, lg_tomatrixas(L, 2, "matrix", "the matrix to copy"));
        return 1;
    }
    if (lua_type(L, 2) != LUA_TNUMBER)
        return lg_errorf(L, "matrix: expected matrix(rows, cols [, fill]) or matrix{{...}}, got %s", luaL_typename(L, 2));
    size_t r = check_dim(L, 2, "matrix", "rows"), c = check_dim(L, 3, "matrix", "cols");
    if (!lua_isnoneornil(L, 4) && lua_type(L, 4) != LUA_TNUMBER)
        return lg_errorf(L, "matrix: fill must be a number (got %s)", luaL_typename(L, 4));
    double fill = lua_isnoneornil(L, 4) ? 0 : lua_tonumber(L, 4);
    gsl_matrix *m = lg_newmatrix(L, r, c);
    if (fill != 0) gsl_matrix_set_all(m, fill);
    return 1;
}

static double draw_normal(const gsl_rng *g) { return gsl_ran_gaussian_ziggurat(g, 1.0); }

/* matrix.randn(r, c) and matrix.rand(r, c): r×c draws, row by row. */
static int random_matrix(lua_State *L, const char *fn, double (*draw)(const gsl_rng *))
{
    size_t r = check_dim(L, 1, fn, "rows"), c = check_dim(L, 2, fn, "cols");
    gsl_matrix *m = lg_newmatrix(L, r, c);
    gsl_rng *g = lg_rng(L);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) gsl_matrix_set(m, i, j, draw(g));
    return 1;
}

static int matrix_randn(lua_State *L) { return random_matrix(L, "matrix.randn", draw_normal); }
static int matrix_rand(lua_State *L) { return random_matrix(L, "matrix.rand", gsl_rng_uniform); }

static int matrix_eye(lua_State *L)
{
    size_t n = check_dim(L, 1, "matrix.eye", "n");
    gsl_matrix *m = lg_newmatrix(L, n, n);
    gsl_matrix_set_identity(m);
    return 1;
}

static int matrix_load(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return lg_errorf(L, "matrix.load: path must be a string (got %s)", luaL_typename(L, 1));
    const char *path = lua_tostring(L, 1);
    gsl_matrix *m;
    gn_err e = {0};
    if (gn_npy_load(&m, path, &e)) return lg_coreerror(L, "matrix.load", &e);
    lg_pushmatrix(L, m);
    return 1;
}

/* ---- methods ------------------------------------------------------------------- */

static int m_gc(lua_State *L)
{
    lg_mat *u = luaL_checkudata(L, 1, LG_MATRIX_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    if (u->m) gsl_matrix_free(u->m);
    u->m = NULL;
    return 0;
}

static int m_rows(lua_State *L) { lua_pushinteger(L, (lua_Integer)lg_checkmatrix(L, 1)->size1); return 1; }
static int m_cols(lua_State *L) { lua_pushinteger(L, (lua_Integer)lg_checkmatrix(L, 1)->size2); return 1; }

static size_t check_index(lua_State *L, const gsl_matrix *m, int idx, int which)
{
    const char *fn = lg_fname(L);
    lua_Integer i = lg_checkinteger(L, idx, fn ? fn : "matrix", which == 0 ? "row index" : "column index");
    size_t lim = which == 0 ? m->size1 : m->size2;
    if (i < 1 || (size_t)i > lim)
        lg_errorf(L, "%s: %s index %lld out of range for a %zux%zu matrix (valid 1..%zu)",
                  fn ? fn : "matrix", which == 0 ? "row" : "column", (long long)i, m->size1, m->size2, lim);
    return (size_t)(i - 1);
}

static int m_get(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t i = check_index(L, m, 2, 0);
    size_t j = lua_isnoneornil(L, 3) && m->size2 == 1 ? 0 : check_index(L, m, 3, 1);
    lua_pushnumber(L, gsl_matrix_get(m, i, j));
    return 1;
}

static int m_set(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t i = check_index(L, m, 2, 0);
    size_t j = check_index(L, m, 3, 1);
    if (lua_type(L, 4) != LUA_TNUMBER)
        return lg_errorf(L, "set: value must be a number (got %s)", luaL_typename(L, 4));
    gsl_matrix_set(m, i, j, lua_tonumber(L, 4));
    lua_settop(L, 1);
    return 1;
}

static int m_row(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t i = check_index(L, m, 2, 0);
    gsl_matrix *r = lg_newmatrix(L, 1, m->size2);
    gsl_matrix_const_view v = gsl_matrix_const_submatrix(m, i, 0, 1, m->size2);
    gsl_matrix_memcpy(r, &v.matrix);
    return 1;
}

static int m_col(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t j = check_index(L, m, 2, 1);
    gsl_matrix *c = lg_newmatrix(L, m->size1, 1);
    gsl_matrix_const_view v = gsl_matrix_const_submatrix(m, 0, j, m->size1, 1);
    gsl_matrix_memcpy(c, &v.matrix);
    return 1;
}

/* A column (or row) vector becomes a flat array; otherwise a list of rows. */
static int m_totable(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    if (m->size1 * m->size2 > 50000000)
        return lg_errorf(L, "totable: %zux%zu matrix is too large for a Lua table", m->size1, m->size2);
    if (m->size2 == 1 || m->size1 == 1) {
        size_t n = m->size1 * m->size2;
        lua_createtable(L, (int)n, 0);
        for (size_t k = 0; k < n; k++) {
            lua_pushnumber(L, m->size2 == 1 ? gsl_matrix_get(m, k, 0) : gsl_matrix_get(m, 0, k));
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        return 1;
    }
    lua_createtable(L, (int)m->size1, 0);
    for (size_t i = 0; i < m->size1; i++) {
        lua_createtable(L, (int)m->size2, 0);
        for (size_t j = 0; j < m->size2; j++) {
            lua_pushnumber(L, gsl_matrix_get(m, i, j));
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int m_t(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gsl_matrix *t = lg_newmatrix(L, m->size2, m->size1);
    gsl_matrix_transpose_memcpy(t, m);
    return 1;
}

static int m_copy(lua_State *L)
{
    lg_pushcopy(L, lg_checkmatrix(L, 1));
    return 1;
}

/* m:save(path) and m:csv(path) differ only in the writer. */
static int write_file(lua_State *L, const char *fn,
                      int (*writer)(const gsl_matrix *, const char *, gn_err *))
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING)
        return lg_errorf(L, "%s: path must be a string (got %s)", fn, luaL_typename(L, 2));
    gn_err e = {0};
    if (writer(m, lua_tostring(L, 2), &e)) return lg_coreerror(L, fn, &e);
    return 0;
}

static int m_save(lua_State *L) { return write_file(L, "save", gn_npy_save); }
static int m_csv(lua_State *L) { return write_file(L, "csv", gn_csv_save); }

static int m_sum(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    double s = 0;
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++) s += gsl_matrix_get(m, i, j);
    lua_pushnumber(L, s);
    return 1;
}

static int m_norm(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    double s = 0;
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++) s += gsl_matrix_get(m, i, j) * gsl_matrix_get(m, i, j);
    lua_pushnumber(L, sqrt(s));
    return 1;
}

/* ---- arithmetic --------------------------------------------------------------- */

static int is_matrix(lua_State *L, int idx) { return luaL_testudata(L, idx, LG_MATRIX_MT) != NULL; }

/* a op b elementwise, with scalars broadcast; op: '+', '-'. */
static int elementwise(lua_State *L, char op)
{
    const char *name = op == '+' ? "+" : "-";
    if (is_matrix(L, 1) && is_matrix(L, 2)) {
        gsl_matrix *a = lg_checkmatrix(L, 1), *b = lg_checkmatrix(L, 2);
        if (a->size1 != b->size1 || a->size2 != b->size2)
            return lg_errorf(L, "matrix %s: shapes differ (%zux%zu %s %zux%zu)", name,
                              a->size1, a->size2, name, b->size1, b->size2);
        gsl_matrix *c = lg_pushcopy(L, a);
        if (op == '+') gsl_matrix_add(c, b); else gsl_matrix_sub(c, b);
        return 1;
    }
    int mi = is_matrix(L, 1) ? 1 : 2, si = 3 - mi;
    if (!is_matrix(L, mi) || lua_type(L, si) != LUA_TNUMBER)
        return lg_errorf(L, "matrix %s: expected matrices or a matrix and a number", name);
    gsl_matrix *c = lg_pushcopy(L, lg_checkmatrix(L, mi));
    double s = lua_tonumber(L, si);
    if (op == '+') gsl_matrix_add_constant(c, s);
    else if (mi == 1) gsl_matrix_add_constant(c, -s);
    else { gsl_matrix_scale(c, -1); gsl_matrix_add_constant(c, s); }
    return 1;
}

static int m_add(lua_State *L) { return elementwise(L, '+'); }
static int m_sub(lua_State *L) { return elementwise(L, '-'); }

static int m_mul(lua_State *L)
{
    if (is_matrix(L, 1) && is_matrix(L, 2)) {
        gsl_matrix *a = lg_checkmatrix(L, 1), *b = lg_checkmatrix(L, 2);
        if (a->size2 != b->size1)
            return lg_errorf(L, "matrix *: inner dimensions differ (%zux%zu * %zux%zu)",
                              a->size1, a->size2, b->size1, b->size2);
        gsl_matrix *c = lg_newmatrix(L, a->size1, b->size2);
        gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, a, b, 0.0, c);
        return 1;
    }
    int mi = is_matrix(L, 1) ? 1 : 2, si = 3 - mi;
    if (!is_matrix(L, mi) || lua_type(L, si) != LUA_TNUMBER)
        return lg_errorf(L, "matrix *: expected matrices or a matrix and a number");
    gsl_matrix *c = lg_pushcopy(L, lg_checkmatrix(L, mi));
    gsl_matrix_scale(c, lua_tonumber(L, si));
    return 1;
}

static int m_div(lua_State *L)
{
    if (!is_matrix(L, 1) || lua_type(L, 2) != LUA_TNUMBER)
        return lg_errorf(L, "matrix /: expected a matrix divided by a number (got %s / %s)",
                         luaL_typename(L, 1), luaL_typename(L, 2));
    gsl_matrix *a = lg_checkmatrix(L, 1);
    double s = lua_tonumber(L, 2);
    gsl_matrix *c = lg_pushcopy(L, a);
    gsl_matrix_scale(c, 1.0 / s);
    return 1;
}

static int m_unm(lua_State *L)
{
    gsl_matrix *c = lg_pushcopy(L, lg_checkmatrix(L, 1));
    gsl_matrix_scale(c, -1);
    return 1;
}

/* Lua calls __eq for any two userdata, so a matrix compared with a file
 * handle or a freed matrix is simply unequal. */
static int m_eq(lua_State *L)
{
    lg_mat *a = luaL_testudata(L, 1, LG_MATRIX_MT), *b = luaL_testudata(L, 2, LG_MATRIX_MT);
    int eq = a && b && a->m && b->m && a->m->size1 == b->m->size1 && a->m->size2 == b->m->size2 &&
             gsl_matrix_equal(a->m, b->m);
    lua_pushboolean(L, eq);
    return 1;
}

/* Elementwise product, since * is the matrix product. */
static int m_mul_elem(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1), *b = lg_tomatrixas(L, 2, "emul", "the second matrix");
    if (a->size1 != b->size1 || a->size2 != b->size2)
        return lg_errorf(L, "emul: shapes differ (%zux%zu vs %zux%zu)", a->size1, a->size2, b->size1, b->size2);
    gsl_matrix *c = lg_pushcopy(L, a);
    gsl_matrix_mul_elements(c, b);
    return 1;
}

/* Small matrices print whole; large ones as shape, range and a corner. */
static int m_tostring(lua_State *L)
{
    if (lg_freedstring(L, LG_MATRIX_MT, "matrix")) return 1;
    gsl_matrix *m = lg_checkmatrix(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    char tmp[64];
    size_t r = m->size1, c = m->size2;
    int small = r <= 12 && c <= 8;
    double lo = INFINITY, hi = -INFINITY;
    size_t nans = 0;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double v = gsl_matrix_get(m, i, j);
            if (isnan(v)) { nans++; continue; }
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
    snprintf(tmp, sizeof tmp, "matrix %zux%zu", r, c);
    luaL_addstring(&b, tmp);
    if (!small) {
        snprintf(tmp, sizeof tmp, ", range [%.4g, %.4g]", lo, hi);
        luaL_addstring(&b, tmp);
        if (nans) { snprintf(tmp, sizeof tmp, ", %zu NaN", nans); luaL_addstring(&b, tmp); }
    }
    size_t rr = small ? r : (r < 4 ? r : 4), cc = small ? c : (c < 6 ? c : 6);
    for (size_t i = 0; i < rr; i++) {
        luaL_addstring(&b, "\n ");
        for (size_t j = 0; j < cc; j++) {
            snprintf(tmp, sizeof tmp, " %11.5g", gsl_matrix_get(m, i, j));
            luaL_addstring(&b, tmp);
        }
        if (cc < c) luaL_addstring(&b, "  ...");
    }
    if (rr < r) luaL_addstring(&b, "\n  ...");
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg methods[] = {
    {"rows", m_rows}, {"cols", m_cols}, {"get", m_get}, {"set", m_set},
    {"row", m_row}, {"col", m_col}, {"totable", m_totable}, {"t", m_t},
    {"copy", m_copy}, {"save", m_save}, {"csv", m_csv}, {"sum", m_sum},
    {"norm", m_norm}, {"emul", m_mul_elem}, {NULL, NULL}
};

static const luaL_Reg metamethods[] = {
    {"__gc", m_gc}, {"__tostring", m_tostring}, {"__add", m_add}, {"__sub", m_sub},
    {"__mul", m_mul}, {"__div", m_div}, {"__unm", m_unm}, {"__eq", m_eq}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
    {"randn", matrix_randn}, {"rand", matrix_rand}, {"eye", matrix_eye},
    {"load", matrix_load}, {NULL, NULL}
};

int lg_open_matrix(lua_State *L)
{
    lg_newclass(L, LG_MATRIX_MT, "matrix", metamethods, NULL, methods);
    lua_pop(L, 1);

    lg_pushcallable(L, matrix_call);
    luaL_setfuncs(L, functions, 0);
    lua_setglobal(L, "matrix");
    return 0;
}
