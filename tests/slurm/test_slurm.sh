#!/bin/sh
# test_slurm.sh — scripts/sweep_parallel.sh against a live single-node Slurm
# (tests/slurm/cluster.sh): a sweep run locally, as an array, and after one
# array task is cancelled mid-run and the command rerun, gives the same merged
# CSV (wall-time columns aside). Skipped, with the reason, where the cluster
# cannot run (not root, Slurm or munge not installed).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
G=${GANGLION:-./ganglion}
case $G in /*) ;; *) G=$root/${G#./} ;; esac
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
if ! why=$("$here/cluster.sh" can-run 2>&1); then echo "skip - slurm: $why"; exit 0; fi

W=$(mktemp -d) && chmod 755 "$W"   # munged wants every folder above its socket searchable
export GANGLION_SLURM_DIR="$W/cluster"
cleanup() {
    "$here/cluster.sh" down >/dev/null 2>&1
    [ -n "${KEEP:-}" ] && echo "# kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
t0=$(date +%s)
if ! "$here/cluster.sh" up > "$W/up.log" 2>&1; then
    echo "not ok - the test cluster starts"; sed 's/^/    /' "$W/up.log"; exit 1
fi
echo "ok - the test cluster starts ($(($(date +%s) - t0)) s)"
pids=$(cat "$GANGLION_SLURM_DIR"/*.pid)
"$here/cluster.sh" up > "$W/up2.log" 2>&1 && grep -q "already up" "$W/up2.log" &&
    [ "$(cat "$GANGLION_SLURM_DIR"/*.pid)" = "$pids" ]
ok $? "cluster.sh up again: already up, same daemons"
eval "$("$here/cluster.sh" env)"
export SLURM_CONF
SP=$root/scripts/sweep_parallel.sh
ARGS="--sizes 4,8,16 --seeds 2 --iters 12 --fixedpoints 8"
cd "$W" || exit 1
unset GANGLION_SLURM

# The binary alone in a folder with no Lua library: slices find it through
# GANGLION_LUA, which the array script passes on.
mkdir -p bin && cp "$G" bin/ganglion
export GANGLION="$W/bin/ganglion" GANGLION_LUA="$root/lua"

# Local, two slices.
# shellcheck disable=SC2086
"$SP" -j 2 -o local.csv "$root/scripts/sweep.lua" -- $ARGS > local.out 2>&1
ok $? "local run, -j 2 ($(($(date +%s) - t0)) s since start)"
[ "$(wc -l < local.csv)" = 7 ]; ok $? "local run: 6 rows"

# Slurm, three slices, at most two at a time, waiting for the merge.
# shellcheck disable=SC2086
"$SP" --slurm --wait -c 1 --mem 300M --throttle 2 -j 3 -o array.csv "$root/scripts/sweep.lua" -- $ARGS > array.out 2>&1
st=$?; ok $st "Slurm array, --wait: exit 0 ($(($(date +%s) - t0)) s since start)"
[ $st = 0 ] || sed 's/^/    /' array.out
aid=$(cut -d' ' -f1 array.parts/jobs)
info=$(scontrol show job "$aid" 2>&1)
echo "$info" | grep -qE "JobName=gn-array( |$)"; ok $? "array job named gn-array"
echo "$info" | grep -q "MinCPUsNode=1" && echo "$info" | grep -q "MinMemoryNode=300M"; ok $? "array job requests 1 CPU, 300M per slice"
echo "$info" | grep -q "ArrayTaskThrottle=2"; ok $? "array job throttled to 2 tasks (%2)"
grep -q "export GANGLION_LUA=" array.parts/array.sbatch; ok $? "array script passes GANGLION_LUA on"
grep -q "== slice 2/3: job ${aid}_2" array.parts/2.log && grep -q "sweep: n=16 " array.parts/2.log
ok $? "per-slice log array.parts/2.log"
cmp=$("$SP" --compare local.csv array.csv); st=$?
ok $st "Slurm array result = local result: $cmp"

# Cancel one array task mid-run, then rerun the same command; this time the
# binary sits in an install tree (PREFIX/bin, PREFIX/share/ganglion/lua), where
# it finds its library by itself.
mkdir -p prefix/bin prefix/share/ganglion && cp "$G" prefix/bin/ganglion && cp -r "$root/lua" prefix/share/ganglion/lua
export GANGLION="$W/prefix/bin/ganglion"
unset GANGLION_LUA
# shellcheck disable=SC2086
"$SP" --slurm -c 1 --mem 300M -j 2 -o cancel.csv "$root/scripts/sweep.lua" -- $ARGS > cancel1.out 2>&1
ok $? "Slurm array submitted without --wait"
! grep -q GANGLION_LUA cancel.parts/array.sbatch; ok $? "installed binary: no GANGLION_LUA needed"
cid=$(cut -d' ' -f1 cancel.parts/jobs)
# shellcheck disable=SC2086
"$SP" --slurm -c 1 --mem 300M -j 2 -o cancel.csv "$root/scripts/sweep.lua" -- $ARGS > busy.out 2>&1
[ $? = 1 ] && grep -q "still queued or running" busy.out; ok $? "a rerun while the array runs is refused"
n=0
while [ $n -lt 3000 ] && [ ! -f cancel.parts/2.done ] && [ "$(cat cancel.parts/2.csv 2>/dev/null | wc -l)" -lt 2 ]; do
    sleep 0.1; n=$((n + 1))
done
[ ! -f cancel.parts/2.done ] && scancel "${cid}_2"
ok $? "scancel ${cid}_2 after its first row"
n=0
for j in $(cat cancel.parts/jobs); do
    while [ $n -lt 1500 ] && [ -n "$(squeue -h -j "$j" -o %i 2>/dev/null)" ]; do sleep 0.2; n=$((n + 1)); done
done
kept=$(($(wc -l < cancel.parts/2.csv) - 1))
[ "$kept" -ge 1 ] && [ "$kept" -lt 3 ] && [ ! -f cancel.parts/2.done ] && [ -f cancel.parts/1.done ]
ok $? "cancelled slice 2 kept $kept of 3 rows, slice 1 done"
scontrol show job "${cid}_2" 2>/dev/null | grep -q "JobState=CANCELLED"; ok $? "array task ${cid}_2 is CANCELLED"
[ "$(cat cancel.parts/merge.status 2>/dev/null)" = 1 ] && [ ! -f cancel.csv ] &&
    grep -q "slice 2/2: not finished, $kept row(s)" cancel.parts/merge.log
ok $? "merge job refused the incomplete set and named slice 2"
sed 's/^/    /' cancel.parts/merge.log
"$SP" --merge cancel.csv > merge.out 2>&1
[ $? = 1 ] && grep -q "slice 2/2" merge.out; ok $? "--merge by hand also refuses, naming slice 2"
# shellcheck disable=SC2086
"$SP" --slurm --wait -c 1 --mem 300M -j 2 -o cancel.csv "$root/scripts/sweep.lua" -- $ARGS > cancel2.out 2>&1
ok $? "rerun of the same command, --wait: exit 0 ($(($(date +%s) - t0)) s since start)"
grep -q "^#SBATCH --array=2$" cancel.parts/array.sbatch && grep -q "slices 2 of 2" cancel2.out
ok $? "rerun submitted only slice 2"
[ "$(grep -c "already in .*, skipped" cancel.parts/2.log)" = "$kept" ]
ok $? "slice 2 skipped its $kept finished row(s)"
cmp=$("$SP" --compare local.csv cancel.csv); st=$?
ok $st "result after cancel and rerun = local result: $cmp"

# A failing slice: its array task fails with the script's exit status, and
# --wait returns failure.
"$SP" --slurm --wait -c 1 --mem 300M -j 1 -o bad.csv "$root/scripts/sweep.lua" -- --task nosuch > bad.out 2>&1
[ $? = 1 ]; ok $? "a failing slice makes --wait exit 1"
bid=$(cut -d' ' -f1 bad.parts/jobs)
scontrol show job "${bid}_1" 2>/dev/null | grep -q "JobState=FAILED.*" &&
    scontrol show job "${bid}_1" | grep -q "ExitCode=1:0"
ok $? "the failed array task is FAILED with exit code 1"
grep -q "no task named nosuch" bad.parts/1.log; ok $? "its log says why"

t1=$(date +%s)
"$here/cluster.sh" down > /dev/null 2>&1; ok $? "cluster down"
left=""
for p in $pids; do [ -d "/proc/$p" ] && left="$left $p"; done
m=$(grep -lzxF "GANGLION_SLURM_CLUSTER=$GANGLION_SLURM_DIR" /proc/[0-9]*/environ 2>/dev/null)
[ -z "$left$m" ]; ok $? "no daemon left running (munged, slurmctld, slurmd, steps)"
echo "# slurm test wall time $((t1 - t0)) s up to down"
exit 0
