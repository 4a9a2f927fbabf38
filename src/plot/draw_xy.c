/* draw_xy.c — line plots, phase plots and play() frames: series drawn as connected dots. */
#include "figure_impl.h"
#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Draws one series.  Consecutive points that land in the same dot column
 * are merged into one vertical stroke from their min to their max, and
 * columns are joined by straight lines: a series much longer than the
 * width costs O(len) and still shows every extreme (a single spike among
 * 10^6 samples reaches its row).  NaN in x or y breaks the line, and so
 * does a point outside the axis limits. */
static void draw_series(gn_area *a, const gn_series *s, double xlo, double xhi,
                        double ylo, double yhi, size_t upto)
{
    int PW = gn_area_pw(a), PH = gn_area_ph(a);
    int have = 0, cx = 0, cmin = 0, cmax = 0, lx = 0, ly = 0;
    size_t n = s->len < upto ? s->len : upto;
    for (size_t k = 0; k < n; k++) {
        double xv = s->x ? s->x[k] : (double)(k + 1), yv = s->y[k];
        /* Finite points outside fixed limits are clipped (a gap), not
         * piled up on the edge; ±Inf is drawn at the edge. */
        int out = (isfinite(xv) && (xv < xlo || xv > xhi)) || (isfinite(yv) && (yv < ylo || yv > yhi));
        if (isnan(xv) || isnan(yv) || out) {
            if (have) gn_area_vline(a, cx, cmin, cmax);
            have = 0;
            continue;
        }
        int px = gn_axis_pix(xv, xlo, xhi, PW, 0), py = gn_axis_pix(yv, ylo, yhi, PH, 0);
        if (!have) {
            cx = px; cmin = cmax = py; have = 1;
        } else if (px == cx) {
            if (py < cmin) cmin = py;
            if (py > cmax) cmax = py;
        } else {
            gn_area_vline(a, cx, cmin, cmax);
            gn_area_line(a, lx, ly, px, py);
            cx = px; cmin = cmax = py;
        }
        lx = px; ly = py;
    }
    if (have) gn_area_vline(a, cx, cmin, cmax);
}

/* Range of all series on one axis (x = 1..len when a series has no x). */
static void series_range(const gn_figure *f, int xaxis, double *lo, double *hi)
{
    *lo = INFINITY; *hi = -INFINITY;
    for (size_t i = 0; i < f->n_series; i++) {
        const gn_series *s = &f->series[i];
        if (!xaxis) gn_range_add(lo, hi, s->y, s->len);
        else if (s->x) gn_range_add(lo, hi, s->x, s->len);
        else if (s->len) {
            double a = 1, b = (double)s->len;
            gn_range_add(lo, hi, &a, 1);
            gn_range_add(lo, hi, &b, 1);
        }
    }
}

/* Sets up the area for series k: colour when allowed; in ASCII mode every
 * series after the first draws its own marker so lines can be told apart. */
static void series_style(gn_area *a, const gn_canvas *c, size_t k, size_t n_series, int color)
{
    a->fg = color && n_series > 1 ? gn_series_color(k) : -1;
    a->marker = c->ascii && k > 0 ? (uint32_t)gn_series_marker(k) : 0;
    /* Braille without colour: later series are dashed, dotted, dash-dot. */
    a->dash = !c->ascii && !color && k > 0 ? (int)((k - 1) % 3) + 1 : 0;
    a->count = 0;
}

/* Legend glyph of series k, matching series_style. */
static uint32_t legend_glyph(const gn_canvas *c, size_t k, int color)
{
    static const uint32_t dashes[] = {0x254C, 0x2508, 0x2504};   /* ╌ ┈ ┄: dashed, dotted, dash-dot */
    if (c->ascii) return (uint32_t)gn_series_marker(k);
    if (color) return 0x28FF;
    return k == 0 ? 0x2500 : dashes[(k - 1) % 3];
}

#define MAXLEG 16

/* Legend entries for the labelled series from `first` on. */
static int legend(const gn_figure *f, const gn_canvas *c, int color, size_t first,
                  const char *lab[], uint32_t mark[], int fg[])
{
    int n = 0;
    for (size_t i = first; i < f->n_series && n < MAXLEG; i++) {
        if (!f->series[i].label) continue;
        lab[n] = f->series[i].label;
        mark[n] = legend_glyph(c, i, color && f->n_series > 1);
        fg[n] = color && f->n_series > 1 ? gn_series_color(i) : -1;
        n++;
    }
    return n;
}

