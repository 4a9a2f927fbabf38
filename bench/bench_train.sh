#!/bin/sh
# bench_train.sh — time to criterion on flipflop and decision for hf and adam: iterations
# and wall seconds of training with scoring excluded (both scored every iteration), 2
# training threads for both, BLAS on 1.  Our two optimisers against each other; no
# reference implementation.  Usage: bench/bench_train.sh [n] [all]   (all: every task)
cd "$(dirname "$0")/.." || exit 1
if [ ! -x ./ganglion ]; then echo "bench_train: ./ganglion not built (run make)"; exit 1; fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}  cores: $(nproc)"
exec ./ganglion -b bench/bench_train.lua "$@"
