#!/bin/sh
# bench_condense.sh — condensation's merge-step overhead and the README tour's condense
# line (bench/bench_condense.lua says what is timed).  Ours only (no reference
# implementation); threads: net:train and net:run on 2 (their default here), BLAS on 1.
# Set TOUR=0 to skip the tour line (about a minute).
cd "$(dirname "$0")/.." || exit 1
[ -x ./ganglion ] || { echo "bench_condense: ./ganglion missing; run make first"; exit 1; }
echo "condense (uptime: $(uptime | sed 's/.*load/load/'); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
if [ "${TOUR:-1}" = 0 ]; then exec ./ganglion -b bench/bench_condense.lua 6 2>/dev/null
else exec ./ganglion -b bench/bench_condense.lua 6 tour 2>/dev/null; fi
