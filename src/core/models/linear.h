/* linear.h — linear rate network τ dv/dt = −v + M v + h: eigen-analysis and
 * time stepping by forward Euler or by the exact propagator. */
#ifndef GN_LINEAR_H
#define GN_LINEAR_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "gn.h"

/* How gn_linear_run advances one step of length dt. */
typedef enum {
    GN_LINEAR_EULER = 0,  /* v += dt/τ (−v + M v + h): the classic scheme */
    GN_LINEAR_EXACT = 1   /* v = e^{A dt} v + A⁻¹(e^{A dt} − I) h/τ, A = (M − I)/τ,
                             exact when h is constant over the step */
} gn_linear_method;

/* A linear network and its cached one-step propagators.  Both schemes are
 * the affine map v_t = P v_{t−1} + Q h_t; only P and Q differ, so one loop
 * serves both.  The exact pair costs a 2n×2n matrix exponential, paid once,
 * on first use. */
typedef struct {
    size_t n;           /* units */
    double tau;         /* time constant (same time unit as dt) */
    double dt;          /* step (same unit as tau) */
    gsl_matrix *M;      /* n×n recurrent weights (a copy) */
    gsl_matrix *P[2];   /* per method: n×n state propagator, NULL until used */
    gsl_matrix *Q[2];   /* per method: n×n input propagator, NULL until used */
} gn_linear;

/* Copies M (square, finite).  tau and dt must be finite and > 0 with
 * dt <= tau.  NULL (err filled) on bad arguments or no memory. */
gn_linear *gn_linear_alloc(const gsl_matrix *M, double tau, double dt, gn_err *err);
void gn_linear_free(gn_linear *lin);

/* Eigen-decomposition of M (GSL's nonsymmetric solver, balanced).  Fills, in
 * order of decreasing real part (a conjugate pair: positive imaginary part
 * first):
 *   re, im       (n) eigenvalues λ = re + i·im,
 *   vre, vim     (n×n, may be NULL) eigenvectors in columns, unit norm; a
 *                real eigenvector's largest-magnitude entry is made positive,
 *   tau_mode     (n, may be NULL) decay time constant of each mode,
 *                τ/(1 − Re λ): +Inf for an integrating mode (Re λ = 1),
 *                negative for a growing one (Re λ > 1),
 *   omega        (n, may be NULL) angular frequency Im λ / τ (rad per time
 *                unit) — a mode evolves as e^{(λ−1)t/τ}.
 * GN_ENUM when the QR iteration does not converge.  cancel may be NULL;
 * with one, a decomposition of more than gn_child_min_flops() (child.h)
 * runs in a child process that Ctrl-C kills (GN_EINTR after exactly two
 * polls; the results bit for bit those computed here); a smaller one
 * never polls. */
int gn_linear_eig(const gn_linear *lin, gsl_vector *re, gsl_vector *im,
                  gsl_matrix *vre, gsl_matrix *vim, gsl_vector *tau_mode,
                  gsl_vector *omega, const gn_cancel *cancel, gn_err *err);

/* Fixed point for a constant input: solves (I − M) v = h (n each).  GN_ENUM
 * when I − M is singular (M has an eigenvalue 1: an integrating mode, so no
 * unique fixed point).  cancel may be NULL; with one, an LU decomposition
 * of more than gn_child_min_flops() runs in a child process that Ctrl-C
 * kills (GN_EINTR after exactly two polls; v bit for bit the one computed
 * here); a smaller one never polls. */
int gn_linear_fixed(const gn_linear *lin, const gsl_vector *h, gsl_vector *v, const gn_cancel *cancel,
                    gn_err *err);

/* Computes (if not cached) the propagators of method: afterwards
 * lin->P[method] and lin->Q[method] hold them.  The exact pair (a 2n×2n
 * matrix exponential) runs in a child process, like gn_linear_fixed's
 * solve, when cancel is set and it is large (about 320 n^3 flops at or
 * above gn_child_min_flops()); a stopped one caches nothing. */
int gn_linear_prepare(gn_linear *lin, gn_linear_method method, const gn_cancel *cancel, gn_err *err);

/* Runs T = h->size1 steps from v0 (n, NULL: zero).  Row t of h is the input
 * held during step t; row t of v (T×n) is the state after step t, so row 1
 * is one step after v0 (which is not stored).  GN_EINVAL on shape
 * mismatches or non-finite h/v0; GN_EINTR when cancel is raised: polled
 * every 256 steps (every 2^26 flops of matrix-vector products for a network
 * of more than 362 units), before each panel of rows of an input term H Qᵀ
 * of more than 2^30 flops (the same numbers as one product), and through
 * gn_linear_prepare for the propagators.  An
 * unstable network (some Re λ > 1) grows without bound and may reach Inf
 * in v: callers check (the Lua binding raises, naming the cause). */
int gn_linear_run(gn_linear *lin, const gsl_matrix *h, const gsl_vector *v0,
                  gn_linear_method method, gsl_matrix *v, gn_cancel cancel,
                  gn_err *err);

#endif
