#!/bin/sh
# bench_condense.sh — condensation's merge-step overhead, the README tour's condense line,
# and (PROTOCOL=1, long) the research protocol's first steps with hf retraining and where
# that time goes; bench/bench_condense.lua says what is timed.  Ours only (no reference
# implementation).  Threads: net:train and net:run split trials over 2 threads (their
# default on two CPUs), BLAS on 1.  TOUR=0 skips the tour line (a minute or more).
cd "$(dirname "$0")/.." || exit 1
[ -x ./ganglion ] || { echo "bench_condense: ./ganglion missing; run make first"; exit 1; }
echo "condense ($(uptime | sed 's/.*load/load/'); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
./ganglion -b bench/bench_condense.lua 6 "$([ "${TOUR:-1}" = 0 ] || echo tour)" 2>/dev/null | grep -v '^train ' || exit 1
if [ "${PROTOCOL:-0}" = 1 ]; then
    # PARENT=file.rnn starts from a saved 64-unit decision net; STEPS=56 runs to n = 8
    ./ganglion -b bench/bench_condense.lua "${STEPS:-2}" protocol 2>/dev/null | grep -v '^train '
fi
