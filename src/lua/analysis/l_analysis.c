/* l_analysis.c — Lua binding of the analysis core: pca, npcs, participation,
 * similarity, cca, procrustes, kinds, fixedpoints, and net:merge / net:delete. */
#include "interrupt.h"
#include "l_util.h"
#include "l_opt.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "cca.h"
#include "fixedpoints.h"
#include "kinds.h"
#include "l_rnn.h"
#include "pca.h"
#include "procrustes.h"
#include "rnn_merge.h"
#include "similarity.h"
#include "gram.h"


/* ---- data arguments ------------------------------------------------------------
 * Analysis functions take "a trace or a matrix": a matrix (or plain rows), a
 * trace {r=T×n, ...} (field `field`), or a list of traces, whose `field`
 * matrices are stacked vertically (all trials' steps as observations).  The
 * result is anchored on the stack (a new matrix is pushed when converted). */
static gsl_matrix *checkdata(lua_State *L, int idx, const char *fn, const char *field)
{
    idx = lua_absindex(L, idx);
    if (luaL_testudata(L, idx, LG_MATRIX_MT)) return lg_checkmatrix(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        lg_errorf(L, "%s: argument #%d must be a matrix or a trace {%s=...} (got %s)", fn, idx,
                   field, luaL_typename(L, idx));
    /* A trace? */
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        lua_pop(L, 1);
        gsl_matrix *m = lg_optmatrixfield(L, idx, field);
        return m;
    }
    lua_pop(L, 1);
    /* A list of traces? */
    int first = lua_rawgeti(L, idx, 1);
    int islist = first == LUA_TTABLE && lua_getfield(L, -1, field) != LUA_TNIL;
    if (first == LUA_TTABLE) lua_pop(L, 1);
    lua_pop(L, 1);
    if (!islist) {
        if (first != LUA_TTABLE && first != LUA_TNUMBER)
            lg_errorf(L, "%s: argument #%d must be a matrix, a trace {%s=...} or a list of traces", fn,
                       idx, field);
        lua_pushvalue(L, idx);
        gsl_matrix *m = lg_tomatrix(L, lua_gettop(L));
        return m;
    }
    size_t k = lua_rawlen(L, idx), rows = 0, cols = 0;
    for (size_t i = 1; i <= k; i++) {
        if (lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TTABLE)
            lg_errorf(L, "%s: argument #%d[%zu] must be a trace {%s=...}", fn, idx, i, field);
        gsl_matrix *m = lg_optmatrixfield(L, lua_gettop(L), field);
        if (!m) lg_errorf(L, "%s: argument #%d[%zu] has no field '%s'", fn, idx, i, field);
        if (i == 1) cols = m->size2;
        else if (m->size2 != cols)
            lg_errorf(L, "%s: argument #%d[%zu].%s has %zu columns, the first trace %zu", fn, idx, i,
                       field, m->size2, cols);
        rows += m->size1;
        lua_pop(L, 2);
    }
    gsl_matrix *out = lg_newmatrix(L, rows, cols);
    int top = lua_gettop(L);
    size_t r0 = 0;
    for (size_t i = 1; i <= k; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i);
        gsl_matrix *m = lg_optmatrixfield(L, lua_gettop(L), field);
        gsl_matrix_view dst = gsl_matrix_submatrix(out, r0, 0, m->size1, cols);
        gsl_matrix_memcpy(&dst.matrix, m);
        r0 += m->size1;
        lua_settop(L, top);
    }
    return out;
}

static void checkfinite(lua_State *L, const gsl_matrix *m, const char *fn, const char *what)
{
    if (!gn_pca_finite(m)) lg_errorf(L, "%s: %s contains NaN or Inf", fn, what);
}

/* The likely cause of a non-finite result from finite data a (and b):
 * magnitudes whose squares or sums leave the double range; NULL when the
 * magnitudes do not explain it. */
