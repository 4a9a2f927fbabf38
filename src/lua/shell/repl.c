/* repl.c — the single input-processing loop: chunk assembly, the prompt
 * conventions of lua.c, execution under a traceback handler and Ctrl-C,
 * the write-through journal, and the session record behind save/notebook. */
#include "repl.h"

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "journal.h"
#include "l_util.h"
#include "session.h"
#include "plot/figure.h"

struct gn_repl {
    lua_State *L;
    gn_host *host;        /* the front end's host */
    gn_host proxy;        /* what Lua sees: records output, forwards to host */
    gn_journal journal;
    int interactive;      /* echo values, try "return <line>" */
    int echo_batch;       /* -e: echo an expression's values in batch mode too */
    int batch;            /* -b / -e: errors go to stderr, also while replaying */
    char *pending;        /* unfinished chunk */
    size_t pending_len;
    char *last_chunk;
    double last_time;
    gn_session *session;  /* chunks and their output, for save/notebook */
    char *chunk_fig;      /* the chunk's last figure as text, for the notebook */
    int journal_failing;  /* the last journal write failed (told the user once) */
};

/* --rerun-unfinished: replay also chunks that never finished. */
static int rerun_unfinished;
void gn_repl_set_rerun_unfinished(int on) { rerun_unfinished = on; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the proxy host ------------------------------------------------------------ */

static void sync_proxy(gn_repl *r)
{
    r->proxy.width = r->host->width;
    r->proxy.height = r->host->height;
    r->proxy.text_width = r->host->text_width;
    r->proxy.ascii = r->host->ascii;
    r->proxy.color = r->host->color;
}

static void px_write(gn_host *h, const char *s, size_t n)
{
    gn_repl *r = h->ud;
    gn_session_output(r->session, s, n);
    r->host->write(r->host, s, n);
}

static void px_figure(gn_host *h, struct gn_figure *fig, int pane)
{
    gn_repl *r = h->ud;
    /* The notebook keeps one figure per chunk, the last one, as ASCII text
     * at 80 columns or the figure's width= (a loop that redraws a figure
     * leaves its final state). */
    int w = gn_figure_print_width(fig, 80);
    char *txt = gn_figure_render(fig, w, gn_figure_default_height(fig, w), 1, 0);
    if (txt) {
        free(r->chunk_fig);
        r->chunk_fig = txt;
    }
    if (r->host->figure) r->host->figure(r->host, fig, pane);
    else gn_figure_free(fig);
}

/* Live views are not recorded: the notebook keeps the final figure. */
static void px_figure_live(gn_host *h, struct gn_figure *fig, int pane)
{
    gn_repl *r = h->ud;
    if (r->host->figure_live) r->host->figure_live(r->host, fig, pane);
    else gn_figure_free(fig);
}

static void px_progress(gn_host *h, const char *what, double done, double total,
                        double elapsed, const char *extra)
{
    gn_repl *r = h->ud;
    if (r->host->progress) r->host->progress(r->host, what, done, total, elapsed, extra);
}

static int px_layout(gn_host *h, const char *spec)
{
    gn_repl *r = h->ud;
    return r->host->layout ? r->host->layout(r->host, spec) : 0;
}

static int px_pane(gn_host *h, int k)
{
    gn_repl *r = h->ud;
    return r->host->pane ? r->host->pane(r->host, k) : 0;
}

static void px_poll(gn_host *h)
{
    gn_repl *r = h->ud;
    if (r->host->poll) r->host->poll(r->host);
    sync_proxy(r);
}

static int px_play(gn_host *h, struct gn_figure *frames, int pane)
{
    gn_repl *r = h->ud;
    int st = r->host->play(r->host, frames, pane);
    /* The notebook gets the frame play() stopped at, with a caption (the
     * host owns the frames; they stay alive in its pane). */
    char *txt = gn_figure_render(frames, 80, gn_figure_default_height(frames, 80), 1, 0);
    if (txt) {
        const char *title = gn_figure_title(frames);
        size_t n = strlen(txt) + strlen(title) + 96;
        char *cap = malloc(n);
        if (cap) {
            snprintf(cap, n, "%s(play%s%s: still frame, step %zu of %zu)\n", txt, *title ? " " : "", title,
                     gn_figure_frame(frames) + 1, gn_figure_frame_count(frames));
            free(r->chunk_fig);
            r->chunk_fig = cap;
        }
        free(txt);
    }
    return st;
}

/* ---- Ctrl-C (as lua.c: the signal handler only sets a hook) ------------------- */

/* The UI is polled from a hook that a 40 ms timer installs, like the
 * Ctrl-C hook (interrupt.c). */
static int ui_tick_on;

static void ui_poll(lua_State *L)
{
    gn_host *h = lg_host(L);
    if (h && h->poll) h->poll(h);
}

static void on_tick(int sig)
{
    (void)sig;
    lg_intr_tick();
}

static void on_sigint(int sig)
{
    (void)sig;
    lg_intr_request();
}

#define TRACEBACK_KEY "ganglion.traceback"

/* Replaces the string on top of the stack by a copy without the Lua
 * library's install folder ("/usr/share/ganglion/lua/condense.lua:162:"
 * becomes "condense.lua:162:"). */
static void strip_luadir(lua_State *L)
{
    int top = lua_gettop(L);
    const char *s = lua_tostring(L, top);
    if (!s) return;
    if (lua_getglobal(L, "ganglion") == LUA_TTABLE &&
        lua_getfield(L, -1, "luadir") == LUA_TSTRING && *lua_tostring(L, -1)) {
        lua_pushfstring(L, "%s/", lua_tostring(L, -1));
        luaL_gsub(L, s, lua_tostring(L, -1), "");
        lua_replace(L, top);
    }
    lua_settop(L, top);
}

/* Is a chunk source the user's own code (a typed chunk or a script), not
 * the Lua library's? */
static int user_source(lua_State *L, const char *src)
{
    if (strncmp(src, "=chunk", 6) == 0) return 1;
    if (src[0] != '@') return 0;
    lua_getglobal(L, "ganglion");
    int lib = 0;
    if (lua_istable(L, -1) && lua_getfield(L, -1, "luadir") == LUA_TSTRING) {
        size_t dl;
        const char *dir = lua_tolstring(L, -1, &dl);
        lib = dl > 0 && strncmp(src + 1, dir, dl) == 0;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return !lib;
}

/* The message handler: keeps the full traceback (for traceback()) and
 * returns one line, the message at the user's own line: an error raised
 * inside the Lua library is reported where the user's chunk called it. */
static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    strip_luadir(L);
    lua_setfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY);
    lua_pushstring(L, msg);
    strip_luadir(L);
    msg = lua_tostring(L, -1);
    char loc[128] = "";
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
        if (user_source(L, ar.source)) {
            snprintf(loc, sizeof loc, "%s:%d:", ar.short_src, ar.currentline);
            break;
        }
    }
    if (!loc[0] || strncmp(msg, loc, strlen(loc)) == 0) return 1;
    /* Drop a library location ("condense.lua:162: ") in favour of the user's. */
    const char *p = msg;
    const char *colon = strstr(p, ".lua:");
    if (colon && !memchr(p, ' ', (size_t)(colon - p))) {
        const char *q = colon + 5;
        while (*q >= '0' && *q <= '9') q++;
        if (q > colon + 5 && q[0] == ':' && q[1] == ' ') p = q + 2;
    }
    lua_pushfstring(L, "%s %s", loc, p);
    return 1;
}

