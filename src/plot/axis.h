/* axis.h — ranges, "nice" ticks, number labels and the framed plot layout (internal to src/plot). */
#ifndef GN_PLOT_AXIS_H
#define GN_PLOT_AXIS_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"

/* Widens [*lo, *hi] to hold the finite values of v (NaN and ±Inf skipped).
 * Start with *lo = +INFINITY, *hi = -INFINITY. */
void gn_range_add(double *lo, double *hi, const double *v, size_t n);
/* Makes a drawable range: none found → [0, 1]; constant c → c ± max(|c|/2, 1)
 * ... scaled down for tiny c so the value sits in the middle. */
void gn_range_finish(double *lo, double *hi);

/* Up to max ticks inside [lo, hi] with a 1-2-5 step giving about `target`
 * of them; integer = 1 keeps the step >= 1 (indices).  Returns the count and
 * the step in *step. */
int gn_ticks(double lo, double hi, int target, int integer, double *ticks, int max, double *step);
/* Tick label with as many decimals as the step needs ("0.5", "-2", "1e+06"). */
void gn_fmt_tick(char *buf, size_t n, double v, double step);
/* A value label with 3 significant digits ("0.0123", "1.5e+03"). */
void gn_fmt_num(char *buf, size_t n, double v);

/* Dot index of v among npix dots.  bins = 0: lo and hi are the centres of
 * the first and last dot (line plots); bins = 1: [lo, hi] is split into
 * npix equal bins (rasters, images).  ±Inf clamps to the edge; NaN gives -1. */
int gn_axis_pix(double v, double lo, double hi, int npix, int bins);

/* What a framed plot has around its data area. */
typedef struct {
    const char *title, *xlabel, *ylabel;
    int n_legend;               /* legend entries (0: none) */
    const char *const *legend;  /* their labels */
    const uint32_t *legend_mark;/* the glyph before each label */
    const int *legend_fg;       /* their colours (-1 none), may be NULL */
    double xlo, xhi, ylo, yhi;  /* data limits on the axes */
    int xbins, ybins;           /* mapping mode, see gn_axis_pix */
    int xint, yint;             /* integer ticks (indices) */
    int xlog, ylog;             /* the limits are log10 of the data: ticks at powers of 10 */
    int yflip;                  /* 1: ylo at the top (images) */
    int right;                  /* cells kept free right of the data (colour bar) */
    int bottom;                 /* lines kept free below everything (time cursor) */
    int ascii_sy;               /* dots per cell vertically in ASCII mode (3, or 1 for markers) */
} gn_frame;

/* Lays out title, legend/ylabel line, y ticks, axes, x ticks and xlabel on
 * c, dropping the least important parts when space is short, and returns
 * the data area in *plot (braille or ASCII resolution).  The area is at
 * least 1×1 cell.  Returns the first of the f->bottom lines kept free at
 * the bottom, or -1 when there was no room for them. */
int gn_frame_draw(gn_canvas *c, const gn_frame *f, gn_area *plot);

#endif
