/* journal.h — the write-through session journal: every chunk reaches the
 * disk before it runs, so killing the process loses nothing typed. */
#ifndef GN_JOURNAL_H
#define GN_JOURNAL_H

#include <stdio.h>
#include "gn.h"

/* First line of every journal; replay uses it to split at chunk markers. */
#define GN_JOURNAL_MAGIC "-- ganglion session"
/* A chunk starts with a line "-- [k]" (k = 1, 2, ...). */
#define GN_JOURNAL_MARK "-- ["

typedef struct {
    int fd;            /* open journal, append mode */
    long chunk_start;  /* file offset where the last chunk began */
    int nchunks;       /* chunks written so far */
} gn_journal;

/* Creates (truncating) path and writes the header: magic line, version,
 * date, seed.  */
int gn_journal_open(gn_journal *j, const char *path, const char *version,
                    unsigned long seed, gn_err *err);
/* Appends a chunk with its marker and forces it to the file. */
int gn_journal_chunk(gn_journal *j, const char *code, gn_err *err);
/* Turns the last chunk into a comment carrying its error message. */
int gn_journal_fail(gn_journal *j, const char *code, const char *msg, gn_err *err);
void gn_journal_close(gn_journal *j);

/* Writes text as Lua comment lines ("-- " prefix) to f. */
void gn_journal_comment(FILE *f, const char *prefix, const char *text);

/* Splits a journal's text into chunks at marker lines.  Returns the number
 * of chunks; starts[k] and lens[k] point into text (caller frees arrays). */
int gn_journal_split(const char *text, const char ***starts, size_t **lens, gn_err *err);

#endif
