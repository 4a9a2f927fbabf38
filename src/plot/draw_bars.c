/* draw_bars.c — bar charts: labelled horizontal bars, or columns when there are more bars than lines. */
#include "figure_impl.h"
#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Left partial blocks, 1/8 .. 7/8 of a cell. */
static const uint32_t left_eighths[8] = {0, 0x258F, 0x258E, 0x258D, 0x258C, 0x258B, 0x258A, 0x2589};
/* Lower partial blocks, 1/8 .. 7/8. */
static const uint32_t low_eighths[8] = {0, 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587};

static void value_range(const gn_figure *f, double *lo, double *hi)
{
    double l = INFINITY, h = -INFINITY;
    gn_range_add(&l, &h, f->m, f->rows);
    if (!(l <= h)) { l = 0; h = 1; }
    if (l > 0) l = 0;   /* bars start at zero */
    if (h < 0) h = 0;
    if (l == h) h = 1;
    if (isfinite(f->ymin)) l = f->ymin;
    if (isfinite(f->ymax)) h = f->ymax;
    /* ymin >= ymax (or a ymin so large that ymin + 1 == ymin) still gives a
     * range of positive width. */
    if (!(l < h)) h = l + fmax(1, fabs(l) * 1e-6);
    *lo = l;
    *hi = h;
}

/* Where zero falls on a scale of `len` units from lo to hi, clamped to the
 * scale: with ymin = 1e12 it is off the left edge, and -lo/(hi-lo)*len
 * would not fit in an int. */
static int zero_at(double lo, double hi, int len)
{
    double z = -lo / (hi - lo);
    if (!(z > 0)) z = 0;
    if (z > 1) z = 1;
    return (int)lround(z * len);
}

/* One horizontal bar per line: label, bar from the zero column, value.
 * Resolution is 1/8 cell for positive bars (left partial blocks) and 1/2
 * for negative ones (only a right half block exists). */
static void horizontal(const gn_figure *f, gn_canvas *c, int color, int y0, int nrows)
{
    size_t n = f->rows;
    double lo, hi;
    value_range(f, &lo, &hi);
    int lw = 0, vw = 0;
    char val[32], idx[32];
    for (size_t i = 0; i < n; i++) {
        const char *l = f->labels && f->labels[i] ? f->labels[i] : NULL;
        int w = l ? gn_text_width(l) : snprintf(idx, sizeof idx, "%zu", i + 1);
        if (w > lw) lw = w;
        gn_fmt_num(val, sizeof val, f->m[i]);
        if ((int)strlen(val) > vw) vw = (int)strlen(val);
    }
    if (lw > c->w / 3) lw = c->w / 3;
    int bx = lw + 1, bw = c->w - bx - vw - 1;
    if (bw < 1) { vw = 0; bw = c->w - bx; }
    if (bw < 1) { lw = 0; bx = 0; bw = c->w; }
    /* Bar ends are placed on one scale (in sub-cells), not by adding a
     * rounded length to a rounded zero, so bars never overrun. */
    int sub_p = c->ascii ? 1 : 8, sub_n = c->ascii ? 1 : 2;
    int zc = zero_at(lo, hi, bw);
    for (int r = 0; r < nrows && (size_t)r < n; r++) {
        size_t i = (size_t)r;
        int y = y0 + r;
        const char *l = f->labels && f->labels[i] ? f->labels[i] : NULL;
        if (!l) { snprintf(idx, sizeof idx, "%zu", i + 1); l = idx; }
        int w = gn_text_width(l);
        if (lw > 0) gn_canvas_text(c, (w < lw ? lw - w : 0), y, l, lw, -1);
        double v = f->m[i];
        int fg = color ? (v < 0 ? 1 : 6) : -1;
        double fr = (v - lo) / (hi - lo);
        fr = !(fr >= 0) ? 0 : fr > 1 ? 1 : fr;
        if (v > 0) {
            int e = (int)lround(fr * bw * sub_p) - zc * sub_p;
            int x = bx + zc;
            for (; e >= sub_p; e -= sub_p, x++) gn_canvas_put(c, x, y, c->ascii ? '#' : 0x2588, fg);
            if (e > 0) gn_canvas_put(c, x, y, left_eighths[e], fg);
        } else if (v < 0) {
            int e = zc * sub_n - (int)lround(fr * bw * sub_n);
            int x = bx + zc - 1;
            for (; e >= sub_n; e -= sub_n, x--) gn_canvas_put(c, x, y, c->ascii ? '#' : 0x2588, fg);
            if (e > 0) gn_canvas_put(c, x, y, 0x2590, fg);
        }
        if (vw > 0) {
            gn_fmt_num(val, sizeof val, v);
            gn_canvas_text(c, bx + bw + 1, y, val, vw, -1);
        }
    }
}