static const char *data_cause(const gsl_matrix *a, const gsl_matrix *b, char *buf, size_t len)
{
    double mx = 0, mn = HUGE_VAL;
    for (int q = 0; q < 2; q++) {
        const gsl_matrix *m = q ? b : a;
        if (!m) continue;
        for (size_t i = 0; i < m->size1; i++)
            for (size_t j = 0; j < m->size2; j++) {
                double v = fabs(gsl_matrix_get(m, i, j));
                if (v > mx) mx = v;
                if (v > 0 && v < mn) mn = v;
            }
    }
    if (mx > 1e150)
        snprintf(buf, len, "the data are too large (largest |value| %.3g: squares and sums overflow); "
                 "rescale them", mx);
    else if (mx > 0 && mx < 1e-150)
        snprintf(buf, len, "the data are too small (largest |value| %.3g: squares underflow); "
                 "rescale them", mx);
    else if (mn < 1e-150 && mx > 1e150 * mn)
        snprintf(buf, len, "the data span too many orders of magnitude (%.3g to %.3g)", mn, mx);
    else
        return NULL;
    return buf;
}

static const char *result_cause(const gsl_matrix *a, const gsl_matrix *b, char *buf, size_t len)
{
    const char *c = data_cause(a, b, buf, len);
    return c ? c : "the computation failed numerically (degenerate data?)";
}

/* A core failure on finite data: says why when the magnitudes explain it. */
static int analysis_error(lua_State *L, const char *fn, const gn_err *e, const gsl_matrix *a,
                          const gsl_matrix *b)
{
    char cause[200];
    if ((e->code != GN_ENUM && e->code != GN_EINVAL) || !data_cause(a, b, cause, sizeof cause))
        return lg_coreerror(L, fn, e);
    return lg_errorf(L, "%s: %s: %s", fn, e->msg, cause);
}

/* Raises naming the first non-finite entry of a result (matrix or vector). */
static void checkout(lua_State *L, const gsl_matrix *m, const char *fn, const char *what,
                     const gsl_matrix *a, const gsl_matrix *b)
{
    if (gn_pca_finite(m)) return;
    char cause[200];
    lg_checkresult(L, m->data, m->size1, m->size2, m->tda, fn, what, result_cause(a, b, cause, sizeof cause));
}

static void checkoutv(lua_State *L, const gsl_vector *v, const char *fn, const char *what,
                      const gsl_matrix *a, const gsl_matrix *b)
{
    for (size_t i = 0; i < v->size; i++)
        if (!isfinite(gsl_vector_get(v, i))) {
            char cause[200];
            lg_checkresult(L, v->data, v->size, 1, v->stride, fn, what, result_cause(a, b, cause, sizeof cause));
        }
}

static void checkoutd(lua_State *L, double x, const char *fn, const char *what, const gsl_matrix *a,
                      const gsl_matrix *b)
{
    if (isfinite(x)) return;
    char cause[200];
    lg_checkresult(L, &x, 1, 1, 1, fn, what, result_cause(a, b, cause, sizeof cause));
}

static void pushvector(lua_State *L, const gsl_vector *v)
{
    gsl_matrix *m = lg_newmatrix(L, v->size, 1);
    for (size_t i = 0; i < v->size; i++) gsl_matrix_set(m, i, 0, gsl_vector_get(v, i));
}

static void free_pca(void *s) { gn_pca_free(*(gn_pca **)s); }

/* Fits a PCA of X (owned by a box on the stack, so any error frees it) and
 * checks that every part of the result is finite. */
static gn_pca **fitpca(lua_State *L, const gsl_matrix *X, const char *fn)
{
    gn_err e = {0};
    checkfinite(L, X, fn, "data");
    gn_pca **box = lg_newbox(L, sizeof *box, free_pca);
    gn_pca *p = *box = gn_pca_alloc(X->size1, X->size2, &e);
    if (!p) lg_coreerror(L, fn, &e);
    gn_cancel cc = lg_cancel();
    p->ws->cancel = &cc;   /* a large SVD runs in a child that Ctrl-C kills */
    int st = gn_pca_fit(p, X, &e);
    p->ws->cancel = NULL;
    if (st == GN_EINTR) lg_interrupted(L);
    if (st) analysis_error(L, fn, &e, X, NULL);
    checkoutv(L, p->mean, fn, "mean", X, NULL);
    checkoutv(L, p->var, fn, "var", X, NULL);
    checkoutv(L, p->explained, fn, "explained", X, NULL);
    checkout(L, p->components, fn, "components", X, NULL);
    checkout(L, p->scores, fn, "scores", X, NULL);
    return box;
}

/* Frees a fit at once (the box would only at the next collection). */
static void donepca(gn_pca **box)
{
    gn_pca_free(*box);
    *box = NULL;
}

