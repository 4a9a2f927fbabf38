/* tui.c — the ncurses notebook: panes, the REPL loop, the host callbacks, terminal safety. */
#include "tui.h"
#include "tui_int.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "plot/figure.h"

#ifndef GN_VERSION
#define GN_VERSION "?"
#endif

#define SCROLLBACK_LINES 20000
#define FRAME_S 0.04          /* at most 25 redraws a second while a chunk runs */
#define PLAY_FRAME_MS 50      /* play(): 20 frames a second */
#define PLAY_MAX_S 10.0       /* ... skipping steps so a long run plays in ~10 s */

typedef struct {
    gn_figure *fig;    /* owned; NULL: empty pane */
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

static tui T0;

/* ---- terminal safety ------------------------------------------------------
 * Whatever happens, the user gets their terminal back: a normal return, an
 * exit() from Lua (atexit), or a fatal signal.  The signal path only uses
 * async-signal-safe calls: the saved termios, the saved file descriptors
 * and terminfo's exit strings fetched ahead of time. */
static volatile sig_atomic_t curses_on;
static int tty_fd = -1;            /* the terminal, for curses */
static int saved_out = -1, saved_err = -1;
static struct termios saved_tio;
static int have_tio;
static char reset_seq[256];
static size_t reset_len;
static volatile sig_atomic_t sigint_idle;

static void add_reset(const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1) return;
    size_t n = strlen(s);
    if (reset_len + n < sizeof reset_seq) {
        memcpy(reset_seq + reset_len, s, n);
        reset_len += n;
    }
}

static void restore_fds(void)
{
    if (saved_out >= 0) { dup2(saved_out, 1); close(saved_out); saved_out = -1; }
    if (saved_err >= 0) { dup2(saved_err, 2); close(saved_err); saved_err = -1; }
}

static void restore_terminal(void)
{
    if (curses_on) {
        curses_on = 0;
        endwin();
    }
    fflush(stdout);
    fflush(stderr);
    restore_fds();
}

static void on_fatal(int sig)
{
    if (curses_on) {
        curses_on = 0;
        if (tty_fd >= 0 && reset_len) {
            ssize_t w = write(tty_fd, reset_seq, reset_len);
            (void)w;
        }
        if (have_tio) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
    }
    if (saved_out >= 0) dup2(saved_out, 1);
    if (saved_err >= 0) dup2(saved_err, 2);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* SIGINT outside a chunk (the REPL installs its own handler around each
 * chunk): never let it kill the notebook. */
static void on_sigint_idle(int sig)
{
    (void)sig;
    sigint_idle = 1;
}

static void install_signals(void)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
                                 SIGTERM, SIGHUP, SIGQUIT };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_fatal;
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &sa, NULL);
    sa.sa_handler = on_sigint_idle;
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* stdout and stderr go to a pipe read into the scrollback, so io.write or a
 * library's stray message cannot scribble over the curses screen.  The pipe
 * is non-blocking on both ends: a flood that is not drained in time is
 * dropped instead of hanging the process. */
static int capture_output(void)
{
    int p[2];
    if (pipe(p) != 0) return -1;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
#ifdef F_SETPIPE_SZ
    fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
#endif
    fflush(stdout);
    fflush(stderr);
    saved_out = dup(1);
    if (isatty(2)) saved_err = dup(2);
    setvbuf(stdout, NULL, _IOLBF, 0);
    dup2(p[1], 1);
    if (saved_err >= 0) dup2(p[1], 2);
    close(p[1]);
    return p[0];
}

static void drain_output(tui *t)
{
    if (t->pipe_r < 0) return;
    fflush(stdout);
    fflush(stderr);
    char buf[16384];
    for (int k = 0; k < 64; k++) {
        ssize_t n = read(t->pipe_r, buf, sizeof buf);
        if (n <= 0) break;
        size_t lines = tui_scrollback_append(&t->sb, buf, (size_t)n);
        if (t->scroll) t->scroll += (int)lines;
    }
}

static void atexit_restore(void) { restore_terminal(); }