static void frame_init(gn_frame *fr, const gn_figure *f)
{
    memset(fr, 0, sizeof *fr);
    fr->title = f->title;
    fr->xlabel = f->xlabel;
    fr->ylabel = f->ylabel;
}

static double log10_or_nan(double v) { return v > 0 ? log10(v) : isinf(v) ? v : NAN; }

static void draw_line_lin(const gn_figure *f, gn_canvas *c, int color);

/* A line figure on log axes: drawn as the same figure over log10 of the
 * data (values <= 0 leave gaps), with the axes labelled in data values. */
void gn_draw_line(const gn_figure *f, gn_canvas *c, int color)
{
    if (!f->xlog && !f->ylog) { draw_line_lin(f, c, color); return; }
    gn_figure t = *f;
    gn_series *ss = calloc(f->n_series ? f->n_series : 1, sizeof *ss);
    if (!ss) return;
    int ok = 1;
    for (size_t i = 0; i < f->n_series && ok; i++) {
        const gn_series *s = &f->series[i];
        ss[i] = *s;
        double *buf = malloc((s->len ? s->len : 1) * 2 * sizeof *buf);
        if (!buf) { ok = 0; break; }
        ss[i].y = buf;
        ss[i].x = s->x || f->xlog ? buf + s->len : NULL;
        for (size_t k = 0; k < s->len; k++) {
            ss[i].y[k] = f->ylog ? log10_or_nan(s->y[k]) : s->y[k];
            double xv = s->x ? s->x[k] : (double)(k + 1);
            if (ss[i].x) ss[i].x[k] = f->xlog ? log10_or_nan(xv) : xv;
        }
    }
    if (ok) {
        t.series = ss;
        if (f->xlog) { t.xmin = log10_or_nan(f->xmin); t.xmax = log10_or_nan(f->xmax); }
        if (f->ylog) { t.ymin = log10_or_nan(f->ymin); t.ymax = log10_or_nan(f->ymax); }
        draw_line_lin(&t, c, color);
    }
    for (size_t i = 0; i < f->n_series; i++) free(ss[i].y);
    free(ss);
}

static void draw_line_lin(const gn_figure *f, gn_canvas *c, int color)
{
    gn_frame fr;
    frame_init(&fr, f);
    fr.xlog = f->xlog;
    fr.ylog = f->ylog;
    double lo, hi;
    series_range(f, 1, &lo, &hi);
    gn_resolve_range(f->xmin, f->xmax, lo, hi, &fr.xlo, &fr.xhi);
    series_range(f, 0, &lo, &hi);
    gn_resolve_range(f->ymin, f->ymax, lo, hi, &fr.ylo, &fr.yhi);
    const char *lab[MAXLEG];
    uint32_t mark[MAXLEG];
    int fg[MAXLEG];
    fr.n_legend = legend(f, c, color, 0, lab, mark, fg);
    fr.legend = lab; fr.legend_mark = mark; fr.legend_fg = fg;
    gn_area a;
    gn_frame_draw(c, &fr, &a);
    for (size_t i = 0; i < f->n_series; i++) {
        series_style(&a, c, i, f->n_series, color);
        draw_series(&a, &f->series[i], fr.xlo, fr.xhi, fr.ylo, fr.yhi, (size_t)-1);
    }
}

/* Marks the first and the last finite point of s up to `upto` points. */
static void mark_ends(gn_area *a, const gn_series *s, const gn_frame *fr, size_t upto,
                      uint32_t first_cp, uint32_t last_cp, int color)
{
    size_t n = s->len < upto ? s->len : upto;
    long first = -1, last = -1;
    for (size_t k = 0; k < n; k++)
        if (!isnan(s->x[k]) && !isnan(s->y[k])) { if (first < 0) first = (long)k; last = (long)k; }
    if (first < 0) return;
    int PW = gn_area_pw(a), PH = gn_area_ph(a);
    gn_area_mark(a, gn_axis_pix(s->x[first], fr->xlo, fr->xhi, PW, 0),
                 gn_axis_pix(s->y[first], fr->ylo, fr->yhi, PH, 0), first_cp, color ? 2 : -1);
    gn_area_mark(a, gn_axis_pix(s->x[last], fr->xlo, fr->xhi, PW, 0),
                 gn_axis_pix(s->y[last], fr->ylo, fr->yhi, PH, 0), last_cp, color ? 1 : -1);
}

