/* figure.h — figures that own their data and render to text at any size. */
#ifndef GN_PLOT_FIGURE_H
#define GN_PLOT_FIGURE_H

#include <stddef.h>

/* A figure keeps copies of its data and options, so a host can redraw it at
 * any size (resize, zoom) long after the caller's arrays are gone.  Nothing
 * here knows about curses or Lua: the TUI blits the rendered text into a
 * pane, batch mode prints it. */
struct gn_figure;
typedef struct gn_figure gn_figure;

typedef enum {
    GN_FIG_LINE,     /* y against x, several series */
    GN_FIG_RASTER,   /* spikes: neurons (rows) × time (columns) */
    GN_FIG_HEATMAP,  /* matrix as an image, row 1 at the top, with a colour bar */
    GN_FIG_PHASE,    /* trajectory x(t) against y(t), start and end marked */
    GN_FIG_BARS,     /* one bar per value, labelled; negative values go down */
    GN_FIG_FRAMES    /* steps×n activity for play(): one frame per step */
} gn_figure_kind;

/* Options common to all kinds.  Strings are copied; NULL means none.  NaN
 * limits mean "automatic".  Fill with gn_figure_opts_init first so fields
 * added later get their defaults. */
typedef struct {
    const char *title;
    const char *xlabel, *ylabel;
    double xmin, xmax, ymin, ymax;   /* axis limits (NaN: from the data); finite points
                                        outside them are clipped */
    double zmin, zmax;               /* heatmap colour scale limits (NaN: from the data) */
    int height;                      /* preferred batch height in lines (0: automatic) */
    int width;                       /* preferred batch width in cells (0: the host's) */
    int ascii;                       /* printed: 1 ASCII only, 0 braille, -1 the host's choice */
    int xlog, ylog;                  /* line plots: logarithmic axes (values <= 0 leave a gap) */
} gn_figure_opts;

void gn_figure_opts_init(gn_figure_opts *o);

/* ---- constructors ------------------------------------------------------------
 * Each returns a new figure (free with gn_figure_free) or NULL when out of
 * memory or the arguments are unusable (NULL data with len > 0).  Data are
 * validated by the caller (the Lua binding); the renderer copes with NaN
 * (a gap), ±Inf (clipped to the edge, ignored for automatic ranges) and
 * constant data, so a figure never fails to draw. */

/* A line figure with no series yet; add them with gn_figure_line_add. */
gn_figure *gn_figure_line_new(const gn_figure_opts *o);
/* Adds one series of len points.  xs may be NULL (x = 1..len).  label may be
 * NULL (no legend entry).  Returns 0, or -1 when out of memory. */
int gn_figure_line_add(gn_figure *f, size_t len, const double *ys, const double *xs,
                       const char *label);
/* Convenience: n_series series of equal length, ys series-major
 * (series s is ys[s*len .. s*len+len-1]), xs shared (or NULL); labels may be
 * NULL or hold n_series strings (entries may be NULL). */
gn_figure *gn_figure_line(size_t n_series, size_t len, const double *ys, const double *xs,
                          const char *const *labels, const gn_figure_opts *o);

/* Spike raster: spike k is at time t[k] from neuron idx[k] (0-based;
 * labelled 1..n on screen).  n_neurons and T (time span [0, T]) may be 0 to
 * take them from the data.  With more neurons than rows (or time bins than
 * columns) neurons/times are binned: a cell is marked if any spike falls
 * in it. */
gn_figure *gn_figure_raster(size_t n_spikes, const double *t, const size_t *idx,
                            size_t n_neurons, double T, const gn_figure_opts *o);

/* Heatmap of a rows×cols row-major matrix (m[i*cols + j]).  Shown like an
 * image: row 1 at the top, column 1 at the left; averaged into cells when
 * larger than the pane.  Colour bar with min and max on the right. */
gn_figure *gn_figure_heatmap(size_t rows, size_t cols, const double *m,
                             const gn_figure_opts *o);

/* Phase plot of the trajectory (xs[k], ys[k]), k = 0..len-1; the start is
 * marked 'o' and the end '*'. */
gn_figure *gn_figure_phase(size_t len, const double *xs, const double *ys,
                           const gn_figure_opts *o);
/* Extra line series drawn on a phase plot (e.g. eigenvectors through a fixed
 * point, nullclines).  Returns 0, or -1 when out of memory. */
int gn_figure_phase_add(gn_figure *f, size_t len, const double *xs, const double *ys,
                        const char *label);

