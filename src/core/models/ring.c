/* ring.c — ring attractor network of Ben-Yishai, Bar-Or & Sompolinsky (1995):
 * Euler stepping with an O(n) recurrent product, and bump measurements. */
#include "ring.h"
#include "mat.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>

void gn_ring_params_default(gn_ring_params *p)
{
    p->n = 100;
    p->w0 = -2;
    p->w1 = 4;
    p->h0 = 1;
    p->h1 = 0.5;
    p->T = 0;
    p->tau = 10;
    p->dt = 1;
}

void gn_ring_params_notebook(gn_ring_params *p)
{
    gn_ring_params_default(p);
    p->w0 = 0.9;
    p->w1 = 1;
    p->h0 = 2;
    p->h1 = 1;
    p->T = 2;
}

int gn_ring_meanfield(const gn_ring_params *p, double *thc, double *height, double *width)
{
    *thc = *height = *width = NAN;
    if (!(p->w1 > 2) || !isfinite(p->w1)) return 0;
    double lo = 0, hi = M_PI, target = 1 / p->w1;
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if ((2 * mid - sin(2 * mid)) / (4 * M_PI) < target) lo = mid;
        else hi = mid;
    }
    double t = 0.5 * (lo + hi), c = cos(t);
    double denom = -c - p->w0 * (sin(t) - t * c) / M_PI;
    double A = (p->h0 - p->T) / denom;
    if (!(A > 0) || !isfinite(A)) return 0;
    *thc = t;
    *height = A * (1 - c);
    *width = 2 * acos((1 + c) / 2);
    return 1;
}

gn_ring *gn_ring_alloc(const gn_ring_params *p, gn_err *err)
{
    if (!p) { gn_fail(err, GN_EINVAL, "parameters missing"); return NULL; }
    if (p->n == 0) { gn_fail(err, GN_EINVAL, "n must be >= 1, got 0"); return NULL; }
    /* O(n) storage: the weights are never stored unless dense mode asks */
    if (gn_check_size(p->n, 1, err)) return NULL;
    const char *names[] = {"w0", "w1", "h0", "h1", "T", "tau", "dt"};
    const double vals[] = {p->w0, p->w1, p->h0, p->h1, p->T, p->tau, p->dt};
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++)
        if (!isfinite(vals[k])) {
            gn_fail(err, GN_EINVAL, "%s must be a finite number, got %g", names[k], vals[k]);
            return NULL;
        }
    if (!(p->tau > 0)) { gn_fail(err, GN_EINVAL, "tau must be > 0, got %g", p->tau); return NULL; }
    if (!(p->dt > 0)) { gn_fail(err, GN_EINVAL, "dt must be > 0, got %g", p->dt); return NULL; }
    /* Euler with dt > tau overshoots the leak (factor 1 − dt/τ < 0). */
    if (p->dt > p->tau) {
        gn_fail(err, GN_EINVAL, "dt (%g) must not exceed tau (%g)", p->dt, p->tau);
        return NULL;
    }
    gn_ring *ring = calloc(1, sizeof *ring);
    if (!ring) { gn_fail(err, GN_ENOMEM, "out of memory"); return NULL; }
    ring->p = *p;
    ring->r = gsl_vector_calloc(p->n);
    ring->u = gsl_vector_alloc(p->n);
    ring->cs = malloc(p->n * sizeof *ring->cs);
    ring->sn = malloc(p->n * sizeof *ring->sn);
    if (!ring->r || !ring->u || !ring->cs || !ring->sn) {
        gn_ring_free(ring);
        gn_fail(err, GN_ENOMEM, "out of memory for a %zu-unit ring", p->n);
        return NULL;
    }
    for (size_t i = 0; i < p->n; i++) {
        double th = 2 * M_PI * (double)i / (double)p->n;
        ring->cs[i] = cos(th);
        ring->sn[i] = sin(th);
    }
    /* The first cue points at the middle unit (θ = π), so a bump drawn as a
     * heatmap (units left to right) sits in its middle, not split across
     * its edges. */
    ring->phase = M_PI;
    return ring;
}

