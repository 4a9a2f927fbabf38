/* l_host.h — what the Lua layer needs from whoever hosts it (TUI or batch):
 * where printed text, figures and progress go.  The TUI and the batch driver
 * each fill one gn_host; bindings never know which one they talk to.
 * No Lua types here: src/tui includes this header without Lua. */
#ifndef L_HOST_H
#define L_HOST_H

#include <stddef.h>

struct gn_figure;   /* src/plot/figure.h: a figure that keeps its data */

typedef struct gn_host {
    /* Printed text (print(), echoed results, error messages). */
    void (*write)(struct gn_host *h, const char *s, size_t n);
    /* A figure to show.  The host takes ownership (it redraws on resize);
     * pane is 1-based, 0 means "the current pane". */
    void (*figure)(struct gn_host *h, struct gn_figure *fig, int pane);
    /* A live view redrawn in place (training's loss pane); the next figure
     * of that pane replaces it.  NULL (batch): live views are skipped. */
    void (*figure_live)(struct gn_host *h, struct gn_figure *fig, int pane);
    /* Progress of long work (see lg_progress). */
    void (*progress)(struct gn_host *h, const char *what, double done, double total,
                     double elapsed_s, const char *extra);
    /* layout("2x2") and pane(k); return 0 on success, -1 on a bad argument. */
    int (*layout)(struct gn_host *h, const char *spec);
    int (*pane)(struct gn_host *h, int k);
    /* Give the UI a chance to redraw / read keys during long work
     * (may be NULL). */
    void (*poll)(struct gn_host *h);
    /* Animated display of a steps×n activity (play()); NULL in batch mode,
     * where play() prints a few frames instead. */
    int (*play)(struct gn_host *h, struct gn_figure *frames, int pane);
    int width, height;   /* size of a figure drawn now, in cells */
    int text_width;      /* columns of the text (REPL) pane; 0: unknown */
    int ascii;           /* 1: no bytes >= 0x80 */
    int color;           /* 1: colour may be used */
    void *ud;            /* host's own state */
} gn_host;

#endif
