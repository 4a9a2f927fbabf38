#!/bin/sh
# bench_lif.sh — LIF population: ours vs Brian2 (runtime target) and a
# vectorised NumPy loop, 1 s at dt = 0.1 ms, n = 300 and 10,000, without
# recurrence, with p = 0.1 AMPA recurrence, and with p = 0.1 recurrence half
# NMDA (f = 0.5: the AMPA + NMDA path; ours evaluates the Mg block once per
# neuron per step when a step brings more NMDA events than neurons, the
# Brian2 reference at each synapse event, the NumPy one per neuron per step);
# plus a memory-bandwidth estimate at n = 1e5.  All timed in one run on one
# machine; ratios are reference / ours.
#   Threads: every ratio compares one thread with one thread.  Brian2's
#   runtime (Cython) target and NumPy each run on one thread; ours is run
#   with threads=1 for the ratios.  Ours on its automatic thread count
#   ("auto thr", 2 here when a step is large enough) is shown beside it with
#   its speed-up over one thread; no multi-threaded Brian2 configuration
#   (standalone C++ with OpenMP) is measured, so that figure has no reference.
#   Algorithm: all three step the same subthreshold system with its exact
#   propagator (Brian2: method="exact") and deliver spikes at step starts.
#   total = build (network + synapses) + run (the time loop).  Brian2's code
#   generation and compilation are excluded from its total (a warm-up call
#   compiles first) and shown separately as "prep".
#   Ours: best of 3 per thread count, and "same" checks the two thread counts
#   give bit-identical spikes and final V.  Brian2: best of 2 after a warm-up
#   that compiles.  NumPy: one run.
cd "$(dirname "$0")/.." || exit 1
PY=/usr/bin/python3
BIN=build/bench/bench_lif
mkdir -p build/bench
CFLAGS_B="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Isrc $(for d in src/core/*/; do printf -- "-I%s " "${d%/}"; done)$(pkg-config --cflags gsl)"
# No OpenBLAS: the benchmark does not use it, and its idle threads would
# compete with ours for the two cores.
LIBS_B="$(pkg-config --libs gsl | sed 's/-lgslcblas//') -lm -lpthread"
# Prefer the library; if someone's half-edited file breaks it, build the
# three files this benchmark needs directly.
if make -s build/libganglion.a >/dev/null 2>&1 &&
   cc $CFLAGS_B -o $BIN bench/bench_lif.c build/libganglion.a $LIBS_B 2>/dev/null; then :
else
    cc $CFLAGS_B -O3 -ffast-math -mavx2 -mfma -c -o build/bench/lif_simd.o src/core/models/lif_simd.c &&
    cc $CFLAGS_B -o $BIN bench/bench_lif.c src/core/models/lif.c src/core/base/gn.c build/bench/lif_simd.o $LIBS_B || exit 1
fi
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} (not used here)"
CONFIGS="300:0:0 300:0.1:0 300:0.1:0.5 10000:0:0 10000:0.1:0 10000:0.1:0.5"
out=$(mktemp); trap 'rm -f "$out"' EXIT
have_brian=0; have_numpy=0
$PY -c 'import brian2' 2>/dev/null && have_brian=1 || echo "skip - brian2 not available for the Brian2 reference"
$PY -c 'import numpy' 2>/dev/null && have_numpy=1 || echo "skip - numpy not available for the NumPy reference"
# Per configuration, the references and ours back to back, so that the load
# other jobs put on the machine is much the same for all three.  Brian2:
# best of 2 timed runs after a compiling warm-up; ours: best of 3 on each
# thread count.
for c in $CONFIGS; do
    n=${c%%:*}; rest=${c#*:}; p=${rest%%:*}; f=${rest#*:}
    [ $have_brian = 1 ] && $PY bench/ref_lif_brian.py --repeat=2 $c 2>/dev/null | grep '^brian2'
    [ $have_numpy = 1 ] && $PY bench/ref_lif_numpy.py $c
    for r in 1 2 3; do $BIN $n $p 1000 1 $f | sed 's/^ours/ours1/'; $BIN $n $p 1000 0 $f; done
done >> "$out"
awk '
function val(s, k,   a) { if (match(s, " " k "=[^ ]+")) { return substr(s, RSTART + length(k) + 2, RLENGTH - length(k) - 2) } return "" }
function fx(a, b) { return (a != "" && b > 0) ? sprintf("%.1fx", a / b) : "-" }
{ key = val($0, "n") ":" val($0, "p") ":" val($0, "f"); tot = val($0, "total"); run = val($0, "run")
  if ($1 == "ours1") { if (!(key in one) || tot + 0 < one[key]) { one[key] = tot; orun[key] = run; osp[key] = val($0, "spikes") } hash[key] = val($0, "hash") }
  if ($1 == "ours") { if (!(key in auto) || tot + 0 < auto[key]) { auto[key] = tot; thr[key] = val($0, "threads") } if (hash[key] != val($0, "hash")) diff[key] = 1 }
  if ($1 == "numpy") { np[key] = tot; nsp[key] = val($0, "spikes") }
  if ($1 == "brian2") { br[key] = tot; brun[key] = run; bprep[key] = val($0, "prep"); bsp[key] = val($0, "spikes"); target = val($0, "target") }
  if (!(key in seen)) { seen[key] = 1; order[++m] = key } }
END {
  print "ratios: reference on 1 thread / ours on 1 thread (equal work: same network, same steps)"
  printf "%-13s %8s %8s | %8s %4s %6s %5s | %8s %8s %8s %8s | %8s %8s %8s | %s\n", "n:p:f", "1thr s", "run s",
         "auto s", "thr", "speedup", "same", "numpy s", "brian s", "b.run s", "b.prep s", "brian/us", "b.run/us", "numpy/us",
         "spikes ours/brian2/numpy"
  for (k = 1; k <= m; k++) { key = order[k]
    printf "%-13s %8.4f %8.4f | %8.4f %4s %6s %5s | %8s %8s %8s %8s | %8s %8s %8s | %s/%s/%s\n", key, one[key], orun[key],
      auto[key], thr[key], fx(one[key], auto[key]), (key in diff) ? "NO" : "yes",
      (key in np) ? sprintf("%.4f", np[key]) : "-", (key in br) ? sprintf("%.4f", br[key]) : "-",
      (key in brun) ? sprintf("%.4f", brun[key]) : "-", (key in bprep) ? sprintf("%.4f", bprep[key]) : "-",
      fx(br[key], one[key]), fx(brun[key], orun[key]), fx(np[key], one[key]),
      osp[key], (key in bsp) ? bsp[key] : "-", (key in nsp) ? nsp[key] : "-" }
  if (target != "") print "brian2 codegen target: " target " (default preferences, one thread)"
}' "$out"
$BIN bandwidth 100000
