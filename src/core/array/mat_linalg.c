/* mat_linalg.c — dense linear algebra for the array vocabulary through
 * LAPACK (LAPACKE, row-major), the routines NumPy/SciPy call: dgesv,
 * dgetrf/dgetri, dpotrf, dsyevd, dgeev, dgesdd, dgelsd.  LAPACK rather than
 * GSL here because GSL's LU, Cholesky and symmetric eigensolver are
 * unblocked (BLAS-2) and several times slower from n ~ 100, and GSL's
 * one-sided Jacobi SVD lost accuracy on wide data (see pca.c); GSL has no
 * minimum-norm least squares for rank-deficient systems. */
#include "mat.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <lapacke.h>

#include "child.h"

/* ---- interruptible calls ------------------------------------------------------
 * One LAPACK call cannot be stopped partway, so a large one (more than
 * gn_child_min_flops(), a fraction of a second or more) made with a
 * cancellation runs in a forked child that Ctrl-C kills (child.h says why a
 * process).  Every buffer the call writes lives in one MAP_SHARED mapping
 * (the pool below), so nothing is copied back; the child runs exactly the
 * code the in-process path runs, on the same inputs, and the results are
 * bit for bit the same (tests/core/test_mat_linalg.c).  Blocked LU and
 * Cholesky with polls between panels were the other way: they would cover
 * two routines of eight and round differently from LAPACK. */

/* Every buffer one call writes, carved from one allocation: calloc'd for an
 * in-process call, an anonymous MAP_SHARED mapping for a child's. */
typedef struct {
    char *base;
    size_t size, used;
    int shared;
} pool;

#define POOL_ALIGN 64

static size_t pool_round(size_t bytes) { return (bytes + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN; }

/* bytes: the sum of pool_round() of every piece to be taken. */
static int pool_open(pool *p, size_t bytes, int shared)
{
    p->size = bytes ? bytes : POOL_ALIGN;
    p->used = 0;
    p->shared = shared;
    if (shared) {
        void *m = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        p->base = m == MAP_FAILED ? NULL : m;
    } else {
        p->base = calloc(1, p->size);
    }
    if (p->base) gn_mem_count(p->size);   /* counted while open: see gn_mem_count */
    return p->base ? 0 : -1;
}

static void *pool_take(pool *p, size_t bytes)
{
    void *q = p->base + p->used;
    p->used += pool_round(bytes);
    return q;
}

static void pool_close(pool *p)
{
    if (!p->base) return;
    gn_mem_uncount(p->size);
    if (p->shared) munmap(p->base, p->size);
    else free(p->base);
    p->base = NULL;
}

/* Runs call(arg): here, or in a child when the pool is shared. */
static int run_call(const pool *p, void (*call)(void *), void *arg, const gn_cancel *cancel,
                    const char *fn, gn_err *err)
{
    if (!p->shared) {
        call(arg);
        return GN_OK;
    }
    return gn_child_run(call, arg, NULL, 0, cancel, fn, err);
}

/* Opens the pool for a call of `flops` (shared when it goes to a child). */
static int open_for(pool *p, size_t bytes, double flops, const gn_cancel *cancel, const char *fn, gn_err *err)
{
    int shared = cancel && flops >= gn_child_min_flops();
    if (pool_open(p, bytes, shared) == 0) return GN_OK;
    if (shared && pool_open(p, bytes, 0) == 0) return GN_OK;
    return gn_fail(err, GN_ENOMEM, "%s: out of memory", fn);
}

static int square(const gsl_matrix *a, const char *fn, gn_err *err)
{
    if (a->size1 != a->size2)
        return gn_fail(err, GN_EINVAL, "%s: matrix must be square, got %zux%zu", fn, a->size1, a->size2);
    return GN_OK;
}

/* The workspace a routine needs, `doubles` of our own copies, checked
 * against the memory budget before anything is allocated.  LAPACKE's
 * row-major interface transposes every matrix argument into a copy of its
 * own, and the drivers take workspaces of their own (dsyevd ~2n², dgesdd
 * ~4k² + 7k, dgelsd ~ 12 max(r, c) + ...): `lapack` estimates those. */
static int budget(const char *fn, double doubles, double lapack, gn_err *err)
{
    char what[64];
    snprintf(what, sizeof what, "%s (workspace)", fn);
    return gn_check_bytes((2 * doubles + lapack) * sizeof(double), what, err);
}

#define POOL_D(n) pool_round((size_t)(n) * sizeof(double))
#define POOL_I(n) pool_round((size_t)(n) * sizeof(lapack_int))

/* ---- solve, inv, det (LU) ---------------------------------------------------- */

typedef struct {
    int what;            /* 0 solve, 1 inv, 2 det */
    lapack_int n, k, info;
    double *A, *B;
    lapack_int *piv;
} lu_call;

static void lu_run(void *p)
{
    lu_call *c = p;
    if (c->what == 0) {
        c->info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, c->n, c->k, c->A, c->n, c->piv, c->B, c->k);
        return;
    }
    c->info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, c->n, c->n, c->A, c->n, c->piv);
    if (c->what == 1 && c->info == 0) c->info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, c->n, c->A, c->n, c->piv);
}

