/* l_opt.c — the one reader of option declarations (see l_opt.h). */
#include "l_opt.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "l_util.h"

/* A number as messages show it: NaN and Inf spelled out, else %g. */
static const char *numstr(char *buf, size_t n, double v)
{
    if (isnan(v)) return "NaN";
    if (isinf(v)) return v > 0 ? "Inf" : "-Inf";
    snprintf(buf, n, "%g", v);
    return buf;
}

static void *slot(void *base, const lg_opt *o) { return (char *)base + o->offset; }

void lg_opt_defaults(const lg_opt *decl, void *base)
{
    for (const lg_opt *o = decl; o->name; o++) {
        if (o->flags & LG_OPT_KEEP) continue;
        switch (o->type) {
        case LG_OPT_DOUBLE: *(double *)slot(base, o) = o->def; break;
        case LG_OPT_INT: case LG_OPT_BOOL: *(int *)slot(base, o) = (int)o->def; break;
        case LG_OPT_SIZE: *(size_t *)slot(base, o) = (size_t)o->def; break;
        case LG_OPT_CHOICE: *(int *)slot(base, o) = 0; break;
        case LG_OPT_STRING: *(const char **)slot(base, o) = NULL; break;
        default: break;
        }
    }
}

const lg_opt *lg_opt_find(const lg_opt *decl, const char *key)
{
    for (const lg_opt *o = decl; o->name; o++)
        if (strcmp(o->name, key) == 0) return o;
    return NULL;
}

/* "fn: option 'x' must be WANT (got TYPE)" from a reader, "fn: x must be
 * WANT (got TYPE)" from a setter (opt = 0). */
static int type_error(lua_State *L, int idx, const char *fn, const lg_opt *o, int opt, const char *want)
{
    if (opt) return lg_errorf(L, "%s: option '%s' must be %s (got %s)", fn, o->name, want, luaL_typename(L, idx));
    return lg_errorf(L, "%s: %s must be %s (got %s)", fn, o->name, want, luaL_typename(L, idx));
}

/* The range a number must lie in, as text: ">= 1", "> 0", "in [0, 1]". */
static void range_text(char *buf, size_t n, const lg_opt *o)
{
    char a[32], b[32];
    int has_lo = o->lo > -HUGE_VAL, has_hi = o->hi < HUGE_VAL;
    const char *lo = numstr(a, sizeof a, o->lo), *hi = numstr(b, sizeof b, o->hi);
    if (has_lo && has_hi) snprintf(buf, n, "in %s%s, %s]", o->flags & LG_OPT_GT ? "(" : "[", lo, hi);
    else if (has_lo) snprintf(buf, n, "%s %s", o->flags & LG_OPT_GT ? ">" : ">=", lo);
    else if (has_hi) snprintf(buf, n, "<= %s", hi);
    else snprintf(buf, n, "a finite number");
}

/* The error of a declaration that says in its own words what a value must
 * be (o->want): "fn: option 'height' must be 1..1000 lines, got 0". */
static int want_error(lua_State *L, const char *fn, const lg_opt *o, int opt, double v)
{
    char g[32];
    if (opt) return lg_errorf(L, "%s: option '%s' must be %s, got %s", fn, o->name, o->want, numstr(g, sizeof g, v));
    return lg_errorf(L, "%s: %s must be %s, got %s", fn, o->name, o->want, numstr(g, sizeof g, v));
}

static int in_range(const lg_opt *o, double v)
{
    if (o->flags & LG_OPT_GT ? !(v > o->lo) : !(v >= o->lo)) return 0;
    return v <= o->hi;
}

static void set_double(lua_State *L, int idx, const char *fn, const lg_opt *o, int opt, void *base)
{
    if (lua_type(L, idx) != LUA_TNUMBER) type_error(L, idx, fn, o, opt, "a number");
    double v = lua_tonumber(L, idx);
    char r[96], g[32];
    if (!in_range(o, v) || (isinf(v) && !(o->flags & LG_OPT_INF)) || isnan(v)) {
        if (o->want) want_error(L, fn, o, opt, v);
        range_text(r, sizeof r, o);
        lg_errorf(L, "%s: %s must be %s, got %s", fn, o->name, r, numstr(g, sizeof g, v));
    }
    *(double *)slot(base, o) = v;
}

/* Whole numbers: "threads must be a whole number in 0..8, got 1.5" when
 * both bounds are set, else "n must be >= 1, got 0" / "... a whole
 * number, got 2.5". */
