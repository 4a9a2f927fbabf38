/* journal.c — the write-ahead session journal: framed records, one locked
 * writer, nothing partial on disk, and the parser replay uses. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- record text -------------------------------------------------------------- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

char *gn_journal_header(const char *version, const char *started, unsigned long seed, long pid)
{
    return fmt(GN_JOURNAL_MAGIC2 "\n-- ganglion %s, started %s, seed %lu, pid %ld\n",
               version, started, seed, pid);
}

int gn_journal_version(const char *text, size_t len, char *buf, size_t size)
{
    static const char tag[] = "\n-- ganglion ";
    size_t m = strlen(GN_JOURNAL_MAGIC2);
    if (len < m || strncmp(text, GN_JOURNAL_MAGIC2, m) != 0) m = strlen(GN_JOURNAL_MAGIC);
    if (size == 0 || len < m + sizeof tag || strncmp(text, GN_JOURNAL_MAGIC, strlen(GN_JOURNAL_MAGIC)) != 0 ||
        strncmp(text + m, tag, sizeof tag - 1) != 0)
        return 0;
    const char *v = text + m + sizeof tag - 1, *end = text + len;
    size_t n = 0;
    while (v + n < end && v[n] != ',' && v[n] != '\n' && v[n] != ' ') n++;
    if (n == 0 || v + n >= end || v[n] != ',' || n >= size) return 0;
    memcpy(buf, v, n);
    buf[n] = 0;
    return 1;
}

char *gn_journal_frame(int k, const char *code)
{
    return fmt("-- [%d] %zu bytes\n%s\n", k, strlen(code), code);
}

char *gn_journal_trailer(int k, int ok, const unsigned long *intr, int nintr, const char *msg)
{
    char polls[GN_JOURNAL_MAXINTR * 24 + 48] = "";
    if (nintr > 0) {
        size_t n = (size_t)snprintf(polls, sizeof polls, "; interrupted at poll%s", nintr > 1 ? "s" : "");
        for (int i = 0; i < nintr && i < GN_JOURNAL_MAXINTR; i++)
            n += (size_t)snprintf(polls + n, sizeof polls - n, " %lu%s", intr[i] / 2, intr[i] & 1 ? "+" : "");
    }
    /* The message's first line (not its traceback) fits the trailer's line. */
    char m[200] = "";
    if (!ok && msg) {
        size_t i = 0;
        for (; msg[i] && msg[i] != '\n' && i < sizeof m - 1; i++) m[i] = msg[i] == '\r' ? ' ' : msg[i];
        m[i] = 0;
    }
    return fmt("-- [%d] %s%s%s%s\n", k, ok ? "ok" : "error", polls, ok ? "" : ": ", m);
}

/* ---- writing ------------------------------------------------------------------ */

static void started_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
}

