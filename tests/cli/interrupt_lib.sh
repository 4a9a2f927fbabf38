# interrupt_lib.sh — sourced by the tests that send SIGINT to a batch run
# (test_cli_signals.sh, test_interrupt_arrays.sh); not a test itself.
# Expects G (the binary) and D (a scratch folder) to be set, and ok().

now() { date +%s.%N; }

# Runs $1 in batch mode and sends SIGINT 0.5 s after it printed "start"
# (waiting up to 30 s for that: building a large input can take a while
# under ASan); sets st and secs — seconds from the signal to "interrupted"
# on stderr, what the user waits for.  The exit that follows frees the run's
# memory, which under ASan on a loaded machine takes seconds of its own, so
# it is not counted.
interrupt() {
    # The background job truncates out in its own process, after the fork:
    # without this rm the wait below could see the previous case's "start"
    # and signal the new run before it started (seen under load).
    rm -f "$D/out" "$D/err"
    $G -b "$1" > "$D/out" 2> "$D/err" &
    pid=$!
    i=0
    while [ $i -lt 300 ] && ! grep -q start "$D/out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    sleep 0.5
    t0=$(now)
    kill -INT $pid
    while kill -0 $pid 2>/dev/null && ! grep -q interrupted "$D/err" 2>/dev/null; do sleep 0.02; done
    secs=$(echo "$(now) - $t0" | bc)
    wait $pid; st=$?
}

# Under ASan (make asan sets ASAN_OPTIONS) everything is several times
# slower, the interrupted work too; the bound is about ganglion's polling,
# so it is wider there.
case "${ASAN_OPTIONS:-}" in '') bound=3 ;; *) bound=10 ;; esac

check() {   # $1 = what was interrupted
    [ $st = 1 ] ; ok $? "SIGINT during $1: exit status 1 (got $st)"
    grep -q "interrupted" "$D/err" ; ok $? "SIGINT during $1: \"interrupted\" on stderr ($(tr '\n' '|' < "$D/err" | cut -c1-120))"
    [ "$(head -1 "$D/out")" = start ] && ! grep -q "not reached" "$D/out" ; ok $? "SIGINT during $1: earlier output kept, the rest of the chunk not run"
    [ "$(echo "$secs < $bound" | bc)" = 1 ] ; ok $? "SIGINT during $1: stops within $bound s (took $secs s)"
}
