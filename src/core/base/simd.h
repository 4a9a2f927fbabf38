/* simd.h — runtime CPU dispatch.  Each file named *_simd.c is compiled twice:
 * for the x86-64 baseline and for AVX2+FMA (GN_SIMD_AVX2 defined), and its
 * entry points get the suffix _base or _avx2 (GN_SIMD).  cpu.c defines the
 * unsuffixed functions, which pick a variant from the CPU's features, so
 * the default build runs on any x86-64 and is fast where AVX2 exists. */
#ifndef GN_SIMD_H
#define GN_SIMD_H

#include <stddef.h>

#ifdef GN_SIMD_AVX2
#define GN_SIMD(f) f##_avx2
#else
#define GN_SIMD(f) f##_base
#endif

/* The code path in use: 2 = AVX-512 where a kernel has one, 1 = AVX2+FMA,
 * 0 = baseline.  From the CPU, lowered by GANGLION_SIMD=baseline|avx2 (for
 * tests and for comparing the paths). */
int gn_cpu_level(void);
/* "avx512", "avx2" or "baseline". */
const char *gn_cpu_level_name(void);
/* CPUs this process may run on (sched_getaffinity: taskset, cgroups,
 * Slurm allocations), at least 1. */
int gn_cpu_count(void);
/* Caps gn_cpu_count at k (0: no cap) — for a worker process that shares
 * the CPUs with others of its kind. */
void gn_cpu_cap(int k);

#endif
