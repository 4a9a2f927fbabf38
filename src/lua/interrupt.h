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

/* Work that stops early on Ctrl-C but returns its result (training,
 * condense) calls this: the chunk then stops at the next line of the
 * user's own code, after the result has been assigned. */
void lg_intr_defer(lua_State *L);
/* Installs the chunk's hook (count polls; the deferred stop); libdir is
 * ganglion's Lua library folder, whose lines never take a deferred stop.
 * ui_poll, when set, is called from the hook when *ui_due is nonzero. */
void lg_intr_hook(lua_State *L, const char *libdir, void (*ui_poll)(lua_State *L),
                  volatile int *ui_due);

#endif
