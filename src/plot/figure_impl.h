/* figure_impl.h — the figure's private layout and the per-kind drawing functions (internal to src/plot). */
#ifndef GN_PLOT_FIGURE_IMPL_H
#define GN_PLOT_FIGURE_IMPL_H

#include "figure.h"
#include "canvas.h"

typedef struct {
    size_t len;
    double *x;       /* NULL: x = 1..len */
    double *y;
    char *label;     /* NULL: not in the legend */
} gn_series;

struct gn_figure {
    gn_figure_kind kind;
    char *title, *xlabel, *ylabel;        /* never NULL ("" when unset) */
    double xmin, xmax, ymin, ymax;        /* user limits, NaN: automatic */
    double zmin, zmax;                    /* heatmap colour scale limits, NaN: automatic */
    int height;                           /* preferred batch height, 0: automatic */
    int width;                            /* preferred batch width, 0: the host's */
    int ascii;                            /* printed charset: 1 ASCII, 0 braille, -1 the host's */
    int xlog, ylog;                       /* line: logarithmic axes */

    gn_series *series;                    /* line, phase (series 0 = trajectory) */
    size_t n_series;

    double *st;                           /* raster: spike times */
    size_t *si;                           /* raster: 0-based neuron of each spike */
    size_t n_spikes, n_neurons;
    double T;                             /* raster: time span [0, T] */

    double *m;                            /* heatmap, frames: rows×cols row-major; bars: values */
    size_t rows, cols;
    char **labels;                        /* bars: rows entries (NULL: index) */

    size_t frame;                         /* frames: current step */
    struct gn_figure *below;              /* a second panel under this one (owned), or NULL */
};

/* Series colours (ANSI 0..15) for several lines, cycled. */
int gn_series_color(size_t k);
/* ASCII marker of series k >= 1 (series 0 draws with line strokes). */
char gn_series_marker(size_t k);

/* Each draws f over the whole canvas. */
void gn_draw_line(const gn_figure *f, gn_canvas *c, int color);
void gn_draw_phase(const gn_figure *f, gn_canvas *c, int color);
void gn_draw_frames(const gn_figure *f, gn_canvas *c, int color);
void gn_draw_raster(const gn_figure *f, gn_canvas *c, int color);
void gn_draw_heatmap(const gn_figure *f, gn_canvas *c, int color);
void gn_draw_bars(const gn_figure *f, gn_canvas *c, int color);

/* Resolves one axis: user limits where given, the data range elsewhere,
 * always giving lo < hi. */
void gn_resolve_range(double ulo, double uhi, double dlo, double dhi, double *lo, double *hi);

#endif
