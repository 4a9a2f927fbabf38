/* l_matrix_reduce.c — reductions of the matrix binding: sum, mean, var,
 * std, min/max with indices, norm, cumsum, dot, cov/corr, sort/argsort. */
#include "l_matrix.h"
#include "interrupt.h"

#include <math.h>

/* dim for ops that work along a line: given, else a vector's own
 * direction, else 1 (down the columns). */
static int linedim(lua_State *L, const gsl_matrix *a, const char *fn)
{
    int d = lgm_optdim(L, 2, fn, 0);
    if (d) return d;
    return a->size1 == 1 && a->size2 != 1 ? 2 : 1;
}

static int reduce(lua_State *L, const char *fn, gn_mat_redop op)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    int dim = lgm_optdim(L, 2, fn, 0);
    size_t r = dim == 2 ? a->size1 : 1, c = dim == 1 ? a->size2 : 1;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    int ext = op == GN_MAT_MINR || op == GN_MAT_MAXR;
    if (dim == 0) {
        double v, ix = 0;
        gsl_matrix_view vv = gsl_matrix_view_array(&v, 1, 1), iv = gsl_matrix_view_array(&ix, 1, 1);
        lgm_check(L, gn_mat_reduce(&vv.matrix, ext ? &iv.matrix : NULL, a, 0, op, &cc, &e), &e);
        lua_pushnumber(L, v);
        if (!ext) return 1;
        size_t k = (size_t)ix - 1;
        if (a->size1 == 1 || a->size2 == 1) { lua_pushinteger(L, (lua_Integer)k + 1); return 2; }
        lua_pushinteger(L, (lua_Integer)(k / a->size2) + 1);
        lua_pushinteger(L, (lua_Integer)(k % a->size2) + 1);
        return 3;
    }
    gsl_matrix *o = lgm_new(L, r, c, 1);
    gsl_matrix *ix = ext ? lgm_new(L, r, c, 1) : NULL;
    lgm_check(L, gn_mat_reduce(o, ix, a, dim, op, &cc, &e), &e);
    return ext ? 2 : 1;
}

static int m_sum(lua_State *L) { return reduce(L, "sum", GN_MAT_SUM); }
static int m_mean(lua_State *L) { return reduce(L, "mean", GN_MAT_MEAN); }
static int m_var(lua_State *L) { return reduce(L, "var", GN_MAT_VAR); }
static int m_std(lua_State *L) { return reduce(L, "std", GN_MAT_STD); }
static int m_min(lua_State *L) { return reduce(L, "min", GN_MAT_MINR); }
static int m_max(lua_State *L) { return reduce(L, "max", GN_MAT_MAXR); }
static int m_norm(lua_State *L) { return reduce(L, "norm", GN_MAT_NORM); }

static int m_cumsum(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    int dim = linedim(L, a, "cumsum");
    gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_cumsum(o, a, dim, &cc, &e), &e);
    return 1;
}

static int m_dot(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1), *b = lgm_arg(L, 2, "dot", "the other matrix");
    double s;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_dot(&s, a, b, &cc, &e), &e);
    lua_pushnumber(L, s);
    return 1;
}

static int covcorr(lua_State *L, int corr)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    gsl_matrix *o = lgm_new(L, a->size2, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_cov(o, a, corr, &cc, &e), &e);
    return 1;
}

static int m_cov(lua_State *L) { return covcorr(L, 0); }
static int m_corr(lua_State *L) { return covcorr(L, 1); }

static int sortf(lua_State *L, int want_values)
{
    const char *fn = want_values ? "sort" : "argsort";
    gsl_matrix *a = lg_checkmatrix(L, 1);
    int dim = linedim(L, a, fn);
    gsl_matrix *o = want_values ? lgm_new(L, a->size1, a->size2, 1) : NULL;
    gsl_matrix *ix = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_sort(o, ix, a, dim, &cc, &e), &e);
    return want_values ? 2 : 1;
}

static int m_sort(lua_State *L) { return sortf(L, 1); }
static int m_argsort(lua_State *L) { return sortf(L, 0); }

const luaL_Reg lgm_reduce_methods[] = {
    {"sum", m_sum}, {"mean", m_mean}, {"var", m_var}, {"std", m_std}, {"min", m_min}, {"max", m_max},
    {"norm", m_norm}, {"cumsum", m_cumsum}, {"dot", m_dot}, {"cov", m_cov}, {"corr", m_corr},
    {"sort", m_sort}, {"argsort", m_argsort}, {NULL, NULL}
};