/* traceback() — prints the full traceback of the last error. */
static int l_traceback(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY) != LUA_TSTRING) {
        lua_getglobal(L, "print");
        lua_pushliteral(L, "no error yet");
        lua_call(L, 1, 0);
        return 0;
    }
    lua_getglobal(L, "print");
    lua_insert(L, -2);
    lua_call(L, 1, 0);
    return 0;
}

/* Runs the function on top of the stack with nargs; as lua.c's docall. */
static int docall(gn_repl *r, int narg, int nres)
{
    lua_State *L = r->L;
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    struct sigaction ta = {0}, told;
    struct itimerval tick = {{0, 40000}, {0, 40000}}, off = {{0, 0}, {0, 0}};
    if (ui_tick_on) {
        ta.sa_handler = on_tick;
        ta.sa_flags = SA_RESTART;
        sigemptyset(&ta.sa_mask);
        sigaction(SIGALRM, &ta, &told);
        setitimer(ITIMER_REAL, &tick, NULL);
    }
    int st = lua_pcall(L, narg, nres, base);
    if (ui_tick_on) {
        setitimer(ITIMER_REAL, &off, NULL);
        sigaction(SIGALRM, &told, NULL);
    }
    sigaction(SIGINT, &old, NULL);
    lua_remove(L, base);
    return st;
}

