#!/bin/sh
# run.sh — the one test runner: C tests, Lua API scripts, replays, TUI drives,
# the command line, and sweeps on a live single-node Slurm (tests/slurm/).
# Each test prints TAP-style lines ("ok - ..." / "not ok - ..." / "skip - ...");
# a test that exits non-zero without reporting a failure counts as one.
# Last line: "N passed, N failed".
GANGLION=${GANGLION:-./ganglion}
TESTBIN=${TESTBIN:-build/tests}
export GANGLION
pass=0; fail=0; skip=0
out=$(mktemp); trap 'rm -f "$out"' EXIT
only=${TEST_FILTER:-}

tally() {   # $1 = name, $2 = exit status; reads $out
    p=$(grep -c '^ok' "$out"); f=$(grep -c '^not ok' "$out"); s=$(grep -c '^skip' "$out")
    if [ "$2" != 0 ] && [ "$f" = 0 ]; then
        f=1; echo "not ok - $1 exited with status $2" >> "$out"
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$f" != 0 ]; then
        # the failed checks' names first: a long diagnostic must not push them out of view
        echo "FAIL $1"; grep '^not ok' "$out" | sed 's/^/    /'
        grep -v '^ok' "$out" | sed 's/^/    /' | tail -40
    else
        printf 'PASS %-40s %4d checks%s\n' "$1" "$p" "$( [ "$s" != 0 ] && echo ", $s skipped")"
        grep '^skip' "$out" | sed 's/^/    /'
    fi
}

want() { [ -z "$only" ] || case "$1" in *$only*) return 0 ;; *) return 1 ;; esac; }

for t in "$TESTBIN"/core/test_* "$TESTBIN"/plot/test_*; do
    [ -x "$t" ] || continue; want "$t" || continue
    timeout 300 "$t" > "$out" 2>&1; tally "$t" $?
done
for t in tests/lua/test_*.lua; do
    [ -f "$t" ] || continue; want "$t" || continue
    timeout 600 "$GANGLION" -b "$t" > "$out" 2>&1; tally "$t" $?
done
for t in tests/replay/*.lua; do
    [ -f "$t" ] || continue; want "$t" || continue
    exp="${t%.lua}.expected"
    got=$(mktemp)
    timeout 300 "$GANGLION" -b "$t" > "$got" 2>&1; st=$?
    if [ $st = 0 ] && cmp -s "$got" "$exp"; then echo "ok - $t replays byte for byte" > "$out"
    else { echo "not ok - $t output differs from $exp (status $st)"; diff "$exp" "$got" | head -20; } > "$out"; fi
    rm -f "$got"; tally "$t" 0
done
for t in tests/tui/test_*.sh tests/cli/test_*.sh tests/slurm/test_*.sh; do
    [ -f "$t" ] || continue; want "$t" || continue
    timeout 600 sh "$t" > "$out" 2>&1; tally "$t" $?
done
[ "$skip" != 0 ] && echo "($skip checks skipped, reasons above)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
