/* l_parallel.c — ganglion.parallel: independent pieces of work (condense's
 * operator chains) in forked worker processes, their results streamed back
 * as messages and handed to the caller in a fixed order.
 *
 * Why processes: one Lua state cannot run two pieces of Lua at once, and a
 * forked copy of the session runs exactly the code the session would.  Each
 * worker starts from the parent's state at the moment of the call (all are
 * forked at once, then released in order as slots free up), so what a piece
 * computes does not depend on how many run side by side.
 *
 * The record: the parent counts one poll per message it hands on (never per
 * wait), so a Ctrl-C is placed by that count and a replay stops after the
 * same messages, whatever the timing.  Workers ignore SIGINT (the terminal
 * sends it to the whole process group); the parent kills them on a stop.
 *
 * The wire format is private to one run on one machine (native byte order):
 * a frame is a kind byte ('m' a value, 'x' an error message, 'z' done), a
 * 64-bit length and the payload; a value is a tag byte and its data. */
#include "l_util.h"
#include "l_matrix.h"
#include "l_rnn.h"
#include "interrupt.h"
#include "simd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define MAX_WORKERS 64
#define MAX_DEPTH 64
#define PAR_MT "ganglion.parallel"
#define BUF_MT "ganglion.parbuf"

typedef struct {
    char *p;
    size_t n, cap, off;   /* bytes held, allocated, already handed on */
} pbuf;

/* ---- growable byte buffers (freed by Lua on any error path) ---------------- */

static void buf_free(pbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = b->off = 0;
}

static void buf_put(lua_State *L, pbuf *b, const void *src, size_t len)
{
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) luaL_error(L, "parallel: out of memory for a message");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, len);
    b->n += len;
}

static void put_u64(lua_State *L, pbuf *b, uint64_t v) { buf_put(L, b, &v, sizeof v); }

static int buf_gc(lua_State *L)
{
    buf_free(luaL_checkudata(L, 1, BUF_MT));
    return 0;
}

static pbuf *buf_push(lua_State *L)
{
    pbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, BUF_MT);
    return b;
}

/* ---- encoding ---------------------------------------------------------------- */

static void enc_matrix(lua_State *L, pbuf *b, const gsl_matrix *m)
{
    put_u64(L, b, m->size1);
    put_u64(L, b, m->size2);
    for (size_t i = 0; i < m->size1; i++) buf_put(L, b, m->data + i * m->tda, m->size2 * sizeof(double));
}

static void enc_rnn(lua_State *L, pbuf *b, const gn_rnn *net)
{
    uint64_t h[4] = {net->n, net->nin, net->nout, (uint64_t)net->act};
    double d[3] = {net->tau, net->dt, net->noise};
    buf_put(L, b, h, sizeof h);
    buf_put(L, b, d, sizeof d);
    const gsl_matrix *ms[6] = {net->W, net->Win, net->b, net->Wout, net->bout, net->x0};
    for (int k = 0; k < 6; k++) enc_matrix(L, b, ms[k]);
}

static void enc_value(lua_State *L, pbuf *b, int idx, int depth);

static void enc_table(lua_State *L, pbuf *b, int idx, int depth)
{
    if (depth >= MAX_DEPTH) luaL_error(L, "parallel: a message nests tables more than %d deep (a cycle?)", MAX_DEPTH);
    luaL_checkstack(L, 4, "parallel: message too deep");
    buf_put(L, b, "T", 1);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        enc_value(L, b, lua_gettop(L) - 1, depth + 1);
        enc_value(L, b, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    buf_put(L, b, "e", 1);
}

static void enc_value(lua_State *L, pbuf *b, int idx, int depth)
{
    switch (lua_type(L, idx)) {
    case LUA_TNIL: buf_put(L, b, "n", 1); return;
    case LUA_TBOOLEAN: buf_put(L, b, lua_toboolean(L, idx) ? "t" : "f", 1); return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            int64_t v = lua_tointeger(L, idx);
            buf_put(L, b, "i", 1);
            buf_put(L, b, &v, sizeof v);
        } else {
            double v = lua_tonumber(L, idx);
            buf_put(L, b, "d", 1);
            buf_put(L, b, &v, sizeof v);
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        buf_put(L, b, "s", 1);
        put_u64(L, b, len);
        buf_put(L, b, s, len);
        return;
    }
    case LUA_TTABLE: enc_table(L, b, idx, depth); return;
    case LUA_TUSERDATA:
        if (luaL_testudata(L, idx, LG_MATRIX_MT)) {
            buf_put(L, b, "M", 1);
            enc_matrix(L, b, lg_checkmatrix(L, idx));
            return;
        }
        if (luaL_testudata(L, idx, LG_RNN_MT)) {
            buf_put(L, b, "R", 1);
            enc_rnn(L, b, lg_checkrnn(L, idx));
            return;
        }
        break;
    default: break;
    }
    luaL_error(L, "parallel: cannot send a %s (only nil, booleans, numbers, strings, tables, matrices and rnns)",
               luaL_typename(L, idx));
}

