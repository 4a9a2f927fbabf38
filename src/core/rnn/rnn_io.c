/* rnn_io.c — rnn save (atomic, text, exact %.17g) and load (a plain
 * tokenizer: the file is data and nothing in it is ever executed). */
#include "open_read.h"
#include "rnn.h"

#include "atomic_file.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FORMAT_NAME "ganglion-rnn"
#define FORMAT_VERSION 1
#define TOKEN_MAX 64

/* ---- save ------------------------------------------------------------------ */

static void put_matrix(FILE *f, const char *name, const gsl_matrix *m)
{
    fprintf(f, "%s %zu %zu\n", name, m->size1, m->size2);
    for (size_t i = 0; i < m->size1; i++)
        for (size_t j = 0; j < m->size2; j++)
            fprintf(f, "%.17g%c", gsl_matrix_get(m, i, j), j + 1 < m->size2 ? ' ' : '\n');
}

int gn_rnn_save(const gn_rnn *net, const char *path, gn_err *err)
{
    if (!path || !*path) return gn_fail(err, GN_EINVAL, "rnn save: empty path");
    if (gn_rnn_validate(net, err)) return GN_EINVAL;
    gn_atomic a;
    int rc = gn_atomic_open(&a, path, err);
    if (rc) return rc;
    FILE *f = a.f;
    fprintf(f, "%s %d\n", FORMAT_NAME, FORMAT_VERSION);
    fprintf(f, "# continuous-time rate RNN: x_t = x_{t-1} + dt/tau*(-x_{t-1} + W f(x_{t-1}) + Win u_t + b)\n");
    fprintf(f, "n %zu\ninputs %zu\noutputs %zu\n", net->n, net->nin, net->nout);
    fprintf(f, "tau %.17g\ndt %.17g\nactivation %s\nnoise %.17g\n", net->tau, net->dt,
            gn_act_name(net->act), net->noise);
    put_matrix(f, "W", net->W);
    put_matrix(f, "Win", net->Win);
    put_matrix(f, "b", net->b);
    put_matrix(f, "Wout", net->Wout);
    put_matrix(f, "bout", net->bout);
    put_matrix(f, "x0", net->x0);
    fprintf(f, "end\n");
    return gn_atomic_commit(&a, err);
}

/* ---- load ------------------------------------------------------------------ */

typedef struct {
    FILE *f;
    const char *path;
    int line;            /* line of the last token read */
    char tok[TOKEN_MAX + 1];
    gn_err *err;
} reader;

/* Reads the next whitespace-separated token (skipping '#' comments).
 * Returns 1 on a token, 0 at end of file, -1 on an error (err filled). */
static int next_token(reader *r)
{
    int c;
    for (;;) {
        c = getc(r->f);
        if (c == EOF) return 0;
        if (c == '\n') { r->line++; continue; }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (c == '#') {
            while ((c = getc(r->f)) != EOF && c != '\n') {}
            if (c == '\n') r->line++;
            continue;
        }
        break;
    }
    size_t len = 0;
    while (c != EOF && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        if (len == TOKEN_MAX) {
            r->tok[len] = 0;
            gn_fail(r->err, GN_EFORMAT, "%s:%d: token too long (starts \"%.20s\")", r->path,
                    r->line, r->tok);
            return -1;
        }
        if (c == 0 || c == '(' || c == ')' || c == '=' || c == '{' || c == '"' || c == '\'') {
            r->tok[len] = 0;
            gn_fail(r->err, GN_EFORMAT, "%s:%d: unexpected character '%c' after \"%s\" "
                    "(an rnn file holds data only)", r->path, r->line, c ? c : '0', r->tok);
            return -1;
        }
        r->tok[len++] = (char)c;
        c = getc(r->f);
    }
    r->tok[len] = 0;
    if (c == '\n') ungetc(c, r->f);   /* keep line numbers on the token's line */
    return 1;
}

static int need_token(reader *r, const char *what)
{
    int st = next_token(r);
    if (st == 0)
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: file ends early (truncated?) while reading %s",
                       r->path, r->line, what);
    return st < 0 ? GN_EFORMAT : GN_OK;
}

