/* figure_cairo.c — a figure drawn with cairo as SVG, PDF or PNG, from the
 * same data and options the text renderer draws (savefig). */
#include "figure_impl.h"
#include "axis.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Growing byte buffer that cairo's stream surfaces write into. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int failed;
} membuf;

static cairo_status_t mem_write(void *ud, const unsigned char *data, unsigned int len)
{
    membuf *b = ud;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + len) cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) { b->failed = 1; return CAIRO_STATUS_WRITE_ERROR; }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Series colours (matplotlib's tab10) and dash patterns: series k has
 * colour k and pattern k, so a grey-scale print still tells them apart. */
static const double PAL[][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
};
#define NPAL (sizeof PAL / sizeof PAL[0])

static void set_style(cairo_t *cr, size_t k)
{
    static const double dash1[] = {6, 3}, dash2[] = {1.5, 2.5}, dash3[] = {6, 2, 1.5, 2};
    const double *c = PAL[k % NPAL];
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    switch (k % 4) {
    case 0: cairo_set_dash(cr, NULL, 0, 0); break;
    case 1: cairo_set_dash(cr, dash1, 2, 0); break;
    case 2: cairo_set_dash(cr, dash2, 2, 0); break;
    default: cairo_set_dash(cr, dash3, 4, 0); break;
    }
}

/* The plotting box and the data ranges it shows. */
typedef struct {
    double x0, y0, w, h;          /* box in points, y0 at the top */
    double xlo, xhi, ylo, yhi;    /* data limits (log10 of data on a log axis) */
    int xlog, ylog;
} box;

static double bx(const box *b, double x) { return b->x0 + (x - b->xlo) / (b->xhi - b->xlo) * b->w; }
static double by(const box *b, double y) { return b->y0 + b->h - (y - b->ylo) / (b->yhi - b->ylo) * b->h; }

static double tlog(double v, int on) { return !on ? v : v > 0 ? log10(v) : NAN; }

static void text_at(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

/* Tick labels as the text renderer makes them (log axes: data values). */
static int ticks(double lo, double hi, int target, int islog, double *t, char lab[][32])
{
    double step;
    int n = gn_ticks(lo, hi, target, islog, t, 32, &step);
    if (islog && n < 2) n = gn_ticks(lo, hi, target, 0, t, 32, &step);
    for (int i = 0; i < n; i++) {
        if (islog) gn_fmt_num(lab[i], 32, pow(10, t[i]));
        else gn_fmt_tick(lab[i], 32, t[i], step);
    }
    return n;
}

static void frame(cairo_t *cr, const gn_figure *f, const box *b, int xticks, int yticks)
{
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, b->x0, b->y0, b->w, b->h);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 9);
    double t[32];
    char lab[32][32];
    if (xticks) {
        int n = ticks(b->xlo, b->xhi, 6, b->xlog, t, lab);
        for (int i = 0; i < n; i++) {
            double x = bx(b, t[i]);
            cairo_move_to(cr, x, b->y0 + b->h);
            cairo_line_to(cr, x, b->y0 + b->h + 4);
            cairo_stroke(cr);
            text_at(cr, x, b->y0 + b->h + 7, lab[i], 0.5, 0);
        }
    }
    if (yticks) {
        int n = ticks(b->ylo, b->yhi, 5, b->ylog, t, lab);
        for (int i = 0; i < n; i++) {
            double y = by(b, t[i]);
            cairo_move_to(cr, b->x0 - 4, y);
            cairo_line_to(cr, b->x0, y);
            cairo_stroke(cr);
            text_at(cr, b->x0 - 6, y, lab[i], 1, 0.5);
        }
    }
    cairo_set_font_size(cr, 11);
    if (*f->title) text_at(cr, b->x0 + b->w / 2, b->y0 - 10, f->title, 0.5, 1);
    cairo_set_font_size(cr, 10);
    if (*f->xlabel) text_at(cr, b->x0 + b->w / 2, b->y0 + b->h + 24, f->xlabel, 0.5, 0);
    if (*f->ylabel) {
        cairo_save(cr);
        cairo_translate(cr, b->x0 - 42, b->y0 + b->h / 2);
        cairo_rotate(cr, -M_PI / 2);
        text_at(cr, 0, 0, f->ylabel, 0.5, 0.5);
        cairo_restore(cr);
    }
}