void gn_ring_free(gn_ring *ring)
{
    if (!ring) return;
    if (ring->r) gsl_vector_free(ring->r);
    if (ring->u) gsl_vector_free(ring->u);
    if (ring->W) gn_mat_free(ring->W);
    free(ring->cs);
    free(ring->sn);
    free(ring);
}

int gn_ring_weights(const gn_ring *ring, gsl_matrix *W, gn_err *err)
{
    size_t n = ring->p.n;
    if (!W || W->size1 != n || W->size2 != n)
        return gn_fail(err, GN_EINVAL, "W must be %zux%zu", n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            /* cos(θi − θj) by the angle-difference identity, so the dense
             * matrix is built from the same tables but independently of the
             * factorised product it is compared with. */
            double c = ring->cs[i] * ring->cs[j] + ring->sn[i] * ring->sn[j];
            gsl_matrix_set(W, i, j, (ring->p.w0 + ring->p.w1 * c) / (double)n);
        }
    return GN_OK;
}

/* W has rank 3: W = (w0 1 1ᵀ + w1 (c cᵀ + s sᵀ))/n with c_i = cos θi,
 * s_i = sin θi, because cos(θi − θj) = cos θi cos θj + sin θi sin θj.  So
 * W r needs only the three sums Σr, Σ r cos θ, Σ r sin θ: O(n) instead of
 * the O(n²) dense product, exact up to rounding. */
void gn_ring_recurrent(const gn_ring *ring, const double *r, double *out)
{
    size_t n = ring->p.n;
    double m = 0, C = 0, S = 0;
    for (size_t j = 0; j < n; j++) {
        m += r[j];
        C += r[j] * ring->cs[j];
        S += r[j] * ring->sn[j];
    }
    double a0 = ring->p.w0 * m / (double)n, a = ring->p.w1 * C / (double)n,
           b = ring->p.w1 * S / (double)n;
    for (size_t i = 0; i < n; i++) out[i] = a0 + a * ring->cs[i] + b * ring->sn[i];
}

int gn_ring_set_dense(gn_ring *ring, int on, gn_err *err)
{
    if (!on) {
        if (ring->W) gn_mat_free(ring->W);
        ring->W = NULL;
        return GN_OK;
    }
    if (ring->W) return GN_OK;
    int st = gn_check_size(ring->p.n, ring->p.n, err);
    if (st) return st;
    ring->W = gn_mat_alloc(ring->p.n, ring->p.n, 0);
    if (!ring->W) return gn_fail(err, GN_ENOMEM, "out of memory for the %zux%zu weights", ring->p.n, ring->p.n);
    return gn_ring_weights(ring, ring->W, err);
}

static double wrap_pi(double x)
{
    double y = remainder(x, 2 * M_PI);
    return y <= -M_PI ? y + 2 * M_PI : y;
}

/* Σr, Σ r cos θ and Σ r sin θ: all W r needs (see gn_ring_recurrent). */
static void ring_sums(const double *r, size_t n, const double *cs, const double *sn, double sum[3])
{
    double m = 0, C = 0, S = 0;
    for (size_t j = 0; j < n; j++) {
        m += r[j];
        C += r[j] * cs[j];
        S += r[j] * sn[j];
    }
    sum[0] = m; sum[1] = C; sum[2] = S;
}

/* One Euler step in the O(n) form.  The recurrent input and the cue are
 * both base + a cos θi + b sin θi.  The sums the next step needs are
 * accumulated in the same pass, in two interleaved sets so consecutive
 * additions do not wait on each other (the loop is latency-bound, not
 * memory-bound: n doubles fit in L1).  This halves the time per step. */
