/* canvas.c — character grid with braille/ASCII dots, text and SGR colour output. */
#include "canvas.h"

#include <stdlib.h>
#include <string.h>

/* Braille dot numbering: column 0 holds dots 1,2,3,7, column 1 dots 4,5,6,8
 * (Unicode's order), so the bit for a dot is not a simple shift. */
static const uint8_t braille_bit[2][4] = {
    {0x01, 0x02, 0x04, 0x40},
    {0x08, 0x10, 0x20, 0x80},
};

/* ASCII cells have three sub-rows (bit 0 top, 1 middle, 2 bottom); combined
 * sub-rows draw as vertical strokes. */
static const char ascii_dots[8] = {' ', '\'', '-', '|', '.', ':', '|', '|'};

int gn_canvas_init(gn_canvas *c, int w, int h, int ascii)
{
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    c->w = w;
    c->h = h;
    c->ascii = ascii;
    c->cells = malloc((size_t)w * (size_t)h * sizeof *c->cells);
    if (!c->cells) return -1;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
        c->cells[i] = (gn_cell){0, 0, -1, -1};
    return 0;
}

void gn_canvas_done(gn_canvas *c)
{
    free(c->cells);
    c->cells = NULL;
}

gn_cell *gn_canvas_at(gn_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return NULL;
    return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

void gn_canvas_put(gn_canvas *c, int x, int y, uint32_t cp, int fg)
{
    gn_cell *cell = gn_canvas_at(c, x, y);
    if (!cell) return;
    if (c->ascii && cp >= 0x80) cp = '?';
    cell->cp = cp;
    cell->fg = (int8_t)fg;
}

/* Decodes one UTF-8 sequence; malformed bytes decode as U+FFFD one at a
 * time, so any byte string advances and yields a width. */
static uint32_t utf8_next(const unsigned char **ps)
{
    const unsigned char *s = *ps;
    uint32_t cp;
    int n;
    if (s[0] < 0x80) { *ps = s + 1; return s[0]; }
    if ((s[0] & 0xE0) == 0xC0) { cp = s[0] & 0x1F; n = 1; }
    else if ((s[0] & 0xF0) == 0xE0) { cp = s[0] & 0x0F; n = 2; }
    else if ((s[0] & 0xF8) == 0xF0) { cp = s[0] & 0x07; n = 3; }
    else { *ps = s + 1; return 0xFFFD; }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) { *ps = s + 1; return 0xFFFD; }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *ps = s + n + 1;
    return cp;
}

int gn_text_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) { utf8_next(&p); w++; }
    return w;
}

int gn_canvas_text(gn_canvas *c, int x, int y, const char *s, int maxw, int fg)
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n < maxw) {
        uint32_t cp = utf8_next(&p);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = ' ';
        if (x + n >= c->w) break;
        gn_canvas_put(c, x + n, y, cp, fg);
        n++;
    }
    return n;
}

int gn_utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int cell_blank(const gn_cell *cell)
{
    return (cell->cp == 0 || cell->cp == ' ') && cell->dots == 0 && cell->bg < 0;
}

static int sgr(char *out, int fg, int bg)
{
    int n = 0;
    memcpy(out, "\x1b[0m", 4);
    n = 4;
    if (fg >= 0) {
        out[n++] = '\x1b'; out[n++] = '[';
        out[n++] = fg < 8 ? '3' : '9';
        out[n++] = (char)('0' + (fg & 7)); out[n++] = 'm';
    }
    if (bg >= 0) {
        out[n++] = '\x1b'; out[n++] = '[';
        if (bg < 8) out[n++] = '4';
        else { out[n++] = '1'; out[n++] = '0'; }
        out[n++] = (char)('0' + (bg & 7)); out[n++] = 'm';
    }
    return n;
}

