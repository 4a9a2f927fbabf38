/* main.c — ganglion's command line: pick a mode, hand over. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "lua/shell/batch.h"
#include "lua/shell/repl.h"
#include "tui/tui.h"

static const char USAGE[] =
    "usage: ganglion [options] [FILE.lua]\n"
    "       ganglion -b FILE.lua [ARGS...]\n"
    "       ganglion -e 'CODE'\n"
    "\n"
    "  (no FILE)        notebook (TUI); the session is journalled to a new file,\n"
    "                   ./ganglion-session.lua or the first free ganglion-session-N.lua\n"
    "  FILE.lua         notebook, replaying FILE.lua first (FILE is only read)\n"
    "  -b FILE [ARGS]   batch: run FILE without the TUI; ARGS in the global arg\n"
    "  -e CODE          batch: run one chunk\n"
    "  -o JOURNAL       journal the session to JOURNAL, a new file (never overwritten)\n"
    "  --rerun-unfinished  replay also chunks that never finished (killed)\n"
    "  --step           replay FILE waiting for a key between chunks\n"
    "  --ascii          no Unicode output\n"
    "  --help, --version\n";

/* OpenBLAS's own threads lose on the small products ganglion mostly does
 * and spin between calls, stealing the core that our trial-level threads
 * (RNN batches, LIF slices) use; so BLAS runs single-threaded unless the
 * user asks otherwise with OPENBLAS_NUM_THREADS. */
void openblas_set_num_threads(int n);

static int batch(const char *file, const char *code, const char *journal, int ascii,
                 int argc, char **argv)
{
    gn_host host;
    gn_batch_host_init(&host, ascii);
    char *err = NULL;
    gn_repl *r = gn_repl_new(&host, journal, 0, &err);
    if (!r) {
        fprintf(stderr, "ganglion: %s\n", err);
        free(err);
        return 1;
    }
    gn_repl_set_args(r, file, argc, argv);
    int failed = file ? gn_repl_run_file(r, file, 0, 1, NULL, NULL)
                      : gn_repl_run_string(r, code, "=(command line)");
    gn_repl_free(r);
    fflush(stdout);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    gsl_set_error_handler_off();   /* the core reports GSL failures as statuses */
    if (!getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
    tui_opts o = {.journal = ""};   /* "": a free default name */
    const char *bfile = NULL, *code = NULL;
    int journal_given = 0, i;
    o.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("ganglion %s\n", GN_VERSION);
            return 0;
        } else if (strcmp(a, "--ascii") == 0) {
            o.ascii = 1;
        } else if (strcmp(a, "--rerun-unfinished") == 0) {
            gn_repl_set_rerun_unfinished(1);
        } else if (strcmp(a, "--step") == 0) {
            o.step = 1;
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            o.journal = argv[++i];
            journal_given = 1;
        } else if (strcmp(a, "-e") == 0 && i + 1 < argc) {
            code = argv[++i];
        } else if (strcmp(a, "-b") == 0 && i + 1 < argc) {
            bfile = argv[++i];
            i++;
            break;   /* the rest are the script's arguments */
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "ganglion: unknown or incomplete option '%s'\n%s", a, USAGE);
            return 2;
        } else if (!o.replay) {
            o.replay = a;
        } else {
            fprintf(stderr, "ganglion: more than one file given ('%s')\n", a);
            return 2;
        }
    }
    if (bfile || code)
        return batch(bfile, code, journal_given ? o.journal : NULL, o.ascii,
                     bfile ? argc - i : 0, argv + i);
    const char *term = getenv("TERM");
    int tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (tty && term && *term && strcmp(term, "dumb") != 0)
        return tui_main(&o);
    return tui_line_main(&o);
}
