#!/bin/sh
# bench_matrix.sh — the array vocabulary against NumPy in one run: element-
# wise ops and reductions on 10^6 elements (1000×1000), slicing (a view and
# a copy), gathering, transpose, hcat/vcat and a 256×256 matmul.  Both sides
# run on one core (taskset, when present) with one BLAS thread
# (OPENBLAS_NUM_THREADS=1) under the same OPENBLAS_CORETYPE.  ROUNDS rounds
# alternate ours and NumPy; each figure is the best over all rounds of the
# best of REPS timed loops (on a shared machine the least disturbed run).
# Prints each time, ratio ours/NumPy, flags ratios above 1.5, and checks
# that a view costs the same for a 10×10 and an 800×800 block (O(1)).
cd "$(dirname "$0")/.."
REPS=${REPS:-7}
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
[ -x ./ganglion ] || { echo "bench_matrix: ./ganglion missing; run make first"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
echo "array ops (best of $ROUNDS alternating rounds x $REPS loops; threads: ganglion 1, numpy 1 —" \
     "1 core${PIN:+ (taskset -c 0)}, OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset};" \
     "$(uptime | sed 's/.*load/load/'))"
have_np=1
$PY -c 'import numpy' 2>/dev/null || { echo "skip - numpy not available for the reference"; have_np=0; }
: > "$tmp/ours.txt"; : > "$tmp/ref.txt"
r=1
while [ $r -le "$ROUNDS" ]; do
    $PIN ./ganglion -b bench/bench_matrix.lua "$REPS" >> "$tmp/ours.txt" || { echo "ganglion side failed"; cat "$tmp/ours.txt"; exit 1; }
    [ $have_np = 1 ] && $PIN $PY bench/ref_matrix.py "$REPS" >> "$tmp/ref.txt"
    r=$((r + 1))
done
awk '
    FNR == NR { if (!($1 in ref) || $2 < ref[$1]) ref[$1] = $2; next }
    { if (!($1 in ours)) order[++n] = $1; if (!($1 in ours) || $2 < ours[$1]) ours[$1] = $2 }
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
        if ("view_small" in ours) printf "views O(1): a 10x10 view %.4f ms, an 800x800 view %.4f ms\n", ours["view_small"], ours["slice_view"]
    }' "$tmp/ref.txt" "$tmp/ours.txt"