/* Writes the records held in memory; sync: fdatasync them too. */
static int flush(gn_journal *j, int sync, gn_err *err)
{
    if (j->fd < 0 || j->blen == 0) return GN_OK;
    off_t end = lseek(j->fd, 0, SEEK_END);
    size_t done = 0;
    int e = 0;
    while (done < j->blen) {
        ssize_t w = write(j->fd, j->backlog + done, j->blen - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { e = w < 0 ? errno : ENOSPC; break; }
        done += (size_t)w;
    }
    if (!e && sync && fdatasync(j->fd) != 0 && errno != EINVAL) e = errno;
    if (e) {
        /* All or nothing: a torn record would make the rest unreadable. */
        if (end >= 0 && ftruncate(j->fd, end) != 0) { /* nothing more can be done */ }
        return gn_fail(err, GN_EIO, "journal '%s': %s; %zu bytes of the session are kept in memory "
                       "and written when the disk accepts them (or move the journal with "
                       "journal(\"other/path.lua\"))", j->path, strerror(e), j->blen);
    }
    j->blen = 0;
    return GN_OK;
}

int gn_journal_flush(gn_journal *j, gn_err *err) { return flush(j, 1, err); }

static int append(gn_journal *j, char *rec, int sync, gn_err *err)
{
    if (!rec) return gn_fail(err, GN_ENOMEM, "journal: out of memory");
    size_t n = strlen(rec);
    if (j->blen + n > j->bcap) {
        size_t cap = (j->blen + n) * 2;
        char *b = realloc(j->backlog, cap);
        if (!b) {
            free(rec);
            return gn_fail(err, GN_ENOMEM, "journal: out of memory");
        }
        j->backlog = b;
        j->bcap = cap;
    }
    memcpy(j->backlog + j->blen, rec, n);
    j->blen += n;
    free(rec);
    return flush(j, sync, err);
}

int gn_journal_holder(const char *path, long *pid)
{
    *pid = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    int held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    if (held) {
        char head[512];
        ssize_t n = pread(fd, head, sizeof head - 1, 0);
        head[n > 0 ? n : 0] = 0;
        char *p = strstr(head, ", pid ");
        if (p) *pid = strtol(p + 6, NULL, 10);
    } else {
        flock(fd, LOCK_UN);
    }
    close(fd);
    return held;
}

static int create_fd(const char *path, gn_err *err, int *exists)
{
    *exists = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {   /* cannot happen to a file we just made */
            close(fd);
            return -gn_fail(err, GN_EIO, "journal '%s': cannot lock it: %s", path, strerror(errno));
        }
        return fd;
    }
    long pid;
    *exists = errno == EEXIST;
    if (errno == EEXIST && gn_journal_holder(path, &pid))
        return -gn_fail(err, GN_EIO, "journal '%s' is in use by another ganglion (pid %ld); "
                        "one session writes a journal at a time", path, pid);
    if (errno == EEXIST)
        return -gn_fail(err, GN_EIO, "journal '%s' already exists; ganglion never overwrites or "
                        "appends to a journal: give a new name with -o, or replay it with "
                        "'ganglion %s' (its chunks then go into the new session's journal)", path, path);
    return -gn_fail(err, GN_EIO, "cannot create journal '%s': %s", path, strerror(errno));
}

static int create(gn_journal *j, const char *path, const char *version,
                  unsigned long seed, gn_err *err, int *exists)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    int fd = create_fd(path, err, exists);
    if (fd < 0) return -fd;
    j->fd = fd;
    j->path = strdup(path);
    char started[64];
    started_now(started, sizeof started);
    return append(j, gn_journal_header(version, started, seed, (long)getpid()), 1, err);
}

int gn_journal_create(gn_journal *j, const char *path, const char *version,
                      unsigned long seed, gn_err *err)
{
    int exists;
    return create(j, path, version, seed, err, &exists);
}

int gn_journal_create_free(gn_journal *j, const char *base, const char *version,
                           unsigned long seed, gn_err *err)
{
    char path[4096];
    for (int k = 1; k < 100000; k++) {
        if (k == 1) snprintf(path, sizeof path, "%s.lua", base);
        else snprintf(path, sizeof path, "%s-%d.lua", base, k);
        struct stat st;
        if (lstat(path, &st) == 0) continue;
        int exists;
        int rc = create(j, path, version, seed, err, &exists);
        if (rc == GN_OK || !exists) return rc;   /* exists: lost a race, try the next name */
    }
    return gn_fail(err, GN_EIO, "no free journal name '%s-N.lua'", base);
}

int gn_journal_begin(gn_journal *j, const char *code, gn_err *err)
{
    if (j->fd < 0) return GN_OK;
    return append(j, gn_journal_frame(++j->nchunks, code), 1, err);
}

int gn_journal_end(gn_journal *j, int ok, const unsigned long *intr, int nintr,
                   const char *msg, gn_err *err)
{
    if (j->fd < 0) return GN_OK;
    /* Written, not synced: a kill loses nothing written, and the next
     * chunk's frame syncs it (only a power cut between two chunks could
     * leave a finished chunk looking unfinished). */
    return append(j, gn_journal_trailer(j->nchunks, ok, intr, nintr, msg), 0, err);
}

size_t gn_journal_unsaved(const gn_journal *j) { return j->blen; }