/* ---- helpers ------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void say(tui *t, const char *s)
{
    tui_scrollback_append(&t->sb, s, strlen(s));
}

static void mode_prompt(void) { raw(); }     /* Ctrl-C is a key: clears the line */
static void mode_running(void) { cbreak(); } /* Ctrl-C is SIGINT: stops the chunk */

/* ---- drawing -------------------------------------------------------------------- */

static void relayout(tui *t)
{
    int H, W;
    getmaxyx(stdscr, H, W);
    tui_layout_compute(&t->lay, H, W, &t->geom);
    /* what a figure made now would get: the current pane, or a sensible
     * default while it is hidden */
    tui_rect r = t->geom.pane[t->cur];
    t->host.width = r.w > 0 ? r.w : (W > 20 ? W : 80);
    t->host.height = r.h > 0 ? r.h : 20;
    t->host.text_width = t->geom.repl.w > 0 ? t->geom.repl.w : W;
}

static void draw_hrule(int y, int x, int w, int ascii)
{
    for (int i = 0; i < w; i++) mvaddstr(y, x + i, ascii ? "-" : "\u2500");
}

static void draw_vrule(int y, int x, int h, int ascii)
{
    for (int i = 0; i < h; i++) mvaddstr(y + i, x, ascii ? "|" : "\u2502");
}

static void draw_pane(tui *t, int k)
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

static void draw_label(tui *t, int k)
{
    tui_rect l = t->geom.label[k];
    if (l.w <= 0) return;
    draw_hrule(l.y, l.x, l.w, t->ascii);
    char num[32];
    snprintf(num, sizeof num, " %d%s ", k + 1, t->lay.zoom == k + 1 ? " zoomed" : "");
    int len = (int)strlen(num);
    if (len + 1 > l.w) return;
    if (k == t->cur) attron(A_REVERSE);
    mvaddstr(l.y, l.x + 1, num);
    if (k == t->cur) attroff(A_REVERSE);
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

static void draw_status(tui *t)
{
    tui_rect S = t->geom.status;
    char left[512], tmp[64], tmp2[64];
    const char *j = t->repl ? gn_repl_journal(t->repl) : NULL;
    size_t unsaved = t->repl ? gn_repl_journal_unsaved(t->repl) : 0;
    int n = snprintf(left, sizeof left, " %s", j ? j : "(no journal)");
    if (unsaved)
        n += snprintf(left + n, sizeof left - n, " (! %zu bytes not on disk)", unsaved);
    if (t->running) {
        fmt_secs(tmp, sizeof tmp, now_s() - t->run_t0);
        n += snprintf(left + n, sizeof left - n, " | running %s", tmp);
    } else if (t->last_time >= 0) {
        fmt_secs(tmp, sizeof tmp, t->last_time);
        n += snprintf(left + n, sizeof left - n, " | last %s", tmp);
    }
    if (t->prog_on && (size_t)n < sizeof left) {
        double d = t->prog_done, tot = t->prog_total;
        fmt_secs(tmp, sizeof tmp, t->prog_elapsed);
        if (t->prog_stopped) {
            n += snprintf(left + n, sizeof left - n, " | %s stopped at %.0f/%.0f after %s",
                          t->prog_what, d, tot, tmp);
        } else if (tot > 0 && d >= tot) {
            n += snprintf(left + n, sizeof left - n, " | %s done %.0f in %s", t->prog_what, tot, tmp);
        } else if (tot > 0) {
            double eta = d > 0 ? t->prog_elapsed * (tot - d) / d : -1;
            if (eta >= 0) fmt_secs(tmp2, sizeof tmp2, eta);
            else snprintf(tmp2, sizeof tmp2, "?");
            n += snprintf(left + n, sizeof left - n, " | %s %.0f/%.0f %.0f%% %s ETA %s",
                          t->prog_what, d, tot, 100.0 * d / tot, tmp, tmp2);
        } else {
            n += snprintf(left + n, sizeof left - n, " | %s %.0f %s", t->prog_what, d, tmp);
        }
        if (t->prog_extra[0] && (size_t)n < sizeof left)
            n += snprintf(left + n, sizeof left - n, " %s", t->prog_extra);
    }
    (void)n;
    const char *hints = t->banner ? t->banner
                      : t->running ? "^C stop  PgUp/PgDn scroll"
                      : "F1 keys  F2 zoom  F3 pane  PgUp/PgDn  ^D quit";
    attron(A_REVERSE);
    for (int i = 0; i < S.w; i++) mvaddch(S.y, S.x + i, ' ');
    int hl = (int)strlen(hints);
    int lw = tui_blit_width(left, strlen(left), t->ascii);
    if (lw + hl + 2 <= S.w) {
        tui_blit_line(stdscr, S.y, S.x, S.w, left, strlen(left), t->ascii, A_REVERSE);
        mvaddstr(S.y, S.x + S.w - hl - 1, hints);
    } else if (t->banner) {
        tui_blit_line(stdscr, S.y, S.x, S.w, hints, (size_t)hl, 1, A_REVERSE);
    } else {
        tui_blit_line(stdscr, S.y, S.x, S.w, left, strlen(left), t->ascii, A_REVERSE);
    }
    attroff(A_REVERSE);
}

static void draw(tui *t)
{
    relayout(t);
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
        t->last_draw = now_s();
        return;
    }
    for (int k = 0; k < t->geom.npanes && k < TUI_MAXPANES; k++) {
        draw_pane(t, k);
        draw_label(t, k);
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
    t->last_draw = now_s();
}

void tui_redraw(tui *t) { draw(t); }

static void maybe_draw(tui *t)
{
    if (now_s() - t->last_draw >= FRAME_S) draw(t);
}

/* ---- keys ------------------------------------------------------------------------ */

/* Curses key codes back into the byte sequences readline binds by default. */
static size_t key_bytes(int ch, char *out)
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
    say(t, "keys: F1 this list  F2 zoom the current pane (again: back)  F3 next pane\n"
           "      F4 REPL full screen  PgUp/PgDn scroll  ^L redraw  Tab complete\n"
           "      ^R search history  ^C stop a chunk / clear the line  ^D quit\n"
           "      play(): space pause, left/right step, q stop.  help(\"keys\") has more.\n");
}

