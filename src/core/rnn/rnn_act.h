/* rnn_act.h — element-wise kernels of the rnn forward/backward passes
 * (compiled with -ffast-math in rnn_act_simd.c so loops call libmvec's
 * vector tanh/exp/log1p; no NaN checks may live there). */
#ifndef GN_RNN_ACT_H
#define GN_RNN_ACT_H

#include <stddef.h>

/* r = f(x) over len elements; act is a gn_act value. */
void gn_rnn_k_act(int act, size_t len, const double *x, double *r);
/* d *= f'(x), with f' computed from r = f(x): tanh 1−r², relu [r>0],
 * softplus 1−e^{−r} (= sigmoid(x)). */
void gn_rnn_k_dmul(int act, size_t len, const double *r, double *d);
/* One Euler step for rows×n states (x rows contiguous, r rows ldr apart):
 * on entry x holds the drive z = W r + Win u + b; on exit
 * x = (1−α)·xprev + α·z + noise (noise NULL: none) and r = f(x). */
void gn_rnn_k_step(int act, size_t rows, size_t n, double alpha, const double *xprev,
                   double *x, const double *noise, double *r, size_t ldr);
/* Backward step: d = f'(r)⊙d + c·dnext (dnext NULL: no second term);
 * rows of r, d and dnext are ldr, ldd and ldn apart. */
void gn_rnn_k_back(int act, size_t rows, size_t n, const double *r, size_t ldr, double *d,
                   size_t ldd, double c, const double *dnext, size_t ldn);
/* R-operator step: on entry z holds the drive; rx = (1−α)·rxprev + α·z and
 * z becomes f'(r)⊙rx (r rows ldr apart). */
void gn_rnn_k_rstep(int act, size_t rows, size_t n, double alpha, const double *rxprev,
                    double *z, const double *r, size_t ldr, double *rx);

#endif
