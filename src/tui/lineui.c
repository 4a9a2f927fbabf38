/* lineui.c — the plain line prompt (no curses): readline's callback
 * interface on a terminal, plain line reading from a pipe.  Used when
 * there is no usable terminal (TERM=dumb, stdin not a TTY). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "tui.h"
#include "lua/shell/batch.h"
#include "lua/shell/repl.h"

static gn_repl *repl;
static int quit;
static volatile sig_atomic_t got_int;

static void on_int(int sig) { (void)sig; got_int = 1; }

/* Word breaks include Lua's operators, so readline's word is exactly the
 * name path (a.b:c) that gn_repl_complete completes. */
static const char WORD_BREAKS[] = " \t\n\"\\'`@$><=;|&{}()[]+-*/%^#~,";

static char *complete_gen(const char *text, int state)
{
    static char **c;
    static int i;
    if (state == 0) {
        c = gn_repl_complete(repl, text);
        i = 0;
    }
    if (!c) return NULL;
    if (!c[i]) {
        free(c);
        c = NULL;
        return NULL;
    }
    return c[i++];   /* readline frees it */
}

static char **attempt(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0';
    gn_repl_complete_context(rl_line_buffer, (size_t)start);   /* option names in lif{vr| */
    char **m = rl_completion_matches(text, complete_gen);
    gn_repl_complete_context(NULL, 0);
    return m;
}

static void on_line(char *line)
{
    rl_callback_handler_remove();
    if (!line) {
        quit = 1;
        putchar('\n');
        return;
    }
    int st = gn_repl_feed(repl, line);
    if (st != GN_REPL_MORE) tui_history_add(gn_repl_last_chunk(repl));
    free(line);
    if (!quit) rl_callback_handler_install(gn_repl_prompt(repl), on_line);
}

static int pipe_loop(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int failed = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
        if (gn_repl_feed(repl, line) == GN_REPL_ERROR) failed = 1;
    }
    free(line);
    return failed;
}

int tui_line_main(const tui_opts *o)
{
    gn_host host;
    gn_batch_host_init(&host, o->ascii);
    char *err = NULL;
    repl = gn_repl_new(&host, o->journal, 1, &err);
    if (!repl) {
        fprintf(stderr, "ganglion: %s\n", err);
        free(err);
        return 1;
    }
    int status = 0;
    struct sigaction sa = {0};
    sa.sa_handler = on_int;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    if (o->replay) gn_repl_run_file(repl, o->replay, 1, 0, NULL, NULL);
    if (!isatty(STDIN_FILENO)) {
        status = pipe_loop();
        char *jm = gn_repl_close_journal(repl);   /* quiet unless something was lost */
        if (jm && strstr(jm, "missing")) fprintf(stderr, "ganglion: %s\n", jm);
        free(jm);
        gn_repl_free(repl);
        return status;
    }
    rl_readline_name = "ganglion";
    rl_catch_signals = 0;
    rl_attempted_completion_function = attempt;
    rl_basic_word_break_characters = WORD_BREAKS;
    tui_history_load();
    printf("ganglion %s — help() lists topics, Ctrl-D quits\njournal: %s\n", GN_VERSION,
           gn_repl_journal(repl) ? gn_repl_journal(repl) : "(none)");
    rl_callback_handler_install(gn_repl_prompt(repl), on_line);
    while (!quit) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL);
        if (got_int) {
            /* Ctrl-C at the prompt drops the line and any unfinished chunk. */
            got_int = 0;
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_callback_handler_remove();
            putchar('\n');
            gn_repl_reset(repl);
            rl_callback_handler_install(gn_repl_prompt(repl), on_line);
            continue;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        rl_callback_read_char();
    }
    rl_callback_handler_remove();
    char *journal = gn_repl_close_journal(repl);
    if (journal) printf("%s\n", journal);
    free(journal);
    gn_repl_free(repl);
    return status;
}
