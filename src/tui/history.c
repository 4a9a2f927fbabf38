/* history.c — persistent REPL history, one entry per chunk.  readline's own
 * history file splits multi-line entries into lines, so entries are stored
 * one per line with newlines escaped as \n (and backslashes as \\). */
#include <readline/history.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define HISTORY_KEEP 2000

static char *history_path(void)
{
    const char *env = getenv("GANGLION_HISTORY");
    if (env && *env) return strdup(env);
    const char *home = getenv("HOME");
    if (!home) return NULL;
    char *p = malloc(strlen(home) + 32);
    sprintf(p, "%s/.ganglion_history", home);
    return p;
}

static char *decode(const char *line)
{
    char *out = malloc(strlen(line) + 1), *o = out;
    for (const char *p = line; *p; p++) {
        if (*p == '\\' && p[1] == 'n') { *o++ = '\n'; p++; }
        else if (*p == '\\' && p[1] == '\\') { *o++ = '\\'; p++; }
        else if (*p != '\n') *o++ = *p;
    }
    *o = 0;
    return out;
}

void tui_history_load(void)
{
    char *path = history_path();
    if (!path) return;
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *e = decode(line);
        if (*e) add_history(e);
        free(e);
    }
    free(line);
    fclose(f);
    stifle_history(HISTORY_KEEP);
}

void tui_history_add(const char *chunk)
{
    if (!chunk || !*chunk) return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last && strcmp(last->line, chunk) == 0) return;
    add_history(chunk);
    char *path = history_path();
    if (!path) return;
    FILE *f = fopen(path, "a");
    free(path);
    if (!f) return;
    for (const char *p = chunk; *p; p++) {
        if (*p == '\n') fputs("\\n", f);
        else if (*p == '\\') fputs("\\\\", f);
        else fputc(*p, f);
    }
    fputc('\n', f);
    fclose(f);
}