/* ---- output ---------------------------------------------------------------------- */

static void out(gn_repl *r, const char *s)
{
    r->proxy.write(&r->proxy, s, strlen(s));
}

static void report_error(gn_repl *r, const char *msg)
{
    if (!r->batch) {
        out(r, msg);
        out(r, "\n");
    } else {
        gn_session_output(r->session, msg, strlen(msg));
        fprintf(stderr, "ganglion: %s\n", msg);
        fflush(stderr);
    }
}

/* Prints the values left on the stack from index base+1 through the Lua
 * prelude's show() (summaries for matrices and tables), and sets _. */
static void echo_results(gn_repl *r, int base)
{
    lua_State *L = r->L;
    int n = lua_gettop(L) - base;
    if (n <= 0) return;
    lua_pushvalue(L, base + 1);
    lua_setglobal(L, "_");
    if (lua_getglobal(L, "show") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        lua_getglobal(L, "print");
    }
    lua_insert(L, base + 1);
    if (docall(r, n, 0) != LUA_OK) {
        report_error(r, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

/* ---- chunks ----------------------------------------------------------------------- */

/* Journal trouble is told at once but never stops the session. */
static void journal_status(gn_repl *r, int rc, const gn_err *e)
{
    if (rc != GN_OK) {
        if (!r->journal_failing) {
            char msg[400];
            snprintf(msg, sizeof msg, "warning: %s", e->msg);
            report_error(r, msg);
        }
        r->journal_failing = 1;
    } else if (r->journal_failing && gn_journal_unsaved(&r->journal) == 0) {
        r->journal_failing = 0;
        report_error(r, "journal: the chunks kept in memory are now on disk");
    }
}

/* Compiles and runs one complete chunk.  rec: the chunk as a journal
 * recorded it (replay: where Ctrl-C landed), or NULL when typed. */
static int run_chunk(gn_repl *r, const char *code, const char *name, int echo, const gn_chunk *rec)
{
    lua_State *L = r->L;
    gn_err e = {0};
    sync_proxy(r);
    gn_session_begin(r->session, code);
    if (r->journal.fd >= 0) journal_status(r, gn_journal_begin(&r->journal, code, &e), &e);
    lg_intr_begin(L, rec ? rec->intr : NULL, rec ? rec->nintr : 0, ui_tick_on ? ui_poll : NULL,
                  r->interactive);
    int base = lua_gettop(L);
    int st = LUA_OK;
    int expr = 0;
    size_t len = strlen(code);
    int silent = len > 0 && code[len - 1] == ';';
    int echo_on = echo && (r->interactive || r->echo_batch);
    if (echo_on) {
        char *ret = malloc(len + 8);
        memcpy(ret, "return ", 7);
        memcpy(ret + 7, code, len + 1);
        expr = luaL_loadbuffer(L, ret, len + 7, name) == LUA_OK;
        free(ret);
        if (!expr) lua_pop(L, 1);
    }
    if (!expr) st = luaL_loadbuffer(L, code, len, name);
    double t0 = now_s();
    lg_progress_reset(L);
    if (st == LUA_OK) st = docall(r, 0, LUA_MULTRET);
    r->last_time = now_s() - t0;
    const char *msg = NULL;
    if (st != LUA_OK) {
        msg = lua_tostring(L, -1);
        if (!msg) msg = "(error object is not a string)";
        report_error(r, msg);
    } else if (echo_on && !silent) {
        echo_results(r, base);
    }
    lg_intr_end(L);
    const unsigned long *intr;
    int nintr = lg_intr_recorded(&intr);
    lg_intr_clear();
    if (r->journal.fd >= 0)
        journal_status(r, gn_journal_end(&r->journal, st == LUA_OK, intr, nintr, msg, &e), &e);
    if (r->chunk_fig) {
        gn_session_figure(r->session, r->chunk_fig);
        free(r->chunk_fig);
        r->chunk_fig = NULL;
    }
    gn_session_end(r->session, st == LUA_OK, msg, intr, nintr);
    lua_settop(L, base);
    return st == LUA_OK ? GN_REPL_DONE : GN_REPL_ERROR;
}

/* Lua reports an unfinished chunk as a syntax error at <eof>. */
static int incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX) return 0;
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    return lmsg >= 5 && strcmp(msg + lmsg - 5, "<eof>") == 0;
}

static void set_pending(gn_repl *r, const char *s, size_t n)
{
    free(r->pending);
    r->pending = malloc(n + 1);
    memcpy(r->pending, s, n);
    r->pending[n] = 0;
    r->pending_len = n;
}

int gn_repl_feed(gn_repl *r, const char *line)
{
    lua_State *L = r->L;
    if (!r->pending) {
        while (*line == ' ' || *line == '\t') line++;
        if (*line == 0) return GN_REPL_DONE;
        /* "?name" at the prompt means help("name"). */
        if (line[0] == '?' && r->interactive) {
            /* "?name", "? name", "?net:run": help("...") on the rest. */
            const char *q = line + 1;
            while (*q == ' ' || *q == '\t') q++;
            size_t ql = strlen(q);
            while (ql > 0 && (q[ql - 1] == ' ' || q[ql - 1] == '\t')) ql--;
            char buf[600];
            size_t b = 0;
            b += (size_t)snprintf(buf, sizeof buf, "help(\"");
            for (size_t i = 0; i < ql && b + 8 < sizeof buf; i++) {
                if (q[i] == '"' || q[i] == '\\') buf[b++] = '\\';
                buf[b++] = q[i];
            }
            snprintf(buf + b, sizeof buf - b, "\")");
            free(r->last_chunk);
            r->last_chunk = strdup(line);
            return run_chunk(r, buf, "=help", 0, NULL);
        }
        set_pending(r, line, strlen(line));
    } else {
        size_t n = strlen(line);
        r->pending = realloc(r->pending, r->pending_len + n + 2);
        r->pending[r->pending_len++] = '\n';
        memcpy(r->pending + r->pending_len, line, n + 1);
        r->pending_len += n;
    }
    /* An expression is complete as soon as "return <text>" compiles. */
    int complete = 0;
    if (r->interactive) {
        char *ret = malloc(r->pending_len + 8);
        memcpy(ret, "return ", 7);
        memcpy(ret + 7, r->pending, r->pending_len + 1);
        complete = luaL_loadbuffer(L, ret, r->pending_len + 7, "=chunk") == LUA_OK;
        lua_pop(L, 1);
        free(ret);
    }
    if (!complete) {
        int st = luaL_loadbuffer(L, r->pending, r->pending_len, "=chunk");
        int more = incomplete(L, st);
        lua_pop(L, 1);
        if (more) return GN_REPL_MORE;
    }
    char name[32];
    snprintf(name, sizeof name, "=chunk %d", gn_session_count(r->session) + 1);
    char *code = r->pending;
    r->pending = NULL;
    r->pending_len = 0;
    free(r->last_chunk);
    r->last_chunk = code;
    return run_chunk(r, code, name, 1, NULL);
}

const char *gn_repl_pending(const gn_repl *r) { return r->pending; }
const char *gn_repl_prompt(const gn_repl *r) { return r->pending ? ">> " : "> "; }
const char *gn_repl_last_chunk(const gn_repl *r) { return r->last_chunk; }
double gn_repl_last_time(const gn_repl *r) { return r->last_time; }

void gn_repl_reset(gn_repl *r)
{
    free(r->pending);
    r->pending = NULL;
    r->pending_len = 0;
}

/* ---- files ------------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) { *err = malloc(strlen(path) + 64); sprintf(*err, "cannot open '%s'", path); }
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Shows a chunk as if typed at the prompt. */
static void show_typed(gn_repl *r, const char *code)
{
    const char *p = code;
    for (int first = 1;; first = 0) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        out(r, first ? "> " : ">> ");
        r->proxy.write(&r->proxy, p, l);
        out(r, "\n");
        if (!nl) break;
        p = nl + 1;
    }
}

