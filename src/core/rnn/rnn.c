/* rnn.c — continuous-time rate RNN: parameters, batches, batched forward
 * pass, BPTT gradient and Gauss-Newton–vector products (see rnn.h). */
#include "rnn.h"
#include "mat.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>

#include "rnn_act.h"
#include "simd.h"

/* OpenBLAS's thread control (declared here so the core needs only GSL's
 * CBLAS header). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

/* ---- activation names ------------------------------------------------------ */

static const char *const act_names[] = { "tanh", "relu", "softplus" };

const char *gn_act_name(gn_act a)
{
    return (unsigned)a < 3 ? act_names[a] : NULL;
}

int gn_act_parse(const char *name, gn_act *a)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, act_names[i]) == 0) { *a = (gn_act)i; return 0; }
    return -1;
}

/* ---- allocation ------------------------------------------------------------ */

static int check_dims(size_t n, size_t nin, size_t nout, gn_err *err)
{
    if (n < 1 || n > GN_RNN_MAX_N)
        return gn_fail(err, GN_EINVAL, "n must be in 1..%d, got %zu", GN_RNN_MAX_N, n);
    if (nin < 1 || nin > GN_RNN_MAX_IO)
        return gn_fail(err, GN_EINVAL, "inputs must be in 1..%d, got %zu", GN_RNN_MAX_IO, nin);
    if (nout < 1 || nout > GN_RNN_MAX_IO)
        return gn_fail(err, GN_EINVAL, "outputs must be in 1..%d, got %zu", GN_RNN_MAX_IO, nout);
    char what[96];
    snprintf(what, sizeof what, "n=%zu, inputs=%zu, outputs=%zu", n, nin, nout);
    return gn_check_bytes(8.0 * ((double)n * n + (double)n * nin + 2.0 * n + (double)nout * n + nout),
                          what, err);
}

gn_rnn *gn_rnn_alloc(size_t n, size_t nin, size_t nout, gn_err *err)
{
    if (check_dims(n, nin, nout, err)) return NULL;
    gn_rnn *net = calloc(1, sizeof *net);
    if (!net) { gn_fail(err, GN_ENOMEM, "rnn: out of memory"); return NULL; }
    net->n = n; net->nin = nin; net->nout = nout;
    net->tau = 10; net->dt = 1; net->act = GN_ACT_TANH; net->noise = 0;
    net->W = gn_mat_alloc(n, n, 1);
    net->Win = gn_mat_alloc(n, nin, 1);
    net->b = gn_mat_alloc(n, 1, 1);
    net->Wout = gn_mat_alloc(nout, n, 1);
    net->bout = gn_mat_alloc(nout, 1, 1);
    net->x0 = gn_mat_alloc(n, 1, 1);
    if (!net->W || !net->Win || !net->b || !net->Wout || !net->bout || !net->x0) {
        gn_rnn_free(net);
        gn_fail(err, GN_ENOMEM, "rnn: out of memory for n=%zu", n);
        return NULL;
    }
    return net;
}

void gn_rnn_free(gn_rnn *net)
{
    if (!net) return;
    gsl_matrix *m[6] = { net->W, net->Win, net->b, net->Wout, net->bout, net->x0 };
    for (int i = 0; i < 6; i++) if (m[i]) gn_mat_free(m[i]);
    free(net);
}

int gn_rnn_memcpy(gn_rnn *dst, const gn_rnn *src, gn_err *err)
{
    if (dst->n != src->n || dst->nin != src->nin || dst->nout != src->nout)
        return gn_fail(err, GN_EINVAL, "rnn copy: sizes differ (%zu,%zu,%zu vs %zu,%zu,%zu)",
                       dst->n, dst->nin, dst->nout, src->n, src->nin, src->nout);
    dst->tau = src->tau; dst->dt = src->dt; dst->act = src->act; dst->noise = src->noise;
    gsl_matrix_memcpy(dst->W, src->W);
    gsl_matrix_memcpy(dst->Win, src->Win);
    gsl_matrix_memcpy(dst->b, src->b);
    gsl_matrix_memcpy(dst->Wout, src->Wout);
    gsl_matrix_memcpy(dst->bout, src->bout);
    gsl_matrix_memcpy(dst->x0, src->x0);
    return GN_OK;
}

gn_rnn *gn_rnn_copy(const gn_rnn *net, gn_err *err)
{
    gn_rnn *c = gn_rnn_alloc(net->n, net->nin, net->nout, err);
    if (c) gn_rnn_memcpy(c, net, err);
    return c;
}

int gn_rnn_init(gn_rnn *net, double g, gsl_rng *rng, gn_err *err)
{
    if (!isfinite(g) || g < 0) return gn_fail(err, GN_EINVAL, "g must be finite and >= 0, got %g", g);
    if (!rng) return gn_fail(err, GN_EINVAL, "rnn init: no random generator");
    double sw = g / sqrt((double)net->n), si = 1 / sqrt((double)net->nin);
    double so = 1 / sqrt((double)net->n);
    for (size_t i = 0; i < net->n; i++)
        for (size_t j = 0; j < net->n; j++) gsl_matrix_set(net->W, i, j, gsl_ran_gaussian(rng, sw));
    for (size_t i = 0; i < net->n; i++)
        for (size_t j = 0; j < net->nin; j++) gsl_matrix_set(net->Win, i, j, gsl_ran_gaussian(rng, si));
    for (size_t i = 0; i < net->nout; i++)
        for (size_t j = 0; j < net->n; j++) gsl_matrix_set(net->Wout, i, j, gsl_ran_gaussian(rng, so));
    gsl_matrix_set_zero(net->b);
    gsl_matrix_set_zero(net->bout);
    gsl_matrix_set_zero(net->x0);
    return GN_OK;
}

static int check_matrix(const gsl_matrix *m, size_t r, size_t c, const char *name, gn_err *err)
{
    if (!m) return gn_fail(err, GN_EINVAL, "rnn: %s is missing", name);
    if (m->size1 != r || m->size2 != c)
        return gn_fail(err, GN_EINVAL, "rnn: %s must be %zux%zu, got %zux%zu", name, r, c,
                       m->size1, m->size2);
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            if (!isfinite(gsl_matrix_get(m, i, j)))
                return gn_fail(err, GN_EINVAL, "rnn: %s[%zu,%zu] is not finite", name, i + 1, j + 1);
    return GN_OK;
}

int gn_rnn_validate(const gn_rnn *net, gn_err *err)
{
    if (!net) return gn_fail(err, GN_EINVAL, "rnn: no network");
    if (check_dims(net->n, net->nin, net->nout, err)) return GN_EINVAL;
    if (!(net->tau > 0) || !isfinite(net->tau))
        return gn_fail(err, GN_EINVAL, "rnn: tau must be finite and > 0, got %g", net->tau);
    if (!(net->dt > 0) || !isfinite(net->dt))
        return gn_fail(err, GN_EINVAL, "rnn: dt must be finite and > 0, got %g", net->dt);
    if (net->dt > net->tau)
        return gn_fail(err, GN_EINVAL, "rnn: dt (%g) must not exceed tau (%g): the Euler step "
                       "overshoots and the state oscillates or diverges", net->dt, net->tau);
    if (!(net->noise >= 0) || !isfinite(net->noise))
        return gn_fail(err, GN_EINVAL, "rnn: noise must be finite and >= 0, got %g", net->noise);
    if (!gn_act_name(net->act)) return gn_fail(err, GN_EINVAL, "rnn: unknown activation %d", (int)net->act);
    if (check_matrix(net->W, net->n, net->n, "W", err) ||
        check_matrix(net->Win, net->n, net->nin, "Win", err) ||
        check_matrix(net->b, net->n, 1, "b", err) ||
        check_matrix(net->Wout, net->nout, net->n, "Wout", err) ||
        check_matrix(net->bout, net->nout, 1, "bout", err) ||
        check_matrix(net->x0, net->n, 1, "x0", err))
        return GN_EINVAL;
    return GN_OK;
}

/* ---- flat parameters ----------------------------------------------------- */

void gn_rnn_param_offsets(const gn_rnn *net, size_t off[7])
{
    size_t n = net->n, ni = net->nin, no = net->nout;
    off[0] = 0;
    off[1] = off[0] + n * n;
    off[2] = off[1] + n * ni;
    off[3] = off[2] + n;
    off[4] = off[3] + no * n;
    off[5] = off[4] + no;
    off[6] = off[5] + n;
}

size_t gn_rnn_nparams(const gn_rnn *net)
{
    size_t off[7];
    gn_rnn_param_offsets(net, off);
    return off[6];
}

