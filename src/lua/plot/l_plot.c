/* l_plot.c — Lua display functions: plot, raster, heatmap, phase, bars, pane, layout, play. */
#include "interrupt.h"
#include "l_util.h"
#include "l_plot.h"
#include "l_opt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "plot/figure.h"

/* Scratch doubles owned by Lua (a userdata left on the stack), so an error
 * raised while filling them leaks nothing. */
static double *scratch(lua_State *L, size_t n)
{
    if (n > ((size_t)1 << 31)) lg_errorf(L, "data too large (%zu values)", n);
    return lua_newuserdatauv(L, (n ? n : 1) * sizeof(double), 0);
}

/* Where a figure goes: a pane, or back to the caller as text
 * ({text=true}, for notebooks, files and tests). */
typedef struct {
    int pane;     /* 0: the current pane */
    int text;     /* 1: return the rendered text instead of showing it */
} dest;

/* The options of every display function, declared below: the figure's own
 * (title, limits...), where it goes, and each function's extras. */
typedef struct {
    gn_figure_opts f;
    dest d;
    int hold;       /* plot: draw onto the last figure */
    size_t n;       /* raster: neurons (0: from the data) */
    double T;       /* raster: time span, ms (0: from the data) */
    int frames;     /* play: frames shown without animation */
} fig_opts;

#define FO fig_opts
#define FIG_COMMON \
    LG_STRING("title", FO, f.title, "title above the figure"), \
    LG_STRING("xlabel", FO, f.xlabel, "x axis label"), \
    LG_STRING("ylabel", FO, f.ylabel, "y axis label"), \
    LG_INTW("pane", FO, d.pane, 0, 64, 0, 0, "a pane number >= 1", "pane to draw in (0: the current one)"), \
    LG_INTW("height", FO, f.height, 0, 1000, 0, 0, "1..1000 lines", "height in lines in batch mode (0: automatic)"), \
    LG_NUM("xmin", FO, f.xmin, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "x axis lower limit (default: from the data)"), \
    LG_NUM("xmax", FO, f.xmax, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "x axis upper limit (default: from the data)"), \
    LG_NUM("ymin", FO, f.ymin, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "y axis lower limit (default: from the data)"), \
    LG_NUM("ymax", FO, f.ymax, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "y axis upper limit (default: from the data)"), \
    LG_BOOL("text", FO, d.text, 0, "return the drawing as text instead of showing it"), \
    LG_INTW("width", FO, f.width, 0, 2000, 0, 0, "1..2000 cells", "width in cells in batch mode and as text (0: the host's)"), \
    { "ascii", LG_OPT_BOOL, LG_OPT_NODEF, 0, 1, -1, NULL, offsetof(FO, f.ascii), \
      "ASCII only, no braille (default: the host's choice)", NULL }

static const lg_opt plot_decl[] = {
    FIG_COMMON,
    LG_VALUE("labels", 0, "legend entries, one string per series"),
    LG_VALUE("x", 0, "x values: one vector for all series, or a list of one per series"),
    LG_BOOL("xlog", FO, f.xlog, 0, "logarithmic x axis"),
    LG_BOOL("ylog", FO, f.ylog, 0, "logarithmic y axis"),
    LG_BOOL("hold", FO, hold, 0, "draw onto the last figure instead of a new one"),
    LG_OPT_END
};
static const lg_opt raster_decl[] = {
    FIG_COMMON,
    LG_SIZEW("n", FO, n, 0, HUGE_VAL, 0, 0, ">= 1", "neurons shown (0: the run's, or the largest index)"),
    LG_NUMW("T", FO, T, 0, HUGE_VAL, 0, 0, "a positive time", "time span, ms (0: the run's, or the last spike)"),
    LG_OPT_END
};
static const lg_opt heatmap_decl[] = {
    FIG_COMMON,
    LG_NUM("min", FO, f.zmin, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "colour scale lower end (default: from the data)"),
    LG_NUM("max", FO, f.zmax, -HUGE_VAL, HUGE_VAL, NAN, LG_OPT_NODEF, "colour scale upper end (default: from the data)"),
    LG_OPT_END
};
static const lg_opt phase_decl[] = {
    FIG_COMMON,
    LG_VALUE("lines", 0, "extra lines: a list of {x=, y=, label=} or T x 2 matrices"),
    LG_OPT_END
};
static const lg_opt bars_decl[] = {
    FIG_COMMON,
    LG_VALUE("labels", 0, "one label per bar"),
    LG_OPT_END
};
static const lg_opt play_decl[] = {
    FIG_COMMON,
    LG_INTW("frames", FO, frames, 1, 1000, 4, 0, "1..1000", "frames printed when there is no animation"),
    LG_OPT_END
};
#undef FO

/* Reads the options table at t (absolute index, or 0) against decl and
 * checks the limits that involve two values.  Strings stay valid: they
 * live in the options table. */