static void step_structured(const double *prev, double *next, size_t n, const double *cs,
                            const double *sn, double base, double a, double b, double k,
                            double sum[3])
{
    double m0 = 0, C0 = 0, S0 = 0, m1 = 0, C1 = 0, S1 = 0;
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        double in0 = base + a * cs[i] + b * sn[i];
        double in1 = base + a * cs[i + 1] + b * sn[i + 1];
        double x0 = prev[i] + k * ((in0 > 0 ? in0 : 0) - prev[i]);
        double x1 = prev[i + 1] + k * ((in1 > 0 ? in1 : 0) - prev[i + 1]);
        next[i] = x0;
        next[i + 1] = x1;
        m0 += x0; C0 += x0 * cs[i]; S0 += x0 * sn[i];
        m1 += x1; C1 += x1 * cs[i + 1]; S1 += x1 * sn[i + 1];
    }
    if (i < n) {
        double in0 = base + a * cs[i] + b * sn[i];
        double x0 = prev[i] + k * ((in0 > 0 ? in0 : 0) - prev[i]);
        next[i] = x0;
        m0 += x0; C0 += x0 * cs[i]; S0 += x0 * sn[i];
    }
    sum[0] = m0 + m1; sum[1] = C0 + C1; sum[2] = S0 + S1;
}

int gn_ring_run(gn_ring *ring, size_t steps, double speed, double cue, double phase,
                const gsl_vector *a0, gsl_matrix *out, gn_cancel cancel, gn_err *err)
{
    size_t n = ring->p.n;
    if (steps == 0) return gn_fail(err, GN_EINVAL, "steps must be >= 1, got 0");
    if (!out || out->size1 != steps || out->size2 != n)
        return gn_fail(err, GN_EINVAL, "output must be %zux%zu", steps, n);
    if (out->tda != n) return gn_fail(err, GN_EINVAL, "output must be a contiguous matrix");
    if (!isfinite(speed)) return gn_fail(err, GN_EINVAL, "speed must be finite, got %g", speed);
    if (!isfinite(cue)) return gn_fail(err, GN_EINVAL, "cue must be finite, got %g", cue);
    if (isinf(phase)) return gn_fail(err, GN_EINVAL, "phase must be finite, got %g", phase);
    if (a0) {
        if (a0->size != n) return gn_fail(err, GN_EINVAL, "a0 must have %zu entries, got %zu", n, a0->size);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(gsl_vector_get(a0, i)))
                return gn_fail(err, GN_EINVAL, "a0(%zu) is not finite", i + 1);
        gsl_vector_memcpy(ring->r, a0);
    }
    const double k = ring->p.dt / ring->p.tau, drive = ring->p.h0 - ring->p.T;
    const double psi0 = isnan(phase) ? ring->phase : phase;
    const double *cs = ring->cs, *sn = ring->sn;
    double *u = ring->u->data;
    const double *prev = ring->r->data;   /* stride 1: allocated here */
    gsl_vector_view uv = gsl_vector_view_array(u, n);
    double sum[3];   /* Σr, Σ r cos θ, Σ r sin θ of prev (structured mode) */
    ring_sums(prev, n, cs, sn, sum);

    for (size_t s = 0; s < steps; s++) {
        if ((s & 255) == 0 && gn_cancel_check(&cancel)) {
            if (s > 0) {
                gsl_vector_const_view last = gsl_matrix_const_row(out, s - 1);
                gsl_vector_memcpy(ring->r, &last.vector);
            }
            ring->phase = wrap_pi(psi0 + speed * (double)s * ring->p.dt);
            return gn_fail(err, GN_EINTR, "interrupted at step %zu of %zu", s, steps);
        }
        double psi = psi0 + speed * (double)s * ring->p.dt;
        /* cue·cos(θi − ψ) = cue·cos ψ·cos θi + cue·sin ψ·sin θi: no trig per unit */
        double cc = cue * cos(psi), ss = cue * sin(psi);
        double *next = out->data + s * n;
        if (ring->W) {
            gsl_vector_const_view pv = gsl_vector_const_view_array(prev, n);
            gsl_blas_dgemv(CblasNoTrans, 1.0, ring->W, &pv.vector, 0.0, &uv.vector);
            for (size_t i = 0; i < n; i++) {
                double in = u[i] + drive + cc * cs[i] + ss * sn[i];
                next[i] = prev[i] + k * ((in > 0 ? in : 0) - prev[i]);
            }
        } else {
            double base = ring->p.w0 * sum[0] / (double)n + drive;
            double a = ring->p.w1 * sum[1] / (double)n + cc, b = ring->p.w1 * sum[2] / (double)n + ss;
            step_structured(prev, next, n, cs, sn, base, a, b, k, sum);
        }
        prev = next;
    }
    gsl_vector_const_view last = gsl_matrix_const_row(out, steps - 1);
    gsl_vector_memcpy(ring->r, &last.vector);
    ring->phase = wrap_pi(psi0 + speed * (double)steps * ring->p.dt);
    return GN_OK;
}

