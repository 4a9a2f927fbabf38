/* open_read.h — opening a user's file for reading without blocking: a FIFO
 * or device named like a data file would otherwise wait for a writer in
 * open() (or read forever), where Ctrl-C cannot reach. */
#ifndef GN_OPEN_READ_H
#define GN_OPEN_READ_H

#include <stdio.h>
#include <sys/stat.h>
#include "gn.h"

/* Opens path for reading; only a regular file is accepted (a folder, FIFO,
 * socket or device is refused with "'path' is not a regular file").  On
 * success *st (if given) holds its stat.  NULL with err set on failure. */
FILE *gn_open_read(const char *path, struct stat *st, gn_err *err);

#endif