static void mat_out(const gsl_matrix *m, double *p)
{
    for (size_t i = 0; i < m->size1; i++)
        memcpy(p + i * m->size2, m->data + i * m->tda, m->size2 * sizeof *p);
}

static void mat_in(gsl_matrix *m, const double *p)
{
    for (size_t i = 0; i < m->size1; i++)
        memcpy(m->data + i * m->tda, p + i * m->size2, m->size2 * sizeof *p);
}

void gn_rnn_get_params(const gn_rnn *net, double *p)
{
    size_t off[7];
    gn_rnn_param_offsets(net, off);
    mat_out(net->W, p + off[0]); mat_out(net->Win, p + off[1]); mat_out(net->b, p + off[2]);
    mat_out(net->Wout, p + off[3]); mat_out(net->bout, p + off[4]); mat_out(net->x0, p + off[5]);
}

void gn_rnn_set_params(gn_rnn *net, const double *p)
{
    size_t off[7];
    gn_rnn_param_offsets(net, off);
    mat_in(net->W, p + off[0]); mat_in(net->Win, p + off[1]); mat_in(net->b, p + off[2]);
    mat_in(net->Wout, p + off[3]); mat_in(net->bout, p + off[4]); mat_in(net->x0, p + off[5]);
}

/* ---- batches --------------------------------------------------------------- */

gn_batch *gn_batch_alloc(size_t B, size_t T, size_t nin, size_t nout, int with_target,
                         gn_err *err)
{
    if (B < 1 || T < 1 || nin < 1 || nout < 1) {
        gn_fail(err, GN_EINVAL, "batch sizes must be positive (B=%zu, T=%zu, inputs=%zu, outputs=%zu)",
                B, T, nin, nout);
        return NULL;
    }
    if (gn_check_size(B * T, nin > nout ? nin : nout, err)) return NULL;
    if ((double)B * T > (double)GN_MAX_ELEMS) {
        gn_fail(err, GN_ENOMEM, "batch of %zu trials x %zu steps is too large", B, T);
        return NULL;
    }
    gn_batch *b = calloc(1, sizeof *b);
    if (!b) { gn_fail(err, GN_ENOMEM, "batch: out of memory"); return NULL; }
    b->B = B; b->T = T; b->nin = nin; b->nout = nout;
    b->u = gn_mem_alloc(B * T * nin * sizeof(double), 1);
    if (with_target) {
        b->target = gn_mem_alloc(B * T * nout * sizeof(double), 1);
        b->mask = gn_mem_alloc(B * T * nout * sizeof(double), 0);
    }
    if (!b->u || (with_target && (!b->target || !b->mask))) {
        gn_batch_free(b);
        gn_fail(err, GN_ENOMEM, "batch: out of memory (B=%zu, T=%zu)", B, T);
        return NULL;
    }
    if (with_target)
        for (size_t i = 0; i < B * T * nout; i++) b->mask[i] = 1.0;
    return b;
}

void gn_batch_free(gn_batch *bat)
{
    if (!bat) return;
    gn_mem_free(bat->u); gn_mem_free(bat->target); gn_mem_free(bat->mask);
    free(bat);
}

static int copy_trial(double *dst, size_t B, size_t k, size_t T, size_t c,
                      const gsl_matrix *m, const char *name, gn_err *err)
{
    if (m->size1 != T || m->size2 != c)
        return gn_fail(err, GN_EINVAL, "batch: %s of trial %zu must be %zux%zu, got %zux%zu",
                       name, k + 1, T, c, m->size1, m->size2);
    for (size_t t = 0; t < T; t++)
        memcpy(dst + (t * B + k) * c, m->data + t * m->tda, c * sizeof(double));
    return GN_OK;
}

int gn_batch_set_trial(gn_batch *bat, size_t k, const gsl_matrix *u,
                       const gsl_matrix *target, const gsl_matrix *mask, gn_err *err)
{
    if (k >= bat->B) return gn_fail(err, GN_EINVAL, "batch: trial %zu out of range 1..%zu", k + 1, bat->B);
    if (!u) return gn_fail(err, GN_EINVAL, "batch: trial %zu has no input", k + 1);
    if (copy_trial(bat->u, bat->B, k, bat->T, bat->nin, u, "input", err)) return GN_EINVAL;
    if ((target || mask) && !bat->target)
        return gn_fail(err, GN_EINVAL, "batch: allocated without targets");
    if (target && copy_trial(bat->target, bat->B, k, bat->T, bat->nout, target, "target", err))
        return GN_EINVAL;
    if (mask && copy_trial(bat->mask, bat->B, k, bat->T, bat->nout, mask, "mask", err))
        return GN_EINVAL;
    return GN_OK;
}

int gn_batch_subset(gn_batch *dst, const gn_batch *src, size_t k0, gn_err *err)
{
    if (dst->T != src->T || dst->nin != src->nin || dst->nout != src->nout)
        return gn_fail(err, GN_EINVAL, "batch subset: T, inputs or outputs differ");
    if (k0 + dst->B > src->B)
        return gn_fail(err, GN_EINVAL, "batch subset: trials %zu..%zu exceed %zu", k0 + 1,
                       k0 + dst->B, src->B);
    if (!!dst->target != !!src->target)
        return gn_fail(err, GN_EINVAL, "batch subset: one batch has targets, the other not");
    for (size_t t = 0; t < src->T; t++) {
        memcpy(dst->u + t * dst->B * dst->nin, src->u + (t * src->B + k0) * src->nin,
               dst->B * dst->nin * sizeof(double));
        if (src->target) {
            memcpy(dst->target + t * dst->B * dst->nout, src->target + (t * src->B + k0) * src->nout,
                   dst->B * dst->nout * sizeof(double));
            memcpy(dst->mask + t * dst->B * dst->nout, src->mask + (t * src->B + k0) * src->nout,
                   dst->B * dst->nout * sizeof(double));
        }
    }
    return GN_OK;
}

double gn_batch_mask_sum(const gn_batch *bat)
{
    if (!bat->mask) return 0;
    double s = 0;
    size_t len = bat->B * bat->T * bat->nout;
    for (size_t i = 0; i < len; i++) s += bat->mask[i];
    return s;
}

/* ---- workspace ------------------------------------------------------------- */

/* One thread's share of a batch: trials k0..k0+Bs-1, with traces stored
 * time-major (row t*Bs + k).  Rates are kept in "augmented" rows
 * RA_t = [r_t | u_{t+1} | 1] (width la = n+nin+1), so that one GEMM per step
 * against Waug = [Wᵀ; Winᵀ; bᵀ] gives the whole drive W r + Win u + b, and one
 * GEMM over all steps gives dW, dWin and db together (likewise for the
 * readout with Woaug = [Woutᵀ; 0; boutᵀ]). */
typedef struct {
    size_t k0, Bs;
    double *X;         /* (T+1)·Bs×n: x_t for t = 0..T */
    double *RA;        /* (T+1)·Bs×la: [r_t | u_{t+1} | 1] (u part 0 at t = T) */
    double *DA;        /* (T+1)·Bs×ld, block j = 1..T+1: [dL/dx_j | dL/dy_{j−1}], so
                        * one GEMM with Wback = [αW; Wout] gives dL/dr of a step */
    double *RR;        /* T·Bs×n: R-operator f'(x_t)⊙Rx_t (Gv) */
    double *RX;        /* 2·Bs×n: rolling Rx_t (Gv) */
    double *D0;        /* Bs×n: dL/dx_0, Rr_0 */
    double *Y;         /* T·Bs×nout: outputs */
    double *NZ;        /* Bs×n noise of one step */
    uint64_t *seed;    /* Bs×4 per-trial noise generator state */
    size_t *badt, *badi;   /* rolling pass: per trial, the first non-finite state's step (0: none) and unit */
    double *badv;          /* and its value */
    double *grad;      /* nparams: this slice's gradient (slice 1 only) */
    double *sq;        /* nparams: this slice's per-trial squares (slice 1 only) */
    double *GA, *GO;   /* n×la and nout×la augmented weight gradients */
    double *GK, *GOK;  /* one trial's GA and GO (per-trial squares) */
    double *GA2, *GO2, *X02;   /* Σ over trials of GK², GOK², dL/dx0 squared */
    double loss;       /* Σ mask·(y−target)² over the slice */
} slice;

