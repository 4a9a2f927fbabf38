#!/bin/sh
# bench_cancel.sh — the price of being stoppable when nobody stops: a small
# rnn pass with and without a cancellation, gn_child_run's fork against the
# same eigenproblem in process, and the stoppable merge sort against qsort
# (see bench_cancel.c); then (argument "latency", also in "all") the time
# from a stop request to the return of calls that were single library calls
# before: rnn weight-gradient products, linear:fixed, the exact propagator,
# linear:run of a large network, similarity(..., "pca").  One thread
# (OPENBLAS_NUM_THREADS=1).
set -e
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
make -s build/libganglion.a >/dev/null
out=$(mktemp); trap 'rm -f "$out"' EXIT
cc -std=c11 -D_GNU_SOURCE -O2 $(for d in src/core/*/; do printf -- "-I%s " "${d%/}"; done)-o "$out" bench/bench_cancel.c build/libganglion.a \
   $(pkg-config --libs gsl | sed 's/-lgslcblas//') -llapacke -lopenblas -lm -lpthread
"$out" "$@"