static void free_vec(void *s) { if (*(gsl_vector **)s) gsl_vector_free(*(gsl_vector **)s); }

/* The PCA variances of X from its covariance's eigenvalues (gram.h), for
 * npcs and participation, which need nothing else: no copy of the data, no
 * scores.  Boxed on the stack like fitpca's result; NULL when T <= n
 * (gn_pca_fit handles the wide case). */
static gsl_vector **spectrum(lua_State *L, const gsl_matrix *X, const char *fn)
{
    if (X->size1 <= X->size2) return NULL;
    checkfinite(L, X, fn, "data");
    gsl_vector **box = lg_newbox(L, sizeof *box, free_vec);
    gsl_vector *var = *box = gsl_vector_alloc(X->size2);
    if (!var) lg_errorf(L, "%s: out of memory", fn);
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    int st = gn_cov_eigen(X, var, NULL, &cc, &e);
    if (st == GN_EINTR) lg_interrupted(L);
    if (st) analysis_error(L, fn, &e, X, NULL);
    checkoutv(L, var, fn, "var", X, NULL);
    return box;
}

static void donevec(gsl_vector **box)
{
    gsl_vector_free(*box);
    *box = NULL;
}

/* A PCA with axes and variances only (gn_pca_axes: the covariance's
 * eigen-decomposition, no SVD of the data), boxed like fitpca's. */
static gn_pca **axespca(lua_State *L, const gsl_matrix *X, const char *fn)
{
    gn_err e = {0};
    checkfinite(L, X, fn, "data");
    gn_pca **box = lg_newbox(L, sizeof *box, free_pca);
    gn_cancel cc = lg_cancel();
    gn_pca *p = *box = gn_pca_axes(X, &cc, &e);
    if (!p && e.code == GN_EINTR) lg_interrupted(L);
    if (!p) analysis_error(L, fn, &e, X, NULL);
    checkoutv(L, p->var, fn, "var", X, NULL);
    checkoutv(L, p->explained, fn, "explained", X, NULL);
    checkout(L, p->components, fn, "components", X, NULL);
    return box;
}

/* pca(X) -> {components=n×k, explained=k×1, var=k×1, scores=T×k, mean=n×1} */
static int l_pca(lua_State *L)
{
    gsl_matrix *X = checkdata(L, 1, "pca", "r");
    gn_pca **box = fitpca(L, X, "pca"), *p = *box;
    lua_createtable(L, 0, 5);
    lg_pushcopy(L, p->components); lua_setfield(L, -2, "components");
    pushvector(L, p->explained); lua_setfield(L, -2, "explained");
    pushvector(L, p->var); lua_setfield(L, -2, "var");
    lg_pushcopy(L, p->scores); lua_setfield(L, -2, "scores");
    pushvector(L, p->mean); lua_setfield(L, -2, "mean");
    donepca(box);
    return 1;
}

static double checkfrac(lua_State *L, int idx, const char *fn)
{
    double f = luaL_optnumber(L, idx, 0.9);
    if (!(f > 0 && f <= 1)) lg_errorf(L, "%s: frac must be in (0, 1], got %g", fn, f);
    return f;
}

/* npcs(X [, frac=0.9]) */
static int l_npcs(lua_State *L)
{
    double f = checkfrac(L, 2, "npcs");
    gsl_matrix *X = checkdata(L, 1, "npcs", "r");
    gsl_vector **var = spectrum(L, X, "npcs");
    if (var) {
        lua_pushinteger(L, (lua_Integer)gn_spectrum_npcs(*var, f));
        donevec(var);
        return 1;
    }
    gn_pca **box = fitpca(L, X, "npcs"), *p = *box;
    lua_pushinteger(L, (lua_Integer)gn_pca_npcs(p, f));
    donepca(box);
    return 1;
}

/* participation(X) */
static int l_participation(lua_State *L)
{
    gsl_matrix *X = checkdata(L, 1, "participation", "r");
    gsl_vector **var = spectrum(L, X, "participation");
    if (var) {
        double pr = gn_spectrum_participation(*var);
        donevec(var);
        checkoutd(L, pr, "participation", "the participation ratio", X, NULL);
        lua_pushnumber(L, pr);
        return 1;
    }
    gn_pca **box = fitpca(L, X, "participation"), *p = *box;
    lua_pushnumber(L, gn_pca_participation(p));
    donepca(box);
    return 1;
}

