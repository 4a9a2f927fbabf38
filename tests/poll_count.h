/* poll_count.h — for core tests of cancellation: a poll callback that counts
 * its calls and asks to stop at the k-th, and random test matrices. */
#ifndef TESTS_POLL_COUNT_H
#define TESTS_POLL_COUNT_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef struct { int polls, stop_at; } counter;

static inline int count_poll(void *ud)
{
    counter *c = ud;
    c->polls++;
    return c->stop_at > 0 && c->polls >= c->stop_at;
}

/* r×c Gaussian entries, off zero mean so sums and covariances are not trivial */
static inline gsl_matrix *randm(gsl_rng *g, size_t r, size_t c)
{
    gsl_matrix *m = gsl_matrix_alloc(r, c);
    for (size_t i = 0; i < r * c; i++) m->data[i] = gsl_ran_gaussian(g, 1.3) + 0.2385;
    return m;
}

#endif
