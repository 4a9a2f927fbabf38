#!/bin/sh
# sweep_parallel.sh — run a size sweep as N independent slices, locally in parallel
# or as a Slurm job array, then merge the slices' CSVs into one.
#
#   scripts/sweep_parallel.sh [-j N] [-o OUT.csv] [--slurm] [SCRIPT.lua] [-- SCRIPT ARGS...]
#
# SCRIPT (default scripts/sweep.lua) must accept --part K/N and --csv PATH.
# Locally: N background processes (default: the number of cores), then merge.
# --slurm: writes sweep_array.sbatch (an array of N tasks) and sweep_merge.sbatch
# (dependent on the array) and submits them when sbatch exists, else prints how.
# Merging alone: scripts/sweep_parallel.sh --merge OUT.csv PART1.csv PART2.csv ...
set -eu
GANGLION=${GANGLION:-./ganglion}
jobs=$(nproc 2>/dev/null || echo 2)
out=sweep.csv
slurm=0
script=scripts/sweep.lua

merge() {   # merge OUT PARTS... : header once, then every part's rows sorted by size and seed
    dst=$1; shift
    for f in "$@"; do
        [ -f "$f" ] || { echo "sweep_parallel: missing slice $f" >&2; exit 1; }
    done
    head -n 1 "$1" > "$dst.tmp"
    for f in "$@"; do tail -n +2 "$f"; done | sort -t, -k1,1n -k2,2n >> "$dst.tmp"
    mv "$dst.tmp" "$dst"
    echo "sweep_parallel: merged $# slices into $dst ($(($(wc -l < "$dst") - 1)) rows)"
}

while [ $# -gt 0 ]; do
    case $1 in
        -j) jobs=$2; shift 2 ;;
        -o) out=$2; shift 2 ;;
        --slurm) slurm=1; shift ;;
        --merge) shift; merge "$@"; exit 0 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) script=$1; shift ;;
    esac
done
case $jobs in ''|*[!0-9]*|0) echo "sweep_parallel: -j needs a positive integer" >&2; exit 2 ;; esac
base=${out%.csv}

if [ $slurm = 1 ]; then
    cat > sweep_array.sbatch <<EOS
#!/bin/sh
#SBATCH --job-name=ganglion-sweep
#SBATCH --array=1-$jobs
#SBATCH --cpus-per-task=2
#SBATCH --output=${base}.part%a.log
$GANGLION -b $script --part \${SLURM_ARRAY_TASK_ID}/$jobs --csv ${base}.part\${SLURM_ARRAY_TASK_ID}.csv $*
EOS
    parts=""
    k=1; while [ $k -le "$jobs" ]; do parts="$parts ${base}.part$k.csv"; k=$((k + 1)); done
    cat > sweep_merge.sbatch <<EOS
#!/bin/sh
#SBATCH --job-name=ganglion-sweep-merge
#SBATCH --output=${base}.merge.log
$0 --merge $out$parts
EOS
    if command -v sbatch >/dev/null 2>&1; then
        id=$(sbatch --parsable sweep_array.sbatch)
        sbatch --dependency=afterok:"$id" sweep_merge.sbatch
        echo "sweep_parallel: submitted array $id ($jobs tasks) and the merge after it"
    else
        echo "sweep_parallel: wrote sweep_array.sbatch and sweep_merge.sbatch; on the cluster run:"
        echo "  id=\$(sbatch --parsable sweep_array.sbatch) && sbatch --dependency=afterok:\$id sweep_merge.sbatch"
    fi
    exit 0
fi

pids=""
parts=""
k=1
while [ $k -le "$jobs" ]; do
    "$GANGLION" -b "$script" --part "$k/$jobs" --csv "$base.part$k.csv" "$@" > "$base.part$k.log" 2>&1 &
    pids="$pids $!"
    parts="$parts $base.part$k.csv"
    k=$((k + 1))
done
fail=0
k=1
for p in $pids; do
    if ! wait "$p"; then echo "sweep_parallel: slice $k/$jobs failed (see $base.part$k.log)" >&2; fail=1; fi
    k=$((k + 1))
done
[ $fail = 0 ] || exit 1
# shellcheck disable=SC2086
merge "$out" $parts
rm -f $parts
