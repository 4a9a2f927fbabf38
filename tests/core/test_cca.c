/* test_cca.c — canonical correlations with planted values, and Procrustes recovering a known rotation. */
#include "check.h"
#include "cca.h"
#include "procrustes.h"
#include "pca.h"
#include "gram.h"
#include "poll_count.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

/* T×m matrix with orthonormal, zero-mean columns. */
static gsl_matrix *orth_centred(gsl_rng *r, size_t T, size_t m)
{
    gsl_matrix *Q = gsl_matrix_alloc(T, m + 1);
    for (size_t t = 0; t < T; t++) {
        gsl_matrix_set(Q, t, 0, 1.0);
        for (size_t j = 1; j <= m; j++) gsl_matrix_set(Q, t, j, gsl_ran_gaussian(r, 1));
    }
    /* Modified Gram–Schmidt, twice; column 0 (constants) makes the rest zero-mean. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j <= m; j++) {
            gsl_vector_view qj = gsl_matrix_column(Q, j);
            for (size_t i = 0; i < j; i++) {
                gsl_vector_view qi = gsl_matrix_column(Q, i);
                double d; gsl_blas_ddot(&qi.vector, &qj.vector, &d);
                gsl_blas_daxpy(-d, &qi.vector, &qj.vector);
            }
            gsl_vector_scale(&qj.vector, 1.0 / gsl_blas_dnrm2(&qj.vector));
        }
    gsl_matrix *O = gsl_matrix_alloc(T, m);
    gsl_matrix_view sub = gsl_matrix_submatrix(Q, 0, 1, T, m);
    gsl_matrix_memcpy(O, &sub.matrix);
    gsl_matrix_free(Q);
    return O;
}

static void test_cca(gsl_rng *r)
{
    size_t T = 300;
    gsl_matrix *Q = orth_centred(r, T, 5);
    const double rho1 = 0.9, rho2 = 0.385;
    /* span A = {q1,q2,q3}; B's columns: rho1 q1 + s1 q4, rho2 q2 + s2 q5, mixed and shifted. */
    gsl_matrix *A0 = gsl_matrix_alloc(T, 3), *B0 = gsl_matrix_alloc(T, 2), *A = gsl_matrix_alloc(T, 3), *B = gsl_matrix_alloc(T, 2);
    for (size_t t = 0; t < T; t++) {
        for (size_t j = 0; j < 3; j++) gsl_matrix_set(A0, t, j, gsl_matrix_get(Q, t, j));
        gsl_matrix_set(B0, t, 0, rho1 * gsl_matrix_get(Q, t, 0) + sqrt(1 - rho1 * rho1) * gsl_matrix_get(Q, t, 3));
        gsl_matrix_set(B0, t, 1, rho2 * gsl_matrix_get(Q, t, 1) + sqrt(1 - rho2 * rho2) * gsl_matrix_get(Q, t, 4));
    }
    double ma[9] = {2.0, 0.3, -1.1, 0.5, 1.7, 0.2, -0.4, 0.9, 1.3}, mb[4] = {1.5, -0.6, 0.8, 2.2};
    gsl_matrix_view Ma = gsl_matrix_view_array(ma, 3, 3), Mb = gsl_matrix_view_array(mb, 2, 2);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A0, &Ma.matrix, 0.0, A);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, B0, &Mb.matrix, 0.0, B);
    gsl_matrix_add_constant(A, 4.2);
    gsl_vector *rho = gsl_vector_alloc(2);
    size_t cnt = 0;
    gn_err e = {0};
    CHECK(gn_cca(A, B, rho, &cnt, NULL, &e) == GN_OK && cnt == 2, "cca runs, 2 correlations %s", e.msg);
    CHECK_NEAR(gsl_vector_get(rho, 0), rho1, 1e-12, "first canonical correlation = 0.9");
    CHECK_NEAR(gsl_vector_get(rho, 1), rho2, 1e-12, "second canonical correlation = 0.385");
    CHECK(gn_cca(B, A, rho, &cnt, NULL, &e) == GN_OK && fabs(gsl_vector_get(rho, 1) - rho2) < 1e-12, "cca is symmetric");

    /* A trace against itself with a duplicated column: rank 2 of 3. */
    gsl_matrix *D = gsl_matrix_alloc(T, 3);
    gsl_matrix_view Dl = gsl_matrix_submatrix(D, 0, 0, T, 2);
    gsl_matrix_memcpy(&Dl.matrix, B);
    for (size_t t = 0; t < T; t++) gsl_matrix_set(D, t, 2, 2 * gsl_matrix_get(B, t, 0) - gsl_matrix_get(B, t, 1));
    gsl_vector *rho3 = gsl_vector_alloc(3);
    CHECK(gn_cca(D, D, rho3, &cnt, NULL, &e) == GN_OK && cnt == 2, "rank-deficient trace: 2 correlations found (%zu)", cnt);
    CHECK(fabs(gsl_vector_get(rho3, 0) - 1) < 1e-12 && fabs(gsl_vector_get(rho3, 1) - 1) < 1e-12 && gsl_vector_get(rho3, 2) == 0,
          "a trace against itself: ones, then zeros for the missing rank");

    CHECK(gn_cca(A, B, rho3, &cnt, NULL, &e) == GN_EINVAL && strstr(e.msg, "length 2"), "wrong rho length refused: %s", e.msg);
    gsl_matrix_view short_b = gsl_matrix_submatrix(B, 0, 0, 10, 2);
    CHECK(gn_cca(A, &short_b.matrix, rho, &cnt, NULL, &e) == GN_EINVAL && strstr(e.msg, "same number"), "unequal T refused: %s", e.msg);

    /* NumPy reference on random data (no planted structure). */
    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) SKIP("NumPy CCA reference: numpy absent");
    else {
        char path[] = "/tmp/gn_cca_XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        gsl_matrix *X = gsl_matrix_alloc(40, 7);
        for (size_t t = 0; t < 40; t++)
            for (size_t j = 0; j < 7; j++) {
                double v = gsl_ran_gaussian(r, 1) + (j >= 4 ? 0.7 * gsl_matrix_get(X, t, j - 4) : 0);
                gsl_matrix_set(X, t, j, v);
                fprintf(f, "%.17g%c", v, j < 6 ? ' ' : '\n');
            }
        fclose(f);
        char cmd[600];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import numpy as np; X=np.loadtxt('%s'); X=X-X.mean(0); "
                 "qa,_=np.linalg.qr(X[:,:4]); qb,_=np.linalg.qr(X[:,4:]); "
                 "print(' '.join('%%.17g'%%v for v in np.linalg.svd(qa.T@qb,compute_uv=False)))\"", path);
        FILE *pp = popen(cmd, "r");
        double ref[3]; int got = 0;
        while (got < 3 && fscanf(pp, "%lg", &ref[got]) == 1) got++;
        pclose(pp); remove(path);
        gsl_matrix_view xa = gsl_matrix_submatrix(X, 0, 0, 40, 4), xb = gsl_matrix_submatrix(X, 0, 4, 40, 3);
        gn_cca(&xa.matrix, &xb.matrix, rho3, &cnt, NULL, &e);
        double d = 0;
        for (int c = 0; c < got; c++) d = fmax(d, fabs(ref[c] - gsl_vector_get(rho3, c)));
        CHECK(got == 3 && d < 1e-12, "random data: canonical correlations match NumPy (max diff %.2g)", d);
        gsl_matrix_free(X);
    }
    gsl_matrix_free(Q); gsl_matrix_free(A0); gsl_matrix_free(B0); gsl_matrix_free(A); gsl_matrix_free(B);
    gsl_matrix_free(D); gsl_vector_free(rho); gsl_vector_free(rho3);
}

