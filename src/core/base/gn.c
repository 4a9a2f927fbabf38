/* gn.c — error reporting, size checks and the memory account shared by the core. */
#include "gn.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gn_fail(gn_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int gn_check_size(size_t rows, size_t cols, gn_err *err)
{
    if (rows == 0 || cols == 0)
        return gn_fail(err, GN_EINVAL, "matrix dimensions must be positive, got %zux%zu", rows, cols);
    if (rows > GN_MAX_ELEMS || cols > GN_MAX_ELEMS || rows * cols > GN_MAX_ELEMS)
        return gn_fail(err, GN_ENOMEM, "%zux%zu matrix is too large (limit %zu elements)",
                       rows, cols, (size_t)GN_MAX_ELEMS);
    char what[64];
    snprintf(what, sizeof what, "a %zux%zu matrix", rows, cols);
    return gn_check_bytes((double)rows * (double)cols * sizeof(double), what, err);
}

/* Parses "123", "1.5G", "512M" (powers of 1024); 0 when malformed. */
static double parse_bytes(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v > 0)) return 0;
    while (*end == ' ') end++;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, *end == 'k' ? 'K' : *end) : NULL;
    if (u && *end) {
        for (const char *p = units; p <= u; p++) v *= 1024;
        end++;
        if (*end == 'B' || *end == 'b') end++;
        if (*end == 'i' && end[1] == 'B') end += 2;
    }
    return *end ? 0 : v;
}

/* ---- the memory account ---------------------------------------------------- */

/* Signed, so that an unbalanced release (a bug) reads as 0, not as 2^64. */
static atomic_llong mem_live;

void gn_mem_count(size_t bytes)
{
    if (bytes >= GN_MEM_TRACK_MIN) atomic_fetch_add_explicit(&mem_live, (long long)bytes, memory_order_relaxed);
}

void gn_mem_uncount(size_t bytes)
{
    if (bytes >= GN_MEM_TRACK_MIN) atomic_fetch_sub_explicit(&mem_live, (long long)bytes, memory_order_relaxed);
}

size_t gn_mem_live(void)
{
    long long v = atomic_load_explicit(&mem_live, memory_order_relaxed);
    return v > 0 ? (size_t)v : 0;
}

/* The header in front of a gn_mem_alloc block: its size, padded so that the
 * block keeps malloc's alignment. */
typedef union {
    size_t bytes;
    max_align_t align;
} mem_head;

void *gn_mem_alloc(size_t bytes, int zero)
{
    if (bytes > SIZE_MAX - sizeof(mem_head)) return NULL;
    mem_head *h = zero ? calloc(1, sizeof *h + bytes) : malloc(sizeof *h + bytes);
    if (!h) return NULL;
    h->bytes = bytes;
    gn_mem_count(bytes);
    return h + 1;
}

void gn_mem_free(void *p)
{
    if (!p) return;
    mem_head *h = (mem_head *)p - 1;
    gn_mem_uncount(h->bytes);
    free(h);
}

/* What the budget is made of, for the check and its message. */
typedef struct {
    const char *env;   /* GANGLION_MEM_LIMIT when set and well formed, else NULL */
    double limit;      /* the limit (env) or the kernel's available bytes; <0: unknown */
    double live;       /* live tracked bytes */
    double pending;    /* of those, not resident yet (no env) */
    double budget;     /* what a request may take */
} mem_view;

/* Resident set of this process in bytes (VmRSS, from /proc/self/statm);
 * -1 when unreadable. */
static double resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    unsigned long long size, res;
    int ok = fscanf(f, "%llu %llu", &size, &res) == 2;
    fclose(f);
    long psz = sysconf(_SC_PAGESIZE);
    return ok && psz > 0 ? (double)res * (double)psz : -1;
}

/* MemAvailable (or free pages) in bytes; -1 when unknown. */
static double available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[128];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                fclose(f);
                return (double)kb * 1024;
            }
        fclose(f);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0) return (double)pages * (double)psz;
    return -1;
}

static mem_view mem_look(void)
{
    mem_view v = { .env = NULL, .limit = -1, .live = (double)gn_mem_live(), .pending = 0, .budget = -1 };
    const char *env = getenv("GANGLION_MEM_LIMIT");
    if (env && *env && parse_bytes(env) > 0) {
        v.env = env;
        v.limit = parse_bytes(env);
        v.budget = v.limit > v.live ? v.limit - v.live : 0;
        return v;
    }
    v.limit = available_bytes();
    if (v.limit < 0) return v;
    if (v.live > 0) {
        double rss = resident_bytes();
        v.pending = rss >= 0 ? (v.live > rss ? v.live - rss : 0) : v.live;
    }
    v.budget = v.limit > v.pending ? v.limit - v.pending : 0;
    return v;
}

size_t gn_mem_budget(void)
{
    mem_view v = mem_look();
    if (v.budget < 0 || v.budget >= (double)SIZE_MAX) return SIZE_MAX;
    return (size_t)v.budget;
}

/* bytes in GiB for a message: three significant digits, whole GiB from 1000. */
static const char *gib(char buf[24], double bytes)
{
    double g = bytes / (1024.0 * 1024.0 * 1024.0);
    snprintf(buf, 24, g < 1000 ? "%.3g" : "%.0f", g);
    return buf;
}

int gn_check_bytes(double bytes, const char *what, gn_err *err)
{
    if (!(bytes >= 0)) return gn_fail(err, GN_ENOMEM, "%s: size is not a number", what);
    if (bytes < GN_MEM_CHECK_MIN) return GN_OK;
    mem_view v = mem_look();
    if (v.budget < 0 || bytes <= v.budget) return GN_OK;
    char b[5][24];
    if (v.env && v.live > 0)
        return gn_fail(err, GN_ENOMEM, "%s needs %s GiB; the budget GANGLION_MEM_LIMIT=%s allows "
                       "%s GiB, of which live arrays hold %s GiB (%s GiB left)", what, gib(b[0], bytes),
                       v.env, gib(b[1], v.limit), gib(b[2], v.live), gib(b[3], v.budget));
    if (v.env)
        return gn_fail(err, GN_ENOMEM, "%s needs %s GiB; the budget GANGLION_MEM_LIMIT=%s allows %s GiB",
                       what, gib(b[0], bytes), v.env, gib(b[1], v.limit));
    if (v.live > 0)
        return gn_fail(err, GN_ENOMEM, "%s needs %s GiB, %s GiB available (%s GiB free, less %s GiB "
                       "of the %s GiB of live arrays not yet in memory; set GANGLION_MEM_LIMIT to "
                       "change the budget)", what, gib(b[0], bytes), gib(b[1], v.budget),
                       gib(b[2], v.limit), gib(b[3], v.pending), gib(b[4], v.live));
    return gn_fail(err, GN_ENOMEM, "%s needs %s GiB, %s GiB available (set GANGLION_MEM_LIMIT to "
                   "change the budget)", what, gib(b[0], bytes), gib(b[1], v.budget));
}

long long gn_file_bytes_left(FILE *f)
{
    long here = ftell(f);
    if (here < 0 || fseek(f, 0, SEEK_END) != 0) return -1;
    long end = ftell(f);
    if (fseek(f, here, SEEK_SET) != 0 || end < here) return -1;
    return (long long)(end - here);
}
