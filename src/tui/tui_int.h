/* tui_int.h — what the files of the ncurses notebook share with each other. */
#ifndef TUI_INT_H
#define TUI_INT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stddef.h>
#include <stdio.h>

#include "lua/base/l_host.h"
#include "lua/shell/repl.h"
#include "plot/figure.h"
#include "tui.h"

/* ---- scrollback (scrollback.c) ----------------------------------------------
 * The REPL pane's text: a ring of complete lines with a cap, plus the line
 * being written.  Escape sequences and control bytes are dropped on the way
 * in, so drawing never has to parse them; a chunk that prints millions of
 * lines costs one copy per line and old lines fall off the ring. */
typedef struct {
    char **lines;          /* ring of cap lines (NULL when unused) */
    size_t cap;            /* ring capacity in lines */
    size_t head;           /* index of the oldest line */
    size_t count;          /* complete lines held */
    char *part;            /* unfinished last line, NUL-terminated */
    size_t plen, pcap;     /* its length and allocation */
    int esc;               /* escape-sequence parser state across calls */
    int cr;                /* a '\r' waits: overwrite unless '\n' follows */
    int ascii;             /* replace non-ASCII characters by '?' */
} tui_scrollback;

void tui_scrollback_init(tui_scrollback *s, size_t cap, int ascii);
void tui_scrollback_free(tui_scrollback *s);
/* Appends n bytes; returns the number of lines completed. */
size_t tui_scrollback_append(tui_scrollback *s, const char *p, size_t n);
/* Lines available for display: complete ones, plus the partial one if any. */
size_t tui_scrollback_count(const tui_scrollback *s);
/* Line i, 0 = oldest. */
const char *tui_scrollback_line(const tui_scrollback *s, size_t i);

/* ---- drawing text with colours (blit.c) ---------------------------------- */
/* Prepares colour pairs; enable = 0 leaves everything monochrome. */
void tui_blit_init(int enable);
/* Draws one line of UTF-8 text (which may hold SGR colour escapes) at (y, x),
 * clipped to w cells; returns the cells used.  ascii: bytes >= 0x80 are shown
 * as '?', so nothing outside ASCII ever reaches the screen. */
int tui_blit_line(WINDOW *win, int y, int x, int w, const char *s, size_t n,
                  int ascii, attr_t base);
/* Draws newline-separated text into the rectangle (y, x, h, w). */
void tui_blit_text(WINDOW *win, int y, int x, int h, int w, const char *text, int ascii);
/* Decodes the character at s: its byte length (>= 1) and cells. */
size_t tui_blit_char(const char *s, size_t n, int ascii, int *cells);
/* Display width in cells of the first n bytes of s (no escapes). */
int tui_blit_width(const char *s, size_t n, int ascii);
/* Byte length of the longest prefix of s[0..n) that fits in w cells. */
size_t tui_blit_fit(const char *s, size_t n, int w, int ascii);

/* ---- pane geometry (layout.c) -------------------------------------------- */
typedef struct { int y, x, h, w; } tui_rect;   /* h or w 0: hidden */

#define TUI_MAXPANES 4
#define TUI_MIN_W 20
#define TUI_MIN_H 5
/* The smallest useful plot pane: a title, a few rows of plot, an axis.  A
 * grid whose panes would be smaller shows its panes as tabs, one at a
 * time (F3 switches); a single pane smaller than this is hidden. */
#define TUI_PANE_MIN_H 8
#define TUI_PANE_MIN_W 20

typedef struct {
    int grid_r, grid_c;    /* layout("RxC"): rows × columns of plot panes */
    int zoom;              /* 0: none; 1..4 plot pane k full screen; 5: the REPL */
    int tab;               /* when the panes are tabs: the one shown, 0-based */
} tui_layout;

typedef struct {
    int too_small;                 /* below TUI_MIN_W × TUI_MIN_H */
    int npanes;                    /* grid_r * grid_c */
    int tabs;                      /* too little room for the grid: one pane shown, its label is a tab bar */
    tui_rect pane[TUI_MAXPANES];   /* plot panes (w == 0: not shown now) */
    tui_rect label[TUI_MAXPANES];  /* the rule line under each pane, holding its number */
    tui_rect vrule[2];             /* vertical rules (between columns, before the REPL) */
    tui_rect repl;                 /* REPL pane, input line last */
    tui_rect status;               /* one line at the bottom */
} tui_geom;

/* Parses "1", "1x2", "2x1", "2x2" (also "2", "3", "4" as a count); 0 or -1. */
int tui_layout_parse(tui_layout *l, const char *spec);
void tui_layout_compute(const tui_layout *l, int H, int W, tui_geom *g);

/* ---- readline inside curses (rline.c) ------------------------------------ */
typedef struct tui tui;
void tui_rline_init(tui *t);
void tui_rline_done(void);
/* Installs the prompt for the next line. */
void tui_rline_prompt(const char *prompt);
/* Hands readline bytes typed by the user (already translated from curses
 * key codes) and lets it process them. */
void tui_rline_feed(const char *bytes, size_t n);
/* Queues bytes without running readline: for callers that may be inside
 * readline already (its getc hook, a poll during completion). */
void tui_rline_queue(const char *bytes, size_t n);
/* Bytes queued for readline but not yet processed (typeahead). */
int tui_rline_pending(void);
/* Ctrl-C at the prompt: forget the line being edited, any search and
 * typeahead; the caller installs the prompt again. */
