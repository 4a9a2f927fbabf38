/* rnn_act_simd.c — element-wise rnn kernels, built with -ffast-math so GCC
 * vectorises them through libmvec (tanh, exp, log1p); checked against libm
 * in tests/core/test_rnn_act.c. */
#include <immintrin.h>
#include <math.h>

#include "simd.h"

/* This file is built once per variant: its entry points take the variant's
 * suffix (GN_SIMD), declared by the header under the new names. */
#define gn_rnn_k_act GN_SIMD(gn_rnn_k_act)
#define gn_rnn_k_dmul GN_SIMD(gn_rnn_k_dmul)
#define gn_rnn_k_step GN_SIMD(gn_rnn_k_step)
#define gn_rnn_k_back GN_SIMD(gn_rnn_k_back)
#define gn_rnn_k_rstep GN_SIMD(gn_rnn_k_rstep)
#include "rnn_act.h"
#include "rnn.h"

/* softplus written so it cannot overflow: max(x,0) + log1p(e^{−|x|}). */
static inline double softplus(double x)
{
    return fmax(x, 0.0) + log1p(exp(-fabs(x)));
}

#ifdef GN_SIMD_AVX2
#define GN_SIMD_HAS512 1
#else
#define GN_SIMD_HAS512 0   /* the baseline build never takes the AVX-512 path */
#endif

/* libmvec's 8-wide AVX-512 tanh; GCC only picks the AVX2 variant under this
 * file's -mavx2, so on CPUs with AVX-512 we call it ourselves. */
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_tanh(__m512d x);

__attribute__((target("avx512f")))
static void tanh512(size_t len, const double *restrict x, double *restrict r)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) _mm512_storeu_pd(r + i, _ZGVeN8v_tanh(_mm512_loadu_pd(x + i)));
    if (i < len) {
        __mmask8 m = (__mmask8)((1u << (len - i)) - 1);
        _mm512_mask_storeu_pd(r + i, m, _ZGVeN8v_tanh(_mm512_maskz_loadu_pd(m, x + i)));
    }
}

void gn_rnn_k_act(int act, size_t len, const double *restrict x, double *restrict r)
{
    switch (act) {
    case GN_ACT_TANH:
        if (GN_SIMD_HAS512 && gn_cpu_level() >= 2) { tanh512(len, x, r); break; }
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
                   double *restrict x, const double *restrict noise, double *restrict r, size_t ldr)
{
    const double c = 1.0 - alpha;
    for (size_t k = 0; k < rows; k++) {
        const double *xp = xprev + k * n;
        double *xk = x + k * n;
        if (noise) {
            const double *nz = noise + k * n;
            for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * xk[i] + nz[i];
        } else {
            for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * xk[i];
        }
        gn_rnn_k_act(act, n, xk, r + k * ldr);
    }
}

void gn_rnn_k_back(int act, size_t rows, size_t n, const double *restrict r, size_t ldr,
                   double *restrict d, size_t ldd, double c, const double *restrict dnext, size_t ldn)
{
    for (size_t k = 0; k < rows; k++) {
        double *dk = d + k * ldd;
        gn_rnn_k_dmul(act, n, r + k * ldr, dk);
        if (dnext) {
            const double *dn = dnext + k * ldn;
            for (size_t i = 0; i < n; i++) dk[i] += c * dn[i];
        }
    }
}

void gn_rnn_k_rstep(int act, size_t rows, size_t n, double alpha, const double *restrict rxprev,
                    double *restrict z, const double *restrict r, size_t ldr, double *restrict rx)
{
    const double c = 1.0 - alpha;
    for (size_t k = 0; k < rows; k++) {
        const double *xp = rxprev + k * n;
        double *zk = z + k * n, *xk = rx + k * n;
        for (size_t i = 0; i < n; i++) xk[i] = c * xp[i] + alpha * zk[i];
        for (size_t i = 0; i < n; i++) zk[i] = xk[i];
        gn_rnn_k_dmul(act, n, r + k * ldr, zk);
    }
}
