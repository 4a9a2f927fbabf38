/* repl.h — the single input-processing loop.  The TUI, batch (-b), -e and
 * replay all feed text here line by line, so they cannot drift apart. */
#ifndef REPL_H
#define REPL_H

#include <stddef.h>
#include "../base/l_host.h"

typedef struct gn_repl gn_repl;

enum { GN_REPL_DONE = 0,      /* a chunk ran (or the line was empty) */
       GN_REPL_MORE = 1,      /* incomplete chunk: feed another line */
       GN_REPL_ERROR = 2 };   /* the chunk raised an error (already printed) */

/* Default journal name: ganglion-session.lua, or the first free
 * ganglion-session-N.lua; an existing journal is never reused. */
#define GN_REPL_JOURNAL_BASE "ganglion-session"

/* Creates the Lua state with ganglion's library, attached to host.
 * journal: path of a new session journal ("" picks a free default name,
 * NULL: none; an existing file is refused).  interactive: echo values of
 * expressions ("return <line>" first). */
gn_repl *gn_repl_new(gn_host *host, const char *journal, int interactive, char **err);
void gn_repl_free(gn_repl *r);
/* The session journal's path, or NULL when there is none. */
const char *gn_repl_journal(const gn_repl *r);
/* Bytes of journal records the disk has refused so far (kept in memory). */
size_t gn_repl_journal_unsaved(const gn_repl *r);
/* Ends the journal (when leaving): writes what the disk refused so far or,
 * if it still refuses, saves the whole journal to $TMPDIR; returns the line
 * to show the user (malloc'd; NULL without a journal). */
char *gn_repl_close_journal(gn_repl *r);
/* --rerun-unfinished: replays also run chunks that never finished. */
void gn_repl_set_rerun_unfinished(int on);
/* Tab completion: candidates (malloc'd, NULL-terminated, caller frees
 * each and the array) for the word ending at the cursor, e.g. "net:tr" or
 * "math.fl" or "pri".  Globals, table fields after '.', methods after ':'. */
char **gn_repl_complete(gn_repl *r, const char *word);
/* The line being edited and where the word to complete starts in it, set
 * by the front end just before it asks for candidates (NULL: none): inside
 * an options table (lif{vr|) the candidates are then the option names the
 * binding declares.  The text is copied. */
void gn_repl_complete_context(const char *line, size_t start);
/* 1 when the last gn_repl_complete named options of an options table
 * (the front end then puts "=" after a unique one). */
int gn_repl_complete_named_options(void);
/* The unfinished chunk's lines so far (NULL when a new chunk starts). */
const char *gn_repl_pending(const gn_repl *r);

/* Feeds one line (without its newline).  Runs the chunk when complete. */
int gn_repl_feed(gn_repl *r, const char *line);
/* "> " when a new chunk starts, ">> " inside an unfinished one. */
const char *gn_repl_prompt(const gn_repl *r);
/* The chunk accumulated so far (for history: a multi-line chunk is one
 * entry); valid after gn_repl_feed returned DONE/ERROR until the next feed. */
const char *gn_repl_last_chunk(const gn_repl *r);
/* Discards an unfinished chunk (Ctrl-C at a continuation prompt). */
void gn_repl_reset(gn_repl *r);
/* Wall time of the last chunk in seconds. */
double gn_repl_last_time(const gn_repl *r);

/* Runs a whole file chunk by chunk through gn_repl_feed (replay, -b).
 * echo: show each chunk as if typed (TUI replay).  step: call wait(ud)
 * between chunks (--step).  A journal (first line "-- ganglion session")
 * is split at its chunk markers; another file runs as one chunk in batch
 * mode (like lua) or line by line when echo is set (shown as typed).  Returns 0, or 1 on the first error when
 * stop_on_error. */
int gn_repl_run_file(gn_repl *r, const char *path, int echo, int stop_on_error,
                     void (*wait)(void *ud), void *ud);

/* Runs code as one chunk (for -e): no echo, errors reported to stderr
 * in batch mode.  Returns 0, or 1 on error. */
int gn_repl_run_string(gn_repl *r, const char *code, const char *name);
/* Sets the global `arg` as lua does: arg[0] = script, arg[1..] = args. */
void gn_repl_set_args(gn_repl *r, const char *script, int argc, char **argv);

#endif