static int read_number(reader *r, double *x, const char *what)
{
    if (need_token(r, what)) return GN_EFORMAT;
    char *end;
    errno = 0;
    *x = strtod(r->tok, &end);
    if (end == r->tok || *end)
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: %s: expected a number, got \"%s\"", r->path,
                       r->line, what, r->tok);
    if (!isfinite(*x))
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: %s: number is not finite (\"%s\")", r->path,
                       r->line, what, r->tok);
    return GN_OK;
}

static int read_size(reader *r, size_t *v, size_t max, const char *what)
{
    if (need_token(r, what)) return GN_EFORMAT;
    char *end;
    const char *s = r->tok;
    if (*s < '0' || *s > '9')
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: %s: expected a positive integer, got \"%s\"",
                       r->path, r->line, what, s);
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || errno)
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: %s: expected a positive integer, got \"%s\"",
                       r->path, r->line, what, s);
    if (x < 1 || x > max)
        return gn_fail(r->err, GN_EFORMAT, "%s:%d: %s must be in 1..%zu, got %llu", r->path,
                       r->line, what, max, x);
    *v = (size_t)x;
    return GN_OK;
}

enum { K_N, K_IN, K_OUT, K_TAU, K_DT, K_ACT, K_NOISE, NSCALAR,
       K_W = NSCALAR, K_WIN, K_B, K_WOUT, K_BOUT, K_X0, NKEYS };
static const char *const keys[NKEYS] = {
    "n", "inputs", "outputs", "tau", "dt", "activation", "noise",
    "W", "Win", "b", "Wout", "bout", "x0"
};

