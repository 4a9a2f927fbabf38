/* units.c — checks of the TUI's pure parts (scrollback ring, pane geometry),
 * compiled and run by test_units.sh. */
#include <stdio.h>
#include <string.h>

#include "tui/tui_int.h"

static int fails;
#define CHECK(c, msg) do { if (c) printf("ok - %s\n", msg); \
    else { printf("not ok - %s (%s:%d)\n", msg, __FILE__, __LINE__); fails++; } } while (0)

static int inside(tui_rect r, int H, int W)
{
    return r.w == 0 || (r.y >= 0 && r.x >= 0 && r.y + r.h <= H && r.x + r.w <= W);
}

static int overlap(tui_rect a, tui_rect b)
{
    if (a.w == 0 || b.w == 0 || a.h == 0 || b.h == 0) return 0;
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void geometry(const char *spec, int zoom, int H, int W)
{
    tui_layout l = {0};
    tui_geom g;
    char msg[128];
    tui_layout_parse(&l, spec);
    l.zoom = zoom;
    tui_layout_compute(&l, H, W, &g);
    int ok = !g.too_small && g.status.y == H - 1 && g.status.w == W && g.repl.h >= 1;
    tui_rect all[2 * TUI_MAXPANES + 2];
    int n = 0;
    all[n++] = g.repl;
    all[n++] = g.status;
    for (int k = 0; k < g.npanes; k++) { all[n++] = g.pane[k]; all[n++] = g.label[k]; }
    for (int i = 0; i < n; i++) {
        ok = ok && inside(all[i], H, W);
        for (int j = i + 1; j < n; j++) ok = ok && !overlap(all[i], all[j]);
    }
    snprintf(msg, sizeof msg, "layout %s zoom %d at %dx%d: rectangles inside the screen, disjoint", spec, zoom, W, H);
    CHECK(ok, msg);
    int shown = 0, small = 0;
    for (int k = 0; k < g.npanes; k++) {
        if (g.pane[k].w == 0) continue;
        shown++;
        if (g.pane[k].h < TUI_PANE_MIN_H || g.pane[k].w < TUI_PANE_MIN_W) small = 1;
    }
    snprintf(msg, sizeof msg, "layout %s zoom %d at %dx%d: no pane under %dx%d rows (%d shown%s)", spec, zoom,
             W, H, TUI_PANE_MIN_W, TUI_PANE_MIN_H, shown, g.tabs ? ", as tabs" : "");
    CHECK(zoom || !small, msg);
    CHECK(!g.tabs || shown == 1, "tabs show one pane");
}

int main(void)
{
    tui_scrollback s;
    tui_scrollback_init(&s, 16, 0);
    tui_scrollback_append(&s, "alpha\nbe", 8);
    tui_scrollback_append(&s, "ta\n", 3);
    CHECK(tui_scrollback_count(&s) == 2 && strcmp(tui_scrollback_line(&s, 1), "beta") == 0,
          "a line split across writes is joined");
    tui_scrollback_append(&s, "\033[31mred\033[0m \033]0;title\007x\n", 25);
    CHECK(strcmp(tui_scrollback_line(&s, 2), "red x") == 0, "SGR and OSC escapes are dropped");
    tui_scrollback_append(&s, "10%\r20%\r100%\n", 13);
    CHECK(strcmp(tui_scrollback_line(&s, 3), "100%") == 0, "a bare CR rewinds the line");
    tui_scrollback_append(&s, "dos\r\nline\n", 10);
    CHECK(strcmp(tui_scrollback_line(&s, 4), "dos") == 0 && strcmp(tui_scrollback_line(&s, 5), "line") == 0,
          "CR LF is one newline");
    tui_scrollback_append(&s, "a\tb\n", 4);
    CHECK(strcmp(tui_scrollback_line(&s, 6), "a       b") == 0, "tabs expand to 8 columns");
    tui_scrollback_append(&s, "partial", 7);
    CHECK(tui_scrollback_count(&s) == 8 && strcmp(tui_scrollback_line(&s, 7), "partial") == 0,
          "the unfinished line is visible");
    for (int i = 0; i < 100; i++) {
        char b[32];
        int n = snprintf(b, sizeof b, "\nl%d", i);
        tui_scrollback_append(&s, b, (size_t)n);
    }
    CHECK(tui_scrollback_count(&s) == 17 && strcmp(tui_scrollback_line(&s, 16), "l99") == 0 &&
          strcmp(tui_scrollback_line(&s, 0), "l83") == 0, "the ring keeps the newest lines up to its cap");
    tui_scrollback_free(&s);

    tui_scrollback_init(&s, 16, 1);
    tui_scrollback_append(&s, "caf\xc3\xa9 \xe2\xa0\xbf!\n", 11);
    CHECK(strcmp(tui_scrollback_line(&s, 0), "caf? ?!") == 0, "ascii: one '?' per non-ASCII character");
    static char big[40000];
    memset(big, 'x', sizeof big);
    size_t lines = tui_scrollback_append(&s, big, sizeof big);
    CHECK(lines == 2 && strlen(tui_scrollback_line(&s, 1)) == 16384, "a huge line is broken into pieces");
    tui_scrollback_free(&s);

    tui_layout l = {0};
    CHECK(tui_layout_parse(&l, "1x2") == 0 && l.grid_r == 1 && l.grid_c == 2, "layout 1x2 is 1 row, 2 columns");
    CHECK(tui_layout_parse(&l, "2x1") == 0 && l.grid_r == 2 && l.grid_c == 1, "layout 2x1 is 2 rows, 1 column");
    CHECK(tui_layout_parse(&l, "3x3") == -1 && tui_layout_parse(&l, "") == -1 &&
          tui_layout_parse(&l, "1x") == -1 && tui_layout_parse(&l, NULL) == -1, "bad layouts are refused");
    const char *specs[] = { "1", "1x2", "2x1", "2x2" };
    int sizes[][2] = { {24, 80}, {30, 100}, {5, 20}, {8, 30}, {40, 160}, {12, 140}, {60, 250} };
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 7; j++)
            for (int z = 0; z <= 5; z += (z == 0 ? 1 : 4)) geometry(specs[i], z, sizes[j][0], sizes[j][1]);
    tui_geom g;
    tui_layout_parse(&l, "2x2");
    l.zoom = 0;
    tui_layout_compute(&l, 4, 19, &g);
    CHECK(g.too_small, "19x4 is too small");
    tui_layout_compute(&l, 5, 20, &g);
    CHECK(!g.too_small && g.repl.h == 4 && g.pane[0].w == 0, "20x5: the REPL only, plots hidden");
    tui_layout_compute(&l, 24, 80, &g);
    CHECK(g.tabs && g.pane[0].w == 80 && g.pane[0].h >= TUI_PANE_MIN_H && g.pane[1].w == 0 &&
          g.pane[2].w == 0 && g.pane[3].w == 0 && g.label[0].y == g.pane[0].y + g.pane[0].h &&
          g.repl.y > g.label[0].y, "80x24 2x2: too little room for 4 panes, so they are tabs above the REPL");
    l.tab = 2;
    tui_layout_compute(&l, 24, 80, &g);
    CHECK(g.tabs && g.pane[2].w == 80 && g.pane[0].w == 0, "80x24 2x2: the tab shown is lay.tab");
    l.tab = 0;
    tui_layout_compute(&l, 48, 160, &g);
    CHECK(!g.tabs && g.repl.x > g.pane[1].x && g.repl.h == 47 && g.pane[3].h >= TUI_PANE_MIN_H,
          "160x48 2x2: four panes beside the REPL");
    tui_layout_parse(&l, "1x2");
    tui_layout_compute(&l, 24, 80, &g);
    CHECK(!g.tabs && g.pane[0].w + g.pane[1].w + 1 == 80 && g.pane[0].y == 0 && g.repl.y > g.pane[1].y,
          "80x24 1x2: panes above the REPL, split by a one-column rule");
    tui_layout_parse(&l, "2x2");
    tui_layout_compute(&l, 40, 160, &g);
    CHECK(g.repl.x > g.pane[1].x && g.repl.h == 39, "160x40: plots beside the REPL");
    l.zoom = 3;
    tui_layout_compute(&l, 24, 80, &g);
    CHECK(g.pane[2].w == 80 && g.pane[0].w == 0 && g.repl.h == 3, "zoom: one pane over the screen, a 3-line REPL");
    return fails ? 1 : 0;
}
