/* figure.c — figure construction (copies of data and options), rendering entry point, accessors. */
#include "figure_impl.h"
#include "axis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gn_figure_opts_init(gn_figure_opts *o)
{
    memset(o, 0, sizeof *o);
    o->xmin = o->xmax = o->ymin = o->ymax = NAN;
    o->zmin = o->zmax = NAN;
    o->ascii = -1;
}

static char *dupstr(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static double *dupd(const double *v, size_t n)
{
    if (!v) return NULL;
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n) memcpy(d, v, n * sizeof *d);
    return d;
}

static gn_figure *fig_new(gn_figure_kind kind, const gn_figure_opts *o)
{
    gn_figure_opts def;
    if (!o) { gn_figure_opts_init(&def); o = &def; }
    gn_figure *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->kind = kind;
    f->title = dupstr(o->title);
    f->xlabel = dupstr(o->xlabel);
    f->ylabel = dupstr(o->ylabel);
    f->xmin = o->xmin; f->xmax = o->xmax;
    f->ymin = o->ymin; f->ymax = o->ymax;
    f->zmin = o->zmin; f->zmax = o->zmax;
    f->height = o->height > 0 ? o->height : 0;
    f->width = o->width > 0 ? o->width : 0;
    f->ascii = o->ascii == 0 || o->ascii == 1 ? o->ascii : -1;
    f->xlog = o->xlog ? 1 : 0;
    f->ylog = o->ylog ? 1 : 0;
    if (!f->title || !f->xlabel || !f->ylabel) { gn_figure_free(f); return NULL; }
    return f;
}

void gn_figure_free(gn_figure *f)
{
    if (!f) return;
    free(f->title); free(f->xlabel); free(f->ylabel);
    for (size_t i = 0; i < f->n_series; i++) {
        free(f->series[i].x); free(f->series[i].y); free(f->series[i].label);
    }
    free(f->series);
    free(f->st); free(f->si); free(f->m);
    if (f->labels)
        for (size_t i = 0; i < f->rows; i++) free(f->labels[i]);
    free(f->labels);
    gn_figure_free(f->below);
    free(f);
}

static int series_add(gn_figure *f, size_t len, const double *ys, const double *xs, const char *label)
{
    if (!ys && len) return -1;
    gn_series *s = realloc(f->series, (f->n_series + 1) * sizeof *s);
    if (!s) return -1;
    f->series = s;
    gn_series *n = &s[f->n_series];
    n->len = len;
    n->y = dupd(ys ? ys : (const double[]){0}, len);
    n->x = xs ? dupd(xs, len) : NULL;
    n->label = label ? dupstr(label) : NULL;
    if (!n->y || (xs && !n->x) || (label && !n->label)) {
        free(n->y); free(n->x); free(n->label);
        return -1;
    }
    f->n_series++;
    return 0;
}

gn_figure *gn_figure_copy(const gn_figure *f)
{
    gn_figure_opts o;
    gn_figure_opts_init(&o);
    o.title = f->title; o.xlabel = f->xlabel; o.ylabel = f->ylabel;
    o.xmin = f->xmin; o.xmax = f->xmax; o.ymin = f->ymin; o.ymax = f->ymax;
    o.zmin = f->zmin; o.zmax = f->zmax;
    o.height = f->height;
    o.width = f->width;
    o.ascii = f->ascii;
    o.xlog = f->xlog; o.ylog = f->ylog;
    gn_figure *c = fig_new(f->kind, &o);
    if (!c) return NULL;
    for (size_t i = 0; i < f->n_series; i++) {
        const gn_series *s = &f->series[i];
        if (series_add(c, s->len, s->y, s->x, s->label)) goto fail;
    }
    c->n_spikes = f->n_spikes; c->n_neurons = f->n_neurons; c->T = f->T;
    if (f->st && !(c->st = dupd(f->st, f->n_spikes))) goto fail;
    if (f->si) {
        c->si = malloc((f->n_spikes ? f->n_spikes : 1) * sizeof *c->si);
        if (!c->si) goto fail;
        if (f->n_spikes) memcpy(c->si, f->si, f->n_spikes * sizeof *c->si);
    }
    c->rows = f->rows; c->cols = f->cols; c->frame = f->frame;
    if (f->m) {
        size_t nm = f->kind == GN_FIG_BARS ? f->rows : f->rows * f->cols;
        if (!(c->m = dupd(f->m, nm))) goto fail;
    }
    if (f->labels) {
        c->labels = calloc(f->rows ? f->rows : 1, sizeof *c->labels);
        if (!c->labels) goto fail;
        for (size_t i = 0; i < f->rows; i++)
            if (f->labels[i] && !(c->labels[i] = dupstr(f->labels[i]))) goto fail;
    }
    if (f->below && !(c->below = gn_figure_copy(f->below))) goto fail;
    return c;
fail:
    gn_figure_free(c);
    return NULL;
}