int gn_journal_move(gn_journal *j, const char *path, gn_err *err)
{
    if (j->fd < 0) return gn_fail(err, GN_EINVAL, "this session has no journal");
    int exists;
    int fd = create_fd(path, err, &exists);
    if (fd < 0) return -fd;
    char buf[65536];
    off_t off = 0;
    ssize_t n;
    int e = 0;
    while ((n = pread(j->fd, buf, sizeof buf, off)) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) { e = w < 0 ? errno : ENOSPC; break; }
            done += w;
        }
        if (e) break;
        off += n;
    }
    if (n < 0) e = errno;
    for (size_t done = 0; !e && done < j->blen;) {
        ssize_t w = write(fd, j->backlog + done, j->blen - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { e = w < 0 ? errno : ENOSPC; break; }
        done += (size_t)w;
    }
    if (!e && fdatasync(fd) != 0 && errno != EINVAL) e = errno;
    if (e) {
        close(fd);
        unlink(path);
        return gn_fail(err, GN_EIO, "cannot move the journal to '%s': %s", path, strerror(e));
    }
    close(j->fd);
    j->fd = fd;
    j->blen = 0;
    free(j->path);
    j->path = strdup(path);
    return GN_OK;
}

void gn_journal_close(gn_journal *j)
{
    if (j->fd >= 0) {
        gn_journal_flush(j, NULL);
        fdatasync(j->fd);   /* the last trailer */
        close(j->fd);
    }
    j->fd = -1;
    free(j->path);
    free(j->backlog);
    j->path = j->backlog = NULL;
    j->blen = j->bcap = 0;
}

/* Appends text as comment lines to f. */
void gn_journal_comment(FILE *f, const char *prefix, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        fprintf(f, "%s%.*s\n", prefix, (int)l, p);
        p += l;
        if (*p == '\n') p++;
    }
}

/* ---- parsing ------------------------------------------------------------------ */

typedef struct {
    const char *p, *end;
} cursor;

static const char *line_end(const char *p, const char *end)
{
    const char *e = memchr(p, '\n', (size_t)(end - p));
    return e ? e : end;
}

/* "-- [k]" at p: returns k (>0) and sets *rest to the text after "]". */
static int marker(const char *p, const char *e, const char **rest)
{
    if (e - p < 6 || strncmp(p, "-- [", 4) != 0) return 0;
    const char *q = p + 4;
    long k = 0;
    while (q < e && *q >= '0' && *q <= '9' && k < 100000000) k = k * 10 + (*q++ - '0');
    if (q == p + 4 || q >= e || *q != ']') return 0;
    *rest = q + 1;
    return (int)k;
}

/* " N bytes" */
static int frame_len(const char *r, const char *e, size_t *n)
{
    if (r >= e || *r != ' ') return 0;
    char *x;
    errno = 0;
    unsigned long long v = strtoull(r + 1, &x, 10);
    if (x == r + 1 || x > e || (size_t)(e - x) != 6 || strncmp(x, " bytes", 6) != 0) return 0;
    if (errno == ERANGE || v >= SIZE_MAX) return 0;   /* no text is that long */
    *n = (size_t)v;
    return 1;
}

/* " ok|error[; interrupted at poll(s) P...][: msg]" */
static int trailer(const char *r, const char *e, gn_chunk *c)
{
    if (e - r >= 3 && strncmp(r, " ok", 3) == 0) { c->status = GN_CHUNK_OK; r += 3; }
    else if (e - r >= 6 && strncmp(r, " error", 6) == 0) { c->status = GN_CHUNK_ERROR; r += 6; }
    else return 0;
    static const char IN[] = "; interrupted at poll";
    c->nintr = 0;
    if (e - r >= (long)strlen(IN) && strncmp(r, IN, strlen(IN)) == 0) {
        r += strlen(IN);
        if (r < e && *r == 's') r++;
        while (r < e && *r == ' ' && c->nintr < GN_JOURNAL_MAXINTR) {
            char *x;
            unsigned long v = strtoul(r + 1, &x, 10);
            if (x == r + 1 || x > e) break;
            int after = x < e && *x == '+';
            c->intr[c->nintr++] = v * 2 + (unsigned long)after;
            r = x + after;
        }
    }
    if (e - r >= 2 && r[0] == ':' && r[1] == ' ') {
        size_t l = (size_t)(e - r - 2);
        if (l >= sizeof c->msg) l = sizeof c->msg - 1;
        memcpy(c->msg, r + 2, l);
        c->msg[l] = 0;
    } else if (r != e) {
        return 0;
    }
    return 1;
}

