/* l_matrix.c — the matrix userdata: a gsl_matrix owned by Lua's GC (or a
 * view into another one), construction, element access, conversion to and
 * from tables, printing and files.  The operation groups live in
 * l_matrix_ops.c, l_matrix_reduce.c, l_matrix_struct.c, l_matrix_linalg.c. */
#include "l_matrix.h"

#include <float.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#include "npy.h"
#include "csv.h"

/* Lua's collector does not see the storage behind a userdata, so a loop
 * making large temporaries would let garbage pile up; tell it about the
 * allocations of 64 KiB or more, as if Lua had allocated them.  They are
 * reported in batches of GC_BATCH bytes: each report runs a whole cycle
 * over the session's heap (0.05-0.1 ms with a small heap, more in a big
 * session), too much for every 100 KB temporary; but the sooner garbage is
 * collected, the sooner its block is reused while still in the cache (a
 * copy into a 4 MB result, a:take(rows) on 1000x1000: 0.13 ms with 1-4 MB
 * batches, 0.16 with 16 MB, 0.18 with 64 MB).  A block of GC_BATCH or more
 * is reported at once, and before the block is allocated: the collection
 * it runs frees the garbage of earlier temporaries first, so that malloc can
 * hand back the block just freed, still in the cache (10^6-element results,
 * one core: a*2.5 0.23 -> 0.19 ms, a copy of an 800x800 slice 0.17 -> 0.14,
 * take of 500 rows 0.13 -> 0.12).  One counter per process: the program
 * runs one Lua state (at worst a second state's report comes a little early
 * or late). */
#define GC_BATCH ((size_t)4 << 20)
static size_t gc_pending;

static void gc_account(lua_State *L, size_t bytes)
{
    if (bytes < 65536) return;
    gc_pending += bytes;
    if (gc_pending < GC_BATCH) return;
    size_t kb = gc_pending >> 10;
    gc_pending = 0;
    lua_gc(L, LUA_GCSTEP, (int)(kb > 1 << 20 ? 1 << 20 : kb));
}

gsl_matrix *lg_pushmatrix(lua_State *L, gsl_matrix *m)
{
    lg_mat *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->m = m;
    luaL_setmetatable(L, LG_MATRIX_MT);
    return m;
}

gsl_matrix *lgm_pushview(lua_State *L, int parent, gsl_matrix v)
{
    parent = lua_absindex(L, parent);
    gsl_matrix *m = malloc(sizeof *m);
    if (!m) lg_errorf(L, "out of memory");
    *m = v;
    m->block = NULL;
    m->owner = 0;
    lg_pushmatrix(L, m);
    /* Anchor the storage: the parent's own anchor when it is a view. */
    lua_getiuservalue(L, parent, 1);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushvalue(L, parent); }
    lua_setiuservalue(L, -2, 1);
    return m;
}

int lgm_is(lua_State *L, int idx)
{
    lg_mat *u = luaL_testudata(L, idx, LG_MATRIX_MT);
    return u && u->m;
}

void lgm_check(lua_State *L, int rc, const gn_err *e)
{
    if (rc == GN_EINTR) lg_interrupted(L);   /* a Ctrl-C, recorded for replay */
    if (rc != GN_OK) lg_errorf(L, "%s", e->msg[0] ? e->msg : "matrix operation failed");
}

size_t lgm_checksize(lua_State *L, int idx, const char *fn, const char *what)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        lg_errorf(L, "%s: %s must be a non-negative integer (got %s)", fn, what, luaL_typename(L, idx));
    lua_Number v = lua_tonumber(L, idx);
    if (!(v >= 0) || v != floor(v) || v > (lua_Number)GN_MAX_ELEMS)
        lg_errorf(L, "%s: %s must be a non-negative integer, got %g", fn, what, v);
    return (size_t)v;
}

int lgm_optdim(lua_State *L, int idx, const char *fn, int def)
{
    if (lua_isnoneornil(L, idx)) return def;
    lua_Integer d = lg_checkinteger(L, idx, fn, "dim");
    if (d != 1 && d != 2) lg_errorf(L, "%s: dim must be 1 (over rows) or 2 (over columns), got %lld", fn, (long long)d);
    return (int)d;
}

