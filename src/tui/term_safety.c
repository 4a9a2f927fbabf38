/* term_safety.c — the user gets their terminal back: curses set-up, output capture, restore on exit and on fatal signals. */
#include "tui_int.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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

SCREEN *tui_term_start(FILE **tty_out)
{
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    /* exported LINES/COLUMNS would pin curses' size and defeat resizing */
    unsetenv("LINES");
    unsetenv("COLUMNS");
    tty_fd = dup(STDOUT_FILENO);
    *tty_out = tty_fd >= 0 ? fdopen(tty_fd, "w") : NULL;
    SCREEN *scr = *tty_out ? newterm(NULL, *tty_out, stdin) : NULL;
    if (!scr) {
        if (*tty_out) fclose(*tty_out);
        *tty_out = NULL;
        return NULL;
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
    return scr;
}

int tui_term_capture(void) { return capture_output(); }

void tui_term_drain(tui *t) { drain_output(t); }

void tui_term_restore(void) { restore_terminal(); }

void tui_term_stop(SCREEN *scr, FILE *tty_out)
{
    restore_terminal();
    delscreen(scr);
    fclose(tty_out);
    tty_fd = -1;
}

void tui_term_sigint_clear(void) { sigint_idle = 0; }