struct gn_rnn_work {
    size_t n, nin, nout, la, ld, Bmax, Tmax, np;
    size_t ncap;       /* the n the buffers were sized for (gn_rnn_work_adapt) */
    int nth;          /* slices the batch is cut into (1 or 2): fixes the sums */
    int serial;       /* this job runs both slices on the calling thread */
    double *Waug;      /* la×n: [Wᵀ; Winᵀ; bᵀ] */
    double *Woaug;     /* la×nout: [Woutᵀ; 0; boutᵀ] */
    double *Wback;     /* ld×n: [αW; Wout] */
    double *Vaug, *Voaug;  /* the same built from a Gv direction */
    slice s[2];
    /* what the traces hold */
    const gn_batch *bat;
    size_t B, T;
    int valid;
    /* per-call arguments shared with the threads */
    const gn_rnn *net;
    double alpha, Minv, sdamp;
    double *out;       /* slice 0's gradient / Gv goes straight here */
    double *outsq;     /* slice 0's per-trial squares (JOB_GRADSQ) */
    const double *vx0; /* Gv direction's x0 block */
    int job, noisy;
    int roll;          /* this forward pass keeps only two steps of x and r (gn_rnn_forward_y) */
    int rolled;        /* the traces are a rolling pass's: y only */
    /* cancellation (see poll_due): polled by the calling thread only */
    const gn_cancel *cancel;
    size_t chunk;      /* steps between poll points; 0: this pass never polls */
    size_t steps;      /* the pass's length in steps: T forward, 2T with a backward pass */
    size_t P;          /* its length in poll units: steps, plus the tail's when it polls */
    int tail;          /* the weight-gradient products after the backward loop poll between
                        * blocks (see tail_plans) */
    int tail_split;    /* ... and split a large GEMM into blocks of rows (and of steps) */
    size_t npoll;      /* poll points done in this pass */
    size_t stop_t;     /* step at which the pass stopped (0: ran to the end) */
    atomic_size_t done1;   /* steps slice 1's thread has finished */
    atomic_int abort1;     /* set by the calling thread: slice 1 stops */
};

static void slice_free(slice *s)
{
    void *p[] = { s->X, s->RA, s->DA, s->RR, s->RX, s->D0, s->Y, s->NZ, s->seed, s->grad, s->GA,
                  s->GO, s->sq, s->GK, s->GOK, s->GA2, s->GO2, s->X02, s->badt, s->badi, s->badv };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) gn_mem_free(p[i]);
}

void gn_rnn_work_free(gn_rnn_work *w)
{
    if (!w) return;
    for (int i = 0; i < 2; i++) slice_free(&w->s[i]);
    gn_mem_free(w->Waug); gn_mem_free(w->Woaug); gn_mem_free(w->Wback);
    gn_mem_free(w->Vaug); gn_mem_free(w->Voaug);
    free(w);
}

gn_rnn_work *gn_rnn_work_alloc(const gn_rnn *net, size_t Bmax, size_t Tmax, int nthreads,
                               gn_err *err)
{
    if (nthreads < 1 || nthreads > 2) {
        gn_fail(err, GN_EINVAL, "rnn workspace: threads must be 1 or 2, got %d", nthreads);
        return NULL;
    }
    if (Bmax < 1 || Tmax < 1) {
        gn_fail(err, GN_EINVAL, "rnn workspace: B and T must be positive (B=%zu, T=%zu)", Bmax, Tmax);
        return NULL;
    }
    if ((size_t)nthreads > Bmax) nthreads = (int)Bmax;
    size_t n = net->n, ni = net->nin, no = net->nout, la = n + ni + 1;
    size_t bs = (Bmax + nthreads - 1) / nthreads;
    double total = (double)(Tmax + 1) * bs * (4 * n + la + 2 * no) * nthreads;
    if (total > (double)GN_MAX_ELEMS * 4 || (double)(Tmax + 1) * bs * la > (double)GN_MAX_ELEMS) {
        gn_fail(err, GN_ENOMEM, "rnn workspace for n=%zu, B=%zu, T=%zu is too large", n, Bmax, Tmax);
        return NULL;
    }
    size_t np = gn_rnn_nparams(net);
    char what[96];
    snprintf(what, sizeof what, "rnn workspace for n=%zu, B=%zu, T=%zu", n, Bmax, Tmax);
    if (gn_check_bytes(8.0 * (total + 2.0 * (double)la * (n + no) + (double)(n + no) * n +
                              2.0 * (double)np * (nthreads - 1)), what, err))
        return NULL;
    gn_rnn_work *w = calloc(1, sizeof *w);
    if (!w) { gn_fail(err, GN_ENOMEM, "rnn workspace: out of memory"); return NULL; }
    w->n = n; w->ncap = n; w->nin = ni; w->nout = no; w->la = la; w->ld = n + no;
    w->Bmax = Bmax; w->Tmax = Tmax; w->nth = nthreads; w->np = gn_rnn_nparams(net);
    w->Waug = gn_mem_alloc(la * n * sizeof(double), 0);
    w->Woaug = gn_mem_alloc(la * no * sizeof(double), 1);
    w->Vaug = gn_mem_alloc(la * n * sizeof(double), 0);
    w->Voaug = gn_mem_alloc(la * no * sizeof(double), 1);
    w->Wback = gn_mem_alloc((n + no) * n * sizeof(double), 0);
    int ok = w->Waug && w->Woaug && w->Vaug && w->Voaug && w->Wback;
    for (int i = 0; i < nthreads && ok; i++) {
        slice *s = &w->s[i];
        size_t S = bs * n;
        s->X = gn_mem_alloc((Tmax + 1) * S * sizeof(double), 0);
        s->RA = gn_mem_alloc((Tmax + 1) * bs * la * sizeof(double), 0);
        s->DA = gn_mem_alloc((Tmax + 1) * bs * (n + no) * sizeof(double), 0);
        s->RR = gn_mem_alloc(Tmax * S * sizeof(double), 0);
        s->RX = gn_mem_alloc(2 * S * sizeof(double), 0);
        s->D0 = gn_mem_alloc(S * sizeof(double), 0);
        s->NZ = gn_mem_alloc(S * sizeof(double), 0);
        s->Y = gn_mem_alloc(Tmax * bs * no * sizeof(double), 0);
        s->seed = gn_mem_alloc(bs * 4 * sizeof(uint64_t), 0);
        s->grad = i > 0 ? gn_mem_alloc(w->np * sizeof(double), 0) : NULL;
        s->sq = i > 0 ? gn_mem_alloc(w->np * sizeof(double), 0) : NULL;
        s->GA = gn_mem_alloc(n * la * sizeof(double), 0);
        s->GO = gn_mem_alloc(no * la * sizeof(double), 0);
        s->GK = gn_mem_alloc(n * la * sizeof(double), 0);
        s->GOK = gn_mem_alloc(no * la * sizeof(double), 0);
        s->GA2 = gn_mem_alloc(n * la * sizeof(double), 0);
        s->GO2 = gn_mem_alloc(no * la * sizeof(double), 0);
        s->X02 = gn_mem_alloc(n * sizeof(double), 0);
        s->badt = gn_mem_alloc(bs * sizeof(size_t), 0);
        s->badi = gn_mem_alloc(bs * sizeof(size_t), 0);
        s->badv = gn_mem_alloc(bs * sizeof(double), 0);
        ok = s->X && s->RA && s->DA && s->RR && s->RX && s->D0 && s->NZ && s->Y &&
             s->seed && (i == 0 || (s->grad && s->sq)) && s->GA && s->GO && s->GK && s->GOK &&
             s->GA2 && s->GO2 && s->X02 && s->badt && s->badi && s->badv;
    }
    if (!ok) {
        gn_rnn_work_free(w);
        gn_fail(err, GN_ENOMEM, "rnn workspace: out of memory (n=%zu, B=%zu, T=%zu)", n, Bmax, Tmax);
        return NULL;
    }
    return w;
}

int gn_rnn_work_fits(const gn_rnn_work *w, const gn_rnn *net, size_t B, size_t T)
{
    return w && net && w->n == net->n && w->nin == net->nin && w->nout == net->nout &&
           B <= w->Bmax && T <= w->Tmax;
}

int gn_rnn_work_adapt(gn_rnn_work *w, const gn_rnn *net, size_t B, size_t T)
{
    if (!w || !net || net->n > w->ncap || w->nin != net->nin || w->nout != net->nout || B > w->Bmax ||
        T > w->Tmax)
        return 0;
    if (w->n != net->n) {
        /* every buffer's size grows with n, so the ones sized for ncap hold
         * the smaller net's traces; the strides follow w->n, la and ld */
        w->n = net->n;
        w->la = net->n + net->nin + 1;
        w->ld = net->n + net->nout;
        w->np = gn_rnn_nparams(net);
        w->valid = 0;
    }
    return 1;
}