/* Data range of the series on one axis, after the log transform. */
static void range_xy(const gn_figure *f, int xaxis, int islog, size_t first, double *lo, double *hi)
{
    *lo = INFINITY; *hi = -INFINITY;
    for (size_t i = first; i < f->n_series; i++) {
        const gn_series *s = &f->series[i];
        for (size_t k = 0; k < s->len; k++) {
            double v = xaxis ? (s->x ? s->x[k] : (double)(k + 1)) : s->y[k];
            v = tlog(v, islog);
            if (isfinite(v)) { if (v < *lo) *lo = v; if (v > *hi) *hi = v; }
        }
    }
}

static void series_path(cairo_t *cr, const box *b, const gn_series *s)
{
    int pen = 0;
    for (size_t k = 0; k < s->len; k++) {
        double x = tlog(s->x ? s->x[k] : (double)(k + 1), b->xlog), y = tlog(s->y[k], b->ylog);
        if (!isfinite(x) || !isfinite(y)) {
            /* ±Inf sits at the edge, as in the text renderer; NaN is a gap */
            if (isnan(x) || isnan(y)) { pen = 0; continue; }
            if (isinf(x)) x = x > 0 ? b->xhi : b->xlo;
            if (isinf(y)) y = y > 0 ? b->yhi : b->ylo;
        }
        if (pen) cairo_line_to(cr, bx(b, x), by(b, y));
        else cairo_move_to(cr, bx(b, x), by(b, y));
        pen = 1;
    }
}

static void legend(cairo_t *cr, const gn_figure *f, const box *b, size_t first)
{
    int n = 0;
    double wmax = 0;
    cairo_set_font_size(cr, 9);
    for (size_t i = first; i < f->n_series; i++) {
        if (!f->series[i].label) continue;
        cairo_text_extents_t e;
        cairo_text_extents(cr, f->series[i].label, &e);
        if (e.x_advance > wmax) wmax = e.x_advance;
        n++;
    }
    if (!n) return;
    double lw = wmax + 36, lh = 13.0 * n + 6, lx = b->x0 + b->w - lw - 6, ly = b->y0 + 6;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, lx, ly, lw, lh);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    int r = 0;
    for (size_t i = first; i < f->n_series; i++) {
        if (!f->series[i].label) continue;
        double y = ly + 9.5 + 13.0 * r++;
        set_style(cr, i);
        cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, lx + 5, y);
        cairo_line_to(cr, lx + 27, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, lx + 31, y, f->series[i].label, 0, 0.5);
    }
}

