#!/bin/sh
# test_sweep_resume.sh — local sweeps by scripts/sweep_parallel.sh resume:
# a run interrupted mid-slice and rerun gives the same merged CSV as an
# uninterrupted one (time columns aside), reruns only unfinished slices, skips
# finished rows; the merge refuses an incomplete set and names what is missing;
# other settings on the same OUT.parts/ are refused.
root=$(pwd)
G=${GANGLION:-./ganglion}
case $G in /*) ;; *) G=$root/${G#./} ;; esac
export GANGLION=$G
unset GANGLION_SLURM
SP=$root/scripts/sweep_parallel.sh
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
cd "$W" || exit 1
ARGS="--sizes 4,6,8 --seeds 2 --iters 8 --fixedpoints 4"

# shellcheck disable=SC2086
"$SP" -j 3 -o whole.csv "$root/scripts/sweep.lua" -- $ARGS > whole.out 2>&1
ok $? "uninterrupted run, -j 3"
[ "$(wc -l < whole.csv)" = 7 ] && [ -f whole.parts/1.done ] && [ -f whole.parts/3.log ]
ok $? "6 rows; slices marked done, logs kept in whole.parts/"

# Interrupt: stop the whole run (TERM reaches its slices) once slice 1 has a row.
# shellcheck disable=SC2086
"$SP" -j 2 -o cut.csv "$root/scripts/sweep.lua" -- $ARGS > cut1.out 2>&1 &
sp=$!
n=0
while [ $n -lt 600 ] && [ "$(cat cut.parts/1.csv 2>/dev/null | wc -l)" -lt 2 ]; do sleep 0.05; n=$((n + 1)); done
kill -TERM $sp
wait $sp
[ $? = 130 ]; ok $? "interrupted run exits with status 130"
sleep 0.3
kept=$(($(wc -l < cut.parts/1.csv) - 1))
[ "$kept" -ge 1 ] && [ "$kept" -lt 3 ] && [ ! -f cut.parts/1.done ] && [ ! -f cut.csv ]
ok $? "slice 1 stopped after $kept of 3 rows, nothing merged"
left=""   # slices still running: processes whose command line names cut.parts/
for c in /proc/[0-9]*/cmdline; do
    case $( { tr '\0' ' ' < "$c"; } 2>/dev/null) in *"$W/cut.parts/"*) left="$left ${c%/cmdline}" ;; esac
done
[ -z "$left" ]; ok $? "no slice left running after TERM$left"
"$SP" --merge cut.csv > m.out 2>&1
[ $? = 1 ] && grep -q "slice 1/2: not finished, $kept row(s)" m.out && [ ! -f cut.csv ]
ok $? "--merge refuses the incomplete set and names slice 1"
"$SP" --status cut.csv > s.out 2>&1
[ $? = 1 ] && grep -q "slice 1/2" s.out; ok $? "--status lists slice 1 as unfinished"
# shellcheck disable=SC2086
"$SP" -j 2 -o cut.csv "$root/scripts/sweep.lua" -- $ARGS --iters 9 > other.out 2>&1
[ $? = 1 ] && grep -q "other settings" other.out; ok $? "rerun with other settings is refused"

# Mark slice 2 done by hand if it finished, else it reruns too; either way
# finished rows are skipped.
d2=0; [ -f cut.parts/2.done ] && d2=1
# shellcheck disable=SC2086
"$SP" -j 2 -o cut.csv "$root/scripts/sweep.lua" -- $ARGS > cut2.out 2>&1
ok $? "rerun of the same command"
[ "$(grep -c "already in .*, skipped" cut.parts/1.log)" = "$kept" ]; ok $? "slice 1 skipped its $kept finished row(s)"
if [ $d2 = 1 ]; then
    [ "$(grep -c "== \|sweep: n=" cut.parts/2.log)" = 3 ]; ok $? "finished slice 2 was not rerun"
fi
cmp=$("$SP" --compare whole.csv cut.csv); ok $? "interrupted and resumed = uninterrupted: $cmp"

# compare sees a difference outside the time columns.
sed '3s/^\([^,]*\),\([^,]*\),[^,]*,/\1,\2,0.123,/' whole.csv > changed.csv
"$SP" --compare whole.csv changed.csv > c.out; [ $? = 1 ] && grep -q "row 2, column score" c.out
ok $? "--compare reports a changed score"

# A failing slice: exit status 1, the log named, no merge.
"$SP" -j 1 -o bad.csv "$root/scripts/sweep.lua" -- --task nosuch > bad.out 2>&1
[ $? = 1 ] && grep -q "slice 1/1 failed" bad.out && grep -q "no task named nosuch" bad.out && [ ! -f bad.csv ]
ok $? "a failing slice: exit 1, its log quoted, nothing merged"
"$SP" -j 0 > /dev/null 2>&1; [ $? = 2 ]; ok $? "-j 0 is a usage error"
exit 0
