#!/bin/sh
# bench_train.sh — time to criterion on flipflop and decision for hf and adam (wall seconds,
# iterations).  Usage: bench/bench_train.sh [n] [all]   (all: every built-in task)
cd "$(dirname "$0")/.." || exit 1
if [ ! -x ./ganglion ]; then echo "bench_train: ./ganglion not built (run make)"; exit 1; fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}  cores: $(nproc)"
exec ./ganglion -b bench/bench_train.lua "$@"
