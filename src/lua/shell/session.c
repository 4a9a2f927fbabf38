/* session.c — what happened in this session (chunks, output, figures,
 * notes) and the functions that export it: save() and notebook(). */
#include "session.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "interrupt.h"
#include "journal.h"
#include "l_util.h"

typedef struct {
    char *code;      /* the chunk as typed */
    char *out;       /* printed output and figures, in order */
    size_t out_len, out_cap;
    size_t elided;   /* bytes of output not kept (over the caps) */
    char *note;      /* note("...") text, or NULL */
    int ok;          /* ran without error */
    int done;        /* finished (the running chunk is not yet) */
    char *msg;       /* the error, when !ok */
    unsigned long intr[GN_JOURNAL_MAXINTR];   /* polls where Ctrl-C landed */
    int nintr;
} entry;

struct gn_session {
    entry *e;
    int n, cap;
    unsigned long seed;   /* last seed given to the generator */
    unsigned long seed0;  /* the seed the session started with */
    char started[64];     /* date the session began */
    char *journal;        /* journal path, for messages */
    int replaying;        /* a journal is being replayed: session files are not rewritten */
    size_t out_total;     /* bytes of output kept over all chunks */
    int (*move)(void *ud, const char *path, char *msg, size_t n);
    void *move_ud;
};

gn_session *gn_session_new(void)
{
    gn_session *s = calloc(1, sizeof *s);
    const char *env = getenv("GANGLION_SEED");
    s->seed = env && *env ? strtoul(env, NULL, 10)
                          : (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
    s->seed %= 4294967296UL;
    s->seed0 = s->seed;
    time_t now = time(NULL);
    strftime(s->started, sizeof s->started, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    return s;
}

void gn_session_free(gn_session *s)
{
    if (!s) return;
    for (int i = 0; i < s->n; i++) {
        free(s->e[i].code);
        free(s->e[i].out);
        free(s->e[i].note);
        free(s->e[i].msg);
    }
    free(s->e);
    free(s->journal);
    free(s);
}

void gn_session_begin(gn_session *s, const char *code)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->e = realloc(s->e, sizeof *s->e * (size_t)s->cap);
    }
    entry *e = &s->e[s->n++];
    memset(e, 0, sizeof *e);
    e->code = strdup(code);
}

void gn_session_output(gn_session *s, const char *text, size_t n)
{
    if (s->n == 0) return;
    entry *e = &s->e[s->n - 1];
    /* The notebook keeps at most GN_SESSION_CHUNK_OUT bytes of one chunk's
     * output and GN_SESSION_TOTAL_OUT over the session (however large one
     * write is); the rest is counted and shown as "N bytes elided". */
    size_t room = e->out_len < GN_SESSION_CHUNK_OUT ? GN_SESSION_CHUNK_OUT - e->out_len : 0;
    size_t troom = s->out_total < GN_SESSION_TOTAL_OUT ? GN_SESSION_TOTAL_OUT - s->out_total : 0;
    if (troom < room) room = troom;
    size_t keep = n < room ? n : room;
    e->elided += n - keep;
    if (keep == 0) return;
    if (e->out_len + keep + 1 > e->out_cap) {
        size_t cap = (e->out_len + keep + 1) * 2;
        if (cap > GN_SESSION_CHUNK_OUT + 1) cap = GN_SESSION_CHUNK_OUT + 1;
        char *p = realloc(e->out, cap);
        if (!p) { e->elided += keep; return; }
        e->out = p;
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, text, keep);
    e->out_len += keep;
    e->out[e->out_len] = 0;
    s->out_total += keep;
}

void gn_session_figure(gn_session *s, const char *text)
{
    gn_session_output(s, text, strlen(text));
}

void gn_session_end(gn_session *s, int ok, const char *msg, const unsigned long *intr, int nintr)
{
    if (s->n == 0) return;
    entry *e = &s->e[s->n - 1];
    e->ok = ok;
    e->done = 1;
    free(e->msg);
    e->msg = !ok && msg ? strdup(msg) : NULL;
    e->nintr = nintr < GN_JOURNAL_MAXINTR ? nintr : GN_JOURNAL_MAXINTR;
    if (e->nintr > 0) memcpy(e->intr, intr, sizeof *intr * (size_t)e->nintr);
}