/* One column of a vertical bar of value v; z is the zero level in
 * sub-cell units from the bottom of the area. */
static void column(const gn_figure *f, gn_canvas *c, const gn_area *a, const gn_frame *fr,
                   int x, double v, int z, int sub, int color)
{
    (void)f;
    if (isnan(v)) return;
    double P = (double)a->h * sub;
    double pv = (v - fr->ylo) / (fr->yhi - fr->ylo) * P;
    int p = !(pv >= 0) ? 0 : pv > P ? (int)P : (int)lround(pv);
    int fg = color ? (v < 0 ? 1 : 6) : -1;
    for (int r = 0; r < a->h; r++) {   /* r counts cells from the bottom */
        int c0 = r * sub, c1 = c0 + sub;
        uint32_t cp = 0;
        if (p >= z) {
            int fill = (p < c1 ? p : c1) - (z > c0 ? z : c0);
            if (fill >= sub) cp = c->ascii ? '#' : 0x2588;
            else if (fill > 0) cp = low_eighths[fill];
        } else {
            /* Only an upper half block exists, so negative bars round to halves. */
            int fill = (z < c1 ? z : c1) - (p > c0 ? p : c0);
            if (fill >= sub || fill * 4 >= sub * 3) cp = c->ascii ? '#' : 0x2588;
            else if (fill * 4 >= sub) cp = 0x2580;
        }
        if (cp) gn_canvas_put(c, a->x0 + x, a->y0 + a->h - 1 - r, cp, fg);
    }
}

/* Columns on framed axes, for many bars.  When there are more bars than
 * columns, each column shows the bar of largest magnitude it covers. */
static void vertical(const gn_figure *f, gn_canvas *c, int color)
{
    size_t n = f->rows;
    gn_frame fr;
    memset(&fr, 0, sizeof fr);
    fr.title = f->title;
    fr.xlabel = f->xlabel;
    fr.ylabel = f->ylabel;
    fr.xlo = 0.5; fr.xhi = (double)n + 0.5;
    fr.xbins = 1; fr.xint = 1;
    value_range(f, &fr.ylo, &fr.yhi);
    fr.ascii_sy = 1;
    gn_area a;
    gn_frame_draw(c, &fr, &a);
    int sub = c->ascii ? 1 : 8;
    int z = zero_at(fr.ylo, fr.yhi, a.h) * sub;   /* zero on a cell edge */
    size_t w = (size_t)a.w;
    if (n <= w) {
        for (size_t i = 0; i < n; i++) {
            size_t cs = i * w / n, ce = (i + 1) * w / n;
            if (ce - cs >= 3) ce--;   /* a blank column between wide bars */
            for (size_t x = cs; x < ce; x++) column(f, c, &a, &fr, (int)x, f->m[i], z, sub, color);
        }
    } else {
        for (size_t x = 0; x < w; x++) {
            size_t i0 = x * n / w, i1 = (x + 1) * n / w;
            double v = NAN;
            for (size_t i = i0; i < i1; i++)
                if (!isnan(f->m[i]) && (isnan(v) || fabs(f->m[i]) > fabs(v))) v = f->m[i];
            column(f, c, &a, &fr, (int)x, v, z, sub, color);
        }
    }
}

void gn_draw_bars(const gn_figure *f, gn_canvas *c, int color)
{
    int has_title = *f->title != 0, has_header = *f->ylabel != 0, has_xlabel = *f->xlabel != 0;
    int rows = c->h;
    int title = has_title && rows > 1 ? 1 : 0;
    rows -= title;
    int header = has_header && rows > (int)f->rows ? 1 : 0;
    rows -= header;
    int xlabel = has_xlabel && rows > (int)f->rows ? 1 : 0;
    rows -= xlabel;
    if ((size_t)rows < f->rows && f->rows > 1 && c->h >= 4) {
        vertical(f, c, color);
        return;
    }
    if (title) {
        int tw = gn_text_width(f->title);
        gn_canvas_text(c, tw >= c->w ? 0 : (c->w - tw) / 2, 0, f->title, c->w, -1);
    }
    if (header) gn_canvas_text(c, 0, title, f->ylabel, c->w, -1);
    horizontal(f, c, color, title + header, rows);
    if (xlabel) {
        int tw = gn_text_width(f->xlabel);
        int y = title + header + (int)f->rows;
        gn_canvas_text(c, tw >= c->w ? 0 : (c->w - tw) / 2, y, f->xlabel, c->w, -1);
    }
}
