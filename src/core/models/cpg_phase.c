/* cpg_phase.c — burst onsets, period and phase order of rhythmic signals
 * (used for the CPG, but knows nothing of it). */
#include "cpg.h"

#include <math.h>
#include <stdlib.h>

size_t gn_burst_onsets(const double *t, const double *x, size_t n, size_t stride,
                       double thr_on, double thr_off, double *onsets, size_t max)
{
    size_t count = 0;
    if (n == 0)
        return 0;
    /* A burst already under way at the first sample has no observed onset. */
    int armed = x[0] <= thr_off;
    for (size_t i = 1; i < n; i++) {
        const double xi = x[i * stride], xp = x[(i - 1) * stride];
        if (xi <= thr_off) {
            armed = 1;
        } else if (armed && xi >= thr_on) {
            /* armed implies the previous sample was below thr_on. */
            double frac = (thr_on - xp) / (xi - xp);
            if (!(frac >= 0 && frac <= 1))
                frac = 1;
            if (count < max)
                onsets[count] = t[i - 1] + frac * (t[i] - t[i - 1]);
            count++;
            armed = 0;
        }
    }
    return count;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int gn_rhythm_analyse(const double *t, const double *x, size_t n, size_t npop,
                      double on, double off, double min_range, int ref, double skip,
                      gn_rhythm *r, gn_err *err)
{
    if (n < 2)
        return gn_fail(err, GN_EINVAL, "need at least 2 samples, got %zu", n);
    if (npop == 0 || npop > 16)
        return gn_fail(err, GN_EINVAL, "number of signals must be 1..16, got %zu", npop);
    if (!(on >= 0 && on <= 1) || !(off >= 0 && off <= on))
        return gn_fail(err, GN_EINVAL, "relative thresholds must satisfy 0 <= off <= on <= 1, "
                       "got on=%g off=%g", on, off);
    if (!isfinite(min_range) || min_range < 0)
        return gn_fail(err, GN_EINVAL, "min_range must be finite and >= 0, got %g", min_range);
    if (!isfinite(skip) || skip < 0)
        return gn_fail(err, GN_EINVAL, "skip must be finite and >= 0, got %g", skip);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || (i > 0 && !(t[i] > t[i - 1])))
            return gn_fail(err, GN_EINVAL, "times must be finite and increasing (sample %zu)", i + 1);
        for (size_t j = 0; j < npop; j++)
            if (isnan(x[i * npop + j]))
                return gn_fail(err, GN_EINVAL, "signal %zu is NaN at sample %zu", j + 1, i + 1);
    }
    size_t i0 = 0;
    while (i0 < n && t[i0] < t[0] + skip)
        i0++;
    if (n - i0 < 2)
        return gn_fail(err, GN_EINVAL, "skip (%g) leaves fewer than 2 samples", skip);
    const double *ts = t + i0, *xs = x + i0 * npop;
    const size_t m = n - i0;

    /* Per-signal range and thresholds, then onsets in one buffer. */
    size_t total = 0, cnt[16];
    double ton[16], toff[16];
    for (size_t j = 0; j < npop; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < m; i++) {
            const double v = xs[i * npop + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        r->lo[j] = lo;
        r->hi[j] = hi;
        if (!(hi - lo >= min_range) || !isfinite(hi - lo)) {
            ton[j] = toff[j] = r->thr[j] = NAN;
            cnt[j] = 0;
            continue;
        }
        ton[j] = r->thr[j] = lo + on * (hi - lo);
        toff[j] = lo + off * (hi - lo);
        cnt[j] = gn_burst_onsets(ts, xs + j, m, npop, ton[j], toff[j], NULL, 0);
        total += cnt[j];
    }
    double *buf = malloc((total + 1) * sizeof *buf);
    double *tmp = malloc((total + 1) * sizeof *tmp);
    if (!buf || !tmp) {
        free(buf);
        free(tmp);
        return gn_fail(err, GN_ENOMEM, "out of memory for %zu burst onsets", total);
    }
    double *ons[16];
    for (size_t j = 0, used = 0; j < npop; j++) {
        ons[j] = buf + used;
        if (cnt[j])
            gn_burst_onsets(ts, xs + j, m, npop, ton[j], toff[j], ons[j], cnt[j]);
        used += cnt[j];
        r->nonsets[j] = cnt[j];
    }

    if (ref < 0 || (size_t)ref >= npop || cnt[ref] < 2) {
        ref = -1;
        for (size_t j = 0; j < npop && ref < 0; j++)
            if (cnt[j] >= 2)
                ref = (int)j;
    }
    r->ref = ref;
    r->period = NAN;
    r->nactive = 0;
    for (size_t j = 0; j < 16; j++)
        r->bursts[j] = 0;
    /* Window for duty cycles: whole reference cycles, else everything. */
    double w0 = ts[0], w1 = ts[m - 1];
    size_t ncycles = 0;
    if (ref >= 0) {
        const double *R = ons[ref];
        ncycles = cnt[ref] - 1;
        for (size_t k = 0; k < ncycles; k++)
            tmp[k] = R[k + 1] - R[k];
        r->period = median(tmp, ncycles);
        w0 = R[0];
        w1 = R[ncycles];
    }
    for (size_t j = 0; j < npop; j++) {
        /* Duty: time above thr_on within [w0, w1), trapezoid-free (sample
         * held until the next one) — good enough at the sampling we use. */
        double above = 0;
        for (size_t i = 0; i + 1 < m; i++) {
            double a = ts[i] > w0 ? ts[i] : w0, b = ts[i + 1] < w1 ? ts[i + 1] : w1;
            if (b > a && xs[i * npop + j] >= ton[j])
                above += b - a;
        }
        r->duty[j] = isnan(ton[j]) ? 0 : w1 > w0 ? above / (w1 - w0) : NAN;

        r->phase[j] = NAN;
        if (ref < 0) {
            if (cnt[j] > 0) {
                r->nactive++;
                r->bursts[j] = 1;
            }
            continue;
        }
        /* Circular mean of the phase of each onset inside the cycle that
         * contains it: an onset just before ref's (phase 0.99) and one just
         * after (0.01) average to ~0, not 0.5. */
        const double *R = ons[ref];
        double sx = 0, sy = 0;
        size_t used = 0, k = 0;
        for (size_t q = 0; q < cnt[j]; q++) {
            const double o = ons[j][q];
            if (o < R[0] || o >= R[ncycles])
                continue;
            while (k + 1 < ncycles && o >= R[k + 1])
                k++;
            const double ph = (o - R[k]) / (R[k + 1] - R[k]);
            sx += cos(2 * M_PI * ph);
            sy += sin(2 * M_PI * ph);
            used++;
        }
        if (used > 0) {
            double ph = atan2(sy, sx) / (2 * M_PI);
            if (ph < 0)
                ph += 1;
            if (ph >= 1)
                ph = 0;
            r->phase[j] = ph;
        }
        if (2 * used >= ncycles && used > 0) {
            r->nactive++;
            r->bursts[j] = 1;
        }
    }
    /* Order by phase (insertion sort: at most 16): the populations that
     * burst first, then those with a few onsets, then the silent ones, so
     * order[0 .. nactive) is the phase order of the rhythm itself. */
    int ord[16];
    size_t no = 0;
    for (size_t j = 0; j < npop; j++) {
        if (!r->bursts[j] || isnan(r->phase[j]))
            continue;
        size_t p = no++;
        while (p > 0 && r->phase[ord[p - 1]] > r->phase[j]) {
            ord[p] = ord[p - 1];
            p--;
        }
        ord[p] = (int)j;
    }
    /* (with no reference nothing has a phase: bursting ones in column order) */
    for (size_t j = 0; j < npop; j++)
        if (r->bursts[j] && isnan(r->phase[j]))
            ord[no++] = (int)j;
    size_t nb = no;
    for (size_t j = 0; j < npop; j++) {
        if (r->bursts[j] || isnan(r->phase[j]))
            continue;
        size_t p = no++;
        while (p > nb && r->phase[ord[p - 1]] > r->phase[j]) {
            ord[p] = ord[p - 1];
            p--;
        }
        ord[p] = (int)j;
    }
    for (size_t j = 0; j < npop; j++)
        if (!r->bursts[j] && isnan(r->phase[j]))
            ord[no++] = (int)j;
    for (size_t j = 0; j < 16; j++)
        r->order[j] = j < npop ? ord[j] : -1;
    for (size_t j = npop; j < 16; j++) {
        r->phase[j] = r->duty[j] = r->lo[j] = r->hi[j] = r->thr[j] = NAN;
        r->nonsets[j] = 0;
    }
    free(buf);
    free(tmp);
    return GN_OK;
}
