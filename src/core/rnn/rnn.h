/* rnn.h — continuous-time rate RNN: parameters, batched forward pass, exact
 * BPTT gradient, Gauss-Newton–vector products, and text save/load.
 *
 * Model (as help("rnn") states it for users), with α = dt/tau, for each trial and step
 * t = 1..T (step t uses input row t of the trial):
 *
 *     x_0 = x0
 *     x_t = x_{t-1} + α (−x_{t-1} + W f(x_{t-1}) + Win u_t + b) + sqrt(2α)·noise·ξ_t
 *     r_t = f(x_t)
 *     y_t = Wout r_t + bout
 *
 * ξ_t ~ N(0, I) per unit and step (Song, Yang & Wang 2016: with this scaling
 * `noise` is the stationary s.d. of an isolated leaky unit).  Loss is the
 * masked mean squared error over all trials, steps and outputs:
 *
 *     L = Σ mask·(y − target)² / Σ mask
 *
 * Flat parameter vector (gn_rnn_get_params / gradients / Gv), in this fixed
 * order, each matrix row-major:
 *     W (n×n), Win (n×nin), b (n), Wout (nout×n), bout (nout), x0 (n)
 * gn_rnn_param_offsets() gives the start of each block.
 *
 * Threading: a workspace made for nthreads = 2 splits each batch's trials
 * between two pthreads (each owns its trials' traces); gradients are summed.
 * The first computation sets OpenBLAS to one thread and leaves it there:
 * small GEMMs split across cores run slower, and toggling the count back
 * wakes OpenBLAS's workers, which then compete with our second thread. */
#ifndef GN_RNN_H
#define GN_RNN_H

#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "gn.h"

/* Element-wise activation f. */
typedef enum {
    GN_ACT_TANH = 0,
    GN_ACT_RELU = 1,
    GN_ACT_SOFTPLUS = 2     /* log(1 + e^x) */
} gn_act;

/* "tanh" / "relu" / "softplus"; NULL for an unknown value. */
const char *gn_act_name(gn_act a);
/* Parses a name; returns 0 and sets *a, or -1 if unknown. */
int gn_act_parse(const char *name, gn_act *a);

typedef struct {
    size_t n;        /* hidden units */
    size_t nin;      /* inputs */
    size_t nout;     /* outputs */
    double tau;      /* time constant (same unit as dt), > 0 */
    double dt;       /* Euler step, > 0; α = dt/tau */
    gn_act act;      /* activation f */
    double noise;    /* recurrent noise s.d. (see top of file), >= 0 */
    gsl_matrix *W;    /* n×n recurrent weights (row i: inputs to unit i) */
    gsl_matrix *Win;  /* n×nin input weights */
    gsl_matrix *b;    /* n×1 bias */
    gsl_matrix *Wout; /* nout×n readout */
    gsl_matrix *bout; /* nout×1 readout bias */
    gsl_matrix *x0;   /* n×1 initial state */
} gn_rnn;

/* Largest n accepted (keeps n² and the workspaces sane). */
#define GN_RNN_MAX_N 20000
#define GN_RNN_MAX_IO 100000

/* Allocates a network with all parameters zero, tau=10, dt=1, tanh,
 * noise=0.  NULL (err filled) on bad sizes or no memory. */
gn_rnn *gn_rnn_alloc(size_t n, size_t nin, size_t nout, gn_err *err);
void gn_rnn_free(gn_rnn *net);
/* Deep copy (NULL on no memory). */
gn_rnn *gn_rnn_copy(const gn_rnn *net, gn_err *err);
/* Copies parameters and settings from src into dst of identical sizes. */
int gn_rnn_memcpy(gn_rnn *dst, const gn_rnn *src, gn_err *err);

/* Random initialisation: W ~ N(0, g²/n), Win ~ N(0, 1/nin),
 * Wout ~ N(0, 1/n), b = bout = x0 = 0. */
int gn_rnn_init(gn_rnn *net, double g, gsl_rng *rng, gn_err *err);

/* Checks tau, dt > 0, noise >= 0, activation known, matrix shapes, and that
 * every parameter is finite. */
int gn_rnn_validate(const gn_rnn *net, gn_err *err);

/* ---- flat parameter vector ------------------------------------------------ */
size_t gn_rnn_nparams(const gn_rnn *net);
/* Block starts: off[0]=W, [1]=Win, [2]=b, [3]=Wout, [4]=bout, [5]=x0,
 * off[6] = nparams. */
