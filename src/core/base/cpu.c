/* cpu.c — CPU features and affinity, and the dispatchers that pick the
 * baseline or AVX2 build of each *_simd.c kernel (simd.h). */
#include "simd.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lif.h"
#include "mat.h"
#include "rnn_act.h"

static int detect(void)
{
    int level = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = 1;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
            level = 2;
    }
#endif
    const char *force = getenv("GANGLION_SIMD");
    if (force && strcmp(force, "baseline") == 0) level = 0;
    else if (force && strcmp(force, "avx2") == 0 && level > 1) level = 1;
    return level;
}

/* Detected once: the answer cannot change while the process runs. */
int gn_cpu_level(void)
{
    static int level = -1;
    if (level < 0) level = detect();
    return level;
}

const char *gn_cpu_level_name(void)
{
    static const char *const names[3] = { "baseline", "avx2", "avx512" };
    return names[gn_cpu_level()];
}

static int cpu_cap;

void gn_cpu_cap(int k) { cpu_cap = k > 0 ? k : 0; }

int gn_cpu_count(void)
{
    int k = 0;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) k = CPU_COUNT(&set);
    if (k <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        k = n > 0 ? (int)n : 1;
    }
    return cpu_cap && k > cpu_cap ? cpu_cap : k;
}

/* ---- dispatchers ------------------------------------------------------------ */

#define VARIANTS(ret, name, params) ret name##_base params; ret name##_avx2 params;
VARIANTS(void, gn_rnn_k_act, (int act, size_t len, const double *x, double *r))
VARIANTS(void, gn_rnn_k_dmul, (int act, size_t len, const double *r, double *d))
VARIANTS(void, gn_rnn_k_step, (int act, size_t rows, size_t n, double alpha, const double *xprev,
                               double *x, const double *noise, double *r, size_t ldr))
VARIANTS(void, gn_rnn_k_back, (int act, size_t rows, size_t n, const double *r, size_t ldr,
                               double *d, size_t ldd, double c, const double *dnext, size_t ldn))
VARIANTS(void, gn_rnn_k_rstep, (int act, size_t rows, size_t n, double alpha, const double *rxprev,
                                double *z, const double *r, size_t ldr, double *rx))
VARIANTS(size_t, gn_lif_kernel, (size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                                 const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired))
VARIANTS(void, gn_lif_bits_sum, (const uint64_t *const *rows, size_t m, size_t w0, size_t w1,
                                 uint16_t *cnt, int avx2_only))
VARIANTS(void, gn_lif_uniform_block, (uint64_t *st, size_t m, double *u))
VARIANTS(void, gn_lif_geom_block, (size_t m, const double *u, double inv_lq, uint64_t *gap))
VARIANTS(void, gn_mat_unary_simd, (gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op))
#undef VARIANTS

#define PICK(name) (gn_cpu_level() ? name##_avx2 : name##_base)

void gn_rnn_k_act(int act, size_t len, const double *x, double *r)
{
    PICK(gn_rnn_k_act)(act, len, x, r);
}

void gn_rnn_k_dmul(int act, size_t len, const double *r, double *d)
{
    PICK(gn_rnn_k_dmul)(act, len, r, d);
}

void gn_rnn_k_step(int act, size_t rows, size_t n, double alpha, const double *xprev, double *x,
                   const double *noise, double *r, size_t ldr)
{
    PICK(gn_rnn_k_step)(act, rows, n, alpha, xprev, x, noise, r, ldr);
}

void gn_rnn_k_back(int act, size_t rows, size_t n, const double *r, size_t ldr, double *d,
                   size_t ldd, double c, const double *dnext, size_t ldn)
{
    PICK(gn_rnn_k_back)(act, rows, n, r, ldr, d, ldd, c, dnext, ldn);
}

void gn_rnn_k_rstep(int act, size_t rows, size_t n, double alpha, const double *rxprev, double *z,
                    const double *r, size_t ldr, double *rx)
{
    PICK(gn_rnn_k_rstep)(act, rows, n, alpha, rxprev, z, r, ldr, rx);
}

void gn_mat_unary_simd(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op)
{
    PICK(gn_mat_unary_simd)(out, a, op);
}

size_t gn_lif_kernel(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                     const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired)
{
    return PICK(gn_lif_kernel)(lo, hi, s, vinh, p, q, fired);
}

void gn_lif_bits_sum(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt,
                     int avx2_only)
{
    PICK(gn_lif_bits_sum)(rows, m, w0, w1, cnt, avx2_only || gn_cpu_level() < 2);
}

void gn_lif_uniform_block(uint64_t *st, size_t m, double *u)
{
    PICK(gn_lif_uniform_block)(st, m, u);
}

void gn_lif_geom_block(size_t m, const double *u, double inv_lq, uint64_t *gap)
{
    PICK(gn_lif_geom_block)(m, u, inv_lq, gap);
}