void gn_session_set_replaying(gn_session *s, int on) { s->replaying = on; }

void gn_session_set_mover(gn_session *s, int (*move)(void *ud, const char *path, char *msg, size_t n),
                          void *ud)
{
    s->move = move;
    s->move_ud = ud;
}

int gn_session_count(const gn_session *s) { return s->n; }
unsigned long gn_session_seed(const gn_session *s) { return s->seed; }

void gn_session_set_journal(gn_session *s, const char *path)
{
    free(s->journal);
    s->journal = strdup(path);
}

/* ---- Lua functions ------------------------------------------------------------ */

static const char SESSION_KEY = 'J';

static gn_session *get_session(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &SESSION_KEY);
    gn_session *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return s;
}

static int l_seed(lua_State *L)
{
    gn_session *s = get_session(L);
    if (lua_isnoneornil(L, 1)) {
        lua_pushinteger(L, (lua_Integer)s->seed);
        return 1;
    }
    lua_Integer n = lg_checkinteger(L, 1, "seed", "n");
    if (n < 0 || n > 4294967295LL)
        return lg_errorf(L, "seed: expected an integer in 0..4294967295, got %lld", (long long)n);
    s->seed = (unsigned long)n;
    gsl_rng_set(lg_rng(L), s->seed);
    return 0;
}

static int l_note(lua_State *L)
{
    gn_session *s = get_session(L);
    const char *t = luaL_checkstring(L, 1);
    if (s->n > 0) {
        entry *e = &s->e[s->n - 1];
        free(e->note);
        e->note = strdup(t);
    }
    return 0;
}

/* Starts an atomic write of path (see atomic_file.h) or raises. */
static void open_atomic(lua_State *L, const char *fn, const char *path, gn_atomic *a)
{
    gn_err e = {0};
    if (gn_atomic_open(a, path, &e) != GN_OK) lg_coreerror(L, fn, &e);
}

static void close_atomic(lua_State *L, const char *fn, gn_atomic *a)
{
    gn_err e = {0};
    if (gn_atomic_commit(a, &e) != GN_OK) lg_coreerror(L, fn, &e);
}

/* During a replay the session's own files are left alone: the replay
 * rebuilds the state, not the exports made from it. */
static int skip_in_replay(lua_State *L, gn_session *s, const char *fn, const char *path)
{
    if (!s->replaying) return 0;
    char msg[600];
    snprintf(msg, sizeof msg, "(replay: %s(\"%s\") was recorded but is not repeated; the file is left as it is)\n",
             fn, path);
    lg_write(L, msg, strlen(msg));
    return 1;
}

static void put(FILE *f, char *s)
{
    if (s) fputs(s, f);
    free(s);
}

/* A path must be a string: save(2.5) is a slip, not a file named "2.5". */
static const char *check_path(lua_State *L, const char *fn)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        lg_errorf(L, "%s: path must be a string (got %s)", fn, luaL_typename(L, 1));
    return lua_tostring(L, 1);
}

static int l_save(lua_State *L)
{
    gn_session *s = get_session(L);
    const char *path = check_path(L, "save");
    if (skip_in_replay(L, s, "save", path)) return 0;
    gn_atomic a;
    open_atomic(L, "save", path, &a);
    put(a.f, gn_journal_header(GN_VERSION, s->started, s->seed0, 0));
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        entry *e = &s->e[i];
        if (!e->done) continue;   /* the save() call itself */
        k++;
        put(a.f, gn_journal_frame(k, e->code));
        put(a.f, gn_journal_trailer(k, e->ok, e->intr, e->nintr, e->msg));
    }
    close_atomic(L, "save", &a);
    return 0;
}

