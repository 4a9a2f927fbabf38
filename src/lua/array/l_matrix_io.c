/* l_matrix_io.c — several named matrices in and out: matrix.load of .npz
 * and .mat files (a table of matrices), matrix.save(path, {name = m, ...}),
 * and m:save to .npz / .mat (one array, named arr_0 as np.savez names it). */
#include "l_matrix.h"

#include <stdlib.h>
#include <string.h>

#include "arrays_io.h"

/* 1 for ".npz", 2 for ".mat" (case-insensitive), else 0. */
int lgm_multiformat(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && strcasecmp(path + n - 4, ".npz") == 0) return 1;
    if (n >= 4 && strcasecmp(path + n - 4, ".mat") == 0) return 2;
    return 0;
}

/* Owns a gn_arrays while Lua builds the result (freed by __gc on error). */
static int arrays_gc(lua_State *L)
{
    gn_arrays_free(lua_touserdata(L, 1));
    return 0;
}

/* Pushes the table {name = matrix} of the file at path (.npz or .mat). */
int lgm_loadmulti(lua_State *L, const char *path, int fmt)
{
    gn_arrays *a = lua_newuserdatauv(L, sizeof *a, 0);
    memset(a, 0, sizeof *a);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, arrays_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    gn_err e = {0};
    size_t skipped = 0;
    int rc = fmt == 1 ? gn_npz_load(a, path, &e) : gn_matfile_load(a, &skipped, path, &e);
    if (rc) return lg_coreerror(L, "matrix.load", &e);
    lua_createtable(L, 0, (int)a->count);
    for (size_t k = 0; k < a->count; k++) {
        lg_pushmatrix(L, a->mats[k]);
        a->mats[k] = NULL;   /* now Lua's */
        lua_setfield(L, -2, a->names[k]);
    }
    return 1;
}

/* Saves n matrices under names through the format's writer. */
static int save_multi(lua_State *L, const char *fn, const char *path, int fmt, size_t n, const char **names,
                      const gsl_matrix **mats)
{
    gn_err e = {0};
    int rc = fmt == 1 ? gn_npz_save(path, n, names, mats, &e) : gn_matfile_save(path, n, names, mats, &e);
    if (rc) return lg_coreerror(L, fn, &e);
    return 0;
}

int lgm_savemulti_one(lua_State *L, const gsl_matrix *m, const char *path, int fmt)
{
    const char *names[] = {"arr_0"};
    const gsl_matrix *mats[] = {m};
    return save_multi(L, "save", path, fmt, 1, names, mats);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* matrix.save(path, {name = m, ...}): an .npz or .mat file with the named
 * matrices (a single matrix is saved as arr_0; .npy takes one matrix). */
static int matrix_save(lua_State *L)
{
    const char *fn = "matrix.save";
    if (lua_type(L, 1) != LUA_TSTRING) return lg_errorf(L, "%s: path must be a string (got %s)", fn, luaL_typename(L, 1));
    const char *path = lua_tostring(L, 1);
    int fmt = lgm_multiformat(path);
    if (lgm_is(L, 2)) {
        if (!fmt) {
            lua_getfield(L, 2, "save");
            lua_pushvalue(L, 2);
            lua_pushvalue(L, 1);
            lua_call(L, 2, 0);
            return 0;
        }
        return lgm_savemulti_one(L, lg_checkmatrix(L, 2), path, fmt);
    }
    if (!fmt) return lg_errorf(L, "%s: several matrices need an .npz or .mat path, got '%s'", fn, path);
    if (lua_type(L, 2) != LUA_TTABLE)
        return lg_errorf(L, "%s: expected a table {name = matrix, ...} (got %s)", fn, luaL_typename(L, 2));
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            return lg_errorf(L, "%s: names must be strings (got a %s key)", fn, luaL_typename(L, -2));
        size_t len;
        lua_tolstring(L, -2, &len);
        if (len == 0 || len > 63) return lg_errorf(L, "%s: name '%s' must have 1 to 63 characters", fn, lua_tostring(L, -2));
        n++;
        lua_pop(L, 1);
    }
    if (n == 0) return lg_errorf(L, "%s: nothing to save (empty table)", fn);
    const char **names = lua_newuserdatauv(L, n * sizeof *names, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) { names[k++] = lua_tostring(L, -2); lua_pop(L, 1); }
    qsort(names, n, sizeof *names, cmp_str);
    const gsl_matrix **mats = lua_newuserdatauv(L, n * sizeof *mats, 0);
    for (k = 0; k < n; k++) {
        lua_getfield(L, 2, names[k]);
        char what[96];
        snprintf(what, sizeof what, "'%s'", names[k]);
        mats[k] = lgm_arg(L, -1, fn, what);
        if (mats[k]->size1 == 0 || mats[k]->size2 == 0)
            return lg_errorf(L, "%s: %s is empty (%zux%zu); empty arrays are not saved", fn, what, mats[k]->size1,
                             mats[k]->size2);
        /* keep it referenced: the value stays in the table */
        lua_pop(L, 1);
    }
    return save_multi(L, fn, path, fmt, n, names, mats);
}

const luaL_Reg lgm_io_funcs[] = {
    {"save", matrix_save}, {NULL, NULL}
};
