/* child.h — one long computation in a forked child process that Ctrl-C can
 * kill: for library calls (LAPACK, GSL) that have no way to be stopped
 * partway. */
#ifndef GN_CHILD_H
#define GN_CHILD_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include "gn.h"

/* Memory the computation writes and the caller needs back. */
typedef struct {
    void *p;
    size_t bytes;
} gn_region;

/* Runs fn(arg) in a forked child and waits, reading cancel's stop flag
 * every 2 ms; on a stop it kills the child and returns GN_EINTR.  When the
 * child ends, the regions it wrote (out[0..nout), at the same addresses in
 * its copy of memory) are copied back into the caller's, through one shared
 * mapping; memory that is MAP_SHARED already needs no region.  fn's results
 * are thus bit for bit those of fn(arg) called here.
 *
 * Exactly two polls are counted (gn_cancel_check): one before the fork and
 * one after the child ended; a stop seen while waiting is recorded at the
 * second.  The wait reads cancel->stop itself rather than polling, so that
 * the count does not depend on how long fn took (a replay places a
 * recorded Ctrl-C by that count; it stops at the second poll, after fn ran).
 * With cancel NULL, or when fork or the shared mapping fails, fn runs here
 * (uninterruptible).  fn must not print, exit, or touch Lua state: the
 * child ends with _exit, running no atexit handlers and flushing no stdio.
 * what names the work in messages. */
int gn_child_run(void (*fn)(void *), void *arg, const gn_region *out, size_t nout, const gn_cancel *cancel,
                 const char *what, gn_err *err);

/* The memory a matrix or vector (possibly a view, possibly NULL) occupies,
 * from its first element to its last, as a region; NULL gives an empty
 * region, which gn_child_run skips. */
static inline gn_region gn_region_matrix(const gsl_matrix *m)
{
    gn_region r = {NULL, 0};
    if (m && m->size1 && m->size2) r = (gn_region){m->data, ((m->size1 - 1) * m->tda + m->size2) * sizeof(double)};
    return r;
}
static inline gn_region gn_region_vector(const gsl_vector *v)
{
    gn_region r = {NULL, 0};
    if (v && v->size) r = (gn_region){v->data, ((v->size - 1) * v->stride + 1) * sizeof(double)};
    return r;
}

/* Whether work of `flops` floating-point operations goes to a child: with a
 * cancellation, at or above gn_child_min_flops().  A caller that decides
 * by this alone makes a number of polls that depends only on the sizes. */
int gn_child_wanted(const gn_cancel *cancel, double flops);

/* Work (floating-point operations) above which callers run a computation
 * through gn_child_run: GANGLION_LAPACK_CHILD when set (0: always), else
 * 2^31, a fraction of a second or more. */
double gn_child_min_flops(void);

#endif
