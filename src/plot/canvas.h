/* canvas.h — a grid of character cells with braille/ASCII dots, text and colour (internal to src/plot). */
#ifndef GN_PLOT_CANVAS_H
#define GN_PLOT_CANVAS_H

#include <stddef.h>
#include <stdint.h>

/* One cell.  A character (cp) wins over dots; dots are a braille bit mask
 * (2×4) or, in ASCII mode, three sub-rows (bit r = row r from the top). */
typedef struct {
    uint32_t cp;     /* code point to show, 0: show the dots (or a blank) */
    uint8_t dots;    /* dot bits */
    int8_t fg, bg;   /* colours 0..15 (8..15 bright), -1: terminal default */
} gn_cell;

typedef struct {
    int w, h;        /* size in cells */
    int ascii;       /* 1: only ASCII characters, 1×3 dots per cell */
    gn_cell *cells;  /* w*h, row-major */
} gn_canvas;

/* 0, or -1 when out of memory.  w, h below 1 become 1. */
int gn_canvas_init(gn_canvas *c, int w, int h, int ascii);
void gn_canvas_done(gn_canvas *c);
/* The cell at (x, y), or NULL outside the canvas. */
gn_cell *gn_canvas_at(gn_canvas *c, int x, int y);
/* Puts one character; in ASCII mode a code point >= 0x80 becomes '?'. */
void gn_canvas_put(gn_canvas *c, int x, int y, uint32_t cp, int fg);
/* Writes UTF-8 text from (x, y), at most maxw cells (clipped at the edge);
 * control characters show as blanks, and in ASCII mode every non-ASCII code
 * point as '?'.  Returns the cells written. */
int gn_canvas_text(gn_canvas *c, int x, int y, const char *s, int maxw, int fg);
/* Display width of UTF-8 text (one cell per code point). */
int gn_text_width(const char *s);
/* The grid as text: h lines each ending in '\n', trailing blanks trimmed;
 * with color, SGR escapes as documented in figure.h.  NULL if out of memory. */
char *gn_canvas_string(const gn_canvas *c, int color);

/* A plotting region of the canvas addressed in dots, y up from the bottom. */
typedef struct {
    gn_canvas *c;
    int x0, y0, w, h;   /* cells; (x0, y0) is the top-left cell */
    int sx, sy;         /* dots per cell: 2×4 braille, 1×3 ASCII, 1×1 markers */
    uint32_t marker;    /* nonzero: a dot writes this character into its cell */
    int fg;             /* colour of dots (-1 none) */
    int dash;           /* line style: 0 solid, 1 dashed, 2 dotted, 3 dash-dot */
    unsigned count;     /* dots along the current styled series */
} gn_area;

/* Braille (2×4) or ASCII (1×3) resolution, no marker, no colour. */
void gn_area_init(gn_area *a, gn_canvas *c, int x0, int y0, int w, int h);
static inline int gn_area_pw(const gn_area *a) { return a->w * a->sx; }
static inline int gn_area_ph(const gn_area *a) { return a->h * a->sy; }
/* Dots outside the area are ignored. */
void gn_area_dot(gn_area *a, int px, int py);
/* Puts a character in the cell holding dot (px, py). */
void gn_area_mark(gn_area *a, int px, int py, uint32_t cp, int fg);
void gn_area_vline(gn_area *a, int px, int py0, int py1);
/* A straight line (Bresenham). */
void gn_area_line(gn_area *a, int px0, int py0, int px1, int py1);

/* UTF-8 encodes cp into out (at least 4 bytes); returns the byte count. */
int gn_utf8_put(char *out, uint32_t cp);

#endif