/* similarity(X [, "pca"|"corr" [, k]]) -> n×n */
static int l_similarity(lua_State *L)
{
    const char *method = luaL_optstring(L, 2, "pca");
    if (strcmp(method, "pca") && strcmp(method, "corr"))
        lg_errorf(L, "similarity: method must be \"pca\" or \"corr\", got \"%s\"", method);
    lua_Integer k = 0;
    if (!lua_isnoneornil(L, 3)) {
        k = lg_checkinteger(L, 3, "similarity", "k");
        if (strcmp(method, "pca")) lg_errorf(L, "similarity: k applies only to the \"pca\" method");
        if (k < 1) lg_errorf(L, "similarity: k must be >= 1, got %lld", (long long)k);
    }
    gsl_matrix *X = checkdata(L, 1, "similarity", "r");
    checkfinite(L, X, "similarity", "data");
    if (X->size1 < 2) lg_errorf(L, "similarity: need at least 2 time points, got %zu", X->size1);
    gsl_matrix *S = lg_newmatrix(L, X->size2, X->size2);
    gn_err e = {0};
    if (!strcmp(method, "corr")) {
        gn_cancel cc = lg_cancel();   /* a large Gram pass polls between blocks of rows */
        if (gn_similarity_corr(X, S, &cc, &e)) analysis_error(L, "similarity", &e, X, NULL);
        checkout(L, S, "similarity", "the similarity", X, NULL);
        return 1;
    }
    /* axes and variances suffice when T > n: no SVD of the data */
    gn_pca **box = X->size1 > X->size2 ? axespca(L, X, "similarity") : fitpca(L, X, "similarity"), *p = *box;
    if (k == 0) {
        k = (lua_Integer)gn_pca_npcs(p, 0.9);
        if (k < 1) k = 1;
    }
    if ((size_t)k > p->k) {
        size_t kk = p->k;
        donepca(box);
        lg_errorf(L, "similarity: k must be at most %zu (the number of components), got %lld", kk, (long long)k);
    }
    gn_cancel cc = lg_cancel();   /* a large product runs in a child that Ctrl-C kills */
    int st = gn_similarity_pca(p, (size_t)k, S, &cc, &e);
    donepca(box);
    lua_pop(L, 1);   /* the box: S is the result */
    if (st) analysis_error(L, "similarity", &e, X, NULL);
    checkout(L, S, "similarity", "the similarity", X, NULL);
    return 1;
}

/* cca(a, b) -> {rho=m×1, mean=, count=} */
static int l_cca(lua_State *L)
{
    gsl_matrix *A = checkdata(L, 1, "cca", "r");
    gsl_matrix *B = checkdata(L, 2, "cca", "r");
    size_t m = A->size2 < B->size2 ? A->size2 : B->size2;
    gsl_matrix *rho = lg_newmatrix(L, m, 1);
    gsl_vector_view rv = gsl_matrix_column(rho, 0);
    size_t count = 0;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();   /* a large CCA runs in a child that Ctrl-C kills */
    if (gn_cca(A, B, &rv.vector, &count, &cc, &e)) {
        /* gn_cca refuses NaN and Inf itself (one pass over each trace, not
         * two); a refusal is named by argument here */
        if (e.code == GN_EINVAL) {
            checkfinite(L, A, "cca", "argument #1");
            checkfinite(L, B, "cca", "argument #2");
        }
        analysis_error(L, "cca", &e, A, B);
    }
    checkout(L, rho, "cca", "rho", A, B);
    double mean = 0;
    for (size_t c = 0; c < count; c++) mean += gsl_matrix_get(rho, c, 0);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, -2); lua_setfield(L, -2, "rho");
    lua_pushnumber(L, count ? mean / (double)count : 0.0); lua_setfield(L, -2, "mean");
    lua_pushinteger(L, (lua_Integer)count); lua_setfield(L, -2, "count");
    return 1;
}