gsl_matrix *lgm_arg(lua_State *L, int idx, const char *fn, const char *what)
{
    return lg_tomatrixas(L, idx, fn, what);
}

/* Matrices up to EMBED_MAX bytes keep their header and elements inside
 * the userdata itself: Lua's collector then sees their true size and
 * paces itself (a loop making 4.8 KB temporaries otherwise let tens of
 * thousands pile up between collections, 45 us per operation instead of
 * 3), and no malloc is involved.  Larger ones are malloc'ed and reported
 * to the collector through gc_account. */
#define EMBED_MAX ((size_t)1 << 20)

static int embedded(const lg_mat *u) { return (const void *)u->m == (const void *)(u + 1); }

gsl_matrix *lgm_reuse(lua_State *L, int idx, size_t r, size_t c)
{
    idx = lua_absindex(L, idx);
    lg_mat *u = luaL_testudata(L, idx, LG_MATRIX_MT);
    if (!u || !u->m) return NULL;
    int top = lua_gettop(L);
    lua_getiuservalue(L, idx, 1);   /* a view's anchor: the matrix holding the storage */
    int owner = lua_isnil(L, -1) ? idx : top + 1;
    lg_mat *o = luaL_testudata(L, owner, LG_MATRIX_MT);
    size_t cap = 0;
    if (o && o->m && embedded(o))
        cap = o->m->size1 * o->m->tda;
    else if (o && o->m && o->m->owner && o->m->block && o->m->block->data == o->m->data)
        cap = o->m->block->size;
    if (!cap || r * c > cap) {
        lua_settop(L, top);
        return NULL;
    }
    gsl_matrix v = { .size1 = r, .size2 = c, .tda = c ? c : 1, .data = o->m->data, .block = NULL, .owner = 0 };
    gsl_matrix *m = lgm_pushview(L, owner, v);
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return m;
}

/* Checks an r×c request against the memory budget (gn_check_size) and
 * raises the refusal as an error.  When the budget refuses it while large
 * arrays are live, some of them may be garbage the collector has not reached
 * yet (their storage is not Lua's, so the collector paces itself on the
 * reports of gc_account only): one full collection runs, returning their
 * bytes to the account, and the request is checked again.  The core never
 * does this; a collection here is no different from the steps gc_account
 * already runs before an allocation. */
static void check_alloc(lua_State *L, size_t r, size_t c)
{
    gn_err e = {0};
    int rc = gn_check_size(r, c, &e);
    if (rc == GN_ENOMEM && gn_mem_live() > 0 && (double)r * (double)c <= (double)GN_MAX_ELEMS) {
        lg_reclaim(L);
        rc = gn_check_size(r, c, &e);
    }
    if (rc) {
        const char *fn = lg_fname(L);
        lg_errorf(L, "%s%s%s", fn ? fn : "", fn ? ": " : "", e.msg);
    }
}

gsl_matrix *lg_newmatrix(lua_State *L, size_t r, size_t c)
{
    check_alloc(L, r, c);
    if (r * c * sizeof(double) <= EMBED_MAX) return lgm_new(L, r, c, 0);
    gc_account(L, r * c * sizeof(double));   /* first: see gc_account */
    /* calloc: a large block comes from mmap already zeroed, so a big result
     * costs nothing until it is written (GSL's calloc zeroes element by
     * element, touching every page before the work starts) */
    gsl_matrix *m = gn_mat_alloc(r, c, 1);
    if (!m) lg_errorf(L, "out of memory allocating a %zux%zu matrix", r, c);
    lg_pushmatrix(L, m);
    return m;
}

/* Like lg_newmatrix, but empty shapes are allowed (storage of one double,
 * so data is never NULL) and raw storage is left uninitialised. */