/* Replays a journal chunk by chunk with the prompt's semantics: a chunk
 * recorded as an error runs and is expected to fail; Ctrl-C is raised
 * again at the recorded polls; a chunk that never finished is skipped
 * unless --rerun-unfinished.  Session files are not rewritten meanwhile.
 * Returns 1 when a chunk fails that did not fail when recorded. */
static int replay_journal(gn_repl *r, const char *text, size_t len, int echo, int stop_on_error,
                          void (*wait)(void *ud), void *ud)
{
    gn_chunk *c;
    int framed;
    gn_err e = {0};
    int n = gn_journal_parse(text, len, &c, &framed, &e);
    if (n < 0) {
        report_error(r, e.msg);
        return 1;
    }
    if (!framed && strncmp(text, GN_JOURNAL_MAGIC2 "\n", strlen(GN_JOURNAL_MAGIC2) + 1) == 0)
        report_error(r, "replay: this journal was edited (chunk lengths no longer match); "
                        "split at its marker lines instead");
    char ver[32], msg[400];
    if (gn_journal_version(text, len, ver, sizeof ver) && strcmp(ver, GN_VERSION) != 0) {
        /* Defaults change between versions (e.g. ring{}'s first cue in 0.2.0),
         * so the replay may differ from what was seen: say so, run anyway. */
        snprintf(msg, sizeof msg, "replay: this journal was written by ganglion %s, this is %s; "
                 "results may differ where defaults changed (see the man page, VERSIONS)", ver, GN_VERSION);
        report_error(r, msg);
    }
    int saved = r->interactive, failed = 0;
    r->interactive = 1;
    gn_session_set_replaying(r->session, 1);
    for (int k = 0; k < n && !failed; k++) {
        if (c[k].status == GN_CHUNK_UNFINISHED && !rerun_unfinished) {
            snprintf(msg, sizeof msg, "replay: chunk %d never finished when it was recorded "
                     "(the session was killed during it); skipped — --rerun-unfinished runs it", c[k].k);
            report_error(r, msg);
            continue;
        }
        char *code = strndup(c[k].code, c[k].len);
        if (!code) { failed = 1; break; }
        if (c[k].status == GN_CHUNK_PLAIN) {   /* format 1 and unframed text: trailing blank lines are not code */
            size_t cl = strlen(code);
            while (cl > 0 && code[cl - 1] == '\n') code[--cl] = 0;
        }
        if (wait && k > 0) wait(ud);
        if (echo) show_typed(r, code);
        char name[32];
        snprintf(name, sizeof name, "=chunk %d", gn_session_count(r->session) + 1);
        int st = run_chunk(r, code, name, 1, &c[k]);
        if (st == GN_REPL_ERROR && c[k].status != GN_CHUNK_ERROR) {
            if (stop_on_error) failed = 1;
        } else if (st != GN_REPL_ERROR && c[k].status == GN_CHUNK_ERROR) {
            snprintf(msg, sizeof msg, "replay: chunk %d raised an error when recorded (%s) but not now",
                     c[k].k, c[k].msg);
            report_error(r, msg);
        }
        free(code);
    }
    gn_session_set_replaying(r->session, 0);
    r->interactive = saved;
    free(c);
    return failed;
}

