/* journal.h — the session journal: a Lua script that records every chunk
 * before it runs (write-ahead) and how it ended, so a replay rebuilds the
 * session exactly.
 *
 * Format 2 (written since journals became framed):
 *
 *   -- ganglion session 2
 *   -- ganglion 0.2.0, started 2026-12-04 10:23:45 UTC, seed 42, pid 1234
 *   -- [1] 9 bytes
 *   seed(42)
 *   -- [1] ok
 *   -- [2] 31 bytes
 *   h = net:train(t, {iters=500})
 *   -- [2] error; interrupted at poll 4021: interrupted
 *
 * "-- [k] N bytes" frames exactly N bytes of code (then a newline), so any
 * text — lines that look like markers included — round-trips byte for
 * byte.  The trailer "-- [k] ok|error[; interrupted at poll P ...][: msg]"
 * is written when the chunk ends (P+ : in Lua code after poll P); a chunk without one never finished
 * (killed) and is skipped on replay unless asked.  Every marker is a Lua
 * comment, so the file stays a readable script.  A file edited by hand
 * (frame lengths no longer right) is split at marker lines instead, and
 * format 1 journals (first line "-- ganglion session") still replay. */
#ifndef GN_JOURNAL_H
#define GN_JOURNAL_H

#include <stddef.h>
#include <stdio.h>
#include "gn.h"

/* Every journal's first line starts so; format 1 had exactly this line. */
#define GN_JOURNAL_MAGIC "-- ganglion session"
#define GN_JOURNAL_MAGIC2 "-- ganglion session 2"
/* Interrupts recorded per chunk. */
#define GN_JOURNAL_MAXINTR 32

typedef struct {
    int fd;              /* open O_APPEND, flock'ed for the session; -1: none */
    char *path;
    int nchunks;         /* chunks begun so far */
    char *backlog;       /* records not yet on disk (disk full, I/O error) */
    size_t blen, bcap;
} gn_journal;

/* Creates path (never an existing file: O_EXCL), takes the session's lock,
 * writes the header.  An existing path is refused with a message naming
 * the running session holding it, if any. */
int gn_journal_create(gn_journal *j, const char *path, const char *version,
                      unsigned long seed, gn_err *err);
/* Creates "<base>.lua", or the first free "<base>-2.lua", "<base>-3.lua"... */
int gn_journal_create_free(gn_journal *j, const char *base, const char *version,
                           unsigned long seed, gn_err *err);
/* Appends chunk k's frame and forces it to the disk before the chunk runs.
 * On a full disk or I/O error nothing partial stays in the file: the record
 * is kept in memory (gn_journal_unsaved) and written with the next record
 * that succeeds; err says what happened. */
int gn_journal_begin(gn_journal *j, const char *code, gn_err *err);
/* Appends the trailer of the chunk last begun: ok or error (msg), and the
 * polls at which Ctrl-C stopped it, each encoded as poll*2, +1 when it
 * landed in Lua code after that poll ("P+" in the file). */
int gn_journal_end(gn_journal *j, int ok, const unsigned long *intr, int nintr,
                   const char *msg, gn_err *err);
/* Bytes of records held in memory because the disk refused them. */
size_t gn_journal_unsaved(const gn_journal *j);
/* Retries writing the records held in memory. */
int gn_journal_flush(gn_journal *j, gn_err *err);
/* Continues the session in a new file (created as by gn_journal_create):
 * the old journal's text and any unsaved records are copied there first.
 * The old file is left as it is. */
int gn_journal_move(gn_journal *j, const char *path, gn_err *err);
void gn_journal_close(gn_journal *j);

/* Nonzero when path is the journal of a running session (its lock is
 * held); *pid then holds the pid from its header (0 if unreadable). */
int gn_journal_holder(const char *path, long *pid);

/* The text of records, malloc'd, for writers of whole scripts (save). */
char *gn_journal_header(const char *version, const char *started, unsigned long seed, long pid);
char *gn_journal_frame(int k, const char *code);
char *gn_journal_trailer(int k, int ok, const unsigned long *intr, int nintr, const char *msg);

/* Writes text as Lua comment lines ("-- " prefix) to f. */
void gn_journal_comment(FILE *f, const char *prefix, const char *text);

enum { GN_CHUNK_OK, GN_CHUNK_ERROR, GN_CHUNK_UNFINISHED, GN_CHUNK_PLAIN };

typedef struct {
    const char *code;    /* into the parsed text (not NUL-terminated) */
    size_t len;
    int k;               /* number as written (0 when unframed) */
    int status;          /* GN_CHUNK_*; PLAIN: format 1 or unframed text */
    unsigned long intr[GN_JOURNAL_MAXINTR];   /* where Ctrl-C landed: poll*2 (+1: after, in Lua) */
    int nintr;
    char msg[240];       /* the recorded error */
} gn_chunk;

/* Splits a journal into chunks.  Returns the count (>= 0) and a malloc'd
 * array in *out; *framed is 1 when the byte-exact framing held throughout,
 * 0 when the text had to be split at marker lines. */
int gn_journal_parse(const char *text, size_t len, gn_chunk **out, int *framed, gn_err *err);

/* The ganglion version named in a format-2 journal's second line
 * ("-- ganglion VERSION, started ..."), copied into buf (NUL-terminated);
 * 1 when found, 0 when the journal names none (older formats, edited). */
int gn_journal_version(const char *text, size_t len, char *buf, size_t size);

#endif
