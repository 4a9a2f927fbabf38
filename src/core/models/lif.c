/* lif.c — LIF population (Tesileanu et al. 2017 student neurons): parameters,
 * sparse connectivity, input spike schedules and the time-stepping driver. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lif.h"
#include "simd.h"

/* Defaults follow the authors' fit to juvenile zebra finch RA recordings
 * (eLife 2017, Methods; experiment_matcher.ipynb).  tref: the released
 * code fits it in [1, 2] ms starting from 1.9 ms; the fitted value lives in
 * a binary pickle (default_params.pkl) we could not read, so 1.9 ms is the
 * released starting value, not a verified fit.  g_inh defaults to 0 as in
 * the authors' StudentLayer, so a lone population obeys the textbook f–I
 * curve; mg = 0.7 mM is their ExcitatorySynapses value. */
void gn_lif_params_default(gn_lif_params *p)
{
    p->vrest = -72.3;
    p->vth = -48.6;
    p->taum = 24.5;
    p->tref = 1.9;
    p->tau_ampa = 6.3;
    p->tau_nmda = 81.5;
    p->tau_inh = 20.0;
    p->R = 353.0;
    p->g_inh = 0.0;
    p->mg = 0.7;
}

int gn_lif_params_check(const gn_lif_params *p, gn_err *err)
{
    struct { const char *name; double v; int kind; } f[] = {
        /* kind 0: any finite, 1: > 0, 2: >= 0 */
        {"vrest", p->vrest, 0}, {"vth", p->vth, 0}, {"taum", p->taum, 1},
        {"tref", p->tref, 2}, {"tau_ampa", p->tau_ampa, 1}, {"tau_nmda", p->tau_nmda, 1},
        {"tau_inh", p->tau_inh, 1}, {"R", p->R, 1}, {"g_inh", p->g_inh, 2}, {"mg", p->mg, 2},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        if (!isfinite(f[k].v))
            return gn_fail(err, GN_EINVAL, "%s must be a finite number, got %g", f[k].name, f[k].v);
        if (f[k].kind == 1 && !(f[k].v > 0))
            return gn_fail(err, GN_EINVAL, "%s must be > 0, got %g", f[k].name, f[k].v);
        if (f[k].kind == 2 && !(f[k].v >= 0))
            return gn_fail(err, GN_EINVAL, "%s must be >= 0, got %g", f[k].name, f[k].v);
    }
    if (!(p->vth > p->vrest))
        return gn_fail(err, GN_EINVAL, "vth (%g mV) must be above vrest (%g mV)", p->vth, p->vrest);
    return GN_OK;
}

double gn_lif_mg_block(double v, double mg)
{
    return 1.0 / (1.0 + mg / 3.57 * exp(-v / 16.13));
}

/* ---- fast bulk generator ---------------------------------------------------
 * xoshiro256+ (Blackman & Vigna), seeded through splitmix64 from one draw of
 * the caller's gsl_rng, so a reseeded session reproduces the same trains. */
typedef struct { uint64_t s[4]; } fastrng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void fastrng_seed(fastrng *r, gsl_rng *g)
{
    uint64_t x = ((uint64_t)gsl_rng_get(g) << 32) ^ (uint64_t)gsl_rng_get(g);
    for (int k = 0; k < 4; k++) r->s[k] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* Uniform in [0, 1). */
static inline double fastrng_uniform(fastrng *r)
{
    uint64_t *s = r->s;
    uint64_t res = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return (double)(res >> 11) * 0x1.0p-53;
}

/* Geometric gaps floor(log u / log(1−p)), u uniform in (0, 1], a block at a
 * time from four interleaved xoshiro256+ streams (lif_simd.c): drawing 10^7
 * random synapses then takes milliseconds instead of 0.2 s of scalar
 * log1p calls, and the per-synapse loop is integer adds. */
#define GAPBUF 512
typedef struct { uint64_t st[16]; double u[GAPBUF]; uint64_t gap[GAPBUF]; double inv_lq; } gapbuf;

static void gapbuf_init(gapbuf *b, gsl_rng *g, double inv_lq)
{
    uint64_t x = ((uint64_t)gsl_rng_get(g) << 32) ^ (uint64_t)gsl_rng_get(g);
    for (int k = 0; k < 16; k++) b->st[k] = splitmix64(&x);
    b->inv_lq = inv_lq;
}

static void gapbuf_fill(gapbuf *b)
{
    gn_lif_uniform_block(b->st, GAPBUF, b->u);
    gn_lif_geom_block(GAPBUF, b->u, b->inv_lq, b->gap);
}

/* Large arrays (synapse lists, the recurrence bitmap) on 2 MB pages where
 * the kernel offers them on request: page faults are slow in our VMs
 * (10^4 of them for 40 MB of 4 kB pages), and random rows of a bitmap on
 * 4 kB pages miss the TLB.  Freed with free(). */
static void *big_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < 2 * huge) return malloc(bytes ? bytes : 1);
    void *p = NULL;
    if (posix_memalign(&p, huge, bytes)) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

/* ---- connectivity ------------------------------------------------------------ */
static gn_lif_csr *csr_new(size_t rows, size_t cols, size_t cap, int weights, gn_err *err)
{
    gn_lif_csr *c = calloc(1, sizeof *c);
    if (!c) { gn_fail(err, GN_ENOMEM, "out of memory for connectivity"); return NULL; }
    c->rows = rows; c->cols = cols;
    c->ptr = calloc(rows + 1, sizeof *c->ptr);
    c->idx = big_alloc((cap ? cap : 1) * sizeof *c->idx);
    c->w = weights ? malloc((cap ? cap : 1) * sizeof *c->w) : NULL;
    if (!c->ptr || !c->idx || (weights && !c->w)) {
        gn_lif_csr_free(c);
        gn_fail(err, GN_ENOMEM, "out of memory for %zu synapses", cap);
        return NULL;
    }
    return c;
}

void gn_lif_csr_free(gn_lif_csr *c)
{
    if (!c) return;
    free(c->ptr); free(c->idx); free(c->w); free(c);
}

size_t gn_lif_csr_nnz(const gn_lif_csr *c) { return c ? c->ptr[c->rows] : 0; }

