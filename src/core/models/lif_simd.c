/* lif_simd.c — the LIF population's vector kernels: membrane update, spike counting over a
 * recurrence bitmap, random-connectivity draws (AVX2, and AVX-512 where the CPU has it). */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "simd.h"

/* This file is built once per variant: its entry points take the variant's
 * suffix (GN_SIMD), declared by lif.h under the new names. */
#define gn_lif_kernel GN_SIMD(gn_lif_kernel)
#define gn_lif_bits_sum GN_SIMD(gn_lif_bits_sum)
#define gn_lif_uniform_block GN_SIMD(gn_lif_uniform_block)
#define gn_lif_geom_block GN_SIMD(gn_lif_geom_block)
#include "lif.h"

#ifdef GN_SIMD_AVX2

/* Per-step constants, broadcast once per call. */
typedef struct {
    __m256d em, ea, en, ra, rn, R, vrest, vth, pinh, wc, I0;
    __m128i nref;
    double vrest_s;
} kconst;

/* One exact step for four neurons, branch-free except for the rare spike.
 * Written with intrinsics (this file gets -O3 -ffast-math -mavx2 -mfma) so
 * that V, the int32 refractory counters and the spike mask stay in registers
 * without the pack/unpack shuffles GCC generated for the mixed widths.
 *
 * V is advanced as u + (V − u)·em with u = vrest + R·I (then the synaptic and
 * inhibitory responses): a neuron at its fixed point stays there exactly, and
 * one at rest without input stays at vrest exactly.  Refractory neurons are
 * held at vrest while their currents keep decaying, as in the authors' code.
 * NaN never reaches here: gn_lif_run and the binding validate every input.
 * Returns the 4-bit mask of the lanes that fired. */
static inline __attribute__((always_inline)) int
step4(double *v, double *ampa, double *nmda, int32_t *ref, uint16_t *cnt, const double *I,
      const kconst *k, const int syn, const int hascnt, const int hasI)
{
    __m256d Ii = hasI ? _mm256_loadu_pd(I) : k->I0;
    __m256d u = _mm256_fmadd_pd(Ii, k->R, k->vrest);
    __m256d vv = _mm256_loadu_pd(v);
    __m256d vn = _mm256_fmadd_pd(_mm256_sub_pd(vv, u), k->em, u);
    vn = _mm256_sub_pd(vn, k->pinh);
    if (syn) {
        __m256d a = _mm256_loadu_pd(ampa);
        if (hascnt) {
            __m128i c = _mm_loadl_epi64((const __m128i *)cnt);
            a = _mm256_fmadd_pd(_mm256_cvtepi32_pd(_mm_cvtepu16_epi32(c)), k->wc, a);
            _mm_storel_epi64((__m128i *)cnt, _mm_setzero_si128());
        }
        vn = _mm256_fmadd_pd(a, k->ra, vn);
        _mm256_storeu_pd(ampa, _mm256_mul_pd(a, k->ea));
    }
    if (syn == 2) {
        __m256d nm = _mm256_loadu_pd(nmda);
        vn = _mm256_fmadd_pd(nm, k->rn, vn);
        _mm256_storeu_pd(nmda, _mm256_mul_pd(nm, k->en));
    }
    __m128i r = _mm_loadu_si128((const __m128i *)ref);
    __m128i refr = _mm_cmpgt_epi32(r, _mm_setzero_si128());
    r = _mm_add_epi32(r, refr);                        /* refr lanes are −1 */
    vn = _mm256_blendv_pd(vn, k->vrest, _mm256_castsi256_pd(_mm256_cvtepi32_epi64(refr)));
    __m256d sp = _mm256_cmp_pd(vn, k->vth, _CMP_GT_OQ);
    _mm256_storeu_pd(v, _mm256_blendv_pd(vn, k->vrest, sp));
    int m = _mm256_movemask_pd(sp);
    if (m) {
        const __m128i bits = _mm_setr_epi32(1, 2, 4, 8);
        __m128i s32 = _mm_cmpeq_epi32(_mm_and_si128(_mm_set1_epi32(m), bits), bits);
        r = _mm_blendv_epi8(r, k->nref, s32);
    }
    _mm_storeu_si128((__m128i *)ref, r);
    return m;
}

