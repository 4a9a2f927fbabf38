/* screen.c — composing the whole screen: the panes, the REPL pane's wrapped scrollback and input line, the status line. */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_screen_relayout(tui *t)
{
    int H, W;
    getmaxyx(stdscr, H, W);
    tui_layout_compute(&t->lay, H, W, &t->geom);
    /* What a figure made now would get: the current pane; while it is
     * hidden, the size it gets when shown (its tab brought forward, or
     * zoomed when no layout fits it); 80×20 when not even that fits. */
    tui_rect r = t->geom.pane[t->cur];
    if (r.w <= 0) {
        tui_layout l = t->lay;
        tui_geom g;
        l.tab = t->cur;
        l.zoom = 0;
        tui_layout_compute(&l, H, W, &g);
        r = g.pane[t->cur];
        if (r.w <= 0) {
            l.zoom = t->cur + 1;
            tui_layout_compute(&l, H, W, &g);
            r = g.pane[t->cur];
        }
    }
    t->host.width = r.w > 0 ? r.w : 80;
    t->host.height = r.h > 0 ? r.h : 20;
    t->host.text_width = t->geom.repl.w > 0 ? t->geom.repl.w : W;
}

void tui_screen_hrule(int y, int x, int w, int ascii)
{
    for (int i = 0; i < w; i++) mvaddstr(y, x + i, ascii ? "-" : "\u2500");
}

static void draw_vrule(int y, int x, int h, int ascii)
{
    for (int i = 0; i < h; i++) mvaddstr(y + i, x, ascii ? "|" : "\u2502");
}

/* Row break offsets of a line wrapped at w cells. */
static size_t *wrap_offs;
static size_t wrap_cap;

static int wrap_line(const char *s, size_t len, int w, int ascii)
{
    int n = 0;
    size_t p = 0;
    do {
        if ((size_t)n + 1 > wrap_cap) {
            size_t nc = wrap_cap ? wrap_cap * 2 : 64;
            size_t *no = realloc(wrap_offs, nc * sizeof *no);
            if (!no) return n;
            wrap_offs = no;
            wrap_cap = nc;
        }
        wrap_offs[n++] = p;
        size_t f = tui_blit_fit(s + p, len - p, w, ascii);
        if (f == 0 && p < len) {
            int cells;
            f = tui_blit_char(s + p, len - p, ascii, &cells);   /* wider than the pane */
        }
        p += f;
    } while (p < len);
    return n;
}

static char *disp;
static size_t disp_cap;

static void draw_repl(tui *t, int *cy, int *cx)
{
    tui_rect R = t->geom.repl;
    const char *prompt, *text;
    int point;
    tui_rline_view(&prompt, &text, &point);
    int input = prompt != NULL && !t->running && R.h >= 1;
    int out_rows = R.h - input;
    *cy = *cx = -1;

    size_t n = tui_scrollback_count(&t->sb);
    if (t->scroll > (int)n - 1) t->scroll = n > 0 ? (int)n - 1 : 0;
    long idx = (long)n - 1 - t->scroll;
    int row = R.y + out_rows - 1;
    for (; row >= R.y && idx >= 0; idx--) {
        const char *line = tui_scrollback_line(&t->sb, (size_t)idx);
        size_t len = strlen(line);
        int nr = wrap_line(line, len, R.w, t->ascii);
        for (int k = nr - 1; k >= 0 && row >= R.y; k--, row--) {
            size_t end = k + 1 < nr ? wrap_offs[k + 1] : len;
            tui_blit_line(stdscr, row, R.x, R.w, line + wrap_offs[k], end - wrap_offs[k],
                          t->ascii, 0);
        }
    }
    if (t->scroll > 0 && out_rows > 0) {
        char ind[48];
        snprintf(ind, sizeof ind, " -- %d more below (PgDn) -- ", t->scroll);
        int len = (int)strlen(ind);
        if (len <= R.w) {
            attron(A_REVERSE);
            mvaddstr(R.y + out_rows - 1, R.x + R.w - len, ind);
            attroff(A_REVERSE);
        }
    }
    if (!input) return;

    /* prompt and line, scrolled sideways to keep the cursor in view */
    size_t pl = strlen(prompt), tl = strlen(text);
    if (pl + tl + 1 > disp_cap) {
        size_t nc = (pl + tl + 1) * 2;
        char *nd = realloc(disp, nc);
        if (!nd) return;
        disp = nd;
        disp_cap = nc;
    }
    memcpy(disp, prompt, pl);
    for (size_t i = 0; i < tl; i++) disp[pl + i] = text[i] == '\n' ? 0x1f : text[i];
    disp[pl + tl] = 0;
    size_t curb = pl + (size_t)(point < 0 ? 0 : point > (int)tl ? (int)tl : point);
    int wcur = tui_blit_width(disp, curb, t->ascii);
    size_t start = 0;
    while (wcur > R.w - 1 && start < curb) {
        int cells;
        start += tui_blit_char(disp + start, curb - start, t->ascii, &cells);
        wcur -= cells;
    }
    int y = R.y + R.h - 1;
    tui_blit_line(stdscr, y, R.x, R.w, disp + start, pl + tl - start, t->ascii, 0);
    *cy = y;
    *cx = R.x + (wcur < R.w ? wcur : R.w - 1);
}

