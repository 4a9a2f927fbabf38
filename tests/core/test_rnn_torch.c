/* test_rnn_torch.c — rnn loss, BPTT gradient and Gauss-Newton product
 * against an independent PyTorch float64 implementation (autograd, jvp/vjp)
 * on the same data; skips when /usr/bin/python3 has no torch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "rnn.h"

static char dir[] = "/tmp/gn_test_rnn_torch_XXXXXX";

static void put(const char *name, const double *x, size_t len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fwrite(x, sizeof *x, len, f);
    fclose(f);
}

static int get(const char *name, double *x, size_t len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (!f) return -1;
    size_t got = fread(x, sizeof *x, len, f);
    fclose(f);
    return got == len ? 0 : -1;
}

/* Returns 0 on success, 77 when torch is missing, other on failure. */
static int run_case(gsl_rng *rng, int act, size_t n, size_t ni, size_t no, size_t B, size_t T,
                    int nth, double sdamp)
{
    gn_rnn *net = gn_rnn_alloc(n, ni, no, NULL);
    gn_rnn_init(net, 1.4, rng, NULL);
    net->act = act; net->tau = 6.3; net->dt = 1.7;
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(net->b, i, 0, gsl_ran_gaussian(rng, 0.4));
        gsl_matrix_set(net->x0, i, 0, gsl_ran_gaussian(rng, 0.6));
    }
    for (size_t o = 0; o < no; o++) gsl_matrix_set(net->bout, o, 0, gsl_ran_gaussian(rng, 0.3));
    gn_batch *bat = gn_batch_alloc(B, T, ni, no, 1, NULL);
    for (size_t i = 0; i < B * T * ni; i++) bat->u[i] = gsl_ran_gaussian(rng, 1.0);
    for (size_t i = 0; i < B * T * no; i++) {
        bat->target[i] = gsl_ran_gaussian(rng, 0.8);
        bat->mask[i] = gsl_rng_uniform(rng) < 0.3 ? 0 : 0.25 + gsl_rng_uniform(rng);
    }
    size_t np = gn_rnn_nparams(net);
    double *p = malloc(np * sizeof *p), *v = malloc(np * sizeof *v), *g = malloc(np * sizeof *g);
    double *gv = malloc(np * sizeof *gv), *tg = malloc(np * sizeof *tg), *tgv = malloc(np * sizeof *tgv);
    gn_rnn_get_params(net, p);
    for (size_t i = 0; i < np; i++) v[i] = gsl_ran_gaussian(rng, 1.0);
    put("params.bin", p, np); put("v.bin", v, np);
    put("u.bin", bat->u, B * T * ni); put("target.bin", bat->target, B * T * no);
    put("mask.bin", bat->mask, B * T * no);
    char p2[512];
    snprintf(p2, sizeof p2, "%s/meta.txt", dir);
    FILE *f = fopen(p2, "w");
    fprintf(f, "%zu %zu %zu %zu %zu %.17g %.17g %s %.17g\n", n, ni, no, B, T, net->tau, net->dt,
            gn_act_name(act), sdamp);
    fclose(f);
    const char *script = getenv("GN_TORCH_REF") ? getenv("GN_TORCH_REF") : "tests/ref/torch_grad.py";
    snprintf(p2, sizeof p2, "/usr/bin/python3 %s %s", script, dir);
    int st = access("/usr/bin/python3", X_OK) == 0 ? system(p2) : 77 << 8;
    int rc = WEXITSTATUS(st);
    if (rc == 0) {
        gn_rnn_work *w = gn_rnn_work_alloc(net, B, T, nth, NULL);
        double loss, tloss = NAN;
        gn_rnn_grad(net, bat, w, NULL, &loss, g, NULL);
        gn_rnn_gv(net, bat, w, v, sdamp, gv, NULL);
        snprintf(p2, sizeof p2, "%s/loss.txt", dir);
        f = fopen(p2, "r");
        if (!f || fscanf(f, "%lf", &tloss) != 1) tloss = NAN;
        if (f) fclose(f);
        int ok = get("grad.bin", tg, np) == 0 && get("gv.bin", tgv, np) == 0;
        CHECK(ok, "torch reference wrote its results");
        double eg = 0, egv = 0, sg = 0, sgv = 0;
        for (size_t i = 0; ok && i < np; i++) {
            eg = fmax(eg, fabs(g[i] - tg[i])); sg = fmax(sg, fabs(tg[i]));
            egv = fmax(egv, fabs(gv[i] - tgv[i])); sgv = fmax(sgv, fabs(tgv[i]));
        }
        const char *an = gn_act_name(act);
        CHECK_NEAR(loss, tloss, 1e-12, "%s n=%zu B=%zu T=%zu: loss equals PyTorch's", an, n, B, T);
        CHECK(ok && eg <= 1e-10 * sg, "%s n=%zu B=%zu T=%zu %d thr: gradient equals PyTorch autograd "
              "(max err %.1e, scale %.2g)", an, n, B, T, nth, eg, sg);
        CHECK(ok && egv <= 1e-10 * sgv, "%s n=%zu sdamp=%g: Gv equals PyTorch jvp+vjp (max err %.1e, "
              "scale %.2g)", an, n, sdamp, egv, sgv);
        gn_rnn_work_free(w);
    }
    free(p); free(v); free(g); free(gv); free(tg); free(tgv);
    gn_batch_free(bat); gn_rnn_free(net);
    return rc;
}

int main(void)
{
    if (!mkdtemp(dir)) { printf("not ok - cannot make a temp dir\n"); return 1; }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1234);
    int rc = run_case(rng, GN_ACT_TANH, 7, 3, 2, 3, 11, 1, 0.0);
    if (rc == 77) {
        SKIP("PyTorch reference: /usr/bin/python3 with torch is not available");
    } else if (rc != 0) {
        CHECK(0, "torch reference script failed (status %d)", rc);
    } else {
        run_case(rng, GN_ACT_RELU, 7, 3, 2, 3, 11, 1, 0.21);
        run_case(rng, GN_ACT_SOFTPLUS, 7, 3, 2, 3, 11, 2, 0.5);
        run_case(rng, GN_ACT_TANH, 40, 4, 3, 9, 60, 2, 0.1);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    gsl_rng_free(rng);
    CHECK_DONE();
}
