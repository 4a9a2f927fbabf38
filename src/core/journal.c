/* journal.c — write-through session journal and its chunk splitter. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int gn_journal_open(gn_journal *j, const char *path, const char *version,
                    unsigned long seed, gn_err *err)
{
    j->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    j->nchunks = 0;
    j->chunk_start = 0;
    if (j->fd < 0)
        return gn_fail(err, GN_EIO, "cannot write journal '%s': %s", path, strerror(errno));
    char date[64], hdr[256];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    int n = snprintf(hdr, sizeof hdr, GN_JOURNAL_MAGIC "\n-- ganglion %s, started %s, seed %lu\n",
                     version, date, seed);
    if (write_all(j->fd, hdr, (size_t)n) < 0)
        return gn_fail(err, GN_EIO, "cannot write journal '%s': %s", path, strerror(errno));
    return GN_OK;
}

int gn_journal_chunk(gn_journal *j, const char *code, gn_err *err)
{
    if (j->fd < 0) return GN_OK;
    char mark[32];
    int n = snprintf(mark, sizeof mark, GN_JOURNAL_MARK "%d]\n", ++j->nchunks);
    j->chunk_start = lseek(j->fd, 0, SEEK_END);
    size_t len = strlen(code);
    if (write_all(j->fd, mark, (size_t)n) < 0 || write_all(j->fd, code, len) < 0 ||
        ((len == 0 || code[len - 1] != '\n') && write_all(j->fd, "\n", 1) < 0))
        return gn_fail(err, GN_EIO, "journal write failed: %s", strerror(errno));
    /* fdatasync would survive power loss too, but costs milliseconds per
     * chunk; the promise is that killing ganglion loses nothing, and data
     * written with write(2) survives the process. */
    return GN_OK;
}

/* Appends text as comment lines to a growable buffer. */
static void comment_lines(char **buf, size_t *len, size_t *cap, const char *prefix, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        size_t need = *len + strlen(prefix) + l + 2;
        if (need > *cap) {
            *cap = need * 2;
            *buf = realloc(*buf, *cap);
        }
        *len += (size_t)sprintf(*buf + *len, "%s%.*s\n", prefix, (int)l, p);
        p += l;
        if (*p == '\n') p++;
    }
}

int gn_journal_fail(gn_journal *j, const char *code, const char *msg, gn_err *err)
{
    if (j->fd < 0) return GN_OK;
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    len = (size_t)sprintf(buf, GN_JOURNAL_MARK "%d] error\n", j->nchunks);
    comment_lines(&buf, &len, &cap, "-- error: ", msg);
    comment_lines(&buf, &len, &cap, "-- ", code);
    int rc = GN_OK;
    if (ftruncate(j->fd, j->chunk_start) < 0 || lseek(j->fd, 0, SEEK_END) < 0 ||
        write_all(j->fd, buf, len) < 0)
        rc = gn_fail(err, GN_EIO, "journal write failed: %s", strerror(errno));
    free(buf);
    return rc;
}

void gn_journal_close(gn_journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
}

void gn_journal_comment(FILE *f, const char *prefix, const char *text)
{
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    buf[0] = 0;
    comment_lines(&buf, &len, &cap, prefix, text);
    fwrite(buf, 1, len, f);
    free(buf);
}

int gn_journal_split(const char *text, const char ***starts, size_t **lens, gn_err *err)
{
    int n = 0, cap = 16;
    const char **s = malloc(sizeof *s * (size_t)cap);
    size_t *l = malloc(sizeof *l * (size_t)cap);
    if (!s || !l) {
        free(s); free(l);
        return gn_fail(err, GN_ENOMEM, "out of memory splitting journal");
    }
    const char *p = text, *cur = NULL;
    while (*p) {
        const char *e = strchr(p, '\n');
        const char *next = e ? e + 1 : p + strlen(p);
        if (strncmp(p, GN_JOURNAL_MARK, strlen(GN_JOURNAL_MARK)) == 0) {
            if (cur) l[n - 1] = (size_t)(p - cur);
            if (n == cap) {
                cap *= 2;
                s = realloc(s, sizeof *s * (size_t)cap);
                l = realloc(l, sizeof *l * (size_t)cap);
            }
            cur = next;
            s[n] = cur;
            l[n] = 0;
            n++;
        }
        p = next;
    }
    if (cur) l[n - 1] = (size_t)(p - cur);
    *starts = s;
    *lens = l;
    return n;
}