void gn_rnn_param_offsets(const gn_rnn *net, size_t off[7]);
void gn_rnn_get_params(const gn_rnn *net, double *p);
void gn_rnn_set_params(gn_rnn *net, const double *p);

/* ---- batches ----------------------------------------------------------------
 * B trials of T steps, stored time-major so that step t of all trials is one
 * contiguous B×nin block (one GEMM per step):
 *     u[(t*B + k)*nin + i]      input i of trial k at step t+1 (t = 0..T-1)
 *     target[(t*B + k)*nout + o], mask[...] likewise.
 * target and mask are NULL in a batch allocated with with_target = 0 (for
 * running without a loss). */
typedef struct {
    size_t B, T, nin, nout;
    double *u;
    double *target;
    double *mask;
} gn_batch;

gn_batch *gn_batch_alloc(size_t B, size_t T, size_t nin, size_t nout, int with_target,
                         gn_err *err);
void gn_batch_free(gn_batch *bat);
/* Copies trial k from T×nin, T×nout, T×nout matrices.  target / mask may be
 * NULL (then left as they are; mask starts as all ones, target as zeros). */
int gn_batch_set_trial(gn_batch *bat, size_t k, const gsl_matrix *u,
                       const gsl_matrix *target, const gsl_matrix *mask, gn_err *err);
/* Copies trials k0..k0+dst->B-1 of src into dst (same T, nin, nout) —
 * for curvature minibatches. */
int gn_batch_subset(gn_batch *dst, const gn_batch *src, size_t k0, gn_err *err);
/* Σ mask (0 when the batch has no mask). */
double gn_batch_mask_sum(const gn_batch *bat);

/* ---- workspace ---------------------------------------------------------------
 * Holds the traces of up to Bmax trials × Tmax steps for a net of n units
 * (and the R-operator traces for Gv).  Reusable for any batch with B <= Bmax
 * and T <= Tmax and a net with the same n, nin, nout.  nthreads is 1 or 2. */
typedef struct gn_rnn_work gn_rnn_work;

gn_rnn_work *gn_rnn_work_alloc(const gn_rnn *net, size_t Bmax, size_t Tmax, int nthreads,
                               gn_err *err);
void gn_rnn_work_free(gn_rnn_work *w);
/* 1 when w can serve net (same n, nin, nout) for B trials of T steps. */
int gn_rnn_work_fits(const gn_rnn_work *w, const gn_rnn *net, size_t B, size_t T);
/* Like gn_rnn_work_fits, but also takes a net with fewer units than w was
 * allocated for (same nin, nout): w then serves that net (and no longer
 * the larger one until adapted back); 0 when it cannot.  For a run
 * workspace kept while a net shrinks (condensation): no fresh memory, the
 * same arithmetic. */
int gn_rnn_work_adapt(gn_rnn_work *w, const gn_rnn *net, size_t B, size_t T);
/* Routes the cancellation of w's long passes through cancel (NULL: never
 * poll; the pointer must stay valid while w is used with it).  A pass
 * (gn_rnn_forward, gn_rnn_loss, both halves of gn_rnn_grad and
 * gn_rnn_grad_sq, both halves of gn_rnn_gv) whose forward half is longer
 * than a few tens of milliseconds polls between chunks of steps, always
 * from the calling thread and a number of times fixed by the sizes alone,
 * and returns GN_EINTR when asked to stop (w then holds no traces, except
 * after a stopped gn_rnn_gv, which leaves the forward traces for another
 * product).  Passes whose forward half is under about 10^8 flops never
 * poll. */
void gn_rnn_work_set_cancel(gn_rnn_work *w, const gn_cancel *cancel);
/* The number of threads w was made for (after clamping to Bmax). */
int gn_rnn_work_threads(const gn_rnn_work *w);
/* The trial k traces of the last forward pass into T×n, T×n, T×nout
 * matrices (any may be NULL): row t is x_t, r_t, y_t for t = 1..T. */
int gn_rnn_work_trace(const gn_rnn_work *w, size_t k, gsl_matrix *x, gsl_matrix *r,
                      gsl_matrix *y, gn_err *err);

