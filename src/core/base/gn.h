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

/* ---- the memory account ----------------------------------------------------
 * The one piece of process-wide state in the core: the bytes held by live
 * large allocations (GN_MEM_TRACK_MIN or more) made through gn_mem_alloc
 * and gn_mat_alloc (mat.h) — matrices' storage, networks' parameters,
 * training and run workspaces, batches, file buffers.  It exists because
 * calloc'd pages are not resident until written: a 12 GB matrix just made
 * does not lower MemAvailable, so a second one checked on its own would pass
 * and the process would be killed when both were touched.  Counting is a
 * relaxed atomic add, safe from any thread; smaller allocations cost nothing. */
#define GN_MEM_TRACK_MIN ((size_t)1 << 20)
/* Adds (gn_mem_count) or removes (gn_mem_uncount) bytes from the live count
 * when bytes >= GN_MEM_TRACK_MIN; below it both do nothing, so a pair with
 * the same size always balances. */
void gn_mem_count(size_t bytes);
void gn_mem_uncount(size_t bytes);
/* Bytes held by live tracked allocations now. */
size_t gn_mem_live(void);
/* malloc (zero: calloc) of bytes, counted; NULL on failure.  The block
 * carries its size, so gn_mem_free needs none; it must not be given to
 * free() or realloc().  gn_mem_free(NULL) does nothing. */
void *gn_mem_alloc(size_t bytes, int zero);
void gn_mem_free(void *p);

/* The memory budget: bytes the next request may take.
 * - With GANGLION_MEM_LIMIT (bytes, or with a suffix K, M, G, T — powers of
 *   1024): the limit less the live tracked bytes, i.e. the limit is for the
 *   process's live large allocations plus the request.
 * - Otherwise: what the kernel reports available (MemAvailable in
 *   /proc/meminfo, or free pages), less the live tracked bytes that are not
 *   yet resident (live minus the process's resident set, VmRSS, when
 *   positive).  Pages already written are already missing from MemAvailable
 *   and are not counted twice; pages promised but not yet written are.  The
 *   resident set also holds memory that is not counted (the interpreter's
 *   heap, libraries), so the estimate errs towards allowing.  VmRSS stays
 *   meaningful under AddressSanitizer (virtual sizes do not).
 * SIZE_MAX when neither limit nor kernel figure can be read. */
size_t gn_mem_budget(void);
/* Requests below this many bytes are not checked against the budget (so
 * small allocations stay cheap). */
#define GN_MEM_CHECK_MIN ((double)(64u << 20))
/* 0 when `bytes` (for `what`, e.g. "rnn n=20000") fits the budget, else
 * GN_ENOMEM with "what needs 4.66 GiB, 2.10 GiB available (...)": the
 * message gives the size needed, the size available and, when the process
 * holds live tracked bytes, how much of the kernel's figure or of the limit
 * they take.  bytes is a double so that products of hostile sizes cannot
 * wrap.  Callers that can free memory (a garbage collector) may do so and
 * ask again. */
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