void gn_rnn_work_set_cancel(gn_rnn_work *w, const gn_cancel *cancel)
{
    if (w) w->cancel = cancel;
}

int gn_rnn_work_threads(const gn_rnn_work *w)
{
    return w ? w->nth : 0;
}

int gn_rnn_work_trace(const gn_rnn_work *w, size_t k, gsl_matrix *x, gsl_matrix *r,
                      gsl_matrix *y, gn_err *err)
{
    if (!w->valid) return gn_fail(err, GN_EINVAL, "rnn trace: no forward pass has been run");
    if (w->rolled && (x || r)) return gn_fail(err, GN_EINVAL, "rnn trace: the last pass kept the outputs only");
    if (k >= w->B) return gn_fail(err, GN_EINVAL, "rnn trace: trial %zu out of range 1..%zu", k + 1, w->B);
    const slice *s = &w->s[0];
    if (w->nth > 1 && k >= w->s[1].k0) s = &w->s[1];
    size_t kk = k - s->k0, n = w->n, T = w->T, la = w->la;
    gsl_matrix *m[3] = { x, r, y };
    size_t cols[3] = { n, n, w->nout };
    for (int i = 0; i < 3; i++)
        if (m[i] && (m[i]->size1 != T || m[i]->size2 != cols[i]))
            return gn_fail(err, GN_EINVAL, "rnn trace: output %d must be %zux%zu", i + 1, T, cols[i]);
    for (size_t t = 1; t <= T; t++) {
        if (x) memcpy(x->data + (t - 1) * x->tda, s->X + (t * s->Bs + kk) * n, n * sizeof(double));
        if (r) memcpy(r->data + (t - 1) * r->tda, s->RA + (t * s->Bs + kk) * la, n * sizeof(double));
        if (y) memcpy(y->data + (t - 1) * y->tda, s->Y + ((t - 1) * s->Bs + kk) * w->nout,
                      w->nout * sizeof(double));
    }
    return GN_OK;
}

int gn_rnn_work_finite(const gn_rnn_work *w, size_t *k, size_t *t, size_t *i, int *which,
                       double *value)
{
    if (!w->valid) return 1;
    size_t n = w->n, no = w->nout, T = w->T;
    int ok = 1;
    for (int q = 0; q < w->nth && ok; q++) {
        const slice *s = &w->s[q];
        if (!s->Bs) continue;
        if (w->rolled)   /* the states were checked as the pass went */
            for (size_t k = 0; k < s->Bs && ok; k++) ok = !s->badt[k];
        else
            ok = gn_all_finite(s->X + s->Bs * n, T * s->Bs * n);
        ok = ok && gn_all_finite(s->Y, T * s->Bs * no);
    }
    if (ok) return 1;
    if (w->rolled)   /* the first non-finite state in trial order, from the pass's records */
        for (size_t kk = 0; kk < w->B; kk++) {
            const slice *s = (w->nth > 1 && kk >= w->s[1].k0) ? &w->s[1] : &w->s[0];
            size_t r = kk - s->k0;
            if (s->badt[r]) {
                *k = kk; *t = s->badt[r]; *i = s->badi[r]; *which = 0; *value = s->badv[r];
                return 0;
            }
        }
    /* the first one in trial order, every x before any y */
    for (int q = w->rolled ? 1 : 0; q < 2; q++)
        for (size_t kk = 0; kk < w->B; kk++) {
            const slice *s = (w->nth > 1 && kk >= w->s[1].k0) ? &w->s[1] : &w->s[0];
            size_t r = kk - s->k0;
            for (size_t tt = 1; tt <= T; tt++) {
                size_t cols = q ? no : n;
                const double *row = q ? s->Y + ((tt - 1) * s->Bs + r) * no : s->X + (tt * s->Bs + r) * n;
                for (size_t c = 0; c < cols; c++)
                    if (!isfinite(row[c])) {
                        *k = kk; *t = tt; *i = c; *which = q ? 2 : 0; *value = row[c];
                        return 0;
                    }
            }
    }
    return 0;
}

/* ---- noise ----------------------------------------------------------------------
 * Each trial gets its own xoshiro256+ stream seeded from the caller's
 * gsl_rng in trial order, so results do not depend on the thread split and
 * bulk Gaussian draws stay cheap. */

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xo_next(uint64_t *s)
{
    uint64_t r = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
}

static inline double xo_unif(uint64_t *s)  /* in (0, 1] */
{
    return ((xo_next(s) >> 11) + 1) * 0x1.0p-53;
}