/* Keys that belong to the notebook rather than to the line being edited;
 * they work at the prompt and while a chunk runs.  Returns 1 if used. */
static int ui_key(tui *t, int ch)
{
    int page = t->geom.repl.h > 3 ? t->geom.repl.h - 2 : 1;
    switch (ch) {
    case KEY_RESIZE: break;
    case KEY_PPAGE: t->scroll += page; break;
    case KEY_NPAGE: t->scroll -= page; if (t->scroll < 0) t->scroll = 0; break;
    case KEY_F(1): show_keys(t); t->scroll = 0; break;
    case KEY_F(2): toggle_zoom(t, t->cur + 1); break;
    case KEY_F(3):
        t->cur = (t->cur + 1) % (t->lay.grid_r * t->lay.grid_c);
        if (t->lay.zoom >= 1 && t->lay.zoom <= TUI_MAXPANES) t->lay.zoom = t->cur + 1;
        break;
    case KEY_F(4): toggle_zoom(t, TUI_MAXPANES + 1); break;
    case 12: clearok(curscr, TRUE); break;   /* ^L */
    case KEY_MOUSE: break;
    default: return 0;
    }
    draw(t);
    return 1;
}

/* One key at the prompt. */
static void prompt_key(tui *t, int ch)
{
    if (ch == ERR || ui_key(t, ch)) return;
    if (ch == 3) {   /* ^C: drop the line (and an unfinished chunk), never exit */
        gn_repl_reset(t->repl);
        say(t, "^C\n");
        t->scroll = 0;
        tui_rline_clear();
        tui_rline_prompt(gn_repl_prompt(t->repl));
        return;
    }
    char b[8];
    size_t n = key_bytes(ch, b);
    if (n) tui_rline_feed(b, n);
}

