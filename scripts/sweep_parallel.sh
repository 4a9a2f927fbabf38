#!/bin/sh
# sweep_parallel.sh — run a sweep (or a study) as N resumable slices, locally in
# parallel or as a Slurm job array, then merge the slices' CSVs into one.
#
#   scripts/sweep_parallel.sh [options] [SCRIPT.lua] [-- SCRIPT ARGS...]
#
#   -j N           number of slices (default: the cores here)
#   -o OUT.csv     merged result (default sweep.csv); slices, logs and job
#                  scripts live in OUT.parts/ (K.csv, K.log, K.done, ...)
#   --slurm        submit the missing slices as a Slurm array and a merge job
#                  that runs after it (also when GANGLION_SLURM=1 or =wait)
#   --wait         with --slurm: block until the merge job ends, show its log,
#                  exit with its status (also GANGLION_SLURM=wait)
#   -c N           CPUs per slice (sbatch --cpus-per-task; default 2: training
#                  splits its batch over at most two threads)
#   --mem SIZE     memory per slice (sbatch --mem; default 2G)
#   --time LIMIT   time limit per slice (sbatch --time; default: the partition's)
#   --throttle K   at most K slices at once (Slurm: --array=...%K; locally too)
#   --name NAME    job name (default: gn-OUT, e.g. gn-sweep; merge: NAME-merge)
#   --merge OUT    merge OUT.parts/ into OUT (refuses an incomplete set)
#   --status OUT   list the slices of OUT.parts/: done, partial or not started
#   --compare A B  compare two CSVs, ignoring columns named with time/seconds
#
# SCRIPT (default scripts/sweep.lua) is run as
#   ganglion -b SCRIPT --part K/N --csv OUT.parts/K.csv SCRIPT ARGS...
# and must append each finished row to that CSV and, when it already holds
# rows, skip their runs (sweep{resume=true} and sweep_slice{} do both).
# A slice that exits 0 is marked done (K.done). Running the same command again
# runs or submits only the slices not done, and each resumes from its rows;
# changed settings are refused (remove OUT.parts/ to start over).
# GANGLION (default ./ganglion, else ganglion on PATH) is the binary; on a
# cluster it and its Lua library (beside it, its install prefix, or
# GANGLION_LUA, which is passed on) must be reachable from the nodes, as must
# the working folder. sbatch also reads SBATCH_PARTITION, SBATCH_ACCOUNT, ...
# Exit status: 0 merged; 1 a slice failed or the set is incomplete; 2 usage.
set -u
self=$0
jobs=$(nproc 2>/dev/null || echo 2)
out=sweep.csv
slurm=0
wait=0
cpus=2
mem=2G
tlimit=
throttle=
name=
script=scripts/sweep.lua
case ${GANGLION_SLURM:-} in
    ''|0) ;;
    wait) slurm=1; wait=1 ;;
    *) slurm=1 ;;
esac

die() { echo "sweep_parallel: $*" >&2; exit 2; }
fail() { echo "sweep_parallel: $*" >&2; exit 1; }
posint() { case $2 in ''|*[!0-9]*|0*) die "$1 needs a positive integer, got '$2'" ;; esac; }
abspath() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
# q WORD: WORD quoted for sh.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
partsof() { echo "${1%.csv}.parts"; }
nslices() { sed -n 's/^slices=//p' "$1/args" 2>/dev/null; }
rows() { if [ -f "$1" ]; then echo $(($(wc -l < "$1") - 1)); else echo 0; fi; }

# report PARTS: one line per slice that is not done; status 0 when all are.
report() {
    n=$(nslices "$1")
    [ -n "$n" ] || { echo "  $1 holds no sweep (no args file)"; return 1; }
    miss=0; k=1
    while [ "$k" -le "$n" ]; do
        if [ ! -f "$1/$k.done" ]; then
            miss=$((miss + 1))
            if [ -f "$1/$k.csv" ]; then r=$(rows "$1/$k.csv")
                echo "  slice $k/$n: not finished, $r row(s) so far (log: $1/$k.log)"
            elif [ -s "$1/$k.log" ]; then
                echo "  slice $k/$n: no rows (log: $1/$k.log)"
            else
                echo "  slice $k/$n: not started"
            fi
        fi
        k=$((k + 1))
    done
    [ "$miss" = 0 ]
}

