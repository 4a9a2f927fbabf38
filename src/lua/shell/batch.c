/* batch.c — batch-mode host: stdout for text and figures, rate-limited
 * progress lines on stderr. */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "plot/figure.h"

typedef struct {
    double last;        /* wall time of the last progress line */
} batch_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void b_write(gn_host *h, const char *s, size_t n)
{
    (void)h;
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

static void b_figure(gn_host *h, struct gn_figure *fig, int pane)
{
    (void)pane;
    int w = gn_figure_print_width(fig, h->width);
    char *txt = gn_figure_render(fig, w, gn_figure_default_height(fig, w),
                                  gn_figure_print_ascii(fig, h->ascii), 0);
    if (txt) {
        fputs(txt, stdout);
        fflush(stdout);
        free(txt);
    }
    gn_figure_free(fig);
}

/* One line every 2 s at most, plus the last, so logs of cluster jobs stay short. */
static void b_progress(gn_host *h, const char *what, double done, double total,
                       double elapsed, const char *extra)
{
    batch_state *s = h->ud;
    double t = now_s();
    int last = done >= total;
    if (!last && t - s->last < 2.0) return;
    s->last = t;
    double eta = done > 0 ? elapsed * (total - done) / done : 0;
    fprintf(stderr, "%s: %.0f/%.0f  %.1fs elapsed, %.1fs left  %s\n", what, done, total, elapsed,
            last ? 0.0 : eta, extra ? extra : "");
    fflush(stderr);
}

static int b_layout(gn_host *h, const char *spec)
{
    (void)h;
    static const char *const ok[] = {"1", "1x1", "1x2", "2x1", "2x2", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcmp(spec, ok[i]) == 0) return 0;
    return -1;
}

static int b_pane(gn_host *h, int k)
{
    (void)h;
    return k >= 0 && k <= 4 ? 0 : -1;
}

static int term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int w = c ? atoi(c) : 0;
    return w >= 20 && w <= 1000 ? w : 80;
}

void gn_batch_host_init(gn_host *h, int ascii)
{
    static batch_state st;
    memset(h, 0, sizeof *h);
    h->write = b_write;
    h->figure = b_figure;
    h->progress = b_progress;
    h->layout = b_layout;
    h->pane = b_pane;
    h->width = term_width();
    h->text_width = h->width;
    h->height = 24;
    h->ascii = ascii;
    h->color = 0;
    h->ud = &st;
}
