/* atomic_file.h — the one way ganglion writes a file: a temporary beside
 * the target, fsync, rename.  A reader sees the old file or the new one,
 * never half of either; on any failure the old file is untouched. */
#ifndef GN_ATOMIC_FILE_H
#define GN_ATOMIC_FILE_H

#include <stdio.h>
#include "gn.h"

typedef struct {
    FILE *f;       /* write here between open and commit */
    char *tmp;     /* the temporary's path (same folder as the target) */
    char *path;    /* the target */
} gn_atomic;

/* Starts writing path.  Refuses a symbolic link, a folder, a device or any
 * other non-regular file at path, and the journal of a running session.
 * The new file's mode follows the umask, as a plain fopen's would. */
int gn_atomic_open(gn_atomic *a, const char *path, gn_err *err);
/* Flushes, fsyncs and renames over the target; frees a.  On failure the
 * temporary is removed and the target left as it was. */
int gn_atomic_commit(gn_atomic *a, gn_err *err);
/* Discards what was written; frees a. */
void gn_atomic_abort(gn_atomic *a);
/* Writes n bytes as the whole new content of path (open + commit). */
int gn_atomic_write(const char *path, const void *data, size_t n, gn_err *err);
/* Fills err and returns nonzero when path may not be replaced (see
 * gn_atomic_open); 0 when it is absent or a regular, unlocked file. */
int gn_atomic_check_target(const char *path, gn_err *err);

#endif
