#!/bin/sh
# bench_matrix.sh — the array vocabulary against NumPy in one run: element-
# wise ops and reductions on 10^6 elements (1000×1000), slicing (a view and
# a copy), gathering, transpose, hcat/vcat and a 256×256 matmul.  Both sides
# run on one core (taskset, when present) with one BLAS thread
# (OPENBLAS_NUM_THREADS=1) under the same OPENBLAS_CORETYPE; prints each
# time, ratio ours/NumPy, and flags ratios above 1.5.
cd "$(dirname "$0")/.."
REPS=${REPS:-7}
PY=/usr/bin/python3
[ -x ./ganglion ] || { echo "bench_matrix: ./ganglion missing; run make first"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
echo "array ops (median of $REPS; 1 core${PIN:+ (taskset -c 0)}, OPENBLAS_NUM_THREADS=1," \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
$PIN ./ganglion -b bench/bench_matrix.lua "$REPS" > "$tmp/ours.txt" || { echo "ganglion side failed"; cat "$tmp/ours.txt"; exit 1; }
if $PY -c 'import numpy' 2>/dev/null; then
    $PIN $PY bench/ref_matrix.py "$REPS" > "$tmp/ref.txt"
else
    echo "skip - numpy not available for the reference"; : > "$tmp/ref.txt"
fi
awk '
    FNR == NR { ref[$1] = $2; next }
    { ours[$1] = $2; order[++n] = $1 }
    END {
        printf "%-12s %12s %12s %8s\n", "op", "ganglion", "numpy", "ratio"
        worst = 0
        for (k = 1; k <= n; k++) {
            o = order[k]; a = ours[o]; b = ref[o]
            if (b > 0) {
                r = a / b; if (r > worst) worst = r
                printf "%-12s %10.4fms %10.4fms %7.2fx%s\n", o, a, b, r, (r > 1.5 ? "  (> 1.5)" : "")
            } else printf "%-12s %10.4fms %12s\n", o, a, "-"
        }
        if (worst > 0) printf "ratio = ganglion time / NumPy time (lower is better); worst %.2fx\n", worst
    }' "$tmp/ref.txt" "$tmp/ours.txt"