/* ---- decoding ---------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t n, at;
} reader;

static const void *take(lua_State *L, reader *r, size_t len)
{
    if (len > r->n - r->at) luaL_error(L, "parallel: a worker's message is truncated");
    const void *p = r->p + r->at;
    r->at += len;
    return p;
}

static uint64_t take_u64(lua_State *L, reader *r)
{
    uint64_t v;
    memcpy(&v, take(L, r, sizeof v), sizeof v);
    return v;
}

static void dec_matrix_into(lua_State *L, reader *r, gsl_matrix *m)
{
    uint64_t r1 = take_u64(L, r), c1 = take_u64(L, r);
    if (r1 != m->size1 || c1 != m->size2) luaL_error(L, "parallel: a worker's network is inconsistent");
    for (size_t i = 0; i < m->size1; i++) memcpy(m->data + i * m->tda, take(L, r, m->size2 * sizeof(double)),
                                                 m->size2 * sizeof(double));
}

static void dec_matrix(lua_State *L, reader *r)
{
    uint64_t rows = take_u64(L, r), cols = take_u64(L, r);
    if (cols && rows > (r->n - r->at) / sizeof(double) / cols) luaL_error(L, "parallel: a worker's message is truncated");
    gsl_matrix *m = lgm_new(L, rows, cols, 1);
    for (size_t i = 0; i < rows; i++)
        memcpy(m->data + i * m->tda, take(L, r, cols * sizeof(double)), cols * sizeof(double));
}

static void dec_rnn(lua_State *L, reader *r)
{
    uint64_t h[4];
    double d[3];
    memcpy(h, take(L, r, sizeof h), sizeof h);
    memcpy(d, take(L, r, sizeof d), sizeof d);
    gn_err e = {0};
    gn_rnn *net = gn_rnn_alloc(h[0], h[1], h[2], &e);
    if (!net) lg_coreerror(L, "parallel", &e);
    lg_pushrnn(L, net);   /* Lua owns it from here (freed if decoding fails) */
    net->act = (gn_act)h[3];
    net->tau = d[0];
    net->dt = d[1];
    net->noise = d[2];
    gsl_matrix *ms[6] = {net->W, net->Win, net->b, net->Wout, net->bout, net->x0};
    for (int k = 0; k < 6; k++) dec_matrix_into(L, r, ms[k]);
    if (gn_rnn_validate(net, &e)) lg_coreerror(L, "parallel", &e);
}

static void dec_value(lua_State *L, reader *r, int depth)
{
    if (depth > MAX_DEPTH + 1) luaL_error(L, "parallel: a worker's message is too deep");
    luaL_checkstack(L, 4, "parallel: message too deep");
    char tag = *(const char *)take(L, r, 1);
    switch (tag) {
    case 'n': lua_pushnil(L); return;
    case 't': lua_pushboolean(L, 1); return;
    case 'f': lua_pushboolean(L, 0); return;
    case 'i': { int64_t v; memcpy(&v, take(L, r, sizeof v), sizeof v); lua_pushinteger(L, v); return; }
    case 'd': { double v; memcpy(&v, take(L, r, sizeof v), sizeof v); lua_pushnumber(L, v); return; }
    case 's': { uint64_t len = take_u64(L, r); const char *s = take(L, r, len); lua_pushlstring(L, s, len); return; }
    case 'M': dec_matrix(L, r); return;
    case 'R': dec_rnn(L, r); return;
    case 'T':
        lua_newtable(L);
        while (r->at < r->n && r->p[r->at] != 'e') {
            dec_value(L, r, depth + 1);
            dec_value(L, r, depth + 1);
            if (lua_isnil(L, -2)) luaL_error(L, "parallel: a worker's message has a nil key");
            lua_rawset(L, -3);
        }
        take(L, r, 1);
        return;
    default: luaL_error(L, "parallel: a worker's message is corrupt (tag %d)", (int)tag);
    }
}