/* The loop over a slice [lo, hi) with W-wide steps (STEP: step4 or
 * step8), written once for both instruction sets.  The tail goes through
 * the same W-wide code on padded copies, so a neuron's arithmetic never
 * depends on where a slice ends.  Pad lanes are refractory at rest: they
 * cannot fire. */
#define DEFINE_KERNEL(NAME, ATTR, KC, STEP, W) \
static inline __attribute__((always_inline)) ATTR size_t \
NAME(size_t lo, size_t hi, const gn_lif_kstate *s, const KC *k, uint32_t *fired, \
     const int syn, const int hascnt, const int hasI) \
{ \
    double *v = s->v, *ampa = s->ampa, *nmda = s->nmda; \
    int32_t *ref = s->ref; \
    uint16_t *cnt = s->cnt; \
    const double *I = s->I; \
    size_t nf = 0, i = lo; \
    for (; i + W <= hi; i += W) { \
        unsigned m = (unsigned)STEP(v + i, ampa + i, nmda + i, ref + i, cnt + i, I + i, k, syn, hascnt, hasI); \
        while (m) { fired[nf++] = (uint32_t)(i + (size_t)__builtin_ctz(m)); m &= m - 1; } \
    } \
    if (i < hi) { \
        size_t rem = hi - i; \
        double tv[W], ta[W] = {0}, tn[W] = {0}, tI[W] = {0}; \
        int32_t tr[W]; \
        uint16_t tc[W] = {0}; \
        for (size_t j = 0; j < W; j++) { \
            int in = j < rem; \
            tv[j] = in ? v[i + j] : k->vrest_s; \
            tr[j] = in ? ref[i + j] : 1; \
            if (in && syn) ta[j] = ampa[i + j]; \
            if (in && syn == 2) tn[j] = nmda[i + j]; \
            if (in && hascnt) tc[j] = cnt[i + j]; \
            if (in && hasI) tI[j] = I[i + j]; \
        } \
        unsigned m = (unsigned)STEP(tv, ta, tn, tr, tc, tI, k, syn, hascnt, hasI) & ((1u << rem) - 1); \
        for (size_t j = 0; j < rem; j++) { \
            v[i + j] = tv[j]; ref[i + j] = tr[j]; \
            if (syn) ampa[i + j] = ta[j]; \
            if (syn == 2) nmda[i + j] = tn[j]; \
            if (hascnt) cnt[i + j] = 0; \
        } \
        while (m) { fired[nf++] = (uint32_t)(i + (size_t)__builtin_ctz(m)); m &= m - 1; } \
    } \
    return nf; \
}

DEFINE_KERNEL(kernel, , kconst, step4, 4)

/* The kernel instantiation for a synapse mode, recurrent counts and a
 * per-neuron current, with K(S, C, I) returning the call of one kernel
 * (shared by the AVX2 and AVX-512 paths).  Counts without synapses are not
 * made by gn_lif_run; they fall back to the full kernel. */
#define DISPATCH(syn, hascnt, hasI) \
    switch ((syn) * 4 + (hascnt) * 2 + (hasI)) { \
    case 0: K(0, 0, 0); \
    case 1: K(0, 0, 1); \
    case 4: K(1, 0, 0); \
    case 5: K(1, 0, 1); \
    case 6: K(1, 1, 0); \
    case 7: K(1, 1, 1); \
    case 8: K(2, 0, 0); \
    case 9: K(2, 0, 1); \
    case 10: K(2, 1, 0); \
    case 11: K(2, 1, 1); \
    default: if (hasI) K(2, 1, 1); K(2, 1, 0); \
    }

static size_t kernel_avx2(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                          const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired)
{
    kconst k;
    k.em = _mm256_set1_pd(q->em);
    k.ea = _mm256_set1_pd(q->ea);
    k.en = _mm256_set1_pd(q->en);
    k.ra = _mm256_set1_pd(p->R * q->pa);
    k.rn = _mm256_set1_pd(p->R * q->pn);
    k.R = _mm256_set1_pd(p->R);
    k.vrest = _mm256_set1_pd(p->vrest);
    k.vth = _mm256_set1_pd(p->vth);
    k.pinh = _mm256_set1_pd(q->pi * vinh);   /* inhibition's effect this step, shared */
    k.wc = _mm256_set1_pd(s->wc);
    k.I0 = _mm256_set1_pd(s->I0);
    k.nref = _mm_set1_epi32(q->nref);
    k.vrest_s = p->vrest;
    int hascnt = s->cnt != NULL, hasI = s->I != NULL;
    /* Instantiations with compile-time flags: a population without synapses
     * does not stream two arrays of zeros. */
#define K(S, C, I_) return kernel(lo, hi, s, &k, fired, S, C, I_)
    DISPATCH(q->syn, hascnt, hasI);
#undef K
}