/* The LU routines: the pool holds the call, A, piv and (solve) B. */
static int lu(int what, const gsl_matrix *a, const gsl_matrix *b, pool *p, lu_call **out,
              const gn_cancel *cancel, const char *fn, gn_err *err)
{
    size_t n = a->size1, k = b ? b->size2 : 0;
    double flops = (what == 1 ? 2.0 : 2.0 / 3) * (double)n * n * n + 2.0 * (double)n * n * k;
    int st = open_for(p, pool_round(sizeof(lu_call)) + POOL_D(n * n) + POOL_D(n * k) + POOL_I(n), flops, cancel, fn, err);
    if (st) return st;
    lu_call *c = pool_take(p, sizeof *c);
    c->what = what; c->n = (lapack_int)n; c->k = (lapack_int)k;
    c->A = pool_take(p, n * n * sizeof(double));
    c->B = pool_take(p, n * k * sizeof(double));
    c->piv = pool_take(p, n * sizeof(lapack_int));
    gn_mat_pack(c->A, a);
    if (b) gn_mat_pack(c->B, b);
    *out = c;
    return run_call(p, lu_run, c, cancel, fn, err);
}

int gn_mat_solve(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel, gn_err *err)
{
    if (square(a, "solve", err)) return GN_EINVAL;
    size_t n = a->size1, k = b->size2;
    if (b->size1 != n)
        return gn_fail(err, GN_EINVAL, "solve: right-hand side has %zu rows, the %zux%zu matrix needs %zu",
                       b->size1, n, n, n);
    if (n == 0 || k == 0) return GN_OK;
    if (budget("solve", (double)n * n + (double)n * k, 0, err)) return GN_ENOMEM;
    pool p = {0};
    lu_call *c = NULL;
    int rc = lu(0, a, b, &p, &c, cancel, "solve", err);
    if (rc == GN_OK) {
        if (c->info > 0) rc = gn_fail(err, GN_ENUM, "solve: matrix is singular (zero pivot at %d)", (int)c->info);
        else if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "solve: LAPACK rejected argument %d", (int)-c->info);
        else gn_mat_unpack(x, c->B);
    }
    pool_close(&p);
    return rc;
}

int gn_mat_inv(gsl_matrix *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err)
{
    if (square(a, "inv", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("inv", (double)n * n, 64.0 * n, err)) return GN_ENOMEM;
    pool p = {0};
    lu_call *c = NULL;
    int rc = lu(1, a, NULL, &p, &c, cancel, "inv", err);
    if (rc == GN_OK) {
        if (c->info > 0) rc = gn_fail(err, GN_ENUM, "inv: matrix is singular (zero pivot at %d)", (int)c->info);
        else if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "inv: LAPACK rejected argument %d", (int)-c->info);
        else gn_mat_unpack(out, c->A);
    }
    pool_close(&p);
    return rc;
}

