/* l_matrix_ops.c — element-wise part of the matrix binding: arithmetic
 * operators with broadcasting, the matrix product, maps, comparisons and
 * the in-place updates. */
#include "l_matrix.h"
#include "interrupt.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>

/* a op b for matrices, tables and numbers (at least one a matrix/table);
 * the result is a new matrix. */
static int binop(lua_State *L, const char *fn, gn_mat_binop op)
{
    int na = lua_type(L, 1) == LUA_TNUMBER, nb = lua_type(L, 2) == LUA_TNUMBER;
    if (na && nb) return lg_errorf(L, "%s: expected a matrix and a number or two matrices", fn);
    gn_err e = {0};
    if (na || nb) {
        gsl_matrix *a = lgm_arg(L, na ? 2 : 1, fn, "matrix");
        double s = lua_tonumber(L, na ? 1 : 2);
        gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
        gn_cancel cc = lg_cancel();
        lgm_check(L, gn_mat_scalar_c(o, a, s, op, na, &cc, &e), &e);
        return 1;
    }
    gsl_matrix *a = lgm_arg(L, 1, fn, "left operand"), *b = lgm_arg(L, 2, fn, "right operand");
    size_t r, c;
    lgm_check(L, gn_mat_bshape(a->size1, a->size2, b->size1, b->size2, &r, &c, fn, &e), &e);
    gsl_matrix *o = lgm_new(L, r, c, 1);
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_binary_c(o, a, b, op, &cc, &e), &e);
    return 1;
}

static int m_add(lua_State *L) { return binop(L, "matrix +", GN_MAT_ADD); }
static int m_sub(lua_State *L) { return binop(L, "matrix -", GN_MAT_SUB); }
static int m_div(lua_State *L) { return binop(L, "matrix /", GN_MAT_DIV); }
static int m_emul(lua_State *L) { return binop(L, "emul", GN_MAT_MUL); }
static int m_ediv(lua_State *L) { return binop(L, "ediv", GN_MAT_DIV); }
static int m_pow(lua_State *L) { return binop(L, "pow", GN_MAT_POW); }
static int m_lt(lua_State *L) { return binop(L, "lt", GN_MAT_LT); }
static int m_le(lua_State *L) { return binop(L, "le", GN_MAT_LE); }
static int m_gt(lua_State *L) { return binop(L, "gt", GN_MAT_GT); }
static int m_ge(lua_State *L) { return binop(L, "ge", GN_MAT_GE); }
static int m_eqm(lua_State *L) { return binop(L, "eq", GN_MAT_EQ); }
static int m_ne(lua_State *L) { return binop(L, "ne", GN_MAT_NE); }
static int m_minimum(lua_State *L) { return binop(L, "minimum", GN_MAT_MIN); }
static int m_maximum(lua_State *L) { return binop(L, "maximum", GN_MAT_MAX); }

/* a * b: the matrix product (dgemm through CBLAS) for two matrices,
 * scaling for a number. */
static int m_mul(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 2) == LUA_TNUMBER) return binop(L, "matrix *", GN_MAT_MUL);
    gsl_matrix *a = lgm_arg(L, 1, "matrix *", "left operand"), *b = lgm_arg(L, 2, "matrix *", "right operand");
    if (a->size2 != b->size1)
        return lg_errorf(L, "matrix *: inner dimensions differ (%zux%zu * %zux%zu); use emul for the element-wise product",
                         a->size1, a->size2, b->size1, b->size2);
    gsl_matrix *c = lgm_new(L, a->size1, b->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_matmul(c, a, b, &cc, &e), &e);   /* dgemm (dgemv for a column) in panels */
    return 1;
}

static int m_unm(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_unary_c(o, a, GN_MAT_NEG, &cc, &e), &e);
    return 1;
}

static int unary(lua_State *L, gn_mat_unop op)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_unary_c(o, a, op, &cc, &e), &e);
    return 1;
}

static int m_abs(lua_State *L) { return unary(L, GN_MAT_ABS); }
static int m_exp(lua_State *L) { return unary(L, GN_MAT_EXP); }
static int m_log(lua_State *L) { return unary(L, GN_MAT_LOG); }
static int m_sqrt(lua_State *L) { return unary(L, GN_MAT_SQRT); }
static int m_tanh(lua_State *L) { return unary(L, GN_MAT_TANH); }
static int m_sigmoid(lua_State *L) { return unary(L, GN_MAT_SIGMOID); }
static int m_relu(lua_State *L) { return unary(L, GN_MAT_RELU); }
static int m_sign(lua_State *L) { return unary(L, GN_MAT_SIGN); }

static double numarg(lua_State *L, int idx, const char *fn, const char *what)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        lg_errorf(L, "%s: %s must be a number (got %s)", fn, what, luaL_typename(L, idx));
    return lua_tonumber(L, idx);
}