/* procrustes(a, b) -> {disparity=, rotation=, scale=} */
static int l_procrustes(lua_State *L)
{
    gsl_matrix *A = checkdata(L, 1, "procrustes", "r");
    gsl_matrix *B = checkdata(L, 2, "procrustes", "r");
    checkfinite(L, A, "procrustes", "argument #1");
    checkfinite(L, B, "procrustes", "argument #2");
    size_t m = A->size2 > B->size2 ? A->size2 : B->size2;
    gsl_matrix *R = lg_newmatrix(L, m, m);
    double disp = 0, scale = 0;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();   /* a large comparison runs in a child that Ctrl-C kills */
    if (gn_procrustes(A, B, R, &disp, &scale, &cc, &e)) analysis_error(L, "procrustes", &e, A, B);
    checkoutd(L, disp, "procrustes", "the disparity", A, B);
    checkoutd(L, scale, "procrustes", "the scale", A, B);
    checkout(L, R, "procrustes", "the rotation", A, B);
    lua_createtable(L, 0, 3);
    lua_pushnumber(L, disp); lua_setfield(L, -2, "disparity");
    lua_pushvalue(L, -2); lua_setfield(L, -2, "rotation");
    lua_pushnumber(L, scale); lua_setfield(L, -2, "scale");
    return 1;
}

/* kinds(...) options. */
typedef struct { size_t restarts, maxiter; } kinds_opts;
static const lg_opt kinds_decl[] = {
    LG_SIZE("restarts", kinds_opts, restarts, 1, 100000, 10, 0, "k-means++ restarts (the best is kept)"),
    LG_SIZE("maxiter", kinds_opts, maxiter, 1, HUGE_VAL, 300, 0, "iterations per restart, at most"),
    LG_OPT_END
};

/* kinds(trace, k [, {restarts=10, maxiter=300}]) -> {centroids=T×k, types={...}, counts={...}, inertia=} */
static int l_kinds(lua_State *L)
{
    lua_Integer k = lg_checkinteger(L, 2, "kinds", "k (number of types)");
    kinds_opts ko;
    lg_opt_defaults(kinds_decl, &ko);
    lg_opt_read(L, lua_isnoneornil(L, 3) ? 0 : 3, "kinds", kinds_decl, &ko);
    gsl_matrix *R = checkdata(L, 1, "kinds", "r");
    size_t n = R->size2;
    if (k < 1 || (size_t)k > n) lg_errorf(L, "kinds: k must be between 1 and the number of neurons %zu, got %lld", n, (long long)k);
    checkfinite(L, R, "kinds", "responses");
    gsl_matrix *C = lg_newmatrix(L, R->size1, (size_t)k);
    size_t *lab = lua_newuserdatauv(L, n * sizeof *lab, 0);   /* freed by the GC */
    double inertia = 0;
    gn_err e = {0};
    gn_cancel cc = lg_cancel();
    if (gn_kinds_fit(R, (size_t)k, ko.restarts, ko.maxiter, lg_rng(L), C, lab, &inertia, &cc, &e))
        analysis_error(L, "kinds", &e, R, NULL);
    checkout(L, C, "kinds", "centroids", R, NULL);
    checkoutd(L, inertia, "kinds", "the inertia", R, NULL);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, -3); lua_setfield(L, -2, "centroids");
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) { lua_pushinteger(L, (lua_Integer)lab[i] + 1); lua_rawseti(L, -2, (lua_Integer)i + 1); }
    lua_setfield(L, -2, "types");
    lua_createtable(L, (int)k, 0);
    for (lua_Integer c = 0; c < k; c++) {
        lua_Integer cnt = 0;
        for (size_t i = 0; i < n; i++) cnt += lab[i] == (size_t)c;
        lua_pushinteger(L, cnt); lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "counts");
    lua_pushnumber(L, inertia); lua_setfield(L, -2, "inertia");
    return 1;
}

/* ---- fixed points ---------------------------------------------------------------- */

/* fixedpoints(net, {...}) options. */
typedef struct {
    double noise, spread, tol, qtol;
    size_t maxiter, keep, starts;
} fp_opts;

#define FO fp_opts
static const lg_opt fp_decl[] = {
    LG_VALUE("starts", 0, "number of starts (default 64) or a starts x n matrix of them"),
    LG_VALUE("trace", 0, "trace whose states seed the starts (default: around x0)"),
    LG_NUM("noise", FO, noise, 0, HUGE_VAL, 0.05, 0, "noise added to states drawn from the trace"),
    LG_NUM("spread", FO, spread, 0, HUGE_VAL, 1.0, 0, "spread of starts around x0 (no trace)"),
    LG_VALUE("input", 0, "constant input u* (inputs values; default 0)"),
    LG_NUM("tol", FO, tol, 0, HUGE_VAL, 1e-3, LG_OPT_GT, "distance under which two points are one"),
    LG_NUM("qtol", FO, qtol, 0, HUGE_VAL, 1e-10, LG_OPT_GT, "q = |F(x)|^2/2 below which a point is fixed"),
    LG_SIZE("maxiter", FO, maxiter, 1, HUGE_VAL, 2000, 0, "minimiser iterations per start"),
    LG_SIZE("keep", FO, keep, 1, 100000, 256, 0, "distinct points kept, at most"),
    LG_OPT_END
};
#undef FO