int gn_mat_det(double *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err)
{
    if (square(a, "det", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) { *out = 1; return GN_OK; }
    if (budget("det", (double)n * n, 0, err)) return GN_ENOMEM;
    pool p = {0};
    lu_call *c = NULL;
    int rc = lu(2, a, NULL, &p, &c, cancel, "det", err);
    if (rc == GN_OK) {
        if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "det: LAPACK rejected argument %d", (int)-c->info);
        else {
            double d = 1;   /* info > 0: an exact zero pivot, det 0 */
            for (size_t i = 0; i < n; i++) d *= c->A[i * n + i] * (c->piv[i] != (lapack_int)(i + 1) ? -1 : 1);
            *out = d;
        }
    }
    pool_close(&p);
    return rc;
}

/* ---- chol --------------------------------------------------------------------------- */

typedef struct {
    lapack_int n, info;
    double *A;
} chol_call;

static void chol_run(void *p)
{
    chol_call *c = p;
    c->info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', c->n, c->A, c->n);
}

int gn_mat_chol(gsl_matrix *out, const gsl_matrix *a, const gn_cancel *cancel, gn_err *err)
{
    if (square(a, "chol", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("chol", (double)n * n, 0, err)) return GN_ENOMEM;
    pool p = {0};
    int rc = open_for(&p, pool_round(sizeof(chol_call)) + POOL_D(n * n), (double)n * n * n / 3, cancel, "chol", err);
    if (rc) return rc;
    chol_call *c = pool_take(&p, sizeof *c);
    c->n = (lapack_int)n;
    c->A = pool_take(&p, n * n * sizeof(double));
    gn_mat_pack(c->A, a);
    rc = run_call(&p, chol_run, c, cancel, "chol", err);
    if (rc == GN_OK) {
        double *A = c->A;
        if (c->info > 0)
            rc = gn_fail(err, GN_ENUM, "chol: matrix is not positive definite (leading minor %d)", (int)c->info);
        else if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "chol: LAPACK rejected argument %d", (int)-c->info);
        else {
            for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++) A[i * n + j] = 0;
            gn_mat_unpack(out, A);
        }
    }
    pool_close(&p);
    return rc;
}

/* ---- eig -------------------------------------------------------------------------------- */

typedef struct {
    int general;
    lapack_int n, info;
    double *A, *w, *wi, *V;
} eig_call;

static void eig_run(void *p)
{
    eig_call *c = p;
    if (!c->general) c->info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', c->n, c->A, c->n, c->w);
    else c->info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', c->n, c->A, c->n, c->w, c->wi, NULL, 1, c->V, c->n);
}

static int eig(int general, const gsl_matrix *a, pool *p, eig_call **out, const gn_cancel *cancel, gn_err *err)
{
    size_t n = a->size1;
    double flops = (general ? 25.0 : 9.0) * (double)n * n * n;
    int st = open_for(p, pool_round(sizeof(eig_call)) + POOL_D(n * n) * (general ? 2 : 1) + POOL_D(n) * 2, flops, cancel,
                      "eig", err);
    if (st) return st;
    eig_call *c = pool_take(p, sizeof *c);
    c->general = general; c->n = (lapack_int)n;
    c->A = pool_take(p, n * n * sizeof(double));
    c->w = pool_take(p, n * sizeof(double));
    c->wi = pool_take(p, n * sizeof(double));
    c->V = general ? pool_take(p, n * n * sizeof(double)) : NULL;
    gn_mat_pack(c->A, a);
    *out = c;
    return run_call(p, eig_run, c, cancel, "eig", err);
}