static void fmt_secs(char *buf, size_t n, double s)
{
    if (s < 0) s = 0;
    if (s < 10) snprintf(buf, n, "%.2fs", s);
    else if (s < 120) snprintf(buf, n, "%.0fs", s);
    else if (s < 7200) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, ((int)s / 60) % 60);
}

/* The tail of path that fits in w columns, from a '/', behind "…" (ASCII
 * "..."): "…/run3/session.lua"; the whole path when it fits.  Empty when
 * not even "…/" and the last name fit. */
static void short_path(char *out, size_t n, const char *path, int w, int ascii)
{
    const char *ell = ascii ? "..." : "\u2026";
    int ew = ascii ? 3 : 1;
    size_t len = strlen(path);
    if (tui_blit_width(path, len, ascii) <= w) {
        snprintf(out, n, "%s", path);
        return;
    }
    const char *tail = NULL;
    for (const char *p = path + 1; *p; p++)
        if (*p == '/' && tui_blit_width(p, strlen(p), ascii) + ew <= w) {
            tail = p;
            break;
        }
    if (tail) snprintf(out, n, "%s%s", ell, tail);
    else out[0] = 0;
}

static void draw_status(tui *t)
{
    tui_rect S = t->geom.status;
    char rest[512], left[1024], path[512], tmp[64], tmp2[64];
    const char *j = t->repl ? gn_repl_journal(t->repl) : NULL;
    size_t unsaved = t->repl ? gn_repl_journal_unsaved(t->repl) : 0;
    int n = 0;
    rest[0] = 0;
    if (unsaved)
        n += snprintf(rest + n, sizeof rest - n, " (! %zu bytes not on disk)", unsaved);
    if (t->running) {
        fmt_secs(tmp, sizeof tmp, tui_now() - t->run_t0);
        n += snprintf(rest + n, sizeof rest - n, " | running %s", tmp);
    } else if (t->last_time >= 0) {
        fmt_secs(tmp, sizeof tmp, t->last_time);
        n += snprintf(rest + n, sizeof rest - n, " | last %s", tmp);
    }
    if (t->prog_on && (size_t)n < sizeof rest) {
        double d = t->prog_done, tot = t->prog_total;
        fmt_secs(tmp, sizeof tmp, t->prog_elapsed);
        if (t->prog_stopped) {
            n += snprintf(rest + n, sizeof rest - n, " | %s stopped at %.0f/%.0f after %s",
                          t->prog_what, d, tot, tmp);
        } else if (tot > 0 && d >= tot) {
            n += snprintf(rest + n, sizeof rest - n, " | %s done %.0f in %s", t->prog_what, tot, tmp);
        } else if (tot > 0) {
            double eta = d > 0 ? t->prog_elapsed * (tot - d) / d : -1;
            if (eta >= 0) fmt_secs(tmp2, sizeof tmp2, eta);
            else snprintf(tmp2, sizeof tmp2, "?");
            n += snprintf(rest + n, sizeof rest - n, " | %s %.0f/%.0f %.0f%% %s ETA %s",
                          t->prog_what, d, tot, 100.0 * d / tot, tmp, tmp2);
        } else {
            n += snprintf(rest + n, sizeof rest - n, " | %s %.0f %s", t->prog_what, d, tmp);
        }
        if (t->prog_extra[0] && (size_t)n < sizeof rest)
            n += snprintf(rest + n, sizeof rest - n, " %s", t->prog_extra);
    }
    (void)n;
    const char *hints = t->banner ? t->banner
                      : t->running ? "^C stop  PgUp/PgDn scroll"
                      : "F1 keys  F2 zoom  F3 pane  PgUp/PgDn  ^D quit";
    int hl = (int)strlen(hints);
    int rw = tui_blit_width(rest, strlen(rest), t->ascii);
    const char *jp = j ? j : "(no journal)";
    /* A long journal path gives way first (shortened from the left, to its
     * last names), so the run's time and progress stay on the line; then
     * the key hints. */
    int with_hints = 1;
    short_path(path, sizeof path, jp, S.w - hl - 2 - rw - 1, t->ascii);
    if (!path[0]) {
        with_hints = 0;
        short_path(path, sizeof path, jp, S.w - rw - 1, t->ascii);
    }
    const char *r = rest;
    if (!path[0]) r += strncmp(r, " | ", 3) == 0 ? 3 : r[0] == ' ';
    snprintf(left, sizeof left, " %s%s", path, r);
    attron(A_REVERSE);
    for (int i = 0; i < S.w; i++) mvaddch(S.y, S.x + i, ' ');
    int lw = tui_blit_width(left, strlen(left), t->ascii);
    if (with_hints && lw + hl + 2 <= S.w) {
        tui_blit_line(stdscr, S.y, S.x, S.w, left, strlen(left), t->ascii, A_REVERSE);
        mvaddstr(S.y, S.x + S.w - hl - 1, hints);
    } else if (t->banner) {
        tui_blit_line(stdscr, S.y, S.x, S.w, hints, (size_t)hl, 1, A_REVERSE);
    } else {
        tui_blit_line(stdscr, S.y, S.x, S.w, left, strlen(left), t->ascii, A_REVERSE);
    }
    attroff(A_REVERSE);
}

