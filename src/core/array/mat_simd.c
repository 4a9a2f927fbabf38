/* mat_simd.c — exp, log, tanh and sigmoid over matrix rows, built with
 * -ffast-math (Makefile rule for *_simd.c) so GCC calls glibc's libmvec
 * vector versions; no NaN tests live here (fast-math folds them away).
 * Built once per dispatch level (simd.h: GN_SIMD names the entry point,
 * cpu.c picks one); on CPUs with AVX-512 the AVX2 build calls libmvec's
 * 8-wide exp, log and tanh itself (GCC picks them only under -mavx512f).
 * tests/core/test_mat.c checks the results against libm, NaN and ±inf
 * included, at every level (tests/cli/test_simd_baseline.sh forces the
 * baseline). */
#include <immintrin.h>
#include <math.h>

#include "mat.h"
#include "simd.h"

#define gn_mat_unary_simd GN_SIMD(gn_mat_unary_simd)
void gn_mat_unary_simd(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op);

#ifdef GN_SIMD_AVX2
#define HAS512 1
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_exp(__m512d x);
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_log(__m512d x);
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_tanh(__m512d x);

/* o[j] = f(x[j]) with the 8-wide f; the tail through a masked load and store. */
#define MAP512(name, f)                                                                   \
    __attribute__((target("avx512f"))) static void name(double *o, const double *x, size_t n) \
    {                                                                                     \
        size_t j = 0;                                                                     \
        for (; j + 8 <= n; j += 8) _mm512_storeu_pd(o + j, f(_mm512_loadu_pd(x + j)));    \
        if (j < n) {                                                                      \
            __mmask8 m = (__mmask8)((1u << (n - j)) - 1);                                 \
            _mm512_mask_storeu_pd(o + j, m, f(_mm512_mask_loadu_pd(_mm512_set1_pd(1.0), m, x + j))); \
        }                                                                                 \
    }
MAP512(exp512, _ZGVeN8v_exp)
MAP512(log512, _ZGVeN8v_log)
MAP512(tanh512, _ZGVeN8v_tanh)
#else
#define HAS512 0   /* the baseline build never takes the AVX-512 path */
#endif

static void row_exp(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = exp(x[j]);
}

static void row_log(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = log(x[j]);
}

static void row_tanh(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = tanh(x[j]);
}

/* With e = exp(-|x|) (never overflows): 1/(1+e) for x >= 0 and e/(1+e)
 * for x < 0, so tiny values keep full relative accuracy (the tanh form
 * rounds sigmoid(-40) to 0). */
static void row_sigmoid(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double e = exp(-fabs(x[j])), s = 1.0 / (1.0 + e);
        o[j] = x[j] >= 0 ? s : e * s;
    }
}

/* out may be a (in place): each loop reads x[j] before writing o[j]. */
void gn_mat_unary_simd(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op)
{
    void (*f)(double *, const double *, size_t) =
        op == GN_MAT_EXP ? row_exp : op == GN_MAT_LOG ? row_log : op == GN_MAT_TANH ? row_tanh : row_sigmoid;
#ifdef GN_SIMD_AVX2
    if (HAS512 && gn_cpu_level() >= 2 && op != GN_MAT_SIGMOID)
        f = op == GN_MAT_EXP ? exp512 : op == GN_MAT_LOG ? log512 : tanh512;
#endif
    for (size_t i = 0; i < a->size1; i++) f(out->data + i * out->tda, a->data + i * a->tda, a->size2);
}
