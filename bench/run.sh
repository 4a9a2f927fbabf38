#!/bin/sh
# run.sh — every benchmark: ours and the reference in the same run, ratios printed.
# OpenBLAS settings from the environment are left as they are and reported.
cd "$(dirname "$0")/.."
echo "ganglion benchmarks on $(nproc) cores; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}"
status=0
for b in bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "== $b"
    sh "$b" || { echo "   ($b failed)"; status=1; }
done
exit $status