static void free_fpset(void *s) { gn_fpset_free(*(gn_fpset **)s); }

/* input= as a vector view of the net's input size, or NULL. */
static gsl_vector *fp_input(lua_State *L, int o, const gn_rnn *net, gsl_vector_view *uv)
{
    gsl_matrix *um = o ? lg_optmatrixfield(L, o, "input") : NULL;
    if (!um) return NULL;
    if (!((um->size1 == net->nin && um->size2 == 1) || (um->size1 == 1 && um->size2 == net->nin)))
        lg_errorf(L, "fixedpoints: input must have %zu entries, got %zux%zu", net->nin, um->size1, um->size2);
    checkfinite(L, um, "fixedpoints", "input");
    *uv = um->size2 == 1 ? gsl_matrix_column(um, 0) : gsl_matrix_row(um, 0);
    return &uv->vector;
}

/* The starting points: starts= as a matrix, or a count of states drawn
 * from trace= (plus noise) or around x0 (spread).  Anchored on the stack. */
static gsl_matrix *fp_starts(lua_State *L, int o, const gn_rnn *net, const fp_opts *fo)
{
    size_t n = net->n, nstarts = 64;
    int sty = o ? lua_getfield(L, o, "starts") : LUA_TNIL;
    if (o) lua_pop(L, 1);
    if (sty != LUA_TNIL && sty != LUA_TNUMBER) {
        gsl_matrix *S = lg_optmatrixfield(L, o, "starts");
        if (S->size2 != n) lg_errorf(L, "fixedpoints: starts must have %zu columns (one per unit), got %zu", n, S->size2);
        checkfinite(L, S, "fixedpoints", "starts");
        return S;
    }
    if (sty == LUA_TNUMBER) {
        lua_getfield(L, o, "starts");
        lua_Integer k = lg_checkinteger(L, -1, "fixedpoints", "starts");
        lua_pop(L, 1);
        if (k < 1 || k > 1000000) lg_errorf(L, "fixedpoints: starts must be in 1..1000000, got %lld", (long long)k);
        nstarts = (size_t)k;
    }
    gsl_matrix *X = NULL;
    if (o && lua_getfield(L, o, "trace") != LUA_TNIL) {
        X = checkdata(L, lua_gettop(L), "fixedpoints", "x");
        if (X->size2 != n) lg_errorf(L, "fixedpoints: trace states must have %zu columns, got %zu", n, X->size2);
        checkfinite(L, X, "fixedpoints", "trace");
    }
    gsl_matrix *S = lg_newmatrix(L, nstarts, n);
    gsl_rng *rng = lg_rng(L);
    double sd = X ? fo->noise : fo->spread;
    for (size_t s = 0; s < nstarts; s++) {
        size_t row = X ? gsl_rng_uniform_int(rng, X->size1) : 0;
        for (size_t i = 0; i < n; i++) {
            double base = X ? gsl_matrix_get(X, row, i) : gsl_matrix_get(net->x0, i, 0);
            gsl_matrix_set(S, s, i, base + (sd > 0 ? gsl_ran_gaussian(rng, sd) : 0));
        }
    }
    return S;
}

/* The search, 8 starts at a time so progress shows and Ctrl-C is honoured. */
static void fp_search(lua_State *L, const gn_rnn *net, const gsl_vector *u, const gsl_matrix *S,
                      const fp_opts *fo, gn_fpset *fs)
{
    gn_fpopts opts = { fo->qtol, fo->tol, fo->maxiter };
    gn_cancel cc = lg_cancel();
    gn_err e = {0};
    size_t total = S->size1, chunk = 8;
    for (size_t s0 = 0; s0 < total; s0 += chunk) {
        size_t len = s0 + chunk <= total ? chunk : total - s0, dropped = 0;
        gsl_matrix_const_view part = gsl_matrix_const_submatrix(S, s0, 0, len, net->n);
        if (gn_fixedpoints_find(net, u, &part.matrix, &opts, fs, &dropped, &cc, &e))
            lg_coreerror(L, "fixedpoints", &e);
        char extra[64];
        snprintf(extra, sizeof extra, "%zu points", fs->count);
        lg_progress(L, "fixedpoints", (double)(s0 + len), (double)total, extra);
    }
}

