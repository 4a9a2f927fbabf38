/* l_init.c — builds ganglion's Lua environment: standard libraries, print
 * through the host, every binding, then lua/prelude.lua. */
#include <dirent.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "l_util.h"
#include "session.h"

int lg_open_matrix(lua_State *L);

/* Every binding is part of every build: a missing one fails the link.  The
 * order matters: methods are added to the rnn metatable after rnn exists. */
int lg_open_plot(lua_State *L);
int lg_open_lif(lua_State *L);
int lg_open_linear(lua_State *L);
int lg_open_ring(lua_State *L);
int lg_open_cpg(lua_State *L);
int lg_open_rnn(lua_State *L);
int lg_open_train(lua_State *L);
int lg_open_analysis(lua_State *L);
int lg_open_clock(lua_State *L);
int lg_open_rank(lua_State *L);
int lg_open_parallel(lua_State *L);

static int (*const openers[])(lua_State *) = {
    lg_open_plot, lg_open_lif, lg_open_linear, lg_open_ring, lg_open_cpg,
    lg_open_rnn, lg_open_train, lg_open_analysis, lg_open_clock, lg_open_rank, lg_open_parallel,
};

/* print() writes through the host, so text lands in the REPL pane.  When
 * any value prints on several lines (a matrix), the values are separated
 * by newlines instead of tabs, so each starts on its own line. */
static int l_print(lua_State *L)
{
    int n = lua_gettop(L);
    int multi = 0;
    for (int i = 1; i <= n; i++) {
        size_t l;
        const char *s = luaL_tolstring(L, i, &l);
        if (memchr(s, '\n', l)) multi = 1;
        lua_replace(L, i);
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, multi ? '\n' : '\t');
        lua_pushvalue(L, i);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    lg_write(L, s, len);
    return 0;
}

/* io.write without a file also goes through the host. */
static int l_iowrite(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t l;
        const char *s = luaL_checklstring(L, i, &l);
        lg_write(L, s, l);
    }
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Finds lua/prelude.lua: $GANGLION_LUA, beside the binary (the source tree
 * or a build directory under it), then the install prefix. */
static void find_luadir(char *out, size_t n)
{
    char probe[4096];
    const char *env = getenv("GANGLION_LUA");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[2048];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l > 0) {
        exe[l] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        /* The source tree (binary at its root or in build/...), then an
         * install tree (PREFIX/bin beside PREFIX/share/ganglion/lua). */
        static const char *const up[] = {"/lua", "/../lua", "/../../lua", "/../../../lua",
                                         "/../share/ganglion/lua"};
        for (size_t i = 0; i < sizeof up / sizeof *up; i++) {
            snprintf(probe, sizeof probe, "%s%s/prelude.lua", exe, up[i]);
            if (exists(probe)) {
                snprintf(out, n, "%s%s", exe, up[i]);
                return;
            }
        }
    }
    snprintf(out, n, "%s", GN_LUADIR);
}

/* ganglion.helpfiles() — the .lua files under help/, sorted, for help(). */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int l_helpfiles(lua_State *L)
{
    lua_getfield(L, lua_upvalueindex(1), "luadir");
    const char *dir = lua_tostring(L, -1);
    char path[4200];
    snprintf(path, sizeof path, "%s/help", dir);
    lua_newtable(L);
    DIR *d = opendir(path);
    if (!d) return 1;
    char *names[512];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 512) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".lua") == 0) names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        lua_pushfstring(L, "%s/%s", path, names[i]);
        lua_rawseti(L, -2, i + 1);
        free(names[i]);
    }
    return 1;
}

/* ganglion.textwidth() — columns of the pane that printed text goes to
 * (help wraps to it); 80 when the host does not say. */
/* ganglion.interactive() -> true when figures go to TUI panes (they can be
 * redrawn in place), false in batch mode (-b, -e), where each figure is
 * printed: long protocols then print a table and draw once at the end. */
static int l_interactive(lua_State *L)
{
    gn_host *h = lg_host(L);
    lua_pushboolean(L, h && h->play);
    return 1;
}

static int l_textwidth(lua_State *L)
{
    gn_host *h = lg_host(L);
    int w = h && h->text_width > 0 ? h->text_width : h && h->width > 0 ? h->width : 80;
    lua_pushinteger(L, w);
    return 1;
}

/* Opens the bindings in protected mode: a binding's error is reported,
 * not a panic. */
static int open_modules(lua_State *L)
{
    gn_session *s = lua_touserdata(L, 1);
    lg_open_matrix(L);
    lg_open_session(L, s);
    for (size_t i = 0; i < sizeof openers / sizeof *openers; i++) openers[i](L);
    return 0;
}

int lg_open_all(lua_State *L, gn_session *s, char **err)
{
    luaL_openlibs(L);
    lua_pushcfunction(L, l_print);
    lua_setglobal(L, "print");
    lua_getglobal(L, "io");
    lua_pushcfunction(L, l_iowrite);
    lua_setfield(L, -2, "write");
    lua_pop(L, 1);

    char luadir[4096];
    find_luadir(luadir, sizeof luadir);
    lua_newtable(L);                      /* the `ganglion` table */
    lua_pushstring(L, GN_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, luadir);
    lua_setfield(L, -2, "luadir");
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, l_helpfiles, 1);
    lua_setfield(L, -2, "helpfiles");
    lua_pushcfunction(L, l_textwidth);
    lua_setfield(L, -2, "textwidth");
    lua_pushcfunction(L, l_interactive);
    lua_setfield(L, -2, "interactive");
    gn_host *h = lg_host(L);
    lua_pushboolean(L, h && h->ascii);
    lua_setfield(L, -2, "ascii");
    lua_setglobal(L, "ganglion");

    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", luadir, luadir);
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);

    lua_pushcfunction(L, open_modules);
    lua_pushlightuserdata(L, s);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        *err = malloc(strlen(m ? m : "?") + 64);
        sprintf(*err, "cannot open ganglion's modules: %s", m ? m : "?");
        return -1;
    }

    char prelude[4200];
    snprintf(prelude, sizeof prelude, "%s/prelude.lua", luadir);
    if (luaL_dofile(L, prelude) != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        *err = malloc(strlen(m ? m : "?") + 128);
        sprintf(*err, "cannot load the Lua library (set GANGLION_LUA to ganglion's lua/ folder): %s", m ? m : "?");
        return -1;
    }
    return 0;
}
