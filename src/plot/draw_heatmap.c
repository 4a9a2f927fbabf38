/* draw_heatmap.c — matrices as images (shade ramps or coloured half-blocks) with a colour bar. */
#include "figure_impl.h"
#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char ascii_ramp[] = " .:-=+*#%@";
static const uint32_t shade_ramp[] = {' ', 0x2591, 0x2592, 0x2593, 0x2588};
/* Dark blue through cyan and green to yellow and red, in the 16 ANSI colours. */
static const int color_ramp[] = {4, 12, 6, 14, 2, 10, 3, 11, 1, 9};
#define NCOL 10

/* Mean of the finite entries in rows [r0, r1) × cols [c0, c1); NaN if none. */
static double block_mean(const gn_figure *f, size_t r0, size_t r1, size_t c0, size_t c1)
{
    double s = 0;
    size_t n = 0;
    for (size_t i = r0; i < r1; i++)
        for (size_t j = c0; j < c1; j++) {
            double v = f->m[i * f->cols + j];
            if (isfinite(v)) { s += v; n++; }
            else if (!isnan(v)) { s += v > 0 ? 1e300 : -1e300; n++; }   /* ±Inf saturates */
        }
    return n ? s / (double)n : NAN;
}

/* Level 0..nlev-1 of v in [lo, hi]; -1 for NaN. */
static int level(double v, double lo, double hi, int nlev)
{
    if (isnan(v)) return -1;
    /* Clamped before the conversion: an infinite v (or one far outside a
     * user's min/max) would not fit in an int. */
    double x = floor((v - lo) / (hi - lo) * nlev);
    return !(x > 0) ? 0 : x >= nlev ? nlev - 1 : (int)x;
}

/* Value shown in image pixel (px, py) of a pw×ph image (py from the top):
 * nearest entry when the matrix is smaller, block mean when it is larger. */
static double sample(const gn_figure *f, int px, int py, int pw, int ph)
{
    size_t r0 = (size_t)py * f->rows / (size_t)ph, r1 = (size_t)(py + 1) * f->rows / (size_t)ph;
    size_t c0 = (size_t)px * f->cols / (size_t)pw, c1 = (size_t)(px + 1) * f->cols / (size_t)pw;
    if (r1 <= r0) r1 = r0 + 1;
    if (c1 <= c0) c1 = c0 + 1;
    return block_mean(f, r0, r1, c0, c1);
}

void gn_draw_heatmap(const gn_figure *f, gn_canvas *c, int color)
{
    double lo = INFINITY, hi = -INFINITY;
    gn_range_add(&lo, &hi, f->m, f->rows * f->cols);
    double vlo, vhi;
    /* The colour scale; values beyond fixed limits take the end colours. */
    gn_resolve_range(f->zmin, f->zmax, lo, hi, &vlo, &vhi);
    if (isfinite(f->zmin)) lo = f->zmin;
    if (isfinite(f->zmax)) hi = f->zmax;
    char lmin[32], lmax[32];
    gn_fmt_num(lmin, sizeof lmin, isfinite(lo) ? lo : 0);
    gn_fmt_num(lmax, sizeof lmax, isfinite(hi) ? hi : 0);
    int lw = (int)(strlen(lmin) > strlen(lmax) ? strlen(lmin) : strlen(lmax));

    gn_frame fr;
    memset(&fr, 0, sizeof fr);
    fr.title = f->title;
    fr.xlabel = f->xlabel;
    fr.ylabel = f->ylabel;
    fr.xlo = 0.5; fr.xhi = (double)f->cols + 0.5;
    fr.ylo = 0.5; fr.yhi = (double)f->rows + 0.5;
    fr.xbins = fr.ybins = 1;
    fr.xint = fr.yint = 1;
    fr.yflip = 1;
    fr.right = 3 + lw;
    fr.ascii_sy = 1;
    gn_area a;
    gn_frame_draw(c, &fr, &a);
    if (f->rows == 0 || f->cols == 0) return;

    int half = color && !c->ascii;   /* two image rows per cell */
    int pw = a.w, ph = a.h * (half ? 2 : 1);
    for (int y = 0; y < a.h; y++)
        for (int x = 0; x < pw; x++) {
            gn_cell *cell = gn_canvas_at(c, a.x0 + x, a.y0 + y);
            if (!cell) continue;
            if (half) {
                int top = level(sample(f, x, 2 * y, pw, ph), vlo, vhi, NCOL);
                int bot = level(sample(f, x, 2 * y + 1, pw, ph), vlo, vhi, NCOL);
                if (top < 0 && bot < 0) continue;
                if (top >= 0) {
                    cell->cp = 0x2580;   /* upper half: fg on top, bg below */
                    cell->fg = (int8_t)color_ramp[top];
                    cell->bg = (int8_t)(bot >= 0 ? color_ramp[bot] : -1);
                } else {
                    cell->cp = 0x2584;
                    cell->fg = (int8_t)color_ramp[bot];
                }
            } else {
                double v = sample(f, x, y, pw, ph);
                int nlev = c->ascii ? 10 : 5;
                int l = level(v, vlo, vhi, nlev);
                if (l < 0) continue;
                cell->cp = c->ascii ? (uint32_t)ascii_ramp[l] : shade_ramp[l];
                if (color) {
                    /* ASCII with colour: the ramp character also gets its colour. */
                    cell->fg = (int8_t)color_ramp[level(v, vlo, vhi, NCOL)];
                }
            }
        }

    /* Colour bar: highest level at the top, min and max labelled. */
    int bx = a.x0 + a.w + 1;
    if (bx + 1 >= c->w) return;
    for (int y = 0; y < a.h; y++) {
        double fr01 = a.h > 1 ? 1.0 - (double)y / (a.h - 1) : 1.0;
        double v = vlo + fr01 * (vhi - vlo);
        if (color) {
            int l = level(v, vlo, vhi, NCOL);
            gn_canvas_put(c, bx, a.y0 + y, c->ascii ? '#' : 0x2588, color_ramp[l]);
        } else {
            int nlev = c->ascii ? 10 : 5;
            int l = level(v, vlo, vhi, nlev);
            gn_canvas_put(c, bx, a.y0 + y, c->ascii ? (uint32_t)ascii_ramp[l] : shade_ramp[l], -1);
        }
    }
    gn_canvas_text(c, bx + 2, a.y0, lmax, c->w - bx - 2, -1);
    if (a.h > 1) gn_canvas_text(c, bx + 2, a.y0 + a.h - 1, lmin, c->w - bx - 2, -1);
}