gsl_matrix *lgm_new(lua_State *L, size_t r, size_t c, int raw)
{
    check_alloc(L, r ? r : 1, c ? c : 1);
    size_t n = r && c ? r * c : 1;
    if (n * sizeof(double) <= EMBED_MAX) {
        lg_mat *u = lua_newuserdatauv(L, sizeof *u + sizeof(gsl_matrix) + n * sizeof(double), 1);
        gsl_matrix *m = (gsl_matrix *)(u + 1);
        double *d = (double *)(m + 1);
        if (!raw) memset(d, 0, n * sizeof *d);
        m->size1 = r;
        m->size2 = c;
        m->tda = c ? c : 1;
        m->data = d;
        m->block = NULL;
        m->owner = 0;   /* freed with the userdata */
        u->m = m;
        luaL_setmetatable(L, LG_MATRIX_MT);
        return m;
    }
    gc_account(L, n * sizeof(double));   /* first: see gc_account */
    gsl_matrix *m = gn_mat_alloc(r, c, !raw);
    if (!m) {
        lg_errorf(L, "out of memory allocating a %zux%zu matrix", r, c);
        return NULL;
    }
    lg_pushmatrix(L, m);
    return m;
}

gsl_matrix *lg_pushcopy(lua_State *L, const gsl_matrix *m)
{
    gsl_matrix *c = lgm_new(L, m->size1, m->size2, 1);
    gn_mat_assign(c, m, NULL);
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
    if (fill != 0) gn_mat_fill(m, fill);
    return 1;
}

/* matrix.zeros(r, c), ones, full(r, c, v): empty shapes allowed. */
static int filled(lua_State *L, const char *fn, double v)
{
    size_t r = lgm_checksize(L, 1, fn, "rows"), c = lgm_checksize(L, 2, fn, "cols");
    gsl_matrix *m = lgm_new(L, r, c, v != 0);
    if (v != 0) gn_mat_fill(m, v);
    return 1;
}

static int matrix_zeros(lua_State *L) { return filled(L, "matrix.zeros", 0); }
static int matrix_ones(lua_State *L) { return filled(L, "matrix.ones", 1); }
static int matrix_full(lua_State *L)
{
    if (lua_type(L, 3) != LUA_TNUMBER)
        return lg_errorf(L, "matrix.full: value must be a number (got %s)", luaL_typename(L, 3));
    return filled(L, "matrix.full", lua_tonumber(L, 3));
}

static double draw_normal(const gsl_rng *g) { return gsl_ran_gaussian_ziggurat(g, 1.0); }

/* matrix.randn(r, c) and matrix.rand(r, c): r×c draws, row by row. */
static int random_matrix(lua_State *L, const char *fn, double (*draw)(const gsl_rng *))
{
    size_t r = check_dim(L, 1, fn, "rows"), c = check_dim(L, 2, fn, "cols");
    gsl_matrix *m = lgm_new(L, r, c, 1);
    gsl_rng *g = lg_rng(L);
    for (size_t k = 0; k < r * c; k++) m->data[k] = draw(g);
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

static double checknum(lua_State *L, int idx, const char *fn, const char *what)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        lg_errorf(L, "%s: %s must be a number (got %s)", fn, what, luaL_typename(L, idx));
    double v = lua_tonumber(L, idx);
    if (!isfinite(v)) lg_errorf(L, "%s: %s must be finite, got %g", fn, what, v);
    return v;
}

/* matrix.linspace(a, b, k): k evenly spaced points from a to b (k×1). */
static int matrix_linspace(lua_State *L)
{
    double a = checknum(L, 1, "matrix.linspace", "start"), b = checknum(L, 2, "matrix.linspace", "stop");
    size_t k = lgm_checksize(L, 3, "matrix.linspace", "count");
    gsl_matrix *m = lgm_new(L, k, 1, 1);
    for (size_t i = 0; i < k; i++) m->data[i] = k == 1 ? a : a + (b - a) * (double)i / (double)(k - 1);
    if (k > 1) m->data[k - 1] = b;
    return 1;
}

/* matrix.range(a, b [, step]): a, a+step, ... up to b inclusive (MATLAB's
 * a:step:b), as a column; empty when the step points away from b. */