/* Rate-like data (tanh of mixed latents whose scales span three decades,
 * covariance eigenvalue ratios near 1e-6, means far from zero): the Gram
 * path of gn_cca against the QR path and against NumPy (QR bases + SVD,
 * Björck–Golub); gn_cov_eigen against NumPy's eigvalsh of np.cov. */
static void test_cca_gram(gsl_rng *r)
{
    size_t T = 3000, p = 12, q = 9, nl = 14;
    gsl_matrix *Z = gsl_matrix_alloc(T, nl), *A = gsl_matrix_alloc(T, p), *B = gsl_matrix_alloc(T, q);
    for (size_t t = 0; t < T; t++)
        for (size_t l = 0; l < nl; l++)
            gsl_matrix_set(Z, t, l, pow(10, -3.0 * (double)l / (double)(nl - 1)) * gsl_ran_gaussian(r, 1) +
                                    (l < 3 ? sin(0.01 * (double)t * (double)(l + 1)) : 0));
    for (size_t t = 0; t < T; t++) {
        for (size_t i = 0; i < p; i++) {
            double v = 0.3 + 0.05 * (double)i;
            for (size_t l = 0; l < nl; l++) v += (l == i ? 1.0 : 0.15 * cos((double)(i * nl + l))) * gsl_matrix_get(Z, t, l);
            gsl_matrix_set(A, t, i, tanh(v));
        }
        for (size_t j = 0; j < q; j++) {
            double v = -0.2 + 0.1 * (double)j;
            for (size_t l = 0; l < nl; l++) v += (l == j + 3 ? 1.0 : 0.2 * sin((double)(j * nl + l + 7))) * gsl_matrix_get(Z, t, l);
            gsl_matrix_set(B, t, j, tanh(v) + 1e-4 * gsl_ran_gaussian(r, 1));
        }
        /* a nearly collinear unit, as after a merge: eigenvalue ratio ~1e-6 */
        gsl_matrix_set(A, t, p - 1, 0.8 * gsl_matrix_get(A, t, 0) + 0.2 * gsl_matrix_get(A, t, 1) +
                                    1e-3 * gsl_ran_gaussian(r, 1));
    }
    gsl_vector *rg = gsl_vector_alloc(q), *rq = gsl_vector_alloc(q), *var = gsl_vector_alloc(p);
    size_t cg = 0, cq = 0;
    gn_err e = {0};
    CHECK(gn_cca(A, B, rg, &cg, NULL, &e) == GN_OK && gn_cca_qr(A, B, rq, &cq, NULL, &e) == GN_OK && cg == q && cq == q,
          "rate-like data: both CCA paths run (%zu, %zu correlations) %s", cg, cq, e.msg);
    double d = 0;
    for (size_t c = 0; c < q; c++) d = fmax(d, fabs(gsl_vector_get(rg, c) - gsl_vector_get(rq, c)));
    CHECK(d < 1e-9, "Gram path agrees with the QR path (max diff %.2g, smallest rho %.3g)", d, gsl_vector_get(rq, q - 1));
    CHECK(gn_cov_eigen(A, var, NULL, NULL, &e) == GN_OK, "covariance spectrum runs %s", e.msg);
    if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) SKIP("NumPy references for the Gram path: numpy absent");
    else {
        char path[] = "/tmp/gn_ccag_XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        for (size_t t = 0; t < T; t++) {
            for (size_t i = 0; i < p; i++) fprintf(f, "%.17g ", gsl_matrix_get(A, t, i));
            for (size_t j = 0; j < q; j++) fprintf(f, "%.17g%c", gsl_matrix_get(B, t, j), j + 1 < q ? ' ' : '\n');
        }
        fclose(f);
        char cmd[900];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import numpy as np; X=np.loadtxt('%s'); X=X-X.mean(0); "
                 "qa,_=np.linalg.qr(X[:,:%zu]); qb,_=np.linalg.qr(X[:,%zu:]); "
                 "print(' '.join('%%.17g'%%v for v in np.linalg.svd(qa.T@qb,compute_uv=False))); "
                 "print(' '.join('%%.17g'%%v for v in np.linalg.eigvalsh(np.cov(X[:,:%zu].T))[::-1]))\"",
                 path, p, p, p);
        FILE *pp = popen(cmd, "r");
        double ref[32]; size_t got = 0;
        while (got < q + p && fscanf(pp, "%lg", &ref[got]) == 1) got++;
        pclose(pp); remove(path);
        double dr = 0, dv = 0, vmax = gsl_vector_get(var, 0);
        for (size_t c = 0; c < q && got == q + p; c++) dr = fmax(dr, fabs(ref[c] - gsl_vector_get(rg, c)));
        for (size_t c = 0; c < p && got == q + p; c++) dv = fmax(dv, fabs(ref[q + c] - gsl_vector_get(var, c)));
        CHECK(got == q + p && dr < 1e-9, "Gram-path canonical correlations match NumPy (max diff %.2g)", dr);
        CHECK(got == q + p && dv < 1e-13 * vmax && ref[q + p - 1] / ref[q] < 1e-5 && ref[q + p - 1] / ref[q] > GN_SVD_GRAM_RCOND,
              "covariance spectrum matches NumPy eigvalsh (max diff %.2g of %.3g; spread %.2g, Gram path)", dv, vmax,
              got == q + p ? ref[q + p - 1] / ref[q] : 0.0);
    }
    gsl_matrix_free(Z); gsl_matrix_free(A); gsl_matrix_free(B);
    gsl_vector_free(rg); gsl_vector_free(rq); gsl_vector_free(var);
}