/* ---- the workers ------------------------------------------------------------ */

typedef struct {
    int k, jobs, started, running;
    pid_t parent;
    pid_t pid[MAX_WORKERS];
    int rfd[MAX_WORKERS];    /* a worker's messages, read end; -1 once at its end */
    int gofd[MAX_WORKERS];   /* its start signal, write end; -1 once sent */
    int reaped[MAX_WORKERS], status[MAX_WORKERS];
    pbuf in[MAX_WORKERS];
} prun;

static void write_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(3);   /* the parent is gone: nobody wants the rest */
        c += w;
        len -= (size_t)w;
    }
}

static void write_frame(int fd, char kind, const void *p, uint64_t len)
{
    char h[9];
    h[0] = kind;
    memcpy(h + 1, &len, sizeof len);
    write_all(fd, h, sizeof h);
    if (len) write_all(fd, p, len);
}

/* send(v) inside a worker: v to the parent, in order. */
static int l_send(lua_State *L)
{
    if ((lua_Integer)getpid() != lua_tointeger(L, lua_upvalueindex(2)))
        return luaL_error(L, "parallel: send works only inside its worker");
    lua_settop(L, 1);
    pbuf *b = buf_push(L);
    enc_value(L, b, 1, 0);
    write_frame((int)lua_tointeger(L, lua_upvalueindex(1)), 'm', b->p, b->n);
    buf_free(b);
    return 0;
}

/* os.exit inside a worker: leave at once.  exit() would run the session's
 * atexit handlers (the terminal's restore among them) in the worker. */
static int l_worker_exit(lua_State *L)
{
    int code = lua_isboolean(L, 1) ? !lua_toboolean(L, 1) : (int)luaL_optinteger(L, 1, 0);
    _exit(code);
}

/* In the child: fn(i, send), then 'z' (or 'x' and the error), then _exit. */
static void worker(lua_State *L, prun *R, int i, int wfd, int go)
{
    signal(SIGINT, SIG_IGN);   /* the terminal's Ctrl-C reaches the parent, which kills us */
    signal(SIGPIPE, SIG_IGN);
    /* A group of its own, so that the parent's kill also takes whatever the
     * worker started (a task's io.popen); and gone when the parent is. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != R->parent) _exit(0);   /* the parent died before prctl */
    for (int j = 0; j < i; j++) {
        if (R->rfd[j] >= 0) close(R->rfd[j]);
        if (R->gofd[j] >= 0) close(R->gofd[j]);
    }
    int nul = open("/dev/null", O_WRONLY);   /* nothing a worker does is for a terminal */
    if (nul >= 0) { dup2(nul, 1); dup2(nul, 2); }
    lg_intr_child();
    /* jobs workers share the CPUs: each takes its share of threads (the
     * rnn's numbers do not depend on it) */
    int share = gn_cpu_count() / R->jobs;
    gn_cpu_cap(share > 0 ? share : 1);
    if (lua_getglobal(L, "os") == LUA_TTABLE) {
        lua_pushcfunction(L, l_worker_exit);
        lua_setfield(L, -2, "exit");
    }
    lua_pop(L, 1);
    char c;
    ssize_t got;
    do got = read(go, &c, 1); while (got < 0 && errno == EINTR);
    if (got != 1) _exit(0);   /* never released: the run ended first */
    lua_pushvalue(L, 3);
    lua_pushinteger(L, i + 1);
    lua_pushinteger(L, wfd);
    lua_pushinteger(L, (lua_Integer)getpid());
    lua_pushcclosure(L, l_send, 2);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        size_t len = 0;
        const char *m = lua_tolstring(L, -1, &len);
        if (!m) m = "(error object is not a string)", len = strlen(m);
        write_frame(wfd, 'x', m, len);
    } else {
        write_frame(wfd, 'z', NULL, 0);
    }
    _exit(0);
}