static void draw_lines(cairo_t *cr, const gn_figure *f, box *b, size_t first_legend)
{
    double lo, hi;
    range_xy(f, 1, f->xlog, 0, &lo, &hi);
    gn_resolve_range(tlog(f->xmin, f->xlog), tlog(f->xmax, f->xlog), lo, hi, &b->xlo, &b->xhi);
    range_xy(f, 0, f->ylog, 0, &lo, &hi);
    gn_resolve_range(tlog(f->ymin, f->ylog), tlog(f->ymax, f->ylog), lo, hi, &b->ylo, &b->yhi);
    frame(cr, f, b, 1, 1);
    cairo_save(cr);
    cairo_rectangle(cr, b->x0, b->y0, b->w, b->h);
    cairo_clip(cr);
    cairo_set_line_width(cr, 1.4);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < f->n_series; i++) {
        set_style(cr, i);
        series_path(cr, b, &f->series[i]);
        cairo_stroke(cr);
    }
    if (f->kind == GN_FIG_PHASE && f->n_series) {
        /* start 'o', end '*' as on the screen: an open and a filled circle */
        const gn_series *s = &f->series[0];
        long a = -1, z = -1;
        for (size_t k = 0; k < s->len; k++)
            if (isfinite(s->x[k]) && isfinite(s->y[k])) { if (a < 0) a = (long)k; z = (long)k; }
        if (a >= 0) {
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_arc(cr, bx(b, s->x[a]), by(b, s->y[a]), 3, 0, 2 * M_PI);
            cairo_stroke(cr);
            cairo_arc(cr, bx(b, s->x[z]), by(b, s->y[z]), 3, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
    legend(cr, f, b, first_legend);
}

static void draw_raster(cairo_t *cr, const gn_figure *f, box *b)
{
    b->xlo = 0; b->xhi = f->T > 0 ? f->T : 1;
    b->ylo = 0.5; b->yhi = (double)f->n_neurons + 0.5;
    if (isfinite(f->xmin)) b->xlo = f->xmin;
    if (isfinite(f->xmax)) b->xhi = f->xmax;
    frame(cr, f, b, 1, 1);
    cairo_save(cr);
    cairo_rectangle(cr, b->x0, b->y0, b->w, b->h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double tick = b->h / (double)f->n_neurons * 0.8;
    if (tick > 6) tick = 6;
    if (tick < 0.6) tick = 0.6;
    cairo_set_line_width(cr, 0.6);
    for (size_t k = 0; k < f->n_spikes; k++) {
        if (!isfinite(f->st[k])) continue;
        double x = bx(b, f->st[k]), y = by(b, (double)f->si[k] + 1);
        cairo_move_to(cr, x, y - tick / 2);
        cairo_line_to(cr, x, y + tick / 2);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Viridis-like ramp from dark blue through green to yellow. */
static void ramp(double t, double *r, double *g, double *bl)
{
    static const double c[5][3] = {{0.267, 0.005, 0.329}, {0.231, 0.322, 0.545}, {0.129, 0.569, 0.549},
                                   {0.369, 0.788, 0.384}, {0.993, 0.906, 0.144}};
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double u = t * 4;
    int i = (int)u < 4 ? (int)u : 3;
    double a = u - i;
    *r = c[i][0] + a * (c[i + 1][0] - c[i][0]);
    *g = c[i][1] + a * (c[i + 1][1] - c[i][1]);
    *bl = c[i][2] + a * (c[i + 1][2] - c[i][2]);
}

static void draw_heatmap(cairo_t *cr, const gn_figure *f, box *b)
{
    double lo = INFINITY, hi = -INFINITY;
    gn_range_add(&lo, &hi, f->m, f->rows * f->cols);
    gn_resolve_range(f->zmin, f->zmax, lo, hi, &lo, &hi);
    b->w -= 40;
    b->xlo = 0.5; b->xhi = (double)f->cols + 0.5;
    b->ylo = 0.5; b->yhi = (double)f->rows + 0.5;
    double cw = b->w / (double)f->cols, ch = b->h / (double)f->rows;
    for (size_t i = 0; i < f->rows; i++)
        for (size_t j = 0; j < f->cols; j++) {
            double v = f->m[i * f->cols + j], r, g, bl;
            if (isnan(v)) continue;
            ramp((v - lo) / (hi - lo), &r, &g, &bl);
            cairo_set_source_rgb(cr, r, g, bl);
            /* row 1 at the top, as on the screen; cells overlap a hair so
             * no seams show between them */
            cairo_rectangle(cr, b->x0 + j * cw, b->y0 + i * ch, cw + 0.3, ch + 0.3);
            cairo_fill(cr);
        }
    frame(cr, f, b, 0, 0);
    /* colour bar with min and max */
    double cx = b->x0 + b->w + 12;
    for (int k = 0; k < 64; k++) {
        double r, g, bl;
        ramp(k / 63.0, &r, &g, &bl);
        cairo_set_source_rgb(cr, r, g, bl);
        cairo_rectangle(cr, cx, b->y0 + b->h - (k + 1) * b->h / 64, 10, b->h / 64 + 0.3);
        cairo_fill(cr);
    }
    char s[32];
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 8);
    gn_fmt_num(s, sizeof s, hi);
    text_at(cr, cx, b->y0 - 3, s, 0, 1);
    gn_fmt_num(s, sizeof s, lo);
    text_at(cr, cx, b->y0 + b->h + 3, s, 0, 0);
}

static void draw_bars(cairo_t *cr, const gn_figure *f, box *b)
{
    double lo = 0, hi = 0;
    gn_range_add(&lo, &hi, f->m, f->rows);
    if (lo > 0) lo = 0;
    if (hi < 0) hi = 0;
    gn_resolve_range(f->ymin, f->ymax, lo, hi, &b->ylo, &b->yhi);
    b->xlo = 0.5; b->xhi = (double)f->rows + 0.5;
    frame(cr, f, b, 0, 1);
    double bw = b->w / (double)(f->rows ? f->rows : 1);
    cairo_set_font_size(cr, 8);
    for (size_t i = 0; i < f->rows; i++) {
        double v = f->m[i];
        if (!isfinite(v)) continue;
        cairo_set_source_rgb(cr, PAL[0][0], PAL[0][1], PAL[0][2]);
        double y0 = by(b, 0), y1 = by(b, v);
        cairo_rectangle(cr, b->x0 + i * bw + bw * 0.15, y1 < y0 ? y1 : y0, bw * 0.7, fabs(y1 - y0));
        cairo_fill(cr);
        if (f->rows <= 40) {
            char s[32];
            const char *l = f->labels && f->labels[i] ? f->labels[i] : NULL;
            if (!l) { snprintf(s, sizeof s, "%zu", i + 1); l = s; }
            cairo_set_source_rgb(cr, 0, 0, 0);
            text_at(cr, b->x0 + (i + 0.5) * bw, b->y0 + b->h + 5, l, 0.5, 0);
        }
    }
}

/* The play() frame being shown, as a line figure (or a trajectory). */
static void draw_frames(cairo_t *cr, const gn_figure *f, box *b)
{
    size_t steps = f->rows, n = f->cols, k = f->frame < steps ? f->frame : 0;
    gn_figure t = *f;
    gn_series s;
    double *buf = NULL;
    if (n == 2) {
        buf = malloc(2 * (k + 1) * sizeof *buf);
        if (!buf) return;
        for (size_t i = 0; i <= k; i++) { buf[i] = f->m[2 * i]; buf[k + 1 + i] = f->m[2 * i + 1]; }
        s = (gn_series){k + 1, buf, buf + k + 1, NULL};
        t.kind = GN_FIG_PHASE;
    } else {
        s = (gn_series){n, NULL, f->m + k * n, NULL};
        double lo = INFINITY, hi = -INFINITY;
        gn_range_add(&lo, &hi, f->m, steps * n);
        if (isnan(t.ymin)) t.ymin = lo;
        if (isnan(t.ymax)) t.ymax = hi;
        t.kind = GN_FIG_LINE;
    }
    t.series = &s;
    t.n_series = 1;
    t.xlog = t.ylog = 0;
    draw_lines(cr, &t, b, 1);
    char cap[64];
    snprintf(cap, sizeof cap, "step %zu/%zu", k + 1, steps);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 9);
    text_at(cr, b->x0 + b->w, b->y0 - 3, cap, 1, 1);
    free(buf);
}

int gn_figure_export(const gn_figure *f, const char *format, double width, double height,
                     unsigned char **out, size_t *len, char *err, size_t errlen)
{
    membuf mb = {0};
    cairo_surface_t *sf;
    int png = 0;
    if (!(width >= 50 && width <= 10000 && height >= 50 && height <= 10000)) {
        snprintf(err, errlen, "size must be 50..10000 points, got %gx%g", width, height);
        return -1;
    }
    if (strcmp(format, "svg") == 0) sf = cairo_svg_surface_create_for_stream(mem_write, &mb, width, height);
    else if (strcmp(format, "pdf") == 0) sf = cairo_pdf_surface_create_for_stream(mem_write, &mb, width, height);
    else if (strcmp(format, "png") == 0) {
        /* PNG at 2 pixels per point, so it stays sharp in a paper */
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(width * 2), (int)(height * 2));
        png = 1;
    } else {
        snprintf(err, errlen, "unknown format '%s' (svg, pdf or png)", format);
        return -1;
    }
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "cairo: %s", cairo_status_to_string(cairo_surface_status(sf)));
        cairo_surface_destroy(sf);
        free(mb.p);
        return -1;
    }
    cairo_t *cr = cairo_create(sf);
    if (png) cairo_scale(cr, 2, 2);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    box b = {58, 30, width - 58 - 16, height - 30 - 44, 0, 1, 0, 1, f->xlog, f->ylog};
    if (!*f->title) { b.y0 -= 14; b.h += 14; }
    if (b.w < 10) b.w = 10;
    if (b.h < 10) b.h = 10;
    switch (f->kind) {
    case GN_FIG_LINE:    draw_lines(cr, f, &b, 0); break;
    case GN_FIG_PHASE:   draw_lines(cr, f, &b, 1); break;
    case GN_FIG_RASTER:  b.xlog = b.ylog = 0; draw_raster(cr, f, &b); break;
    case GN_FIG_HEATMAP: b.xlog = b.ylog = 0; draw_heatmap(cr, f, &b); break;
    case GN_FIG_BARS:    b.xlog = b.ylog = 0; draw_bars(cr, f, &b); break;
    case GN_FIG_FRAMES:  b.xlog = b.ylog = 0; draw_frames(cr, f, &b); break;
    }
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (png && st == CAIRO_STATUS_SUCCESS) st = cairo_surface_write_to_png_stream(sf, mem_write, &mb);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS || mb.failed) {
        snprintf(err, errlen, "cairo: %s", mb.failed ? "out of memory" : cairo_status_to_string(st));
        free(mb.p);
        return -1;
    }
    *out = mb.p;
    *len = mb.n;
    return 0;
}