int gn_repl_run_file(gn_repl *r, const char *path, int echo, int stop_on_error,
                     void (*wait)(void *ud), void *ud)
{
    size_t len;
    char *err = NULL;
    char *text = read_file(path, &len, &err);
    if (!text) {
        report_error(r, err);
        free(err);
        return 1;
    }
    int failed = 0;
    int saved = r->interactive;
    if (strncmp(text, GN_JOURNAL_MAGIC, strlen(GN_JOURNAL_MAGIC)) == 0) {
        failed = replay_journal(r, text, len, echo, stop_on_error, wait, ud);
    } else if (echo) {
        /* A plain script shown as if typed, line by line. */
        r->interactive = 1;
        char *p = text;
        while (*p && !failed) {
            char *nl = strchr(p, '\n');
            if (nl) *nl = 0;
            if (wait && !r->pending && p != text) wait(ud);
            out(r, gn_repl_prompt(r));
            out(r, p);
            out(r, "\n");
            if (gn_repl_feed(r, p) == GN_REPL_ERROR && stop_on_error) failed = 1;
            if (!nl) break;
            p = nl + 1;
        }
        if (r->pending) {
            report_error(r, "unfinished chunk at end of file");
            gn_repl_reset(r);
            failed = stop_on_error;
        }
    } else {
        /* A plain script in batch mode: one chunk, like lua. */
        char name[512];
        snprintf(name, sizeof name, "@%s", path);
        /* Skip a #! line but keep line numbers, as lua does. */
        if (text[0] == '#')
            for (char *p = text; *p && *p != '\n'; p++) *p = ' ';
        r->interactive = 0;
        if (run_chunk(r, text, name, 0, NULL) == GN_REPL_ERROR) failed = 1;
    }
    r->interactive = saved;
    free(text);
    return failed;
}

