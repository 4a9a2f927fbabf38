/* fixedpoints.h — fixed and slow points of a rate RNN (Sussillo & Barak
 * 2013, "Opening the black box", Neural Computation 25:626). */
#ifndef GN_FIXEDPOINTS_H
#define GN_FIXEDPOINTS_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "gn.h"
#include "rnn.h"

/* The network's continuous-time speed at state x under constant input u*:
 *     F(x) = (−x + W f(x) + Win u* + b) / tau
 * (the Euler map x ↦ x + dt·F(x) has the same fixed points), and
 *     q(x) = ½ |F(x)|²,   ∇q = J(x)ᵀ F(x),   J = (−I + W diag f'(x)) / tau.
 * A point with q below qtol is reported as a fixed point; its stability is
 * read from the eigenvalues of J: stable when every Re λ < 0. */

/* Found points, stored flat; count <= cap. */
typedef struct {
    size_t n, cap, count;   /* state dimension, capacity, points found */
    double *x;              /* count×n states */
    double *q;              /* count values of q (speed² / 2) */
    double *eig_re;         /* count×n eigenvalues of J, real parts, */
    double *eig_im;         /*   imaginary parts; sorted by decreasing Re */
    int *stable;            /* count flags: 1 when all Re λ < 0 */
    size_t *hits;           /* count: how many starts converged there */
} gn_fpset;

gn_fpset *gn_fpset_alloc(size_t n, size_t cap, gn_err *err);
void gn_fpset_free(gn_fpset *s);

typedef struct {
    double qtol;       /* accept a minimum with q <= qtol (default 1e-10) */
    double tol;        /* merge points closer than this (Euclidean; default 1e-3) */
    size_t maxiter;    /* BFGS iterations per start (default 2000) */
} gn_fpopts;

/* q and its gradient at x (for tests and for users). u may be NULL (zero
 * input).  F (n) receives the speed when non-NULL; grad may be NULL. */
double gn_fixedpoints_q(const gn_rnn *net, const gsl_vector *u, const gsl_vector *x,
                        gsl_vector *F, gsl_vector *grad);

/* Minimises q from each row of starts (S×n) with GSL's vector_bfgs2 (analytic
 * gradient), keeps minima with q <= qtol, merges duplicates (keeping the
 * lower q, counting hits), then computes J's eigenvalues (GSL nonsymmetric
 * eigensolver) and stability.  u (nin, may be NULL: zero) is the constant
 * input.  Results are appended to out (GN_ENOMEM style error when full is
 * avoided: extra distinct points beyond out->cap are dropped, and *dropped
 * counts them when non-NULL).  Polls cancel between starts (GN_EINTR, with
 * the points found so far kept) and, for n >= 256, also every few
 * milliseconds of a start's iterations and between the points' eigenvalue
 * computations (a stop there keeps the points whose eigenvalues are done).
 * A point whose eigenvalues cost more than gn_child_min_flops() (child.h)
 * has them computed in a child process that Ctrl-C kills (two more polls
 * per point; results bit for bit those computed here); after a stop during
 * the starts such points are dropped rather than computed. */
int gn_fixedpoints_find(const gn_rnn *net, const gsl_vector *u, const gsl_matrix *starts,
                        const gn_fpopts *opts, gn_fpset *out, size_t *dropped,
                        gn_cancel *cancel, gn_err *err);

#endif