void tui_wait_input(tui *t)
{
    int ch;
    do {
        ch = getch();
        if (ch == ERR) return;
    } while (ui_key(t, ch));
    char b[8];
    size_t n = key_bytes(ch, b);
    if (n) tui_rline_queue(b, n);   /* we are inside readline: queue only */
}

/* ---- running chunks -------------------------------------------------------------- */

void tui_on_line(tui *t, char *line)
{
    t->line = line;
    t->have_line = 1;
    t->eof = line == NULL;
}

static void begin_run(tui *t)
{
    t->running = 1;
    t->run_t0 = now_s();
    t->prog_on = 0;
    t->prog_stopped = 0;
    t->scroll = 0;
    mode_running();
    sigint_idle = 0;
    draw(t);
}

static void end_run(tui *t)
{
    drain_output(t);
    t->running = 0;
    t->last_time = gn_repl_last_time(t->repl);
    if (t->prog_on && t->prog_total > 0 && t->prog_done < t->prog_total) t->prog_stopped = 1;
    mode_prompt();
}

static void run_line(tui *t)
{
    char *line = t->line;
    t->line = NULL;
    t->have_line = 0;
    if (t->eof) {
        t->quit = 1;
        return;
    }
    /* a multi-line chunk recalled from history arrives as one string */
    char *p = line;
    for (;;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        say(t, gn_repl_prompt(t->repl));
        say(t, p);
        say(t, "\n");
        begin_run(t);
        int rc = gn_repl_feed(t->repl, p);
        end_run(t);
        if (rc != GN_REPL_MORE) {
            const char *chunk = gn_repl_last_chunk(t->repl);
            if (chunk && *chunk) tui_history_add(chunk);
        }
        if (!nl) break;
        p = nl + 1;
    }
    free(line);
    tui_rline_prompt(gn_repl_prompt(t->repl));
}

static void step_wait(void *ud)
{
    tui *t = ud;
    int saved = t->running;
    t->running = 0;
    t->banner = "--step: a key runs the next chunk";
    mode_prompt();
    draw(t);
    for (;;) {
        int ch = getch();
        if (ch == ERR || ui_key(t, ch)) continue;
        break;
    }
    t->banner = NULL;
    t->running = saved;
    t->run_t0 = now_s();
    mode_running();
    draw(t);
}

/* ---- host callbacks -------------------------------------------------------------- */

static void h_write(gn_host *h, const char *s, size_t n)
{
    tui *t = h->ud;
    size_t lines = tui_scrollback_append(&t->sb, s, n);
    if (t->scroll) t->scroll += (int)lines;
    if (t->running) maybe_draw(t);
}

static void h_figure(gn_host *h, struct gn_figure *fig, int pane)
{
    tui *t = h->ud;
    int k = pane >= 1 && pane <= TUI_MAXPANES ? pane - 1 : t->cur;
    tui_figslot *s = &t->slot[k];
    if (s->fig) gn_figure_free(s->fig);
    free(s->text);
    s->fig = fig;
    s->text = NULL;
    relayout(t);
    if (t->geom.pane[k].w <= 0 && !t->geom.too_small) {
        char msg[96];
        snprintf(msg, sizeof msg, "(figure in pane %d, hidden at this size: F2 zooms it)\n", k + 1);
        say(t, msg);
    }
    draw(t);
}

static void h_progress(gn_host *h, const char *what, double done, double total,
                       double elapsed, const char *extra)
{
    tui *t = h->ud;
    t->prog_on = 1;
    t->prog_stopped = 0;
    snprintf(t->prog_what, sizeof t->prog_what, "%s", what ? what : "");
    snprintf(t->prog_extra, sizeof t->prog_extra, "%s", extra ? extra : "");
    t->prog_done = done;
    t->prog_total = total;
    t->prog_elapsed = elapsed;
    if (h->poll) h->poll(h);
}

static int h_layout(gn_host *h, const char *spec)
{
    tui *t = h->ud;
    if (tui_layout_parse(&t->lay, spec) != 0) return -1;
    int np = t->lay.grid_r * t->lay.grid_c;
    if (t->cur >= np) t->cur = 0;
    draw(t);
    return 0;
}

