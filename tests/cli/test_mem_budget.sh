#!/bin/sh
# test_mem_budget.sh — with the default memory budget (no GANGLION_MEM_LIMIT),
# `a = matrix(40000, 40000); b = a:t()` (two 11.9 GiB matrices) ends with a
# clean error instead of the kernel's OOM kill: calloc'd pages of the first
# are not resident, so the budget counts them as promised.  On a machine with
# less memory the first matrix is refused already (also a clean error); on one
# with room for both (24 GiB or more available) the sizes scale with what is
# available instead, so nothing huge is ever written.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2 ($3)"; fi; }
unset GANGLION_MEM_LIMIT

avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null)
if [ -z "$avail_kb" ]; then echo "skip - no MemAvailable in /proc/meminfo"; exit 0; fi
# 23.8 GiB: from there the kernel's figure could hold both matrices
if [ "$avail_kb" -lt 24956108 ]; then
    n=40000
else
    # each matrix 0.6 of what is available: the first fits, the second not
    n=$(awk -v a="$avail_kb" 'BEGIN { printf "%d", sqrt(0.6 * a * 1024 / 8) }')
    echo "# $avail_kb kB available: $n x $n matrices instead of 40000 x 40000"
fi
cat > "$D/oom.lua" <<L
a = matrix($n, $n)
print("first fits")
b = a:t()
print("second fits")
L
timeout 120 "$G" -b "$D/oom.lua" > "$D/out" 2> "$D/err"; st=$?
[ $st != 137 ] && [ $st != 124 ] ; ok $? "not killed (status $st)" "$(cat "$D/err")"
[ $st = 1 ] ; ok $? "a clean error: exit status 1" "status $st"
[ "$(wc -l < "$D/err")" = 1 ] && grep -q "oom.lua:[13]: .*matrix needs [0-9.]* GiB, [0-9.]* GiB available" "$D/err" ; \
    ok $? "one line giving the size needed and the size available" "$(cat "$D/err")"
grep -q "second fits" "$D/out" && r=1 || r=0
ok $r "the second matrix is never made" "$(cat "$D/out")"
if grep -q "first fits" "$D/out"; then
    grep -q "oom.lua:3: t: .*of live arrays not yet in memory" "$D/err" ; \
        ok $? "the first fitted; the transpose is refused, naming the live arrays" "$(cat "$D/err")"
else
    grep -q "oom.lua:1: matrix: " "$D/err" ; ok $? "the first is refused on this machine already" "$(cat "$D/err")"
fi

# the refusal comes before anything is written: the resident set stays far
# below one matrix (a quarter; AddressSanitizer's shadow of the first one
# alone is an eighth)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$D/rss" timeout 120 "$G" -b "$D/oom.lua" > /dev/null 2>&1
    rss=$(tail -1 "$D/rss")
    quarter=$(awk -v n="$n" 'BEGIN { printf "%d", n * n * 8 / 4 / 1024 }')
    [ "$rss" -lt "$quarter" ] ; ok $? "maximum resident set $rss kB, under a quarter of one matrix ($quarter kB)"
else
    echo "skip - /usr/bin/time not installed: resident set not measured"
fi
exit 0
