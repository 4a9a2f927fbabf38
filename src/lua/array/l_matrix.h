/* l_matrix.h — shared pieces of the matrix binding (l_matrix*.c): the
 * userdata, views, allocation and argument conversion. */
#ifndef L_MATRIX_H
#define L_MATRIX_H

#include "l_util.h"
#include "mat.h"

/* A matrix userdata.  An owning matrix holds its storage (m->owner = 1); a
 * view (m->owner = 0) points into another matrix's storage and keeps that
 * matrix alive through the userdata's user value 1 (Torch7's storage
 * reference, GSL's gsl_matrix_submatrix). */
typedef struct {
    gsl_matrix *m;   /* NULL after __gc */
} lg_mat;

/* New r×c matrix pushed on the stack: zeroed, or (raw) uninitialised for
 * results that are written in full.  Empty sizes (0 rows or columns) are
 * allowed; absurd ones raise "fn: ...". */
gsl_matrix *lgm_new(lua_State *L, size_t r, size_t c, int raw);
/* Pushes a view v of the matrix at stack index parent (a view of a view
 * refers to the same storage and keeps its own parent alive). */
gsl_matrix *lgm_pushview(lua_State *L, int parent, gsl_matrix v);
/* Pushes an r×c matrix over the storage of the matrix at idx (or of the
 * matrix it is a view of), from the storage's first element, when that
 * storage holds at least r·c doubles; returns NULL and pushes nothing when
 * idx is not a matrix or its storage is too small.  Nothing is allocated;
 * the storage's old contents are the caller's to overwrite. */
gsl_matrix *lgm_reuse(lua_State *L, int idx, size_t r, size_t c);
/* 1 when idx holds a live matrix userdata. */
int lgm_is(lua_State *L, int idx);
/* The matrix at idx, or a table converted in place; a number is refused.
 * Errors name fn and what. */
gsl_matrix *lgm_arg(lua_State *L, int idx, const char *fn, const char *what);
/* Raises "fn: msg" unless rc == GN_OK. */
void lgm_check(lua_State *L, int rc, const gn_err *e);
/* Optional dimension argument (nil, 1 or 2) at idx; def when absent. */
int lgm_optdim(lua_State *L, int idx, const char *fn, int def);
/* Non-negative size argument (0 allowed) at idx. */
size_t lgm_checksize(lua_State *L, int idx, const char *fn, const char *what);

/* .npz / .mat files (l_matrix_io.c): lgm_multiformat(path) is 1 for .npz,
 * 2 for .mat, else 0; lgm_loadmulti pushes {name = matrix}; lgm_savemulti_one
 * writes one matrix as arr_0. */
int lgm_multiformat(const char *path);
int lgm_loadmulti(lua_State *L, const char *path, int fmt);
int lgm_savemulti_one(lua_State *L, const gsl_matrix *m, const char *path, int fmt);

/* Method tables of the groups, merged into the matrix metatable. */
extern const luaL_Reg lgm_ops_methods[], lgm_ops_meta[];
extern const luaL_Reg lgm_reduce_methods[];
extern const luaL_Reg lgm_struct_methods[], lgm_struct_funcs[];
extern const luaL_Reg lgm_linalg_methods[];
extern const luaL_Reg lgm_io_funcs[];

#endif
