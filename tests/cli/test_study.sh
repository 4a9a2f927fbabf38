#!/bin/sh
# test_study.sh — the quick condensation study end to end through the slice mechanism
# (scripts/sweep_parallel.sh -j 2, as `make study` runs it): the slices merge, the report is
# written with its command and wall time at the top, it has the sections the study promises
# and sane numbers, and a rerun finds every slice done.  Structure and sanity only, not results.
G=${GANGLION:-./ganglion}
case $G in /*) ;; *) G=$(pwd)/$G ;; esac
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; shift 2; [ $# -gt 0 ] && echo "$*" | head -20 | sed 's/^/    /'; fi; }

GANGLION=$G scripts/sweep_parallel.sh -j 2 -o "$D/q.csv" scripts/study.lua -- --quick > "$D/par" 2>&1; st=$?
ok $st "the quick study's slices run and merge (status $st)" "$(tail -5 "$D/par"; tail -5 "$D/q.parts/1.log")"
$G -b scripts/study.lua --report "$D/q.csv" --out "$D/R.md" --quick --wall 12 --command "make study" > "$D/rep" 2>&1; st=$?
ok $st "the report is written from the merged rows (status $st)" "$(cat "$D/rep")"
R=$D/R.md
head -1 "$R" | grep -q '^# Condensation study (QUICK' ; ok $? "the report says it is the quick run" "$(head -3 "$R")"
sed -n 3p "$R" | grep -q '^Command: `make study`' && sed -n 4p "$R" | grep -q '^Wall time: 12 s' ; ok $? "command and wall time at the top" "$(head -5 "$R")"
grep -q '^## Does merging beat compensated deletion?' "$R" ; ok $? "the merging-versus-deletion section"
for t in decision context flipflop; do
  grep -q "^| $t | " "$R" && grep -q "^## $t\$" "$R"; ok $? "$t: a verdict row and a section"
done
n=$(grep -c '^| \(merge_ls\|merge_mean\|delete\|delete_comp\) | ' "$R")
[ "$n" = 12 ] ; ok $? "every task has a row for each of the four operators ($n of 12)"
n=$(grep -c '^Solution type against size' "$R"); [ "$n" = 3 ] ; ok $? "solution type against size for every task ($n)"
n=$(grep -c '^| [248] | ' "$R"); [ "$n" = 9 ] ; ok $? "one row per swept size and task ($n of 9)"
grep -q 'Canonical response types' "$R" && grep -q 'held-out score vs size' "$R" ; ok $? "text figures: response types and score against size"
grep -q '^Solution label along the condensation' "$R" ; ok $? "labels along the condensation"
# The merged rows: held-out scores are fractions, condensed sizes at most the parent's,
# labels from the stated set, seeds 1 and 2 for every task.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         { s = $(c["score"]); if (s != "" && (s < 0 || s > 1)) bad = bad " score " s
           if ($(c["kind"]) == "condense" && $(c["n"]) > $(c["size"])) bad = bad " n " $(c["n"])
           l = $(c["label"]); if (l !~ /^(oscillator|line attractor|attractors|ramping|transient|not learnt)$/) bad = bad " label " l
           seen[$(c["task"]) "/" $(c["seed"])] = 1 }
         END { for (t in seen) k++; if (bad != "" || k != 6) { print bad, k; exit 1 } }' "$D/q.csv"
ok $? "merged rows: scores in [0, 1], sizes <= the parent's, known labels, 3 tasks x 2 seeds" "$(head -3 "$D/q.csv")"
GANGLION=$G scripts/sweep_parallel.sh -j 2 -o "$D/q.csv" scripts/study.lua -- --quick > "$D/par2" 2>&1; st=$?
[ $st = 0 ] && grep -q 'all 2 slices done' "$D/par2" ; ok $? "a rerun finds every slice done and only merges" "$(cat "$D/par2")"
exit 0