static void read_opts(lua_State *L, int t, const char *fn, const lg_opt *decl, fig_opts *o)
{
    memset(o, 0, sizeof *o);
    gn_figure_opts_init(&o->f);
    lg_opt_defaults(decl, o);
    lg_opt_read(L, t, fn, decl, o);
    const gn_figure_opts *f = &o->f;
    if (!isnan(f->xmin) && !isnan(f->xmax) && !(f->xmin < f->xmax))
        lg_errorf(L, "%s: xmin (%g) must be less than xmax (%g)", fn, f->xmin, f->xmax);
    if (!isnan(f->ymin) && !isnan(f->ymax) && !(f->ymin < f->ymax))
        lg_errorf(L, "%s: ymin (%g) must be less than ymax (%g)", fn, f->ymin, f->ymax);
}

/* The options argument's index (pos), or 0 when it is absent or nil. */
static int opts_index(lua_State *L, int pos)
{
    return lua_gettop(L) >= pos && !lua_isnil(L, pos) ? pos : 0;
}

/* The last figure shown (a copy the binding owns, in a registry box):
 * what plot{hold=true} draws onto and savefig() writes. */
#define LASTFIG_KEY "ganglion.lastfig"

static gn_figure **lastfig_box(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, LASTFIG_KEY);
    gn_figure **box = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (box) return box;
    box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, "ganglion.figbox");
    lua_setfield(L, LUA_REGISTRYINDEX, LASTFIG_KEY);
    return box;
}

static void remember(lua_State *L, const gn_figure *f)
{
    gn_figure *c = gn_figure_copy(f);
    if (!c) return;   /* out of memory: hold and savefig see the one before */
    gn_figure **box = lastfig_box(L);
    gn_figure_free(*box);
    *box = c;
}

/* Hands f to the host (which takes ownership), or with {text=true}
 * renders it and pushes the text.  Returns the number of results. */
static int show(lua_State *L, gn_figure *f, dest d)
{
    gn_host *h = lg_host(L);
    if (!d.text) remember(L, f);
    if (!d.text && h && h->figure) {
        h->figure(h, f, d.pane);
        return 0;
    }
    int w = gn_figure_print_width(f, h && h->width > 0 ? h->width : 80);
    int ascii = gn_figure_print_ascii(f, h ? h->ascii : 1);
    char *s = gn_figure_render(f, w, gn_figure_default_height(f, w), ascii, 0);
    gn_figure_free(f);
    if (!s) return lg_errorf(L, "out of memory rendering a figure");
    if (d.text) lua_pushstring(L, s);
    else lg_write(L, s, strlen(s));
    free(s);
    return d.text ? 1 : 0;
}

static gn_figure *checkfig(lua_State *L, gn_figure *f, const char *fn)
{
    if (!f) lg_errorf(L, "%s: out of memory", fn);
    return f;
}

/* Copies column j of m into out. */
static void column(const gsl_matrix *m, size_t j, double *out)
{
    for (size_t i = 0; i < m->size1; i++) out[i] = m->data[i * m->tda + j];
}

/* A vector argument (n×1, 1×n, or a plain array) as contiguous doubles on
 * the Lua stack; *len gets its length.  Empty vectors are refused. */
static const double *checkvector(lua_State *L, int idx, const char *fn, const char *what, size_t *len)
{
    int t = lua_type(L, idx);
    if (t != LUA_TTABLE && t != LUA_TUSERDATA)
        lg_errorf(L, "%s: %s must be a vector or matrix (got %s)", fn, what, luaL_typename(L, idx));
    if (t == LUA_TTABLE && lua_rawlen(L, idx) == 0) lg_errorf(L, "%s: %s is empty", fn, what);
    gsl_matrix *m = lg_tomatrixas(L, idx, fn, what);
    if (m->size1 != 1 && m->size2 != 1)
        lg_errorf(L, "%s: %s must be a vector (n×1 or 1×n), got %zu×%zu", fn, what, m->size1, m->size2);
    size_t n = m->size1 * m->size2;
    if (n == 0) lg_errorf(L, "%s: %s is empty", fn, what);
    double *v = scratch(L, n);
    if (m->size2 == 1) column(m, 0, v);
    else for (size_t j = 0; j < n; j++) v[j] = m->data[j];
    *len = n;
    return v;
}

static int any_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) return 1;
    return 0;
}

