/* gn.h — conventions shared by the numerical core: status codes and error messages. */
#ifndef GN_H
#define GN_H

#include <stddef.h>
#include <stdio.h>

/* Status codes returned by every fallible core function. */
enum {
    GN_OK = 0,
    GN_EINVAL = 1,   /* bad argument: shape, range, NaN */
    GN_ENOMEM = 2,   /* allocation failed or size absurd */
    GN_EIO = 3,      /* file missing, unreadable, unwritable */
    GN_EFORMAT = 4,  /* file exists but its contents are wrong */
    GN_ENUM = 5,     /* numerical failure: NaN, no convergence */
    GN_EINTR = 6     /* stopped by the caller (Ctrl-C) */
};

/* The message a failing core call leaves for its caller.  The core has no
 * global state, so the caller owns this and passes it down. */
typedef struct {
    int code;        /* last status (GN_OK when none) */
    char msg[256];   /* human-readable reason, names the offending argument */
} gn_err;

/* Record a failure in err (which may be NULL) and return code, so a failing
 * path reads `return gn_fail(err, GN_EINVAL, "n must be > 0, got %d", n);`. */
int gn_fail(gn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Largest element count the core will allocate for one matrix (2^31
 * doubles = 16 GiB); beyond it allocation is refused with GN_ENOMEM rather
 * than attempted, so `matrix(1e12, 1e12)` is an error, not a crash. */
#define GN_MAX_ELEMS ((size_t)1 << 31)

/* Checks that rows*cols is allocatable: positive, under GN_MAX_ELEMS and
 * within the memory budget (gn_check_bytes); 0 if fine, else fills err. */
int gn_check_size(size_t rows, size_t cols, gn_err *err);

/* The memory budget: bytes one request may take.  GANGLION_MEM_LIMIT
 * (bytes, or with a suffix K, M, G, T — powers of 1024) when set, else
 * what the kernel reports available (MemAvailable in /proc/meminfo, or
 * free pages).  SIZE_MAX when neither can be read. */
size_t gn_mem_budget(void);
/* Requests below this many bytes are not checked against the budget (so
 * small allocations stay cheap). */
#define GN_MEM_CHECK_MIN ((double)(64u << 20))
/* 0 when `bytes` (for `what`, e.g. "rnn n=20000") fits the budget, else
 * GN_ENOMEM with "what needs 4.66 GiB, 2.10 GiB available (set
 * GANGLION_MEM_LIMIT to change the budget)".  bytes is a double so that
 * products of hostile sizes cannot wrap. */
int gn_check_bytes(double bytes, const char *what, gn_err *err);

/* Bytes left in f from the current position, or -1 when f cannot seek (a
 * pipe): readers compare a header's claimed size with it before allocating,
 * and fall back on the memory budget alone when it is -1. */
long long gn_file_bytes_left(FILE *f);

/* Cooperative cancellation: iterative core routines poll between
 * iterations with gn_cancel_check(), never by reading the flag themselves.
 * The caller may route every poll through its own function, which lets a
 * session count polls: a Ctrl-C is then recorded as "the k-th poll of the
 * chunk" and raised at the same poll when the session is replayed. */
typedef struct {
    volatile int *stop;      /* nonzero means stop now (read when poll is NULL) */
    int (*poll)(void *ud);   /* if set, called at every poll point; nonzero = stop */
    void *ud;                /* passed to poll */
} gn_cancel;

/* Nonzero when the caller asked to stop.  Call from the thread that owns
 * the computation only, so that the count of polls is deterministic. */
static inline int gn_cancel_check(const gn_cancel *c)
{
    if (!c) return 0;
    if (c->poll) return c->poll(c->ud);
    return c->stop && *c->stop;
}

/* 1 when the len values at a are all finite: x·0 is 0 unless x is NaN or
 * ±Inf (a test and branch per element is several times slower).  Callers that
 * report where a bad value is look for it only when this says there is one. */
static inline int gn_all_finite(const double *a, size_t len)
{
    /* eight independent sums: one chain would wait on each addition */
    double z[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= len; i += 8)
        for (int k = 0; k < 8; k++) z[k] += a[i + k] * 0.0;
    for (; i < len; i++) z[0] += a[i] * 0.0;
    return z[0] + z[1] + z[2] + z[3] + z[4] + z[5] + z[6] + z[7] == 0;
}

#endif
