/* test_pca.c — PCA against GSL's symmetric eigensolver on the covariance and against NumPy. */
#include "check.h"
#include "pca.h"
#include "gram.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Correlated data with a clear spectrum: X = Z·M + 0.05·noise + offsets. */
static gsl_matrix *make_data(gsl_rng *r, size_t T, size_t n)
{
    gsl_matrix *X = gsl_matrix_alloc(T, n), *Z = gsl_matrix_alloc(T, 3), *M = gsl_matrix_alloc(3, n);
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < 3; c++) gsl_matrix_set(Z, t, c, gsl_ran_gaussian(r, 3.0 - c * 0.9));
    for (size_t c = 0; c < 3; c++)
        for (size_t j = 0; j < n; j++) gsl_matrix_set(M, c, j, gsl_ran_gaussian(r, 1.0));
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, Z, M, 0.0, X);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(X, t, j, gsl_matrix_get(X, t, j) + 0.05 * gsl_ran_gaussian(r, 1.0) + 2.385 * j);
    gsl_matrix_free(Z); gsl_matrix_free(M);
    return X;
}

/* Covariance eigen-decomposition as the independent reference. */
static void cov_eigen(const gsl_matrix *X, gsl_vector *eval, gsl_matrix *evec)
{
    size_t T = X->size1, n = X->size2;
    gsl_matrix *Xc = gsl_matrix_alloc(T, n), *C = gsl_matrix_alloc(n, n);
    gsl_matrix_memcpy(Xc, X);
    for (size_t j = 0; j < n; j++) {
        gsl_vector_view c = gsl_matrix_column(Xc, j);
        double m = 0;
        for (size_t t = 0; t < T; t++) m += gsl_vector_get(&c.vector, t);
        gsl_vector_add_constant(&c.vector, -m / T);
    }
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0 / (T - 1), Xc, Xc, 0.0, C);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(n);
    gsl_eigen_symmv(C, eval, evec, w);
    gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
    gsl_eigen_symmv_free(w); gsl_matrix_free(Xc); gsl_matrix_free(C);
}

static void check_against_eigen(const gsl_matrix *X, const char *tag)
{
    size_t T = X->size1, n = X->size2;
    gn_err e = {0};
    gn_pca *p = gn_pca_alloc(T, n, &e);
    CHECK(p && gn_pca_fit(p, X, &e) == GN_OK, "%s: fit succeeds %s", tag, e.msg);
    gsl_vector *eval = gsl_vector_alloc(n); gsl_matrix *evec = gsl_matrix_alloc(n, n);
    cov_eigen(X, eval, evec);
    double tot = 0, maxdv = 0, maxdc = 0, maxsc = 0, sumexp = 0;
    for (size_t j = 0; j < n; j++) tot += gsl_vector_get(eval, j) > 0 ? gsl_vector_get(eval, j) : 0;
    for (size_t c = 0; c < 3; c++) {
        maxdv = fmax(maxdv, fabs(gsl_vector_get(p->var, c) - gsl_vector_get(eval, c)) / gsl_vector_get(eval, 0));
        double dot = 0;
        for (size_t j = 0; j < n; j++) dot += gsl_matrix_get(p->components, j, c) * gsl_matrix_get(evec, j, c);
        maxdc = fmax(maxdc, 1 - fabs(dot));
    }
    for (size_t c = 0; c < p->k; c++) sumexp += gsl_vector_get(p->explained, c);
    CHECK(maxdv < 1e-12, "%s: top-3 variances match covariance eigenvalues (rel err %.2g)", tag, maxdv);
    CHECK(maxdc < 1e-10, "%s: top-3 axes match eigenvectors up to sign (1-|cos| %.2g)", tag, maxdc);
    CHECK_NEAR(gsl_vector_get(p->explained, 0), gsl_vector_get(eval, 0) / tot, 1e-12, "%s: explained[1] = λ1/Σλ", tag);
    CHECK_NEAR(sumexp, 1.0, 1e-12, "%s: explained sums to 1", tag);
    /* scores reproduce the centred data: Xc = scores·componentsᵀ */
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++) {
            double v = gsl_vector_get(p->mean, j);
            for (size_t c = 0; c < p->k; c++) v += gsl_matrix_get(p->scores, t, c) * gsl_matrix_get(p->components, j, c);
            maxsc = fmax(maxsc, fabs(v - gsl_matrix_get(X, t, j)));
        }
    CHECK(maxsc < 1e-9, "%s: mean + scores·axesᵀ reconstructs X (max err %.2g)", tag, maxsc);
    double s1 = 0, s2 = 0;
    for (size_t j = 0; j < n; j++) { double l = fmax(gsl_vector_get(eval, j), 0); s1 += l; s2 += l * l; }
    CHECK_NEAR(gn_pca_participation(p), s1 * s1 / s2, 1e-10, "%s: participation ratio = (Σλ)²/Σλ² of eigenvalues", tag);
    size_t np = 0; double acc = 0;
    while (acc < 0.99 * tot) acc += gsl_vector_get(eval, np++);
    CHECK(gn_pca_npcs(p, 0.99) == np, "%s: npcs(0.99) = %zu (reference %zu)", tag, gn_pca_npcs(p, 0.99), np);
    gsl_vector_free(eval); gsl_matrix_free(evec); gn_pca_free(p);
}

