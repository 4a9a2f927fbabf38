/* session.h — the record of a session: each chunk with its printed output
 * and figures, behind seed(), note(), save() and notebook(). */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <lua.h>

typedef struct gn_session gn_session;

gn_session *gn_session_new(void);
void gn_session_free(gn_session *s);
/* Chunk bookkeeping, called by the REPL around each chunk. */
void gn_session_begin(gn_session *s, const char *code);
/* Caps on the output a session keeps for the notebook: per chunk and over
 * the whole session (bytes).  Output beyond them is counted, not kept. */
#define GN_SESSION_CHUNK_OUT ((size_t)1 << 20)
#define GN_SESSION_TOTAL_OUT ((size_t)64 << 20)
void gn_session_output(gn_session *s, const char *text, size_t n);
void gn_session_figure(gn_session *s, const char *text);
/* How the running chunk ended: ok, or the error's message; the polls at
 * which Ctrl-C stopped it (see interrupt.h), so save() can replay it. */
void gn_session_end(gn_session *s, int ok, const char *msg, const unsigned long *intr, int nintr);
int gn_session_count(const gn_session *s);
unsigned long gn_session_seed(const gn_session *s);
void gn_session_set_journal(gn_session *s, const char *path);
/* While a journal is replayed, save(), notebook() and journal(path) are
 * recorded but write nothing. */
void gn_session_set_replaying(gn_session *s, int on);
/* journal(path) moves the session's journal through this callback, which
 * returns 0 or fills msg. */
void gn_session_set_mover(gn_session *s, int (*move)(void *ud, const char *path, char *msg, size_t n),
                          void *ud);

/* Installs seed, note, save, notebook, journal, writefile; seeds the generator. */
int lg_open_session(lua_State *L, gn_session *s);

#endif