typedef struct {
    gn_chunk *v;
    int n, cap;
} chunk_list;

static gn_chunk *push(chunk_list *l)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        gn_chunk *v = realloc(l->v, sizeof *v * (size_t)cap);
        if (!v) return NULL;
        l->v = v;
        l->cap = cap;
    }
    gn_chunk *c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static const char *skip_header(const char *p, const char *end)
{
    while (p < end) {
        const char *e = line_end(p, end), *r;
        if (marker(p, e, &r) || e - p < 2 || strncmp(p, "--", 2) != 0) break;
        p = e < end ? e + 1 : end;
    }
    return p;
}

/* The byte-exact reading; 0 when the framing does not hold. */
static int parse_framed(const char *text, const char *end, chunk_list *l)
{
    const char *p = skip_header(text, end);
    while (p < end) {
        const char *e = line_end(p, end), *r;
        size_t n;
        int k = marker(p, e, &r);
        if (!k || !frame_len(r, e, &n) || e == end) return 0;
        const char *code = e + 1;
        if (n >= (size_t)(end - code) || code[n] != '\n') return 0;   /* n + 1 could wrap */
        gn_chunk *c = push(l);
        if (!c) return -1;
        c->code = code;
        c->len = n;
        c->k = k;
        c->status = GN_CHUNK_UNFINISHED;
        p = code + n + 1;
        if (p < end) {
            e = line_end(p, end);
            int k2 = marker(p, e, &r);
            size_t dummy;
            if (k2 == k && trailer(r, e, c)) p = e < end ? e + 1 : end;
            else if (!k2 || !frame_len(r, e, &dummy)) return 0;
        }
    }
    return 1;
}

/* Marker lines split the text: for hand-edited and format 1 files. */
static int parse_lines(const char *text, const char *end, int v1, chunk_list *l)
{
    const char *p = skip_header(text, end);
    gn_chunk *cur = NULL;
    while (p < end) {
        const char *e = line_end(p, end), *next = e < end ? e + 1 : end, *r;
        size_t n;
        int k = marker(p, e, &r);
        if (k && (v1 || frame_len(r, e, &n))) {
            if (!(cur = push(l))) return -1;
            cur->code = next;
            cur->k = k;
            cur->status = v1 ? GN_CHUNK_PLAIN : GN_CHUNK_UNFINISHED;
        } else if (k && cur && cur->k == k && trailer(r, e, cur)) {
            cur->len = (size_t)(p - cur->code);
            cur = NULL;
            p = next;
            continue;
        } else if (!cur) {
            if (!(cur = push(l))) return -1;
            cur->code = p;
            cur->status = GN_CHUNK_PLAIN;
        }
        if (cur) cur->len = (size_t)(next - cur->code);
        p = next;
    }
    for (int i = 0; i < l->n; i++)   /* the newline before the next marker is framing */
        if (l->v[i].len && l->v[i].code[l->v[i].len - 1] == '\n') l->v[i].len--;
    return 1;
}

int gn_journal_parse(const char *text, size_t len, gn_chunk **out, int *framed, gn_err *err)
{
    const char *end = text + len;
    size_t ml = strlen(GN_JOURNAL_MAGIC2);
    int v2 = len > ml && strncmp(text, GN_JOURNAL_MAGIC2, ml) == 0 && text[ml] == '\n';
    chunk_list l = {0};
    int rc = v2 ? parse_framed(text, end, &l) : 0;
    *framed = rc == 1;
    if (rc == 0) {
        l.n = 0;
        rc = parse_lines(text, end, !v2, &l);
    }
    if (rc < 0) {
        free(l.v);
        return -gn_fail(err, GN_ENOMEM, "out of memory reading the journal");
    }
    *out = l.v;
    return l.n;
}
