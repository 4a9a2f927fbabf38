#!/bin/sh
# bench_ring.sh — ring network, 1000 Euler steps at n = 100 and 1000: ganglion
# (O(n) rank-3 product, and dense CBLAS W·r) against NumPy (dense W @ r as in
# the notebook, and the same rank-3 trick), all in one run; prints ratios.
# Run from the checkout root after `make`.  Both sides use one BLAS thread
# (OPENBLAS_NUM_THREADS=1): a 100×100 product split over threads is slower.
set -e
cd "$(dirname "$0")/.."
REPS=${REPS:-15}
PY=/usr/bin/python3
LIB=build/libganglion.a
[ -f "$LIB" ] || { echo "bench_ring: $LIB missing; run make first"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
CORE_LIBS="$(pkg-config --libs gsl | sed 's/-lgslcblas//') -lopenblas -lm -lpthread"
cc -std=c11 -D_GNU_SOURCE -O2 $(for d in src/core/*/; do printf -- "-I%s " "${d%/}"; done)$(pkg-config --cflags gsl) -o "$tmp/bench_ring" \
   bench/bench_ring.c "$LIB" $CORE_LIBS
export OPENBLAS_NUM_THREADS=1
echo "ring network, 1000 steps (median of $REPS; OPENBLAS_NUM_THREADS=1," \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
"$tmp/bench_ring" "$REPS" > "$tmp/ours.txt"
if $PY -c 'import numpy' 2>/dev/null; then
    $PY bench/ref_ring.py "$REPS" > "$tmp/ref.txt"
else
    echo "skip - numpy not available for the reference"; : > "$tmp/ref.txt"
fi
awk '
    FNR == NR { t[$1 " " $2] = $3; next }
    { t[$1 " " $2] = $3 }
    END {
        printf "%6s %12s %12s %12s %12s %10s %10s %10s\n", "n", "ours O(n)", "ours dense", \
               "numpy dense", "numpy O(n)", "np/ours", "dense/dense", "O(n)/O(n)"
        split("100 1000", ns, " ")
        for (k = 1; k <= 2; k++) {
            n = ns[k]; a = t["ours_structured " n]; b = t["ours_dense " n]
            c = t["numpy_dense " n]; d = t["numpy_structured " n]
            printf "%6d %10.3fms %10.3fms %10.3fms %10.3fms", n, a, b, c, d
            if (c > 0) printf " %9.1fx %9.1fx %9.1fx\n", c / a, c / b, d / a; else printf "\n"
        }
        print "np/ours: NumPy dense (the notebook way) over ganglion; dense/dense and O(n)/O(n): same algorithm."
    }' "$tmp/ours.txt" "$tmp/ref.txt"
