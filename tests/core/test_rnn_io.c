/* test_rnn_io.c — rnn save/load: bit-exact round trip, atomic write, and
 * hostile or broken files rejected with clear messages. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "rnn.h"

static char dir[] = "/tmp/gn_test_rnn_io_XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    fputs(text, f);
    fclose(f);
}

/* Loads text as a file and checks it is refused with a message containing want. */
static void expect_reject(const char *label, const char *text, const char *want)
{
    write_file("bad.rnn", text);
    gn_err e = {0};
    gn_rnn *net = gn_rnn_load(path_of("bad.rnn"), &e);
    CHECK(net == NULL && e.code == GN_EFORMAT && strstr(e.msg, want),
          "%s rejected: %s", label, e.msg);
    gn_rnn_free(net);
}

/* A valid small file's text, for mutating. */
static const char *good =
    "ganglion-rnn 1\n"
    "n 2\ninputs 1\noutputs 1\ntau 10\ndt 1\nactivation relu\nnoise 0\n"
    "W 2 2\n0.5 -0.25\n1e-3 2\n"
    "Win 2 1\n1\n-1\n"
    "b 2 1\n0\n0.125\n"
    "Wout 1 2\n3 4\n"
    "bout 1 1\n-0.5\n"
    "x0 2 1\n0.1\n0.2\n"
    "end\n";

static char *replace(const char *s, const char *from, const char *to)
{
    static char buf[4096];
    const char *p = strstr(s, from);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
    return buf;
}