/* Fills len normals with s.d. sd (Box–Muller, both outputs used). */
static void xo_gauss(uint64_t *s, double *out, size_t len, double sd)
{
    size_t i = 0;
    for (; i + 1 < len; i += 2) {
        double rad = sd * sqrt(-2 * log(xo_unif(s))), th = 2 * M_PI * xo_unif(s);
        out[i] = rad * cos(th); out[i + 1] = rad * sin(th);
    }
    if (i < len) out[i] = sd * sqrt(-2 * log(xo_unif(s))) * cos(2 * M_PI * xo_unif(s));
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- the passes ----------------------------------------------------------------- */

#define GEMM cblas_dgemm
#define RM CblasRowMajor
#define NT CblasNoTrans
#define TR CblasTrans

enum { JOB_FWD, JOB_GRAD, JOB_GV, JOB_GRADSQ };

/* Up to this n the weight gradient is summed step by step, with the step's
 * rows still in cache (measured: 10-15% faster than one big GEMM at both
 * n=64 and n=256, where the big GEMM repacks all traces); beyond it the
 * n×la accumulator no longer fits in cache and one GEMM over all steps wins. */
#ifndef GA_STEP_MAX_N
#define GA_STEP_MAX_N 1024
#endif

/* ---- cancellation ------------------------------------------------------------
 * A long pass polls the caller's gn_cancel between chunks of steps
 * (w->chunk steps, about CHUNK_FLOPS of forward work, a few milliseconds);
 * one whose forward half is under POLL_MIN_FLOPS never polls, so small
 * runs in a loop add nothing to a chunk's count of polls.  Steps are
 * counted through the whole job: the forward (or R-operator) pass's T,
 * then the backward pass's T (step T first), so a gradient or Gv product
 * stops partway through either half.
 * Polls must come from the calling thread and their number must not depend
 * on how the two threads happen to progress (a replay places a recorded
 * Ctrl-C by that number), so poll point j means "both slices have finished
 * step j·chunk": the calling thread runs slice 0 and, at each of its chunk
 * boundaries, makes the polls whose steps slice 1 has also passed; when
 * slice 0 is done it waits for slice 1 and makes the rest as slice 1 gets
 * there.  A stop raises abort1, which slice 1 reads at its own boundaries.
 * The hot path pays one modulo per step. */
#define CHUNK_FLOPS ((double)(1u << 24))
/* A pass under this much work never polls. */
#define POLL_MIN_FLOPS ((double)(1u << 27))

/* Makes the poll points due once the pass has reached step t in both
 * slices; nonzero (and abort1 raised) when the caller asked to stop. */
static int poll_due(gn_rnn_work *w, size_t t)
{
    size_t last = (w->P - 1) / w->chunk;   /* poll points j·chunk < P */
    while (w->npoll < last && (w->npoll + 1) * w->chunk <= t) {
        w->npoll++;
        if (gn_cancel_check(w->cancel)) {
            w->stop_t = w->npoll * w->chunk;
            atomic_store(&w->abort1, 1);
            return 1;
        }
    }
    return 0;
}

/* Called by slice s after step t of the job (a multiple of w->chunk, t < P). */
static int step_gate(gn_rnn_work *w, slice *s, size_t t)
{
    /* Both slices on this thread, one after the other: the first makes the
     * first half of the poll points, the second the rest, so the count is
     * the same as with two threads. */
    if (w->serial) return poll_due(w, s == &w->s[0] ? t / 2 : (w->P + t) / 2);
    if (s != &w->s[0]) {
        atomic_store_explicit(&w->done1, t, memory_order_release);
        return atomic_load_explicit(&w->abort1, memory_order_acquire);
    }
    size_t other = (w->nth > 1 && w->s[1].Bs > 0) ? atomic_load_explicit(&w->done1, memory_order_acquire) : t;
    return poll_due(w, t < other ? t : other);
}

/* Slice 0 is done: the remaining poll points as slice 1 reaches them. */
static void poll_rest(gn_rnn_work *w, int two)
{
    if (!w->chunk || w->stop_t) return;
    for (;;) {
        size_t d = two ? atomic_load_explicit(&w->done1, memory_order_acquire) : w->P;
        if (poll_due(w, d) || d >= w->P || w->npoll >= (w->P - 1) / w->chunk) return;
        struct timespec ts = {0, 1000000};   /* 1 ms */
        nanosleep(&ts, NULL);
    }
}

/* Steps per poll for this pass (0 when it is too short to poll). */
static size_t chunk_steps(const gn_rnn_work *w)
{
    if (!w->cancel || w->T < 2) return 0;
    /* the whole batch's step, not one slice's: the number of polls must
     * not depend on how many threads the workspace has */
    double Bs = (double)w->B, n = (double)w->n;
    /* flops of the step's GEMMs and activations, plus the weights it
     * streams (a one-trial step is a matrix-vector product, bound by memory) */
    double per_step = 2 * Bs * (double)w->la * (n + (double)w->nout) + 30 * Bs * n + 8 * (double)w->la * n;
    if (per_step * (double)w->T < POLL_MIN_FLOPS) return 0;
    double k = CHUNK_FLOPS / per_step;
    return k < 1 ? 1 : (size_t)k;
}

/* A rolling pass keeps no past states: for each trial, the first
 * non-finite state (step t, unit i, its value), found as the pass goes. */
static void roll_bad(slice *s, const double *xt, size_t t, size_t n)
{
    for (size_t k = 0; k < s->Bs; k++) {
        if (s->badt[k]) continue;
        for (size_t i = 0; i < n; i++)
            if (!isfinite(xt[k * n + i])) {
                s->badt[k] = t; s->badi[k] = i; s->badv[k] = xt[k * n + i];
                break;
            }
    }
}

/* ---- the tail: weight-gradient products after the backward loop ----------------
 * With n > GA_STEP_MAX_N the weight gradient is one GEMM over all steps, and
 * hf's per-trial squares (JOB_GRADSQ) are two GEMMs per trial: single BLAS
 * calls of seconds in a large pass, which no poll inside the step loop can
 * interrupt.  When the tail of the whole batch has TAIL_MIN_FLOPS or more
 * (and the pass polls at all), it runs as a list of blocks with a poll
 * point between blocks: the per-trial products trial by trial, and, for a
 * network above SPLIT_MIN_N units, each GEMM cut into blocks of rows of its
 * result (and, when even ROW_MIN rows over all steps are too much work,
 * into ranges of steps accumulated in turn) of about BLOCK_FLOPS each.
 * Cutting rows leaves every entry's sum over steps as it was; cutting steps
 * regroups it (rounding-level differences), which only very long passes of
 * large networks do.  Smaller passes, and every network of up to
 * SPLIT_MIN_N units, compute exactly what they did before: the same calls.
 * The tail adds tail poll units to the pass (w->P): their number, like
 * every other count of polls, depends only on the whole batch's sizes. */
#define TAIL_MIN_FLOPS ((double)(1u << 31))
#define BLOCK_FLOPS ((double)(1u << 28))
#define SPLIT_MIN_N 512
#define ROW_MIN 64
#define STEPS_MIN 512

/* One C (m×N) = alpha·Aᵀ B with A K×m and B K×N (row-major, strided),
 * done as nr × nk blocks: rows of C by rb, steps by kb. */
typedef struct {
    size_t m, N, K, rb, kb, nr, nk;
} gemm_plan;

static gemm_plan plan_gemm(size_t m, size_t N, size_t K, int split)
{
    gemm_plan p = {m, N, K, m, K, 1, 1};
    if (!split || m == 0 || N == 0 || K == 0) return p;
    double want = BLOCK_FLOPS / (2.0 * (double)N * (double)K);
    size_t rb = want >= (double)m ? m : want < ROW_MIN ? ROW_MIN : (size_t)want;
    if (rb > m) rb = m;
    p.rb = rb;
    p.nr = (m + rb - 1) / rb;
    double per_step = 2.0 * (double)rb * (double)N;
    if (per_step * (double)K > 2 * BLOCK_FLOPS) {
        double kw = BLOCK_FLOPS / per_step;
        size_t kb = kw < STEPS_MIN ? STEPS_MIN : (size_t)kw;
        if (kb < K) {
            p.kb = kb;
            p.nk = (K + kb - 1) / kb;
        }
    }
    return p;
}

/* Block b (0 <= b < nr·nk) of the plan: ranges of steps outermost, so that
 * the first range writes C (beta 0) and later ones add to it.  A plan of
 * one block is the single GEMM. */
static void gemm_block(const gemm_plan *p, size_t b, double alpha, const double *A, size_t lda,
                       const double *Bm, size_t ldb, double *C, size_t ldc)
{
    size_t kk = b / p->nr, rr = b % p->nr;
    size_t r0 = rr * p->rb, k0 = kk * p->kb;
    size_t rows = p->m - r0 < p->rb ? p->m - r0 : p->rb, steps = p->K - k0 < p->kb ? p->K - k0 : p->kb;
    GEMM(RM, TR, NT, (int)rows, (int)p->N, (int)steps, alpha, A + k0 * lda + r0, (int)lda, Bm + k0 * ldb,
         (int)ldb, kk ? 1.0 : 0.0, C + r0 * ldc, (int)ldc);
}

/* The tail's plans for Bs trials: the one weight-gradient GEMM (g1 over all
 * Bs·T rows; JOB_GRAD and JOB_GV with n > GA_STEP_MAX_N), or per trial the
 * recurrent (g1) and readout (g2) products of JOB_GRADSQ.  Returns the
 * number of blocks (0: no tail). */
static size_t tail_plans(const gn_rnn_work *w, size_t Bs, int split, gemm_plan *g1, gemm_plan *g2)
{
    size_t n = w->n, no = w->nout, la = w->la, T = w->T;
    if (w->job == JOB_GRADSQ) {
        *g1 = plan_gemm(n, la, T, split);
        *g2 = plan_gemm(no, la, T, split);
        return Bs * (g1->nr * g1->nk + g2->nr * g2->nk);
    }
    if ((w->job == JOB_GRAD || w->job == JOB_GV) && n > GA_STEP_MAX_N) {
        *g1 = plan_gemm(n, la, T * Bs, split);
        return g1->nr * g1->nk;
    }
    return 0;
}

/* Decides, for the whole batch, whether the tail is split (by sizes alone,
 * so that the numbers never depend on whether a cancellation is set) and
 * whether it polls (when the pass polls), and returns its poll units (0
 * when it does not poll). */
static size_t tail_units(gn_rnn_work *w)
{
    w->tail = w->tail_split = 0;
    gemm_plan g1, g2;
    if (!tail_plans(w, w->B, 0, &g1, &g2)) return 0;
    double n = (double)w->n, la = (double)w->la, TB = (double)w->T * (double)w->B;
    double flops = 2 * n * la * TB;
    if (w->job == JOB_GRADSQ) flops = 2 * (n + (double)w->nout) * la * TB;
    if (flops < TAIL_MIN_FLOPS) return 0;
    w->tail_split = w->n > SPLIT_MIN_N;
    if (!w->chunk) return 0;
    w->tail = 1;
    return tail_plans(w, w->B, w->tail_split, &g1, &g2) * w->chunk;
}

/* Called by slice s after block i of its u blocks: the poll point(s) of
 * that much of the tail; nonzero when the pass stops. */
static int tail_gate(gn_rnn_work *w, slice *s, size_t i, size_t u)
{
    if (!w->tail || i + 1 >= u) return 0;
    size_t X = w->P - w->steps;
    return step_gate(w, s, w->steps + (size_t)((double)(i + 1) * (double)X / (double)u));
}

/* Forward pass over one slice; also Σ mask·err² and dL/dy when the batch has
 * targets (M⁻¹ in w->Minv).  Everything per step touches only that step's
 * rows, which stay in cache. */
static void slice_forward(gn_rnn_work *w, slice *s, int noisy)
{
    const gn_rnn *net = w->net;
    const gn_batch *bat = w->bat;
    size_t n = w->n, ni = w->nin, no = w->nout, la = w->la, Bs = s->Bs, T = w->T, B = w->B;
    size_t S = Bs * n, SA = Bs * la, ld = w->ld;
    double a = w->alpha;
    int act = net->act;

    /* inputs and the constant 1 into the augmented rows (a rolling pass
     * writes each step's inputs just before the step) */
    int roll = w->roll;
    if (roll) memset(s->badt, 0, Bs * sizeof(size_t));
    for (size_t t = 0; t <= (roll ? 1 : T); t++)
        for (size_t k = 0; k < Bs; k++) {
            double *ra = s->RA + t * SA + k * la;
            if (t < T) memcpy(ra + n, bat->u + (t * B + s->k0 + k) * ni, ni * sizeof(double));
            else memset(ra + n, 0, ni * sizeof(double));
            ra[n + ni] = 1.0;
        }
    for (size_t k = 0; k < Bs; k++) {
        memcpy(s->X + k * n, net->x0->data, n * sizeof(double));
        gn_rnn_k_act(act, n, s->X + k * n, s->RA + k * la);
    }
    double sd = noisy ? sqrt(2 * a) * net->noise : 0;
    s->loss = 0;
    for (size_t t = 1; t <= T; t++) {
        /* steps 1..t-1 done: a poll point every w->chunk steps */
        if (w->chunk && (t - 1) % w->chunk == 0 && t > 1 && step_gate(w, s, t - 1)) return;
        size_t now = roll ? (t & 1) : t, before = roll ? ((t - 1) & 1) : t - 1;
        double *xt = s->X + now * S, *rat = s->RA + now * SA, *rap = s->RA + before * SA;
        /* drive W r_{t-1} + Win u_t + b in one GEMM */
        GEMM(RM, NT, NT, (int)Bs, (int)n, (int)la, 1.0, rap, (int)la, w->Waug, (int)n, 0.0,
             xt, (int)n);
        if (noisy)
            for (size_t k = 0; k < Bs; k++) xo_gauss(s->seed + 4 * k, s->NZ + k * n, n, sd);
        gn_rnn_k_step(act, Bs, n, a, s->X + before * S, xt, noisy ? s->NZ : NULL, rat, la);
        if (roll) {
            /* RA_t's input part as the full pass has it (u_{t+1}, 0 at T),
             * before the readout reads RA_t */
            for (size_t k = 0; k < Bs; k++) {
                double *ra = rat + k * la + n;
                if (t < T) memcpy(ra, bat->u + (t * B + s->k0 + k) * ni, ni * sizeof(double));
                else memset(ra, 0, ni * sizeof(double));
            }
            if (!gn_all_finite(xt, S)) roll_bad(s, xt, t, n);
        }
        /* y_t = Wout r_t + bout */
        double *yt = s->Y + (t - 1) * Bs * no;
        GEMM(RM, NT, NT, (int)Bs, (int)no, (int)la, 1.0, rat, (int)la, w->Woaug, (int)no, 0.0,
             yt, (int)no);
        if (!bat->target) continue;
        const double *tg = bat->target + ((t - 1) * B + s->k0) * no;
        const double *m = bat->mask + ((t - 1) * B + s->k0) * no;
        double *dy = s->DA + t * Bs * ld + n;   /* tail of block t+1 */
        for (size_t k = 0; k < Bs; k++)
            for (size_t o = 0; o < no; o++) {
                size_t i = k * no + o;
                double e = yt[i] - tg[i];
                s->loss += m[i] * e * e;
                dy[k * ld + o] = 2 * w->Minv * m[i] * e;
            }
        /* readout gradient [dWout | · | dbout] += dy_tᵀ RA_t while RA_t is in cache */
        if (w->job == JOB_GRAD)
            GEMM(RM, TR, NT, (int)no, (int)la, (int)Bs, 1.0, dy, (int)ld, rat, (int)la,
                 t > 1 ? 1.0 : 0.0, s->GO, (int)la);
    }
    if (s != &w->s[0]) atomic_store_explicit(&w->done1, T, memory_order_release);
}

/* Scatters augmented weight gradients GA = [dW | dWin | db] and
 * GO = [dWout | 0 | dbout] into the flat order (the x0 block is the
 * caller's). */
static void scatter_grad(gn_rnn_work *w, const double *GA, const double *GO, double *g)
{
    size_t n = w->n, ni = w->nin, no = w->nout, la = w->la, off[7];
    gn_rnn_param_offsets(w->net, off);
    for (size_t i = 0; i < n; i++) {
        const double *ga = GA + i * la;
        memcpy(g + off[0] + i * n, ga, n * sizeof(double));
        memcpy(g + off[1] + i * ni, ga + n, ni * sizeof(double));
        g[off[2] + i] = ga[n + ni];
    }
    for (size_t o = 0; o < no; o++) {
        const double *go = GO + o * la;
        memcpy(g + off[3] + o * n, go, n * sizeof(double));
        g[off[4] + o] = go[n + ni];
    }
}

/* After a backward pass: each trial's own weight gradient from its rows of
 * the traces (one GEMM over the T steps per trial, strided through the
 * time-major blocks; in blocks with polls between them when large, see
 * tail_plans), summed into GA / GO for the batch gradient, and the squares
 * of every trial's gradient summed into sq (flat order).  Nonzero when the
 * pass stopped. */
static int per_trial(gn_rnn_work *w, slice *s, double *sq)
{
    size_t n = w->n, no = w->nout, la = w->la, ld = w->ld, Bs = s->Bs;
    size_t SA = Bs * la, SD = Bs * ld, off[7];
    double a = w->alpha;
    gn_rnn_param_offsets(w->net, off);
    memset(s->GA, 0, n * la * sizeof(double));
    memset(s->GO, 0, no * la * sizeof(double));
    memset(s->GA2, 0, n * la * sizeof(double));
    memset(s->GO2, 0, no * la * sizeof(double));
    memset(s->X02, 0, n * sizeof(double));
    gemm_plan g1, g2;
    size_t u = tail_plans(w, Bs, w->tail_split, &g1, &g2), b1 = g1.nr * g1.nk, b2 = g2.nr * g2.nk, i = 0;
    for (size_t k = 0; k < Bs; k++) {
        /* δx_t (block t−1) against RA_{t−1}; dy_t (tail of block t) against RA_t */
        for (size_t b = 0; b < b1; b++, i++) {
            gemm_block(&g1, b, a, s->DA + k * ld, SD, s->RA + k * la, SA, s->GK, la);
            if (tail_gate(w, s, i, u)) return 1;
        }
        for (size_t b = 0; b < b2; b++, i++) {
            gemm_block(&g2, b, 1.0, s->DA + SD + n + k * ld, SD, s->RA + SA + k * la, SA, s->GOK, la);
            if (b + 1 < b2 && tail_gate(w, s, i, u)) return 1;
        }
        for (size_t j = 0; j < n * la; j++) {
            double v = s->GK[j];
            s->GA[j] += v;
            s->GA2[j] += v * v;
        }
        for (size_t j = 0; j < no * la; j++) {
            double v = s->GOK[j];
            s->GO[j] += v;
            s->GO2[j] += v * v;
        }
        for (size_t j = 0; j < n; j++) s->X02[j] += s->D0[k * n + j] * s->D0[k * n + j];
        if (tail_gate(w, s, i - 1, u)) return 1;
    }
    scatter_grad(w, s->GA2, s->GO2, sq);
    memcpy(sq + off[5], s->X02, n * sizeof(double));
    return 0;
}

/* Backward pass over one slice from dL/dy in the tails of s->DA (plus, when
 * inject is non-NULL, c_inj·inject added to dL/dr_t), writing the gradient
 * into g; its steps are the job's T+1..2T (cancellation). */
static void slice_backward(gn_rnn_work *w, slice *s, double *g, const double *inject, double c_inj)
{
    const gn_rnn *net = w->net;
    size_t n = w->n, no = w->nout, la = w->la, ld = w->ld, Bs = s->Bs, T = w->T, S = Bs * n;
    size_t SA = Bs * la, SD = Bs * ld;
    double a = w->alpha;
    int act = net->act;
    size_t off[7];
    gn_rnn_param_offsets(net, off);

    for (size_t k = 0; k < Bs; k++) memset(s->DA + T * SD + k * ld, 0, n * sizeof(double));
    for (size_t t = T; t >= 1; t--) {
        /* job steps 1..T+(T-t) done: a poll point every w->chunk steps */
        size_t done = T + (T - t);
        if (w->chunk && done % w->chunk == 0 && step_gate(w, s, done)) return;
        double *dt = s->DA + (t - 1) * SD;
        const double *dn = dt + SD;
        /* dL/dr_t = [δx_{t+1} | dy_t]·[αW; Wout] (+ c·inject_t), one GEMM */
        if (inject)
            for (size_t k = 0; k < Bs; k++)
                for (size_t i = 0; i < n; i++) dt[k * ld + i] = c_inj * inject[(t - 1) * S + k * n + i];
        GEMM(RM, NT, NT, (int)Bs, (int)n, (int)(n + no), 1.0, dn, (int)ld, w->Wback, (int)n,
             inject ? 1.0 : 0.0, dt, (int)ld);
        gn_rnn_k_back(act, Bs, n, s->RA + t * SA, la, dt, ld, 1 - a, t < T ? dn : NULL, ld);
        /* [dW | dWin | db] += α δx_tᵀ RA_{t−1} while both are in cache */
        if (n <= GA_STEP_MAX_N && w->job != JOB_GRADSQ)
            GEMM(RM, TR, NT, (int)n, (int)la, (int)Bs, a, dt, (int)ld, s->RA + (t - 1) * SA,
                 (int)la, t < T ? 1.0 : 0.0, s->GA, (int)la);
    }
    /* x_0: δx_0 = (1−α)δx_1 + f'(x_0)⊙(α δx_1 W) */
    GEMM(RM, NT, NT, (int)Bs, (int)n, (int)n, 1.0, s->DA, (int)ld, w->Wback, (int)n, 0.0, s->D0,
         (int)n);
    gn_rnn_k_back(act, Bs, n, s->RA, la, s->D0, n, 1 - a, s->DA, ld);
    double *gx0 = g + off[5];
    memset(gx0, 0, n * sizeof(double));
    for (size_t k = 0; k < Bs; k++)
        for (size_t i = 0; i < n; i++) gx0[i] += s->D0[k * n + i];
    /* all steps at once: [dW | dWin | db] = α Dᵀ RA[0..T−1]; the readout's
     * part (GO) was summed step by step in the forward pass */
    if (w->job == JOB_GRADSQ) {
        if (per_trial(w, s, s == &w->s[0] ? w->outsq : s->sq)) return;
    } else if (n > GA_STEP_MAX_N) {
        gemm_plan g1, g2;
        size_t u = tail_plans(w, Bs, w->tail_split, &g1, &g2);
        for (size_t b = 0; b < u; b++) {
            gemm_block(&g1, b, a, s->DA, ld, s->RA, la, s->GA, la);
            if (tail_gate(w, s, b, u)) return;
        }
    }
    scatter_grad(w, s->GA, s->GO, g);
}

/* R-operator forward pass over one slice for the direction in w->Vaug /
 * w->Voaug: fills s->RR with Rr_t = f'(x_t)⊙Rx_t and the dL/dy slots of
 * s->DA with (2/M)·mask⊙Ry_t. */
static void slice_rforward(gn_rnn_work *w, slice *s, const double *vx0)
{
    const gn_rnn *net = w->net;
    const gn_batch *bat = w->bat;
    size_t n = w->n, no = w->nout, la = w->la, ld = w->ld, Bs = s->Bs, T = w->T, B = w->B;
    size_t S = Bs * n, SA = Bs * la;
    double a = w->alpha;
    int act = net->act;
    double *rx[2] = { s->RX, s->RX + S };
    for (size_t k = 0; k < Bs; k++) memcpy(rx[0] + k * n, vx0, n * sizeof(double));
    memcpy(s->D0, rx[0], S * sizeof(double));
    gn_rnn_k_back(act, Bs, n, s->RA, la, s->D0, n, 0, NULL, 0);   /* Rr_0 */
    for (size_t t = 1; t <= T; t++) {
        if (w->chunk && (t - 1) % w->chunk == 0 && t > 1 && step_gate(w, s, t - 1)) return;
        double *z = s->RR + (t - 1) * S;
        const double *rprev = t > 1 ? z - S : s->D0;
        /* V_W r_{t-1} + V_Win u_t + V_b + W Rr_{t-1} */
        GEMM(RM, NT, NT, (int)Bs, (int)n, (int)la, 1.0, s->RA + (t - 1) * SA, (int)la, w->Vaug,
             (int)n, 0.0, z, (int)n);
        GEMM(RM, NT, NT, (int)Bs, (int)n, (int)n, 1.0, rprev, (int)n, w->Waug, (int)n, 1.0, z,
             (int)n);
        gn_rnn_k_rstep(act, Bs, n, a, rx[(t - 1) & 1], z, s->RA + t * SA, la, rx[t & 1]);
        /* Ry_t = Wout Rr_t + V_Wout r_t + V_bout, then the loss Hessian 2m/M */
        double *dy = s->DA + t * Bs * ld + n;   /* tail of block t+1 */
        GEMM(RM, NT, NT, (int)Bs, (int)no, (int)la, 1.0, s->RA + t * SA, (int)la, w->Voaug,
             (int)no, 0.0, dy, (int)ld);
        GEMM(RM, NT, TR, (int)Bs, (int)no, (int)n, 1.0, z, (int)n, net->Wout->data,
             (int)net->Wout->tda, 1.0, dy, (int)ld);
        const double *m = bat->mask + ((t - 1) * B + s->k0) * no;
        for (size_t k = 0; k < Bs; k++)
            for (size_t o = 0; o < no; o++) dy[k * ld + o] *= 2 * w->Minv * m[k * no + o];
        GEMM(RM, TR, NT, (int)no, (int)la, (int)Bs, 1.0, dy, (int)ld, s->RA + t * SA, (int)la,
             t > 1 ? 1.0 : 0.0, s->GO, (int)la);
    }
}

/* Fills the augmented matrix aug (la×n) = [Wᵀ; Winᵀ; bᵀ] and oaug (la×nout)
 * = [Woutᵀ; 0; boutᵀ] from flat parameters p. */
static void build_aug(const gn_rnn_work *w, const double *p, const size_t off[7], double *aug,
                      double *oaug)
{
    size_t n = w->n, ni = w->nin, no = w->nout;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) aug[j * n + i] = p[off[0] + i * n + j];
        for (size_t j = 0; j < ni; j++) aug[(n + j) * n + i] = p[off[1] + i * ni + j];
        aug[(n + ni) * n + i] = p[off[2] + i];
    }
    for (size_t o = 0; o < no; o++) {
        for (size_t j = 0; j < n; j++) oaug[j * no + o] = p[off[3] + o * n + j];
        oaug[(n + ni) * no + o] = p[off[4] + o];
    }
}