static int parse(reader *r, gn_rnn **out)
{
    gn_err *err = r->err;
    int st = next_token(r);
    if (st <= 0 || strcmp(r->tok, FORMAT_NAME) != 0)
        return gn_fail(err, GN_EFORMAT, "%s: not a ganglion rnn file (the first line must be "
                       "\"%s %d\")", r->path, FORMAT_NAME, FORMAT_VERSION);
    size_t ver;
    if (read_size(r, &ver, 1000000, "format version")) return GN_EFORMAT;
    if (ver != FORMAT_VERSION)
        return gn_fail(err, GN_EFORMAT, "%s: format version %zu is not supported (this ganglion "
                       "reads version %d)", r->path, ver, FORMAT_VERSION);
    int seen[NKEYS] = {0};
    size_t n = 0, nin = 0, nout = 0;
    double tau = 10, dt = 1, noise = 0;
    gn_act act = GN_ACT_TANH;
    gn_rnn *net = NULL;
    for (;;) {
        st = next_token(r);
        if (st < 0) goto fail;
        if (st == 0) {
            gn_fail(err, GN_EFORMAT, "%s:%d: file ends without \"end\" (truncated?)", r->path, r->line);
            goto fail;
        }
        if (strcmp(r->tok, "end") == 0) break;
        int k = 0;
        while (k < NKEYS && strcmp(r->tok, keys[k]) != 0) k++;
        if (k == NKEYS) {
            gn_fail(err, GN_EFORMAT, "%s:%d: unknown key \"%s\"", r->path, r->line, r->tok);
            goto fail;
        }
        if (seen[k]) {
            gn_fail(err, GN_EFORMAT, "%s:%d: \"%s\" given twice", r->path, r->line, keys[k]);
            goto fail;
        }
        seen[k] = 1;
        switch (k) {
        case K_N: if (read_size(r, &n, GN_RNN_MAX_N, "n")) goto fail; break;
        case K_IN: if (read_size(r, &nin, GN_RNN_MAX_IO, "inputs")) goto fail; break;
        case K_OUT: if (read_size(r, &nout, GN_RNN_MAX_IO, "outputs")) goto fail; break;
        case K_TAU: if (read_number(r, &tau, "tau")) goto fail; break;
        case K_DT: if (read_number(r, &dt, "dt")) goto fail; break;
        case K_NOISE: if (read_number(r, &noise, "noise")) goto fail; break;
        case K_ACT:
            if (need_token(r, "activation")) goto fail;
            if (gn_act_parse(r->tok, &act)) {
                gn_fail(err, GN_EFORMAT, "%s:%d: unknown activation \"%s\" (tanh, relu, softplus)",
                        r->path, r->line, r->tok);
                goto fail;
            }
            break;
        default: {
            /* a matrix: sizes are checked against n/inputs/outputs before
             * anything is read, so a hostile size allocates nothing */
            if (!seen[K_N] || !seen[K_IN] || !seen[K_OUT]) {
                gn_fail(err, GN_EFORMAT, "%s:%d: %s before n, inputs and outputs", r->path,
                        r->line, keys[k]);
                goto fail;
            }
            size_t rows, cols;
            if (read_size(r, &rows, SIZE_MAX, keys[k]) || read_size(r, &cols, SIZE_MAX, keys[k]))
                goto fail;
            size_t want_r = k == K_WOUT || k == K_BOUT ? nout : n;
            size_t want_c = k == K_W || k == K_WOUT ? n : k == K_WIN ? nin : 1;
            if (rows != want_r || cols != want_c) {
                gn_fail(err, GN_EFORMAT, "%s:%d: %s must be %zux%zu for n=%zu, inputs=%zu, "
                        "outputs=%zu, got %zux%zu", r->path, r->line, keys[k], want_r,
                        want_c, n, nin, nout, rows, cols);
                goto fail;
            }
            if (!net) {
                /* Every number takes at least two bytes ("0 "): a file too
                 * short for the matrices its header declares is refused
                 * before they are allocated. */
                double need = 2.0 * ((double)n * n + (double)n * nin + 2.0 * n +
                                     (double)nout * n + nout) - 1;
                long long left = gn_file_bytes_left(r->f);
                if (left >= 0 && (double)left < need) {
                    gn_fail(err, GN_EFORMAT, "%s:%d: n=%zu, inputs=%zu, outputs=%zu declare %.0f "
                            "numbers, but only %lld bytes remain (truncated?)", r->path, r->line,
                            n, nin, nout, (need + 1) / 2, left);
                    goto fail;
                }
                if (!(net = gn_rnn_alloc(n, nin, nout, err))) goto fail;
            }
            gsl_matrix *m = k == K_W ? net->W : k == K_WIN ? net->Win : k == K_B ? net->b :
                            k == K_WOUT ? net->Wout : k == K_BOUT ? net->bout : net->x0;
            char what[48];
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < cols; j++) {
                    snprintf(what, sizeof what, "%s[%zu,%zu]", keys[k], i + 1, j + 1);
                    double x;
                    if (read_number(r, &x, what)) goto fail;
                    gsl_matrix_set(m, i, j, x);
                }
        }
        }
    }
    if (next_token(r) != 0) {
        gn_fail(err, GN_EFORMAT, "%s:%d: text after \"end\"", r->path, r->line);
        goto fail;
    }
    for (int k = 0; k < NKEYS; k++)
        if (!seen[k] && k != K_NOISE) {
            gn_fail(err, GN_EFORMAT, "%s: \"%s\" is missing", r->path, keys[k]);
            goto fail;
        }
    net->tau = tau; net->dt = dt; net->noise = noise; net->act = act;
    if (gn_rnn_validate(net, err)) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        gn_fail(err, GN_EFORMAT, "%s: %.200s", r->path, msg);
        goto fail;
    }
    *out = net;
    return GN_OK;
fail:
    gn_rnn_free(net);
    return GN_EFORMAT;
}

gn_rnn *gn_rnn_read(FILE *f, const char *name, gn_err *err)
{
    gn_err local = {0};
    reader r = { f, name, 1, {0}, err ? err : &local };
    gn_rnn *net = NULL;
    parse(&r, &net);
    return net;
}

gn_rnn *gn_rnn_load(const char *path, gn_err *err)
{
    if (!path || !*path) { gn_fail(err, GN_EINVAL, "empty path"); return NULL; }
    gn_err oe = {0};
    FILE *f = gn_open_read(path, NULL, &oe);
    if (!f) { gn_fail(err, GN_EIO, "%s", oe.msg); return NULL; }
    gn_rnn *net = gn_rnn_read(f, path, err);
    fclose(f);
    return net;
}