int main(void)
{
    if (!mkdtemp(dir)) { printf("not ok - cannot make a temp dir\n"); return 1; }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);

    /* round trip, with values that expose lossy printing */
    gn_rnn *net = gn_rnn_alloc(13, 4, 3, NULL);
    gn_rnn_init(net, 1.5, rng, NULL);
    net->tau = 1.0 / 3; net->dt = 0.1; net->act = GN_ACT_SOFTPLUS; net->noise = 0.05;
    gsl_matrix_set(net->W, 0, 0, 1.0 / 3);
    gsl_matrix_set(net->W, 0, 1, -0.0);
    gsl_matrix_set(net->W, 0, 2, 4.9e-324);
    gsl_matrix_set(net->W, 0, 3, 1.7976931348623157e308);
    gsl_matrix_set(net->b, 5, 0, 2.2250738585072014e-308);
    gsl_matrix_set(net->x0, 2, 0, -123456.789e-7);
    gn_err e = {0};
    CHECK(gn_rnn_save(net, path_of("a.rnn"), &e) == GN_OK, "save writes a file (%s)", e.msg);
    gn_rnn *back = gn_rnn_load(path_of("a.rnn"), &e);
    CHECK(back != NULL, "load reads it back (%s)", e.msg);
    if (back) {
        size_t np = gn_rnn_nparams(net);
        double *p = malloc(np * sizeof *p), *q = malloc(np * sizeof *q);
        gn_rnn_get_params(net, p); gn_rnn_get_params(back, q);
        CHECK(back->n == 13 && back->nin == 4 && back->nout == 3, "sizes survive");
        CHECK(memcmp(p, q, np * sizeof *p) == 0, "all %zu parameters survive bit for bit", np);
        CHECK(signbit(gsl_matrix_get(back->W, 0, 1)), "-0 keeps its sign");
        CHECK(back->tau == net->tau && back->dt == net->dt && back->noise == net->noise &&
              back->act == GN_ACT_SOFTPLUS, "tau, dt, noise and activation survive exactly");
        free(p); free(q);
        /* saving the loaded net gives the same bytes */
        gn_rnn_save(back, path_of("b.rnn"), NULL);
        char cmd[600];
        snprintf(cmd, sizeof cmd, "cmp -s %s/a.rnn %s/b.rnn", dir, dir);
        CHECK(system(cmd) == 0, "save(load(file)) reproduces the file byte for byte");
        gn_rnn_free(back);
    }
    /* no temporary left behind; the file starts with the format line */
    DIR *d = opendir(dir);
    int tmps = 0;
    for (struct dirent *de; (de = readdir(d));) if (strstr(de->d_name, "tmp")) tmps++;
    closedir(d);
    CHECK(tmps == 0, "atomic save leaves no temporary file");
    FILE *f = fopen(path_of("a.rnn"), "r");
    char line[64] = {0};
    CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "ganglion-rnn 1\n") == 0,
          "first line names the format and version");
    if (f) fclose(f);
    CHECK(gn_rnn_save(net, "/nonexistent-dir/x.rnn", &e) == GN_EIO && strstr(e.msg, "cannot write"),
          "unwritable path: %s", e.msg);
    /* sizes are checked before anything is allocated: a 52-byte file
     * declaring n=20000, inputs=10000 allocates nothing */
    expect_reject("W shape against a huge header",
                  "ganglion-rnn 1\nn 20000\ninputs 10000\noutputs 1\nW 1 1 0\nend\n",
                  "W must be 20000x20000");
    expect_reject("a huge declared W over a short file",
                  "ganglion-rnn 1\nn 20000\ninputs 10000\noutputs 1\nW 20000 20000 0 0\nend\n",
                  "only");
    CHECK(gn_rnn_load(path_of("missing.rnn"), &e) == NULL && e.code == GN_EIO,
          "missing file: %s", e.msg);
    gsl_matrix_set(net->W, 1, 1, NAN);
    CHECK(gn_rnn_save(net, path_of("c.rnn"), &e) == GN_EINVAL && access(path_of("c.rnn"), F_OK) != 0,
          "a net with NaN is not saved: %s", e.msg);
    gn_rnn_free(net);

    /* the good text loads */
    write_file("good.rnn", good);
    net = gn_rnn_load(path_of("good.rnn"), &e);
    CHECK(net && net->act == GN_ACT_RELU && gsl_matrix_get(net->W, 1, 0) == 1e-3 &&
          gsl_matrix_get(net->x0, 1, 0) == 0.2, "hand-written file loads (%s)", net ? "" : e.msg);
    gn_rnn_free(net);

    /* hostile and broken files */
    expect_reject("Lua code", "os.execute(\"touch /tmp/gn_pwned\")\n", "not a ganglion rnn file");
    expect_reject("a Lua table", "return { n = 2, W = {{1,2},{3,4}} }\n", "not a ganglion rnn file");
    expect_reject("an infinite loop", "while true do end\n", "not a ganglion rnn file");
    expect_reject("code after the header", replace(good, "tau 10", "tau os.exit(1)"), "unexpected character");
    expect_reject("a call in a number", replace(good, "0.5 -0.25", "0.5 f(x)"), "unexpected character");
    expect_reject("wrong version", replace(good, "ganglion-rnn 1", "ganglion-rnn 2"), "version 2");
    expect_reject("wrong shape", replace(good, "Win 2 1\n1\n-1", "Win 1 2\n1 -1"), "Win must be 2x1");
    expect_reject("huge sizes", replace(good, "n 2", "n 999999999999"), "n must be in");
    expect_reject("huge matrix", replace(good, "W 2 2", "W 4000000000 4000000000"), "W must be 2x2");
    expect_reject("NaN weight", replace(good, "1e-3", "nan"), "not finite");
    expect_reject("Inf weight", replace(good, "1e-3", "-inf"), "W[2,1]");
    expect_reject("unknown key", replace(good, "noise 0", "noize 0"), "unknown key \"noize\"");
    expect_reject("duplicate key", replace(good, "noise 0", "tau 3"), "given twice");
    expect_reject("missing matrix", replace(good, "bout 1 1\n-0.5\n", ""), "\"bout\" is missing");
    expect_reject("truncated in a matrix", "ganglion-rnn 1\nn 2\ninputs 1\noutputs 1\nW 2 2\n0.5 -0.25\n1e-3",
                  "truncated");
    char *cut = strdup(good);
    cut[strlen(cut) - 4] = 0;   /* drop "end\n" */
    expect_reject("truncated before end", cut, "without \"end\"");
    free(cut);
    expect_reject("bad number", replace(good, "1e-3", "1e-3x"), "expected a number");
    expect_reject("negative tau", replace(good, "tau 10", "tau -1"), "tau");
    expect_reject("bad activation", replace(good, "relu", "sigmoid"), "unknown activation");
    expect_reject("text after end", replace(good, "end\n", "end\nW 2 2\n"), "after \"end\"");
    expect_reject("matrix before sizes", "ganglion-rnn 1\nW 2 2\n1 2 3 4\n", "before n");
    expect_reject("empty file", "", "not a ganglion rnn file");
    /* a 100 MB token is refused after a few bytes, without reading it all */
    FILE *big = fopen(path_of("big.rnn"), "w");
    fputs("ganglion-rnn 1\nn ", big);
    char *chunk = malloc(1 << 20);
    memset(chunk, '9', 1 << 20);
    for (int i = 0; i < 100; i++) fwrite(chunk, 1, 1 << 20, big);
    fclose(big);
    free(chunk);
    net = gn_rnn_load(path_of("big.rnn"), &e);
    CHECK(net == NULL && strstr(e.msg, "token too long"), "100 MB token rejected: %s", e.msg);
    CHECK(access("/tmp/gn_pwned", F_OK) != 0, "nothing from a file was executed");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    gsl_rng_free(rng);
    CHECK_DONE();
}