static void set_whole(lua_State *L, int idx, const char *fn, const lg_opt *o, int opt, void *base)
{
    if (lua_type(L, idx) != LUA_TNUMBER) type_error(L, idx, fn, o, opt, "a whole number");
    double v = lua_tonumber(L, idx);
    char g[32], r[96];
    int whole = v == floor(v) && isfinite(v);
    if (o->want && (!whole || !in_range(o, v))) want_error(L, fn, o, opt, v);
    if (o->hi < HUGE_VAL && (!whole || !in_range(o, v)))
        lg_errorf(L, "%s: %s must be a whole number in %.0f..%.0f, got %s", fn, o->name, o->lo, o->hi,
                  numstr(g, sizeof g, v));
    if (!whole) lg_errorf(L, "%s: %s must be a whole number, got %s", fn, o->name, numstr(g, sizeof g, v));
    if (!in_range(o, v)) {
        range_text(r, sizeof r, o);
        lg_errorf(L, "%s: %s must be %s, got %s", fn, o->name, r, numstr(g, sizeof g, v));
    }
    /* The slot's own type bounds what fits, whatever the declared range. */
    if (o->type == LG_OPT_INT && (v > INT_MAX || v < INT_MIN))
        lg_errorf(L, "%s: %s must be %s %d, got %s", fn, o->name, v > 0 ? "at most" : "at least",
                  v > 0 ? INT_MAX : INT_MIN, numstr(g, sizeof g, v));
    if (o->type == LG_OPT_SIZE && v >= 18446744073709551616.0)
        lg_errorf(L, "%s: %s is too large, got %s", fn, o->name, numstr(g, sizeof g, v));
    if (o->type == LG_OPT_SIZE) *(size_t *)slot(base, o) = (size_t)v;
    else if (o->type == LG_OPT_DOUBLE) *(double *)slot(base, o) = v;
    else *(int *)slot(base, o) = (int)v;
}

/* Choices: "spikes must be "auto", "table" or "compact", got "dense"". */
static void set_choice(lua_State *L, int idx, const char *fn, const lg_opt *o, void *base)
{
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    int k = 0;
    for (const char *c = o->choices; s && *c; k++) {
        size_t len = strcspn(c, "|");
        if (strlen(s) == len && strncmp(s, c, len) == 0) { *(int *)slot(base, o) = k; return; }
        c += len + (c[len] == '|');
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const char *c = o->choices; *c;) {
        size_t len = strcspn(c, "|");
        const char *next = c + len + (c[len] == '|');
        if (c != o->choices) luaL_addstring(&b, *next ? ", " : " or ");
        luaL_addchar(&b, '"');
        luaL_addlstring(&b, c, len);
        luaL_addchar(&b, '"');
        c = next;
    }
    luaL_pushresult(&b);
    if (s) lg_errorf(L, "%s: %s must be %s, got \"%s\"", fn, o->name, lua_tostring(L, -1), s);
    lg_errorf(L, "%s: %s must be %s (got %s)", fn, o->name, lua_tostring(L, -1), luaL_typename(L, idx));
}

static void set_one(lua_State *L, int idx, const char *fn, const lg_opt *o, int opt, void *base)
{
    switch (o->type) {
    case LG_OPT_DOUBLE:
        if (o->flags & LG_OPT_WHOLE) set_whole(L, idx, fn, o, opt, base);
        else set_double(L, idx, fn, o, opt, base);
        break;
    case LG_OPT_INT: case LG_OPT_SIZE: set_whole(L, idx, fn, o, opt, base); break;
    case LG_OPT_BOOL:
        if (!lua_isboolean(L, idx)) type_error(L, idx, fn, o, opt, "true or false");
        *(int *)slot(base, o) = lua_toboolean(L, idx);
        break;
    case LG_OPT_CHOICE: set_choice(L, idx, fn, o, base); break;
    case LG_OPT_STRING:
        if (lua_type(L, idx) != LUA_TSTRING) type_error(L, idx, fn, o, opt, "a string");
        *(const char **)slot(base, o) = lua_tostring(L, idx);
        break;
    default: break;
    }
}

void lg_opt_set(lua_State *L, int idx, const char *fn, const lg_opt *o, void *base)
{
    set_one(L, lua_absindex(L, idx), fn, o, 0, base);
}

/* "fn: unknown option 'k' (known: a, b, c)". */
static int unknown(lua_State *L, const char *fn, const char *k, const lg_opt *decl)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const lg_opt *o = decl; o->name; o++) {
        if (o != decl) luaL_addstring(&b, ", ");
        luaL_addstring(&b, o->name);
    }
    luaL_pushresult(&b);
    return lg_errorf(L, "%s: unknown option '%s' (known: %s)", fn, k, lua_tostring(L, -1));
}