gn_lif_csr *gn_lif_csr_random(size_t rows, size_t cols, double p, double w, int no_self,
                              gsl_rng *rng, gn_err *err)
{
    if (!(p >= 0 && p <= 1)) { gn_fail(err, GN_EINVAL, "connection probability p must be in [0, 1], got %g", p); return NULL; }
    if (!isfinite(w)) { gn_fail(err, GN_EINVAL, "weight w must be finite, got %g", w); return NULL; }
    if (cols > UINT32_MAX) { gn_fail(err, GN_EINVAL, "too many neurons (%zu)", cols); return NULL; }
    double mean = p * (double)rows * (double)cols;
    /* Mean plus a generous 8-sigma margin: one allocation, grown only if a
     * (practically impossible) excess occurs. */
    double capd = mean + 8.0 * sqrt(mean + 1.0) + 16.0;
    if (capd > (double)GN_MAX_ELEMS) { gn_fail(err, GN_ENOMEM, "%.3g synapses is too many", mean); return NULL; }
    size_t cap = (size_t)capd;
    gn_lif_csr *c = csr_new(rows, cols, cap, 0, err);
    if (!c) return NULL;
    c->wconst = w;
    /* Gaps between successive synapses are geometric(p). */
    gapbuf *gb = malloc(sizeof *gb);
    if (!gb) { gn_lif_csr_free(c); gn_fail(err, GN_ENOMEM, "out of memory"); return NULL; }
    gapbuf_init(gb, rng, (p > 0 && p < 1) ? 1.0 / log1p(-p) : 0);
    /* Locals, so the loop keeps them in registers: ~10 instructions a synapse. */
    size_t nnz = 0, at = GAPBUF;
    const uint64_t *gap = gb->gap;
    uint32_t *idx = c->idx;
    for (size_t i = 0; i < rows; i++) {
        c->ptr[i] = nnz;
        if (p <= 0) continue;
        for (size_t j = 0;; j++) {           /* j: next candidate target */
            if (p < 1) {
                if (at == GAPBUF) { gapbuf_fill(gb); at = 0; }
                uint64_t g = gap[at++];
                if (g >= cols - j) break;
                j += g;
            }
            if (j >= cols) break;
            if (no_self && j == i) continue;
            if (nnz == cap) {
                size_t ncap = cap * 2;
                uint32_t *ni = realloc(idx, ncap * sizeof *ni);
                if (!ni) { free(gb); gn_lif_csr_free(c); gn_fail(err, GN_ENOMEM, "out of memory for synapses"); return NULL; }
                c->idx = idx = ni; cap = ncap;
            }
            idx[nnz++] = (uint32_t)j;
        }
    }
    free(gb);
    c->ptr[rows] = nnz;
    c->sorted = 1;
    return c;
}

gn_lif_csr *gn_lif_csr_from_dense(size_t rows, size_t cols, const double *W, gn_err *err)
{
    size_t nnz = 0;
    for (size_t k = 0; k < rows * cols; k++) {
        if (!isfinite(W[k])) { gn_fail(err, GN_EINVAL, "W(%zu,%zu) is not finite", k / rows + 1, k % rows + 1); return NULL; }
        nnz += W[k] != 0;
    }
    gn_lif_csr *c = csr_new(rows, cols, nnz, 1, err);
    if (!c) return NULL;
    size_t at = 0;
    for (size_t j = 0; j < rows; j++) {          /* presynaptic = column of W */
        c->ptr[j] = at;
        for (size_t i = 0; i < cols; i++) {
            double w = W[i * rows + j];
            if (w != 0) { c->idx[at] = (uint32_t)i; c->w[at] = w; at++; }
        }
    }
    c->ptr[rows] = at;
    c->sorted = 1;
    return c;
}

/* ---- input schedules ----------------------------------------------------------- */
static gn_lif_sched *sched_new(size_t steps, size_t count, gn_err *err)
{
    gn_lif_sched *s = calloc(1, sizeof *s);
    if (!s) { gn_fail(err, GN_ENOMEM, "out of memory for input spikes"); return NULL; }
    s->steps = steps;
    s->ptr = calloc(steps + 2, sizeof *s->ptr);
    s->input = malloc((count ? count : 1) * sizeof *s->input);
    if (!s->ptr || !s->input) { gn_lif_sched_free(s); gn_fail(err, GN_ENOMEM, "out of memory for %zu input spikes", count); return NULL; }
    return s;
}

void gn_lif_sched_free(gn_lif_sched *s)
{
    if (!s) return;
    free(s->ptr); free(s->input); free(s);
}

/* One pass of Poisson spike generation from the stream r: counts spikes per
 * step into cnt (input == NULL), or writes each spike's channel at the
 * cursor cnt[k] of its step (input != NULL). */
static size_t poisson_pass(fastrng r, size_t inputs, const double *rates, size_t steps, double dt,
                           size_t *cnt, uint32_t *input)
{
    double T = dt * (double)steps;
    size_t total = 0;
    for (size_t j = 0; j < inputs; j++) {
        if (rates[j] <= 0) continue;
        double mean_isi = 1000.0 / rates[j];
        for (double t = -mean_isi * log1p(-fastrng_uniform(&r)); t < T;
             t += -mean_isi * log1p(-fastrng_uniform(&r))) {
            size_t k = (size_t)(t / dt);
            if (k >= steps) break;
            if (input) input[cnt[k]++] = (uint32_t)j;
            else cnt[k]++;
            total++;
        }
    }
    return total;
}

/* Two passes over the same random stream (the generator state is copied):
 * the first counts spikes per step, the second fills them in place —
 * a counting sort with no temporary list of spike times. */
gn_lif_sched *gn_lif_sched_poisson(size_t inputs, const double *rates, size_t steps, double dt,
                                   gsl_rng *rng, gn_err *err)
{
    if (!(dt > 0) || !isfinite(dt)) { gn_fail(err, GN_EINVAL, "dt must be > 0, got %g", dt); return NULL; }
    double T = dt * (double)steps, expect = 0;
    for (size_t j = 0; j < inputs; j++) {
        if (!(rates[j] >= 0) || !isfinite(rates[j])) {
            gn_fail(err, GN_EINVAL, "rates[%zu] must be a finite rate >= 0 Hz, got %g", j + 1, rates[j]);
            return NULL;
        }
        expect += rates[j] * T / 1000.0;
    }
    if (expect > (double)GN_MAX_ELEMS / 4) { gn_fail(err, GN_ENOMEM, "%.3g input spikes is too many", expect); return NULL; }
    fastrng r0; fastrng_seed(&r0, rng);
    size_t *cnt = calloc(steps + 1, sizeof *cnt);
    if (!cnt) { gn_fail(err, GN_ENOMEM, "out of memory for input spikes"); return NULL; }
    size_t total = poisson_pass(r0, inputs, rates, steps, dt, cnt, NULL);
    gn_lif_sched *s = sched_new(steps, total, err);
    if (!s) { free(cnt); return NULL; }
    for (size_t k = 0; k < steps; k++) s->ptr[k + 1] = s->ptr[k] + cnt[k];
    memcpy(cnt, s->ptr, steps * sizeof *cnt);   /* reuse as fill cursors */
    poisson_pass(r0, inputs, rates, steps, dt, cnt, s->input);
    free(cnt);
    return s;
}

