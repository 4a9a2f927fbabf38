/* interrupt.c — Ctrl-C as a replayable event: poll counting, recording,
 * replay injection (see interrupt.h). */
#include "interrupt.h"

#include <lauxlib.h>
#include <string.h>

#include "l_util.h"

/* One Lua state runs a chunk at a time and polls come from its thread, so
 * plain statics suffice; the flags alone are written by signal handlers. */
static volatile int stop_flag;
static volatile int ui_due;
static struct {
    lua_State *L;                     /* running the chunk, or NULL */
    unsigned long polls;              /* polls so far in this chunk */
    int seen;                         /* the pending stop is already recorded */
    unsigned long rec[LG_INTR_MAX];   /* LG_INTR_AT/AFTER positions */
    int nrec;
    unsigned long inj[LG_INTR_MAX];   /* replay: positions to stop at */
    int ninj, iinj;
    int work_stopped;                 /* training or condense stopped early in this chunk */
    int lua_due;                      /* replay: stop the next Lua instruction */
    int work_returns;                 /* see lg_intr_work_returns */
    void (*ui_poll)(lua_State *L);
} S;

volatile int *lg_stopflag(void) { return &stop_flag; }

static void record(unsigned long pos)
{
    if (!S.seen && S.nrec < LG_INTR_MAX) S.rec[S.nrec++] = pos;
    S.seen = 1;
}

/* Lua code sees a stop at its next instruction (as lua.c's laction); the
 * same hook serves the UI's timer. */
static void hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    if (ui_due) {
        ui_due = 0;
        if (S.ui_poll) S.ui_poll(L);
    }
    if (stop_flag || S.lua_due) {
        S.lua_due = 0;
        record(LG_INTR_AFTER(S.polls));
        lg_intr_clear();
        luaL_error(L, "interrupted");
    }
}

static void arm(void)
{
    if (S.L) lua_sethook(S.L, hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* A replayed stop due at this poll: a core one stops the caller's loop
 * here; a Lua one, the next Lua instruction (this poll must not see it). */
static void inject(void)
{
    while (S.iinj < S.ninj && S.inj[S.iinj] / 2 <= S.polls) {
        if (S.inj[S.iinj] & 1) {
            S.lua_due = 1;
            arm();
        } else {
            stop_flag = 1;
        }
        S.iinj++;
    }
}

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
    inject();
    if (stop_flag) record(LG_INTR_AT(S.polls));
    return stop_flag;
}

void lg_mark(void)
{
    S.polls++;
    inject();
}

void lg_intr_request(void)
{
    stop_flag = 1;
    arm();
}

void lg_intr_tick(void)
{
    ui_due = 1;
    arm();
}

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

void lg_intr_begin(lua_State *L, const unsigned long *at, int n, void (*ui_poll)(lua_State *L),
                   int work_returns)
{
    S.work_returns = work_returns;
    S.L = L;
    S.polls = 0;
    S.nrec = 0;
    S.seen = 0;
    S.work_stopped = 0;
    S.lua_due = 0;
    S.iinj = 0;
    S.ninj = n < LG_INTR_MAX ? n : LG_INTR_MAX;
    if (S.ninj > 0) memcpy(S.inj, at, (size_t)S.ninj * sizeof *at);
    S.ui_poll = ui_poll;
    stop_flag = 0;
    ui_due = 0;
    inject();   /* a stop recorded before the first poll */
}

void lg_intr_end(lua_State *L)
{
    S.L = NULL;
    lua_sethook(L, NULL, 0, 0);
}

int lg_intr_recorded(const unsigned long **at)
{
    *at = S.rec;
    return S.nrec;
}

void lg_intr_work_stopped(void)
{
    lg_intr_clear();
    S.work_stopped = 1;
}

void lg_intr_child(void)
{
    S.ninj = S.iinj = 0;
    S.ui_poll = NULL;
    S.lua_due = 0;
    S.seen = 0;
    stop_flag = 0;
    ui_due = 0;
}

int lg_intr_after_stop(void) { return S.work_stopped; }
int lg_intr_work_returns(void) { return S.work_returns; }
