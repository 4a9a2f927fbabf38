/* l_util.c — shared binding helpers: options, errors, the global generator,
 * Ctrl-C, progress and the host. */
#include "l_util.h"

#include "interrupt.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* State the binding keeps per Lua state, stored in the registry. */
typedef struct {
    gsl_rng *rng;        /* the one seeded generator */
    gn_host *host;       /* where output goes */
    double prog_start;   /* wall time at the start of the current progress run */
    double prog_last;    /* wall time of the last progress report */
    double prog_done;    /* units done at the last report */
    char prog_what[48];  /* what the current run is ("train hf") */
} lg_state;

static const char STATE_KEY = 'S';

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int state_gc(lua_State *L)
{
    lg_state *s = lua_touserdata(L, 1);
    if (s->rng) gsl_rng_free(s->rng);
    s->rng = NULL;
    return 0;
}

static lg_state *get_state(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
    lg_state *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!s) {
        s = lua_newuserdatauv(L, sizeof *s, 0);
        memset(s, 0, sizeof *s);
        s->rng = gsl_rng_alloc(gsl_rng_mt19937);
        lua_newtable(L);
        lua_pushcfunction(L, state_gc);
        lua_setfield(L, -2, "__gc");
        lua_setmetatable(L, -2);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &STATE_KEY);
    }
    return s;
}

/* Each use of the generator counts as a poll position, so a Ctrl-C that
 * lands in Lua code replays with the generator where it was (interrupt.h). */
gsl_rng *lg_rng(lua_State *L)
{
    lg_mark();
    return get_state(L)->rng;
}
gn_host *lg_host(lua_State *L) { return get_state(L)->host; }
void lg_sethost(lua_State *L, gn_host *h) { get_state(L)->host = h; }

void lg_write(lua_State *L, const char *s, size_t n)
{
    gn_host *h = lg_host(L);
    if (h && h->write) h->write(h, s, n);
    else fwrite(s, 1, n, stdout);
}

/* ---- arguments ------------------------------------------------------------- */
lua_Integer lg_checkinteger(lua_State *L, int idx, const char *fn, const char *what)
{
    int isint;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint) {
        if (lua_type(L, idx) == LUA_TNUMBER)
            lg_errorf(L, "%s: %s must be an integer, got %g", fn, what, lua_tonumber(L, idx));
        lg_errorf(L, "%s: %s must be an integer (got %s)", fn, what, luaL_typename(L, idx));
    }
    return v;
}

/* ---- vectors and finiteness ------------------------------------------------------ */
void lg_checkfinite(lua_State *L, const gsl_matrix *m, const char *fn, const char *what)
{
    size_t bad = m->size1;   /* the first row holding a non-finite value */
    for (size_t i = 0; i < m->size1 && bad == m->size1; i++)
        if (!gn_all_finite(m->data + i * m->tda, m->size2)) bad = i;
    for (size_t i = bad; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (!isfinite(gsl_matrix_get(m, i, j)))
                lg_errorf(L, "%s: %s has a non-finite value at (%zu,%zu)", fn, what, i + 1, j + 1);
}

/* Results, not arguments: the first non-finite entry of an r×c block
 * (row stride tda) is named with its value and the caller's likely cause. */
void lg_checkresult(lua_State *L, const double *d, size_t r, size_t c, size_t tda, const char *fn,
                    const char *what, const char *cause)
{
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double v = d[i * tda + j];
            if (isfinite(v)) continue;
            if (c == 1 && r == 1) lg_errorf(L, "%s: %s is %g: %s", fn, what, v, cause);
            if (c == 1) lg_errorf(L, "%s: %s(%zu) is %g: %s", fn, what, i + 1, v, cause);
            lg_errorf(L, "%s: %s(%zu,%zu) is %g: %s", fn, what, i + 1, j + 1, v, cause);
        }
}