static void slice_job(gn_rnn_work *w, int i)
{
    slice *s = &w->s[i];
    double *g = i == 0 ? w->out : s->grad;
    switch (w->job) {
    case JOB_FWD:
        slice_forward(w, s, w->noisy);
        break;
    case JOB_GRAD:
    case JOB_GRADSQ:
        slice_forward(w, s, w->noisy);
        if (w->stop_t || atomic_load(&w->abort1)) break;
        slice_backward(w, s, g, NULL, 0);
        break;
    case JOB_GV:
        slice_rforward(w, s, w->vx0);
        if (w->stop_t || atomic_load(&w->abort1)) break;
        /* structural damping: dL/dr_t gets (2·sdamp/M)·Rr_t */
        if (w->sdamp != 0) slice_backward(w, s, g, s->RR, 2 * w->sdamp * w->Minv);
        else slice_backward(w, s, g, NULL, 0);
        break;
    }
}

static void *thread_main(void *p)
{
    gn_rnn_work *w = p;
    slice_job(w, 1);
    atomic_store_explicit(&w->done1, w->P, memory_order_release);
    return NULL;
}

/* Runs w->job over the slices (two threads when the workspace has two and
 * the batch two trials).  OpenBLAS is set to one thread and left there:
 * raising it again after every call wakes its worker threads, which then
 * spin-yield on the core our second slice needs (seen as sched_yield in
 * profiles), and small GEMMs split across cores run slower anyway. */
