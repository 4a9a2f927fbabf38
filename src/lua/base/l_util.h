/* l_util.h — helpers every Lua binding uses: matrix userdata, argument and
 * option checking, core-error conversion, the global RNG, Ctrl-C and progress. */
#ifndef L_UTIL_H
#define L_UTIL_H

#include <lua.h>
#include <lauxlib.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "gn.h"
#include "l_host.h"

#define LG_MATRIX_MT "ganglion.matrix"

/* ---- matrices -------------------------------------------------------------
 * A matrix userdata owns one gsl_matrix; __gc frees it. */

/* The matrix at idx (userdata only); raises "bad argument #idx to 'fn'
 * (matrix expected, got T)". */
gsl_matrix *lg_checkmatrix(lua_State *L, int idx);
/* Like lg_checkmatrix but also accepts a plain Lua array {1,2,3} (turned
 * into an n×1 column) or an array of rows {{..},{..}}.  A converted table is
 * replaced on the stack by the new userdata, so Lua's GC owns it. */
gsl_matrix *lg_tomatrix(lua_State *L, int idx);
/* Same for the field t[key] (t an absolute stack index): NULL when the
 * field is nil.  A converted table leaves its new userdata on top of the
 * stack (harmless: Lua clears a C function's stack when it returns). */
gsl_matrix *lg_optmatrixfield(lua_State *L, int t, const char *key);
/* Allocates an r×c matrix (zeroed), pushes it as userdata and returns it.
 * Absurd sizes raise a Lua error instead of crashing. */
gsl_matrix *lg_newmatrix(lua_State *L, size_t r, size_t c);
/* Pushes an existing gsl_matrix as userdata, taking ownership. */
gsl_matrix *lg_pushmatrix(lua_State *L, gsl_matrix *m);
/* Pushes a copy of m. */
gsl_matrix *lg_pushcopy(lua_State *L, const gsl_matrix *m);
/* Raises a Lua error "fn: what must be RxC, got rxc" unless m is r×c
 * (pass 0 for "any"). */
void lg_checkshape(lua_State *L, const gsl_matrix *m, size_t r, size_t c, const char *what);
/* The value at idx as a matrix (userdata, or a plain table converted and
 * put in its place) for argument `what` of fn: every error names both
 * ("linear:run: h: row 2 has 1 values, row 1 has 2").  Use it instead of
 * lg_tomatrix for anything that is not a plain positional argument. */
gsl_matrix *lg_tomatrixas(lua_State *L, int idx, const char *fn, const char *what);
/* Raises "fn: what has a non-finite value at (i,j)" unless every element
 * of m is finite. */
void lg_checkfinite(lua_State *L, const gsl_matrix *m, const char *fn, const char *what);
/* For results: raises "fn: what(i,j) is nan: cause" at the first
 * non-finite entry of the r×c block d (row stride tda); "what(i)" when
 * c == 1, "what" alone for one value.  No run or analysis returns NaN or
 * Inf without a word. */
void lg_checkresult(lua_State *L, const double *d, size_t r, size_t c, size_t tda, const char *fn,
                    const char *what, const char *cause);
/* Reads an n-vector (n×1, 1×n or a plain array; n = out->size) at idx into
 * out, every entry finite.  With LG_VEC_SCALAR a number is accepted too and
 * fills every entry (initial states, constant inputs). */
enum { LG_VEC_SCALAR = 1 };
void lg_readvector(lua_State *L, int idx, gsl_vector *out, int flags, const char *fn, const char *what);
/* Pushes an n×1 matrix holding v[0], v[stride], ... */
gsl_matrix *lg_pushcolumn(lua_State *L, const double *v, size_t n, size_t stride);

/* ---- arguments --------------------------------------------------------------
 * Options tables are read through their declarations (l_opt.h), never key
 * by key. */
/* Integer argument idx of fn (what names it): a Lua integer or an
 * integral float; raises "fn: what must be an integer, got 2.5". */
lua_Integer lg_checkinteger(lua_State *L, int idx, const char *fn, const char *what);

/* ---- objects ----------------------------------------------------------------
 * Every model userdata starts with the pointer to its core object, which
 * __gc frees and sets to NULL. */

/* The userdata at idx of metatable tname (what: "ring") whose object is
 * still alive; raises "bad argument #1 to 'run' (ring expected, got number)"
 * or "... (ring has been freed)". */
void *lg_checkobject(lua_State *L, int idx, const char *tname, const char *what);
/* Object lifetime.  A __gc metamethod can be called by the collector (the
 * object is unreachable) or by a script (getmetatable(o).__gc(o)), possibly
 * from a callback while a binding further down the C stack still holds the
 * object's core pointer.  Every __gc starts with
 *     if (lg_gc_deferred(L, 1, u, sizeof *u)) return 0;
 * On an explicit call it moves the userdata's contents (u, size bytes) aside
 * and zeroes u, so the object reads as freed at once while its memory lives
 * until the collector finalises the userdata; then it puts the contents
 * back and returns 0, and the __gc frees them as usual.  So no pointer a
 * running binding holds can dangle. */