char *gn_canvas_string(const gn_canvas *c, int color)
{
    /* Worst case per cell: 4 bytes of UTF-8 plus a full SGR change (16). */
    size_t cap = (size_t)c->h * ((size_t)c->w * 20 + 8) + 1;
    char *out = malloc(cap), *p = out;
    if (!out) return NULL;
    for (int y = 0; y < c->h; y++) {
        const gn_cell *row = &c->cells[(size_t)y * (size_t)c->w];
        int end = c->w;
        while (end > 0 && cell_blank(&row[end - 1])) end--;
        int fg = -1, bg = -1;
        for (int x = 0; x < end; x++) {
            const gn_cell *cell = &row[x];
            uint32_t cp = cell->cp;
            if (cp == 0) {
                if (cell->dots == 0) cp = ' ';
                else if (c->ascii) cp = (uint32_t)ascii_dots[cell->dots & 7];
                else cp = 0x2800u + cell->dots;
            }
            int cfg = color && cp != ' ' ? cell->fg : -1;
            int cbg = color ? cell->bg : -1;
            if (cfg != fg || cbg != bg) {
                p += sgr(p, cfg, cbg);
                fg = cfg;
                bg = cbg;
            }
            p += gn_utf8_put(p, cp);
        }
        if (fg >= 0 || bg >= 0) { memcpy(p, "\x1b[0m", 4); p += 4; }
        *p++ = '\n';
    }
    *p = '\0';
    return out;
}

void gn_area_init(gn_area *a, gn_canvas *c, int x0, int y0, int w, int h)
{
    a->c = c;
    a->x0 = x0;
    a->y0 = y0;
    a->w = w < 0 ? 0 : w;
    a->h = h < 0 ? 0 : h;
    a->sx = c->ascii ? 1 : 2;
    a->sy = c->ascii ? 3 : 4;
    a->marker = 0;
    a->fg = -1;
    a->dash = 0;
    a->count = 0;
}

/* Whether dot k along a series of style `dash` is drawn.  The patterns
 * count dots along the whole series (lines and vertical strokes alike), so
 * gaps show however the series is cut into segments: dashed 8 on 4 off,
 * dotted 2 on 4 off, dash-dot 8 on 3 off 2 on 3 off (a braille cell is 2×4
 * dots, so every gap is about a cell wide). */
static int dash_on(int dash, unsigned k)
{
    switch (dash) {
    case 1: return k % 12 < 8;
    case 2: return k % 6 < 2;
    case 3: { unsigned r = k % 16; return r < 8 || (r >= 11 && r < 13); }
    default: return 1;
    }
}

void gn_area_dot(gn_area *a, int px, int py)
{
    if (px < 0 || py < 0 || px >= gn_area_pw(a) || py >= gn_area_ph(a)) return;
    if (a->dash && !a->marker && !dash_on(a->dash, a->count++)) return;
    int cx = px / a->sx, cy = a->h - 1 - py / a->sy;
    int dx = px % a->sx, dy = a->sy - 1 - py % a->sy;   /* dy counts from the top */
    gn_cell *cell = gn_canvas_at(a->c, a->x0 + cx, a->y0 + cy);
    if (!cell) return;
    if (a->marker) {
        cell->cp = a->c->ascii && a->marker >= 0x80 ? '?' : a->marker;
    } else if (a->sx == 2 && a->sy == 4) {
        cell->dots |= braille_bit[dx][dy];
    } else if (a->sy == 3) {
        cell->dots |= (uint8_t)(1u << dy);
    } else {
        cell->dots |= 7;   /* 1×1: a full stroke */
    }
    if (a->fg >= 0) cell->fg = (int8_t)a->fg;
}

void gn_area_mark(gn_area *a, int px, int py, uint32_t cp, int fg)
{
    if (px < 0 || py < 0 || px >= gn_area_pw(a) || py >= gn_area_ph(a)) return;
    gn_canvas_put(a->c, a->x0 + px / a->sx, a->y0 + a->h - 1 - py / a->sy, cp, fg);
}

void gn_area_vline(gn_area *a, int px, int py0, int py1)
{
    if (py0 > py1) { int t = py0; py0 = py1; py1 = t; }
    if (py0 < 0) py0 = 0;
    if (py1 >= gn_area_ph(a)) py1 = gn_area_ph(a) - 1;
    for (int y = py0; y <= py1; y++) gn_area_dot(a, px, y);
}

/* Bresenham; endpoints are clamped by the caller, so the loop is bounded by
 * the area's size. */
void gn_area_line(gn_area *a, int px0, int py0, int px1, int py1)
{
    int dx = abs(px1 - px0), sx = px0 < px1 ? 1 : -1;
    int dy = -abs(py1 - py0), sy = py0 < py1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        int last = px0 == px1 && py0 == py1;
        /* the end point is the next segment's start: drawn once */
        if (!last || !a->dash) gn_area_dot(a, px0, py0);
        if (last) break;
        int e2 = 2 * err;
        if (e2 >= dy) { err += dy; px0 += sx; }
        if (e2 <= dx) { err += dx; py0 += sy; }
    }
}