int gn_mat_eigsym(gsl_matrix *values, gsl_matrix *vectors, const gsl_matrix *a, const gn_cancel *cancel,
                  gn_err *err)
{
    if (square(a, "eig", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("eig", (double)n * n, 2.0 * n * n + 6.0 * n, err)) return GN_ENOMEM;
    pool p = {0};
    eig_call *c = NULL;
    int rc = eig(0, a, &p, &c, cancel, err);
    if (rc == GN_OK) {
        if (c->info > 0) rc = gn_fail(err, GN_ENUM, "eig: no convergence (LAPACK info %d)", (int)c->info);
        else if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "eig: LAPACK rejected argument %d", (int)-c->info);
        else {
            for (size_t i = 0; i < n; i++) values->data[i * values->tda] = c->w[i];
            gn_mat_unpack(vectors, c->A);
        }
    }
    pool_close(&p);
    return rc;
}

int gn_mat_eiggen(gsl_matrix *re, gsl_matrix *im, gsl_matrix *vre, gsl_matrix *vim,
                  const gsl_matrix *a, const gn_cancel *cancel, gn_err *err)
{
    if (square(a, "eig", err)) return GN_EINVAL;
    size_t n = a->size1;
    if (n == 0) return GN_OK;
    if (budget("eig", 2.0 * n * n, 4.0 * n, err)) return GN_ENOMEM;
    pool p = {0};
    eig_call *c = NULL;
    int rc = eig(1, a, &p, &c, cancel, err);
    if (rc == GN_OK) {
        const double *wr = c->w, *wi = c->wi, *V = c->V;
        if (c->info > 0) rc = gn_fail(err, GN_ENUM, "eig: QR algorithm did not converge (LAPACK info %d)", (int)c->info);
        else if (c->info < 0) rc = gn_fail(err, GN_EINVAL, "eig: LAPACK rejected argument %d", (int)-c->info);
        else {
            /* A complex pair (wi[j] > 0) stores v_j = V(:,j) + i V(:,j+1) and
             * its conjugate; unpack both into real and imaginary parts. */
            for (size_t j = 0; j < n; j++) {
                re->data[j * re->tda] = wr[j];
                im->data[j * im->tda] = wi[j];
                for (size_t i = 0; i < n; i++) {
                    double x = V[i * n + j], y = 0;
                    if (wi[j] > 0 && j + 1 < n) y = V[i * n + j + 1];
                    else if (wi[j] < 0 && j > 0) { x = V[i * n + j - 1]; y = -V[i * n + j]; }
                    vre->data[i * vre->tda + j] = x;
                    vim->data[i * vim->tda + j] = y;
                }
            }
        }
    }
    pool_close(&p);
    return rc;
}

/* ---- svd, lstsq ----------------------------------------------------------------------- */

typedef struct {
    lapack_int r, c, k, nrhs, info, rank;
    double rcond;
    double *A, *B, *s, *u, *vt;
} svd_call;

static void svd_run(void *p)
{
    svd_call *c = p;
    c->info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', c->r, c->c, c->A, c->c, c->s, c->u, c->k, c->vt, c->c);
}

static void lstsq_run(void *p)
{
    svd_call *c = p;
    c->info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, c->r, c->c, c->nrhs, c->A, c->c, c->B, c->nrhs, c->s, c->rcond,
                             &c->rank);
}

