/* interrupt.c — Ctrl-C as a replayable event: poll counting, recording,
 * replay injection and the deferred stop (see interrupt.h). */
#include "interrupt.h"

#include <lauxlib.h>
#include <string.h>

#include "l_util.h"

/* One Lua state runs at a time and polls come from its thread only, so
 * plain statics suffice; the flag alone is written by a signal handler. */
static volatile int stop_flag;
static struct {
    unsigned long polls;              /* polls so far in this chunk */
    int seen;                         /* the pending stop is already recorded */
    unsigned long rec[LG_INTR_MAX];   /* polls that saw a stop */
    int nrec;
    unsigned long inj[LG_INTR_MAX];   /* replay: polls at which to stop */
    int ninj, iinj;
    int work_stopped;                 /* training or condense stopped early in this chunk */
    void (*ui_poll)(lua_State *L);
    volatile int *ui_due;
} S;

volatile int *lg_stopflag(void) { return &stop_flag; }

static int poll_cb(void *ud)
{
    (void)ud;
    return lg_poll();
}

gn_cancel lg_cancel(void)
{
    gn_cancel c = {.stop = &stop_flag, .poll = poll_cb, .ud = NULL};
    return c;
}

int lg_poll(void)
{
    S.polls++;
    if (S.iinj < S.ninj && S.polls >= S.inj[S.iinj]) {
        stop_flag = 1;
        S.iinj++;
    }
    if (stop_flag && !S.seen) {
        S.seen = 1;
        if (S.nrec < LG_INTR_MAX) S.rec[S.nrec++] = S.polls;
    }
    return stop_flag;
}

void lg_intr_request(void) { stop_flag = 1; }

void lg_intr_clear(void)
{
    stop_flag = 0;
    S.seen = 0;
}

int lg_interrupted(lua_State *L)
{
    lg_intr_clear();
    return luaL_error(L, "interrupted");
}

void lg_intr_begin(const unsigned long *at, int n)
{
    S.polls = 0;
    S.nrec = 0;
    S.seen = 0;
    S.work_stopped = 0;
    S.iinj = 0;
    S.ninj = n < LG_INTR_MAX ? n : LG_INTR_MAX;
    if (S.ninj > 0) memcpy(S.inj, at, (size_t)S.ninj * sizeof *at);
    stop_flag = 0;
}

int lg_intr_recorded(const unsigned long **at)
{
    *at = S.rec;
    return S.nrec;
}

static void hook(lua_State *L, lua_Debug *ar)
{
    if (ar->event == LUA_HOOKCOUNT) {
        if (S.ui_poll && S.ui_due && *S.ui_due) {
            *S.ui_due = 0;
            S.ui_poll(L);
        }
        if (lg_poll()) lg_interrupted(L);
    }
}

void lg_intr_work_stopped(void)
{
    lg_intr_clear();
    S.work_stopped = 1;
}

int lg_intr_after_stop(void) { return S.work_stopped; }

void lg_intr_hook(lua_State *L, void (*ui_poll)(lua_State *L), volatile int *ui_due)
{
    S.ui_poll = ui_poll;
    S.ui_due = ui_due;
    lua_sethook(L, hook, LUA_MASKCOUNT, LG_POLL_INSTR);
}