/* ---- set-up ----------------------------------------------------------------------- */

int lg_open_all(lua_State *L, gn_session *s, char **err);

/* journal(path): the session continues in a new journal file. */
static int move_journal(void *ud, const char *path, char *msg, size_t n)
{
    gn_repl *r = ud;
    gn_err e = {0};
    if (gn_journal_move(&r->journal, path, &e) != GN_OK) {
        snprintf(msg, n, "%s", e.msg);
        return 1;
    }
    r->journal_failing = 0;
    return 0;
}

gn_repl *gn_repl_new(gn_host *host, const char *journal, int interactive, char **err)
{
    gn_repl *r = calloc(1, sizeof *r);
    r->host = host;
    r->interactive = interactive;
    r->batch = !interactive;
    r->journal.fd = -1;
    r->proxy = *host;
    r->proxy.write = px_write;
    r->proxy.figure = px_figure;
    r->proxy.figure_live = host->figure_live ? px_figure_live : NULL;
    r->proxy.progress = px_progress;
    r->proxy.layout = px_layout;
    r->proxy.pane = px_pane;
    r->proxy.poll = px_poll;
    r->proxy.play = host->play ? px_play : NULL;
    r->proxy.ud = r;
    r->L = luaL_newstate();
    if (!r->L) {
        *err = strdup("cannot create the Lua state (out of memory)");
        free(r);
        return NULL;
    }
    r->session = gn_session_new();
    lg_sethost(r->L, &r->proxy);
    if (lg_open_all(r->L, r->session, err) != 0) {
        gn_repl_free(r);
        return NULL;
    }
    lua_pushcfunction(r->L, l_traceback);
    lua_setglobal(r->L, "traceback");
    ui_tick_on = host->poll != NULL;
    if (journal) {
        gn_err e = {0};
        unsigned long seed = gn_session_seed(r->session);
        int rc = *journal ? gn_journal_create(&r->journal, journal, GN_VERSION, seed, &e)
                          : gn_journal_create_free(&r->journal, GN_REPL_JOURNAL_BASE, GN_VERSION, seed, &e);
        if (rc != GN_OK && r->journal.fd < 0) {
            *err = strdup(e.msg);
            gn_repl_free(r);
            return NULL;
        }
        if (rc != GN_OK) journal_status(r, rc, &e);   /* created, but the disk refused the header */
        gn_session_set_journal(r->session, r->journal.path);
        gn_session_set_mover(r->session, move_journal, r);
        /* The first chunk fixes the generator, so the journal replays exactly. */
        char seedchunk[64];
        snprintf(seedchunk, sizeof seedchunk, "seed(%lu)", gn_session_seed(r->session));
        run_chunk(r, seedchunk, "=chunk 1", 0, NULL);
    }
    return r;
}

