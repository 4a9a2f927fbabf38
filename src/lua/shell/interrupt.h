/* interrupt.h — Ctrl-C as a replayable event.  Positions are counted in
 * polls, numbered from the start of each chunk: every cancellation check of
 * a core loop (gn_cancel_check through lg_cancel) and every draw on the
 * global generator (lg_rng) is one.  A Ctrl-C seen by a core loop is
 * recorded as "at poll P" and a replay stops that loop at the same poll; one
 * that lands in plain Lua code (the signal's hook stops the next Lua
 * instruction) is recorded as "after poll P" and a replay stops the first
 * Lua instruction after poll P.  The first is exact; the second is exact up
 * to Lua code that neither polls nor draws random numbers.
 *
 * Lua code runs without a permanent hook: a count hook makes Lua 5.4 trace
 * every instruction and halves the speed of plain loops. */
#ifndef LG_INTERRUPT_H
#define LG_INTERRUPT_H

#include <lua.h>
#include "gn.h"

/* Interrupts recorded (or replayed) per chunk. */
#define LG_INTR_MAX 32
/* A recorded position: poll number * 2, plus 1 when it landed in Lua code. */
#define LG_INTR_AT(p) ((p) * 2)
#define LG_INTR_AFTER(p) ((p) * 2 + 1)

/* The cancellation every core call made from a binding receives. */
gn_cancel lg_cancel(void);
/* Counts one poll; nonzero when the work must stop now. */
int lg_poll(void);
/* Counts a position that cannot stop (a draw on the generator). */
void lg_mark(void);
/* Asks for a stop (the SIGINT handler; the TUI's Ctrl-C key): core loops
 * see it at their next poll, Lua code at its next instruction. */
void lg_intr_request(void);
/* The stop was acted on: clears the request. */
void lg_intr_clear(void);

/* A chunk begins on L: poll numbering restarts; at[0..n-1] are recorded
 * positions (LG_INTR_AT/AFTER) a replay must stop at (n = 0 when typed).
 * ui_poll, when set, is called about every 40 ms while Lua code runs
 * (lg_intr_tick from a timer asks for it). */
void lg_intr_begin(lua_State *L, const unsigned long *at, int n, void (*ui_poll)(lua_State *L),
                   int work_returns);
/* The chunk ended: no hook is left behind. */
void lg_intr_end(lua_State *L);
/* Async-signal-safe: a timer asks for a UI poll at the next instruction. */
void lg_intr_tick(void);
/* Positions recorded during the chunk so far; returns their count. */
int lg_intr_recorded(const unsigned long **at);

/* In a forked worker (ganglion.parallel): no replayed stops, no UI polls;
 * the parent alone answers Ctrl-C. */
void lg_intr_child(void);

/* Ctrl-C during training or condense stops that work, which returns what
 * it has (marked interrupted), and the chunk goes on: results are never
 * lost to an interrupt.  So that a loop of such work does not run on, any
 * training or condense started later in the same chunk returns at once
 * (lg_intr_after_stop), also marked interrupted. */
void lg_intr_work_stopped(void);
int lg_intr_after_stop(void);
/* Whether stopped work returns its result (chunks typed at the prompt and
 * their replays) or raises "interrupted" after keeping its best state
 * (batch scripts and -e, where Ctrl-C means: stop the script). */
int lg_intr_work_returns(void);

#endif