/* Output goes in a fenced block; fences inside it are made harmless. */
static void md_block(FILE *f, const char *lang, const char *text)
{
    fprintf(f, "```%s\n", lang);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l >= 3 && strncmp(p, "```", 3) == 0) fputc(' ', f);
        fwrite(p, 1, l, f);
        fputc('\n', f);
        p += l + (nl ? 1 : 0);
    }
    fprintf(f, "```\n\n");
}

static int l_notebook(lua_State *L)
{
    gn_session *s = get_session(L);
    const char *path = check_path(L, "notebook");
    const char *title = luaL_optstring(L, 2, "ganglion notebook");
    if (skip_in_replay(L, s, "notebook", path)) return 0;
    gn_atomic a;
    open_atomic(L, "notebook", path, &a);
    FILE *f = a.f;
    fprintf(f, "# %s\n\n_ganglion %s, session started %s with seed %lu_\n\n", title, GN_VERSION, s->started,
            s->seed0);
    for (int i = 0; i < s->n; i++) {
        entry *e = &s->e[i];
        if (!e->done && i != s->n - 1) continue;   /* the running chunk shows its output so far */
        if (e->note) {
            fprintf(f, "%s\n\n", e->note);
            if (strncmp(e->code, "note(", 5) == 0 && !e->out_len) continue;
        }
        md_block(f, "lua", e->code);
        if (e->done && !e->ok) fprintf(f, "_(this chunk raised an error)_\n\n");
        if (e->out_len) md_block(f, "", e->out);
        if (e->elided) fprintf(f, "_(%zu bytes of output elided)_\n\n", e->elided);
    }
    close_atomic(L, "notebook", &a);
    return 0;
}

/* journal() -> path; journal(path) continues the session's journal in a
 * new file (after a full disk, say): everything so far is copied there. */
static int l_journal(lua_State *L)
{
    gn_session *s = get_session(L);
    if (!lua_isnoneornil(L, 1)) {
        const char *path = check_path(L, "journal");
        if (skip_in_replay(L, s, "journal", path)) return 0;
        if (!s->move) return lg_errorf(L, "journal: this session has no journal (batch mode without -o)");
        char msg[512];
        if (s->move(s->move_ud, path, msg, sizeof msg) != 0) return lg_errorf(L, "journal: %s", msg);
        gn_session_set_journal(s, path);
    }
    if (s->journal) lua_pushstring(L, s->journal);
    else lua_pushnil(L);
    return 1;
}

/* writefile(path, text): the whole of text as the new content of path,
 * atomically (for scripts' CSV and report files). */
static int l_writefile(lua_State *L)
{
    const char *path = check_path(L, "writefile");
    size_t n;
    const char *text = luaL_checklstring(L, 2, &n);
    gn_err e = {0};
    if (gn_atomic_write(path, text, n, &e) != GN_OK) return lg_coreerror(L, "writefile", &e);
    return 0;
}

/* ganglion.work_stopped([mark]): library work that stops early on Ctrl-C
 * and returns its result (condense) marks it — in a batch script this
 * raises "interrupted" instead; without an argument, tells whether work was
 * stopped earlier in this chunk (see interrupt.h). */
static int l_work_stopped(lua_State *L)
{
    if (lua_toboolean(L, 1)) {
        if (!lg_intr_work_returns()) return lg_interrupted(L);   /* a batch script stops */
        lg_intr_work_stopped();
    }
    lua_pushboolean(L, lg_intr_after_stop());
    return 1;
}

int lg_open_session(lua_State *L, gn_session *s)
{
    lua_pushlightuserdata(L, s);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &SESSION_KEY);
    gsl_rng_set(lg_rng(L), s->seed);
    static const luaL_Reg fns[] = {
        {"seed", l_seed}, {"note", l_note}, {"save", l_save},
        {"notebook", l_notebook}, {"journal", l_journal}, {"writefile", l_writefile},
        {NULL, NULL}
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    if (lua_getglobal(L, "ganglion") == LUA_TTABLE) {
        lua_pushcfunction(L, l_work_stopped);
        lua_setfield(L, -2, "work_stopped");
    }
    lua_pop(L, 1);
    return 0;
}
