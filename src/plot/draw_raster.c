/* draw_raster.c — spike rasters: one tick per spike, neurons up the y axis, time along x. */
#include "figure_impl.h"
#include "axis.h"

#include <math.h>
#include <string.h>

/* Neurons and time are binned into dots (neuron 1 at the bottom); a dot is
 * set when any spike falls in it, so with many neurons or long runs nothing
 * disappears, it only merges.  While each neuron has several dot rows to
 * itself, a spike draws as a short vertical tick with a gap between
 * neurons, which reads like a classic raster. */
void gn_draw_raster(const gn_figure *f, gn_canvas *c, int color)
{
    gn_frame fr;
    memset(&fr, 0, sizeof fr);
    fr.title = f->title;
    fr.xlabel = f->xlabel;
    fr.ylabel = f->ylabel;
    size_t n = f->n_neurons ? f->n_neurons : 1;
    gn_resolve_range(f->xmin, f->xmax, 0, f->T, &fr.xlo, &fr.xhi);
    fr.ylo = 0.5;
    fr.yhi = (double)n + 0.5;
    fr.xbins = fr.ybins = 1;
    fr.yint = 1;
    fr.ascii_sy = 1;   /* ASCII rasters draw '|' per cell */
    gn_area a;
    gn_frame_draw(c, &fr, &a);
    a.fg = color ? 6 : -1;
    int PW = gn_area_pw(&a), PH = gn_area_ph(&a);
    for (size_t k = 0; k < f->n_spikes; k++) {
        double t = f->st[k];
        size_t i = f->si[k];
        if (!(t >= fr.xlo && t <= fr.xhi) || i >= n) continue;
        int px = gn_axis_pix(t, fr.xlo, fr.xhi, PW, 1);
        /* Centred on the neuron's tick; 3 dots tall while each neuron
         * has at least 4 dot rows (so a gap remains), else a single dot. */
        int pc = (int)floor(((double)i + 0.5) / (double)n * PH);
        int half = n <= (size_t)PH / 4 ? 1 : 0;   /* n may be huge (raster{n=1e12}) */
        int b0 = pc - half, b1 = pc + half;
        gn_area_vline(&a, px, b0, b1);
    }
}