# merge_parts PARTS OUT: header once, then every slice's rows sorted by the
# first two columns (numerically, then as text); refuses an incomplete set.
merge_parts() {
    if ! msg=$(report "$1"); then
        echo "sweep_parallel: not merging into $2, slices missing:" >&2
        echo "$msg" >&2
        echo "sweep_parallel: run the same command again to run or submit only these" >&2
        return 1
    fi
    n=$(nslices "$1")
    head=$(head -n 1 "$1/1.csv")
    k=1
    while [ "$k" -le "$n" ]; do
        h=$(head -n 1 "$1/$k.csv")
        [ "$h" = "$head" ] || { echo "sweep_parallel: $1/$k.csv has columns '$h', slice 1 has '$head'" >&2; return 1; }
        k=$((k + 1))
    done
    tmp=$2.tmp.$$
    { echo "$head"
      k=1
      while [ "$k" -le "$n" ]; do tail -n +2 "$1/$k.csv"; k=$((k + 1)); done |
          LC_ALL=C sort -t, -k1,1n -k1,1 -k2,2n -k2,2; } > "$tmp" && mv "$tmp" "$2" ||
        { rm -f "$tmp"; echo "sweep_parallel: cannot write $2" >&2; return 1; }
    echo "sweep_parallel: merged $n slices into $2 ($(rows "$2") rows)"
}

# compare A B: same header and rows, except in columns whose name holds
# "time" or "seconds" (wall times differ from run to run).
compare() {
    [ -f "$1" ] && [ -f "$2" ] || { echo "sweep_parallel: compare: cannot read $1 or $2" >&2; return 2; }
    awk -F, -v A="$1" -v B="$2" '
        FNR == 1 && NR == 1 { hdr = $0; for (i = 1; i <= NF; i++) { name[i] = $i; skip[i] = (tolower($i) ~ /time|seconds/) } nf = NF; next }
        FNR == 1 { if ($0 != hdr) { printf "columns differ:\n  %s: %s\n  %s: %s\n", A, hdr, B, $0; bad = 1; exit 1 } next }
        NR == FNR { a[FNR] = $0; na = FNR; next }
        { nb = FNR
          if (!(FNR in a)) next
          split(a[FNR], x, ","); n = split($0, y, ",")
          for (i = 1; i <= nf; i++) if (!skip[i] && x[i] != y[i]) {
              printf "row %d, column %s: %s has %s, %s has %s\n", FNR - 1, name[i], A, x[i], B, y[i]; bad = 1 } }
        END { if (bad) exit 1
              if (na != nb) { printf "%s has %d rows, %s has %d\n", A, na - 1, B, nb - 1; exit 1 }
              ign = ""; for (i = 1; i <= nf; i++) if (skip[i]) ign = ign " " name[i]
              printf "identical: %d rows, %d columns (not compared:%s)\n", na - 1, nf, ign == "" ? " none" : ign }
    ' "$1" "$2"
}

while [ $# -gt 0 ]; do
    case $1 in
        -j) [ $# -ge 2 ] || die "-j needs a value"; posint -j "$2"; jobs=$2; shift 2 ;;
        -o) [ $# -ge 2 ] || die "-o needs a value"; out=$2; shift 2 ;;
        -c|--cpus) [ $# -ge 2 ] || die "$1 needs a value"; posint "$1" "$2"; cpus=$2; shift 2 ;;
        --mem) [ $# -ge 2 ] || die "--mem needs a value"; mem=$2; shift 2 ;;
        --time) [ $# -ge 2 ] || die "--time needs a value"; tlimit=$2; shift 2 ;;
        --throttle) [ $# -ge 2 ] || die "--throttle needs a value"; posint --throttle "$2"; throttle=$2; shift 2 ;;
        --name) [ $# -ge 2 ] || die "--name needs a value"; name=$2; shift 2 ;;
        --slurm) slurm=1; shift ;;
        --wait) wait=1; shift ;;
        --merge) [ $# -eq 2 ] || die "usage: --merge OUT.csv"; merge_parts "$(partsof "$2")" "$2"; exit ;;
        --status) [ $# -eq 2 ] || die "usage: --status OUT.csv"
                  p=$(partsof "$2"); if report "$p"; then echo "all $(nslices "$p") slices done"; else exit 1; fi; exit 0 ;;
        --compare) [ $# -eq 3 ] || die "usage: --compare A.csv B.csv"; compare "$2" "$3"; exit ;;
        --) shift; break ;;
        -h|--help) sed -n '2,/^set -u/p' "$self" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) script=$1; shift ;;
    esac