static void check_numpy(const gsl_matrix *X)
{
    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) { SKIP("NumPy reference: /usr/bin/python3 with numpy absent"); return; }
    char path[] = "/tmp/gn_pca_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { SKIP("NumPy reference: cannot create a temp file"); return; }
    FILE *f = fdopen(fd, "w");
    for (size_t t = 0; t < X->size1; t++)
        for (size_t j = 0; j < X->size2; j++) fprintf(f, "%.17g%c", gsl_matrix_get(X, t, j), j + 1 < X->size2 ? ' ' : '\n');
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import numpy as np; X=np.loadtxt('%s'); Xc=X-X.mean(0); "
             "u,s,vt=np.linalg.svd(Xc,full_matrices=False); e=s**2/(s**2).sum(); v=vt[0]*np.sign(vt[0][np.argmax(abs(vt[0]))]); "
             "print(' '.join('%%.17g'%%x for x in list(e[:4])+list(v)))\"", path);
    FILE *pp = popen(cmd, "r");
    double ref[64]; int got = 0;
    while (got < 64 && pp && fscanf(pp, "%lg", &ref[got]) == 1) got++;
    if (pp) pclose(pp);
    remove(path);
    gn_err e = {0};
    gn_pca *p = gn_pca_alloc(X->size1, X->size2, &e);
    gn_pca_fit(p, X, &e);
    CHECK(got == 4 + (int)X->size2, "NumPy produced its reference (%d numbers)", got);
    double d = 0;
    for (int c = 0; c < 4 && c < got; c++) d = fmax(d, fabs(gsl_vector_get(p->explained, c) - ref[c]));
    CHECK(d < 1e-12, "explained ratios match NumPy's SVD (max diff %.2g)", d);
    d = 0;
    for (size_t j = 0; j < X->size2 && 4 + (int)j < got; j++) d = fmax(d, fabs(gsl_matrix_get(p->components, j, 0) - ref[4 + j]));
    CHECK(d < 1e-10, "first axis matches NumPy's, same sign convention (max diff %.2g)", d);
    gn_pca_free(p);
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    gsl_matrix *X = make_data(r, 500, 12);
    check_against_eigen(X, "T>n (500x12)");
    check_numpy(X);
    gsl_matrix *Y = make_data(r, 9, 30);
    check_against_eigen(Y, "T<n (9x30)");

    /* Analytic case: two orthogonal directions with variances 4 and 1
     * (x = 2a e1 + b e2, a,b = ±1 balanced) → explained (0.8, 0.2), PR 25/17. */
    gsl_matrix *Z = gsl_matrix_alloc(4, 3);
    double pts[4][2] = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
    for (int t = 0; t < 4; t++) {
        gsl_matrix_set(Z, t, 0, 2 * pts[t][0] + 5); gsl_matrix_set(Z, t, 1, pts[t][1]); gsl_matrix_set(Z, t, 2, -1.5);
    }
    gn_err e = {0};
    gn_pca *p = gn_pca_alloc(4, 3, &e);
    CHECK(gn_pca_fit(p, Z, &e) == GN_OK, "analytic: fit");
    CHECK_NEAR(gsl_vector_get(p->explained, 0), 0.8, 1e-14, "analytic: explained[1] = 0.8");
    CHECK_NEAR(gsl_vector_get(p->explained, 1), 0.2, 1e-14, "analytic: explained[2] = 0.2");
    CHECK_NEAR(gsl_vector_get(p->var, 0), 16.0 / 3, 1e-13, "analytic: variance 4·4/3 with T−1 normalisation");
    CHECK_NEAR(gn_pca_participation(p), 25.0 / 17, 1e-13, "analytic: participation 25/17");
    CHECK(gn_pca_npcs(p, 0.8) == 1 && gn_pca_npcs(p, 0.81) == 2 && gn_pca_npcs(p, 1.0) == 2, "analytic: npcs 0.8→1, 0.81→2, 1→2");
    CHECK_NEAR(gsl_vector_get(p->mean, 0), 5.0, 1e-14, "analytic: mean");

    /* Error paths and degenerate data. */
    gsl_matrix_set(Z, 2, 1, NAN);
    CHECK(gn_pca_fit(p, Z, &e) == GN_EINVAL && strstr(e.msg, "NaN"), "NaN data refused: %s", e.msg);
    CHECK(gn_pca_fit(p, X, &e) == GN_EINVAL && strstr(e.msg, "must be 4x3"), "shape mismatch refused: %s", e.msg);
    gsl_matrix_set_all(Z, 3.25);
    CHECK(gn_pca_fit(p, Z, &e) == GN_OK && gn_pca_npcs(p, 0.9) == 0 && gn_pca_participation(p) == 0,
          "constant data: npcs 0, participation 0");
    CHECK(gn_pca_alloc(0, 3, &e) == NULL, "0 observations refused: %s", e.msg);
    gn_pca_free(p);

    /* The QR path on a wide 5000×256 matrix (as CCA and ill-conditioned PCA
     * use it) against the eigenvalues of its Gram matrix: GSL's one-sided
     * Jacobi, used here before, returned success with values 3.6% off. */
    {
        size_t M = 5000, N = 256;
        gn_svd *w = gn_svd_alloc(M, N, 0, &e);
        gsl_matrix *G = gsl_matrix_alloc(N, N), *A = gsl_matrix_alloc(M, N), *EV = gsl_matrix_alloc(N, N);
        gsl_vector *ev = gsl_vector_alloc(N);
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++)
                gsl_matrix_set(A, i, j, gsl_ran_gaussian(r, 1.0) * (1 + 0.01 * (double)j));
        gsl_matrix_memcpy(w->A, A);
        CHECK(gn_svd_run(w, &e) == GN_OK && !w->gram, "wide QR-path SVD runs");
        gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, A, 0.0, G);
        gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(N);
        gsl_eigen_symmv(G, ev, EV, ws);
        gsl_eigen_symmv_sort(ev, EV, GSL_EIGEN_SORT_VAL_DESC);
        double worst = 0;
        for (size_t k = 0; k < N; k++) {
            double want = sqrt(gsl_vector_get(ev, k)), rel = fabs(gsl_vector_get(w->s, k) - want) / want;
            if (rel > worst) worst = rel;
        }
        CHECK(worst < 1e-10, "wide QR-path singular values match the Gram eigenvalues (worst rel %.2g)", worst);
        gsl_eigen_symmv_free(ws);
        gsl_matrix_free(G); gsl_matrix_free(A); gsl_matrix_free(EV); gsl_vector_free(ev);
        gn_svd_free(w);
    }
    /* In a child process (GANGLION_LAPACK_CHILD=0 sends every run with a
     * cancellation there): bit for bit the fit made here, on the Gram path
     * (tall), the QR path (rank-deficient: collinear columns) and the wide
     * case (U wanted); a stop before the fork gives GN_EINTR. */
    {
        setenv("GANGLION_LAPACK_CHILD", "0", 1);
        gsl_matrix *tall = make_data(r, 200, 9), *wide = make_data(r, 7, 30), *col = make_data(r, 150, 6);
        for (size_t t = 0; t < 150; t++) gsl_matrix_set(col, t, 5, 2 * gsl_matrix_get(col, t, 1));
        gsl_matrix *data[3] = {tall, col, wide};
        const char *tag[3] = {"Gram path", "QR path", "wide"};
        for (int d = 0; d < 3; d++) {
            gn_err e = {0};
            gn_pca *p1 = gn_pca_alloc(data[d]->size1, data[d]->size2, &e);
            gn_pca *p2 = gn_pca_alloc(data[d]->size1, data[d]->size2, &e);
            volatile int flag = 0;
            gn_cancel cc = {.stop = &flag};
            p2->ws->cancel = &cc;
            int s1 = gn_pca_fit(p1, data[d], &e), s2 = gn_pca_fit(p2, data[d], &e);
            int same = !s1 && !s2 && p1->ws->gram == p2->ws->gram &&
                       !memcmp(p1->components->data, p2->components->data,
                               p1->components->size1 * p1->components->size2 * sizeof(double)) &&
                       !memcmp(p1->var->data, p2->var->data, p1->k * sizeof(double)) &&
                       !memcmp(p1->scores->data, p2->scores->data, p1->T * p1->k * sizeof(double));
            CHECK(same, "pca in a child (%s, gram=%d): bit for bit the fit made here", tag[d], p2->ws->gram);
            flag = 1;
            CHECK(gn_pca_fit(p2, data[d], &e) == GN_EINTR, "pca (%s): a raised stop gives GN_EINTR: %s", tag[d],
                  e.msg);
            gn_pca_free(p1); gn_pca_free(p2);
        }
        /* the covariance eigenproblem (npcs, participation, PCA similarity) */
        gn_err e = {0};
        volatile int flag = 0;
        gn_cancel cc = {.stop = &flag};
        gn_pca *a1 = gn_pca_axes(tall, NULL, &e), *a2 = gn_pca_axes(tall, &cc, &e);
        CHECK(a1 && a2 && !memcmp(a1->var->data, a2->var->data, 9 * sizeof(double)) &&
              !memcmp(a1->components->data, a2->components->data, 81 * sizeof(double)),
              "covariance eigenvalues and axes in a child: bit for bit those made here");
        flag = 1;
        gn_pca *a3 = gn_pca_axes(tall, &cc, &e);
        CHECK(!a3 && e.code == GN_EINTR, "covariance eigenvalues: a raised stop gives GN_EINTR (%s)", e.msg);
        gn_pca_free(a1); gn_pca_free(a2);
        gsl_matrix_free(tall); gsl_matrix_free(wide); gsl_matrix_free(col);
        unsetenv("GANGLION_LAPACK_CHILD");
    }
    gsl_matrix_free(X); gsl_matrix_free(Y); gsl_matrix_free(Z); gsl_rng_free(r);
    CHECK_DONE();
}
