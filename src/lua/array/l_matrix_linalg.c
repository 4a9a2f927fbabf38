/* l_matrix_linalg.c — linear algebra of the matrix binding: solve, inv,
 * det, chol, eig, svd, lstsq (LAPACK through src/core/array/mat_linalg.c). */
#include "l_matrix.h"
#include "interrupt.h"

#include <math.h>

static void nonfinite(lua_State *L, const gsl_matrix *m, const char *fn)
{
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            if (!isfinite(m->data[i * m->tda + j]))
                lg_errorf(L, "%s: the matrix has a non-finite value at (%zu,%zu)", fn, i + 1, j + 1);
}

static int m_solve(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1), *b = lgm_arg(L, 2, "solve", "b");
    nonfinite(L, a, "solve");
    gsl_matrix *x = lgm_new(L, a->size2, b->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_solve(x, a, b, &cc, &e), &e);
    return 1;
}

static int m_inv(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    nonfinite(L, a, "inv");
    gsl_matrix *x = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_inv(x, a, &cc, &e), &e);
    return 1;
}

static int m_det(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    nonfinite(L, a, "det");
    double d;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_det(&d, a, &cc, &e), &e);
    lua_pushnumber(L, d);
    return 1;
}

static int m_chol(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    nonfinite(L, a, "chol");
    gsl_matrix *x = lgm_new(L, a->size1, a->size2, 0);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_chol(x, a, &cc, &e), &e);
    return 1;
}

static int symmetric(const gsl_matrix *a)
{
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < i; j++)
            if (a->data[i * a->tda + j] != a->data[j * a->tda + i]) return 0;
    return 1;
}

/* m:eig() -> {values=, vectors=} for a symmetric matrix (values ascending,
 * dsyevd); otherwise {values=, imag=, vectors=, vectors_imag=} (dgeev). */
static int m_eig(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    nonfinite(L, a, "eig");
    if (a->size1 != a->size2) return lg_errorf(L, "eig: matrix must be square, got %zux%zu", a->size1, a->size2);
    size_t n = a->size1;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lua_createtable(L, 0, 4);
    int t = lua_gettop(L);
    if (symmetric(a)) {
        gsl_matrix *w = lgm_new(L, n, 1, 0);
        lua_setfield(L, t, "values");
        gsl_matrix *v = lgm_new(L, n, n, 0);
        lua_setfield(L, t, "vectors");
        lgm_check(L, gn_mat_eigsym(w, v, a, &cc, &e), &e);
        return 1;
    }
    gsl_matrix *re = lgm_new(L, n, 1, 0); lua_setfield(L, t, "values");
    gsl_matrix *im = lgm_new(L, n, 1, 0); lua_setfield(L, t, "imag");
    gsl_matrix *vr = lgm_new(L, n, n, 0); lua_setfield(L, t, "vectors");
    gsl_matrix *vi = lgm_new(L, n, n, 0); lua_setfield(L, t, "vectors_imag");
    lgm_check(L, gn_mat_eiggen(re, im, vr, vi, a, &cc, &e), &e);
    return 1;
}

/* m:svd() -> {U=, S=, V=}, thin: m = U diag(S) Vᵀ. */
static int m_svd(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    nonfinite(L, a, "svd");
    size_t r = a->size1, c = a->size2, k = r < c ? r : c;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lua_createtable(L, 0, 3);
    int t = lua_gettop(L);
    gsl_matrix *U = lgm_new(L, r, k, 0); lua_setfield(L, t, "U");
    gsl_matrix *S = lgm_new(L, k, 1, 0); lua_setfield(L, t, "S");
    gsl_matrix *V = lgm_new(L, c, k, 0); lua_setfield(L, t, "V");
    lgm_check(L, gn_mat_svd(U, S, V, a, &cc, &e), &e);
    return 1;
}

static int m_lstsq(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1), *b = lgm_arg(L, 2, "lstsq", "b");
    nonfinite(L, a, "lstsq");
    nonfinite(L, b, "lstsq");
    gsl_matrix *x = lgm_new(L, a->size2, b->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_lstsq(x, a, b, &cc, &e), &e);
    return 1;
}

const luaL_Reg lgm_linalg_methods[] = {
    {"solve", m_solve}, {"inv", m_inv}, {"det", m_det}, {"chol", m_chol}, {"eig", m_eig},
    {"svd", m_svd}, {"lstsq", m_lstsq}, {NULL, NULL}
};