void tui_screen_draw(tui *t)
{
    tui_screen_relayout(t);
    werase(stdscr);
    if (t->geom.too_small) {
        int H, W;
        getmaxyx(stdscr, H, W);
        const char *msg = "window too small";
        int len = (int)strlen(msg);
        if (len > W) len = W;
        if (H > 0 && W > 0) mvaddnstr(H / 2, (W - len) / 2, msg, len);
        curs_set(0);
        wnoutrefresh(stdscr);
        doupdate();
        t->last_draw = tui_now();
        return;
    }
    for (int k = 0; k < t->geom.npanes && k < TUI_MAXPANES; k++) {
        tui_panes_draw(t, k);
        tui_panes_draw_label(t, k);
    }
    /* vertical rule between two pane columns, stopping at the rule lines */
    tui_rect v = t->geom.vrule[0];
    if (v.w > 0) {
        for (int k = 0; k < t->geom.npanes; k += t->lay.grid_c) {
            tui_rect p = t->geom.pane[k];
            if (p.w > 0) draw_vrule(p.y, v.x, p.h, t->ascii);
        }
    }
    v = t->geom.vrule[1];
    if (v.w > 0) draw_vrule(v.y, v.x, v.h, t->ascii);
    int cy, cx;
    draw_repl(t, &cy, &cx);
    draw_status(t);
    if (cy >= 0) {
        move(cy, cx);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
    t->last_draw = tui_now();
}

void tui_redraw(tui *t) { tui_screen_draw(t); }

void tui_screen_draw_maybe(tui *t)
{
    if (tui_now() - t->last_draw >= TUI_FRAME_S) tui_screen_draw(t);
}

void tui_screen_free(void)
{
    free(wrap_offs);
    wrap_offs = NULL;
    wrap_cap = 0;
    free(disp);
    disp = NULL;
    disp_cap = 0;
}
