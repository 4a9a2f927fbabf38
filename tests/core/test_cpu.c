/* test_cpu.c — CPU dispatch and affinity: the thread count follows the
 * process's CPU affinity (taskset, Slurm), and GANGLION_SIMD=baseline
 * selects the baseline kernels, which agree with the native ones. */
#include "check.h"
#include "simd.h"
#include "rnn_act.h"
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void gn_rnn_k_act_base(int act, size_t len, const double *x, double *r);
void gn_rnn_k_act_avx2(int act, size_t len, const double *x, double *r);

int main(void)
{
    cpu_set_t set;
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0, "sched_getaffinity works");
    CHECK(gn_cpu_count() == CPU_COUNT(&set), "gn_cpu_count = CPUs in the affinity mask (%d)", gn_cpu_count());
    int first = -1;
    for (int i = 0; i < CPU_SETSIZE && first < 0; i++) if (CPU_ISSET(i, &set)) first = i;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0, "pinned to CPU %d", first);
    CHECK(gn_cpu_count() == 1, "one allowed CPU gives a count of 1 (got %d)", gn_cpu_count());
    sched_setaffinity(0, sizeof set, &set);

    const char *force = getenv("GANGLION_SIMD");
    if (force && strcmp(force, "baseline") == 0)
        CHECK(gn_cpu_level() == 0 && strcmp(gn_cpu_level_name(), "baseline") == 0,
              "GANGLION_SIMD=baseline selects the baseline kernels");
    else
        printf("# dispatch level %s\n", gn_cpu_level_name());

    /* the two builds of the rnn kernels agree to rounding (libmvec vs libm) */
    enum { N = 1003 };
    static double x[N], rb[N], ra[N];
    for (int i = 0; i < N; i++) x[i] = -7.385 + 14.77 * i / (N - 1);
    for (int act = 0; act < 3; act++) {
        gn_rnn_k_act_base(act, N, x, rb);
        double d = 0;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            gn_rnn_k_act_avx2(act, N, x, ra);
            for (int i = 0; i < N; i++) d = fmax(d, fabs(ra[i] - rb[i]));
        }
        double ref = act == 0 ? tanh(x[17]) : act == 1 ? fmax(x[17], 0) : log1p(exp(x[17]));
        CHECK(d < 1e-14 && fabs(rb[17] - ref) < 1e-14,
              "activation %d: baseline and AVX2 kernels agree (max diff %.2g)", act, d);
    }
    CHECK_DONE();
}
