/* complete.c — Tab completion of globals, table fields (after '.') and
 * methods (after ':'), by walking the live Lua state; members of objects
 * come from lua/help.lua (ganglion.complete), which follows each type. */
#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"

lua_State *gn_repl_lua(gn_repl *r);

/* Appends head..k to the candidate list unless it is there already. */
static void add(char ***out, size_t *n, size_t *cap, const char *head, const char *k)
{
    if (*n + 2 > *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *out = realloc(*out, sizeof **out * *cap);
    }
    size_t len = strlen(head) + strlen(k) + 1;
    char *c = malloc(len);
    snprintf(c, len, "%s%s", head, k);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*out)[i], c) == 0) { free(c); return; }
    (*out)[(*n)++] = c;
}

/* Adds the string keys of the table on top of the stack that start with
 * prefix; methods only keeps functions. */
static void collect(lua_State *L, const char *head, const char *prefix, int methods,
                    char ***out, size_t *n, size_t *cap)
{
    size_t pl = strlen(prefix);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            int fn = lua_type(L, -1) == LUA_TFUNCTION;
            if (strncmp(k, prefix, pl) == 0 && (!methods || fn) && strncmp(k, "__", 2) != 0) {
                add(out, n, cap, head, k);
            }
        }
        lua_pop(L, 1);
    }
}

/* Pushes the value named by the dotted path s[0..len) (e.g. "a.b.c"), or
 * nil: plain field reads, the fallback when the Lua library is absent. */
static void push_path(lua_State *L, const char *s, size_t len)
{
    lua_pushglobaltable(L);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '.' && s[j] != ':') j++;
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, s + i, j - i);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        i = j + 1;
    }
}

/* The line before the word, from gn_repl_complete_context (NULL: unknown). */
static char *ctx_before;
/* The last gn_repl_complete named options of an options table. */
static int named_options;

int gn_repl_complete_named_options(void) { return named_options; }

void gn_repl_complete_context(const char *line, size_t start)
{
    free(ctx_before);
    ctx_before = line ? strndup(line, start) : NULL;
}

/* Option names, when the word stands at a key position of an options table
 * (lif{ta|, pop:run{T = 10, d|; head is the word's text before the name): from
 * lua/help.lua's ganglion.complete_options, which reads the bindings'
 * declarations.  Returns 1 when it named any. */
static int complete_options(lua_State *L, const char *pending, const char *head,
                            const char *prefix, char ***out, size_t *n, size_t *cap)
{
    if (!ctx_before && !*head && !pending) return 0;
    int top = lua_gettop(L), found = 0;
    if (lua_getglobal(L, "ganglion") == LUA_TTABLE &&
        lua_getfield(L, -1, "complete_options") == LUA_TFUNCTION) {
        /* what precedes the name: the unfinished chunk's earlier lines (an
         * options table may have opened on one of them), the front end's
         * line, then the word's own head */
        lua_pushstring(L, pending ? pending : "");
        lua_pushstring(L, pending ? "\n" : "");
        lua_pushstring(L, ctx_before ? ctx_before : "");
        lua_pushstring(L, head);
        lua_concat(L, 4);
        lua_pushstring(L, prefix);
        if (lua_pcall(L, 2, 1, 0) == LUA_OK && lua_istable(L, -1)) {
            lua_Integer m = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= m; i++) {
                lua_rawgeti(L, -1, i);
                const char *k = lua_tostring(L, -1);
                if (k) { add(out, n, cap, head, k); found = 1; }
                lua_pop(L, 1);
            }
        }
    }
    lua_settop(L, top);
    return found;
}

char **gn_repl_complete(gn_repl *r, const char *word)
{
    lua_State *L = gn_repl_lua(r);
    int top = lua_gettop(L);
    size_t wl = strlen(word);
    /* The completable expression is the trailing run of names, dots, colons. */
    size_t st = wl;
    while (st > 0 && (isalnum((unsigned char)word[st - 1]) || word[st - 1] == '_' ||
                      word[st - 1] == '.' || word[st - 1] == ':'))
        st--;
    const char *expr = word + st;
    const char *sep = NULL;
    for (const char *p = expr; *p; p++)
        if (*p == '.' || *p == ':') sep = p;
    char **out = NULL;
    size_t n = 0, cap = 0;
    char head[512];
    named_options = 0;
    if (!sep) {
        snprintf(head, sizeof head, "%.*s", (int)st, word);
        if (complete_options(L, gn_repl_pending(r), head, expr, &out, &n, &cap)) {
            named_options = 1;
            goto done;
        }
        lua_pushglobaltable(L);
        collect(L, head, expr, 0, &out, &n, &cap);
        static const char *const kw[] = {"and", "break", "do", "else", "elseif", "end", "false",
            "for", "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat",
            "return", "then", "true", "until", "while", NULL};
        for (int i = 0; kw[i]; i++)
            if (*expr && strncmp(kw[i], expr, strlen(expr)) == 0) {
                if (n + 2 > cap) { cap = cap ? cap * 2 : 32; out = realloc(out, sizeof *out * cap); }
                size_t len = strlen(head) + strlen(kw[i]) + 1;
                out[n] = malloc(len);
                snprintf(out[n++], len, "%s%s", head, kw[i]);
            }
    } else {
        snprintf(head, sizeof head, "%.*s", (int)(sep + 1 - word), word);
        int methods = *sep == ':';
        /* Members through the value's type (lua/help.lua: ganglion.complete
         * follows userdata metatables, method tables and declared fields). */
        int done = 0;
        if (lua_getglobal(L, "ganglion") == LUA_TTABLE &&
            lua_getfield(L, -1, "complete") == LUA_TFUNCTION) {
            lua_pushlstring(L, expr, (size_t)(sep - expr));
            lua_pushstring(L, methods ? ":" : ".");
            lua_pushstring(L, sep + 1);
            if (lua_pcall(L, 3, 1, 0) == LUA_OK && lua_istable(L, -1)) {
                done = 1;
                lua_Integer m = luaL_len(L, -1);
                for (lua_Integer i = 1; i <= m; i++) {
                    lua_rawgeti(L, -1, i);
                    const char *k = lua_tostring(L, -1);
                    if (k) add(&out, &n, &cap, head, k);
                    lua_pop(L, 1);
                }
            }
        }
        lua_settop(L, top);
        if (!done) {
            push_path(L, expr, (size_t)(sep - expr));
            if (lua_istable(L, -1)) collect(L, head, sep + 1, methods, &out, &n, &cap);
            /* Fields and methods reachable through the metatable's __index. */
            if (lua_getmetatable(L, -1)) {
                if (lua_getfield(L, -1, "__index") == LUA_TTABLE)
                    collect(L, head, sep + 1, methods, &out, &n, &cap);
                lua_pop(L, 1);
                lua_pop(L, 1);
            }
        }
    }
done:
    lua_settop(L, top);
    if (!out) out = malloc(sizeof *out);
    out[n] = NULL;
    return out;
}
