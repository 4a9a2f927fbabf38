/* check.h — minimal TAP-style assertions for the C tests (one header, no framework). */
#ifndef GN_CHECK_H
#define GN_CHECK_H
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>

/* GSL aborts on errors by default; the core reports them as statuses, so
 * tests (like main) turn the handler off. */
__attribute__((constructor)) static void check_init(void) { gsl_set_error_handler_off(); }

static int check_failures;

/* CHECK(cond, fmt, ...) prints "ok - msg" or "not ok - msg (file:line)". */
#define CHECK(cond, ...) do { \
    if (cond) { printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
    else { check_failures++; printf("not ok - "); printf(__VA_ARGS__); \
           printf("  (%s:%d)\n", __FILE__, __LINE__); } \
} while (0)

/* CHECK_NEAR: |a-b| <= tol*max(1,|b|) — relative for large values, absolute near zero. */
#define CHECK_NEAR(a, b, tol, ...) do { \
    double check_a_ = (a), check_b_ = (b); \
    double check_s_ = fabs(check_b_) > 1 ? fabs(check_b_) : 1; \
    int check_ok_ = fabs(check_a_ - check_b_) <= (tol) * check_s_; \
    if (check_ok_) { printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
    else { check_failures++; printf("not ok - "); printf(__VA_ARGS__); \
           printf(": got %.17g, want %.17g (tol %g)  (%s:%d)\n", check_a_, check_b_, \
                  (double)(tol), __FILE__, __LINE__); } \
} while (0)

#define SKIP(...) do { printf("skip - "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* "dir/name" in one of four rotating buffers, so up to four such paths can
 * be live in one expression (a temporary folder's files). */
static inline const char *check_path(const char *dir, const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
