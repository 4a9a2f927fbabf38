#!/bin/sh
# bench_pca.sh — PCA of a T×n trace: ganglion (QR + Jacobi SVD) vs NumPy (LAPACK SVD), same run.
set -e
cd "$(dirname "$0")/.."
make -s build/libganglion.a >/dev/null
out=$(mktemp); trap 'rm -f "$out"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc/core -o "$out" bench/bench_pca.c build/libganglion.a \
   $(pkg-config --libs gsl | sed 's/-lgslcblas//') -lopenblas -lm -lpthread
for size in "20000 64" "5000 256"; do
    set -- $size
    ours=$("$out" "$1" "$2" 5)
    ref=$(/usr/bin/python3 - "$1" "$2" <<'PY' 2>/dev/null || echo nan
import sys, time, numpy as np
T, n = int(sys.argv[1]), int(sys.argv[2])
X = np.random.default_rng(1).standard_normal((T, n)) * (1 + np.arange(n) % 7)
best = 1e30
for _ in range(5):
    t0 = time.perf_counter()
    Xc = X - X.mean(0)
    u, s, vt = np.linalg.svd(Xc, full_matrices=False)
    sc = Xc @ vt.T
    best = min(best, time.perf_counter() - t0)
print("%.6f" % best)
PY
)
    echo "pca T=$1 n=$2: ganglion ${ours}s  numpy ${ref}s  ratio(ours/ref) $(awk -v a="$ours" -v b="$ref" 'BEGIN{ if (b+0>0) printf "%.2f", a/b; else print "n/a"}')"
done