static void run_job(gn_rnn_work *w)
{
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
    int two = w->nth > 1 && w->s[1].Bs > 0;
    w->npoll = 0;
    w->stop_t = 0;
    atomic_store(&w->done1, 0);
    atomic_store(&w->abort1, 0);
    w->steps = w->P = w->job == JOB_FWD ? w->T : 2 * w->T;
    w->chunk = chunk_steps(w);
    w->P += tail_units(w);
    /* The slices fix the numbers; whether they run side by side depends on
     * the CPUs this process may use (a one-CPU allocation runs them one
     * after the other, with the same sums and the same polls). */
    pthread_t th;
    int spawned = two && gn_cpu_count() >= 2 && pthread_create(&th, NULL, thread_main, w) == 0;
    w->serial = two && !spawned;
    slice_job(w, 0);
    if (w->serial && !w->stop_t) slice_job(w, 1);
    poll_rest(w, spawned);
    if (spawned) pthread_join(th, NULL);
    w->serial = 0;
    if (w->stop_t) return;
    if (two && w->out && w->job != JOB_FWD)
        for (size_t i = 0; i < w->np; i++) w->out[i] += w->s[1].grad[i];
    if (two && w->job == JOB_GRADSQ)
        for (size_t i = 0; i < w->np; i++) w->outsq[i] += w->s[1].sq[i];
}

