/* l_util.c — shared binding helpers: options, errors, the global generator,
 * Ctrl-C, progress and the host. */
#include "l_util.h"

#include <math.h>
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

gsl_rng *lg_rng(lua_State *L) { return get_state(L)->rng; }
gn_host *lg_host(lua_State *L) { return get_state(L)->host; }
void lg_sethost(lua_State *L, gn_host *h) { get_state(L)->host = h; }

void lg_write(lua_State *L, const char *s, size_t n)
{
    gn_host *h = lg_host(L);
    if (h && h->write) h->write(h, s, n);
    else fwrite(s, 1, n, stdout);
}

/* ---- Ctrl-C ---------------------------------------------------------------- */
static volatile int stop_flag;

volatile int *lg_stopflag(void) { return &stop_flag; }

int lg_interrupted(lua_State *L)
{
    stop_flag = 0;
    return luaL_error(L, "interrupted");
}

/* ---- options ----------------------------------------------------------------- */
static int push_opt(lua_State *L, int t, const char *key)
{
    if (t == 0 || lua_isnoneornil(L, t)) return LUA_TNIL;
    return lua_getfield(L, t, key);
}

double lg_optnumber(lua_State *L, int t, const char *key, double def)
{
    int ty = push_opt(L, t, key);
    if (ty == LUA_TNIL) { if (t && !lua_isnoneornil(L, t)) lua_pop(L, 1); return def; }
    if (ty != LUA_TNUMBER)
        luaL_error(L, "option '%s' must be a number (got %s)", key, lua_typename(L, ty));
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (isnan(v))
        luaL_error(L, "option '%s' must be a number, got NaN", key);
    return v;
}

lua_Integer lg_optinteger(lua_State *L, int t, const char *key, lua_Integer def)
{
    int ty = push_opt(L, t, key);
    if (ty == LUA_TNIL) { if (t && !lua_isnoneornil(L, t)) lua_pop(L, 1); return def; }
    if (ty != LUA_TNUMBER)
        luaL_error(L, "option '%s' must be an integer (got %s)", key, lua_typename(L, ty));
    int isint;
    lua_Integer v = lua_tointegerx(L, -1, &isint);
    if (!isint)
        luaL_error(L, "option '%s' must be an integer (got %s)", key, lua_tostring(L, -1));
    lua_pop(L, 1);
    return v;
}

const char *lg_optstring(lua_State *L, int t, const char *key, const char *def)
{
    int ty = push_opt(L, t, key);
    if (ty == LUA_TNIL) { if (t && !lua_isnoneornil(L, t)) lua_pop(L, 1); return def; }
    if (ty != LUA_TSTRING)
        luaL_error(L, "option '%s' must be a string (got %s)", key, lua_typename(L, ty));
    /* The string stays alive: it is referenced from the options table. */
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);
    return s;
}

int lg_optboolean(lua_State *L, int t, const char *key, int def)
{
    int ty = push_opt(L, t, key);
    if (ty == LUA_TNIL) { if (t && !lua_isnoneornil(L, t)) lua_pop(L, 1); return def; }
    if (ty != LUA_TBOOLEAN)
        luaL_error(L, "option '%s' must be true or false (got %s)", key, lua_typename(L, ty));
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

double lg_optpositive(lua_State *L, int t, const char *key, double def)
{
    double v = lg_optnumber(L, t, key, def);
    if (!(v > 0) || isinf(v))
        lg_errorf(L, "option '%s' must be a positive finite number, got %g", key, v);
    return v;
}

void lg_checkkeys(lua_State *L, int t, const char *fn, const char *const allowed[])
{
    if (t == 0 || lua_isnoneornil(L, t)) return;
    luaL_checktype(L, t, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: options must be named (key = value), got a %s key", fn,
                       luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            if (strcmp(k, allowed[i]) == 0) { ok = 1; break; }
        if (!ok) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (int i = 0; allowed[i]; i++) {
                if (i) luaL_addstring(&b, ", ");
                luaL_addstring(&b, allowed[i]);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: unknown option '%s' (known: %s)", fn, k, lua_tostring(L, -1));
        }
    }
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
    if (done <= 0 || s->prog_start == 0) s->prog_start = t;
    int last = done >= total;
    if (!last && done > 0 && t - s->prog_last < 0.1) return;   /* at most 10 per second */
    s->prog_last = t;
    gn_host *h = s->host;
    if (h && h->progress) h->progress(h, what, done, total, t - s->prog_start, extra ? extra : "");
    if (last) s->prog_start = 0;
}
