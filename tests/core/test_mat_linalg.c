/* test_mat_linalg.c — the LAPACK routines run in a forked child (as large
 * calls with a cancellation do) give bitwise the results of the in-process
 * call, make exactly two polls, and a stop kills the child: GN_EINTR, no
 * output written.  GANGLION_LAPACK_CHILD=0 sends every call with a
 * cancellation to a child, so small matrices exercise the path. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "mat.h"

typedef struct { int polls, stop_at; } counter;

static int count_poll(void *ud)
{
    counter *c = ud;
    c->polls++;
    return c->stop_at > 0 && c->polls >= c->stop_at;
}

static int same(const gsl_matrix *a, const gsl_matrix *b)
{
    for (size_t i = 0; i < a->size1; i++)
        if (memcmp(a->data + i * a->tda, b->data + i * b->tda, a->size2 * sizeof(double))) return 0;
    return 1;
}

static gsl_matrix *randm(gsl_rng *rng, size_t r, size_t c)
{
    gsl_matrix *m = gsl_matrix_alloc(r, c);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) gsl_matrix_set(m, i, j, gsl_ran_gaussian(rng, 1.7) + 0.385);
    return m;
}

/* Runs routine k into outs (in-process when cancel is NULL). */
static int run(int k, gsl_matrix **o, const gsl_matrix *a, const gsl_matrix *s, const gsl_matrix *w,
               const gsl_matrix *b, double *det, const gn_cancel *c, gn_err *e)
{
    switch (k) {
    case 0: return gn_mat_solve(o[0], a, b, c, e);
    case 1: return gn_mat_inv(o[0], a, c, e);
    case 2: return gn_mat_det(det, a, c, e);
    case 3: return gn_mat_chol(o[0], s, c, e);
    case 4: return gn_mat_eigsym(o[0], o[1], s, c, e);
    case 5: return gn_mat_eiggen(o[0], o[1], o[2], o[3], a, c, e);
    case 6: return gn_mat_svd(o[0], o[1], o[2], w, c, e);
    default: return gn_mat_lstsq(o[0], w, b, c, e);
    }
}

int main(void)
{
    setenv("GANGLION_LAPACK_CHILD", "0", 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2385);
    size_t n = 60;
    gsl_matrix *a = randm(rng, n, n), *w = randm(rng, n + 17, n - 9), *b = randm(rng, n + 17, 3);
    gsl_matrix *bs = gsl_matrix_alloc(n, 3);
    gsl_matrix_view btop = gsl_matrix_submatrix(b, 0, 0, n, 3);
    gsl_matrix_memcpy(bs, &btop.matrix);
    /* symmetric positive definite: a aᵀ + n I */
    gsl_matrix *s = gsl_matrix_alloc(n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v = i == j ? (double)n : 0;
            for (size_t q = 0; q < n; q++) v += gsl_matrix_get(a, i, q) * gsl_matrix_get(a, j, q);
            gsl_matrix_set(s, i, j, v);
        }
    const char *names[8] = {"solve", "inv", "det", "chol", "eig (symmetric)", "eig (general)", "svd", "lstsq"};
    size_t k = n - 9;
    size_t shapes[8][4][2] = {
        {{n, 3}}, {{n, n}}, {{0, 0}}, {{n, n}}, {{n, 1}, {n, n}},
        {{n, 1}, {n, 1}, {n, n}, {n, n}}, {{n + 17, k}, {k, 1}, {k, k}}, {{k, 3}},
    };
    for (int r = 0; r < 8; r++) {
        gsl_matrix *o1[4] = {0}, *o2[4] = {0};
        for (int q = 0; q < 4; q++)
            if (shapes[r][q][0]) {
                o1[q] = gsl_matrix_calloc(shapes[r][q][0], shapes[r][q][1]);
                o2[q] = gsl_matrix_calloc(shapes[r][q][0], shapes[r][q][1]);
            }
        const gsl_matrix *rhs = r == 7 ? b : bs;
        double d1 = 0, d2 = 0;
        gn_err e = {0};
        int st1 = run(r, o1, a, s, w, rhs, &d1, NULL, &e);
        counter c = {0, 0};
        volatile int flag = 0;
        gn_cancel cc = {.stop = &flag, .poll = count_poll, .ud = &c};
        int st2 = run(r, o2, a, s, w, rhs, &d2, &cc, &e);
        int eq = st1 == GN_OK && st2 == GN_OK && memcmp(&d1, &d2, sizeof d1) == 0;
        for (int q = 0; q < 4; q++) if (o1[q]) eq = eq && same(o1[q], o2[q]);
        CHECK(eq && c.polls == 2, "%s in a child: bitwise the in-process result, two polls (%d; %s)", names[r],
              c.polls, e.msg);
        /* a stop at the first poll: no child, GN_EINTR, outputs untouched */
        counter c1 = {0, 1};
        gn_cancel cs = {.stop = &flag, .poll = count_poll, .ud = &c1};
        for (int q = 0; q < 4; q++) if (o2[q]) gsl_matrix_set_all(o2[q], -7.25);
        d2 = -7.25;
        int st = run(r, o2, a, s, w, rhs, &d2, &cs, &e);
        int untouched = d2 == -7.25;
        for (int q = 0; q < 4; q++) if (o2[q]) untouched = untouched && gsl_matrix_get(o2[q], 0, 0) == -7.25;
        CHECK(st == GN_EINTR && untouched, "%s: a stop before the call returns GN_EINTR and writes nothing (%s)",
              names[r], e.msg);
        for (int q = 0; q < 4; q++) { gsl_matrix_free(o1[q]); gsl_matrix_free(o2[q]); }
    }
    /* the stop flag raised while the child runs: it is killed, the call
     * returns GN_EINTR at its second poll.  (A large symmetric eigenproblem,
     * so that the child is still running when the flag is seen.) */
    {
        size_t m = 900;
        gsl_matrix *big = randm(rng, m, m), *vals = gsl_matrix_alloc(m, 1), *vecs = gsl_matrix_alloc(m, m);
        gsl_matrix_set_all(vals, -7.25);
        counter c = {0, 0};
        volatile int flag = 1;   /* already raised: seen at the first wait */
        counter c0 = {0, 0};
        gn_cancel cs = {.stop = &flag, .poll = count_poll, .ud = &c0};
        (void)c;
        /* the first poll goes through the counter, which does not stop; the
         * raw flag then kills the child */
        gn_err e = {0};
        int st = gn_mat_eigsym(vals, vecs, big, &cs, &e);
        CHECK(st == GN_EINTR && c0.polls == 2 && gsl_matrix_get(vals, 0, 0) == -7.25,
              "a raised stop flag kills the child: GN_EINTR after two polls, nothing written (%s)", e.msg);
        gsl_matrix_free(big); gsl_matrix_free(vals); gsl_matrix_free(vecs);
    }
    gsl_matrix_free(a); gsl_matrix_free(w); gsl_matrix_free(b); gsl_matrix_free(bs); gsl_matrix_free(s);
    gsl_rng_free(rng);
    CHECK_DONE();
}