/* 1 when every x_t and y_t of the last forward pass is finite; else 0 and
 * the first non-finite value in trial order, every x before any y:
 * trial *k (0-based), step *t (1..T), column *i (0-based), *which 0 for x,
 * 2 for y, and the *value.  Reads the workspace in place (for runs that
 * copy out no x). */
int gn_rnn_work_finite(const gn_rnn_work *w, size_t *k, size_t *t, size_t *i, int *which,
                       double *value);

/* ---- computations ------------------------------------------------------------
 * rng: noise source when net->noise > 0; NULL runs without noise.
 * loss / grad may be NULL where noted.  All return GN_OK or GN_EINVAL (shape
 * mismatch, no target/mask for a loss, Σ mask = 0) / GN_ENUM (non-finite
 * loss). */

/* Runs the batch and keeps the traces in w.  loss (may be NULL) needs a
 * batch with target and mask. */
int gn_rnn_forward(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                   double *loss, gn_err *err);
/* The same pass keeping only the outputs y of every step: x and r live in
 * two rows of the workspace that the steps take in turn, so the pass stays
 * in the cache instead of writing T steps of states; the outputs (and the
 * loss) are gn_rnn_forward's bit for bit.  Afterwards gn_rnn_work_trace
 * gives y only, and gn_rnn_work_finite names the same first non-finite
 * state as after gn_rnn_forward (the states are checked as the pass goes). */
int gn_rnn_forward_y(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                     double *loss, gn_err *err);
/* Forward pass and loss only. */
int gn_rnn_loss(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                double *loss, gn_err *err);
/* Forward pass + BPTT: loss (may be NULL) and dL/dθ into grad (nparams,
 * flat order above).  The traces stay in w for gn_rnn_gv. */
int gn_rnn_grad(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                double *loss, double *grad, gn_err *err);

/* gn_rnn_grad plus the squares of the per-trial gradients, from the same
 * pass: sq[i] = Σ_k g_k[i]², g_k trial k's term of the batch gradient
 * (grad = Σ_k g_k, g_k = ∇ Σ_{trial k} mask·(y − target)² / M with M the
 * whole batch's Σ mask) — the diagonal of Martens' (2010) preconditioner
 * without one BPTT per trial.  grad and sq have nparams entries. */
int gn_rnn_grad_sq(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, gsl_rng *rng,
                   double *loss, double *grad, double *sq, gn_err *err);

/* Gauss-Newton–vector product for the masked MSE loss, with structural
 * damping (Martens & Sutskever 2011), never forming the matrix:
 *
 *     gv = (2/M) [ J_yᵀ diag(mask) J_y  +  sdamp · J_rᵀ J_r ] v,   M = Σ mask
 *
 * J_y = ∂y/∂θ and J_r = ∂r/∂θ over all trials and steps t = 1..T, i.e. the
 * Gauss-Newton matrix of L + sdamp·Σ|r(θ) − r(θ₀)|²/M at θ₀.  Computed by an
 * R-operator forward pass and one backward pass over the traces that the
 * last gn_rnn_forward / gn_rnn_grad on this workspace left — call one of
 * them first with the same net and batch (GN_EINVAL otherwise).  The
 * Tikhonov term λ·v of Levenberg–Marquardt damping is the caller's to add
 * (the M&S structural term is sdamp = μ·λ). */
int gn_rnn_gv(const gn_rnn *net, const gn_batch *bat, gn_rnn_work *w, const double *v,
              double sdamp, double *gv, gn_err *err);

/* ---- save / load ---------------------------------------------------------------
 * A readable text file, "ganglion-rnn 1" on the first line, then one
 * "key value" line per setting and one "name rows cols" line per matrix
 * followed by its rows, numbers printed with %.17g (exact round trip).
 * Written to a temporary file and renamed, so a crash never leaves half a
 * file.  gn_rnn_load is a plain parser: it runs nothing from the file and
 * rejects unknown keys, wrong shapes, non-finite numbers, absurd sizes and
 * truncated files with GN_EFORMAT (GN_EIO if unreadable). */
int gn_rnn_save(const gn_rnn *net, const char *path, gn_err *err);
gn_rnn *gn_rnn_load(const char *path, gn_err *err);
/* The same from an open stream (name for messages): every declared shape
 * is checked against n/inputs/outputs, and the bytes left against the
 * numbers declared, before anything is allocated. */
gn_rnn *gn_rnn_read(FILE *f, const char *name, gn_err *err);

#endif
