/* test_rnn_act.c — the fast-math element-wise rnn kernels (libmvec tanh,
 * exp, log1p) against plain libm, element by element. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "rnn.h"
#include "rnn_act.h"

#define LEN 20011   /* odd, so the vector loops' scalar tails run too */

static double relerr(double got, double want)
{
    if (got == want) return 0;
    return fabs(got - want) / fmax(fabs(want), 1e-300);
}

int main(void)
{
    double *x = malloc(LEN * sizeof *x), *r = malloc(LEN * sizeof *r), *d = malloc(LEN * sizeof *d);
    for (int i = 0; i < LEN; i++) {
        double s = (double)i / (LEN - 1);                 /* dense near 0, wide tails */
        x[i] = (s < 0.5 ? -1 : 1) * 45 * pow(fabs(2 * s - 1), 3) + 1e-3 * sin(7.1 * i);
    }
    x[0] = 0; x[1] = -0.0; x[2] = 1e-300; x[3] = -710; x[4] = 710; x[5] = 2.385e-8;

    gn_rnn_k_act(GN_ACT_TANH, LEN, x, r);
    double worst = 0;
    for (int i = 0; i < LEN; i++) worst = fmax(worst, relerr(r[i], tanh(x[i])));
    CHECK(worst <= 1e-15, "vector tanh within 1e-15 relative of libm (worst %.2e)", worst);

    gn_rnn_k_act(GN_ACT_SOFTPLUS, LEN, x, r);
    worst = 0;
    for (int i = 0; i < LEN; i++) {
        double want = x[i] > 30 ? x[i] + log1p(exp(-x[i])) : log1p(exp(x[i]));
        worst = fmax(worst, relerr(r[i], want));
    }
    CHECK(worst <= 1e-15, "vector softplus within 1e-15 relative of libm log1p(exp(x)) (worst %.2e)", worst);
    CHECK(isfinite(r[4]) && r[4] == 710, "softplus(710) does not overflow");

    gn_rnn_k_act(GN_ACT_RELU, LEN, x, r);
    int bad = 0;
    for (int i = 0; i < LEN; i++) bad += r[i] != (x[i] > 0 ? x[i] : 0);
    CHECK(bad == 0, "relu exact");

    /* derivatives from r */
    const char *nm[3] = { "tanh", "relu", "softplus" };
    for (int act = 0; act < 3; act++) {
        gn_rnn_k_act(act, LEN, x, r);
        for (int i = 0; i < LEN; i++) d[i] = 1.5 + 0.001 * i;
        gn_rnn_k_dmul(act, LEN, r, d);
        worst = 0;
        for (int i = 0; i < LEN; i++) {
            double fp = act == 0 ? 1 - tanh(x[i]) * tanh(x[i]) : act == 1 ? (x[i] > 0)
                                 : 1 / (1 + exp(-x[i]));
            double want = (1.5 + 0.001 * i) * fp;
            /* f' from r (1−r² for tanh, as PyTorch's backward does) is
             * accurate to rounding of r, i.e. in absolute terms */
            worst = fmax(worst, fabs(d[i] - want) / (1.5 + 0.001 * i));
        }
        CHECK(worst <= 1e-15, "%s derivative from r within 1e-15 of the analytic one (worst %.2e)",
              nm[act], worst);
    }

    /* the Euler step kernel against its formula, r written with a row stride */
    size_t rows = 3, n = 7, ldr = 10;
    double xp[21], xs[21], nz[21], rr[30], z[21], a = 0.13;
    for (int i = 0; i < 21; i++) { xp[i] = sin(i + 0.3); xs[i] = z[i] = cos(2.0 * i); nz[i] = 0.01 * i; }
    for (int i = 0; i < 30; i++) rr[i] = -7;
    gn_rnn_k_step(GN_ACT_TANH, rows, n, a, xp, xs, nz, rr, ldr);
    worst = 0;
    for (size_t k = 0; k < rows; k++)
        for (size_t i = 0; i < n; i++) {
            size_t q = k * n + i;
            double want = xp[q] + a * (-xp[q] + z[q]) + nz[q];
            worst = fmax(worst, fabs(xs[q] - want) + fabs(rr[k * ldr + i] - tanh(want)));
        }
    CHECK(worst < 1e-15, "step kernel: x = x + α(−x + z) + noise, r = tanh(x) (err %.1e)", worst);
    CHECK(rr[7] == -7 && rr[19] == -7, "step kernel leaves the gaps between r rows alone");
    free(x); free(r); free(d);
    CHECK_DONE();
}