static void run_cleanup(prun *R)
{
    for (int i = 0; i < R->k; i++) {
        if (R->gofd[i] >= 0) close(R->gofd[i]);
        if (R->rfd[i] >= 0) close(R->rfd[i]);
        R->gofd[i] = R->rfd[i] = -1;
        if (R->pid[i] > 0 && !R->reaped[i]) {
            kill(-R->pid[i], SIGKILL);   /* its group: the worker and what it started */
            kill(R->pid[i], SIGKILL);    /* in case setpgid had not happened yet */
            while (waitpid(R->pid[i], &R->status[i], 0) < 0 && errno == EINTR) {}
            R->reaped[i] = 1;
        }
        buf_free(&R->in[i]);
    }
    R->k = 0;
}

static int run_gc(lua_State *L)
{
    run_cleanup(luaL_checkudata(L, 1, PAR_MT));
    return 0;
}

/* Starts (releases) workers in order while fewer than jobs run. */
static void release(prun *R)
{
    while (R->running < R->jobs && R->started < R->k) {
        int i = R->started++;
        write_all(R->gofd[i], "g", 1);
        close(R->gofd[i]);
        R->gofd[i] = -1;
        R->running++;
    }
}

static int fork_workers(lua_State *L, prun *R)
{
    fflush(NULL);   /* a child must not inherit (and one day flush) unwritten output */
    R->parent = getpid();
    for (int i = 0; i < R->k; i++) {
        int res[2], go[2];
        if (pipe2(res, O_CLOEXEC)) return errno;
        if (pipe2(go, O_CLOEXEC)) { int e = errno; close(res[0]); close(res[1]); return e; }
        pid_t pid = fork();
        if (pid < 0) {
            int e = errno;
            close(res[0]); close(res[1]); close(go[0]); close(go[1]);
            return e;
        }
        if (pid == 0) {
            close(res[0]);
            close(go[1]);
            worker(L, R, i, res[1], go[0]);
        }
        close(res[1]);
        close(go[0]);
        R->pid[i] = pid;
        R->rfd[i] = res[0];
        R->gofd[i] = go[1];
    }
    return 0;
}

/* Worker i's pipe reached its end: reap it and free its slot. */
static void ended(prun *R, int i)
{
    close(R->rfd[i]);
    R->rfd[i] = -1;
    while (waitpid(R->pid[i], &R->status[i], 0) < 0 && errno == EINTR) {}
    R->reaped[i] = 1;
    R->running--;
    release(R);
}

/* Reads whatever the workers have sent, waiting up to ms for something. */
static void pump(lua_State *L, prun *R, int ms)
{
    struct pollfd pf[MAX_WORKERS];
    int who[MAX_WORKERS], m = 0;
    for (int i = 0; i < R->k; i++)
        if (R->rfd[i] >= 0) { pf[m] = (struct pollfd){.fd = R->rfd[i], .events = POLLIN}; who[m++] = i; }
    if (m == 0 || poll(pf, (nfds_t)m, ms) <= 0) return;
    char chunk[65536];
    for (int j = 0; j < m; j++) {
        if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int i = who[j];
        ssize_t got = read(R->rfd[i], chunk, sizeof chunk);
        if (got > 0) buf_put(L, &R->in[i], chunk, (size_t)got);
        else if (got == 0 || errno != EINTR) ended(R, i);
    }
}

/* The next whole frame of worker i: its kind, or 0 when none has arrived. */
static char next_frame(prun *R, int i, const char **payload, uint64_t *len)
{
    pbuf *b = &R->in[i];
    if (b->n - b->off < 9) return 0;
    memcpy(len, b->p + b->off + 1, sizeof *len);
    if (b->n - b->off - 9 < *len) return 0;
    char kind = b->p[b->off];
    *payload = b->p + b->off + 9;
    b->off += 9 + *len;
    return kind;
}