int gn_ring_bump(const gsl_matrix *a, gsl_vector *pos, gsl_vector *unwrapped,
                 gsl_vector *width, gsl_vector *height, gn_err *err)
{
    if (!a) return gn_fail(err, GN_EINVAL, "activity missing");
    size_t rows = a->size1, n = a->size2;
    if ((pos && pos->size != rows) || (unwrapped && unwrapped->size != rows)
        || (width && width->size != rows) || (height && height->size != rows))
        return gn_fail(err, GN_EINVAL, "result vectors must have %zu entries", rows);
    for (size_t t = 0; t < rows; t++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(gsl_matrix_get(a, t, i)))
                return gn_fail(err, GN_EINVAL, "activity(%zu,%zu) is not finite", t + 1, i + 1);
    const double dth = 2 * M_PI / (double)n;
    double *tc = malloc(2 * n * sizeof *tc);
    if (!tc) return gn_fail(err, GN_ENOMEM, "out of memory");
    double *ts = tc + n;
    for (size_t i = 0; i < n; i++) {
        tc[i] = cos(dth * (double)i);
        ts[i] = sin(dth * (double)i);
    }
    double last = NAN, acc = NAN;
    for (size_t t = 0; t < rows; t++) {
        const double *r = a->data + t * a->tda;
        double C = 0, S = 0, L1 = 0, lo = r[0], hi = r[0];
        size_t peak = 0;
        for (size_t i = 0; i < n; i++) {
            C += r[i] * tc[i];
            S += r[i] * ts[i];
            L1 += fabs(r[i]);
            if (r[i] > hi) { hi = r[i]; peak = i; }
            if (r[i] < lo) lo = r[i];
        }
        /* A flat profile has a population vector of rounding size only:
         * its angle is noise, so call it undefined. */
        double p = hypot(C, S) > 1e-12 * L1 ? atan2(S, C) : NAN;
        if (p <= -M_PI) p = M_PI;
        if (pos) gsl_vector_set(pos, t, p);
        if (unwrapped) {
            if (isnan(p)) gsl_vector_set(unwrapped, t, NAN);
            else {
                acc = isnan(last) ? p : acc + remainder(p - last, 2 * M_PI);
                last = p;
                gsl_vector_set(unwrapped, t, acc);
            }
        }
        double hgt = hi - lo;
        if (height) gsl_vector_set(height, t, hgt);
        if (width) {
            double half = lo + hgt / 2, w = 2 * M_PI;
            if (hgt > 0) {
                /* walk from the peak each way to the first unit below half
                 * height; interpolate the crossing between it and its
                 * neighbour */
                double ext[2];
                int wraps = 0;
                for (int d = 0; d < 2; d++) {
                    size_t steps = 1;
                    for (; steps < n; steps++) {
                        size_t j = d ? (peak + steps) % n : (peak + n - steps % n) % n;
                        size_t jp = d ? (peak + steps - 1) % n : (peak + n - (steps - 1) % n) % n;
                        if (r[j] < half) {
                            double frac = (r[jp] - half) / (r[jp] - r[j]);
                            ext[d] = ((double)(steps - 1) + frac) * dth;
                            break;
                        }
                    }
                    if (steps == n) wraps = 1;
                }
                if (!wraps) w = fmin(ext[0] + ext[1], 2 * M_PI);
            }
            gsl_vector_set(width, t, w);
        }
    }
    free(tc);
    return GN_OK;
}