static void draw_trajectory(const gn_figure *f, gn_canvas *c, int color, gn_frame *fr,
                            size_t upto, int *bottom_row)
{
    double lo, hi;
    series_range(f, 1, &lo, &hi);
    gn_resolve_range(f->xmin, f->xmax, lo, hi, &fr->xlo, &fr->xhi);
    series_range(f, 0, &lo, &hi);
    gn_resolve_range(f->ymin, f->ymax, lo, hi, &fr->ylo, &fr->yhi);
    const char *lab[MAXLEG];
    uint32_t mark[MAXLEG];
    int fg[MAXLEG];
    fr->n_legend = legend(f, c, color, 1, lab, mark, fg);
    fr->legend = lab; fr->legend_mark = mark; fr->legend_fg = fg;
    gn_area a;
    int b = gn_frame_draw(c, fr, &a);
    if (bottom_row) *bottom_row = b;
    for (size_t i = 1; i < f->n_series; i++) {
        series_style(&a, c, i, f->n_series, color);
        draw_series(&a, &f->series[i], fr->xlo, fr->xhi, fr->ylo, fr->yhi, (size_t)-1);
    }
    if (f->n_series) {
        series_style(&a, c, 0, f->n_series, color);
        draw_series(&a, &f->series[0], fr->xlo, fr->xhi, fr->ylo, fr->yhi, upto);
        mark_ends(&a, &f->series[0], fr, upto, 'o', '*', color);
    }
}

void gn_draw_phase(const gn_figure *f, gn_canvas *c, int color)
{
    gn_frame fr;
    frame_init(&fr, f);
    draw_trajectory(f, c, color, &fr, (size_t)-1, NULL);
}

/* The time cursor under a play() frame: "step k/n" and a bar with the
 * position marked. */
static void cursor_line(gn_canvas *c, int row, size_t k, size_t n)
{
    char buf[64];
    snprintf(buf, sizeof buf, "step %zu/%zu ", k + 1, n);
    int x = gn_canvas_text(c, 0, row, buf, c->w, -1);
    int bw = c->w - x;
    if (bw < 3) return;
    int pos = n > 1 ? (int)((double)k / (double)(n - 1) * (bw - 1) + 0.5) : bw - 1;
    for (int i = 0; i < bw; i++) {
        uint32_t cp = i < pos ? (c->ascii ? '=' : 0x2501) : i == pos ? (c->ascii ? '|' : 0x25CF)
                                                                      : (c->ascii ? '-' : 0x2500);
        gn_canvas_put(c, x + i, row, cp, -1);
    }
}

/* A play() frame.  Two units: the trajectory so far in the plane; more: the
 * current row against unit index on a y range fixed over all steps, so a
 * moving bump is seen moving, not rescaled. */
void gn_draw_frames(const gn_figure *f, gn_canvas *c, int color)
{
    size_t steps = f->rows, n = f->cols, k = f->frame < steps ? f->frame : 0;
    gn_frame fr;
    frame_init(&fr, f);
    fr.bottom = 1;
    int row = -1;
    if (steps == 0 || n == 0) {
        gn_area a;
        row = gn_frame_draw(c, &fr, &a);
    } else if (n == 2) {
        gn_figure tmp = *f;
        gn_series s = {steps, NULL, NULL, NULL};
        double *xy = f->m;
        /* The frames keep a row-major steps×2 matrix; the trajectory needs
         * the two columns apart, so split them into a scratch copy. */
        double *cols = malloc(2 * steps * sizeof *cols);
        if (!cols) return;
        for (size_t t = 0; t < steps; t++) { cols[t] = xy[2 * t]; cols[steps + t] = xy[2 * t + 1]; }
        s.x = cols; s.y = cols + steps;
        tmp.series = &s;
        tmp.n_series = 1;
        draw_trajectory(&tmp, c, color, &fr, k + 1, &row);
        free(cols);
    } else {
        double lo = INFINITY, hi = -INFINITY;
        gn_range_add(&lo, &hi, f->m, steps * n);
        gn_resolve_range(f->ymin, f->ymax, lo, hi, &fr.ylo, &fr.yhi);
        gn_resolve_range(f->xmin, f->xmax, 1, (double)n, &fr.xlo, &fr.xhi);
        gn_area a;
        row = gn_frame_draw(c, &fr, &a);
        gn_series s = {n, NULL, f->m + k * n, NULL};
        series_style(&a, c, 0, 1, color);
        draw_series(&a, &s, fr.xlo, fr.xhi, fr.ylo, fr.yhi, (size_t)-1);
    }
    if (row >= 0) cursor_line(c, row, k, steps);
}