lua_State *gn_repl_lua(gn_repl *r) { return r->L; }
const char *gn_repl_journal(const gn_repl *r) { return r->journal.fd >= 0 ? r->journal.path : NULL; }
size_t gn_repl_journal_unsaved(const gn_repl *r) { return gn_journal_unsaved(&r->journal); }

char *gn_repl_close_journal(gn_repl *r)
{
    if (r->journal.fd < 0) return NULL;
    char *msg = NULL, *path = strdup(r->journal.path);
    gn_err e = {0};
    if (gn_journal_flush(&r->journal, &e) == GN_OK) {
        if (asprintf(&msg, "session journal: %s", path) < 0) msg = NULL;
    } else {
        /* The disk still refuses: the whole journal goes where there is room. */
        char rescue[512];
        const char *tmp = getenv("TMPDIR");
        snprintf(rescue, sizeof rescue, "%s/ganglion-rescue-%ld.lua", tmp && *tmp ? tmp : "/tmp", (long)getpid());
        size_t lost = gn_journal_unsaved(&r->journal);
        if (gn_journal_move(&r->journal, rescue, &e) == GN_OK) {
            if (asprintf(&msg, "session journal: %s is missing its last %zu bytes (the disk refused them); "
                         "the whole session was saved to %s", path, lost, rescue) < 0) msg = NULL;
        } else if (asprintf(&msg, "session journal: %s is missing its last %zu bytes, which could not be "
                            "saved anywhere: %s", path, lost, e.msg) < 0) {
            msg = NULL;
        }
    }
    gn_journal_close(&r->journal);
    free(path);
    return msg;
}

int gn_repl_run_string(gn_repl *r, const char *code, const char *name)
{
    int saved = r->interactive;
    r->interactive = 0;
    r->echo_batch = 1;   /* like the prompt: an expression prints its values */
    int st = run_chunk(r, code, name, 1, NULL);
    r->echo_batch = 0;
    r->interactive = saved;
    return st == GN_REPL_ERROR;
}

void gn_repl_set_args(gn_repl *r, const char *script, int argc, char **argv)
{
    lua_State *L = r->L;
    lua_createtable(L, argc, 2);
    lua_pushstring(L, "ganglion");
    lua_rawseti(L, -2, -1);
    lua_pushstring(L, script ? script : "");
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");
}

void gn_repl_free(gn_repl *r)
{
    if (!r) return;
    if (r->L) lua_close(r->L);
    gn_journal_close(&r->journal);
    gn_session_free(r->session);
    free(r->pending);
    free(r->last_chunk);
    free(r->chunk_fig);
    free(r);
}