gn_lif_sched *gn_lif_sched_from_list(size_t count, const double *t, const uint32_t *ch,
                                     size_t inputs, size_t steps, double dt, gn_err *err)
{
    if (!(dt > 0) || !isfinite(dt)) { gn_fail(err, GN_EINVAL, "dt must be > 0, got %g", dt); return NULL; }
    double T = dt * (double)steps;
    for (size_t s = 0; s < count; s++) {
        if (!isfinite(t[s]) || t[s] < 0)
            return gn_fail(err, GN_EINVAL, "input_spikes[%zu].t must be a time >= 0 ms, got %g", s + 1, t[s]), NULL;
        if (ch[s] >= inputs)
            return gn_fail(err, GN_EINVAL, "input_spikes[%zu].i must be an input in 1..%zu, got %u", s + 1, inputs, ch[s] + 1), NULL;
    }
    size_t kept = 0;
    for (size_t s = 0; s < count; s++) kept += t[s] < T;
    gn_lif_sched *S = sched_new(steps, kept, err);
    if (!S) return NULL;
    /* Counting sort by step; spikes at or after T are outside the run. */
    for (size_t s = 0; s < count; s++)
        if (t[s] < T) { size_t k = (size_t)(t[s] / dt); if (k >= steps) k = steps - 1; S->ptr[k + 1]++; }
    for (size_t k = 0; k < steps; k++) S->ptr[k + 1] += S->ptr[k];
    size_t *cur = malloc((steps + 1) * sizeof *cur);
    if (!cur) { gn_lif_sched_free(S); gn_fail(err, GN_ENOMEM, "out of memory"); return NULL; }
    memcpy(cur, S->ptr, (steps + 1) * sizeof *cur);
    for (size_t s = 0; s < count; s++)
        if (t[s] < T) { size_t k = (size_t)(t[s] / dt); if (k >= steps) k = steps - 1; S->input[cur[k]++] = ch[s]; }
    free(cur);
    return S;
}

/* ---- spikes ------------------------------------------------------------------ */
void gn_lif_spikes_init(gn_lif_spikes *s) { memset(s, 0, sizeof *s); }

void gn_lif_spikes_free(gn_lif_spikes *s)
{
    free(s->step); free(s->neuron);
    memset(s, 0, sizeof *s);
}

static int spikes_reserve(gn_lif_spikes *s, size_t need, gn_err *err)
{
    if (need <= s->cap) return GN_OK;
    size_t ncap = s->cap ? s->cap : 1024;
    while (ncap < need) ncap *= 2;
    uint32_t *a = realloc(s->step, ncap * sizeof *a);
    if (!a) return gn_fail(err, GN_ENOMEM, "out of memory for %zu spikes", need);
    s->step = a;
    uint32_t *b = realloc(s->neuron, ncap * sizeof *b);
    if (!b) return gn_fail(err, GN_ENOMEM, "out of memory for %zu spikes", need);
    s->neuron = b;
    s->cap = ncap;
    return GN_OK;
}

/* ---- population ------------------------------------------------------------------ */
gn_lif *gn_lif_alloc(size_t n, size_t inputs, const gn_lif_params *p, gn_err *err)
{
    if (n == 0) { gn_fail(err, GN_EINVAL, "n must be >= 1, got 0"); return NULL; }
    if (n > UINT32_MAX || inputs > UINT32_MAX) { gn_fail(err, GN_EINVAL, "n or inputs too large"); return NULL; }
    if (gn_check_size(n, 8, err)) return NULL;
    if (gn_lif_params_check(p, err)) return NULL;
    gn_lif *L = calloc(1, sizeof *L);
    if (!L) { gn_fail(err, GN_ENOMEM, "out of memory"); return NULL; }
    L->n = n; L->inputs = inputs; L->p = *p;
    L->v = malloc(n * sizeof *L->v);
    L->ampa = malloc(n * sizeof *L->ampa);
    L->nmda = malloc(n * sizeof *L->nmda);
    L->ref = malloc(n * sizeof *L->ref);
    L->fired = malloc(n * sizeof *L->fired);
    L->f_in = calloc(inputs ? inputs : 1, sizeof *L->f_in);
    if (!L->v || !L->ampa || !L->nmda || !L->ref || !L->fired || !L->f_in) {
        gn_lif_free(L);
        gn_fail(err, GN_ENOMEM, "out of memory for %zu neurons", n);
        return NULL;
    }
    gn_lif_reset(L, NULL);
    return L;
}

void gn_lif_free(gn_lif *L)
{
    if (!L) return;
    free(L->v); free(L->ampa); free(L->nmda); free(L->ref); free(L->fired);
    free(L->f_in); free(L->rec_bits);
    gn_lif_csr_free(L->win); gn_lif_csr_free(L->rec);
    free(L);
}

void gn_lif_reset(gn_lif *L, const double *v0)
{
    for (size_t i = 0; i < L->n; i++) {
        L->v[i] = v0 ? v0[i] : L->p.vrest;
        L->ampa[i] = 0; L->nmda[i] = 0; L->ref[i] = 0;
    }
    L->vinh = 0;
    L->nfired = 0;
}

/* Threads split every row by target, and counted delivery bounds a step's
 * count per neuron by the number of rows: both need rows of distinct,
 * ascending targets. */
static int csr_check_rows(const gn_lif_csr *c, const char *what, gn_err *err)
{
    for (size_t r = 0; r < c->rows; r++) {
        size_t a = c->ptr[r], b = c->ptr[r + 1];
        if (a == b) continue;
        int bad = c->idx[b - 1] >= c->cols;   /* ascending: the last is the largest */
        for (size_t k = a + 1; k < b; k++) bad |= c->idx[k] <= c->idx[k - 1];
        if (bad)
            return gn_fail(err, GN_EINVAL, "%s row %zu must hold distinct targets < %zu in ascending order",
                           what, r + 1, c->cols);
    }
    return GN_OK;
}

int gn_lif_set_inputs(gn_lif *L, gn_lif_csr *c, const double *f, gn_err *err)
{
    if (c && (c->rows != L->inputs || c->cols != L->n)) {
        gn_lif_csr_free(c);
        return gn_fail(err, GN_EINVAL, "input weights must connect %zu inputs to %zu neurons", L->inputs, L->n);
    }
    if (c && !c->sorted && csr_check_rows(c, "input weights", err)) { gn_lif_csr_free(c); return GN_EINVAL; }
    for (size_t j = 0; f && j < L->inputs; j++)
        if (!(f[j] >= 0 && f[j] <= 1)) {
            gn_lif_csr_free(c);
            return gn_fail(err, GN_EINVAL, "f_nmda[%zu] must be in [0, 1], got %g", j + 1, f[j]);
        }
    gn_lif_csr_free(L->win);
    L->win = c;
    for (size_t j = 0; j < L->inputs; j++) L->f_in[j] = f ? f[j] : 0;
    return GN_OK;
}

int gn_lif_set_recurrent(gn_lif *L, gn_lif_csr *c, double f, gn_err *err)
{
    if (c && (c->rows != L->n || c->cols != L->n)) {
        gn_lif_csr_free(c);
        return gn_fail(err, GN_EINVAL, "recurrent weights must be %zu x %zu", L->n, L->n);
    }
    if (c && !c->sorted && csr_check_rows(c, "recurrent weights", err)) { gn_lif_csr_free(c); return GN_EINVAL; }
    if (!(f >= 0 && f <= 1)) {
        gn_lif_csr_free(c);
        return gn_fail(err, GN_EINVAL, "f_nmda_rec must be in [0, 1], got %g", f);
    }
    gn_lif_csr_free(L->rec);
    free(L->rec_bits);
    L->rec_bits = NULL;
    L->rec = c;
    L->f_rec = f;
    L->nfired = 0;
    return GN_OK;
}