/* ---- AVX-512 ----------------------------------------------------------------
 * The same arithmetic, lane for lane, eight neurons at a time with mask
 * registers for the selects: results are bit-identical to the AVX2 code.
 * Used when the CPU has AVX-512 (the project's Zen 5 machines do); this file
 * is compiled for AVX2, so these functions carry their own target. */
#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

typedef struct {
    __m512d em, ea, en, ra, rn, R, vrest, vth, pinh, wc, I0;
    __m256i nref;
    double vrest_s;
} kconst8;

static inline __attribute__((always_inline)) T512 __mmask8
step8(double *v, double *ampa, double *nmda, int32_t *ref, uint16_t *cnt, const double *I,
      const kconst8 *k, const int syn, const int hascnt, const int hasI)
{
    __m512d Ii = hasI ? _mm512_loadu_pd(I) : k->I0;
    __m512d u = _mm512_fmadd_pd(Ii, k->R, k->vrest);
    __m512d vn = _mm512_fmadd_pd(_mm512_sub_pd(_mm512_loadu_pd(v), u), k->em, u);
    vn = _mm512_sub_pd(vn, k->pinh);
    if (syn) {
        __m512d a = _mm512_loadu_pd(ampa);
        if (hascnt) {
            __m128i c = _mm_loadu_si128((const __m128i *)cnt);
            a = _mm512_fmadd_pd(_mm512_cvtepi32_pd(_mm256_cvtepu16_epi32(c)), k->wc, a);
            _mm_storeu_si128((__m128i *)cnt, _mm_setzero_si128());
        }
        vn = _mm512_fmadd_pd(a, k->ra, vn);
        _mm512_storeu_pd(ampa, _mm512_mul_pd(a, k->ea));
    }
    if (syn == 2) {
        __m512d nm = _mm512_loadu_pd(nmda);
        vn = _mm512_fmadd_pd(nm, k->rn, vn);
        _mm512_storeu_pd(nmda, _mm512_mul_pd(nm, k->en));
    }
    __m256i r = _mm256_loadu_si256((const __m256i *)ref);
    __mmask8 refr = _mm256_cmpgt_epi32_mask(r, _mm256_setzero_si256());
    r = _mm256_mask_sub_epi32(r, refr, r, _mm256_set1_epi32(1));
    vn = _mm512_mask_blend_pd(refr, vn, k->vrest);
    __mmask8 sp = _mm512_cmp_pd_mask(vn, k->vth, _CMP_GT_OQ);
    _mm512_storeu_pd(v, _mm512_mask_blend_pd(sp, vn, k->vrest));
    _mm256_storeu_si256((__m256i *)ref, _mm256_mask_blend_epi32(sp, r, k->nref));
    return sp;
}

DEFINE_KERNEL(kernel8, T512, kconst8, step8, 8)

static T512 size_t kernel_avx512(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                                 const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired)
{
    kconst8 k;
    k.em = _mm512_set1_pd(q->em);
    k.ea = _mm512_set1_pd(q->ea);
    k.en = _mm512_set1_pd(q->en);
    k.ra = _mm512_set1_pd(p->R * q->pa);
    k.rn = _mm512_set1_pd(p->R * q->pn);
    k.R = _mm512_set1_pd(p->R);
    k.vrest = _mm512_set1_pd(p->vrest);
    k.vth = _mm512_set1_pd(p->vth);
    k.pinh = _mm512_set1_pd(q->pi * vinh);
    k.wc = _mm512_set1_pd(s->wc);
    k.I0 = _mm512_set1_pd(s->I0);
    k.nref = _mm256_set1_epi32(q->nref);
    k.vrest_s = p->vrest;
    int hascnt = s->cnt != NULL, hasI = s->I != NULL;
#define K(S, C, I_) return kernel8(lo, hi, s, &k, fired, S, C, I_)
    DISPATCH(q->syn, hascnt, hasI);
#undef K
}