/* Bar chart of n values; labels may be NULL or hold n strings (entries may
 * be NULL: the bar's 1-based index is shown). */
gn_figure *gn_figure_bars(size_t n, const double *v, const char *const *labels,
                          const gn_figure_opts *o);

/* Frames for play(): a steps×n row-major activity (a[k*n + i] is unit i at
 * step k).  n == 2 is drawn as a 2-D trajectory (x = column 1, y = column 2)
 * up to the current step; otherwise the current row is drawn as a line
 * against unit index (the ring's bump) on a y range fixed over all steps.
 * The bottom line is a time cursor "step k/steps". */
gn_figure *gn_figure_frames(size_t steps, size_t n, const double *a,
                            const gn_figure_opts *o);
size_t gn_figure_frame_count(const gn_figure *f);   /* steps (1 for other kinds) */
/* Chooses the step that gn_figure_render draws (0-based, clamped). */
void gn_figure_set_frame(gn_figure *f, size_t k);
size_t gn_figure_frame(const gn_figure *f);

/* ---- rendering ---------------------------------------------------------------
 * Renders f into a malloc'd NUL-terminated string of exactly `height` lines,
 * each terminated by '\n', each at most `width` display cells (trailing
 * blanks are trimmed).  width, height < 1 are treated as 1.
 * ascii = 1: only bytes < 0x80 (user text's non-ASCII bytes become '?').
 * ascii = 0: braille (U+2800..U+28FF), blocks and shades in UTF-8, one cell
 * each.
 * color = 1: ANSI SGR escapes may appear; they take no cells.  The only ones
 * used are ESC[0m (reset), ESC[3Nm / ESC[9Nm (foreground colour N, normal /
 * bright) and ESC[4Nm / ESC[10Nm (background), N = 0..7 in the usual order
 * black red green yellow blue magenta cyan white.  Every line that sets a
 * colour ends with ESC[0m.  color = 0: no escape bytes at all.
 * Returns NULL only when out of memory. */
char *gn_figure_render(const gn_figure *f, int width, int height, int ascii, int color);

/* Natural height for printing f at this width in batch mode (opts.height
 * when set): roughly width/3 for line plots, one line per neuron for small
 * rasters, and so on; never below 5. */
int gn_figure_default_height(const gn_figure *f, int width);

/* The width printed figures take in batch mode and as text: opts.width when
 * set, else host_width.  Panes keep their own width and characters. */
int gn_figure_print_width(const gn_figure *f, int host_width);
/* Likewise the character set: opts.ascii when set (0 or 1), else host_ascii. */
int gn_figure_print_ascii(const gn_figure *f, int host_ascii);

/* A deep copy (NULL when out of memory): a host keeps its own figure while
 * the caller keeps one to overlay onto (hold) or to save. */
gn_figure *gn_figure_copy(const gn_figure *f);
/* Appends copies of the series of src (a line figure) to dst (a line
 * figure): plot{..., hold=true}.  Returns 0, or -1 (out of memory, or not
 * two line figures). */
int gn_figure_line_merge(gn_figure *dst, const gn_figure *src);
/* Applies the options o sets (strings given, finite limits, xlog/ylog and
 * height when set) to f, keeping f's others.  0, or -1 out of memory. */
int gn_figure_update_opts(gn_figure *f, const gn_figure_opts *o);
/* Puts bottom under top as a second panel sharing the width (top takes
 * ownership): training's loss over its score.  Rendered one above the
 * other when there are at least 10 lines, else top alone. */
void gn_figure_stack(gn_figure *top, gn_figure *bottom);
/* Axis scales of a line figure. */
int gn_figure_xlog(const gn_figure *f);
int gn_figure_ylog(const gn_figure *f);

/* Draws f with cairo (figure_cairo.c) as format "svg", "pdf" or "png",
 * width×height points (PNG: 2 pixels per point), into a malloc'd buffer
 * *out of *len bytes: the same data, options, series order and legend as
 * the text renderer; series differ by colour and by dash pattern, so a
 * grey print tells them apart.  Returns 0, or -1 with a message in err. */
int gn_figure_export(const gn_figure *f, const char *format, double width, double height,
                     unsigned char **out, size_t *len, char *err, size_t errlen);

gn_figure_kind gn_figure_get_kind(const gn_figure *f);
/* The title ("" when none); the pointer lives as long as f. */
const char *gn_figure_title(const gn_figure *f);

void gn_figure_free(gn_figure *f);

#endif