void lg_opt_read(lua_State *L, int t, const char *fn, const lg_opt *decl, void *base)
{
    if (t == 0 || lua_isnoneornil(L, t)) t = 0;
    else {
        t = lua_absindex(L, t);
        if (!lua_istable(L, t))
            lg_errorf(L, "%s: options must be a table (got %s)", fn, luaL_typename(L, t));
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING)
                lg_errorf(L, "%s: options must be named (key = value), got a %s key", fn, luaL_typename(L, -1));
            if (!lg_opt_find(decl, lua_tostring(L, -1))) unknown(L, fn, lua_tostring(L, -1), decl);
        }
    }
    for (const lg_opt *o = decl; o->name; o++) {
        int ty = t ? lua_getfield(L, t, o->name) : (lua_pushnil(L), LUA_TNIL);
        if (ty == LUA_TNIL && (o->flags & LG_OPT_REQUIRED))
            lg_errorf(L, "%s: option '%s' (%s) is required", fn, o->name, o->help);
        if (ty != LUA_TNIL) set_one(L, -1, fn, o, 1, base);
        lua_pop(L, 1);
    }
}

void lg_opt_push(lua_State *L, const lg_opt *o, const void *base)
{
    const void *p = (const char *)base + o->offset;
    switch (o->type) {
    case LG_OPT_DOUBLE: lua_pushnumber(L, *(const double *)p); break;
    case LG_OPT_INT: lua_pushinteger(L, *(const int *)p); break;
    case LG_OPT_SIZE: lua_pushinteger(L, (lua_Integer)*(const size_t *)p); break;
    case LG_OPT_BOOL: lua_pushboolean(L, *(const int *)p); break;
    case LG_OPT_CHOICE: {
        const char *c = o->choices;
        for (int k = *(const int *)p; k > 0 && *c; k--) c += strcspn(c, "|") + (c[strcspn(c, "|")] == '|');
        lua_pushlstring(L, c, strcspn(c, "|"));
        break;
    }
    case LG_OPT_STRING: {
        const char *str = *(const char *const *)p;
        if (str) lua_pushstring(L, str);
        else lua_pushnil(L);
        break;
    }
    default: lua_pushnil(L); break;
    }
}

static void publish_one(lua_State *L, const lg_opt *o, const void *defaults)
{
    static const char *const tname[] = {"number", "integer", "integer", "boolean", "choice", "string", "value"};
    lua_createtable(L, 0, 8);
    lua_pushstring(L, o->name); lua_setfield(L, -2, "name");
    lua_pushstring(L, tname[o->type]); lua_setfield(L, -2, "type");
    lua_pushstring(L, o->help); lua_setfield(L, -2, "help");
    lua_pushboolean(L, o->flags & LG_OPT_REQUIRED); lua_setfield(L, -2, "required");
    lua_pushboolean(L, o->flags & LG_OPT_FIELD); lua_setfield(L, -2, "field");
    if (o->type <= LG_OPT_SIZE) {
        if (o->lo > -HUGE_VAL) { lua_pushnumber(L, o->lo); lua_setfield(L, -2, "min"); }
        if (o->hi < HUGE_VAL) { lua_pushnumber(L, o->hi); lua_setfield(L, -2, "max"); }
        lua_pushboolean(L, o->flags & LG_OPT_GT); lua_setfield(L, -2, "strict_min");
    }
    if (o->type == LG_OPT_CHOICE) { lua_pushstring(L, o->choices); lua_setfield(L, -2, "choices"); }
    if (o->type != LG_OPT_VALUE && !(o->flags & (LG_OPT_REQUIRED | LG_OPT_NODEF)) && defaults) {
        lg_opt_push(L, o, defaults);
        lua_setfield(L, -2, "default");
    }
}

void lg_opt_publish(lua_State *L, const char *what, const lg_opt *decl, const void *defaults)
{
    if (lua_getglobal(L, "ganglion") != LUA_TTABLE) { lua_pop(L, 1); return; }
    if (lua_getfield(L, -1, "options") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, "options");
    }
    lua_newtable(L);
    int k = 1;
    for (const lg_opt *o = decl; o->name; o++) {
        publish_one(L, o, defaults);
        lua_rawseti(L, -2, k++);
    }
    lua_setfield(L, -2, what);
    lua_pop(L, 2);
}
