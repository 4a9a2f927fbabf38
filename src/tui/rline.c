/* rline.c — GNU readline driven through its callback interface inside the curses screen. */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>
#include <readline/history.h>

/* Readline never touches the terminal here: curses owns it.  Keys reach
 * readline through this queue (filled by input.c and host.c from wgetch, with curses key
 * codes turned back into the escape sequences readline binds), and
 * readline's idea of the screen reaches curses through the redisplay hook,
 * which simply redraws the frame from rl_line_buffer and rl_point. */
static tui *T;
static unsigned char queue[8192];
static size_t q_head, q_len;
static FILE *devnull;
static int installed;        /* a line handler is installed (prompt shown) */
static char *prompt_copy;

static int q_pop(void)
{
    int c = queue[q_head];
    q_head = (q_head + 1) % sizeof queue;
    q_len--;
    return c;
}

static int getc_hook(FILE *f)
{
    (void)f;
    while (q_len == 0) tui_wait_input(T);
    return q_pop();
}

static int input_available(void) { return q_len > 0; }

static void redisplay(void) { tui_redraw(T); }

static void prep_term(int meta) { (void)meta; }
static void deprep_term(void) { }

static void on_line(char *line)
{
    /* Removing the handler here stops readline from redrawing a fresh prompt
     * before the chunk has run; tui_rline_prompt installs it again. */
    rl_callback_handler_remove();
    installed = 0;
    tui_on_line(T, line);
}

/* ---- completion ---------------------------------------------------------- */

static char **cands;
static size_t cand_i;
static char *cand_base;     /* "math." of "math.fl": candidates may lack it */

static void free_cands(void)
{
    if (cands) {
        for (size_t i = 0; cands[i]; i++) free(cands[i]);
        free(cands);
    }
    cands = NULL;
    free(cand_base);
    cand_base = NULL;
}

static char *generate(const char *text, int state)
{
    if (state == 0) {
        free_cands();
        cands = tui_complete(T, text);
        cand_i = 0;
        const char *a = strrchr(text, '.'), *b = strrchr(text, ':');
        const char *sep = a > b ? a : b;
        cand_base = strndup(text, sep ? (size_t)(sep - text + 1) : 0);
    }
    if (!cands || !cands[cand_i]) return NULL;
    const char *c = cands[cand_i++];
    size_t bl = strlen(cand_base);
    if (bl && strncmp(c, cand_base, bl) != 0) {
        char *full = malloc(bl + strlen(c) + 1);
        if (!full) return NULL;
        memcpy(full, cand_base, bl);
        strcpy(full + bl, c);
        return full;
    }
    return strdup(c);
}

static char **attempt(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;   /* never fall back to file names */
    rl_completion_append_character = '\0';
    gn_repl_complete_context(rl_line_buffer, (size_t)start);   /* option names in lif{vr| */
    char **m = rl_completion_matches(text, generate);
    gn_repl_complete_context(NULL, 0);
    /* An option name completed alone gets its "=" (rnn{act| -> activation=),
     * unless one follows already. */
    if (gn_repl_complete_named_options()) {
        const char *after = rl_line_buffer + end;
        while (*after == ' ' || *after == '\t') after++;
        if (*after != '=') rl_completion_append_character = '=';
    }
    free_cands();
    return m;
}

static void display_matches(char **matches, int n, int maxlen)
{
    tui_show_matches(T, matches, n, maxlen);
}

/* ---- interface ------------------------------------------------------------ */

void tui_rline_init(tui *t)
{
    T = t;
    devnull = fopen("/dev/null", "w");
    rl_readline_name = "ganglion";
    rl_change_environment = 0;   /* LINES/COLUMNS in the environment would pin curses' size */
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_instream = stdin;
    rl_outstream = devnull ? devnull : stderr;
    rl_getc_function = getc_hook;
    rl_input_available_hook = input_available;
    rl_redisplay_function = redisplay;
    rl_prep_term_function = prep_term;
    rl_deprep_term_function = deprep_term;
    rl_attempted_completion_function = attempt;
    rl_completion_display_matches_hook = display_matches;
    /* '.' and ':' stay inside the word, so "net:tr" completes as a whole */
    rl_completer_word_break_characters = " \t\n\"'`@$><=;|&{}()[],+-*/%^#~";
    rl_basic_word_break_characters = rl_completer_word_break_characters;
    rl_completer_quote_characters = NULL;
    rl_initialize();
    rl_bind_key('\t', rl_complete);
}

void tui_rline_done(void)
{
    if (installed) rl_callback_handler_remove();
    installed = 0;
    free_cands();
    free(prompt_copy);
    prompt_copy = NULL;
    if (devnull) fclose(devnull);
    devnull = NULL;
    rl_outstream = stdout;
}

void tui_rline_prompt(const char *prompt)
{
    char *np = strdup(prompt);   /* prompt may be prompt_copy itself */
    free(prompt_copy);
    prompt_copy = np;
    installed = 1;
    rl_callback_handler_install(prompt_copy, on_line);
}

void tui_rline_queue(const char *bytes, size_t n)
{
    for (size_t i = 0; i < n && q_len < sizeof queue; i++) {
        queue[(q_head + q_len) % sizeof queue] = (unsigned char)bytes[i];
        q_len++;
    }
}

void tui_rline_feed(const char *bytes, size_t n)
{
    tui_rline_queue(bytes, n);
    /* readline takes one key per call; the handler may remove itself
     * mid-way, then the rest waits in the queue for the next prompt */
    while (q_len > 0 && installed) {
        size_t before = q_len;
        rl_callback_read_char();
        if (q_len == before) break;   /* readline took nothing: never spin */
    }
}

int tui_rline_pending(void) { return (int)q_len; }

void tui_rline_clear(void)
{
    if (!installed) {
        q_len = 0;
        return;
    }
    rl_callback_sigcleanup();   /* leaves an incremental search, a pending key sequence */
    rl_replace_line("", 1);
    rl_point = rl_end = rl_mark = 0;
    rl_callback_handler_remove();
    installed = 0;
    q_len = 0;
}

void tui_rline_view(const char **prompt, const char **text, int *point)
{
    if (!installed) {
        *prompt = NULL;
        *text = NULL;
        *point = 0;
        return;
    }
    *prompt = rl_display_prompt ? rl_display_prompt : (rl_prompt ? rl_prompt : "");
    *text = rl_line_buffer ? rl_line_buffer : "";
    *point = rl_point;
}
