/* train_rnn.h — the objective an rnn presents to the optimisers (optim.h): loss, gradient,
 * Gauss-Newton products and the preconditioner diagonal on a batch the driver changes.
 *
 * The gradient batch is the driver's; its first Bc trials form the curvature
 * minibatch for Gv products (Martens 2010: curvature on a smaller batch than
 * the gradient).  Recurrent noise, when the net has any, is redrawn once per
 * batch and held fixed within it (common random numbers), so the losses an
 * hf step compares differ only by the parameters.
 *
 * The context writes the parameters it is asked about into net; after
 * training the driver sets the parameters it keeps. */
#ifndef GN_TRAIN_RNN_H
#define GN_TRAIN_RNN_H

#include <gsl/gsl_rng.h>
#include "optim.h"
#include "rnn.h"

typedef struct gn_train_rnn gn_train_rnn;

/* Bc: curvature batch size (0: no Gv needed).  nthreads: 1 or 2, for the
 * batch workspaces.  rng: the generator fresh noise seeds come from. */
gn_train_rnn *gn_train_rnn_alloc(gn_rnn *net, size_t Bc, int nthreads, gsl_rng *rng,
                                 gn_err *err);
void gn_train_rnn_free(gn_train_rnn *c);

/* Makes bat (not copied: it must stay alive while the optimiser uses it)
 * the gradient batch, copies its first Bc trials (fewer if bat is smaller)
 * as the curvature batch and draws the noise seed for it.  Workspaces grow
 * as needed (allocation only when a batch is larger than any before). */
int gn_train_rnn_set_batch(gn_train_rnn *c, const gn_batch *bat, gn_err *err);

/* Routes the cancellation of every pass the context runs (gradient,
 * curvature and evaluation workspaces; gn_rnn_work_set_cancel) through a
 * copy of *cancel; NULL: passes never poll.  A long pass then stops
 * partway with GN_EINTR, which the callbacks, the optimiser and
 * gn_train_rnn_eval / _eval_loss pass on; passes under about 10^8 flops
 * never poll, and the number of polls depends only on the sizes. */
void gn_train_rnn_set_cancel(gn_train_rnn *c, const gn_cancel *cancel);

/* Fills fn with the callbacks and context. */
void gn_train_rnn_objective(gn_train_rnn *c, gn_optim_fn *fn);

/* Wall time (monotonic clock) and calls of each kind of work the optimiser
 * asked for since the context was made: the profile of a training run. */
enum { GN_TRAIN_GRAD, GN_TRAIN_LOSS, GN_TRAIN_CURV, GN_TRAIN_GV, GN_TRAIN_SQGRAD, GN_TRAIN_CLOSS,
       GN_TRAIN_NPROF };
/* "grad", "loss", "curvature" (forward and backward pass over the curvature
 * batch, which also yields the per-trial gradients), "gv", "sqgrad" (the
 * preconditioner diagonal from them), "closs" (losses on the curvature
 * batch: hf's CG backtracking) */
extern const char *const gn_train_prof_names[GN_TRAIN_NPROF];
void gn_train_rnn_profile(const gn_train_rnn *c, double seconds[GN_TRAIN_NPROF],
                          size_t calls[GN_TRAIN_NPROF]);

/* Runs bat forward at the net's current parameters (no noise: evaluation)
 * in the context's evaluation workspace and returns it, for reading traces
 * with gn_rnn_work_trace.  NULL with err filled on failure. */
gn_rnn_work *gn_train_rnn_eval(gn_train_rnn *c, const gn_batch *bat, gn_err *err);

/* The loss on bat (with target and mask) at parameters x, without noise, in
 * the evaluation workspace: the monitoring loss every optimiser records at
 * the same points (l_train.c), whatever batch it steps on.  Leaves x in the
 * net.  GN_OK, or GN_ENUM for a non-finite loss (loss still set). */
int gn_train_rnn_eval_loss(gn_train_rnn *c, const gn_batch *bat, const double *x, double *loss,
                           gn_err *err);

#endif
