/* host.c — the notebook's side of gn_host: where printed text, figures, live views, progress, layout and play() go. */
#include "tui_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAY_FRAME_MS 50      /* play(): 20 frames a second */
#define PLAY_MAX_S 10.0       /* ... skipping steps so a long run plays in ~10 s */

static void h_write(gn_host *h, const char *s, size_t n)
{
    tui *t = h->ud;
    size_t lines = tui_scrollback_append(&t->sb, s, n);
    if (t->scroll) t->scroll += (int)lines;
    if (t->running) tui_screen_draw_maybe(t);
}

static void h_figure(gn_host *h, struct gn_figure *fig, int pane)
{
    tui *t = h->ud;
    int k = pane >= 1 && pane <= TUI_MAXPANES ? pane - 1 : t->cur;
    tui_panes_push(&t->slot[k], fig, 0);
    t->lay.tab = k;   /* shown panes as tabs: a new figure brings its tab forward */
    tui_screen_relayout(t);
    if (t->geom.pane[k].w <= 0 && !t->geom.too_small) {
        char msg[96];
        snprintf(msg, sizeof msg, "(figure in pane %d, hidden at this size: F2 zooms it)\n", k + 1);
        tui_say(t, msg);
    }
    tui_screen_draw(t);
}

/* A live view (training): redrawn in place, kept in the history only as
 * its final state. */
static void h_figure_live(gn_host *h, struct gn_figure *fig, int pane)
{
    tui *t = h->ud;
    int k = pane >= 1 && pane <= TUI_MAXPANES ? pane - 1 : t->cur;
    tui_panes_push(&t->slot[k], fig, 1);
    t->lay.tab = k;
    tui_screen_draw(t);
}

static void h_progress(gn_host *h, const char *what, double done, double total,
                       double elapsed, const char *extra)
{
    tui *t = h->ud;
    t->prog_on = 1;
    t->prog_stopped = 0;
    snprintf(t->prog_what, sizeof t->prog_what, "%s", what ? what : "");
    snprintf(t->prog_extra, sizeof t->prog_extra, "%s", extra ? extra : "");
    t->prog_done = done;
    t->prog_total = total;
    t->prog_elapsed = elapsed;
    if (h->poll) h->poll(h);
}

static int h_layout(gn_host *h, const char *spec)
{
    tui *t = h->ud;
    if (tui_layout_parse(&t->lay, spec) != 0) return -1;
    int np = t->lay.grid_r * t->lay.grid_c;
    if (t->cur >= np) t->cur = 0;
    tui_screen_draw(t);
    return 0;
}

static int h_pane(gn_host *h, int k)
{
    tui *t = h->ud;
    if (k < 1 || k > t->lay.grid_r * t->lay.grid_c) return -1;
    t->cur = k - 1;
    t->lay.tab = t->cur;
    tui_screen_draw(t);
    return 0;
}

/* Called from the Lua count hook (every 10,000 instructions) and from
 * progress reports: cheap unless a frame is due. */
static void h_poll(gn_host *h)
{
    tui *t = h->ud;
    double now = tui_now();
    if (now - t->last_poll < TUI_FRAME_S) return;
    t->last_poll = now;
    tui_term_drain(t);
    nodelay(stdscr, TRUE);
    int ch;
    while ((ch = getch()) != ERR) {
        if (tui_input_ui_key(t, ch)) continue;
        char b[8];
        size_t n = tui_input_key_bytes(ch, b);
        if (n) tui_rline_queue(b, n);   /* typeahead; readline may be busy completing */
    }
    nodelay(stdscr, FALSE);
    tui_screen_draw(t);
}

/* play(): steps through the frames in a pane with a time cursor.  Keys:
 * space pauses, left/right step (and pause), Home/End jump, q or Esc
 * stops; Ctrl-C stops and interrupts the chunk as usual.  The figure stays
 * in the pane afterwards, at the frame last shown. */
static int h_play(gn_host *h, struct gn_figure *frames, int pane)
{
    tui *t = h->ud;
    int k = pane >= 1 && pane <= t->lay.grid_r * t->lay.grid_c ? pane - 1 : t->cur;
    tui_panes_push(&t->slot[k], frames, 0);
    t->lay.tab = k;
    size_t n = gn_figure_frame_count(frames);
    if (n == 0) return 0;
    int saved_zoom = t->lay.zoom;
    tui_screen_relayout(t);
    if (t->geom.pane[k].w <= 0) {
        t->lay.zoom = k + 1;   /* hidden at this size: borrow the screen */
        tui_screen_relayout(t);
    }
    if (t->geom.pane[k].w <= 0) {
        gn_figure_set_frame(frames, n - 1);
        t->lay.zoom = saved_zoom;
        return 0;
    }
    size_t stride = (size_t)(n / (PLAY_MAX_S * 1000.0 / PLAY_FRAME_MS));
    if (stride < 1) stride = 1;
    size_t f = 0;
    int paused = 0, interrupted = 0;
    char banner[96];
    raw();
    timeout(PLAY_FRAME_MS);
    for (;;) {
        gn_figure_set_frame(frames, f);
        snprintf(banner, sizeof banner, "play %zu/%zu%s  space pause  <-/-> step  q stop",
                 f + 1, n, paused ? " (paused)" : "");
        t->banner = banner;
        tui_screen_draw(t);
        int ch = getch();
        if (ch == 'q' || ch == 'Q' || ch == 27) break;
        if (ch == 3) { interrupted = 1; break; }
        if (ch == ' ') paused = !paused;
        else if (ch == KEY_RIGHT) { paused = 1; if (f + 1 < n) f++; continue; }
        else if (ch == KEY_LEFT) { paused = 1; if (f > 0) f--; continue; }
        else if (ch == KEY_HOME) { f = 0; continue; }
        else if (ch == KEY_END) { f = n - 1; continue; }
        else if (ch != ERR) tui_input_ui_key(t, ch);
        if (!paused && ch == ERR) {
            if (f + 1 >= n) break;
            f = f + stride < n ? f + stride : n - 1;
        }
    }
    timeout(-1);
    t->banner = NULL;
    t->lay.zoom = saved_zoom;
    if (t->running) tui_mode_running();
    else tui_mode_prompt();
    tui_screen_draw(t);
    if (interrupted) raise(SIGINT);   /* the REPL's handler stops the chunk */
    return 0;
}

void tui_host_init(tui *t)
{
    t->host.write = h_write;
    t->host.figure = h_figure;
    t->host.figure_live = h_figure_live;
    t->host.progress = h_progress;
    t->host.layout = h_layout;
    t->host.pane = h_pane;
    t->host.poll = h_poll;
    t->host.play = h_play;
    t->host.ascii = t->ascii;
    t->host.color = t->color;
    t->host.ud = t;
}