/* Pushes the points, most-visited first (those are the attractors the
 * dynamics actually use). */
static void fp_push(lua_State *L, const gn_fpset *fs, size_t n)
{
    size_t *ord = lua_newuserdatauv(L, (fs->count ? fs->count : 1) * sizeof *ord, 0);
    for (size_t p = 0; p < fs->count; p++) ord[p] = p;
    for (size_t a = 1; a < fs->count; a++)
        for (size_t b = a; b > 0 && fs->hits[ord[b]] > fs->hits[ord[b - 1]]; b--) {
            size_t t = ord[b]; ord[b] = ord[b - 1]; ord[b - 1] = t;
        }
    lua_createtable(L, (int)fs->count, 0);
    for (size_t k = 0; k < fs->count; k++) {
        size_t p = ord[k];
        lua_createtable(L, 0, 6);
        lg_pushcolumn(L, fs->x + p * n, n, 1);
        lua_setfield(L, -2, "x");
        lua_pushnumber(L, fs->q[p]); lua_setfield(L, -2, "q");
        lua_pushnumber(L, sqrt(2 * fs->q[p])); lua_setfield(L, -2, "speed");
        gsl_matrix *ev = lg_newmatrix(L, n, 2);
        for (size_t i = 0; i < n; i++) {
            gsl_matrix_set(ev, i, 0, fs->eig_re[p * n + i]);
            gsl_matrix_set(ev, i, 1, fs->eig_im[p * n + i]);
        }
        lua_setfield(L, -2, "eig");
        lua_pushboolean(L, fs->stable[p]); lua_setfield(L, -2, "stable");
        lua_pushinteger(L, (lua_Integer)fs->hits[p]); lua_setfield(L, -2, "hits");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

/* fixedpoints(net, {starts=64, trace=, noise=0.05, spread=1, input=, tol=1e-3, qtol=1e-10, maxiter=2000, keep=256})
 * -> list of {x=n×1, q=, speed=, eig=n×2 (re, im), stable=, hits=}, most-visited first. */
static int l_fixedpoints(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 2, "fixedpoints");
    gn_err ve = {0};
    if (gn_rnn_validate(net, &ve)) lg_coreerror(L, "fixedpoints", &ve);
    int o = lua_isnoneornil(L, 2) ? 0 : 2;
    fp_opts fo;
    lg_opt_defaults(fp_decl, &fo);
    lg_opt_read(L, o, "fixedpoints", fp_decl, &fo);
    gsl_vector_view uv;
    gsl_vector *u = fp_input(L, o, net, &uv);
    gsl_matrix *S = fp_starts(L, o, net, &fo);
    gn_fpset **box = lg_newbox(L, sizeof *box, free_fpset);
    gn_err e = {0};
    if (!(*box = gn_fpset_alloc(net->n, fo.keep, &e))) lg_coreerror(L, "fixedpoints", &e);
    fp_search(L, net, u, S, &fo, *box);
    /* The minimiser keeps only points with a finite q, but their Jacobian
     * eigenvalues can still overflow with extreme weights. */
    const gn_fpset *fs = *box;
    char cause[160];
    snprintf(cause, sizeof cause, "the Jacobian overflowed; the weights are too large (scale W down)");
    lg_checkresult(L, fs->x, fs->count, net->n, net->n, "fixedpoints", "x", cause);
    lg_checkresult(L, fs->eig_re, fs->count, net->n, net->n, "fixedpoints", "eig", cause);
    lg_checkresult(L, fs->eig_im, fs->count, net->n, net->n, "fixedpoints", "eig", cause);
    fp_push(L, *box, net->n);
    return 1;
}

/* ---- merge / delete --------------------------------------------------------------- */

static size_t checkunit(lua_State *L, int idx, const gn_rnn *net, const char *fn, const char *what)
{
    int isint;
    lua_Integer i = lua_tointegerx(L, idx, &isint);
    if (!isint) lg_errorf(L, "%s: %s must be an integer unit index (got %s)", fn, what, luaL_typename(L, idx));
    if (i < 1 || (size_t)i > net->n)
        lg_errorf(L, "%s: %s %lld out of range (the net has %zu units)", fn, what, (long long)i, net->n);
    return (size_t)(i - 1);
}

/* net:merge(i, j [, {...}]). */
typedef struct { int method; } merge_opts;
enum { MERGE_MEAN, MERGE_LS, MERGE_EXACT };
static const lg_opt merge_decl[] = {
    LG_CHOICE("method", merge_opts, method, "mean|ls|exact",
              "mean: average the two units' weights (exact: the same); ls: least-squares fit on trace"),
    LG_VALUE("trace", 0, "the net's recorded activity (net:run(...)), needed by method \"ls\""),
    LG_OPT_END
};

/* net:merge(i, j [, {method="mean"|"ls", trace=}]) -> net, and for "ls" the fit a, c */
static int l_merge(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 4, "net:merge");
    size_t i = checkunit(L, 2, net, "merge", "i");
    size_t j = checkunit(L, 3, net, "merge", "j");
    if (i == j) lg_errorf(L, "merge: cannot merge unit %zu with itself", i + 1);
    int o = lua_isnoneornil(L, 4) ? 0 : 4;
    merge_opts mo;
    lg_opt_defaults(merge_decl, &mo);
    lg_opt_read(L, o, "merge", merge_decl, &mo);
    gn_err e = {0};
    gn_rnn *out = NULL;
    int nret = 1;
    double a = 0, c = 0;
    if (mo.method == MERGE_LS) {
        if (!o || lua_getfield(L, o, "trace") == LUA_TNIL)
            lg_errorf(L, "merge: method \"ls\" needs the recorded activity, {trace=net:run(...)}");
        gsl_matrix *R = checkdata(L, lua_gettop(L), "merge", "r");
        if (R->size2 != net->n) lg_errorf(L, "merge: trace rates must have %zu columns, got %zu", net->n, R->size2);
        gsl_vector_view ri = gsl_matrix_column(R, i), rj = gsl_matrix_column(R, j);
        out = gn_rnn_merge_ls(net, i, j, &ri.vector, &rj.vector, &a, &c, &e);
        nret = 3;
    } else {
        out = gn_rnn_merge(net, i, j, &e);
    }
    if (!out) lg_coreerror(L, "merge", &e);
    lg_rnn_replace(L, 1, out, "merge");
    lua_pushvalue(L, 1);
    if (nret == 3) { lua_pushnumber(L, a); lua_pushnumber(L, c); }
    return nret;
}

