/* open_read.c — see open_read.h. */
#define _POSIX_C_SOURCE 200809L
#include "open_read.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

FILE *gn_open_read(const char *path, struct stat *st, gn_err *err)
{
    /* O_NONBLOCK only for the open itself: a FIFO's open returns at once
     * and is then refused by its type; reads of a regular file block as usual. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        gn_fail(err, GN_EIO, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat s;
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode)) {
        close(fd);
        gn_fail(err, GN_EIO, "'%s' is not a regular file", path);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        gn_fail(err, GN_EIO, "cannot open '%s': %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (st) *st = s;
    return f;
}
