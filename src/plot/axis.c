/* axis.c — ranges, nice ticks, number labels and the framed layout shared by the xy figures. */
#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void gn_range_add(double *lo, double *hi, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        if (!isfinite(x)) continue;
        if (x < *lo) *lo = x;
        if (x > *hi) *hi = x;
    }
}

void gn_range_finish(double *lo, double *hi)
{
    if (!(*lo <= *hi)) { *lo = 0; *hi = 1; return; }
    if (*lo == *hi) {
        double c = *lo, pad = c == 0 ? 1 : fabs(c) / 2;
        *lo = c - pad;
        *hi = c + pad;
    }
}

int gn_ticks(double lo, double hi, int target, int integer, double *ticks, int max, double *step)
{
    *step = 0;
    if (!(hi > lo) || !isfinite(hi - lo) || max < 1) return 0;
    if (target < 1) target = 1;
    double raw = (hi - lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double s = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    if (integer && s < 1) s = 1;
    if (!(s > 0) || (hi - lo) / s > 1000) return 0;
    *step = s;
    double k0 = ceil(lo / s - 1e-9);
    int n = 0;
    for (int k = 0; n < max; k++) {
        double v = (k0 + k) * s;
        if (v > hi + s * 1e-9) break;
        if (fabs(v) < s * 1e-9) v = 0;
        ticks[n++] = v;
    }
    return n;
}

void gn_fmt_tick(char *buf, size_t n, double v, double step)
{
    if (v == 0) { snprintf(buf, n, "0"); return; }
    if (fabs(v) < 1e6 && step >= 1) { snprintf(buf, n, "%.0f", v); return; }
    if (fabs(v) < 1e6 && step >= 1e-4) {
        int d = (int)ceil(-log10(step) - 1e-9);
        snprintf(buf, n, "%.*f", d, v);
        return;
    }
    snprintf(buf, n, "%.3g", v);
}

void gn_fmt_num(char *buf, size_t n, double v)
{
    if (v == 0) v = 0;   /* no "-0" */
    snprintf(buf, n, "%.3g", v);
}

int gn_axis_pix(double v, double lo, double hi, int npix, int bins)
{
    if (isnan(v) || npix < 1) return -1;
    if (!(hi > lo)) return npix / 2;
    double frac = (v - lo) / (hi - lo);
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    long p = bins ? (long)floor(frac * npix) : lround(frac * (npix - 1));
    if (p < 0) p = 0;
    if (p > npix - 1) p = npix - 1;
    return (int)p;
}

#define MAXT 64

/* Ticks and their labels on one axis.  On a log axis (limits are log10 of
 * the data) ticks sit at whole powers of ten when the range spans two or
 * more, else at 1-2-5 steps of the exponent, and are labelled with the data
 * values ("0.01", "1e+03"). */
static int axis_ticks(double lo, double hi, int target, int integer, int islog, double *t,
                      double *step, char lab[][32])
{
    int n;
    if (islog) {
        n = gn_ticks(lo, hi, target, 1, t, MAXT, step);
        if (n < 2) n = gn_ticks(lo, hi, target, 0, t, MAXT, step);
        for (int i = 0; i < n; i++) {
            double v = pow(10, t[i]);
            if (fabs(t[i] - round(t[i])) < 1e-9) snprintf(lab[i], 32, "%g", pow(10, round(t[i])));
            else gn_fmt_num(lab[i], 32, v);
        }
        return n;
    }
    n = gn_ticks(lo, hi, target, integer, t, MAXT, step);
    for (int i = 0; i < n; i++) gn_fmt_tick(lab[i], 32, t[i], *step);
    return n;
}

/* Ticks for the x axis whose labels fit side by side with a gap: fewer
 * ticks are tried until they do. */
static int x_ticks(const gn_frame *f, int pw, double *t, double *step, char lab[][32])
{
    for (int target = pw / 8 > 2 ? pw / 8 : 2; target >= 1; target--) {
        int n = axis_ticks(f->xlo, f->xhi, target, f->xint, f->xlog, t, step, lab);
        int used = 0, ok = 1;
        for (int i = 0; i < n; i++)
            used += (int)strlen(lab[i]) + 2;
        if (used > pw + 2) ok = 0;
        if (ok || target == 1) return n;
    }
    return 0;
}

int gn_frame_draw(gn_canvas *c, const gn_frame *f, gn_area *plot)
{
    const int W = c->w, H = c->h, A = c->ascii;
    int has_title = f->title && *f->title;
    int has_header = (f->ylabel && *f->ylabel) || f->n_legend > 0;
    int has_xlabel = f->xlabel && *f->xlabel;

    /* Vertical budget: keep a minimum of data rows, then add parts in
     * order of importance while they fit. */
    int minplot = H <= 3 ? 1 : H <= 8 ? 2 : 4;
    int narrow = W < 6 + (f->right > 0 ? f->right : 0);   /* no room for a y axis */
    int rows = H, bottom = 0, title = 0, xaxis = 0, xticks = 0, header = 0, xlabel = 0;
    if (f->bottom > 0 && rows - f->bottom >= minplot) { bottom = f->bottom; rows -= bottom; }
    if (has_title && rows - 1 >= minplot) { title = 1; rows--; }
    if (!narrow && rows - 1 >= minplot) { xaxis = 1; rows--; }
    if (xaxis && rows - 1 >= minplot) { xticks = 1; rows--; }
    if (has_header && rows - 1 >= minplot) { header = 1; rows--; }
    if (has_xlabel && xticks && rows - 1 >= minplot) { xlabel = 1; rows--; }
    int ph = rows < 1 ? 1 : rows;
    int y0 = title + header;

    int sy = A ? (f->ascii_sy > 0 ? f->ascii_sy : 3) : 4;

    /* Y ticks and the left margin. */
    double yt[MAXT], ystep;
    char ylab[MAXT][32];
    int ytarget = ph >= 6 ? ph / 3 : 2;
    if (f->yint && f->yhi - f->ylo <= 5 && f->yhi - f->ylo <= ph) ytarget = (int)(f->yhi - f->ylo);   /* label every index */
    int ny = axis_ticks(f->ylo, f->yhi, ytarget, f->yint, f->ylog, yt, &ystep, ylab);
    /* A 1-2-5 step can leave a single tick inside the range (1..9 at step 5):
     * ask for finer steps until two ticks show its span, within the rows. */
    for (int t = ytarget + 1; ny < 2 && t <= ph; t++)
        ny = axis_ticks(f->ylo, f->yhi, t, f->yint, f->ylog, yt, &ystep, ylab);
    if (ph < 2) ny = 0;
    int lw = 0;
    for (int i = 0; i < ny; i++) {
        int l = (int)strlen(ylab[i]);
        if (l > lw) lw = l;
    }
    int right = f->right;
    int left = lw + 1;
    if (W - left - right < (W / 3 > 4 ? W / 3 : 4)) { left = W >= 6 + right ? 1 : 0; ny = 0; }
    if (W - left - right < 1) right = 0;
    if (W - left - right < 1) left = 0;
    int pw = W - left - right;

    gn_area_init(plot, c, left, y0, pw, ph);
    plot->sy = sy;
    if (left == 0) xaxis = xticks = xlabel = 0;

    if (title) {
        int tw = gn_text_width(f->title);
        int x = tw >= W ? 0 : (W - tw) / 2;
        gn_canvas_text(c, x, 0, f->title, W, -1);
    }
    if (header) {
        int x = 0;
        if (f->ylabel && *f->ylabel) x = gn_canvas_text(c, 0, title, f->ylabel, W, -1) + 2;
        int lg = 0;
        for (int i = 0; i < f->n_legend; i++)
            lg += 2 + gn_text_width(f->legend[i]) + (i ? 2 : 0);
        int lx = W - lg;
        if (lx < x) lx = x;
        for (int i = 0; i < f->n_legend && lx < W; i++) {
            if (i) lx += 2;
            gn_canvas_put(c, lx, title, f->legend_mark[i], f->legend_fg ? f->legend_fg[i] : -1);
            lx += 2;
            if (lx < W) lx += gn_canvas_text(c, lx, title, f->legend[i], W - lx, -1);
        }
    }
    if (left >= 1) {
        for (int r = 0; r < ph; r++) gn_canvas_put(c, left - 1, y0 + r, A ? '|' : 0x2502, -1);
        int last = -1;
        for (int i = 0; i < ny; i++) {
            int p = gn_axis_pix(yt[i], f->ylo, f->yhi, ph * sy, f->ybins);
            int r = f->yflip ? y0 + p / sy : y0 + ph - 1 - p / sy;
            if (r == last) continue;
            last = r;
            gn_canvas_put(c, left - 1, r, A ? '+' : 0x2524, -1);
            int l = (int)strlen(ylab[i]);
            gn_canvas_text(c, left - 1 - l, r, ylab[i], l, -1);
        }
    }
    int ax = y0 + ph;
    if (xaxis) {
        gn_canvas_put(c, left - 1, ax, A ? '+' : 0x2514, -1);
        for (int x = 0; x < pw; x++) gn_canvas_put(c, left + x, ax, A ? '-' : 0x2500, -1);
        double xt[MAXT], xstep;
        char xlab[MAXT][32];
        int nx = x_ticks(f, pw, xt, &xstep, xlab);
        int sx = A ? 1 : 2, lastend = -1;
        for (int i = 0; i < nx; i++) {
            int p = gn_axis_pix(xt[i], f->xlo, f->xhi, pw * sx, f->xbins);
            int col = left + p / sx;
            gn_canvas_put(c, col, ax, A ? '+' : 0x252C, -1);
            if (!xticks) continue;
            int l = (int)strlen(xlab[i]);
            int x = col - (l - 1) / 2;
            if (x + l > W) x = W - l;
            if (x < 0) x = 0;
            if (x <= lastend + 1 && lastend >= 0) continue;
            gn_canvas_text(c, x, ax + 1, xlab[i], l, -1);
            lastend = x + l - 1;
        }
    }
    if (xlabel) {
        int tw = gn_text_width(f->xlabel);
        int x = left + (tw >= pw ? 0 : (pw - tw) / 2);
        if (x + tw > W) x = W - tw;
        if (x < 0) x = 0;
        gn_canvas_text(c, x, ax + 2, f->xlabel, W - x, -1);
    }
    return bottom ? H - bottom : -1;
}