void gn_figure_stack(gn_figure *top, gn_figure *bottom)
{
    gn_figure_free(top->below);
    top->below = bottom;
}

int gn_figure_line_merge(gn_figure *dst, const gn_figure *src)
{
    if (dst->kind != GN_FIG_LINE || src->kind != GN_FIG_LINE) return -1;
    for (size_t i = 0; i < src->n_series; i++) {
        const gn_series *s = &src->series[i];
        if (series_add(dst, s->len, s->y, s->x, s->label)) return -1;
    }
    return 0;
}

static int set_str(char **dst, const char *src)
{
    if (!src) return 0;
    char *d = dupstr(src);
    if (!d) return -1;
    free(*dst);
    *dst = d;
    return 0;
}

int gn_figure_update_opts(gn_figure *f, const gn_figure_opts *o)
{
    if (set_str(&f->title, o->title) || set_str(&f->xlabel, o->xlabel) || set_str(&f->ylabel, o->ylabel))
        return -1;
    if (!isnan(o->xmin)) f->xmin = o->xmin;
    if (!isnan(o->xmax)) f->xmax = o->xmax;
    if (!isnan(o->ymin)) f->ymin = o->ymin;
    if (!isnan(o->ymax)) f->ymax = o->ymax;
    if (o->height > 0) f->height = o->height;
    if (o->width > 0) f->width = o->width;
    if (o->ascii == 0 || o->ascii == 1) f->ascii = o->ascii;
    if (o->xlog) f->xlog = 1;
    if (o->ylog) f->ylog = 1;
    return 0;
}

int gn_figure_xlog(const gn_figure *f) { return f->xlog; }
int gn_figure_ylog(const gn_figure *f) { return f->ylog; }

gn_figure *gn_figure_line_new(const gn_figure_opts *o)
{
    return fig_new(GN_FIG_LINE, o);
}

int gn_figure_line_add(gn_figure *f, size_t len, const double *ys, const double *xs, const char *label)
{
    return series_add(f, len, ys, xs, label);
}

gn_figure *gn_figure_line(size_t n_series, size_t len, const double *ys, const double *xs,
                          const char *const *labels, const gn_figure_opts *o)
{
    gn_figure *f = fig_new(GN_FIG_LINE, o);
    if (!f) return NULL;
    for (size_t s = 0; s < n_series; s++)
        if (series_add(f, len, ys ? ys + s * len : NULL, xs, labels ? labels[s] : NULL)) {
            gn_figure_free(f);
            return NULL;
        }
    return f;
}

gn_figure *gn_figure_phase(size_t len, const double *xs, const double *ys, const gn_figure_opts *o)
{
    if (len && (!xs || !ys)) return NULL;
    gn_figure *f = fig_new(GN_FIG_PHASE, o);
    if (!f) return NULL;
    if (series_add(f, len, ys, xs ? xs : (const double[]){0}, NULL)) { gn_figure_free(f); return NULL; }
    return f;
}

int gn_figure_phase_add(gn_figure *f, size_t len, const double *xs, const double *ys, const char *label)
{
    if (len && !xs) return -1;
    return series_add(f, len, ys, xs ? xs : (const double[]){0}, label);
}