done
case $out in *.csv) ;; *) die "-o needs a file name ending in .csv, got '$out'" ;; esac
[ -f "$script" ] || die "no script $script"
if [ -z "${GANGLION:-}" ]; then
    if [ -x ./ganglion ]; then GANGLION=./ganglion; else GANGLION=$(command -v ganglion) || die "no ./ganglion and no ganglion on PATH (set GANGLION)"; fi
fi
case $GANGLION in */*) GANGLION=$(abspath "$GANGLION") ;; *) GANGLION=$(command -v "$GANGLION") || die "GANGLION: not found" ;; esac
[ -x "$GANGLION" ] || die "GANGLION=$GANGLION is not executable"
"$GANGLION" -e 'return 1' >/dev/null 2>&1 || fail "$GANGLION cannot start (its Lua library? set GANGLION_LUA): $("$GANGLION" -e 'return 1' 2>&1 | head -1)"
script=$(abspath "$script")
out=$(abspath "$out")
parts=$(partsof "$out")
base=$(basename "${out%.csv}")
[ -n "$name" ] || name=gn-$base

# The settings a set of slices was made with; a rerun must match them.
settings() {
    echo "slices=$jobs"
    echo "script=$script"
    for a in "$@"; do echo "arg=$a"; done
}
mkdir -p "$parts" || fail "cannot create $parts"
if [ -f "$parts/args" ]; then
    if [ "$(settings "$@")" != "$(cat "$parts/args")" ]; then
        echo "sweep_parallel: $parts holds slices made with other settings:" >&2
        sed 's/^/  /' "$parts/args" >&2
        echo "sweep_parallel: now:" >&2
        settings "$@" | sed 's/^/  /' >&2
        fail "remove $parts to start over, or choose another -o"
    fi
else
    settings "$@" > "$parts/args.tmp" && mv "$parts/args.tmp" "$parts/args"
fi

missing=""
k=1
while [ "$k" -le "$jobs" ]; do
    [ -f "$parts/$k.done" ] || missing="$missing $k"
    k=$((k + 1))
done
nmiss=$(echo $missing | wc -w)

# The script arguments, quoted for a shell script.
slice_args=""
for a in "$@"; do slice_args="$slice_args $(q "$a")"; done

if [ "$slurm" = 1 ]; then
    # Slices of an earlier submission still queued or running would write the
    # same files: refuse until they end.
    if [ -f "$parts/jobs" ] && command -v squeue >/dev/null 2>&1; then
        for id in $(cat "$parts/jobs"); do
            if [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ]; then
                fail "job $id of an earlier submission is still queued or running (squeue -j $id); wait for it or scancel $id"
            fi
        done
    fi
    if [ "$nmiss" = 0 ]; then
        echo "sweep_parallel: all $jobs slices done; merging"
        merge_parts "$parts" "$out"; exit
    fi
    list=$(echo $missing | tr ' ' ',')
    lua_env=""
    [ -n "${GANGLION_LUA:-}" ] && lua_env="export GANGLION_LUA=$(q "$(abspath "$GANGLION_LUA")")"
    {
        echo "#!/bin/sh"
        echo "#SBATCH --job-name=$name"
        echo "#SBATCH --array=$list${throttle:+%$throttle}"
        echo "#SBATCH --cpus-per-task=$cpus"
        echo "#SBATCH --mem=$mem"
        [ -n "$tlimit" ] && echo "#SBATCH --time=$tlimit"
        echo "#SBATCH --output=$parts/%a.log"
        echo "#SBATCH --open-mode=append"
        echo "# One slice of $base: written by scripts/sweep_parallel.sh; a slice that"
        echo "# exits 0 is marked done, so a rerun of the same command skips it."
        echo "k=\$SLURM_ARRAY_TASK_ID"
        [ -n "$lua_env" ] && echo "$lua_env"
        echo "cd $(q "$(pwd)") || exit 1"
        echo "echo \"== slice \$k/$jobs: job \${SLURM_ARRAY_JOB_ID}_\$k on \$(hostname), \$(date)\""
        echo "$(q "$GANGLION") -b $(q "$script") --part \"\$k/$jobs\" --csv $(q "$parts")/\"\$k\".csv$slice_args"
        echo "st=\$?"
        echo "if [ \$st = 0 ]; then date > $(q "$parts")/\"\$k\".done.tmp && mv $(q "$parts")/\"\$k\".done.tmp $(q "$parts")/\"\$k\".done; fi"
        echo "exit \$st"
    } > "$parts/array.sbatch"
    {
        echo "#!/bin/sh"
        echo "#SBATCH --job-name=$name-merge"
        echo "#SBATCH --cpus-per-task=1"
        echo "#SBATCH --mem=256M"
        echo "#SBATCH --output=$parts/merge.log"
        echo "# Merges the slices of $base when the array has ended (refuses an incomplete set)."
        echo "cd $(q "$(pwd)") || exit 1"
        echo "$(q "$(abspath "$self")") --merge $(q "$out")"
        echo "st=\$?; echo \$st > $(q "$parts")/merge.status; exit \$st"
    } > "$parts/merge.sbatch"
    if ! command -v sbatch >/dev/null 2>&1; then
        echo "sweep_parallel: no sbatch here; wrote $parts/array.sbatch and $parts/merge.sbatch. On the cluster run:"
        echo "  id=\$(sbatch --parsable $parts/array.sbatch) && sbatch --dependency=afterany:\$id $parts/merge.sbatch"
        exit 0
    fi
    rm -f "$parts/merge.status" "$parts/merge.log"
    aid=$(sbatch --parsable "$parts/array.sbatch") || fail "sbatch refused $parts/array.sbatch"
    aid=${aid%%;*}
    echo "$aid" > "$parts/jobs"
    mid=$(sbatch --parsable --dependency=afterany:"$aid" "$parts/merge.sbatch") || fail "sbatch refused $parts/merge.sbatch (array $aid is queued)"
    mid=${mid%%;*}
    echo "$aid $mid" > "$parts/jobs"
    echo "sweep_parallel: submitted array $aid (slices$missing of $jobs, job name $name) and merge $mid after it"
    echo "sweep_parallel: logs in $parts/; result in $out"
    [ "$wait" = 1 ] || exit 0
    while [ -n "$(squeue -h -j "$mid" -o %i 2>/dev/null)" ]; do sleep 1; done
    [ -f "$parts/merge.log" ] && cat "$parts/merge.log"
    st=$(cat "$parts/merge.status" 2>/dev/null)
    [ -n "$st" ] || fail "merge job $mid ended without a status (cancelled?); slices:$(report "$parts" | tr '\n' ';')"
    [ "$st" = 0 ] || exit 1
    exit 0
fi

# Local: the missing slices as background processes (at most --throttle at a
# time), then the merge. One run at a time per OUT.parts/.
lock=$parts/lock
if ! mkdir "$lock" 2>/dev/null; then
    other=$(cat "$lock/pid" 2>/dev/null)
    if [ -n "$other" ] && kill -0 "$other" 2>/dev/null; then fail "$parts is in use by process $other"; fi
    rm -rf "$lock"; mkdir "$lock" || fail "cannot lock $parts"
fi
echo $$ > "$lock/pid"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$lock"; }
trap 'cleanup; exit 130' INT TERM
trap 'rm -rf "$lock"' EXIT
[ "$nmiss" = 0 ] && echo "sweep_parallel: all $jobs slices done; merging"
failed=""
wave=""
# run_wave SCRIPT ARGS...: the slices in $wave side by side (each slice is
# the background process itself, so a TERM to it stops the slice).
run_wave() {
    pids=""
    for k in $wave; do
        "$GANGLION" -b "$script" --part "$k/$jobs" --csv "$parts/$k.csv" "$@" >> "$parts/$k.log" 2>&1 &
        pids="$pids $!"
    done
    i=1
    for p in $pids; do
        k=$(echo $wave | cut -d' ' -f$i)
        if wait "$p"; then date > "$parts/$k.done.tmp" && mv "$parts/$k.done.tmp" "$parts/$k.done"
        else failed="$failed $k"; fi
        i=$((i + 1))
    done
    pids=""
    wave=""
}
n=0
for k in $missing; do
    wave="$wave $k"; n=$((n + 1))
    if [ -n "$throttle" ] && [ "$n" -ge "$throttle" ]; then run_wave "$@"; n=0; fi
done
[ -n "$wave" ] && run_wave "$@"
for k in $failed; do
    why=$(grep '^ganglion: ' "$parts/$k.log" | tail -1)
    [ -n "$why" ] || why=$(tail -1 "$parts/$k.log")
    echo "sweep_parallel: slice $k/$jobs failed: $why" >&2
    echo "    (log: $parts/$k.log)" >&2
done
merge_parts "$parts" "$out"