/* u(dt) for u' = (−u + c e^{−t/tx})/tm, u(0) = 0, per unit c: the response
 * of the membrane to an exponentially decaying drive over one step. */
static double step_response(double dt, double tm, double tx)
{
    if (fabs(tx - tm) < 1e-9 * tm) return dt / tm * exp(-dt / tm);
    return tx / (tx - tm) * (exp(-dt / tx) - exp(-dt / tm));
}

void gn_lif_propagator(const gn_lif_params *p, double dt, gn_lif_prop *q)
{
    q->em = exp(-dt / p->taum);
    q->ea = exp(-dt / p->tau_ampa);
    q->en = exp(-dt / p->tau_nmda);
    q->ei = exp(-dt / p->tau_inh);
    q->pa = step_response(dt, p->taum, p->tau_ampa);
    q->pn = step_response(dt, p->taum, p->tau_nmda);
    q->pi = step_response(dt, p->taum, p->tau_inh);
    q->nref = (int32_t)lround(p->tref / dt);
    q->syn = 2;
}

/* ---- threads ------------------------------------------------------------------ */
/* Below this many neurons a step is too short (~2 µs) to pay for a barrier
 * (~0.2 µs when both cores are free, far more when they are not). */
#define THREADS_MIN_N 2048
/* ...unless recurrence makes each step heavy anyway. */
#define THREADS_MIN_SYNAPSES 200000
/* Threads own whole blocks of this many neurons: slices never share a cache
 * line of any state array, each starts 4-aligned for the kernel, and each
 * covers whole 256-bit blocks of a recurrence bitmap row. */
#define SLICE_ALIGN 256
/* Spins (~26 ns each) before a barrier waiter sleeps. */
#define SPIN_LIMIT 1000