static int matrix_range(lua_State *L)
{
    const char *fn = "matrix.range";
    double a = checknum(L, 1, fn, "start"), b = checknum(L, 2, fn, "stop");
    double st = lua_isnoneornil(L, 3) ? 1 : checknum(L, 3, fn, "step");
    if (st == 0) return lg_errorf(L, "%s: step must be nonzero", fn);
    double span = (b - a) / st;
    size_t k = span < 0 ? 0 : (size_t)floor(span + 1e-10) + 1;
    if (k > GN_MAX_ELEMS) return lg_errorf(L, "%s: %g elements is too many", fn, (double)k);
    gsl_matrix *m = lgm_new(L, k, 1, 1);
    for (size_t i = 0; i < k; i++) m->data[i] = a + st * (double)i;
    return 1;
}

/* matrix.diag(v): square matrix with v on the diagonal. */
static int matrix_diag(lua_State *L)
{
    gsl_matrix *v = lgm_arg(L, 1, "matrix.diag", "v");
    if (v->size1 != 1 && v->size2 != 1)
        return lg_errorf(L, "matrix.diag: v must be a vector (n×1 or 1×n), got %zux%zu (use m:diag() to read a diagonal)",
                         v->size1, v->size2);
    size_t n = v->size1 * v->size2;
    gsl_matrix *m = lgm_new(L, n, n, 0);
    for (size_t i = 0; i < n; i++)
        m->data[i * n + i] = v->size2 == 1 ? v->data[i * v->tda] : v->data[i];
    return 1;
}

static int matrix_load(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return lg_errorf(L, "matrix.load: path must be a string (got %s)", luaL_typename(L, 1));
    const char *path = lua_tostring(L, 1);
    int fmt = lgm_multiformat(path);
    if (fmt) return lgm_loadmulti(L, path, fmt);
    gsl_matrix *m;
    gn_err e = {0};
    size_t n = strlen(path);
    int csv = n >= 4 && strcasecmp(path + n - 4, ".csv") == 0;
    int rc = csv ? gn_csv_load(&m, path, &e) : gn_npy_load(&m, path, &e);
    if (rc == GN_ENOMEM && lg_reclaim(L)) rc = csv ? gn_csv_load(&m, path, &e) : gn_npy_load(&m, path, &e);
    if (rc) return lg_coreerror(L, "matrix.load", &e);
    lg_pushmatrix(L, m);
    return 1;
}

/* ---- methods ------------------------------------------------------------------- */

static int m_gc(lua_State *L)
{
    lg_mat *u = luaL_checkudata(L, 1, LG_MATRIX_MT);
    if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
    if (u->m && !embedded(u)) gn_mat_free(u->m);   /* a view frees its header only */
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
    size_t i, j;
    if (lua_isnoneornil(L, 3) && m->size1 == 1 && m->size2 > 1) { i = 0; j = check_index(L, m, 2, 1); }
    else {
        i = check_index(L, m, 2, 0);
        j = lua_isnoneornil(L, 3) && m->size2 == 1 ? 0 : check_index(L, m, 3, 1);
    }
    lua_pushnumber(L, m->data[i * m->tda + j]);
    return 1;
}

