/* interrupt.h — Ctrl-C as a replayable event.  A stop is only ever acted
 * on at a poll (a core loop's gn_cancel_check, or the chunk's Lua count
 * hook every LG_POLL_INSTR VM instructions), and polls are numbered from
 * the start of each chunk.  The journal records the number of the poll
 * that saw each Ctrl-C; a replay raises the stop at the same poll, so the
 * replayed state — parameters, random generator — equals the live one. */
#ifndef LG_INTERRUPT_H
#define LG_INTERRUPT_H

#include <lua.h>
#include "gn.h"

/* Lua VM instructions between two polls of the chunk's count hook. */
#define LG_POLL_INSTR 1000
/* Interrupts recorded (or replayed) per chunk. */
#define LG_INTR_MAX 32

/* The cancellation every core call made from a binding receives. */
gn_cancel lg_cancel(void);
/* Counts one poll; nonzero when the chunk must stop now. */
int lg_poll(void);
/* Asks for a stop (the SIGINT handler; the TUI's Ctrl-C key). */
void lg_intr_request(void);
/* The stop was acted on (an "interrupted" error, or training returned
 * early): clears the request so the next one is recorded afresh. */
void lg_intr_clear(void);

/* A chunk begins: poll numbering restarts; at[0..n-1] are the polls at
 * which a replay must raise a stop (n = 0 when typed live). */
void lg_intr_begin(const unsigned long *at, int n);
/* Polls that saw a stop during the chunk so far; returns their count. */
int lg_intr_recorded(const unsigned long **at);

/* Ctrl-C during training or condense stops that work, which returns what
 * it has (marked interrupted), and the chunk goes on: results are never
 * lost to an interrupt.  So that a loop of such work does not run on, any
 * training or condense started later in the same chunk returns at once
 * (lg_intr_after_stop), also marked interrupted.  A Ctrl-C anywhere else
 * stops the chunk with the error "interrupted". */
void lg_intr_work_stopped(void);
int lg_intr_after_stop(void);
/* Installs the chunk's count hook (one poll per LG_POLL_INSTR instructions).
 * ui_poll, when set, is called from the hook when *ui_due is nonzero. */
void lg_intr_hook(lua_State *L, void (*ui_poll)(lua_State *L), volatile int *ui_due);

#endif
