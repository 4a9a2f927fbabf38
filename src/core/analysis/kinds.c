/* kinds.c — k-means over z-scored neuron responses (k-means++ seeding, restarts). */
#include "kinds.h"
#include "pca.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

/* Points are stored row-wise (n×T), one z-scored response per row. */
static double dist2(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++) { double e = a[i] - b[i]; s += e * e; }
    return s;
}

/* k-means++: first centre uniform, each next one with probability
 * proportional to the squared distance to the nearest chosen centre. */
static void seed_pp(const double *P, size_t n, size_t d, size_t k, gsl_rng *rng, double *C, double *dmin)
{
    size_t first = gsl_rng_uniform_int(rng, n);
    memcpy(C, P + first * d, d * sizeof *C);
    for (size_t i = 0; i < n; i++) dmin[i] = dist2(P + i * d, C, d);
    for (size_t c = 1; c < k; c++) {
        double tot = 0;
        for (size_t i = 0; i < n; i++) tot += dmin[i];
        size_t pick = 0;
        if (tot > 0) {
            double u = gsl_rng_uniform(rng) * tot, acc = 0;
            for (pick = 0; pick < n - 1; pick++) { acc += dmin[pick]; if (acc > u) break; }
        } else {
            pick = gsl_rng_uniform_int(rng, n);   /* all points coincide */
        }
        memcpy(C + c * d, P + pick * d, d * sizeof *C);
        for (size_t i = 0; i < n; i++) {
            double e = dist2(P + i * d, C + c * d, d);
            if (e < dmin[i]) dmin[i] = e;
        }
    }
}

/* Lloyd iterations; returns the inertia. */
static double lloyd(const double *P, size_t n, size_t d, size_t k, size_t maxiter,
                    double *C, size_t *lab, size_t *cnt)
{
    double inertia = 0;
    for (size_t i = 0; i < n; i++) lab[i] = (size_t)-1;
    for (size_t it = 0; it < maxiter; it++) {
        int changed = 0;
        inertia = 0;
        for (size_t i = 0; i < n; i++) {
            size_t best = 0; double bd = DBL_MAX;
            for (size_t c = 0; c < k; c++) {
                double e = dist2(P + i * d, C + c * d, d);
                if (e < bd) { bd = e; best = c; }
            }
            if (lab[i] != best) { lab[i] = best; changed = 1; }
            inertia += bd;
        }
        if (!changed) break;
        memset(C, 0, k * d * sizeof *C);
        memset(cnt, 0, k * sizeof *cnt);
        for (size_t i = 0; i < n; i++) {
            cnt[lab[i]]++;
            for (size_t t = 0; t < d; t++) C[lab[i] * d + t] += P[i * d + t];
        }
        for (size_t c = 0; c < k; c++)
            if (cnt[c])
                for (size_t t = 0; t < d; t++) C[c * d + t] /= (double)cnt[c];
        for (size_t c = 0; c < k; c++) {
            if (cnt[c]) continue;
            /* Re-seed an emptied cluster with the point farthest from its
             * own centre (taken from a cluster that can spare it). */
            size_t far = 0; double fd = -1;
            for (size_t i = 0; i < n; i++) {
                double e = dist2(P + i * d, C + lab[i] * d, d);
                if (cnt[lab[i]] > 1 && e > fd) { fd = e; far = i; }
            }
            memcpy(C + c * d, P + far * d, d * sizeof *C);
            cnt[lab[far]]--; cnt[c] = 1;
        }
    }
    return inertia;
}

int gn_kinds_fit(const gsl_matrix *R, size_t k, size_t restarts, size_t maxiter,
                 gsl_rng *rng, gsl_matrix *centroids, size_t *label, double *inertia,
                 gn_cancel *cancel, gn_err *err)
{
    size_t T = R->size1, n = R->size2;
    if (k < 1 || k > n) return gn_fail(err, GN_EINVAL, "k must be between 1 and the number of neurons %zu, got %zu", n, k);
    if (restarts < 1) return gn_fail(err, GN_EINVAL, "restarts must be >= 1, got %zu", restarts);
    if (centroids->size1 != T || centroids->size2 != k)
        return gn_fail(err, GN_EINVAL, "centroids must be %zux%zu, got %zux%zu", T, k, centroids->size1, centroids->size2);
    if (!rng) return gn_fail(err, GN_EINVAL, "a random generator is required");
    if (!gn_pca_finite(R)) return gn_fail(err, GN_EINVAL, "responses contain NaN or Inf");
    if (maxiter == 0) maxiter = 300;
    double *P = malloc(n * T * sizeof *P), *C = malloc(k * T * sizeof *C), *Cb = malloc(k * T * sizeof *Cb);
    double *dmin = malloc(n * sizeof *dmin);
    size_t *lab = malloc(n * sizeof *lab), *labb = malloc(n * sizeof *labb), *cnt = malloc(k * sizeof *cnt);
    size_t *map = malloc(k * sizeof *map);
    int st = GN_OK;
    if (!P || !C || !Cb || !dmin || !lab || !labb || !cnt || !map) {
        st = gn_fail(err, GN_ENOMEM, "out of memory clustering %zu responses of length %zu", n, T);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double m = 0, ss = 0, amax = 0;
        for (size_t t = 0; t < T; t++) { double v = gsl_matrix_get(R, t, i); m += v; amax = fmax(amax, fabs(v)); }
        m /= (double)T;
        for (size_t t = 0; t < T; t++) { double v = gsl_matrix_get(R, t, i) - m; ss += v * v; }
        double sd = sqrt(ss / (double)T);
        int flat = sd <= 1e-12 * (1 + amax);
        for (size_t t = 0; t < T; t++)
            P[i * T + t] = flat ? 0.0 : (gsl_matrix_get(R, t, i) - m) / sd;
    }
    double best = DBL_MAX;
    for (size_t r = 0; r < restarts; r++) {
        if (gn_cancel_check(cancel)) { st = GN_EINTR; gn_fail(err, GN_EINTR, "interrupted"); goto done; }
        seed_pp(P, n, T, k, rng, C, dmin);
        double in = lloyd(P, n, T, k, maxiter, C, lab, cnt);
        if (in < best) {
            best = in;
            memcpy(Cb, C, k * T * sizeof *C);
            memcpy(labb, lab, n * sizeof *lab);
        }
    }
    /* Renumber types by first appearance. */
    for (size_t c = 0; c < k; c++) map[c] = (size_t)-1;
    size_t next = 0;
    for (size_t i = 0; i < n; i++)
        if (map[labb[i]] == (size_t)-1) map[labb[i]] = next++;
    for (size_t c = 0; c < k; c++) if (map[c] == (size_t)-1) map[c] = next++;
    for (size_t i = 0; i < n; i++) label[i] = map[labb[i]];
    for (size_t c = 0; c < k; c++)
        for (size_t t = 0; t < T; t++) gsl_matrix_set(centroids, t, map[c], Cb[c * T + t]);
    if (inertia) *inertia = best;
done:
    free(P); free(C); free(Cb); free(dmin); free(lab); free(labb); free(cnt); free(map);
    return st;
}
