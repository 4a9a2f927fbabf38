/* tui.c — the ncurses notebook's event loop: start-up, keys at the prompt, running each line, shutting down. */
#include "tui_int.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef GN_VERSION
#define GN_VERSION "?"
#endif

#define SCROLLBACK_LINES 20000

static tui T0;

double tui_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void tui_say(tui *t, const char *s)
{
    tui_scrollback_append(&t->sb, s, strlen(s));
}

void tui_mode_prompt(void) { raw(); }     /* Ctrl-C is a key: clears the line */
void tui_mode_running(void) { cbreak(); } /* Ctrl-C is SIGINT: stops the chunk */

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
    t->run_t0 = tui_now();
    t->prog_on = 0;
    t->prog_stopped = 0;
    t->scroll = 0;
    tui_mode_running();
    tui_term_sigint_clear();
    tui_screen_draw(t);
}

static void end_run(tui *t)
{
    tui_term_drain(t);
    t->running = 0;
    t->last_time = gn_repl_last_time(t->repl);
    /* a live view the chunk left (training stopped by Ctrl-C or an error)
     * stays in its pane's history as it was last drawn */
    for (int k = 0; k < TUI_MAXPANES; k++) t->slot[k].live = 0;
    if (t->prog_on && t->prog_total > 0 && t->prog_done < t->prog_total) t->prog_stopped = 1;
    tui_mode_prompt();
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
        tui_say(t, gn_repl_prompt(t->repl));
        tui_say(t, p);
        tui_say(t, "\n");
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
    tui_mode_prompt();
    tui_screen_draw(t);
    for (;;) {
        int ch = getch();
        if (ch == ERR || tui_input_ui_key(t, ch)) continue;
        break;
    }
    t->banner = NULL;
    t->running = saved;
    t->run_t0 = tui_now();
    tui_mode_running();
    tui_screen_draw(t);
}

/* The greeting, filled into lines of at most w cells (the REPL column) at
 * the joints between its phrases (the separator dropped), so no phrase
 * is broken across lines;
 * a journal path longer than the column goes on a line of its own. */
static void say_banner(tui *t, int w)
{
    const char *part[] = { "ganglion " GN_VERSION, " -- ", "help() lists topics", ", ",
                           "F1 the keys", ", ", "Ctrl-D quits" };
    char line[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof part / sizeof part[0]; i += 2) {
        const char *sep = i ? part[i - 1] : "";
        size_t need = strlen(sep) + strlen(part[i]);
        if (len && (int)(len + need) > w) {
            tui_say(t, line);
            tui_say(t, "\n");
            len = 0;
            sep = "";
        }
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", sep, part[i]);
    }
    tui_say(t, line);
    tui_say(t, "\n");
    const char *j = gn_repl_journal(t->repl) ? gn_repl_journal(t->repl) : "(none)";
    tui_say(t, "journal:");
    if ((int)(strlen("journal: ") + strlen(j)) <= w) {
        tui_say(t, " ");
        tui_say(t, j);
        tui_say(t, "\n");
        return;
    }
    /* Too long for the column: on lines of their own, broken after a '/'
     * (only a single name wider than the column is cut inside). */
    tui_say(t, "\n");
    size_t cap = w > 1 ? (size_t)w : 1;
    while (*j) {
        size_t len = strlen(j), take = 0;
        for (size_t i = 0; i < len && i < cap; i++)
            if (j[i] == '/') take = i + 1;
        if (len <= cap) take = len;
        else if (take == 0) take = cap;
        snprintf(line, sizeof line, "%.*s\n", (int)(take < sizeof line - 2 ? take : sizeof line - 2), j);
        tui_say(t, line);
        j += strlen(line) - 1;
    }
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

    FILE *tty_out = NULL;
    SCREEN *scr = tui_term_start(&tty_out);
    if (!scr) {
        tui_rline_done();
        return tui_line_main(o);
    }
    t->pipe_r = tui_term_capture();

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
    tui_host_init(t);
    tui_screen_relayout(t);

    char *err = NULL;
    t->repl = gn_repl_new(&t->host, o->journal, 1, &err);
    if (!t->repl) {
        tui_term_restore();
        fprintf(stderr, "ganglion: %s\n", err ? err : "cannot start the Lua state");
        free(err);
        return 1;
    }
    say_banner(t, t->host.text_width);
    tui_history_load();
    tui_screen_draw(t);

    if (o->replay) {
        begin_run(t);
        gn_repl_run_file(t->repl, o->replay, 1, 0, o->step ? step_wait : NULL, t);
        end_run(t);
    }

    tui_mode_prompt();
    tui_rline_prompt(gn_repl_prompt(t->repl));
    while (!t->quit) {
        if (t->have_line) {
            run_line(t);
            if (tui_rline_pending()) tui_rline_feed(NULL, 0);   /* typeahead */
            tui_screen_draw(t);
            continue;
        }
        tui_term_sigint_clear();
        int ch = getch();
        tui_input_prompt_key(t, ch);
    }

    tui_rline_done();
    char *journal = gn_repl_close_journal(t->repl);
    gn_repl_free(t->repl);
    t->repl = NULL;
    for (int k = 0; k < TUI_MAXPANES; k++) tui_panes_free(&t->slot[k]);
    tui_term_stop(scr, tty_out);
    if (t->pipe_r >= 0) close(t->pipe_r);
    tui_scrollback_free(&t->sb);
    tui_screen_free();
    if (journal) printf("%s\n", journal);
    free(journal);
    return 0;
}
