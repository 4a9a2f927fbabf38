/* panes.c — a plot pane: its figure history (F5/F6) and drawing it with the rule line that carries its number. */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Puts fig into the pane's history and shows it: it replaces the newest
 * when that one is a live view (training redrawn in place), else it is
 * added and the oldest beyond TUI_FIG_HISTORY is dropped. */
void tui_panes_push(tui_figslot *s, gn_figure *fig, int live)
{
    if (s->n && s->live) {
        if (s->hist[s->n - 1] != fig) gn_figure_free(s->hist[s->n - 1]);
        s->hist[s->n - 1] = fig;
    } else {
        if (s->n == TUI_FIG_HISTORY) {
            gn_figure_free(s->hist[0]);
            memmove(s->hist, s->hist + 1, (TUI_FIG_HISTORY - 1) * sizeof *s->hist);
            s->n--;
        }
        s->hist[s->n++] = fig;
    }
    s->live = live;
    s->pos = s->n - 1;
    s->fig = fig;
    free(s->text);
    s->text = NULL;
}

/* F5 / F6: an older or newer figure of the pane. */
void tui_panes_step(tui_figslot *s, int d)
{
    int p = s->pos + d;
    if (p < 0 || p >= s->n) return;
    s->pos = p;
    s->fig = s->hist[p];
    free(s->text);
    s->text = NULL;
}

void tui_panes_draw(tui *t, int k)
{
    tui_rect r = t->geom.pane[k];
    tui_figslot *s = &t->slot[k];
    if (r.w <= 0 || r.h <= 0) return;
    if (s->fig) {
        size_t fr = gn_figure_frame(s->fig);
        if (!s->text || s->w != r.w || s->h != r.h || s->frame != fr) {
            free(s->text);
            s->text = gn_figure_render(s->fig, r.w, r.h, t->ascii, t->color);
            s->w = r.w;
            s->h = r.h;
            s->frame = fr;
        }
        if (s->text) tui_blit_text(stdscr, r.y, r.x, r.h, r.w, s->text, t->ascii);
    } else if (r.h >= 1) {
        char msg[64];
        snprintf(msg, sizeof msg, "pane %d: empty", k + 1);
        int len = (int)strlen(msg);
        if (len > r.w) len = r.w;
        attron(A_DIM);
        mvaddnstr(r.y + r.h / 2, r.x + (r.w - len) / 2, msg, len);
        attroff(A_DIM);
    }
}

/* The tab bar under the one pane shown when the grid does not fit:
 * every pane's number, the shown one in reverse video (with its figure
 * count), and the key that switches. */
static void draw_tabs(tui *t, int k, tui_rect l)
{
    int x = l.x + 1, end = l.x + l.w;
    for (int i = 0; i < t->geom.npanes && i < TUI_MAXPANES; i++) {
        char tab[48];
        const tui_figslot *s = &t->slot[i];
        if (i == k && s->n > 1) snprintf(tab, sizeof tab, " %d fig %d/%d ", i + 1, s->pos + 1, s->n);
        else snprintf(tab, sizeof tab, " %d ", i + 1);
        int len = (int)strlen(tab);
        if (x + len >= end) return;
        if (i == k) attron(A_REVERSE);
        mvaddstr(l.y, x, tab);
        if (i == k) attroff(A_REVERSE);
        x += len + 1;
    }
    const char *hint = " tabs: F3 next ";
    int hl = (int)strlen(hint);
    if (x + hl + 1 <= end) mvaddstr(l.y, end - hl - 1, hint);
}

void tui_panes_draw_label(tui *t, int k)
{
    tui_rect l = t->geom.label[k];
    if (l.w <= 0) return;
    tui_screen_hrule(l.y, l.x, l.w, t->ascii);
    if (t->geom.tabs && t->lay.zoom != k + 1) {
        draw_tabs(t, k, l);
        return;
    }
    char num[64];
    const tui_figslot *s = &t->slot[k];
    char hist[32] = "";
    if (s->n > 1) snprintf(hist, sizeof hist, " fig %d/%d", s->pos + 1, s->n);
    snprintf(num, sizeof num, " %d%s%s ", k + 1, hist, t->lay.zoom == k + 1 ? " zoomed" : "");
    int len = (int)strlen(num);
    if (len + 1 > l.w) return;
    if (k == t->cur) attron(A_REVERSE);
    mvaddstr(l.y, l.x + 1, num);
    if (k == t->cur) attroff(A_REVERSE);
}

void tui_panes_free(tui_figslot *s)
{
    for (int i = 0; i < s->n; i++) gn_figure_free(s->hist[i]);
    free(s->text);
    memset(s, 0, sizeof *s);
}