/* net:delete(i) -> net */
static int l_delete(lua_State *L)
{
    gn_rnn *net = lg_usernn(L, 2, "net:delete");
    size_t i = checkunit(L, 2, net, "delete", "i");
    gn_err e = {0};
    gn_rnn *out = gn_rnn_delete(net, i, &e);
    if (!out) lg_coreerror(L, "delete", &e);
    lg_rnn_replace(L, 1, out, "delete");
    lua_pushvalue(L, 1);
    return 1;
}

int lg_open_analysis(lua_State *L)
{
    static const luaL_Reg globals[] = {
        {"pca", l_pca}, {"npcs", l_npcs}, {"participation", l_participation},
        {"similarity", l_similarity}, {"cca", l_cca}, {"procrustes", l_procrustes},
        {"kinds", l_kinds}, {"fixedpoints", l_fixedpoints}, {NULL, NULL}};
    for (const luaL_Reg *r = globals; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setglobal(L, r->name);
    }
    static const luaL_Reg methods[] = {{"merge", l_merge}, {"delete", l_delete}, {NULL, NULL}};
    lg_rnn_addmethods(L, methods);
    kinds_opts kdef;
    lg_opt_defaults(kinds_decl, &kdef);
    lg_opt_publish(L, "kinds", kinds_decl, &kdef);
    fp_opts fdef;
    lg_opt_defaults(fp_decl, &fdef);
    lg_opt_publish(L, "fixedpoints", fp_decl, &fdef);
    merge_opts mdef;
    lg_opt_defaults(merge_decl, &mdef);
    lg_opt_publish(L, "rnn.merge", merge_decl, &mdef);
    return 0;
}