/* Labels from opts.labels: a list of strings, at most `max` of them. */
static size_t read_labels(lua_State *L, int t, const char *fn, const char **out, size_t max)
{
    if (t == 0) return 0;
    int ty = lua_getfield(L, t, "labels");
    if (ty == LUA_TNIL) { lua_pop(L, 1); return 0; }
    if (ty != LUA_TTABLE) lg_errorf(L, "%s: option 'labels' must be a list of strings (got %s)", fn, lua_typename(L, ty));
    int lt = lua_gettop(L);
    size_t n = lua_rawlen(L, lt);
    if (n > max) lg_errorf(L, "%s: %zu labels for %zu %s", fn, n, max, max == 1 ? "item" : "items");
    luaL_checkstack(L, (int)n + 4, "too many labels");
    for (size_t i = 0; i < n; i++) {
        int e = lua_rawgeti(L, lt, (lua_Integer)i + 1);
        if (e != LUA_TSTRING && e != LUA_TNUMBER)
            lg_errorf(L, "%s: labels[%zu] must be a string (got %s)", fn, i + 1, lua_typename(L, e));
        /* Left on the stack: a number converted here has no other owner. */
        out[i] = lua_tostring(L, -1);
    }
    return n;
}

static int figbox_gc(lua_State *L)
{
    gn_figure **box = lua_touserdata(L, 1);
    if (!lg_gc_by_collector(L)) return 0;   /* internal: only the collector frees it */
    if (*box) gn_figure_free(*box);
    *box = NULL;
    return 0;
}

/* Parks a new figure in a GC-owned box so a validation error cannot leak
 * it; release with *box = NULL before handing the figure over. */
static gn_figure **boxfig(lua_State *L, gn_figure *f, const char *fn)
{
    checkfig(L, f, fn);
    gn_figure **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = f;
    luaL_setmetatable(L, "ganglion.figbox");
    return box;
}

/* ---- plot ------------------------------------------------------------------------ */

/* Adds the columns of the matrix at idx (a row vector counts as one series). */
static void add_matrix_series(lua_State *L, gn_figure *f, int idx, const char *fn, const char *what,
                              const double *x, size_t xlen, const char **labels, size_t nlab,
                              size_t *k, int *finite)
{
    gsl_matrix *m = lg_tomatrixas(L, idx, fn, what);
    int row = m->size1 == 1 && m->size2 > 1;
    size_t len = row ? m->size2 : m->size1, ns = row ? 1 : m->size2;
    if (len == 0 || ns == 0) lg_errorf(L, "%s: %s is empty", fn, what);
    if (x && xlen != len)
        lg_errorf(L, "%s: x has %zu values but %s has %zu points", fn, xlen, what, len);
    double *buf = scratch(L, len);
    for (size_t j = 0; j < ns; j++) {
        if (row) memcpy(buf, m->data, len * sizeof *buf);
        else column(m, j, buf);
        if (any_finite(buf, len)) *finite = 1;
        const char *lab = *k < nlab ? labels[*k] : NULL;
        if (gn_figure_line_add(f, len, buf, x, lab)) lg_errorf(L, "%s: out of memory", fn);
        (*k)++;
    }
    lua_pop(L, 1);
}

/* A table whose first element is a table or a userdata is a list of
 * series; a table of numbers (or a matrix) is one vector/matrix. */
static int is_list_of_series(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    int t = lua_rawgeti(L, idx, 1);
    lua_pop(L, 1);
    return t == LUA_TTABLE || t == LUA_TUSERDATA;
}

/* Option x: one vector for every series, or a list with one vector per
 * entry of y (each entry's columns share it).  Pushes what it reads. */
typedef struct {
    const double *v[256];
    size_t len[256];
    size_t n;        /* 0: none; 1 with shared = 1: one for all */
    int shared;
} xopt;

static void read_x(lua_State *L, int ot, xopt *x)
{
    x->n = 0;
    x->shared = 1;
    if (!ot || lua_getfield(L, ot, "x") == LUA_TNIL) {
        if (ot) lua_pop(L, 1);
        return;
    }
    int xi = lua_gettop(L);
    if (is_list_of_series(L, xi)) {
        size_t n = lua_rawlen(L, xi);
        if (n > 256) lg_errorf(L, "plot: option 'x' has %zu vectors (at most 256)", n);
        x->shared = 0;
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, xi, (lua_Integer)i + 1);
            char what[48];
            snprintf(what, sizeof what, "option 'x[%zu]'", i + 1);
            x->v[i] = checkvector(L, lua_gettop(L), "plot", what, &x->len[i]);
            lua_remove(L, -2);   /* keep the scratch copy, drop the element */
        }
        x->n = n;
    } else {
        x->v[0] = checkvector(L, xi, "plot", "option 'x'", &x->len[0]);
        x->n = 1;
    }
}