int gn_mat_svd(gsl_matrix *U, gsl_matrix *S, gsl_matrix *V, const gsl_matrix *a, const gn_cancel *cancel,
               gn_err *err)
{
    size_t r = a->size1, c = a->size2, k = r < c ? r : c;
    if (k == 0) return GN_OK;
    if (budget("svd", (double)r * c + (double)r * k + (double)k * c, 4.0 * k * k + 7.0 * k, err))
        return GN_ENOMEM;
    pool p = {0};
    double flops = 4.0 * r * c * k + 8.0 * (double)k * k * k;
    int rc = open_for(&p, pool_round(sizeof(svd_call)) + POOL_D(r * c) + POOL_D(k) + POOL_D(r * k) + POOL_D(k * c), flops, cancel,
                      "svd", err);
    if (rc) return rc;
    svd_call *sc = pool_take(&p, sizeof *sc);
    sc->r = (lapack_int)r; sc->c = (lapack_int)c; sc->k = (lapack_int)k;
    sc->A = pool_take(&p, r * c * sizeof(double));
    sc->s = pool_take(&p, k * sizeof(double));
    sc->u = pool_take(&p, r * k * sizeof(double));
    sc->vt = pool_take(&p, k * c * sizeof(double));
    gn_mat_pack(sc->A, a);
    rc = run_call(&p, svd_run, sc, cancel, "svd", err);
    if (rc == GN_OK) {
        if (sc->info > 0) rc = gn_fail(err, GN_ENUM, "svd: did not converge (LAPACK info %d)", (int)sc->info);
        else if (sc->info < 0) rc = gn_fail(err, GN_EINVAL, "svd: LAPACK rejected argument %d", (int)-sc->info);
        else {
            gn_mat_unpack(U, sc->u);
            for (size_t i = 0; i < k; i++) S->data[i * S->tda] = sc->s[i];
            for (size_t i = 0; i < c; i++)
                for (size_t j = 0; j < k; j++) V->data[i * V->tda + j] = sc->vt[j * c + i];
        }
    }
    pool_close(&p);
    return rc;
}

int gn_mat_lstsq(gsl_matrix *x, const gsl_matrix *a, const gsl_matrix *b, const gn_cancel *cancel, gn_err *err)
{
    size_t r = a->size1, c = a->size2, k = b->size2;
    if (b->size1 != r)
        return gn_fail(err, GN_EINVAL, "lstsq: right-hand side has %zu rows, the %zux%zu matrix needs %zu",
                       b->size1, r, c, r);
    if (r == 0 || c == 0 || k == 0) { gn_mat_fill(x, 0); return GN_OK; }
    size_t m = r > c ? r : c, mn = r < c ? r : c;
    if (budget("lstsq", (double)r * c + (double)m * k, 12.0 * m + 2.0 * m * k, err)) return GN_ENOMEM;
    pool p = {0};
    double flops = 4.0 * r * c * mn + 8.0 * (double)mn * mn * mn + 4.0 * (double)m * mn * k;
    int rc = open_for(&p, pool_round(sizeof(svd_call)) + POOL_D(r * c) + POOL_D(m * k) + POOL_D(mn), flops, cancel, "lstsq",
                      err);
    if (rc) return rc;
    svd_call *sc = pool_take(&p, sizeof *sc);
    sc->r = (lapack_int)r; sc->c = (lapack_int)c; sc->nrhs = (lapack_int)k;
    sc->rcond = DBL_EPSILON * (double)m;   /* NumPy's default cut-off */
    sc->A = pool_take(&p, r * c * sizeof(double));
    sc->B = pool_take(&p, m * k * sizeof(double));   /* zero beyond b's r rows */
    sc->s = pool_take(&p, mn * sizeof(double));
    gn_mat_pack(sc->A, a);
    gn_mat_pack(sc->B, b);
    rc = run_call(&p, lstsq_run, sc, cancel, "lstsq", err);
    if (rc == GN_OK) {
        if (sc->info > 0) rc = gn_fail(err, GN_ENUM, "lstsq: SVD did not converge (LAPACK info %d)", (int)sc->info);
        else if (sc->info < 0) rc = gn_fail(err, GN_EINVAL, "lstsq: LAPACK rejected argument %d", (int)-sc->info);
        else gn_mat_unpack(x, sc->B);   /* the first c rows hold the solution */
    }
    pool_close(&p);
    return rc;
}