/* Bitmap rows summed with byte counters in mask-predicated adds: a row's
 * 64-bit word is the mask, so each word costs one load and one add.  Rows
 * are taken one at a time, whole: each row's few lines stream from memory
 * together (all of row r+2 is prefetched while row r is added), which keeps
 * far more misses in flight than walking all rows side by side.  The byte
 * counters (64 per word, in L1) are flushed to cnt every 255 rows. */
#define ROW_AHEAD 4   /* rows prefetched ahead: ~4 rows of work cover a DRAM miss */
static T512 void bits_sum_avx512(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt)
{
    const __m512i one = _mm512_set1_epi8(1);
    size_t nw = w1 - w0;
    __m512i c8[nw];
    for (size_t w = 0; w < nw; w++) c8[w] = _mm512_setzero_si512();
    for (size_t r = 0; r < m && r < ROW_AHEAD; r++)
        for (size_t b = 0; b < nw; b += 8) __builtin_prefetch(rows[r] + w0 + b);
    size_t pending = 0;
    for (size_t r = 0; r < m; r++) {
        if (r + ROW_AHEAD < m)
            for (size_t b = 0; b < nw; b += 8) __builtin_prefetch(rows[r + ROW_AHEAD] + w0 + b);
        const uint64_t *row = rows[r] + w0;
        for (size_t w = 0; w < nw; w++) c8[w] = _mm512_mask_add_epi8(c8[w], (__mmask64)row[w], c8[w], one);
        if (++pending == 255 || r + 1 == m) {
            for (size_t w = 0; w < nw; w++) {
                uint16_t *c = cnt + 64 * (w0 + w);
                __m512i lo = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(c8[w]));
                __m512i hi = _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(c8[w], 1));
                _mm512_storeu_si512(c, _mm512_add_epi16(_mm512_loadu_si512(c), lo));
                _mm512_storeu_si512(c + 32, _mm512_add_epi16(_mm512_loadu_si512(c + 32), hi));
                c8[w] = _mm512_setzero_si512();
            }
            pending = 0;
        }
    }
}

static int have_avx512(void)
{
    return gn_cpu_level() >= 2;
}

size_t gn_lif_kernel(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                     const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired)
{
    if (!s->avx2_only && have_avx512()) return kernel_avx512(lo, hi, s, vinh, p, q, fired);
    return kernel_avx2(lo, hi, s, vinh, p, q, fired);
}

/* Uniforms in (0, 1] from four xoshiro256+ generators (Blackman & Vigna)
 * stepped side by side, st[4w + lane] = word w of generator `lane`, so the
 * loop vectorises; m a multiple of 4.  The top 52 bits become the mantissa
 * of a double in [1, 2), then 2 − d: exact, and no 64-bit integer to double
 * conversion, which AVX2 lacks. */
void gn_lif_uniform_block(uint64_t *st, size_t m, double *u)
{
    __m256i s0 = _mm256_loadu_si256((const __m256i *)st), s1 = _mm256_loadu_si256((const __m256i *)(st + 4));
    __m256i s2 = _mm256_loadu_si256((const __m256i *)(st + 8)), s3 = _mm256_loadu_si256((const __m256i *)(st + 12));
    const __m256i expo = _mm256_set1_epi64x(0x3FF0000000000000LL);
    const __m256d two = _mm256_set1_pd(2.0);
    for (size_t k = 0; k + 4 <= m; k += 4) {
        __m256i res = _mm256_add_epi64(s0, s3), t = _mm256_slli_epi64(s1, 17);
        s2 = _mm256_xor_si256(s2, s0); s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2); s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, t);
        s3 = _mm256_or_si256(_mm256_slli_epi64(s3, 45), _mm256_srli_epi64(s3, 19));
        __m256i bits = _mm256_or_si256(_mm256_srli_epi64(res, 12), expo);
        _mm256_storeu_pd(u + k, _mm256_sub_pd(two, _mm256_castsi256_pd(bits)));
    }
    _mm256_storeu_si256((__m256i *)st, s0); _mm256_storeu_si256((__m256i *)(st + 4), s1);
    _mm256_storeu_si256((__m256i *)(st + 8), s2); _mm256_storeu_si256((__m256i *)(st + 12), s3);
}

/* gap[i] = floor(log(u[i]) · inv_lq) (inv_lq = 1/log(1−p) < 0), capped far
 * above any row length so the conversion cannot overflow.  Under -ffast-math
 * the loops call libmvec's vector log (4 or 8 wide). */