int lg_gc_deferred(lua_State *L, int idx, void *u, size_t size);
/* Runs one full collection, so that large arrays no longer referenced give
 * their bytes back to the memory account (gn_mem_live); a binding whose
 * request the budget refused (GN_ENOMEM) calls it once and asks again.
 * Returns 1 when the live bytes fell.  Does nothing inside a finalizer. */
int lg_reclaim(lua_State *L);
/* 1 when the running __gc was called by the collector (not by a script).
 * Internal userdata (workspaces, boxes) ignore explicit calls with it. */
int lg_gc_by_collector(lua_State *L);
/* For __tostring: when argument 1 is a userdata of metatable tname whose
 * object has been freed, pushes "what (freed)" and returns 1 (printing a
 * dangling object must not raise an error); else returns 0. */
int lg_freedstring(lua_State *L, const char *tname, const char *what);
/* Creates metatable tname (its __name is name) with the metamethods in
 * meta.  When index is given, __index is index as a closure whose upvalue 1
 * is the methods table (fields first, then methods: lg_indexmethod);
 * otherwise __index is the methods table itself.  Leaves the methods table
 * on the stack, so the global can expose it (ring.methods). */
void lg_newclass(lua_State *L, const char *tname, const char *name, const luaL_Reg *meta,
                 lua_CFunction index, const luaL_Reg *methods);
/* For an index closure made by lg_newclass: pushes methods[key] (nil when
 * there is none) and returns 1. */
int lg_indexmethod(lua_State *L, const char *key);
/* Pushes a new table whose metatable makes it callable: call(tbl, ...). */
void lg_pushcallable(lua_State *L, lua_CFunction call);
/* Replaces the methods table that lg_newclass left on the stack by a model's
 * global table: callable (call builds an object), with the functions in
 * funcs and the methods table as its field `methods` (ring.methods). */
void lg_pushmodule(lua_State *L, lua_CFunction call, const luaL_Reg *funcs);


/* ---- C memory owned by Lua ------------------------------------------------
 * The one pattern for C memory that must live across Lua calls that can
 * raise (an error longjmps past any free() after it): put it in a box, a
 * userdata whose __gc runs fin(storage).  The box is pushed first, zeroed,
 * so an error at any later point frees whatever has been stored in it:
 *     gn_lif_sched **s = lg_newbox(L, sizeof *s, free_sched);
 *     *s = gn_lif_sched_poisson(...);
 * fin must accept the zeroed storage.  To hand the memory on, clear the
 * storage (the box then frees nothing). */
void *lg_newbox(lua_State *L, size_t size, void (*fin)(void *storage));

/* ---- errors ---------------------------------------------------------------- */
/* Name of the running C function as the caller wrote it ("pca", "run"), or
 * NULL when Lua cannot tell (a call through pcall, say). */
const char *lg_fname(lua_State *L);
/* luaL_error with full printf formats (luaL_error's lua_pushfstring knows
 * no %zu, %g or %.3f) and the compiler's format checks: raises the message
 * with position information.  Bindings raise their errors with this;
 * `make check-layers` refuses a luaL_error with a printf-only format. */
int lg_errorf(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raises the core's message as a Lua error prefixed by fn ("rnn.train: ..."). */
int lg_coreerror(lua_State *L, const char *fn, const gn_err *e);

/* ---- global state owned by the binding ----------------------------------- */
/* The one seeded generator all randomness flows from. */
gsl_rng *lg_rng(lua_State *L);
/* Flag set by SIGINT; iterative bindings pass it to the core (gn_cancel)
 * and must raise lg_interrupted() when the core returns GN_EINTR. */
volatile int *lg_stopflag(void);
int lg_interrupted(lua_State *L);   /* raises "interrupted" */
/* Progress of long work: routed to the TUI status line or, rate-limited,
 * to stderr in batch mode.  done/total in iterations; extra is free text
 * such as "loss 0.0123".  Call with done==total at the end. */
void lg_progress(lua_State *L, const char *what, double done, double total, const char *extra);
/* Forgets the current progress run (called as each chunk starts). */
void lg_progress_reset(lua_State *L);

/* ---- host ------------------------------------------------------------------ */
gn_host *lg_host(lua_State *L);
void lg_sethost(lua_State *L, gn_host *h);
/* Sends text through the host (print, REPL echo, errors). */
void lg_write(lua_State *L, const char *s, size_t n);

/* ---- registration ----------------------------------------------------------
 * Each binding file defines `int lg_open_NAME(lua_State *L)` that installs
 * its globals; src/lua/base/l_init.c calls every one (all are mandatory). */

#endif
