/* input.c — keys typed at the notebook: curses codes into readline's bytes, the notebook's own keys, completion lists. */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Curses key codes back into the byte sequences readline binds by default. */
size_t tui_input_key_bytes(int ch, char *out)
{
    const char *s = NULL;
    switch (ch) {
    case KEY_UP: s = "\033[A"; break;
    case KEY_DOWN: s = "\033[B"; break;
    case KEY_RIGHT: s = "\033[C"; break;
    case KEY_LEFT: s = "\033[D"; break;
    case KEY_HOME: s = "\033[H"; break;
    case KEY_END: s = "\033[F"; break;
    case KEY_DC: s = "\033[3~"; break;
    case KEY_BACKSPACE: s = "\177"; break;
    case KEY_ENTER: s = "\r"; break;
    default: break;
    }
    if (!s && ch > KEY_MAX) {
        /* Ctrl/Alt + arrows have terminal-specific codes: word motion */
        const char *kn = keyname(ch);
        if (kn && (strncmp(kn, "kLFT", 4) == 0)) s = "\033b";
        else if (kn && (strncmp(kn, "kRIT", 4) == 0)) s = "\033f";
    }
    if (s) {
        strcpy(out, s);
        return strlen(s);
    }
    if (ch >= 0 && ch < 256) {
        out[0] = (char)ch;
        return 1;
    }
    return 0;
}

static void toggle_zoom(tui *t, int z)
{
    t->lay.zoom = t->lay.zoom == z ? 0 : z;
}

static void show_keys(tui *t)
{
    tui_say(t, "keys: F1 this list  F2 zoom the current pane (again: back)  F3 next pane\n"
           "      F5/F6 older/newer figure in the current pane\n"
           "      F4 REPL full screen  PgUp/PgDn scroll  ^L redraw  Tab complete\n"
           "      ^R search history  ^C stop a chunk / clear the line  ^D quit\n"
           "      play(): space pause, left/right step, q stop.  help(\"keys\") has more.\n");
}

/* Keys that belong to the notebook rather than to the line being edited;
 * they work at the prompt and while a chunk runs.  Returns 1 if used. */
int tui_input_ui_key(tui *t, int ch)
{
    int page = t->geom.repl.h > 3 ? t->geom.repl.h - 2 : 1;
    switch (ch) {
    case KEY_RESIZE: break;
    case KEY_PPAGE: t->scroll += page; break;
    case KEY_NPAGE: t->scroll -= page; if (t->scroll < 0) t->scroll = 0; break;
    case KEY_F(1): show_keys(t); t->scroll = 0; break;
    case KEY_F(2): toggle_zoom(t, t->cur + 1); break;
    case KEY_F(3):
        /* as tabs: the tab after the one shown */
        t->cur = ((t->geom.tabs ? t->lay.tab : t->cur) + 1) % (t->lay.grid_r * t->lay.grid_c);
        t->lay.tab = t->cur;
        if (t->lay.zoom >= 1 && t->lay.zoom <= TUI_MAXPANES) t->lay.zoom = t->cur + 1;
        break;
    case KEY_F(4): toggle_zoom(t, TUI_MAXPANES + 1); break;
    case KEY_F(5): tui_panes_step(&t->slot[t->cur], -1); break;
    case KEY_F(6): tui_panes_step(&t->slot[t->cur], +1); break;
    case 12: clearok(curscr, TRUE); break;   /* ^L */
    case KEY_MOUSE: break;
    default: return 0;
    }
    tui_screen_draw(t);
    return 1;
}

/* One key at the prompt. */
void tui_input_prompt_key(tui *t, int ch)
{
    if (ch == ERR || tui_input_ui_key(t, ch)) return;
    if (ch == 3) {   /* ^C: drop the line (and an unfinished chunk), never exit */
        gn_repl_reset(t->repl);
        tui_say(t, "^C\n");
        t->scroll = 0;
        tui_rline_clear();
        tui_rline_prompt(gn_repl_prompt(t->repl));
        return;
    }
    char b[8];
    size_t n = tui_input_key_bytes(ch, b);
    if (n) tui_rline_feed(b, n);
}

void tui_wait_input(tui *t)
{
    int ch;
    do {
        ch = getch();
        if (ch == ERR) return;
    } while (tui_input_ui_key(t, ch));
    char b[8];
    size_t n = tui_input_key_bytes(ch, b);
    if (n) tui_rline_queue(b, n);   /* we are inside readline: queue only */
}

/* ---- completion display ------------------------------------------------------------ */

char **tui_complete(tui *t, const char *word)
{
    return t->repl ? gn_repl_complete(t->repl, word) : NULL;
}

void tui_show_matches(tui *t, char **matches, int n, int maxlen)
{
    int w = t->geom.repl.w > 0 ? t->geom.repl.w : 80;
    int colw = maxlen + 2;
    int cols = w / colw;
    if (cols < 1) cols = 1;
    const char *prompt, *text;
    int point;
    tui_rline_view(&prompt, &text, &point);
    if (prompt) {
        tui_say(t, prompt);
        tui_say(t, text);
        tui_say(t, "\n");
    }
    char *row = malloc((size_t)cols * (colw + 1) + 2);
    if (!row) return;
    int shown = n > 200 ? 200 : n;
    for (int i = 1; i <= shown;) {
        int len = 0;
        for (int c = 0; c < cols && i <= shown; c++, i++)
            len += sprintf(row + len, "%-*s", c + 1 < cols ? colw : 0, matches[i]);
        row[len++] = '\n';
        row[len] = 0;
        tui_say(t, row);
    }
    free(row);
    if (shown < n) {
        char more[64];
        snprintf(more, sizeof more, "... and %d more\n", n - shown);
        tui_say(t, more);
    }
    t->scroll = 0;
    tui_screen_draw(t);
}