static int m_clamp(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    double lo = lua_isnil(L, 2) ? -INFINITY : numarg(L, 2, "clamp", "lo");
    double hi = lua_isnoneornil(L, 3) ? INFINITY : numarg(L, 3, "clamp", "hi");
    if (lo > hi) return lg_errorf(L, "clamp: lo (%g) is above hi (%g)", lo, hi);
    gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    lgm_check(L, gn_mat_clamp_c(o, a, lo, hi, &cc, &e), &e);
    return 1;
}

/* m:map(f): f(x) for every element (f must return a number). */
static int m_map(lua_State *L)
{
    gsl_matrix *a = lg_checkmatrix(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    gsl_matrix *o = lgm_new(L, a->size1, a->size2, 1);
    for (size_t i = 0; i < a->size1; i++)
        for (size_t j = 0; j < a->size2; j++) {
            lua_pushvalue(L, 2);
            lua_pushnumber(L, a->data[i * a->tda + j]);
            lua_call(L, 1, 1);
            int ok;
            double v = lua_tonumberx(L, -1, &ok);
            if (!ok) return lg_errorf(L, "map: f returned a %s at (%zu,%zu), expected a number",
                                      luaL_typename(L, -1), i + 1, j + 1);
            o->data[i * o->tda + j] = v;
            lua_pop(L, 1);
        }
    return 1;
}

/* ---- in place ---------------------------------------------------------------- */

/* 1 when the storage of a and b intersects (views of one matrix). */
static int overlaps(const gsl_matrix *a, const gsl_matrix *b)
{
    if (!a->size1 || !a->size2 || !b->size1 || !b->size2) return 0;
    const double *a0 = a->data, *a1 = a->data + (a->size1 - 1) * a->tda + a->size2;
    const double *b0 = b->data, *b1 = b->data + (b->size1 - 1) * b->tda + b->size2;
    return a0 < b1 && b0 < a1;
}

/* The matrix argument x for an in-place update of m: a copy when x shares
 * storage with m at other places (so the update reads old values only). */
static gsl_matrix *source(lua_State *L, int idx, const gsl_matrix *m, const char *fn, const char *what)
{
    gsl_matrix *x = lgm_arg(L, idx, fn, what);
    if (x->data != m->data && overlaps(x, m)) {
        x = lg_pushcopy(L, x);
        lua_replace(L, idx);
    }
    return x;
}

static int m_add_(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gn_err e = {0};
    if (lua_type(L, 2) == LUA_TNUMBER) gn_mat_scalar(m, m, lua_tonumber(L, 2), GN_MAT_ADD, 0);
    else lgm_check(L, gn_mat_axpy(m, 1.0, source(L, 2, m, "add_", "x"), "add_", &e), &e);
    lua_settop(L, 1);
    return 1;
}

static int m_scale_(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gn_mat_scalar(m, m, numarg(L, 2, "scale_", "a"), GN_MAT_MUL, 0);
    lua_settop(L, 1);
    return 1;
}

static int m_axpy_(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    double a = numarg(L, 2, "axpy_", "a");
    gn_err e = {0};
    lgm_check(L, gn_mat_axpy(m, a, source(L, 3, m, "axpy_", "x"), "axpy_", &e), &e);
    lua_settop(L, 1);
    return 1;
}

static int m_fill(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gn_mat_fill(m, numarg(L, 2, "fill", "value"));
    lua_settop(L, 1);
    return 1;
}

/* v:assign(x): copies x (same shape, or a row/column/1×1 broadcast) into v
 * — with v a view, into the matrix it looks at. */
static int m_assign(lua_State *L)
{
    gsl_matrix *m = lg_checkmatrix(L, 1);
    gn_err e = {0};
    if (lua_type(L, 2) == LUA_TNUMBER) gn_mat_fill(m, lua_tonumber(L, 2));
    else lgm_check(L, gn_mat_assign(m, source(L, 2, m, "assign", "source"), &e), &e);
    lua_settop(L, 1);
    return 1;
}

const luaL_Reg lgm_ops_methods[] = {
    {"emul", m_emul}, {"ediv", m_ediv}, {"pow", m_pow},
    {"abs", m_abs}, {"exp", m_exp}, {"log", m_log}, {"sqrt", m_sqrt}, {"tanh", m_tanh},
    {"sigmoid", m_sigmoid}, {"relu", m_relu}, {"sign", m_sign}, {"clamp", m_clamp}, {"map", m_map},
    {"lt", m_lt}, {"le", m_le}, {"gt", m_gt}, {"ge", m_ge}, {"eq", m_eqm}, {"ne", m_ne},
    {"minimum", m_minimum}, {"maximum", m_maximum},
    {"add_", m_add_}, {"scale_", m_scale_}, {"axpy_", m_axpy_}, {"fill", m_fill}, {"assign", m_assign},
    {NULL, NULL}
};

const luaL_Reg lgm_ops_meta[] = {
    {"__add", m_add}, {"__sub", m_sub}, {"__mul", m_mul}, {"__div", m_div}, {"__unm", m_unm},
    {"__pow", m_pow}, {NULL, NULL}
};
