/* layout.c — where the plot panes, the REPL pane and the status line go on the screen. */
#include "tui_int.h"

#include <string.h>

int tui_layout_parse(tui_layout *l, const char *spec)
{
    int r = 0, c = 0;
    if (!spec) return -1;
    if (strcmp(spec, "1") == 0) { r = 1; c = 1; }
    else if (strcmp(spec, "2") == 0) { r = 1; c = 2; }
    else if (strcmp(spec, "4") == 0) { r = 2; c = 2; }
    else if (strlen(spec) == 3 && (spec[1] == 'x' || spec[1] == 'X') &&
             spec[0] >= '1' && spec[0] <= '2' && spec[2] >= '1' && spec[2] <= '2') {
        r = spec[0] - '0';
        c = spec[2] - '0';
    } else {
        return -1;
    }
    l->grid_r = r;
    l->grid_c = c;
    if (l->zoom >= 1 && l->zoom <= TUI_MAXPANES && l->zoom > r * c) l->zoom = 0;
    if (l->tab >= r * c) l->tab = 0;
    return 0;
}

/* Splits the rectangle a into the grid of panes, each pane row followed by
 * a one-line rule that carries the pane numbers (and, under the last row,
 * separates the plots from the REPL).  When the panes would be smaller
 * than TUI_PANE_MIN_H × TUI_PANE_MIN_W they become tabs: the shown one
 * gets the whole rectangle, its rule line is the tab bar.  Returns 0 when
 * not even one pane fits (the caller gives the room to the REPL). */
static int grid(const tui_layout *l, tui_rect a, tui_geom *g)
{
    int R = l->grid_r, C = l->grid_c;
    int ph = (a.h - R) / R, prem = (a.h - R) % R;
    int pw = (a.w - (C - 1)) / C, wrem = (a.w - (C - 1)) % C;
    if (ph < TUI_PANE_MIN_H || pw < TUI_PANE_MIN_W) {
        if (a.h - 1 < TUI_PANE_MIN_H || a.w < TUI_PANE_MIN_W) return 0;
        int k = l->tab >= 0 && l->tab < R * C ? l->tab : 0;
        g->tabs = R * C > 1;
        g->pane[k] = (tui_rect){ a.y, a.x, a.h - 1, a.w };
        g->label[k] = (tui_rect){ a.y + a.h - 1, a.x, 1, a.w };
        return 1;
    }
    int y = a.y;
    for (int i = 0; i < R; i++) {
        int h = ph + (i < prem);
        int x = a.x;
        for (int j = 0; j < C; j++) {
            int w = pw + (j < wrem);
            int k = i * C + j;
            g->pane[k] = (tui_rect){ y, x, h, w };
            g->label[k] = (tui_rect){ y + h, x, 1, w + (j < C - 1) };
            if (j < C - 1 && i == 0)
                g->vrule[0] = (tui_rect){ a.y, x + w, a.h, 1 };
            x += w + 1;
        }
        y += h + 1;
    }
    /* the vertical rule stops above each rule line: drawn per row by screen.c */
    return 1;
}

void tui_layout_compute(const tui_layout *l, int H, int W, tui_geom *g)
{
    memset(g, 0, sizeof *g);
    g->npanes = l->grid_r * l->grid_c;
    if (W < TUI_MIN_W || H < TUI_MIN_H) {
        g->too_small = 1;
        return;
    }
    g->status = (tui_rect){ H - 1, 0, 1, W };
    int avail = H - 1;
    g->repl = (tui_rect){ 0, 0, avail, W };
    if (l->zoom == TUI_MAXPANES + 1) return;
    if (l->zoom >= 1 && l->zoom <= g->npanes) {
        /* one pane over everything but a three-line REPL, so typing goes on */
        int rh = 3;
        if (avail - rh - 1 < 3) return;
        int k = l->zoom - 1;
        g->pane[k] = (tui_rect){ 0, 0, avail - rh - 1, W };
        g->label[k] = (tui_rect){ avail - rh - 1, 0, 1, W };
        g->repl = (tui_rect){ avail - rh, 0, rh, W };
        return;
    }
    if (W >= 140) {
        /* wide terminal: plots on the left, REPL on the right */
        int pw = W * 3 / 5;
        if (grid(l, (tui_rect){ 0, 0, avail, pw }, g)) {
            g->vrule[1] = (tui_rect){ 0, pw, avail, 1 };
            g->repl = (tui_rect){ 0, pw + 1, avail, W - pw - 1 };
            return;
        }
    }
    int rh = avail * 2 / 5;
    if (rh < 4) rh = 4;
    int ph = avail - rh;
    if (ph < 1 || !grid(l, (tui_rect){ 0, 0, ph, W }, g)) {
        memset(g->pane, 0, sizeof g->pane);   /* no room for plots: REPL only */
        memset(g->label, 0, sizeof g->label);
        return;
    }
    g->repl = (tui_rect){ ph, 0, rh, W };
}