static void test_procrustes(gsl_rng *r)
{
    size_t T = 80;
    gsl_matrix *B = gsl_matrix_alloc(T, 3), *A = gsl_matrix_alloc(T, 3), *Rot = gsl_matrix_alloc(3, 3);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < 3; j++) gsl_matrix_set(B, t, j, gsl_ran_gaussian(r, 1) + j);
    /* Known rotation: Rz(0.7)·Rx(−1.2). */
    double c1 = cos(0.7), s1 = sin(0.7), c2 = cos(-1.2), s2 = sin(-1.2);
    double rz[9] = {c1, -s1, 0, s1, c1, 0, 0, 0, 1}, rx[9] = {1, 0, 0, 0, c2, -s2, 0, s2, c2}, q[9];
    gsl_matrix_view Rz = gsl_matrix_view_array(rz, 3, 3), Rx = gsl_matrix_view_array(rx, 3, 3), Q = gsl_matrix_view_array(q, 3, 3);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Rz.matrix, &Rx.matrix, 0.0, &Q.matrix);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 2.385, B, &Q.matrix, 0.0, A);   /* A = 2.385·B·Q + shift */
    gsl_matrix_add_constant(A, -1.5);
    double disp = -1, sc = 0;
    gn_err e = {0};
    CHECK(gn_procrustes(A, B, Rot, &disp, &sc, NULL, &e) == GN_OK, "procrustes runs %s", e.msg);
    double d = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) d = fmax(d, fabs(gsl_matrix_get(Rot, i, j) - q[i * 3 + j]));
    CHECK(d < 1e-12, "recovers the rotation (max diff %.2g)", d);
    /* disparity = 1 - (trace of singular values)^2 cancels to rounding level */
    CHECK(disp < 1e-14, "disparity 0 for a rotated, scaled, shifted copy (%.2g)", disp);
    CHECK_NEAR(sc, 1.0, 1e-12, "scale 1 after unit-norm standardisation");

    /* Noisy copy vs SciPy's procrustes disparity. */
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < 3; j++) gsl_matrix_set(A, t, j, gsl_matrix_get(A, t, j) + 0.4 * gsl_ran_gaussian(r, 1));
    gn_procrustes(A, B, Rot, &disp, &sc, NULL, &e);
    if (system("/usr/bin/python3 -c 'import scipy.spatial' >/dev/null 2>&1") != 0) SKIP("SciPy procrustes reference: scipy absent");
    else {
        char path[] = "/tmp/gn_pro_XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");
        for (size_t t = 0; t < T; t++)
            fprintf(f, "%.17g %.17g %.17g %.17g %.17g %.17g\n", gsl_matrix_get(A, t, 0), gsl_matrix_get(A, t, 1), gsl_matrix_get(A, t, 2),
                    gsl_matrix_get(B, t, 0), gsl_matrix_get(B, t, 1), gsl_matrix_get(B, t, 2));
        fclose(f);
        char cmd[400];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import numpy as np; from scipy.spatial import procrustes; "
                 "X=np.loadtxt('%s'); print('%%.17g'%%procrustes(X[:,:3],X[:,3:])[2])\"", path);
        FILE *pp = popen(cmd, "r");
        double ref = -1;
        int got = fscanf(pp, "%lg", &ref);
        pclose(pp); remove(path);
        CHECK(got == 1 && fabs(ref - disp) < 1e-12 && disp > 1e-3, "noisy copy: disparity %.6f matches SciPy's %.6f", disp, ref);
    }
    /* Orthogonality of R and padding for unequal widths. */
    gsl_matrix_view A2 = gsl_matrix_submatrix(A, 0, 0, T, 2);
    double disp2 = 0;
    CHECK(gn_procrustes(&A2.matrix, B, Rot, &disp2, NULL, NULL, &e) == GN_OK && disp2 > 0 && disp2 < 1, "unequal widths (2 vs 3) are padded: disparity %.3f", disp2);
    gsl_matrix *G = gsl_matrix_alloc(3, 3);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Rot, Rot, 0.0, G);
    d = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) d = fmax(d, fabs(gsl_matrix_get(G, i, j) - (i == j)));
    CHECK(d < 1e-12, "rotation is orthogonal (|RᵀR − I| %.2g)", d);
    gsl_matrix *Cst = gsl_matrix_alloc(T, 3);
    gsl_matrix_set_all(Cst, 2.0);
    CHECK(gn_procrustes(Cst, B, NULL, &disp, NULL, NULL, &e) == GN_EINVAL && strstr(e.msg, "no variance"), "constant trace refused: %s", e.msg);
    gsl_matrix *R2 = gsl_matrix_alloc(2, 2);
    CHECK(gn_procrustes(A, B, R2, &disp, NULL, NULL, &e) == GN_EINVAL, "wrong rotation shape refused: %s", e.msg);
    gsl_matrix_free(A); gsl_matrix_free(B); gsl_matrix_free(Rot); gsl_matrix_free(G); gsl_matrix_free(Cst); gsl_matrix_free(R2);
}