void tui_rline_clear(void);
/* What the input line shows now: prompt and text, cursor byte offset in
 * text.  Safe to call from a redraw during a running chunk. */
void tui_rline_view(const char **prompt, const char **text, int *point);

/* ---- the notebook's state (tui.c) --------------------------------------- */
#define TUI_FRAME_S 0.04    /* at most 25 redraws (and key polls) a second while a chunk runs */
#define TUI_FIG_HISTORY 8   /* figures each pane keeps (F5/F6 step through them) */

/* One plot pane's figures. */
typedef struct {
    gn_figure *fig;    /* shown: hist[pos], or NULL (empty pane) */
    gn_figure *hist[TUI_FIG_HISTORY];   /* owned, oldest first */
    int n, pos;        /* figures held, the one shown */
    int live;          /* the newest is a live view: the next figure replaces it */
    char *text;        /* rendered at (w, h, frame) */
    int w, h;
    size_t frame;
} tui_figslot;

struct tui {
    gn_host host;
    gn_repl *repl;
    const tui_opts *o;
    tui_scrollback sb;
    tui_layout lay;
    tui_geom geom;
    tui_figslot slot[TUI_MAXPANES];
    int cur;               /* pane the next figure goes to, 0-based */
    int ascii, color;
    int scroll;            /* scrollback lines hidden below the view */
    int running;           /* a chunk is executing */
    double run_t0;         /* when it started (monotonic s) */
    double last_time;      /* wall time of the last chunk, s (< 0: none yet) */
    char *line;            /* line accepted by readline, waiting to run */
    int have_line, eof, quit;
    /* progress of long work, from host->progress */
    int prog_on;
    int prog_stopped;      /* the chunk ended before the work did */
    char prog_what[48], prog_extra[96];
    double prog_done, prog_total, prog_elapsed;
    double last_draw, last_poll;
    const char *banner;    /* replaces the key hints (play, --step) */
    int pipe_r;            /* captured stdout/stderr of the process */
};

/* Monotonic wall time, s. */
double tui_now(void);
/* Appends text to the REPL pane's scrollback. */
void tui_say(tui *t, const char *s);
/* Terminal modes: at the prompt Ctrl-C is a key (it clears the line);
 * while a chunk runs it is SIGINT (it stops the chunk). */
void tui_mode_prompt(void);
void tui_mode_running(void);
/* Called by rline.c. */
void tui_on_line(tui *t, char *line);           /* accepted line, or NULL on EOF */
void tui_redraw(tui *t);                        /* redraw now */
void tui_show_matches(tui *t, char **matches, int n, int maxlen);
char **tui_complete(tui *t, const char *word);  /* gn_repl_complete */
/* readline wants a key and none is queued (a few commands read keys
 * themselves): block until some are fed. */
void tui_wait_input(tui *t);

/* ---- a pane's figures (panes.c) ------------------------------------------ */
/* Puts fig into the pane's history and shows it (live: a view redrawn in
 * place, which the next figure replaces). */
void tui_panes_push(tui_figslot *s, gn_figure *fig, int live);
/* F5 / F6: an older (d < 0) or newer figure of the pane. */
void tui_panes_step(tui_figslot *s, int d);
/* Frees every figure the pane holds. */
void tui_panes_free(tui_figslot *s);
/* Draws plot pane k, and the rule line under it that carries its number. */
void tui_panes_draw(tui *t, int k);
void tui_panes_draw_label(tui *t, int k);

/* ---- the whole screen (screen.c) ----------------------------------------- */
/* Recomputes the geometry for the terminal's size and what a new figure gets. */
void tui_screen_relayout(tui *t);
void tui_screen_draw(tui *t);
/* Draws unless a frame was drawn less than a frame time ago. */
void tui_screen_draw_maybe(tui *t);
/* A horizontal rule of w cells at (y, x). */
void tui_screen_hrule(int y, int x, int w, int ascii);
/* Releases the drawing buffers (at exit). */
void tui_screen_free(void);

/* ---- keys (input.c) ------------------------------------------------------ */
/* Curses key code into the bytes readline binds; returns their count. */
size_t tui_input_key_bytes(int ch, char *out);
/* Keys of the notebook itself (F1..F6, PgUp/PgDn, ^L): 1 if used. */
int tui_input_ui_key(tui *t, int ch);
/* One key at the prompt. */
void tui_input_prompt_key(tui *t, int ch);

/* ---- host callbacks (host.c) --------------------------------------------- */
/* Fills t->host with the notebook's callbacks (write, figure, play, ...). */
void tui_host_init(tui *t);

/* ---- terminal safety (term_safety.c) ------------------------------------- */
/* Opens curses on a copy of stdout and arms the restore paths (atexit,
 * fatal signals); NULL when there is no usable terminal. */
SCREEN *tui_term_start(FILE **tty_out);
/* Sends stdout and stderr into a pipe; returns its read end or -1. */
int tui_term_capture(void);
/* Moves captured output into the scrollback. */
void tui_term_drain(tui *t);
/* Ends curses and gives stdout/stderr back (idempotent). */
void tui_term_restore(void);
/* Restores, then frees what tui_term_start made. */
void tui_term_stop(SCREEN *scr, FILE *tty_out);
/* Forgets a Ctrl-C that arrived between chunks. */
void tui_term_sigint_clear(void);

#endif
