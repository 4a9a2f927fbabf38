#!/bin/sh
# bench_grad.sh — one full BPTT gradient of the rnn (B=64, T=200, float64,
# tanh) for n = 64 and 256 on 1 and 2 threads: ours (bench/bench_grad.c:
# gn_rnn_grad, hand-written forward and backward passes over the batch with
# BLAS-3 products, trials split over the threads, OpenBLAS on one thread)
# vs PyTorch CPU autograd (bench/ref_grad_torch.py, torch.set_num_threads
# to the same count) in the same OpenBLAS environment, interleaved in one
# run.  Each figure is the best of 3 rounds; a round is the median of 15
# gradients, except PyTorch on 2 threads: median of 3 (it can take seconds
# per gradient there, its OpenMP pool and OpenBLAS's threads
# oversubscribing 2 cores); the "reps" column says which.  In the notebook
# net:grad picks 2 threads when n²·B·T > 2e6, else 1; here the thread count
# is fixed per row.  Ratio = ours / torch at the same thread count;
# targets at 1 thread: <= 0.35 (n=64), <= 0.75 (n=256).
cd "$(dirname "$0")/.." || exit 1
PY=/usr/bin/python3
BIN=build/bench/bench_grad
mkdir -p build/bench
CFLAGS_B="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Isrc $(for d in src/core/*/; do printf -- "-I%s " "${d%/}"; done)$(pkg-config --cflags gsl)"
LIBS_B="$(pkg-config --libs gsl | sed 's/-lgslcblas//') -lopenblas -lm -lpthread"
if make -s build/libganglion.a >/dev/null 2>&1; then
    cc $CFLAGS_B -o $BIN bench/bench_grad.c build/libganglion.a $LIBS_B || exit 1
else
    cc $CFLAGS_B -O3 -ffast-math -mavx2 -mfma -c -o build/bench/rnn_act_simd.o src/core/rnn/rnn_act_simd.c &&
    cc $CFLAGS_B -o $BIN bench/bench_grad.c src/core/rnn/rnn.c src/core/base/gn.c build/bench/rnn_act_simd.o $LIBS_B || exit 1
fi
echo "rnn gradient B=64 T=200 f64, best of 3 rounds of a median (reps per side below); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
have_torch=1
$PY -c 'import torch' 2>/dev/null || { have_torch=0; echo "skip - torch not available: ours only"; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
for round in 1 2 3; do
    for cfg in 64:1 64:2 256:1 256:2; do
        n=${cfg%%:*}; th=${cfg##*:}
        echo "ours $($BIN $n $th 15) reps=15" >> "$out"
        # PyTorch on 2 threads can take seconds per gradient here (its OpenMP
        # pool and OpenBLAS's threads oversubscribe 2 cores): fewer reps
        reps=15; [ $th = 2 ] && reps=3
        [ $have_torch = 1 ] && echo "torch $($PY bench/ref_grad_torch.py $n $th $reps) reps=$reps" >> "$out"
    done
done
awk '
{ key = $2 ":" $3; v = $4 + 0
  r = $NF; sub("reps=", "", r)
  if ($1 == "ours" && (!(key in o) || v < o[key])) { o[key] = v; orep[key] = r }
  if ($1 == "torch" && (!(key in t) || v < t[key])) { t[key] = v; trep[key] = r }
  if (!(key in seen)) { seen[key] = 1; order[++m] = key } }
END {
  printf "%-6s %7s %10s %10s %12s %8s %8s\n", "n", "threads", "ours ms", "torch ms", "reps us/torch", "ratio", "target"
  for (k = 1; k <= m; k++) { key = order[k]; split(key, a, ":")
    tgt = (a[2] == 1) ? (a[1] == 64 ? "0.35" : "0.75") : "-"
    printf "%-6s %7s %10.2f %10s %12s %8s %8s\n", a[1], a[2], o[key],
      (key in t) ? sprintf("%.2f", t[key]) : "-", orep[key] "/" ((key in t) ? trep[key] : "-"), (key in t) ? sprintf("%.3f", o[key] / t[key]) : "-", tgt }
}' "$out"