int gn_lif_threads_auto(const gn_lif *L)
{
    long cpus = gn_cpu_count();
    if (cpus < 2) return 1;
    if (L->n >= THREADS_MIN_N || gn_lif_csr_nnz(L->rec) >= THREADS_MIN_SYNAPSES) return 2;
    return 1;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* A reusable barrier that spins briefly (a step takes microseconds, far less
 * than a sleep and wake-up) and then sleeps on a condition variable, so that
 * when the machine gives us fewer cores than threads the partner can run
 * instead of watching us spin.  The last arriver publishes the new
 * generation, then wakes sleepers; a sleeper registers before re-checking
 * the generation under the mutex (both sequentially consistent), so no
 * wake-up is lost. */
typedef struct {
    atomic_uint count, gen;
    atomic_int sleepers;
    unsigned n;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} spinbar;

static void spinbar_wait(spinbar *b)
{
    if (b->n <= 1) return;
    unsigned g = atomic_load(&b->gen);
    if (atomic_fetch_add(&b->count, 1) + 1 == b->n) {
        atomic_store(&b->count, 0);
        atomic_store(&b->gen, g + 1);
        if (atomic_load(&b->sleepers) > 0) {
            pthread_mutex_lock(&b->mu);
            pthread_cond_broadcast(&b->cv);
            pthread_mutex_unlock(&b->mu);
        }
        return;
    }
    for (unsigned spins = 0; spins < SPIN_LIMIT; spins++) {
        if (atomic_load_explicit(&b->gen, memory_order_acquire) != g) return;
        cpu_relax();
    }
    atomic_fetch_add(&b->sleepers, 1);
    pthread_mutex_lock(&b->mu);
    while (atomic_load(&b->gen) == g) pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
    atomic_fetch_sub(&b->sleepers, 1);
}

/* ---- delivery ------------------------------------------------------------------ */
/* How recurrent spikes reach their targets. */
enum {
    DELIVER_COUNT,   /* one weight, AMPA only: count spikes per target in uint16 (a slice of
                      * counters sits in L1 while the double currents would not), the kernel
                      * adds wconst·count; folded into AMPA early every 65,535 rows */
    DELIVER_BITS,    /* as COUNT, with connectivity dense enough (p >= 1/32) that a bitmap is
                      * smaller than the index list and SIMD counting beats scattering */
    DELIVER_DIRECT   /* anything else: add each synapse's current directly */
};

/* Bitmap limits: density at which it is no larger than the 4-byte index
 * list, and the most memory it may take. */
#define BITS_MIN_DENSITY (1.0 / 32)
#define BITS_MAX_BYTES ((size_t)256 << 20)

/* The recurrent bitmap, built once per connectivity and cached in L. */
static int rec_bitmap(gn_lif *L, size_t wpr)
{
    if (L->rec_bits) return GN_OK;
    const gn_lif_csr *c = L->rec;
    uint64_t *b = big_alloc(c->rows * wpr * sizeof *b);
    if (!b) return GN_ENOMEM;
    memset(b, 0, c->rows * wpr * sizeof *b);
    const uint32_t *idx = c->idx;
    for (size_t r = 0; r < c->rows; r++) {
        uint64_t *row = b + r * wpr;
        for (size_t k = c->ptr[r], e = c->ptr[r + 1]; k < e; k++) row[idx[k] >> 6] |= (uint64_t)1 << (idx[k] & 63);
    }
    L->rec_bits = b;
    return GN_OK;
}

/* Synapses [a, b) of one row, AMPA share directly, NMDA share scaled by the
 * magnesium block at the target's present potential: from mgb[i] when the
 * step has it (mg_block_slice), else computed here.  Both are the same
 * number: V does not change while a step's spikes are delivered. */
static void deliver(gn_lif *L, const gn_lif_csr *c, size_t a, size_t b, double f, const double *mgb)
{
    const uint32_t *idx = c->idx;
    double *ampa = L->ampa;
    if (f == 0) {
        if (c->w) { for (size_t k = a; k < b; k++) ampa[idx[k]] += c->w[k]; return; }
        /* Targets within a row are distinct, so four gathers can be in
         * flight before the four stores (the compiler cannot know this). */
        double w = c->wconst;
        size_t k = a;
        for (; k + 4 <= b; k += 4) {
            uint32_t i0 = idx[k], i1 = idx[k + 1], i2 = idx[k + 2], i3 = idx[k + 3];
            double x0 = ampa[i0], x1 = ampa[i1], x2 = ampa[i2], x3 = ampa[i3];
            ampa[i0] = x0 + w; ampa[i1] = x1 + w; ampa[i2] = x2 + w; ampa[i3] = x3 + w;
        }
        for (; k < b; k++) ampa[idx[k]] += w;
        return;
    }
    double *nmda = L->nmda;
    for (size_t k = a; k < b; k++) {
        uint32_t i = idx[k];
        double w = c->w ? c->w[k] : c->wconst;
        ampa[i] += (1 - f) * w;
        nmda[i] += f * (mgb ? mgb[i] : gn_lif_mg_block(L->v[i], L->p.mg)) * w;
    }
}

/* The magnesium block of every neuron of [lo, hi) at its present potential,
 * once per step before the step's spikes arrive: one exp per neuron instead
 * of one per NMDA synapse event (75 times fewer at n = 10,000, p = 0.1,
 * where each step delivers ~750,000 events). */
static void mg_block_slice(const gn_lif *L, double *mgb, size_t lo, size_t hi)
{
    const double *v = L->v;
    const double mg = L->p.mg;
    for (size_t i = lo; i < hi; i++) mgb[i] = gn_lif_mg_block(v[i], mg);
}

/* Counted delivery of synapses [a, b).  Rows are read from memory once per
 * spike in short random bursts; prefetching a kilobyte ahead hides most of
 * the DRAM latency the hardware prefetcher leaves exposed at each row start. */
static void count_targets(uint16_t *restrict cnt, const uint32_t *restrict idx, size_t a, size_t b)
{
    size_t k = a;
    for (; k + 16 <= b; k += 16) {
        __builtin_prefetch(idx + k + 256);
        for (int j = 0; j < 16; j++) cnt[idx[k + j]]++;
    }
    for (; k < b; k++) cnt[idx[k]]++;
}

/* Per-row offsets where each thread's targets begin: row r's synapses for
 * thread t are [s[r(T+1)+t], s[r(T+1)+t+1]).  Rows are sorted, so a binary
 * search per boundary. */
static size_t *split_rows(const gn_lif_csr *c, int T, const size_t *lo)
{
    size_t *s = malloc(c->rows * (size_t)(T + 1) * sizeof *s);
    if (!s) return NULL;
    for (size_t r = 0; r < c->rows; r++) {
        size_t *o = s + r * (size_t)(T + 1);
        o[0] = c->ptr[r];
        o[T] = c->ptr[r + 1];
        for (int t = 1; t < T; t++) {
            size_t a = o[t - 1], b = c->ptr[r + 1];
            while (a < b) {
                size_t m = a + (b - a) / 2;
                if (c->idx[m] < lo[t]) a = m + 1; else b = m;
            }
            o[t] = a;
        }
    }
    return s;
}

/* ---- the run ------------------------------------------------------------------ */
typedef struct run_ctx run_ctx;

typedef struct {
    run_ctx *c;
    int id;
    size_t lo, hi;          /* owned neurons [lo, hi) */
    uint32_t *fbuf[2];      /* neurons of this slice that fired, by step parity */
    size_t nf[2];
    const uint64_t **rows;  /* bitmap rows of this step's recurrent spikes (DELIVER_BITS) */
    const double *mgb;      /* this step's Mg block of the slice, or NULL: per event */
    size_t nrows;           /* rows queued (BITS) or counted since the last fold (COUNT) */
    uint32_t *sstep, *sneu; /* an uncoupled chunk's spikes (1-based step, neuron), by step */
    size_t scount, scap;
    int nomem;
    pthread_t th;
} worker;

struct run_ctx {
    gn_lif *L;
    const gn_lif_run_opts *o;
    gn_lif_spikes *out;
    gn_err *err;
    gn_lif_prop q;
    double inh_kick;            /* mV of inhibition per population spike */
    int coupled;                /* neurons interact within a step (recurrence, inhibition) */
    int lockstep;               /* this chunk runs step by step with barriers (coupled, or T = 1) */
    int T;                      /* threads of the current chunk */
    size_t k0, k1;              /* the current chunk's steps [k0, k1) */
    worker w[GN_LIF_MAX_THREADS];
    size_t lo[GN_LIF_MAX_THREADS + 1];
    spinbar bar;
    atomic_int go;              /* 0: wait, 1: run, −1: abandon (thread creation failed) */
    const size_t *rsplit, *isplit;   /* row splits (recurrent, input) for the run's most threads */
    int rec_mode;
    uint16_t *cnt;              /* DELIVER_COUNT/BITS counters, n */
    size_t wpr;                 /* bitmap words per row (a multiple of 4) */
    const uint64_t **rowmem;    /* DELIVER_BITS row queues, n per thread */
    double *mgb;                /* Mg block per neuron this step, n (NULL: no NMDA synapses) */
    double rec_row, in_row;     /* mean synapses per recurrent / input row (NMDA rows only) */
    atomic_size_t stop_at;      /* steps done when everyone stops (0: not stopping) */
    int status;                 /* GN_OK, or why thread 0 asked to stop */
    size_t done;                /* steps completed */
    double vinh;                /* inhibition after the last step done */
};

/* Appends step k's spikes (all slices, ascending) to the output. */
static int record_step(run_ctx *c, size_t k)
{
    size_t ns = 0;
    for (int t = 0; t < c->T; t++) ns += c->w[t].nf[k & 1];
    if (!ns) return GN_OK;
    gn_lif_spikes *out = c->out;
    int st = spikes_reserve(out, out->count + ns, c->err);
    if (st) return st;
    for (int t = 0; t < c->T; t++) {
        const uint32_t *f = c->w[t].fbuf[k & 1];
        for (size_t s = 0; s < c->w[t].nf[k & 1]; s++) {
            out->step[out->count] = (uint32_t)(k + 1);
            out->neuron[out->count++] = f[s];
        }
    }
    return GN_OK;
}

/* Synapses of `row` that target this worker's slice. */
static inline void row_bounds(const run_ctx *c, const gn_lif_csr *cs, const size_t *split, int id,
                              size_t row, size_t *a, size_t *b)
{
    if (c->T == 1) { *a = cs->ptr[row]; *b = cs->ptr[row + 1]; return; }
    const size_t *o = split + row * (size_t)(c->T + 1) + id;
    *a = o[0]; *b = o[1];
}

/* Recurrent spikes of one fired list into this worker's slice (index-list
 * modes), or their bitmap rows queued for gn_lif_bits_sum. */
static void deliver_list(run_ctx *c, worker *me, const uint32_t *list, size_t m)
{
    gn_lif *L = c->L;
    const gn_lif_csr *rc = L->rec;
    if (c->rec_mode == DELIVER_BITS) {
        size_t w0 = me->lo / 64;
        for (size_t s = 0; s < m; s++) {
            const uint64_t *row = L->rec_bits + list[s] * c->wpr;
            /* Rows are short and random: start fetching each now. */
            for (size_t b = 0; b < 4; b++) __builtin_prefetch((const char *)(row + w0) + 64 * b);
            me->rows[me->nrows++] = row;
        }
        return;
    }
    for (size_t s = 0; s < m; s++) {
        size_t a, b;
        row_bounds(c, rc, c->rsplit, me->id, list[s], &a, &b);
        if (s + 1 < m) {
            /* The next row's first lines, while this one is processed. */
            size_t an, bn;
            row_bounds(c, rc, c->rsplit, me->id, list[s + 1], &an, &bn);
            __builtin_prefetch(rc->idx + an);
            __builtin_prefetch(rc->idx + an + 16);
        }
        if (c->rec_mode == DELIVER_COUNT) {
            count_targets(c->cnt, rc->idx, a, b);
            /* A row adds at most 1 per target: fold before uint16 could wrap
             * (only when > 65,534 neurons fire in one step).  Every thread
             * sees the same rows, so all fold at the same point. */
            if (++me->nrows == 65535) {
                for (size_t i = me->lo; i < me->hi; i++) { L->ampa[i] += rc->wconst * c->cnt[i]; c->cnt[i] = 0; }
                me->nrows = 0;
            }
        }
        else deliver(L, rc, a, b, L->f_rec, me->mgb);
    }
}

static void deliver_inputs(run_ctx *c, const worker *me, size_t k)
{
    gn_lif *L = c->L;
    const gn_lif_sched *in = c->o->in;
    for (size_t s = in->ptr[k]; s < in->ptr[k + 1]; s++) {
        uint32_t j = in->input[s];
        size_t a, b;
        row_bounds(c, L->win, c->isplit, me->id, j, &a, &b);
        deliver(L, L->win, a, b, L->f_in[j], me->mgb);
    }
}

/* Before step k's deliveries: the Mg block of the slice once per neuron when
 * the step brings more NMDA synapse events than there are neurons (m
 * recurrent spikes from the previous step, plus this step's input spikes),
 * else none and deliver() computes it per event.  Every worker decides
 * alike, and either way each event gets the same value. */
static void mg_block_step(run_ctx *c, worker *me, size_t k, size_t m)
{
    me->mgb = NULL;
    if (!c->mgb) return;
    const gn_lif_sched *in = c->o->in;
    double events = (double)m * c->rec_row;
    if (c->L->win && in) events += (double)(in->ptr[k + 1] - in->ptr[k]) * c->in_row;
    if (events <= (double)c->L->n) return;
    mg_block_slice(c->L, c->mgb, me->lo, me->hi);
    me->mgb = c->mgb;
}

static void record_v(const run_ctx *c, const worker *me, size_t k)
{
    const gn_lif_run_opts *o = c->o;
    double *row = o->Vrec + k * o->nrec;
    const double *v = c->L->v;
    if (o->rec_idx) {
        for (size_t r = 0; r < o->nrec; r++)
            if (o->rec_idx[r] >= me->lo && o->rec_idx[r] < me->hi) row[r] = v[o->rec_idx[r]];
    } else memcpy(row + me->lo, v + me->lo, (me->hi - me->lo) * sizeof *row);
}

/* One worker's share of the chunk [k0, k1).
 *
 * Coupled populations: per step, deliver the previous step's recurrent
 * spikes and this step's input spikes into its own neurons (post-synaptic
 * ownership: no atomics, and every neuron sums its inputs in the same order
 * whatever the thread count), update its slice, list its spikes, then one
 * barrier.  Fired lists are double-buffered by step parity, so one barrier
 * per step suffices: a list written during step k is read during step k+1
 * and rewritten only in step k+2, after everyone has passed barrier k+1.
 * Thread 0 (the caller) alone records spikes, reports progress and polls
 * cancellation; a stop it decides during step k is published before
 * barrier k and read by everyone after it, so all stop after the same step.
 *
 * Uncoupled populations (no recurrence, no inhibition) on several threads:
 * the slices are independent, so each worker runs the whole chunk without a
 * barrier and keeps its spikes for the caller to merge in step order. */
static void run_worker(worker *me)
{
    run_ctx *c = me->c;
    gn_lif *L = c->L;
    const gn_lif_run_opts *o = c->o;
    const gn_lif_params *p = &L->p;
    const int T = c->T, id = me->id;
    const size_t n = L->n;
    if (id > 0) {
        int g;
        while ((g = atomic_load_explicit(&c->go, memory_order_acquire)) == 0) sched_yield();
        if (g < 0) return;
    }
    gn_lif_kstate ks = {
        .v = L->v, .ampa = L->ampa, .nmda = L->nmda, .ref = L->ref, .cnt = c->cnt,
        .wc = L->rec ? L->rec->wconst : 0, .I = NULL, .I0 = 0,
    };
    if (o->I_kind == GN_LIF_I_SCALAR) ks.I0 = o->I0;
    if (o->I_kind == GN_LIF_I_VECTOR) ks.I = o->I;
    double vinh = L->vinh;
    const int inputs = L->win && o->in;
    size_t k = c->k0;
    if (!c->lockstep) {
        me->scount = 0;
        for (; k < c->k1; k++) {
            mg_block_step(c, me, k, 0);
            if (inputs) deliver_inputs(c, me, k);
            if (o->I_kind == GN_LIF_I_MATRIX) ks.I = o->I + k * n;
            size_t nf = gn_lif_kernel(me->lo, me->hi, &ks, vinh, p, &c->q, me->fbuf[0]);
            vinh *= c->q.ei;   /* no kicks without coupling, but a carried-over V_inh decays */
            if (nf && me->scount + nf > me->scap && !me->nomem) {
                size_t cap = me->scap ? me->scap : 4096;
                while (cap < me->scount + nf) cap *= 2;
                uint32_t *a = realloc(me->sstep, cap * sizeof *a);
                if (a) me->sstep = a;
                uint32_t *b = a ? realloc(me->sneu, cap * sizeof *b) : NULL;
                if (b) { me->sneu = b; me->scap = cap; } else me->nomem = 1;
            }
            if (!me->nomem)
                for (size_t s = 0; s < nf; s++) {
                    me->sstep[me->scount] = (uint32_t)(k + 1);
                    me->sneu[me->scount++] = me->fbuf[0][s];
                }
            if (o->Vrec) record_v(c, me, k);
        }
        if (id == 0) { c->done = k; c->vinh = vinh; }
        return;
    }
    for (; k < c->k1; k++) {
        if (id == 0 && k > c->k0) {
            if (c->status == GN_OK) c->status = record_step(c, k - 1);
            if (c->status == GN_OK && (k & 255) == 0 && gn_cancel_check(&o->cancel))
                c->status = gn_fail(c->err, GN_EINTR, "interrupted at step %zu of %zu", k, o->steps);
            if (c->status != GN_OK) atomic_store_explicit(&c->stop_at, k + 1, memory_order_relaxed);
            if (o->progress && o->every && k % o->every == 0) o->progress(o->progress_ud, k, o->steps);
        }
        /* Recurrent spikes of the previous step (one-step delay), then this
         * step's input spikes. */
        if (c->mgb) {
            size_t m = k == c->k0 ? L->nfired : 0;
            for (int t = 0; k > c->k0 && t < T; t++) m += c->w[t].nf[(k - 1) & 1];
            mg_block_step(c, me, k, L->rec ? m : 0);
        }
        if (L->rec) {
            me->nrows = 0;
            if (k == c->k0) deliver_list(c, me, L->fired, L->nfired);
            else for (int t = 0; t < T; t++) deliver_list(c, me, c->w[t].fbuf[(k - 1) & 1], c->w[t].nf[(k - 1) & 1]);
            if (c->rec_mode == DELIVER_BITS && me->nrows) {
                size_t w1 = me->hi == n ? c->wpr : me->hi / 64;
                gn_lif_bits_sum(me->rows, me->nrows, me->lo / 64, w1, c->cnt, 0);
            }
        }
        if (inputs) deliver_inputs(c, me, k);
        if (o->I_kind == GN_LIF_I_MATRIX) ks.I = o->I + k * n;
        me->nf[k & 1] = gn_lif_kernel(me->lo, me->hi, &ks, vinh, p, &c->q, me->fbuf[k & 1]);
        if (o->Vrec) record_v(c, me, k);
        spinbar_wait(&c->bar);
        size_t ns = 0;
        for (int t = 0; t < T; t++) ns += c->w[t].nf[k & 1];
        vinh = vinh * c->q.ei + c->inh_kick * (double)ns;
        if (atomic_load_explicit(&c->stop_at, memory_order_relaxed) == k + 1) { k++; break; }
    }
    if (id == 0) {
        if (k > c->k0 && c->status == GN_OK) c->status = record_step(c, k - 1);
        c->done = k;
        c->vinh = vinh;
    }
}

static void *worker_main(void *arg)
{
    run_worker(arg);
    return NULL;
}

/* Runs steps [k0, k1) on T threads (the caller is thread 0) and leaves
 * L->fired, L->vinh and c->done as the next chunk needs them.  Returns the
 * thread count actually used (1 if a thread could not be created). */
static int run_chunk(run_ctx *c, size_t k0, size_t k1, int T, uint32_t *fmem)
{
    gn_lif *L = c->L;
    const size_t n = L->n;
    for (;;) {
        c->T = T; c->k0 = k0; c->k1 = k1;
        c->lockstep = c->coupled || T == 1;
        for (int t = 0; t <= T; t++) c->lo[t] = t == T ? n : (n * (size_t)t / (size_t)T) / SLICE_ALIGN * SLICE_ALIGN;
        for (int t = 0; t < T; t++) {
            worker *w = &c->w[t];
            w->c = c; w->id = t; w->lo = c->lo[t]; w->hi = c->lo[t + 1];
            w->fbuf[0] = fmem + w->lo; w->fbuf[1] = fmem + n + w->lo;
            w->nf[0] = w->nf[1] = 0;
            w->rows = c->rowmem ? c->rowmem + (size_t)t * n : NULL;
        }
        c->bar.n = (unsigned)T;
        atomic_store(&c->bar.count, 0);
        atomic_store(&c->go, 0);
        atomic_store(&c->stop_at, 0);
        int made = 1;
        for (; made < T; made++)
            if (pthread_create(&c->w[made].th, NULL, worker_main, &c->w[made])) break;
        if (made == T) break;
        atomic_store_explicit(&c->go, -1, memory_order_release);
        for (int t = 1; t < made; t++) pthread_join(c->w[t].th, NULL);
        T = 1;
    }
    atomic_store_explicit(&c->go, 1, memory_order_release);
    run_worker(&c->w[0]);
    for (int t = 1; t < T; t++) pthread_join(c->w[t].th, NULL);

    size_t last = c->done;   /* spikes of step `last` (1-based) feed the next step */
    if (!c->lockstep) {
        /* Merge the slices' spikes in step order (ascending neurons within
         * a step, as with one thread). */
        size_t total = 0, cur[GN_LIF_MAX_THREADS] = {0};
        int nomem = 0;
        for (int t = 0; t < T; t++) { total += c->w[t].scount; nomem |= c->w[t].nomem; }
        if (nomem) { c->status = gn_fail(c->err, GN_ENOMEM, "out of memory for spikes"); return T; }
        int st = spikes_reserve(c->out, c->out->count + total, c->err);
        if (st) { c->status = st; return T; }
        gn_lif_spikes *out = c->out;
        L->nfired = 0;
        for (size_t k = k0 + 1; k <= last; k++)
            for (int t = 0; t < T; t++) {
                const worker *w = &c->w[t];
                for (; cur[t] < w->scount && w->sstep[cur[t]] == k; cur[t]++) {
                    out->step[out->count] = (uint32_t)k;
                    out->neuron[out->count++] = w->sneu[cur[t]];
                    if (k == last) L->fired[L->nfired++] = w->sneu[cur[t]];
                }
            }
    } else if (last > k0) {
        size_t m = 0;
        for (int t = 0; t < T; t++) {
            const worker *w = &c->w[t];
            memcpy(L->fired + m, w->fbuf[(last - 1) & 1], w->nf[(last - 1) & 1] * sizeof *L->fired);
            m += w->nf[(last - 1) & 1];
        }
        L->nfired = m;
    }
    L->vinh = c->vinh;
    return T;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Steps per probe of the adaptive thread choice, and the stretches between
 * probes in units of probes: the first, and the longest (a stretch doubles
 * while the same choice keeps winning). */
#define PROBE_STEPS 128
#define STRETCH_FIRST 16
#define STRETCH_MAX 128
/* The longest an uncoupled multi-threaded chunk runs between cancellation
 * polls. */
#define FREE_CHUNK 512

int gn_lif_run(gn_lif *L, const gn_lif_run_opts *o, gn_lif_spikes *out, gn_err *err)
{
    const gn_lif_params *p = &L->p;
    if (gn_lif_params_check(p, err)) return err ? err->code : GN_EINVAL;
    double dt = o->dt;
    if (!(dt > 0) || !isfinite(dt)) return gn_fail(err, GN_EINVAL, "dt must be > 0 ms, got %g", dt);
    double tmin = fmin(fmin(p->taum, p->tau_ampa), fmin(p->tau_nmda, p->tau_inh));
    if (dt > tmin)
        return gn_fail(err, GN_EINVAL, "dt (%g ms) must not exceed the shortest time constant (%g ms)", dt, tmin);
    if (o->steps > UINT32_MAX) return gn_fail(err, GN_EINVAL, "too many steps (%zu)", o->steps);
    if (o->in && o->in->steps < o->steps) return gn_fail(err, GN_EINVAL, "input schedule shorter than the run");
    if (o->I_kind == GN_LIF_I_SCALAR && !isfinite(o->I0)) return gn_fail(err, GN_EINVAL, "I must be finite, got %g", o->I0);
    if ((o->I_kind == GN_LIF_I_VECTOR || o->I_kind == GN_LIF_I_MATRIX) && !o->I)
        return gn_fail(err, GN_EINVAL, "I missing");
    if (o->threads < 0 || o->threads > GN_LIF_MAX_THREADS)
        return gn_fail(err, GN_EINVAL, "threads must be in 0..%d, got %d", GN_LIF_MAX_THREADS, o->threads);
    if (o->Vrec && o->rec_idx)
        for (size_t r = 0; r < o->nrec; r++)
            if (o->rec_idx[r] >= L->n) return gn_fail(err, GN_EINVAL, "recorded neuron %u out of range", o->rec_idx[r] + 1);
    if (o->Vrec && !o->rec_idx && o->nrec != L->n) return gn_fail(err, GN_EINVAL, "nrec must be n when recording all");
    if (o->I_kind == GN_LIF_I_VECTOR || o->I_kind == GN_LIF_I_MATRIX) {
        size_t m = o->I_kind == GN_LIF_I_VECTOR ? L->n : L->n * o->steps;
        for (size_t k = 0; k < m; k++)
            if (!isfinite(o->I[k])) return gn_fail(err, GN_EINVAL, "I has a non-finite entry at %zu", k + 1);
    }

    const size_t n = L->n;
    run_ctx *c = calloc(1, sizeof *c);
    uint32_t *fmem = malloc(2 * n * sizeof *fmem);
    if (!c || !fmem) { free(c); free(fmem); return gn_fail(err, GN_ENOMEM, "out of memory"); }
    c->L = L; c->o = o; c->out = out; c->err = err;
    gn_lif_propagator(p, dt, &c->q);
    /* Which current arrays can be nonzero during this run: skipping arrays
     * of zeros cuts the kernel's memory traffic by a third. */
    int nmda_syn = L->rec && L->f_rec > 0, ampa_syn = (L->win && o->in) || L->rec;
    for (size_t j = 0; L->win && o->in && j < L->inputs; j++) nmda_syn |= L->f_in[j] > 0;
    int ampa_now = 0, nmda_now = 0;
    for (size_t i = 0; i < n; i++) { ampa_now |= L->ampa[i] != 0; nmda_now |= L->nmda[i] != 0; }
    c->q.syn = (nmda_syn || nmda_now) ? 2 : (ampa_syn || ampa_now) ? 1 : 0;
    /* Each population spike adds this much inhibition (mV); see lif.h. */
    c->inh_kick = 1000.0 * p->g_inh / ((double)n * p->tau_inh);
    c->coupled = L->rec != NULL || c->inh_kick != 0;
    c->rec_mode = (L->rec && !L->rec->w && L->f_rec == 0) ? DELIVER_COUNT : DELIVER_DIRECT;
    c->wpr = ((n + 63) / 64 + 3) / 4 * 4;
    if (c->rec_mode == DELIVER_COUNT && (double)gn_lif_csr_nnz(L->rec) >= BITS_MIN_DENSITY * (double)n * (double)n &&
        n * c->wpr * 8 <= BITS_MAX_BYTES && rec_bitmap(L, c->wpr) == GN_OK)
        c->rec_mode = DELIVER_BITS;
    pthread_mutex_init(&c->bar.mu, NULL);
    pthread_cond_init(&c->bar.cv, NULL);

    int Tmax = o->threads ? o->threads : L->threads ? L->threads : gn_lif_threads_auto(L);
    size_t blocks = (n + SLICE_ALIGN - 1) / SLICE_ALIGN;
    if ((size_t)Tmax > blocks) Tmax = (int)blocks;
    if (Tmax < 1) Tmax = 1;
    if (Tmax > GN_LIF_MAX_THREADS) Tmax = GN_LIF_MAX_THREADS;

    int st = GN_OK;
    if ((c->rec_mode == DELIVER_COUNT || c->rec_mode == DELIVER_BITS) &&
        !(c->cnt = calloc(c->wpr * 64 > n ? c->wpr * 64 : n, sizeof *c->cnt))) {
        st = gn_fail(err, GN_ENOMEM, "out of memory");
        goto done;
    }
    if (c->rec_mode == DELIVER_BITS && !(c->rowmem = malloc((size_t)Tmax * n * sizeof *c->rowmem))) {
        st = gn_fail(err, GN_ENOMEM, "out of memory");
        goto done;
    }
    if (nmda_syn && !(c->mgb = malloc(n * sizeof *c->mgb))) {
        st = gn_fail(err, GN_ENOMEM, "out of memory");
        goto done;
    }
    if (L->rec && L->f_rec > 0) c->rec_row = (double)gn_lif_csr_nnz(L->rec) / (double)n;
    if (L->win && o->in) c->in_row = (double)gn_lif_csr_nnz(L->win) / (double)L->inputs;
    if (Tmax > 1) {
        size_t lo[GN_LIF_MAX_THREADS + 1];
        for (int t = 0; t <= Tmax; t++) lo[t] = t == Tmax ? n : (n * (size_t)t / (size_t)Tmax) / SLICE_ALIGN * SLICE_ALIGN;
        if ((L->rec && !(c->rsplit = split_rows(L->rec, Tmax, lo))) ||
            (L->win && o->in && !(c->isplit = split_rows(L->win, Tmax, lo)))) {
            st = gn_fail(err, GN_ENOMEM, "out of memory");
            goto done;
        }
    }

    /* Results are the same for any thread count, so the count can change
     * from chunk to chunk.  With several threads allowed, alternate short
     * probes (PROBE_STEPS on Tmax threads, then on one) with longer
     * stretches on the faster: on a shared machine a second core may not
     * be there, and a per-step barrier without one costs far more than it
     * saves.  A stretch doubles while the same choice keeps winning. */
    enum { PROBE_MANY, PROBE_ONE, EXPLOIT } phase = PROBE_MANY;
    double t_many = 0, t_one = 0;
    int best = 1, last_best = 0;
    size_t stretch = STRETCH_FIRST * PROBE_STEPS, left = 0;
    size_t k = 0;
    while (k < o->steps) {
        if (k > 0 && gn_cancel_check(&o->cancel)) {
            st = gn_fail(err, GN_EINTR, "interrupted at step %zu of %zu", k, o->steps);
            break;
        }
        if (k == 0 && gn_cancel_check(&o->cancel)) {
            st = gn_fail(err, GN_EINTR, "interrupted at step 0 of %zu", o->steps);
            break;
        }
        int T;
        size_t len;
        if (Tmax == 1) { T = 1; len = o->steps - k; }
        else if (phase == PROBE_MANY) { T = Tmax; len = PROBE_STEPS; }
        else if (phase == PROBE_ONE) { T = 1; len = PROBE_STEPS; }
        else { T = best; len = left; }
        if (!c->coupled && T > 1 && len > FREE_CHUNK) len = FREE_CHUNK;
        if (len > o->steps - k) len = o->steps - k;
        double t0 = now_s();
        int used = run_chunk(c, k, k + len, T, fmem);
        double per = (now_s() - t0) / (double)(c->done > k ? c->done - k : 1);
        if (c->status != GN_OK) { st = c->status; break; }
        if (o->progress && o->every && !c->lockstep && c->done / o->every > k / o->every && c->done < o->steps)
            o->progress(o->progress_ud, c->done, o->steps);
        size_t did = c->done - k;
        k = c->done;
        if (used < T) Tmax = 1;   /* no threads to be had: stay on one */
        if (Tmax == 1) continue;
        if (phase == PROBE_MANY) { t_many = per; phase = PROBE_ONE; }
        else if (phase == PROBE_ONE) {
            t_one = per;
            best = t_many < t_one ? Tmax : 1;
            stretch = best != last_best ? STRETCH_FIRST * PROBE_STEPS
                      : stretch * 2 > STRETCH_MAX * PROBE_STEPS ? STRETCH_MAX * PROBE_STEPS : stretch * 2;
            last_best = best;
            left = stretch;
            phase = EXPLOIT;
        } else {
            left -= did < left ? did : left;
            if (!left) phase = PROBE_MANY;
        }
    }
    if (st == GN_OK && o->progress && o->every) o->progress(o->progress_ud, o->steps, o->steps);
done:
    for (int t = 0; t < GN_LIF_MAX_THREADS; t++) { free(c->w[t].sstep); free(c->w[t].sneu); }
    pthread_mutex_destroy(&c->bar.mu);
    pthread_cond_destroy(&c->bar.cv);
    free(fmem); free(c->cnt); free(c->rowmem); free(c->mgb);
    free((void *)c->rsplit); free((void *)c->isplit);
    free(c);
    return st;
}
