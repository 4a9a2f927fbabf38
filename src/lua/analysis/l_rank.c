/* l_rank.c — rank_pairs(S, m [, opts]): the unit pairs that condensation
 * tries to merge, ranked in C (src/core/array/mat_struct.c) instead of sorting
 * n²/2 Lua tables on every step. */
#include "l_matrix.h"
#include "l_opt.h"

#include <stdlib.h>

typedef struct { int absval; } rank_opts;
static const lg_opt rank_decl[] = {
    LG_VALUE("var", 0, "one value per unit: in each pair i is the unit with the larger one"),
    LG_BOOL("abs", rank_opts, absval, 0, "rank by |S| instead of S"),
    LG_OPT_END
};

/* rank_pairs(S, m [, {var=, abs=}]) -> { {i, j, s}, ... }: the m most
 * similar pairs of the upper triangle of S (n×n), best first; |S| with
 * abs=true; in each pair i is the unit with the larger var (if given). */
static int l_rank_pairs(lua_State *L)
{
    const char *fn = "rank_pairs";
    gsl_matrix *S = lgm_arg(L, 1, fn, "S");
    if (S->size1 != S->size2) return lg_errorf(L, "%s: S must be square, got %zux%zu", fn, S->size1, S->size2);
    lua_Integer m = lg_checkinteger(L, 2, fn, "m");
    if (m < 0) return lg_errorf(L, "%s: m must be >= 0, got %lld", fn, (long long)m);
    int t = lua_isnoneornil(L, 3) ? 0 : 3;
    rank_opts ro;
    lg_opt_defaults(rank_decl, &ro);
    lg_opt_read(L, t, fn, rank_decl, &ro);
    size_t n = S->size1;
    int absval = ro.absval;
    double *var = NULL;
    if (t) {
        gsl_matrix *v = lg_optmatrixfield(L, t, "var");
        if (v) {
            if (v->size1 * v->size2 != n || (v->size1 != 1 && v->size2 != 1))
                return lg_errorf(L, "%s: var must be a vector of %zu values, got %zux%zu", fn, n, v->size1, v->size2);
            var = lua_newuserdatauv(L, (n ? n : 1) * sizeof *var, 0);
            for (size_t i = 0; i < n; i++) var[i] = v->size2 == 1 ? v->data[i * v->tda] : v->data[i];
        }
    }
    size_t all = n > 1 ? n * (n - 1) / 2 : 0, want = (size_t)m < all ? (size_t)m : all;
    gn_pair *out = lua_newuserdatauv(L, (want ? want : 1) * sizeof *out, 0);
    size_t k = gn_mat_rank_pairs(out, want, S, var, absval);
    lua_createtable(L, (int)k, 0);
    for (size_t q = 0; q < k; q++) {
        lua_createtable(L, 3, 0);
        lua_pushinteger(L, (lua_Integer)out[q].i + 1);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, (lua_Integer)out[q].j + 1);
        lua_rawseti(L, -2, 2);
        lua_pushnumber(L, out[q].s);
        lua_rawseti(L, -2, 3);
        lua_rawseti(L, -2, (lua_Integer)q + 1);
    }
    return 1;
}

int lg_open_rank(lua_State *L)
{
    lua_pushcfunction(L, l_rank_pairs);
    lua_setglobal(L, "rank_pairs");
    rank_opts def;
    lg_opt_defaults(rank_decl, &def);
    lg_opt_publish(L, "rank_pairs", rank_decl, &def);
    return 0;
}