/* With a cancellation and GANGLION_LAPACK_CHILD=0, CCA's QR path and
 * Procrustes run in a child process (a small Gram path stays in this one):
 * bit for bit the results made without a cancellation, exactly two polls
 * either way, and a stop at the first poll returns GN_EINTR. */
static void test_child(gsl_rng *r)
{
    setenv("GANGLION_LAPACK_CHILD", "0", 1);
    gn_err e = {0};
    gsl_matrix *A = randm(r, 240, 11), *B = randm(r, 240, 8), *D = gsl_matrix_alloc(240, 8);
    /* D: B with a duplicated column, so the Gram path hands over to the QR path */
    gsl_matrix_memcpy(D, B);
    for (size_t t = 0; t < 240; t++) gsl_matrix_set(D, t, 7, gsl_matrix_get(D, t, 2));
    const gsl_matrix *second[2] = {B, D};
    for (int k = 0; k < 2; k++)
        for (int qr = 0; qr < 2; qr++) {
            gsl_vector *r0 = gsl_vector_alloc(8), *r1 = gsl_vector_alloc(8);
            size_t c0 = 0, c1 = 0;
            counter c = {0, 0};
            gn_cancel cc = {.poll = count_poll, .ud = &c};
            int s0 = qr ? gn_cca_qr(A, second[k], r0, &c0, NULL, &e) : gn_cca(A, second[k], r0, &c0, NULL, &e);
            int s1 = qr ? gn_cca_qr(A, second[k], r1, &c1, &cc, &e) : gn_cca(A, second[k], r1, &c1, &cc, &e);
            CHECK(s0 == GN_OK && s1 == GN_OK && c0 == c1 && c.polls == 2 &&
                  memcmp(r0->data, r1->data, 8 * sizeof(double)) == 0,
                  "%s%s in a child: bit for bit, %zu correlations, two polls (%d)", qr ? "cca_qr" : "cca",
                  k ? " (duplicated column)" : "", c1, c.polls);
            counter cs = {0, 1};
            gn_cancel ccs = {.poll = count_poll, .ud = &cs};
            s1 = qr ? gn_cca_qr(A, second[k], r1, &c1, &ccs, &e) : gn_cca(A, second[k], r1, &c1, &ccs, &e);
            CHECK(s1 == GN_EINTR && cs.polls == 1, "%s: a stop at the first poll returns GN_EINTR (%s)",
                  qr ? "cca_qr" : "cca", e.msg);
            gsl_vector_free(r0); gsl_vector_free(r1);
        }
    gsl_matrix *R0 = gsl_matrix_alloc(11, 11), *R1 = gsl_matrix_alloc(11, 11);
    double d0, d1, s0, s1;
    counter c = {0, 0};
    gn_cancel cc = {.poll = count_poll, .ud = &c};
    CHECK(gn_procrustes(A, B, R0, &d0, &s0, NULL, &e) == GN_OK &&
          gn_procrustes(A, B, R1, &d1, &s1, &cc, &e) == GN_OK && c.polls == 2 && d0 == d1 && s0 == s1 &&
          memcmp(R0->data, R1->data, 121 * sizeof(double)) == 0,
          "procrustes in a child: bit for bit (disparity %.6f), two polls (%d)", d1, c.polls);
    counter cs = {0, 1};
    gn_cancel ccs = {.poll = count_poll, .ud = &cs};
    CHECK(gn_procrustes(A, B, R1, &d1, &s1, &ccs, &e) == GN_EINTR && cs.polls == 1,
          "procrustes: a stop at the first poll returns GN_EINTR (%s)", e.msg);
    /* an error found in the child comes back with its message */
    gsl_matrix *Cst = gsl_matrix_alloc(240, 8);
    gsl_matrix_set_all(Cst, 0.5);   /* its mean is exact: no variance at all */
    counter ce = {0, 0};
    gn_cancel cce = {.poll = count_poll, .ud = &ce};
    CHECK(gn_procrustes(A, Cst, NULL, &d1, NULL, &cce, &e) == GN_EINVAL && strstr(e.msg, "no variance"),
          "an error in the child comes back: %s", e.msg);
    unsetenv("GANGLION_LAPACK_CHILD");
    counter cn = {0, 0};
    gn_cancel ccn = {.poll = count_poll, .ud = &cn};
    gsl_vector *rho = gsl_vector_alloc(8);
    CHECK(gn_cca(A, B, rho, NULL, &ccn, &e) == GN_OK && gn_procrustes(A, B, R1, &d1, NULL, &ccn, &e) == GN_OK &&
          cn.polls == 0, "small CCA and Procrustes never poll (%d polls)", cn.polls);
    gsl_vector_free(rho);
    gsl_matrix_free(A); gsl_matrix_free(B); gsl_matrix_free(D); gsl_matrix_free(R0); gsl_matrix_free(R1);
    gsl_matrix_free(Cst);
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 385);
    test_cca(r);
    test_cca_gram(r);
    test_procrustes(r);
    test_child(r);
    gsl_rng_free(r);
    CHECK_DONE();
}
