/* tui.h — interactive front ends: the ncurses notebook and the plain line mode. */
#ifndef TUI_H
#define TUI_H

typedef struct {
    const char *journal;  /* session journal path */
    const char *replay;   /* file to replay first, or NULL */
    int step;             /* --step: wait for a key between replayed chunks */
    int ascii;            /* --ascii (or non-UTF-8 locale): no bytes >= 0x80 */
} tui_opts;

/* The ncurses notebook (src/tui/tui.c).  Returns the process exit status. */
int tui_main(const tui_opts *o);
/* Plain readline loop, used when there is no usable terminal (TERM=dumb,
 * no TTY) (src/tui/lineui.c). */
int tui_line_main(const tui_opts *o);

/* History shared by both front ends: one entry per chunk, multi-line chunks
 * kept whole.  Path from $GANGLION_HISTORY, else ~/.ganglion_history. */
void tui_history_load(void);
void tui_history_add(const char *chunk);

#endif