static void geom_avx2(size_t m, const double *u, double inv_lq, uint64_t *gap)
{
    /* AVX2 has no double to 64-bit integer conversion, which would keep the
     * whole loop (and its log) scalar: take the logs vectorised first. */
    double x[256];
    for (size_t i0 = 0; i0 < m; i0 += 256) {
        size_t len = m - i0 < 256 ? m - i0 : 256;
        for (size_t i = 0; i < len; i++) x[i] = fmin(log(u[i0 + i]) * inv_lq, 1e18);
        for (size_t i = 0; i < len; i++) gap[i0 + i] = (uint64_t)x[i];
    }
}

static T512 void geom_avx512(size_t m, const double *u, double inv_lq, uint64_t *gap)
{
    for (size_t i = 0; i < m; i++) gap[i] = (uint64_t)fmin(log(u[i]) * inv_lq, 1e18);
}

void gn_lif_geom_block(size_t m, const double *u, double inv_lq, uint64_t *gap)
{
    if (have_avx512()) geom_avx512(m, u, inv_lq, gap);
    else geom_avx2(m, u, inv_lq, gap);
}

/* Bit j of the 32-bit word x as byte lane j: 0xFF if set, else 0.  Byte k of
 * x goes to lanes 8k..8k+7 (the shuffle works in 128-bit halves, each
 * holding the broadcast word), and each lane keeps its own bit. */
static inline __m256i expand32(uint32_t x)
{
    const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i sel = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x), shuf);
    return _mm256_cmpeq_epi8(_mm256_and_si256(v, sel), sel);
}

/* Rows are summed bit-sliced: six 256-bit planes hold a 6-bit counter for
 * each of 256 targets, and adding a row ripples a carry through them (12
 * logic operations per row per 256 targets).  Groups of at most 63 rows
 * keep the counters from overflowing; after each group the planes are
 * turned into byte counts and added to cnt. */
#define GROUP 63
static void bits_sum_avx2(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt)
{
    for (size_t g = 0; g < m; g += GROUP) {
        size_t ge = m - g < GROUP ? m : g + GROUP;
        for (size_t w = w0; w < w1; w += 4) {
            __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
            for (size_t r = g; r < ge; r++) {
                const uint64_t *row = rows[r] + w;
                if ((w & 7) == 0) __builtin_prefetch(row + 32);   /* 256 bytes ahead */
                __m256i c = _mm256_loadu_si256((const __m256i *)row), t;
                t = _mm256_and_si256(s0, c); s0 = _mm256_xor_si256(s0, c); c = t;
                t = _mm256_and_si256(s1, c); s1 = _mm256_xor_si256(s1, c); c = t;
                t = _mm256_and_si256(s2, c); s2 = _mm256_xor_si256(s2, c); c = t;
                t = _mm256_and_si256(s3, c); s3 = _mm256_xor_si256(s3, c); c = t;
                t = _mm256_and_si256(s4, c); s4 = _mm256_xor_si256(s4, c); c = t;
                s5 = _mm256_xor_si256(s5, c);
            }
            uint32_t pl[6][8];
            _mm256_storeu_si256((__m256i *)pl[0], s0); _mm256_storeu_si256((__m256i *)pl[1], s1);
            _mm256_storeu_si256((__m256i *)pl[2], s2); _mm256_storeu_si256((__m256i *)pl[3], s3);
            _mm256_storeu_si256((__m256i *)pl[4], s4); _mm256_storeu_si256((__m256i *)pl[5], s5);
            for (int q = 0; q < 8; q++) {
                uint32_t any = pl[0][q] | pl[1][q] | pl[2][q] | pl[3][q] | pl[4][q] | pl[5][q];
                if (!any) continue;
                __m256i acc = _mm256_setzero_si256();
                for (int b = 0; b < 6; b++)
                    acc = _mm256_add_epi8(acc, _mm256_and_si256(expand32(pl[b][q]), _mm256_set1_epi8((char)(1 << b))));
                uint16_t *c = cnt + 64 * w + 32 * (size_t)q;
                __m256i lo = _mm256_cvtepu8_epi16(_mm256_castsi256_si128(acc));
                __m256i hi = _mm256_cvtepu8_epi16(_mm256_extracti128_si256(acc, 1));
                _mm256_storeu_si256((__m256i *)c, _mm256_add_epi16(_mm256_loadu_si256((const __m256i *)c), lo));
                _mm256_storeu_si256((__m256i *)(c + 16), _mm256_add_epi16(_mm256_loadu_si256((const __m256i *)(c + 16)), hi));
            }
        }
    }
}