gn_figure *gn_figure_raster(size_t n_spikes, const double *t, const size_t *idx,
                            size_t n_neurons, double T, const gn_figure_opts *o)
{
    if (n_spikes && (!t || !idx)) return NULL;
    gn_figure *f = fig_new(GN_FIG_RASTER, o);
    if (!f) return NULL;
    f->n_spikes = n_spikes;
    f->st = malloc((n_spikes ? n_spikes : 1) * sizeof *f->st);
    f->si = malloc((n_spikes ? n_spikes : 1) * sizeof *f->si);
    if (!f->st || !f->si) { gn_figure_free(f); return NULL; }
    if (n_spikes) {
        memcpy(f->st, t, n_spikes * sizeof *t);
        memcpy(f->si, idx, n_spikes * sizeof *idx);
    }
    size_t nmax = 0;
    double tmax = 0;
    for (size_t k = 0; k < n_spikes; k++) {
        if (idx[k] + 1 > nmax) nmax = idx[k] + 1;
        if (isfinite(t[k]) && t[k] > tmax) tmax = t[k];
    }
    f->n_neurons = n_neurons ? n_neurons : (nmax ? nmax : 1);
    f->T = T > 0 && isfinite(T) ? T : (tmax > 0 ? tmax : 1);
    return f;
}

static gn_figure *matrix_fig(gn_figure_kind kind, size_t rows, size_t cols, const double *m,
                             const gn_figure_opts *o)
{
    if (rows > 0 && cols > 0 && !m) return NULL;
    gn_figure *f = fig_new(kind, o);
    if (!f) return NULL;
    f->rows = rows;
    f->cols = cols;
    f->m = dupd(m ? m : (const double[]){0}, rows * cols);
    if (!f->m) { gn_figure_free(f); return NULL; }
    return f;
}

gn_figure *gn_figure_heatmap(size_t rows, size_t cols, const double *m, const gn_figure_opts *o)
{
    return matrix_fig(GN_FIG_HEATMAP, rows, cols, m, o);
}

gn_figure *gn_figure_frames(size_t steps, size_t n, const double *a, const gn_figure_opts *o)
{
    return matrix_fig(GN_FIG_FRAMES, steps, n, a, o);
}

gn_figure *gn_figure_bars(size_t n, const double *v, const char *const *labels,
                          const gn_figure_opts *o)
{
    gn_figure *f = matrix_fig(GN_FIG_BARS, n, 1, v, o);
    if (!f || !labels) return f;
    f->labels = calloc(n ? n : 1, sizeof *f->labels);
    if (!f->labels) { gn_figure_free(f); return NULL; }
    for (size_t i = 0; i < n; i++)
        if (labels[i] && !(f->labels[i] = dupstr(labels[i]))) { gn_figure_free(f); return NULL; }
    return f;
}

size_t gn_figure_frame_count(const gn_figure *f)
{
    return f->kind == GN_FIG_FRAMES ? f->rows : 1;
}

void gn_figure_set_frame(gn_figure *f, size_t k)
{
    size_t n = gn_figure_frame_count(f);
    f->frame = k < n ? k : (n ? n - 1 : 0);
}

size_t gn_figure_frame(const gn_figure *f)
{
    return f->frame;
}

gn_figure_kind gn_figure_get_kind(const gn_figure *f)
{
    return f->kind;
}

const char *gn_figure_title(const gn_figure *f)
{
    return f->title;
}

int gn_series_color(size_t k)
{
    static const int pal[] = {6, 3, 5, 2, 1, 4};
    return pal[k % (sizeof pal / sizeof pal[0])];
}

char gn_series_marker(size_t k)
{
    static const char mk[] = "+x#%&@=~";   /* not o or *: they mark phase-plot ends */
    return k == 0 ? '-' : mk[(k - 1) % (sizeof mk - 1)];
}

