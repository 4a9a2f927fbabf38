/* rnn_act_simd.c — element-wise rnn kernels, built with -ffast-math so GCC
 * vectorises them through libmvec (tanh, exp, log1p); checked against libm
 * in tests/core/test_rnn_act.c. */
#include "rnn_act.h"

#include <math.h>

#include "rnn.h"

/* softplus written so it cannot overflow: max(x,0) + log1p(e^{−|x|}). */
static inline double softplus(double x)
{
    return fmax(x, 0.0) + log1p(exp(-fabs(x)));
}

void gn_rnn_k_act(int act, size_t len, const double *restrict x, double *restrict r)
{
    switch (act) {
    case GN_ACT_TANH:
        for (size_t i = 0; i < len; i++) r[i] = tanh(x[i]);
        break;
    case GN_ACT_RELU:
        for (size_t i = 0; i < len; i++) r[i] = x[i] > 0 ? x[i] : 0.0;
        break;
    default:
        for (size_t i = 0; i < len; i++) r[i] = softplus(x[i]);
        break;
    }
}

void gn_rnn_k_dmul(int act, size_t len, const double *restrict r, double *restrict d)
{
    switch (act) {
    case GN_ACT_TANH:
        for (size_t i = 0; i < len; i++) d[i] *= 1.0 - r[i] * r[i];
        break;
    case GN_ACT_RELU:
        for (size_t i = 0; i < len; i++) d[i] = r[i] > 0 ? d[i] : 0.0;
        break;
    default:
        for (size_t i = 0; i < len; i++) d[i] *= -expm1(-r[i]);
        break;
    }
}

void gn_rnn_k_step(int act, size_t rows, size_t n, double alpha, const double *restrict xprev,
                   double *restrict x, const double *restrict bias,
                   const double *restrict noise, double *restrict r)
{
    const double c = 1.0 - alpha;
    for (size_t k = 0; k < rows; k++) {
        const double *xp = xprev + k * n;
        double *xk = x + k * n;
        if (noise) {
            const double *nz = noise + k * n;
            for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * (xk[i] + bias[i]) + nz[i];
        } else {
            for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * (xk[i] + bias[i]);
        }
    }
    gn_rnn_k_act(act, rows * n, x, r);
}

void gn_rnn_k_back(int act, size_t len, const double *restrict r, double *restrict d, double c,
                   const double *restrict dnext)
{
    gn_rnn_k_dmul(act, len, r, d);
    if (dnext)
        for (size_t i = 0; i < len; i++) d[i] += c * dnext[i];
}

void gn_rnn_k_rstep(int act, size_t rows, size_t n, double alpha, const double *restrict rxprev,
                    double *restrict z, const double *restrict vb, const double *restrict r,
                    double *restrict rx)
{
    const double c = 1.0 - alpha;
    for (size_t k = 0; k < rows; k++) {
        const double *xp = rxprev + k * n;
        double *zk = z + k * n, *xk = rx + k * n;
        for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * (zk[i] + vb[i]);
        for (size_t i = 0; i < n; i++) zk[i] = xk[i];
    }
    gn_rnn_k_dmul(act, rows * n, r, z);
}
