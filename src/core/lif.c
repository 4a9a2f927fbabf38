/* lif.c — LIF population (Tesileanu et al. 2017 student neurons): parameters,
 * sparse connectivity, input spike schedules and the time-stepping driver. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lif.h"

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

/* ---- connectivity ------------------------------------------------------------ */
static gn_lif_csr *csr_new(size_t rows, size_t cols, size_t cap, int weights, gn_err *err)
{
    gn_lif_csr *c = calloc(1, sizeof *c);
    if (!c) { gn_fail(err, GN_ENOMEM, "out of memory for connectivity"); return NULL; }
    c->rows = rows; c->cols = cols;
    c->ptr = calloc(rows + 1, sizeof *c->ptr);
    c->idx = malloc((cap ? cap : 1) * sizeof *c->idx);
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
    fastrng r; fastrng_seed(&r, rng);
    size_t nnz = 0;
    double lq = (p < 1) ? log1p(-p) : 0;   /* log(1−p) for geometric skips */
    for (size_t i = 0; i < rows; i++) {
        c->ptr[i] = nnz;
        if (p <= 0) continue;
        /* Gaps between successive synapses are geometric(p). */
        double j = -1;
        for (;;) {
            if (p < 1) {
                double u = fastrng_uniform(&r);
                j += 1 + floor(log1p(-u) / lq);
            } else j += 1;
            if (j >= (double)cols) break;
            size_t jj = (size_t)j;
            if (no_self && jj == i) continue;
            if (nnz == cap) {
                size_t ncap = cap * 2;
                uint32_t *ni = realloc(c->idx, ncap * sizeof *ni);
                if (!ni) { gn_lif_csr_free(c); gn_fail(err, GN_ENOMEM, "out of memory for synapses"); return NULL; }
                c->idx = ni; cap = ncap;
            }
            c->idx[nnz++] = (uint32_t)jj;
        }
    }
    c->ptr[rows] = nnz;
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
    size_t total = 0;
    fastrng r = r0;
    for (size_t j = 0; j < inputs; j++) {
        if (rates[j] <= 0) continue;
        double mean_isi = 1000.0 / rates[j];
        for (double t = -mean_isi * log1p(-fastrng_uniform(&r)); t < T;
             t += -mean_isi * log1p(-fastrng_uniform(&r))) {
            size_t k = (size_t)(t / dt);
            if (k >= steps) break;
            cnt[k]++; total++;
        }
    }
    gn_lif_sched *s = sched_new(steps, total, err);
    if (!s) { free(cnt); return NULL; }
    for (size_t k = 0; k < steps; k++) s->ptr[k + 1] = s->ptr[k] + cnt[k];
    memcpy(cnt, s->ptr, steps * sizeof *cnt);   /* reuse as fill cursors */
    r = r0;
    for (size_t j = 0; j < inputs; j++) {
        if (rates[j] <= 0) continue;
        double mean_isi = 1000.0 / rates[j];
        for (double t = -mean_isi * log1p(-fastrng_uniform(&r)); t < T;
             t += -mean_isi * log1p(-fastrng_uniform(&r))) {
            size_t k = (size_t)(t / dt);
            if (k >= steps) break;
            s->input[cnt[k]++] = (uint32_t)j;
        }
    }
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
    L->spk = malloc(n);
    L->fired = malloc(n * sizeof *L->fired);
    L->f_in = calloc(inputs ? inputs : 1, sizeof *L->f_in);
    if (!L->v || !L->ampa || !L->nmda || !L->ref || !L->spk || !L->fired || !L->f_in) {
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
    free(L->v); free(L->ampa); free(L->nmda); free(L->ref); free(L->spk); free(L->fired);
    free(L->f_in);
    gn_lif_csr_free(L->win); gn_lif_csr_free(L->rec);
    free(L);
}

void gn_lif_reset(gn_lif *L, const double *v0)
{
    for (size_t i = 0; i < L->n; i++) {
        L->v[i] = v0 ? v0[i] : L->p.vrest;
        L->ampa[i] = 0; L->nmda[i] = 0; L->ref[i] = 0; L->spk[i] = 0;
    }
    L->vinh = 0;
    L->nfired = 0;
}

int gn_lif_set_inputs(gn_lif *L, gn_lif_csr *c, const double *f, gn_err *err)
{
    if (c && (c->rows != L->inputs || c->cols != L->n)) {
        gn_lif_csr_free(c);
        return gn_fail(err, GN_EINVAL, "input weights must connect %zu inputs to %zu neurons", L->inputs, L->n);
    }
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
    if (!(f >= 0 && f <= 1)) {
        gn_lif_csr_free(c);
        return gn_fail(err, GN_EINVAL, "f_nmda_rec must be in [0, 1], got %g", f);
    }
    gn_lif_csr_free(L->rec);
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

/* A spike of presynaptic row `row` through c: AMPA share directly, NMDA share
 * scaled by the magnesium block at the target's present potential. */
static void deliver(gn_lif *L, const gn_lif_csr *c, size_t row, double f)
{
    size_t a = c->ptr[row], b = c->ptr[row + 1];
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
    double *nmda = L->nmda, mg = L->p.mg;
    for (size_t k = a; k < b; k++) {
        uint32_t i = idx[k];
        double w = c->w ? c->w[k] : c->wconst;
        ampa[i] += (1 - f) * w;
        nmda[i] += f * gn_lif_mg_block(L->v[i], mg) * w;
    }
}

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
    if (o->Vrec && o->rec_idx)
        for (size_t r = 0; r < o->nrec; r++)
            if (o->rec_idx[r] >= L->n) return gn_fail(err, GN_EINVAL, "recorded neuron %u out of range", o->rec_idx[r] + 1);
    if (o->Vrec && !o->rec_idx && o->nrec != L->n) return gn_fail(err, GN_EINVAL, "nrec must be n when recording all");
    if (o->I_kind == GN_LIF_I_VECTOR || o->I_kind == GN_LIF_I_MATRIX) {
        size_t m = o->I_kind == GN_LIF_I_VECTOR ? L->n : L->n * o->steps;
        for (size_t k = 0; k < m; k++)
            if (!isfinite(o->I[k])) return gn_fail(err, GN_EINVAL, "I has a non-finite entry at %zu", k + 1);
    }

    gn_lif_prop q;
    gn_lif_propagator(p, dt, &q);
    /* Which current arrays can be nonzero during this run: skipping arrays
     * of zeros cuts the kernel's memory traffic by a third. */
    int nmda_syn = L->rec && L->f_rec > 0, ampa_syn = (L->win && o->in) || L->rec;
    for (size_t j = 0; L->win && o->in && j < L->inputs; j++) nmda_syn |= L->f_in[j] > 0;
    int ampa_now = 0, nmda_now = 0;
    for (size_t i = 0; i < L->n; i++) { ampa_now |= L->ampa[i] != 0; nmda_now |= L->nmda[i] != 0; }
    q.syn = (nmda_syn || nmda_now) ? 2 : (ampa_syn || ampa_now) ? 1 : 0;
    /* Each population spike adds this much inhibition (mV); see lif.h. */
    double inh_kick = 1000.0 * p->g_inh / ((double)L->n * p->tau_inh);
    const size_t n = L->n;
    for (size_t k = 0; k < o->steps; k++) {
        if ((k & 255) == 0 && o->cancel.stop && *o->cancel.stop)
            return gn_fail(err, GN_EINTR, "interrupted at step %zu of %zu", k, o->steps);
        if (o->progress && o->every && k % o->every == 0 && k) o->progress(o->progress_ud, k, o->steps);
        /* Recurrent spikes of the previous step (one-step delay), then this
         * step's input spikes. */
        if (L->rec)
            for (size_t s = 0; s < L->nfired; s++) deliver(L, L->rec, L->fired[s], L->f_rec);
        if (o->in && L->win)
            for (size_t s = o->in->ptr[k]; s < o->in->ptr[k + 1]; s++) {
                uint32_t j = o->in->input[s];
                deliver(L, L->win, j, L->f_in[j]);
            }
        const double *I = NULL;
        double I0 = 0;
        switch (o->I_kind) {
        case GN_LIF_I_SCALAR: I0 = o->I0; break;
        case GN_LIF_I_VECTOR: I = o->I; break;
        case GN_LIF_I_MATRIX: I = o->I + k * n; break;
        default: break;
        }
        size_t ns = gn_lif_kernel(n, L->v, L->ampa, L->nmda, L->ref, L->spk, I, I0, L->vinh, p, &q);
        L->vinh = L->vinh * q.ei + inh_kick * (double)ns;
        L->nfired = 0;
        if (ns) {
            int st = spikes_reserve(out, out->count + ns, err);
            if (st) return st;
            /* Scan the flags a word at a time: spikes are rare. */
            size_t i = 0;
            const uint8_t *spk = L->spk;
            for (; i + 8 <= n; i += 8) {
                uint64_t wv;
                memcpy(&wv, spk + i, 8);
                if (!wv) continue;
                for (size_t b = 0; b < 8; b++)
                    if (spk[i + b]) {
                        out->step[out->count] = (uint32_t)(k + 1);
                        out->neuron[out->count++] = (uint32_t)(i + b);
                        L->fired[L->nfired++] = (uint32_t)(i + b);
                    }
            }
            for (; i < n; i++)
                if (spk[i]) {
                    out->step[out->count] = (uint32_t)(k + 1);
                    out->neuron[out->count++] = (uint32_t)i;
                    L->fired[L->nfired++] = (uint32_t)i;
                }
        }
        if (o->Vrec) {
            double *row = o->Vrec + k * o->nrec;
            if (o->rec_idx) for (size_t r = 0; r < o->nrec; r++) row[r] = L->v[o->rec_idx[r]];
            else memcpy(row, L->v, n * sizeof *row);
        }
    }
    if (o->progress && o->every) o->progress(o->progress_ud, o->steps, o->steps);
    return GN_OK;
}