static int l_plot(lua_State *L)
{
    int ot = opts_index(L, 2);
    fig_opts fo;
    read_opts(L, ot, "plot", plot_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    int hold = fo.hold;
    if (o.xlog && ((!isnan(o.xmin) && o.xmin <= 0) || (!isnan(o.xmax) && o.xmax <= 0)))
        lg_errorf(L, "plot: xmin and xmax must be > 0 on a log axis (xlog=true)");
    if (o.ylog && ((!isnan(o.ymin) && o.ymin <= 0) || (!isnan(o.ymax) && o.ymax <= 0)))
        lg_errorf(L, "plot: ymin and ymax must be > 0 on a log axis (ylog=true)");
    int ty = lua_type(L, 1);
    if (ty != LUA_TTABLE && ty != LUA_TUSERDATA)
        lg_errorf(L, "plot: y must be a vector, a matrix or a list of them (got %s)", luaL_typename(L, 1));
    if (ty == LUA_TTABLE && lua_rawlen(L, 1) == 0) lg_errorf(L, "plot: y is empty");

    xopt *x = lua_newuserdatauv(L, sizeof *x, 0);
    read_x(L, ot, x);

    const char *labels[256];
    size_t nlab = read_labels(L, ot, "plot", labels, 256);

    gn_figure **box = boxfig(L, gn_figure_line_new(&o), "plot");
    gn_figure *f = *box;
    size_t k = 0;
    int finite = 0;
    if (is_list_of_series(L, 1)) {
        size_t n = lua_rawlen(L, 1);
        if (!x->shared && x->n != n)
            lg_errorf(L, "plot: option 'x' has %zu vectors for %zu entries of y", x->n, n);
        for (size_t i = 1; i <= n; i++) {
            int e = lua_rawgeti(L, 1, (lua_Integer)i);
            if (e != LUA_TTABLE && e != LUA_TUSERDATA)
                lg_errorf(L, "plot: y[%zu] must be a vector or matrix (got %s)", i, lua_typename(L, e));
            char what[32];
            snprintf(what, sizeof what, "y[%zu]", i);
            size_t xi = x->shared ? 0 : i - 1;
            add_matrix_series(L, f, lua_gettop(L), "plot", what, x->n ? x->v[xi] : NULL,
                              x->n ? x->len[xi] : 0, labels, nlab, &k, &finite);
            lua_pop(L, 1);
        }
    } else {
        if (!x->shared && x->n != 1)
            lg_errorf(L, "plot: option 'x' is a list of %zu vectors, but y is one vector or matrix "
                      "(give y as a list too, one entry per x)", x->n);
        add_matrix_series(L, f, 1, "plot", "y", x->n ? x->v[0] : NULL, x->n ? x->len[0] : 0,
                          labels, nlab, &k, &finite);
    }
    if (nlab > k) lg_errorf(L, "plot: %zu labels for %zu series", nlab, k);
    if (!finite) lg_errorf(L, "plot: y has no finite values (all NaN or Inf)");
    if (hold) {
        /* Overlay: the last figure (a line plot) with these series added;
         * its title, labels and limits stay unless given again. */
        gn_figure *last = *lastfig_box(L);
        if (last && gn_figure_get_kind(last) == GN_FIG_LINE) {
            gn_figure *g = gn_figure_copy(last);
            if (!g) lg_errorf(L, "plot: out of memory");
            gn_figure **gbox = boxfig(L, g, "plot");
            if (gn_figure_line_merge(g, f)) lg_errorf(L, "plot: out of memory");
            if (gn_figure_update_opts(g, &o)) lg_errorf(L, "plot: out of memory");
            *box = NULL;
            gn_figure_free(f);
            f = g;
            *gbox = NULL;
        }
    }
    *box = NULL;
    return show(L, f, d);
}

/* ---- raster ---------------------------------------------------------------------- */

/* One number field of the table on top of the stack. */
static double spike_field(lua_State *L, const char *key, size_t k)
{
    int t = lua_getfield(L, -1, key);
    if (t != LUA_TNUMBER) lg_errorf(L, "raster: spikes[%zu].%s must be a number (got %s)", k, key, lua_typename(L, t));
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* The compact spike list of large runs (userdata at sp), through its
 * times() and neurons(): times and 0-based neurons in scratch on the stack. */
static size_t compact_spikes(lua_State *L, int sp, double **tp, size_t **idxp)
{
    if (!luaL_testudata(L, sp, "ganglion.spikes"))
        lg_errorf(L, "raster: spikes must be a list of {t=, i=} or a run result (got a %s)", luaL_typename(L, sp));
    lua_len(L, sp);
    size_t count = (size_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    double *t = *tp = scratch(L, count);
    size_t *idx = *idxp = lua_newuserdatauv(L, (count ? count : 1) * sizeof *idx, 0);
    if (!count) return 0;
    lua_getfield(L, sp, "times");
    lua_pushvalue(L, sp);
    lua_call(L, 1, 1);
    gsl_matrix *tm = lg_tomatrixas(L, lua_gettop(L), "raster", "spikes:times()");
    lua_getfield(L, sp, "neurons");
    lua_pushvalue(L, sp);
    lua_call(L, 1, 1);
    gsl_matrix *im = lg_tomatrixas(L, lua_gettop(L), "raster", "spikes:neurons()");
    if (tm->size1 * tm->size2 < count || im->size1 * im->size2 < count)
        lg_errorf(L, "raster: the spike list's times/neurons are shorter than its length");
    for (size_t k = 0; k < count; k++) {
        t[k] = tm->data[k * tm->tda];
        idx[k] = (size_t)(im->data[k * im->tda] - 1);
    }
    return count;
}

static int l_raster(lua_State *L)
{
    int ot = opts_index(L, 2);
    fig_opts fo;
    read_opts(L, ot, "raster", raster_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    lua_Integer n = (lua_Integer)fo.n;
    double T = fo.T;
    if (!o.xlabel) o.xlabel = "t (ms)";
    if (!o.ylabel) o.ylabel = "neuron";

    int ty = lua_type(L, 1);
    if (ty != LUA_TTABLE && ty != LUA_TUSERDATA)
        lg_errorf(L, "raster: spikes must be a list of {t=, i=} or a run result (got %s)", luaL_typename(L, 1));
    int sp = 1;
    if (ty == LUA_TTABLE && lua_getfield(L, 1, "spikes") != LUA_TNIL) {
        /* A run result: n and T default to the run's. */
        sp = lua_gettop(L);
        if (lua_type(L, sp) != LUA_TTABLE && lua_type(L, sp) != LUA_TUSERDATA)
            lg_errorf(L, "raster: result.spikes must be a list of spikes (got %s)", luaL_typename(L, sp));
        if (T == 0 && lua_getfield(L, 1, "T") == LUA_TNUMBER) T = lua_tonumber(L, -1);
        if (n == 0 && lua_getfield(L, 1, "rate") != LUA_TNIL) {
            gsl_matrix *r = lg_tomatrixas(L, lua_gettop(L), "raster", "result.rate");
            n = (lua_Integer)(r->size1 * r->size2);
        }
    } else if (ty == LUA_TTABLE) {
        lua_pop(L, 1);
    }

    size_t count;
    double *t;
    size_t *idx;
    if (lua_type(L, sp) == LUA_TUSERDATA) {
        count = compact_spikes(L, sp, &t, &idx);
    } else {
        count = lua_rawlen(L, sp);
        t = scratch(L, count);
        idx = lua_newuserdatauv(L, (count ? count : 1) * sizeof *idx, 0);
        for (size_t k = 0; k < count; k++) {
            if (lua_rawgeti(L, sp, (lua_Integer)k + 1) != LUA_TTABLE)
                lg_errorf(L, "raster: spikes[%zu] must be a table {t=, i=} (got %s)", k + 1, luaL_typename(L, -1));
            double tv = spike_field(L, "t", k + 1), iv = spike_field(L, "i", k + 1);
            lua_pop(L, 1);
            if (!isfinite(tv)) lg_errorf(L, "raster: spikes[%zu].t is not finite", k + 1);
            if (!(iv >= 1) || iv != floor(iv) || iv > 1e12)
                lg_errorf(L, "raster: spikes[%zu].i must be a neuron number >= 1, got %g", k + 1, iv);
            t[k] = tv;
            idx[k] = (size_t)iv - 1;
        }
    }
    for (size_t k = 0; k < count; k++)
        if (n > 0 && idx[k] >= (size_t)n)
            lg_errorf(L, "raster: spikes[%zu].i = %zu exceeds n = %lld", k + 1, idx[k] + 1, (long long)n);
    gn_figure **box = boxfig(L, gn_figure_raster(count, t, idx, (size_t)n, T, &o), "raster");
    gn_figure *f = *box;
    *box = NULL;
    return show(L, f, d);
}

/* ---- heatmap --------------------------------------------------------------------- */

/* A matrix argument as a row-major contiguous copy. */
static const double *checkmatrix_data(lua_State *L, int idx, const char *fn, const char *what,
                                      size_t *rows, size_t *cols)
{
    int ty = lua_type(L, idx);
    if (ty != LUA_TTABLE && ty != LUA_TUSERDATA)
        lg_errorf(L, "%s: %s must be a matrix (got %s)", fn, what, luaL_typename(L, idx));
    if (ty == LUA_TTABLE && lua_rawlen(L, idx) == 0) lg_errorf(L, "%s: %s is empty", fn, what);
    gsl_matrix *m = lg_tomatrixas(L, idx, fn, what);
    if (m->size1 == 0 || m->size2 == 0) lg_errorf(L, "%s: %s is empty", fn, what);
    double *d = scratch(L, m->size1 * m->size2);
    for (size_t i = 0; i < m->size1; i++)
        memcpy(d + i * m->size2, m->data + i * m->tda, m->size2 * sizeof *d);
    *rows = m->size1;
    *cols = m->size2;
    return d;
}

static int l_heatmap(lua_State *L)
{
    int ot = opts_index(L, 2);
    fig_opts fo;
    read_opts(L, ot, "heatmap", heatmap_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    if (!isnan(o.zmin) && !isnan(o.zmax) && !(o.zmin < o.zmax))
        lg_errorf(L, "heatmap: min (%g) must be less than max (%g)", o.zmin, o.zmax);
    size_t r, c;
    const double *data = checkmatrix_data(L, 1, "heatmap", "m", &r, &c);
    if (!any_finite(data, r * c)) lg_errorf(L, "heatmap: m has no finite values (all NaN or Inf)");
    gn_figure **box = boxfig(L, gn_figure_heatmap(r, c, data, &o), "heatmap");
    gn_figure *f = *box;
    *box = NULL;
    return show(L, f, d);
}

/* ---- phase ----------------------------------------------------------------------- */

/* A T×2 matrix at a (x in column 1, y in column 2) split into two vectors. */
static void xy_matrix(lua_State *L, int a, const char *fn, const char *what,
                      const double **x, const double **y, size_t *len)
{
    size_t r, c;
    const double *d = checkmatrix_data(L, a, fn, what, &r, &c);
    if (c != 2) lg_errorf(L, "%s: %s must be a T×2 matrix (x, y columns), got %zu×%zu", fn, what, r, c);
    double *xs = scratch(L, r), *ys = scratch(L, r);
    for (size_t k = 0; k < r; k++) { xs[k] = d[2 * k]; ys[k] = d[2 * k + 1]; }
    *x = xs;
    *y = ys;
    *len = r;
}

static int l_phase(lua_State *L)
{
    const double *x, *y;
    size_t len;
    /* An options table is the argument after the data; a plain table of
     * numbers is data, one with string keys is options. */
    int second_is_data = lua_type(L, 2) == LUA_TUSERDATA ||
                         (lua_type(L, 2) == LUA_TTABLE && lua_rawlen(L, 2) > 0);
    int ot = opts_index(L, second_is_data ? 3 : 2);
    fig_opts fo;
    read_opts(L, ot, "phase", phase_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    if (second_is_data) {
        size_t nx, ny;
        x = checkvector(L, 1, "phase", "x", &nx);
        y = checkvector(L, 2, "phase", "y", &ny);
        if (nx != ny) lg_errorf(L, "phase: x has %zu values but y has %zu", nx, ny);
        len = nx;
    } else {
        xy_matrix(L, 1, "phase", "the trajectory", &x, &y, &len);
    }
    int fin = 0;
    for (size_t k = 0; k < len; k++)
        if (isfinite(x[k]) && isfinite(y[k])) { fin = 1; break; }
    if (!fin) lg_errorf(L, "phase: the trajectory has no finite points");
    gn_figure **box = boxfig(L, gn_figure_phase(len, x, y, &o), "phase");
    if (ot && lua_getfield(L, ot, "lines") != LUA_TNIL) {
        int lt = lua_gettop(L);
        if (!lua_istable(L, lt))
            lg_errorf(L, "phase: option 'lines' must be a list of {x=, y=, label=} or T×2 matrices (got %s)",
                 luaL_typename(L, lt));
        size_t nl = lua_rawlen(L, lt);
        for (size_t i = 1; i <= nl; i++) {
            int e = lua_rawgeti(L, lt, (lua_Integer)i);
            int li = lua_gettop(L);
            char what[32];
            snprintf(what, sizeof what, "lines[%zu]", i);
            const double *lx, *ly;
            size_t ll;
            const char *label = NULL;
            if (e == LUA_TTABLE && lua_rawlen(L, li) == 0) {
                lua_getfield(L, li, "x");
                lua_getfield(L, li, "y");
                if (lua_isnil(L, -2) || lua_isnil(L, -1))
                    lg_errorf(L, "phase: %s needs x= and y= (or be a T×2 matrix)", what);
                size_t nx, ny;
                char wx[48], wy[48];
                snprintf(wx, sizeof wx, "%s.x", what);
                snprintf(wy, sizeof wy, "%s.y", what);
                lx = checkvector(L, li + 1, "phase", wx, &nx);
                ly = checkvector(L, li + 2, "phase", wy, &ny);
                if (nx != ny) lg_errorf(L, "phase: %s.x has %zu values but %s.y has %zu", what, nx, what, ny);
                ll = nx;
                if (lua_getfield(L, li, "label") != LUA_TNIL) {
                    if (!lua_isstring(L, -1)) lg_errorf(L, "phase: %s.label must be a string", what);
                    label = lua_tostring(L, -1);
                }
            } else {
                xy_matrix(L, li, "phase", what, &lx, &ly, &ll);
            }
            if (gn_figure_phase_add(*box, ll, lx, ly, label)) lg_errorf(L, "phase: out of memory");
            lua_settop(L, li - 1);
        }
    }
    gn_figure *f = *box;
    *box = NULL;
    return show(L, f, d);
}

/* ---- bars ------------------------------------------------------------------------ */

static int l_bars(lua_State *L)
{
    int ot = opts_index(L, 2);
    fig_opts fo;
    read_opts(L, ot, "bars", bars_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    size_t n;
    const double *v = checkvector(L, 1, "bars", "v", &n);
    if (!any_finite(v, n)) lg_errorf(L, "bars: v has no finite values (all NaN or Inf)");
    const char **labels = lua_newuserdatauv(L, n * sizeof *labels, 0);
    size_t nl = read_labels(L, ot, "bars", labels, n);
    for (size_t i = nl; i < n; i++) labels[i] = NULL;
    gn_figure **box = boxfig(L, gn_figure_bars(n, v, nl ? labels : NULL, &o), "bars");
    gn_figure *f = *box;
    *box = NULL;
    return show(L, f, d);
}

/* ---- panes ----------------------------------------------------------------------- */

static int l_pane(lua_State *L)
{
    int isint;
    lua_Integer k = lua_tointegerx(L, 1, &isint);
    if (!isint || k < 1 || k > 64) {
        if (lua_type(L, 1) == LUA_TNUMBER)
            return lg_errorf(L, "pane: k must be a pane number 1..64, got %g", lua_tonumber(L, 1));
        return lg_errorf(L, "pane: k must be a pane number 1..64 (got %s)", luaL_typename(L, 1));
    }
    gn_host *h = lg_host(L);
    if (h && h->pane && h->pane(h, (int)k) != 0)
        return lg_errorf(L, "pane: no pane %lld in this layout", (long long)k);
    return 0;
}

static int l_layout(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return lg_errorf(L, "layout: spec must be a string such as \"1\", \"1x2\", \"2x1\" or \"2x2\" (got %s)",
                    luaL_typename(L, 1));
    const char *spec = lua_tostring(L, 1);
    gn_host *h = lg_host(L);
    if (h && h->layout && h->layout(h, spec) != 0)
        return lg_errorf(L, "layout: unknown layout '%s' (use \"1\", \"1x2\", \"2x1\" or \"2x2\")", spec);
    return 0;
}

/* ---- play ------------------------------------------------------------------------ */

static int l_play(lua_State *L)
{
    int ot = opts_index(L, 2);
    fig_opts fo;
    read_opts(L, ot, "play", play_decl, &fo);
    gn_figure_opts o = fo.f;
    dest d = fo.d;
    int nframes = fo.frames;
    size_t steps, n;
    const double *a = checkmatrix_data(L, 1, "play", "activity", &steps, &n);
    if (!any_finite(a, steps * n)) lg_errorf(L, "play: activity has no finite values (all NaN or Inf)");
    if (!o.xlabel && n != 2) o.xlabel = "unit";
    gn_figure **box = boxfig(L, gn_figure_frames(steps, n, a, &o), "play");
    gn_host *h = lg_host(L);
    if (h && h->play && !d.text) {
        gn_figure *f = *box;
        *box = NULL;
        h->play(h, f, d.pane);   /* the host owns the frames from here */
        /* Ctrl-C during play is a key; it stops the chunk here, at a
         * poll, so a replay (which may not animate) stops at the same one. */
        if (lg_poll()) return lg_interrupted(L);
        return 0;
    }
    /* No animation (batch mode, or {text=true}): a few evenly spaced
     * frames, the first and the last included. */
    size_t k = (size_t)nframes < steps ? (size_t)nframes : steps;
    if (d.text) lua_createtable(L, (int)k, 0);
    for (size_t i = 0; i < k; i++) {
        size_t step = k > 1 ? i * (steps - 1) / (k - 1) : steps - 1;
        gn_figure *f = checkfig(L, gn_figure_frames(steps, n, a, &o), "play");
        gn_figure_set_frame(f, step);
        if (show(L, f, d)) lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    if (lg_poll()) return lg_interrupted(L);
    return d.text ? 1 : 0;
}

/* ---- savefig --------------------------------------------------------------------- */

/* savefig's options; the size's range (50..10000 points) is the exporter's
 * own check, which says so. */
typedef struct { double w, h; } save_opts;
static const lg_opt savefig_decl[] = {
    LG_NUM("width", save_opts, w, -HUGE_VAL, HUGE_VAL, 432, 0, "width in points, 50..10000 (6 inches)"),
    LG_NUM("height", save_opts, h, -HUGE_VAL, HUGE_VAL, 288, 0, "height in points, 50..10000 (4 inches)"),
    LG_OPT_END
};

/* savefig(path [, {width=, height=}]): the last figure shown, drawn by
 * cairo as SVG, PDF or PNG (chosen by the extension), written atomically. */
static int l_savefig(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return lg_errorf(L, "savefig: path must be a string ending in .svg, .pdf or .png (got %s)",
                         luaL_typename(L, 1));
    const char *path = lua_tostring(L, 1);
    save_opts so;
    lg_opt_defaults(savefig_decl, &so);
    lg_opt_read(L, opts_index(L, 2), "savefig", savefig_decl, &so);
    double w = so.w, h = so.h;
    const char *dot = strrchr(path, '.');
    char fmt[8] = "";
    if (dot && strlen(dot) == 4)
        for (int i = 0; i < 3; i++) fmt[i] = (char)(dot[i + 1] | 0x20);   /* lower case */
    if (strcmp(fmt, "svg") && strcmp(fmt, "pdf") && strcmp(fmt, "png"))
        return lg_errorf(L, "savefig: '%s' must end in .svg, .pdf or .png", path);
    gn_figure *f = *lastfig_box(L);
    if (!f) return lg_errorf(L, "savefig: no figure yet (draw one with plot, raster, heatmap, phase or bars)");
    unsigned char *buf = NULL;
    size_t len = 0;
    char err[200];
    if (gn_figure_export(f, fmt, w, h, &buf, &len, err, sizeof err))
        return lg_errorf(L, "savefig: %s", err);
    gn_err e = {0};
    int st = gn_atomic_write(path, buf, len, &e);
    free(buf);
    if (st) return lg_coreerror(L, "savefig", &e);
    lua_pushstring(L, path);
    return 1;
}

/* ---- training's view ------------------------------------------------------------ */

void lg_train_view(lua_State *L, int hist, const char *title, int final)
{
    gn_host *h = lg_host(L);
    /* Batch mode has no live view and prints no figure: its progress lines
     * and the summary line say it all. */
    if (!h || !h->figure_live || !h->figure) return;
    hist = lua_absindex(L, hist);
    lua_getfield(L, hist, "loss");
    lua_getfield(L, hist, "score");
    lua_getfield(L, hist, "time");
    size_t n = lua_rawlen(L, -3);
    double *buf = n ? malloc(3 * n * sizeof *buf) : NULL;
    if (!buf) { lua_pop(L, 3); return; }
    double *loss = buf, *score = buf + n, *t = buf + 2 * n;
    int scored = 0;
    for (size_t i = 0; i < n; i++) {
        double *dst[3] = {loss, score, t};
        for (int j = 0; j < 3; j++) {
            lua_rawgeti(L, -3 + j, (lua_Integer)i + 1);
            int isnum;
            double v = lua_tonumberx(L, -1, &isnum);
            dst[j][i] = isnum ? v : NAN;
            lua_pop(L, 1);
        }
        if (isfinite(score[i])) scored = 1;
    }
    lua_pop(L, 3);
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.title = title;
    o.xlabel = "iteration";
    o.ylog = 1;
    gn_figure *top = gn_figure_line_new(&o);
    if (top && gn_figure_line_add(top, n, loss, NULL, "loss")) { gn_figure_free(top); top = NULL; }
    if (top && scored) {
        gn_figure_opts_init(&o);
        o.xlabel = "seconds";
        o.ymin = 0;
        o.ymax = 1;
        gn_figure *bottom = gn_figure_line_new(&o);
        if (bottom && gn_figure_line_add(bottom, n, score, t, "score") == 0) gn_figure_stack(top, bottom);
        else gn_figure_free(bottom);
    }
    free(buf);
    if (!top) return;
    if (final) {
        remember(L, top);
        h->figure(h, top, 0);
    } else {
        h->figure_live(h, top, 0);
    }
}

int lg_open_plot(lua_State *L)
{
    luaL_newmetatable(L, "ganglion.figbox");
    lua_pushcfunction(L, figbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {
        {"plot", l_plot}, {"raster", l_raster}, {"heatmap", l_heatmap}, {"phase", l_phase},
        {"bars", l_bars}, {"pane", l_pane}, {"layout", l_layout}, {"play", l_play},
        {"savefig", l_savefig}, {NULL, NULL}
    };
    for (const luaL_Reg *r = fns; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setglobal(L, r->name);
    }
    static const struct { const char *name; const lg_opt *decl; } decls[] = {
        {"plot", plot_decl}, {"raster", raster_decl}, {"heatmap", heatmap_decl},
        {"phase", phase_decl}, {"bars", bars_decl}, {"play", play_decl}};
    for (size_t i = 0; i < sizeof decls / sizeof decls[0]; i++) {
        fig_opts def;
        memset(&def, 0, sizeof def);
        lg_opt_defaults(decls[i].decl, &def);
        lg_opt_publish(L, decls[i].name, decls[i].decl, &def);
    }
    save_opts sdef;
    lg_opt_defaults(savefig_decl, &sdef);
    lg_opt_publish(L, "savefig", savefig_decl, &sdef);
    return 0;
}