void gn_resolve_range(double ulo, double uhi, double dlo, double dhi, double *lo, double *hi)
{
    int has_lo = isfinite(ulo), has_hi = isfinite(uhi);
    double l = dlo, h = dhi;
    gn_range_finish(&l, &h);
    if (has_lo) l = ulo;
    if (has_hi) h = uhi;
    if (!(l < h)) {
        /* A user limit crossed the data range: keep the user's side. */
        double span = fabs(has_lo ? l : h);
        span = span > 0 ? span / 2 : 1;
        if (has_lo && !has_hi) h = l + span;
        else if (has_hi && !has_lo) l = h - span;
        else { double c = l; l = c - span; h = c + span; }
    }
    *lo = l;
    *hi = h;
}

static char *gn_figure_render_one(const gn_figure *f, int width, int height, int ascii, int color);

char *gn_figure_render(const gn_figure *f, int width, int height, int ascii, int color)
{
    if (f->below && height >= 10) {
        int h1 = height - height / 2;
        char *a = gn_figure_render_one(f, width, h1, ascii, color);
        char *b = gn_figure_render(f->below, width, height - h1, ascii, color);
        char *s = NULL;
        if (a && b && (s = malloc(strlen(a) + strlen(b) + 1))) {
            strcpy(s, a);
            strcat(s, b);
        }
        free(a);
        free(b);
        return s;
    }
    return gn_figure_render_one(f, width, height, ascii, color);
}

static char *gn_figure_render_one(const gn_figure *f, int width, int height, int ascii, int color)
{
    gn_canvas c;
    if (gn_canvas_init(&c, width, height, ascii ? 1 : 0)) return NULL;
    color = color ? 1 : 0;
    switch (f->kind) {
    case GN_FIG_LINE:    gn_draw_line(f, &c, color); break;
    case GN_FIG_PHASE:   gn_draw_phase(f, &c, color); break;
    case GN_FIG_FRAMES:  gn_draw_frames(f, &c, color); break;
    case GN_FIG_RASTER:  gn_draw_raster(f, &c, color); break;
    case GN_FIG_HEATMAP: gn_draw_heatmap(f, &c, color); break;
    case GN_FIG_BARS:    gn_draw_bars(f, &c, color); break;
    }
    char *s = gn_canvas_string(&c, color);
    gn_canvas_done(&c);
    return s;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int gn_figure_print_width(const gn_figure *f, int host_width)
{
    return f->width > 0 ? f->width : host_width;
}

int gn_figure_print_ascii(const gn_figure *f, int host_ascii)
{
    return f->ascii >= 0 ? f->ascii : host_ascii;
}

int gn_figure_default_height(const gn_figure *f, int width)
{
    if (f->height > 0) return f->height;
    if (f->below) {
        gn_figure top = *f;
        top.below = NULL;
        return gn_figure_default_height(&top, width) + gn_figure_default_height(f->below, width);
    }
    int title = *f->title ? 1 : 0, xlabel = *f->xlabel ? 1 : 0;
    int header = *f->ylabel ? 1 : 0;
    if (f->kind == GN_FIG_LINE || f->kind == GN_FIG_PHASE)
        for (size_t i = 0; i < f->n_series; i++)
            if (f->series[i].label) header = 1;
    int frame = title + header + 2 + xlabel;   /* lines around the data area */
    switch (f->kind) {
    case GN_FIG_RASTER: {
        /* A cell row per neuron while that stays short, else 4 per row. */
        int n = (int)(f->n_neurons < 1000 ? f->n_neurons : 1000);
        int rows = n <= 16 ? n : clampi((n + 3) / 4, 16, 20);
        return clampi(rows + frame, 5, 40);
    }
    case GN_FIG_HEATMAP: {
        int r = (int)(f->rows < 1000 ? f->rows : 1000);
        return clampi((r <= 20 ? r : 20) + frame, 5, 40);
    }
    case GN_FIG_BARS:
        if (f->rows <= 20) return clampi((int)f->rows + title + (*f->ylabel ? 1 : 0) + xlabel, 1, 40);
        return 16;
    case GN_FIG_FRAMES:
        return clampi(width * 3 / 10, 8, 20) + 1;
    default:
        return clampi(width * 3 / 10, 8, 22);
    }
}
