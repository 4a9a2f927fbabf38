/* ring.h — ring network with cosine weights (Ben-Yishai, Bar-Or & Sompolinsky
 * 1995, PNAS 92:3844): rectified-linear rates, bump attractor, moving cue. */
#ifndef GN_RING_H
#define GN_RING_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "gn.h"

/* Model, Euler-discretised with step dt:
 *   τ dr_i/dt = −r_i + [ Σ_j W_ij r_j + h0 + c cos(θ_i − ψ(t)) − T ]_+
 *   W_ij = (w0 + w1 cos(θ_i − θ_j)) / n,   θ_i = 2π(i−1)/n,
 * c the cue amplitude and ψ(t) the cue's peak angle.  T is the
 * rectification threshold (firing starts when the net input exceeds T),
 * so only h0 − T matters for the uniform drive.
 *
 * Mean field (n → ∞, no cue): a profile r(θ) = A[cos(θ−θ0) − cos θc]_+ is
 * self-consistent when w1 (2θc − sin 2θc)/(4π) = 1.  The left side is at most
 * w1/2, so a bump without input needs w1 > 2 (for w1 < 2 the cosine mode of
 * the uniform state decays with time constant τ/(1 − w1/2) and any bump is
 * input-driven).  Its height then follows from the uniform mode:
 * A = (h0 − T) / (−cos θc − w0 (sin θc − θc cos θc)/π), which needs w0
 * negative enough (uniform inhibition) to stay finite and positive.
 * Defaults: w1 = 4 gives θc = π/2 exactly (half the ring active, full width
 * at half height 2π/3) and with w0 = −2, h0 − T = 1 the height is π/2. */
typedef struct {
    size_t n;       /* units on the ring (default 100) */
    double w0;      /* uniform coupling (negative: inhibition), default −2 */
    double w1;      /* cosine coupling, default 4 (> 2: attractor) */
    double h0;      /* uniform external input, default 1 */
    double h1;      /* default cue amplitude, default 0.5 */
    double T;       /* rectification threshold, default 0 */
    double tau;     /* rate time constant (time units), default 10 */
    double dt;      /* Euler step (same units), default 1 */
} gn_ring_params;

/* Attractor defaults (above). */
void gn_ring_params_default(gn_ring_params *p);
/* The notebook's parameters: w0 = 0.9, w1 = 1, h0 = 2, h1 = 1, T = 2 (other
 * fields as the defaults).  With w1 = 1 < 2 there is no bump without the
 * cue: a rotating cue drags an input-driven travelling wave. */
void gn_ring_params_notebook(gn_ring_params *p);

/* Mean-field bump of p without a cue (n → ∞; see the model comment above):
 * solves w1 (2θc − sin 2θc)/(4π) = 1 for the half-width θc (bisection; the
 * left side grows monotonically on (0, π]) and returns the profile's height
 * A(1 − cos θc) and full width at half height 2 acos((1 + cos θc)/2).
 * Returns 1 when such a bump exists (w1 > 2 and a positive, finite A),
 * else 0 and NaNs: w1 <= 2 (no symmetry breaking: only input-driven
 * profiles) or w0 not inhibitory enough (A <= 0: runaway or silence). */
int gn_ring_meanfield(const gn_ring_params *p, double *thc, double *height, double *width);

typedef struct {
    gn_ring_params p;
    gsl_vector *r;      /* n: current rates (the "last state") */
    double phase;       /* cue angle ψ (rad) at the start of the next run */
    double *cs, *sn;    /* n: cos θ_i, sin θ_i */
    gsl_vector *u;      /* n: workspace, recurrent input */
    gsl_matrix *W;      /* n×n dense weights, only when dense mode is on */
} gn_ring;

/* NULL (err filled) when n = 0, a parameter is not finite, tau or dt <= 0,
 * dt > tau, or memory runs out.  The state starts at zero, the cue at 0. */
gn_ring *gn_ring_alloc(const gn_ring_params *p, gn_err *err);
void gn_ring_free(gn_ring *ring);

/* Fills W (n×n) with the dense weight matrix. */
int gn_ring_weights(const gn_ring *ring, gsl_matrix *W, gn_err *err);
/* out = W r by the cosine structure in O(n) (see ring.c). */
void gn_ring_recurrent(const gn_ring *ring, const double *r, double *out);
/* on = 1: run uses a dense CBLAS product with W instead (O(n²), for
 * benchmarks and as a cross-check); 0: back to the O(n) product. */
int gn_ring_set_dense(gn_ring *ring, int on, gn_err *err);

/* Runs steps Euler steps.  The cue during step k (1-based) peaks at
 * ψ + speed (k − 1) dt, ψ = phase when finite, else ring->phase (where the
 * previous run left it); afterwards ring->phase = ψ + speed·steps·dt,
 * wrapped to (−π, π].  cue is the amplitude (0: no cue).  a0 (n, NULL: the
 * current state) is the state before step 1.  Row k of out (steps×n) is
 * the state after step k; ring->r becomes the last row.  GN_EINVAL on bad
 * shapes or non-finite arguments, GN_EINTR when cancel is raised (ring->r
 * then holds the state reached). */
int gn_ring_run(gn_ring *ring, size_t steps, double speed, double cue, double phase,
                const gsl_vector *a0, gsl_matrix *out, gn_cancel cancel, gn_err *err);

/* Bump statistics of each row of a (rows × n activity, θ_i = 2π(i−1)/n):
 *   pos    population-vector angle atan2(Σ r sin θ, Σ r cos θ) in (−π, π];
 *          NaN when the population vector vanishes (flat or zero profile),
 *   unwrapped (may be NULL) pos made continuous across rows (no 2π jumps),
 *   width  full width at half height (rad), the crossings of min + height/2
 *          on either side of the peak found by linear interpolation; 2π
 *          when no unit falls below half height,
 *   height max − min of the row.
 * Vectors have a->size1 entries.  GN_EINVAL for non-finite activity. */
int gn_ring_bump(const gsl_matrix *a, gsl_vector *pos, gsl_vector *unwrapped,
                 gsl_vector *width, gsl_vector *height, gn_err *err);

#endif
