/* mat_simd.c — exp, log, tanh and sigmoid over matrix rows, built with
 * -ffast-math (Makefile rule for *_simd.c) so GCC calls glibc's libmvec
 * vector versions; no NaN tests live here (fast-math folds them away).
 * tests/core/test_mat.c checks the results against libm, NaN and ±inf
 * included. */
#include "mat.h"

#include <math.h>

static void row_exp(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = exp(x[j]);
}

static void row_log(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = log(x[j]);
}

static void row_tanh(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) o[j] = tanh(x[j]);
}

/* With e = exp(-|x|) (never overflows): 1/(1+e) for x >= 0 and e/(1+e)
 * for x < 0, so tiny values keep full relative accuracy (the tanh form
 * rounds sigmoid(-40) to 0). */
static void row_sigmoid(double *o, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double e = exp(-fabs(x[j])), s = 1.0 / (1.0 + e);
        o[j] = x[j] >= 0 ? s : e * s;
    }
}

/* out may be a (in place): each loop reads x[j] before writing o[j]. */
void gn_mat_unary_simd(gsl_matrix *out, const gsl_matrix *a, gn_mat_unop op)
{
    void (*f)(double *, const double *, size_t) =
        op == GN_MAT_EXP ? row_exp : op == GN_MAT_LOG ? row_log : op == GN_MAT_TANH ? row_tanh : row_sigmoid;
    for (size_t i = 0; i < a->size1; i++) f(out->data + i * out->tda, a->data + i * a->tda, a->size2);
}
