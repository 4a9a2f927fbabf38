/* blit.c — draws UTF-8 text with ANSI SGR colours into curses, clipped to a rectangle. */
#include "tui_int.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Colour pairs are made on demand for each (foreground, background) seen,
 * indices -1 (terminal default) .. 15; terminals with 8 colours show the
 * bright ones as bold. */
static int colors_on;
static short pair_of[17][17];
static int next_pair = 1;

void tui_blit_init(int enable)
{
    colors_on = 0;
    memset(pair_of, 0, sizeof pair_of);
    next_pair = 1;
    if (!enable || !has_colors()) return;
    if (start_color() == ERR) return;
    use_default_colors();
    colors_on = 1;
}

static short pair_for(int fg, int bg)
{
    if (!colors_on || (fg < 0 && bg < 0)) return 0;
    if (COLORS < 16) {
        if (fg > 7) fg -= 8;
        if (bg > 7) bg -= 8;
    }
    short *p = &pair_of[fg + 1][bg + 1];
    if (*p) return *p;
    if (next_pair >= COLOR_PAIRS || next_pair > 32767) return 0;
    if (init_pair((short)next_pair, (short)fg, (short)bg) == ERR) return 0;
    *p = (short)next_pair++;
    return *p;
}

typedef struct { int fg, bg; attr_t attr; } sgr_state;

/* Applies the parameters of one "ESC [ ... m" sequence. */
static void sgr_apply(sgr_state *st, const char *p, size_t n)
{
    int params[16], np = 0, cur = 0, have = 0;
    for (size_t i = 0; i < n && np < 16; i++) {
        if (p[i] >= '0' && p[i] <= '9') { cur = cur * 10 + (p[i] - '0'); have = 1; }
        else if (p[i] == ';') { params[np++] = have ? cur : 0; cur = 0; have = 0; }
    }
    if (np < 16) params[np++] = have ? cur : 0;
    for (int i = 0; i < np; i++) {
        int v = params[i];
        if (v == 0) { st->fg = st->bg = -1; st->attr = 0; }
        else if (v == 1) st->attr |= A_BOLD;
        else if (v == 2) st->attr |= A_DIM;
        else if (v == 4) st->attr |= A_UNDERLINE;
        else if (v == 7) st->attr |= A_REVERSE;
        else if (v == 22) st->attr &= ~(A_BOLD | A_DIM);
        else if (v == 24) st->attr &= ~A_UNDERLINE;
        else if (v == 27) st->attr &= ~A_REVERSE;
        else if (v >= 30 && v <= 37) st->fg = v - 30;
        else if (v == 39) st->fg = -1;
        else if (v >= 40 && v <= 47) st->bg = v - 40;
        else if (v == 49) st->bg = -1;
        else if (v >= 90 && v <= 97) st->fg = v - 90 + 8;
        else if (v >= 100 && v <= 107) st->bg = v - 100 + 8;
        else if (v == 38 || v == 48) {
            /* 256-colour and RGB forms: only the first 16 colours map exactly;
             * others are skipped rather than guessed. */
            if (i + 2 < np && params[i + 1] == 5) {
                int c = params[i + 2];
                if (c < 16) { if (v == 38) st->fg = c; else st->bg = c; }
                i += 2;
            } else if (i + 4 < np && params[i + 1] == 2) {
                i += 4;
            }
        }
    }
}

/* Decodes one character at s (n bytes left): returns its byte length (>= 1),
 * its wide character (or '?') and its cell width. */
static size_t decode(const char *s, size_t n, int ascii, wchar_t *wc, int *cells)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        /* 0x1f marks a newline inside an edited multi-line chunk */
        if (c == 0x1f) *wc = ascii ? L'|' : (wchar_t)0x21b5;
        else *wc = c < 0x20 || c == 0x7f ? L' ' : (wchar_t)c;
        *cells = 1;
        return 1;
    }
    if (ascii) {
        size_t len = 1;
        while (len < n && ((unsigned char)s[len] & 0xc0) == 0x80) len++;
        *wc = L'?';
        *cells = 1;
        return len;
    }
    mbstate_t ms;
    memset(&ms, 0, sizeof ms);
    size_t len = mbrtowc(wc, s, n, &ms);
    if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
        *wc = L'?';
        *cells = 1;
        return 1;
    }
    int w = wcwidth(*wc);
    if (w < 0) { *wc = L'?'; w = 1; }
    *cells = w;
    return len;
}

int tui_blit_line(WINDOW *win, int y, int x, int w, const char *s, size_t n,
                  int ascii, attr_t base)
{
    sgr_state st = { -1, -1, 0 };
    int used = 0;
    size_t i = 0;
    wmove(win, y, x);
    while (i < n && used < w) {
        if (s[i] == 27) {
            /* ESC [ params final: only 'm' changes anything here */
            size_t j = i + 1;
            if (j < n && s[j] == '[') {
                j++;
                size_t p0 = j;
                while (j < n && !((unsigned char)s[j] >= 0x40 && (unsigned char)s[j] <= 0x7e)) j++;
                if (j < n && s[j] == 'm') sgr_apply(&st, s + p0, j - p0);
                i = j + 1;
            } else {
                i = j + (j < n);
            }
            continue;
        }
        if (s[i] == '\n') break;
        wchar_t wc;
        int cells;
        size_t len = decode(s + i, n - i, ascii, &wc, &cells);
        i += len;
        if (cells == 0) continue;   /* a combining mark: dropped rather than misplaced */
        if (used + cells > w) break;
        wchar_t str[2] = { wc, 0 };
        cchar_t cc;
        setcchar(&cc, str, base | st.attr, pair_for(st.fg, st.bg), NULL);
        wadd_wch(win, &cc);
        used += cells;
    }
    return used;
}

void tui_blit_text(WINDOW *win, int y, int x, int h, int w, const char *text, int ascii)
{
    const char *p = text;
    for (int row = 0; row < h && p && *p; row++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        tui_blit_line(win, y + row, x, w, p, len, ascii, 0);
        p = nl ? nl + 1 : NULL;
    }
}

size_t tui_blit_char(const char *s, size_t n, int ascii, int *cells)
{
    wchar_t wc;
    return decode(s, n, ascii, &wc, cells);
}

int tui_blit_width(const char *s, size_t n, int ascii)
{
    int used = 0;
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        int cells;
        i += decode(s + i, n - i, ascii, &wc, &cells);
        used += cells;
    }
    return used;
}

size_t tui_blit_fit(const char *s, size_t n, int w, int ascii)
{
    int used = 0;
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        int cells;
        size_t len = decode(s + i, n - i, ascii, &wc, &cells);
        if (used + cells > w) break;
        used += cells;
        i += len;
    }
    return i;
}