static int h_pane(gn_host *h, int k)
{
    tui *t = h->ud;
    if (k < 1 || k > t->lay.grid_r * t->lay.grid_c) return -1;
    t->cur = k - 1;
    draw(t);
    return 0;
}

/* Called from the Lua count hook (every 10,000 instructions) and from
 * progress reports: cheap unless a frame is due. */
static void h_poll(gn_host *h)
{
    tui *t = h->ud;
    double now = now_s();
    if (now - t->last_poll < FRAME_S) return;
    t->last_poll = now;
    drain_output(t);
    nodelay(stdscr, TRUE);
    int ch;
    while ((ch = getch()) != ERR) {
        if (ui_key(t, ch)) continue;
        char b[8];
        size_t n = key_bytes(ch, b);
        if (n) tui_rline_queue(b, n);   /* typeahead; readline may be busy completing */
    }
    nodelay(stdscr, FALSE);
    draw(t);
}

/* play(): steps through the frames in a pane with a time cursor.  Keys:
 * space pauses, left/right step (and pause), Home/End jump, q or Esc
 * stops; Ctrl-C stops and interrupts the chunk as usual.  The figure stays
 * in the pane afterwards, at the frame last shown. */
static int h_play(gn_host *h, struct gn_figure *frames, int pane)
{
    tui *t = h->ud;
    int k = pane >= 1 && pane <= t->lay.grid_r * t->lay.grid_c ? pane - 1 : t->cur;
    tui_figslot *s = &t->slot[k];
    if (s->fig && s->fig != frames) gn_figure_free(s->fig);
    free(s->text);
    s->fig = frames;
    s->text = NULL;
    size_t n = gn_figure_frame_count(frames);
    if (n == 0) return 0;
    int saved_zoom = t->lay.zoom;
    relayout(t);
    if (t->geom.pane[k].w <= 0) {
        t->lay.zoom = k + 1;   /* hidden at this size: borrow the screen */
        relayout(t);
    }
    if (t->geom.pane[k].w <= 0) {
        gn_figure_set_frame(frames, n - 1);
        t->lay.zoom = saved_zoom;
        return 0;
    }
    size_t stride = (size_t)(n / (PLAY_MAX_S * 1000.0 / PLAY_FRAME_MS));
    if (stride < 1) stride = 1;
    size_t f = 0;
    int paused = 0, interrupted = 0;
    char banner[96];
    raw();
    timeout(PLAY_FRAME_MS);
    for (;;) {
        gn_figure_set_frame(frames, f);
        snprintf(banner, sizeof banner, "play %zu/%zu%s  space pause  <-/-> step  q stop",
                 f + 1, n, paused ? " (paused)" : "");
        t->banner = banner;
        draw(t);
        int ch = getch();
        if (ch == 'q' || ch == 'Q' || ch == 27) break;
        if (ch == 3) { interrupted = 1; break; }
        if (ch == ' ') paused = !paused;
        else if (ch == KEY_RIGHT) { paused = 1; if (f + 1 < n) f++; continue; }
        else if (ch == KEY_LEFT) { paused = 1; if (f > 0) f--; continue; }
        else if (ch == KEY_HOME) { f = 0; continue; }
        else if (ch == KEY_END) { f = n - 1; continue; }
        else if (ch != ERR) ui_key(t, ch);
        if (!paused && ch == ERR) {
            if (f + 1 >= n) break;
            f = f + stride < n ? f + stride : n - 1;
        }
    }
    timeout(-1);
    t->banner = NULL;
    t->lay.zoom = saved_zoom;
    if (t->running) mode_running();
    else mode_prompt();
    draw(t);
    if (interrupted) raise(SIGINT);   /* the REPL's handler stops the chunk */
    return 0;
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
        say(t, prompt);
        say(t, text);
        say(t, "\n");
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
        say(t, row);
    }
    free(row);
    if (shown < n) {
        char more[64];
        snprintf(more, sizeof more, "... and %d more\n", n - shown);
        say(t, more);
    }
    t->scroll = 0;
    draw(t);
}

