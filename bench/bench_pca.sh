#!/bin/sh
# bench_pca.sh — PCA of a T×n trace (centre, decompose, scores), best of 5, one thread on
# every side (OPENBLAS_NUM_THREADS=1 for ganglion's BLAS and NumPy's).
#   ganglion: gn_pca_fit; on these well-conditioned data it takes the Gram path (SYRK of
#     XᵀX + GSL symmetric eigen-decomposition; the path taken is printed), else
#     Householder QR + Golub–Kahan SVD of R.
#   numpy eigh: the same algorithm as our Gram path (Xcᵀ Xc, numpy.linalg.eigh = LAPACK
#     syevd) — the like-with-like ratio.
#   numpy svd: numpy.linalg.svd (LAPACK gesdd, divide and conquer on the full data) — what
#     a NumPy user would write; a different algorithm, so its ratio is not equal work.
set -e
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
make -s build/libganglion.a >/dev/null
out=$(mktemp); trap 'rm -f "$out"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 $(for d in src/core/*/; do printf -- "-I%s " "${d%/}"; done)-o "$out" bench/bench_pca.c build/libganglion.a \
   $(pkg-config --libs gsl | sed 's/-lgslcblas//') -lopenblas -lm -lpthread
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0>0) printf "%.2f", a/b; else print "n/a"}'; }
for size in "20000 64" "5000 256"; do
    set -- $size
    res=$("$out" "$1" "$2" 5); ours=${res% *}; path=${res#* }
    ref=$(/usr/bin/python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "nan nan"
import sys, time, numpy as np
T, n = int(sys.argv[1]), int(sys.argv[2])
X = np.random.default_rng(1).standard_normal((T, n)) * (1 + np.arange(n) % 7)
def best(f):
    b = 1e30
    for _ in range(5):
        t0 = time.perf_counter(); f(); b = min(b, time.perf_counter() - t0)
    return b
def by_svd():
    Xc = X - X.mean(0)
    u, s, vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc @ vt.T
def by_eigh():
    Xc = X - X.mean(0)
    w, v = np.linalg.eigh(Xc.T @ Xc)
    v = v[:, ::-1]
    return Xc @ v
print("%.6f %.6f" % (best(by_eigh), best(by_svd)))
PY
)
    eigh=${ref% *}; svd=${ref#* }
    echo "pca T=$1 n=$2 (1 thread each): ganglion ${ours}s [$path]  numpy eigh ${eigh}s  numpy svd ${svd}s" \
         " ratio ours/eigh $(ratio "$ours" "$eigh") (same algorithm)  ours/svd $(ratio "$ours" "$svd") (different algorithm)"
done