void gn_lif_bits_sum(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt, int avx2_only)
{
    if (!avx2_only && have_avx512()) bits_sum_avx512(rows, m, w0, w1, cnt);
    else bits_sum_avx2(rows, m, w0, w1, cnt);
}

#else   /* ---- x86-64 baseline: the same arithmetic, one neuron at a time ---- */

/* fma() keeps every result bit-identical to the AVX2 code's _mm256_fmadd_pd
 * (glibc's fma is exact, in hardware where the CPU has it).  A seeded run
 * gives the same spikes at every dispatch level (tests/cli/
 * test_simd_baseline.sh); two unseeded runs differ because each session
 * starts from its own seed, not because of -ffast-math. */
static int step1(double *v, double *ampa, double *nmda, int32_t *ref, uint16_t *cnt, double I,
                 const gn_lif_params *p, const gn_lif_prop *q, double pinh, double wc, int syn,
                 int hascnt)
{
    double u = fma(I, p->R, p->vrest);
    double vn = fma(*v - u, q->em, u) - pinh;
    if (syn) {
        double a = *ampa;
        if (hascnt) {
            a = fma((double)*cnt, wc, a);
            *cnt = 0;
        }
        vn = fma(a, p->R * q->pa, vn);
        *ampa = a * q->ea;
    }
    if (syn == 2) {
        double nm = *nmda;
        vn = fma(nm, p->R * q->pn, vn);
        *nmda = nm * q->en;
    }
    int32_t r = *ref;
    if (r > 0) {
        r -= 1;
        vn = p->vrest;
    }
    int sp = vn > p->vth;
    *v = sp ? p->vrest : vn;
    if (sp) r = q->nref;
    *ref = r;
    return sp;
}

size_t gn_lif_kernel(size_t lo, size_t hi, const gn_lif_kstate *s, double vinh,
                     const gn_lif_params *p, const gn_lif_prop *q, uint32_t *fired)
{
    const double pinh = q->pi * vinh;
    const int syn = q->syn, hascnt = s->cnt != NULL;
    double dummy = 0;
    uint16_t zero = 0;
    size_t nf = 0;
    for (size_t i = lo; i < hi; i++) {
        double I = s->I ? s->I[i] : s->I0;
        if (step1(s->v + i, syn ? s->ampa + i : &dummy, syn == 2 ? s->nmda + i : &dummy, s->ref + i,
                  hascnt ? s->cnt + i : &zero, I, p, q, pinh, s->wc, syn, hascnt && syn))
            fired[nf++] = (uint32_t)i;
    }
    return nf;
}

void gn_lif_uniform_block(uint64_t *st, size_t m, double *u)
{
    for (size_t k = 0; k + 4 <= m; k += 4)
        for (int l = 0; l < 4; l++) {
            uint64_t s0 = st[l], s1 = st[4 + l], s2 = st[8 + l], s3 = st[12 + l];
            uint64_t res = s0 + s3, t = s1 << 17;
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
            s3 = (s3 << 45) | (s3 >> 19);
            st[l] = s0; st[4 + l] = s1; st[8 + l] = s2; st[12 + l] = s3;
            uint64_t bits = (res >> 12) | 0x3FF0000000000000ULL;
            double d;
            memcpy(&d, &bits, sizeof d);
            u[k + (size_t)l] = 2.0 - d;
        }
}

void gn_lif_geom_block(size_t m, const double *u, double inv_lq, uint64_t *gap)
{
    for (size_t i = 0; i < m; i++) gap[i] = (uint64_t)fmin(log(u[i]) * inv_lq, 1e18);
}

void gn_lif_bits_sum(const uint64_t *const *rows, size_t m, size_t w0, size_t w1, uint16_t *cnt,
                     int avx2_only)
{
    (void)avx2_only;
    for (size_t r = 0; r < m; r++)
        for (size_t w = w0; w < w1; w++) {
            uint64_t x = rows[r][w];
            while (x) {
                cnt[64 * w + (size_t)__builtin_ctzll(x)]++;
                x &= x - 1;
            }
        }
}

#endif