/* ---- main ------------------------------------------------------------------------- */

int tui_main(const tui_opts *o)
{
    tui *t = &T0;
    memset(t, 0, sizeof *t);
    t->o = o;
    t->ascii = o->ascii;
    t->last_time = -1;
    t->pipe_r = -1;
    const char *nc = getenv("NO_COLOR");
    setlocale(LC_ALL, "");

    /* readline first: its terminal set-up (tgetent) would otherwise replace
     * the terminal description curses works with */
    tui_rline_init(t);

    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    /* exported LINES/COLUMNS would pin curses' size and defeat resizing */
    unsetenv("LINES");
    unsetenv("COLUMNS");
    tty_fd = dup(STDOUT_FILENO);
    FILE *tty_out = tty_fd >= 0 ? fdopen(tty_fd, "w") : NULL;
    SCREEN *scr = tty_out ? newterm(NULL, tty_out, stdin) : NULL;
    if (!scr) {
        tui_rline_done();
        if (tty_out) fclose(tty_out);
        return tui_line_main(o);
    }
    set_term(scr);
    curses_on = 1;
    reset_len = 0;
    add_reset("rmcup");
    add_reset("cnorm");
    add_reset("sgr0");
    add_reset("rmkx");
    atexit(atexit_restore);
    install_signals();
    t->pipe_r = capture_output();

    raw();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    meta(stdscr, TRUE);
    set_escdelay(25);
    t->color = !(nc && *nc) && has_colors();
    tui_blit_init(t->color);

    tui_scrollback_init(&t->sb, SCROLLBACK_LINES, t->ascii);
    tui_layout_parse(&t->lay, "1");
    t->host.write = h_write;
    t->host.figure = h_figure;
    t->host.progress = h_progress;
    t->host.layout = h_layout;
    t->host.pane = h_pane;
    t->host.poll = h_poll;
    t->host.play = h_play;
    t->host.ascii = t->ascii;
    t->host.color = t->color;
    t->host.ud = t;
    relayout(t);

    char *err = NULL;
    t->repl = gn_repl_new(&t->host, o->journal, 1, &err);
    if (!t->repl) {
        restore_terminal();
        fprintf(stderr, "ganglion: %s\n", err ? err : "cannot start the Lua state");
        free(err);
        return 1;
    }
    char hello[256];
    snprintf(hello, sizeof hello,
             "ganglion %s -- help() lists topics, F1 the keys, Ctrl-D quits\njournal: %s\n", GN_VERSION,
             gn_repl_journal(t->repl) ? gn_repl_journal(t->repl) : "(none)");
    say(t, hello);
    tui_history_load();
    draw(t);

    if (o->replay) {
        begin_run(t);
        gn_repl_run_file(t->repl, o->replay, 1, 0, o->step ? step_wait : NULL, t);
        end_run(t);
    }

    mode_prompt();
    tui_rline_prompt(gn_repl_prompt(t->repl));
    while (!t->quit) {
        if (t->have_line) {
            run_line(t);
            if (tui_rline_pending()) tui_rline_feed(NULL, 0);   /* typeahead */
            draw(t);
            continue;
        }
        if (sigint_idle) sigint_idle = 0;
        int ch = getch();
        prompt_key(t, ch);
    }

    tui_rline_done();
    char *journal = gn_repl_close_journal(t->repl);
    gn_repl_free(t->repl);
    t->repl = NULL;
    for (int k = 0; k < TUI_MAXPANES; k++) {
        if (t->slot[k].fig) gn_figure_free(t->slot[k].fig);
        free(t->slot[k].text);
    }
    restore_terminal();
    delscreen(scr);
    fclose(tty_out);
    tty_fd = -1;
    if (t->pipe_r >= 0) close(t->pipe_r);
    tui_scrollback_free(&t->sb);
    free(wrap_offs);
    wrap_offs = NULL;
    wrap_cap = 0;
    free(disp);
    disp = NULL;
    disp_cap = 0;
    if (journal) printf("%s\n", journal);
    free(journal);
    return 0;
}