static int worker_died(lua_State *L, prun *R, int i)
{
    int st = R->status[i];
    run_cleanup(R);
    if (WIFSIGNALED(st))
        return luaL_error(L, "parallel: worker %d was killed by signal %d (out of memory?)", i + 1, WTERMSIG(st));
    return luaL_error(L, "parallel: worker %d ended without finishing (status %d)", i + 1, WEXITSTATUS(st));
}

/* Hands worker i's messages to on_msg (stack index 4) until its 'z';
 * 0 when the run was stopped. */
static int drain(lua_State *L, prun *R, int i)
{
    volatile int *stop = lg_stopflag();
    for (;;) {
        pbuf *b = &R->in[i];
        if (b->off == b->n) b->off = b->n = 0;   /* all handed on: reuse the space */
        const char *p = NULL;
        uint64_t len = 0;
        char kind;
        while (!(kind = next_frame(R, i, &p, &len)) && R->rfd[i] >= 0 && !*stop) pump(L, R, 50);
        if (lg_poll()) return 0;   /* one counted poll per message: see the top of the file */
        if (!kind) {
            while (R->rfd[i] >= 0) pump(L, R, 50);   /* the end arrived: read what preceded it */
            if (!(kind = next_frame(R, i, &p, &len))) return worker_died(L, R, i);
        }
        if (kind == 'z') return 1;
        if (kind == 'x') {
            lua_pushlstring(L, p, len);
            run_cleanup(R);
            return lua_error(L);
        }
        reader r = {p, len, 0};
        lua_pushvalue(L, 4);
        lua_pushinteger(L, i + 1);
        dec_value(L, &r, 0);
        lua_call(L, 2, 0);
    }
}

/* ganglion.parallel(k, jobs, fn, on_msg): runs fn(i, send) for i = 1..k in
 * forked workers, at most jobs at once (0: the CPUs this process may use);
 * on_msg(i, v) receives each send(v), all of worker 1's first, then worker
 * 2's, ...  Returns true, or false and "interrupted" after a Ctrl-C (the
 * messages handed on so far stay handed on).  A worker's error is raised
 * here with its message.  fn must not rely on printing (its output is
 * discarded) and what it changes stays in its own process. */
static int l_parallel(lua_State *L)
{
    lua_Integer k = luaL_checkinteger(L, 1), jobs = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, k >= 1 && k <= MAX_WORKERS, 1, "between 1 and 64 workers");
    luaL_argcheck(L, jobs >= 0, 2, "jobs must be >= 0");
    luaL_checktype(L, 3, LUA_TFUNCTION);
    luaL_checktype(L, 4, LUA_TFUNCTION);
    lua_settop(L, 4);
    if (jobs == 0) jobs = gn_cpu_count();
    prun *R = lua_newuserdatauv(L, sizeof *R, 0);
    memset(R, 0, sizeof *R);
    for (int i = 0; i < MAX_WORKERS; i++) R->rfd[i] = R->gofd[i] = -1;
    luaL_setmetatable(L, PAR_MT);
    lua_toclose(L, 5);
    R->k = (int)k;
    R->jobs = jobs < k ? (int)jobs : (int)k;
    int e = fork_workers(L, R);
    if (e) {
        run_cleanup(R);
        return luaL_error(L, "parallel: cannot start worker processes: %s", strerror(e));
    }
    release(R);
    for (int i = 0; i < k; i++)
        if (!drain(L, R, i)) {
            run_cleanup(R);
            lua_pushboolean(L, 0);
            lua_pushliteral(L, "interrupted");
            return 2;
        }
    run_cleanup(R);
    lua_pushboolean(L, 1);
    return 1;
}

int lg_open_parallel(lua_State *L)
{
    luaL_newmetatable(L, PAR_MT);
    lua_pushcfunction(L, run_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, run_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
    luaL_newmetatable(L, BUF_MT);
    lua_pushcfunction(L, buf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    if (lua_getglobal(L, "ganglion") == LUA_TTABLE) {
        lua_pushcfunction(L, l_parallel);
        lua_setfield(L, -2, "parallel");
    }
    lua_pop(L, 1);
    return 0;
}