void lg_readvector(lua_State *L, int idx, gsl_vector *out, int flags, const char *fn, const char *what)
{
    size_t n = out->size;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TNUMBER && (flags & LG_VEC_SCALAR)) {
        double v = lua_tonumber(L, idx);
        if (!isfinite(v)) lg_errorf(L, "%s: %s must be finite, got %g", fn, what, v);
        gsl_vector_set_all(out, v);
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE && !luaL_testudata(L, idx, LG_MATRIX_MT))
        lg_errorf(L, "%s: %s must be %sa vector of %zu entries (got %s)", fn, what,
                  (flags & LG_VEC_SCALAR) ? "a number or " : "", n, luaL_typename(L, idx));
    gsl_matrix *m = lg_tomatrixas(L, idx, fn, what);
    if (!((m->size1 == n && m->size2 == 1) || (m->size1 == 1 && m->size2 == n)))
        lg_errorf(L, "%s: %s must have %zu entries (n×1 or 1×n), got %zux%zu", fn, what, n, m->size1,
                  m->size2);
    /* All checked before any is written: out is often live state (ring.state). */
    for (size_t i = 0; i < n; i++) {
        double v = m->size2 == 1 ? gsl_matrix_get(m, i, 0) : gsl_matrix_get(m, 0, i);
        if (!isfinite(v)) lg_errorf(L, "%s: %s(%zu) is not finite", fn, what, i + 1);
    }
    for (size_t i = 0; i < n; i++)
        gsl_vector_set(out, i, m->size2 == 1 ? gsl_matrix_get(m, i, 0) : gsl_matrix_get(m, 0, i));
}

gsl_matrix *lg_pushcolumn(lua_State *L, const double *v, size_t n, size_t stride)
{
    gsl_matrix *m = lg_newmatrix(L, n, 1);
    for (size_t i = 0; i < n; i++) gsl_matrix_set(m, i, 0, v[i * stride]);
    return m;
}

/* ---- objects ------------------------------------------------------------------- */
void *lg_checkobject(lua_State *L, int idx, const char *tname, const char *what)
{
    void *u = luaL_testudata(L, idx, tname);
    if (!u) luaL_typeerror(L, idx, what);
    if (!*(void **)u) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s has been freed", what);
        luaL_argerror(L, idx, msg);
    }
    return u;
}

/* Registry table: light userdata (address of a userdata freed by an
 * explicit __gc call) -> a plain userdata holding its former contents. */
static const char ZOMBIE_KEY = 'Z';

/* 1 when the running C function (a __gc) was called by the collector as a
 * finaliser: Lua 5.4 marks that call, and lua_getinfo reports it as the
 * metamethod "__gc".  A call from a script reports the caller's name (or
 * none, through pcall). */
int lg_gc_by_collector(lua_State *L)
{
    lua_Debug ar;
    if (!lua_getstack(L, 0, &ar) || !lua_getinfo(L, "n", &ar)) return 0;
    return ar.namewhat && strcmp(ar.namewhat, "metamethod") == 0 && ar.name &&
           strcmp(ar.name, "__gc") == 0;
}

int lg_reclaim(lua_State *L)
{
    size_t before = gn_mem_live();
    if (!before) return 0;
    lua_gc(L, LUA_GCCOLLECT);
    return gn_mem_live() < before;
}

int lg_gc_deferred(lua_State *L, int idx, void *u, size_t size)
{
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ZOMBIE_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &ZOMBIE_KEY);
    }
    int zt = lua_gettop(L);
    int ty = lua_rawgetp(L, zt, u);
    if (lg_gc_by_collector(L)) {
        if (ty == LUA_TUSERDATA) {   /* put the contents back to be freed */
            memcpy(u, lua_touserdata(L, -1), size);
            lua_pushnil(L);
            lua_rawsetp(L, zt, u);
        }
        lua_settop(L, zt - 1);
        return 0;
    }
    if (ty != LUA_TUSERDATA) {       /* first explicit call: set contents aside */
        int empty = 1;
        for (size_t k = 0; k < size && empty; k++) empty = ((unsigned char *)u)[k] == 0;
        if (!empty) {
            void *keep = lua_newuserdatauv(L, size, 0);
            memcpy(keep, u, size);
            lua_rawsetp(L, zt, u);
            memset(u, 0, size);
        }
    }
    lua_settop(L, zt - 1);
    return 1;
}