static int m_set(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    size_t i = check_index(L, m, 2, 0);
    size_t j = check_index(L, m, 3, 1);
    if (lua_type(L, 4) != LUA_TNUMBER)
        return lg_errorf(L, "set: value must be a number (got %s)", luaL_typename(L, 4));
    m->data[i * m->tda + j] = lua_tonumber(L, 4);
    lua_settop(L, 1);
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
            lua_pushnumber(L, m->size2 == 1 ? m->data[k * m->tda] : m->data[k]);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        return 1;
    }
    lua_createtable(L, (int)m->size1, 0);
    for (size_t i = 0; i < m->size1; i++) {
        lua_createtable(L, (int)m->size2, 0);
        for (size_t j = 0; j < m->size2; j++) {
            lua_pushnumber(L, m->data[i * m->tda + j]);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
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

/* .npz and .mat hold named arrays: m is saved as arr_0 (np.savez's name). */
static int m_save(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING) {
        int fmt = lgm_multiformat(lua_tostring(L, 2));
        if (fmt) return lgm_savemulti_one(L, lg_checkmatrix(L, 1), lua_tostring(L, 2), fmt);
    }
    return write_file(L, "save", gn_npy_save);
}
static int m_csv(lua_State *L) { return write_file(L, "csv", gn_csv_save); }

/* Lua calls __eq for any two userdata, so a matrix compared with a file
 * handle or a freed matrix is simply unequal. */
static int m_eq(lua_State *L)
{
    lg_mat *a = luaL_testudata(L, 1, LG_MATRIX_MT), *b = luaL_testudata(L, 2, LG_MATRIX_MT);
    int eq = a && b && a->m && b->m && a->m->size1 == b->m->size1 && a->m->size2 == b->m->size2;
    for (size_t i = 0; eq && i < a->m->size1; i++)
        for (size_t j = 0; eq && j < a->m->size2; j++)
            eq = a->m->data[i * a->m->tda + j] == b->m->data[i * b->m->tda + j];
    lua_pushboolean(L, eq);
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
            double v = m->data[i * m->tda + j];
            if (isnan(v)) { nans++; continue; }
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
    snprintf(tmp, sizeof tmp, "matrix %zux%zu", r, c);
    luaL_addstring(&b, tmp);
    lg_mat *u = lua_touserdata(L, 1);
    if (!m->owner && !embedded(u)) luaL_addstring(&b, " (view)");
    if (!small) {
        snprintf(tmp, sizeof tmp, ", range [%.4g, %.4g]", lo, hi);
        luaL_addstring(&b, tmp);
        if (nans) { snprintf(tmp, sizeof tmp, ", %zu NaN", nans); luaL_addstring(&b, tmp); }
    }
    size_t rr = small ? r : (r < 4 ? r : 4), cc = small ? c : (c < 6 ? c : 6);
    for (size_t i = 0; i < rr; i++) {
        luaL_addstring(&b, "\n ");
        for (size_t j = 0; j < cc; j++) {
            snprintf(tmp, sizeof tmp, " %11.5g", m->data[i * m->tda + j]);
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
    {"totable", m_totable}, {"copy", m_copy}, {"save", m_save}, {"csv", m_csv}, {NULL, NULL}
};

static const luaL_Reg metamethods[] = {
    {"__gc", m_gc}, {"__tostring", m_tostring}, {"__eq", m_eq}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
    {"randn", matrix_randn}, {"rand", matrix_rand}, {"eye", matrix_eye},
    {"zeros", matrix_zeros}, {"ones", matrix_ones}, {"full", matrix_full},
    {"linspace", matrix_linspace}, {"range", matrix_range}, {"diag", matrix_diag},
    {"load", matrix_load}, {NULL, NULL}
};

/* Allocation policy for matrix-sized blocks.  glibc serves blocks above a
 * (dynamic) threshold with fresh mmap pages and returns freed heap tops to
 * the kernel, so every temporary of a few MB — a centred copy of 20000×64
 * rates, an element-wise result — pays a page fault per 4 KiB on first
 * touch, which on these VMs cost more than the arithmetic (CCA of 20000×64
 * rates: 1.9 s with faults, 0.3 s without).  Blocks up to glibc's largest
 * mmap threshold (32 MiB) are kept on the heap and freed memory is not
 * trimmed, so it is reused; larger blocks still come from mmap and go back
 * at once. */
static void allocation_policy(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int lg_open_matrix(lua_State *L)
{
    allocation_policy();
    lg_newclass(L, LG_MATRIX_MT, "matrix", metamethods, NULL, methods);
    /* the groups' methods go into the same methods table, their
     * metamethods (arithmetic) into the metatable */
    luaL_setfuncs(L, lgm_ops_methods, 0);
    luaL_setfuncs(L, lgm_reduce_methods, 0);
    luaL_setfuncs(L, lgm_struct_methods, 0);
    luaL_setfuncs(L, lgm_linalg_methods, 0);
    lua_pop(L, 1);
    luaL_getmetatable(L, LG_MATRIX_MT);
    luaL_setfuncs(L, lgm_ops_meta, 0);
    lua_pop(L, 1);

    lg_pushcallable(L, matrix_call);
    luaL_setfuncs(L, functions, 0);
    luaL_setfuncs(L, lgm_struct_funcs, 0);
    luaL_setfuncs(L, lgm_io_funcs, 0);
    lua_setglobal(L, "matrix");
    return 0;
}
