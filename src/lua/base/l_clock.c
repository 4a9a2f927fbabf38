/* l_clock.c — wall-clock timing at the prompt: clock() and time(f, ...),
 * like IPython's %time. */
#include "l_util.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* clock(): seconds on a monotonic clock (differences are wall time). */
static int l_clock(lua_State *L)
{
    lua_pushnumber(L, now());
    return 1;
}

/* time(f, ...): runs f(...), prints "time: X s" and returns X followed by
 * f's results; errors inside f propagate unchanged. */
static int l_time(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    int n = lua_gettop(L);
    double t0 = now();
    lua_call(L, n - 1, LUA_MULTRET);
    double dt = now() - t0;
    int nres = lua_gettop(L);
    char buf[64];
    int len = dt < 1e-3 ? snprintf(buf, sizeof buf, "time: %.1f us\n", dt * 1e6)
            : dt < 1 ? snprintf(buf, sizeof buf, "time: %.2f ms\n", dt * 1e3)
                     : snprintf(buf, sizeof buf, "time: %.3f s\n", dt);
    lg_write(L, buf, (size_t)len);
    luaL_checkstack(L, 1, "time");
    lua_pushnumber(L, dt);
    lua_insert(L, 1);
    return nres + 1;
}

int lg_open_clock(lua_State *L)
{
    lua_pushcfunction(L, l_clock);
    lua_setglobal(L, "clock");
    lua_pushcfunction(L, l_time);
    lua_setglobal(L, "time");
    return 0;
}