int lg_freedstring(lua_State *L, const char *tname, const char *what)
{
    void *u = luaL_testudata(L, 1, tname);
    if (!u || *(void **)u) return 0;
    lua_pushfstring(L, "%s (freed)", what);
    return 1;
}

void lg_newclass(lua_State *L, const char *tname, const char *name, const luaL_Reg *meta,
                 lua_CFunction index, const luaL_Reg *methods)
{
    lua_newtable(L);
    if (methods) luaL_setfuncs(L, methods, 0);
    int mt_methods = lua_gettop(L);
    luaL_newmetatable(L, tname);
    luaL_setfuncs(L, meta, 0);
    lua_pushvalue(L, mt_methods);
    if (index) lua_pushcclosure(L, index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
}

int lg_indexmethod(lua_State *L, const char *key)
{
    lua_getfield(L, lua_upvalueindex(1), key);
    return 1;
}

void lg_pushcallable(lua_State *L, lua_CFunction call)
{
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
}

void lg_pushmodule(lua_State *L, lua_CFunction call, const luaL_Reg *funcs)
{
    lg_pushcallable(L, call);
    lua_insert(L, -2);
    lua_setfield(L, -2, "methods");
    if (funcs) luaL_setfuncs(L, funcs, 0);
}

/* ---- errors ---------------------------------------------------------------------- */
const char *lg_fname(lua_State *L)
{
    lua_Debug ar;
    if (!lua_getstack(L, 0, &ar) || !lua_getinfo(L, "n", &ar)) return NULL;
    return ar.name;
}

int lg_errorf(lua_State *L, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    luaL_where(L, 1);
    lua_pushstring(L, buf);
    lua_concat(L, 2);
    return lua_error(L);
}

int lg_coreerror(lua_State *L, const char *fn, const gn_err *e)
{
    if (e->code == GN_EINTR) return lg_interrupted(L);
    return luaL_error(L, "%s: %s", fn, e->msg[0] ? e->msg : "failed");
}

/* ---- progress ------------------------------------------------------------------ */
void lg_progress(lua_State *L, const char *what, double done, double total, const char *extra)
{
    lg_state *s = get_state(L);
    double t = now_s();
    /* A new run starts its own clock: at 0 done, when another kind of work
     * reports, when the count goes back, or after lg_progress_reset (each
     * chunk), so an interrupted run never leaves its start to the next. */
    if (!what) what = "";
    if (done <= 0 || s->prog_start == 0 || done < s->prog_done ||
        strncmp(what, s->prog_what, sizeof s->prog_what - 1) != 0) {
        s->prog_start = t;
        s->prog_last = 0;
        snprintf(s->prog_what, sizeof s->prog_what, "%s", what);
    }
    s->prog_done = done;
    int last = done >= total;
    if (!last && done > 0 && t - s->prog_last < 0.1) return;   /* at most 10 per second */
    s->prog_last = t;
    gn_host *h = s->host;
    if (h && h->progress) h->progress(h, what, done, total, t - s->prog_start, extra ? extra : "");
    if (last) s->prog_start = 0;
}

void lg_progress_reset(lua_State *L)
{
    lg_state *s = get_state(L);
    s->prog_start = 0;
    s->prog_done = 0;
    s->prog_what[0] = 0;
}

/* ---- boxes ------------------------------------------------------------------------ */
#define BOX_MT "ganglion.box"

typedef struct {
    void (*fin)(void *);
    union { max_align_t align; unsigned char bytes[1]; } storage;
} box;

static int box_gc(lua_State *L)
{
    box *b = luaL_checkudata(L, 1, BOX_MT);
    if (!lg_gc_by_collector(L)) return 0;   /* internal: only the collector frees it */
    void (*fin)(void *) = b->fin;
    b->fin = NULL;
    if (fin) fin(&b->storage);
    return 0;
}

void *lg_newbox(lua_State *L, size_t size, void (*fin)(void *storage))
{
    box *b = lua_newuserdatauv(L, offsetof(box, storage) + size, 0);
    memset(b, 0, offsetof(box, storage) + size);
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    b->fin = fin;
    return &b->storage;
}