/* Checks sizes, splits the batch into slices and fills the per-call fields. */
static int setup(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, int need_target,
                 gn_err *err)
{
    if (!net || !bat || !w) return gn_fail(err, GN_EINVAL, "rnn: missing network, batch or workspace");
    if (w->n != net->n || w->nin != net->nin || w->nout != net->nout)
        return gn_fail(err, GN_EINVAL, "rnn: workspace is for n=%zu, inputs=%zu, outputs=%zu, "
                       "network has %zu, %zu, %zu", w->n, w->nin, w->nout, net->n, net->nin, net->nout);
    if (bat->nin != net->nin || bat->nout != net->nout)
        return gn_fail(err, GN_EINVAL, "rnn: batch has %zu inputs and %zu outputs, network %zu and %zu",
                       bat->nin, bat->nout, net->nin, net->nout);
    if (bat->B > w->Bmax || bat->T > w->Tmax)
        return gn_fail(err, GN_EINVAL, "rnn: batch of %zu trials x %zu steps exceeds workspace %zu x %zu",
                       bat->B, bat->T, w->Bmax, w->Tmax);
    if (!(net->tau > 0) || !(net->dt > 0) || !gn_act_name(net->act))
        return gn_fail(err, GN_EINVAL, "rnn: tau and dt must be > 0 and the activation known");
    w->Minv = 0;
    if (need_target) {
        if (!bat->target || !bat->mask)
            return gn_fail(err, GN_EINVAL, "rnn: the batch has no target/mask, needed for the loss");
        double M = gn_batch_mask_sum(bat);
        if (!(M > 0) || !isfinite(M))
            return gn_fail(err, GN_EINVAL, "rnn: the batch mask sums to %g; need a positive sum", M);
        w->Minv = 1 / M;
    }
    w->net = net;
    w->alpha = net->dt / net->tau;
    {
        /* the network's parameters as flat blocks, without a copy */
        size_t n = net->n, ni = net->nin, no = net->nout, la = w->la;
        /* Wᵀ in 32×32 blocks, a strip of 32 rows of Waug at a time (element
         * by element it took a cache and TLB miss each; on a fresh workspace
         * every page is also first touched here, about half a second at
         * n = 2000 on our VMs, so a large one polls between strips) */
        const double *Wd = net->W->data;
        double al = net->dt / net->tau;
        size_t tw = net->W->tda;
        int poll = w->cancel && (double)n * (double)n > (double)(1u << 20);
        for (size_t j0 = 0; j0 < n; j0 += 32) {
            if (poll && gn_cancel_check(w->cancel))
                return gn_fail(err, GN_EINTR, "interrupted before the first step");
            for (size_t i0 = 0; i0 < n; i0 += 32)
                for (size_t j = j0; j < n && j < j0 + 32; j++)
                    for (size_t i = i0; i < n && i < i0 + 32; i++) w->Waug[j * n + i] = Wd[i * tw + j];
            for (size_t j = j0; j < n && j < j0 + 32; j++)
                for (size_t i = 0; i < n; i++) w->Wback[j * n + i] = al * Wd[j * tw + i];
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < ni; j++) w->Waug[(n + j) * n + i] = gsl_matrix_get(net->Win, i, j);
            w->Waug[(n + ni) * n + i] = gsl_matrix_get(net->b, i, 0);
        }
        for (size_t o = 0; o < no; o++)
            for (size_t j = 0; j < n; j++) w->Wback[(n + o) * n + j] = gsl_matrix_get(net->Wout, o, j);
        memset(w->Woaug, 0, la * no * sizeof(double));
        for (size_t o = 0; o < no; o++) {
            for (size_t j = 0; j < n; j++) w->Woaug[j * no + o] = gsl_matrix_get(net->Wout, o, j);
            w->Woaug[(n + ni) * no + o] = gsl_matrix_get(net->bout, o, 0);
        }
    }
    size_t nth = (size_t)w->nth < bat->B ? (size_t)w->nth : bat->B;
    size_t half = (bat->B + nth - 1) / nth;
    w->s[0].k0 = 0; w->s[0].Bs = half;
    if (w->nth > 1) { w->s[1].k0 = half; w->s[1].Bs = bat->B - half; }
    return GN_OK;
}

static void seed_noise(gn_rnn_work *w, const gn_batch *bat, gsl_rng *rng)
{
    for (size_t k = 0; k < bat->B; k++) {
        slice *s = (w->nth > 1 && k >= w->s[1].k0) ? &w->s[1] : &w->s[0];
        uint64_t x = ((uint64_t)gsl_rng_get(rng) << 32) ^ (uint64_t)gsl_rng_get(rng) ^ (k + 1);
        uint64_t *st = s->seed + 4 * (k - s->k0);
        for (int j = 0; j < 4; j++) st[j] = splitmix(&x);
    }
}

/* The message of a pass stopped at poll unit w->stop_t. */
static int stop_error(const gn_rnn_work *w, gn_err *err)
{
    if (w->stop_t < w->steps)
        return gn_fail(err, GN_EINTR, "interrupted at step %zu of %zu", w->stop_t, w->steps);
    return gn_fail(err, GN_EINTR, "interrupted in the weight-gradient products, after all %zu steps", w->steps);
}

static int forward_job(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                       int job, double *loss, double *grad, gn_err *err)
{
    int need = loss != NULL || job == JOB_GRAD || job == JOB_GRADSQ;
    w->valid = 0;
    int st = setup(net, bat, w, need, err);
    if (st) return st;
    w->bat = bat; w->B = bat->B; w->T = bat->T;
    w->noisy = rng && net->noise > 0;
    if (w->noisy) seed_noise(w, bat, rng);
    w->job = job;
    w->out = grad;
    w->rolled = 0;
    run_job(w);
    if (w->stop_t)
        return stop_error(w, err);
    w->valid = 1;
    if (need) {
        double l = w->s[0].loss + (w->nth > 1 && w->s[1].Bs ? w->s[1].loss : 0);
        l *= w->Minv;
        if (loss) *loss = l;
        if (!isfinite(l)) return gn_fail(err, GN_ENUM, "rnn: the loss is not finite (%g)", l);
    }
    return GN_OK;
}

int gn_rnn_forward(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                   double *loss, gn_err *err)
{
    return forward_job(net, bat, w, rng, JOB_FWD, loss, NULL, err);
}

int gn_rnn_forward_y(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                     double *loss, gn_err *err)
{
    w->roll = 1;
    int st = forward_job(net, bat, w, rng, JOB_FWD, loss, NULL, err);
    w->roll = 0;
    if (w->valid) w->rolled = 1;
    return st;
}

int gn_rnn_loss(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                double *loss, gn_err *err)
{
    if (!loss) return gn_fail(err, GN_EINVAL, "rnn loss: no output");
    return forward_job(net, bat, w, rng, JOB_FWD, loss, NULL, err);
}

int gn_rnn_grad(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                double *loss, double *grad, gn_err *err)
{
    if (!grad) return gn_fail(err, GN_EINVAL, "rnn grad: no output vector");
    return forward_job(net, bat, w, rng, JOB_GRAD, loss, grad, err);
}

int gn_rnn_grad_sq(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                   double *loss, double *grad, double *sq, gn_err *err)
{
    if (!grad || !sq) return gn_fail(err, GN_EINVAL, "rnn grad_sq: no output vector");
    if (w) w->outsq = sq;
    return forward_job(net, bat, w, rng, JOB_GRADSQ, loss, grad, err);
}

int gn_rnn_gv(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, const double *v,
              double sdamp, double *gv, gn_err *err)
{
    if (!v || !gv) return gn_fail(err, GN_EINVAL, "rnn gv: missing vector");
    if (!isfinite(sdamp) || sdamp < 0)
        return gn_fail(err, GN_EINVAL, "rnn gv: structural damping must be finite and >= 0, got %g", sdamp);
    if (!w || !w->valid || w->bat != bat || w->B != bat->B || w->T != bat->T)
        return gn_fail(err, GN_EINVAL, "rnn gv: run gn_rnn_forward or gn_rnn_grad on this batch first");
    int st = setup(net, bat, w, 1, err);
    if (st) return st;
    size_t off[7];
    gn_rnn_param_offsets(net, off);
    build_aug(w, v, off, w->Vaug, w->Voaug);
    w->vx0 = v + off[5];
    w->sdamp = sdamp; w->out = gv; w->job = JOB_GV;
    run_job(w);
    /* a stop leaves the forward traces as they were: another product may follow */
    if (w->stop_t) return stop_error(w, err);
    return GN_OK;
}
