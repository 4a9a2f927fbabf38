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
$G -b scripts/study.lua --report "$D/q.csv" --out "$D/R.md" --quick --wall 12 --cpu 30 --command "make study" > "$D/rep" 2>&1; st=$?
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
n=$(grep -c '^| [248] | ' "$R"); [ "$n" = 12 ] ; ok $? "one row per swept size and task, and the summary ($n of 12)"
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
grep -q '^Machine: [0-9]* cores; load average' "$R" ; ok $? "the report states the machine's load" "$(sed -n 6p "$R")"
grep -q '^Run time (sum of each run.s wall seconds; slices run side by side): 6 condense runs [0-9]* s, 18 sweep runs [0-9]* s\.' "$R"
ok $? "the report states the compute behind its rows" "$(grep '^Run time' "$R")"
grep -q '^Run time .* CPU time of this invocation.s processes (user + system, the shell.s `times`): 30 s, so on [0-9]* otherwise idle cores it needs at least [0-9]* s of wall time\.$' "$R"
ok $? "the report states the invocation's CPU time" "$(grep '^Run time' "$R")"
# The quick report in the repository is the one this script writes now: the same
# top lines and sections (a report in an older format would differ here).
shape() { grep -o '^\(# Condensation study\|Command:\|Wall time:\|Run time\|Machine:\|Settings:\|All [0-9]* planned\|## .*\)' "$1"; }
shape "$R" > "$D/shape.new"; shape study/REPORT-quick.md > "$D/shape.repo"
cmp -s "$D/shape.new" "$D/shape.repo" && [ -s "$D/shape.new" ]
ok $? "study/REPORT-quick.md has the current report's lines and sections" "$(diff "$D/shape.repo" "$D/shape.new")"
grep -q '^## Does the solution label drift toward ramping' "$R" && grep -q '^## Solution type against size' "$R"
ok $? "the drift and solution-type-against-size summaries"
# The verdicts from rows whose answer is known: decision's merge_ls keeps 3 units and
# delete_comp 6 in every seed, drifting to ramping on the way; flipflop's operators stop
# at the same size and score alike within noise; context's parents did not learn; one
# sweep run is missing and must be named.
H=kind,task,seed,op,size,n,score,loss,npcs,pr,cca,nfixed,nstable,nmarginal,slow,ramp,cycles,label,threshold,chance,curve,path,kinds,time
{ echo "$H"
  for s in 1 2 3 4 5; do
    echo "condense,decision,$s,parent,8,8,0.95,0.01,2,1.5,1,2,2,0,0.1,0.1,0,attractors,0.9,0.5,,,,1"
    echo "condense,decision,$s,merge_ls,8,3,0.91,0.02,2,1.5,0.9,2,2,0,0.1,0.1,0,ramping,0.9,0.5,8:0.95;7:0.94;6:0.93;5:0.93;4:0.92;3:0.91,8:attractors;6:attractors;4:ramping;3:ramping,,1"
    echo "condense,decision,$s,merge_mean,8,8,0.95,0.01,2,1.5,1,2,2,0,0.1,0.1,0,attractors,0.9,0.5,8:0.95,8:attractors,,1"
    echo "condense,decision,$s,delete,8,8,0.95,0.01,2,1.5,1,2,2,0,0.1,0.1,0,attractors,0.9,0.5,8:0.95,8:attractors,,1"
    echo "condense,decision,$s,delete_comp,8,6,0.92,0.02,2,1.5,0.9,2,2,0,0.1,0.1,0,attractors,0.9,0.5,8:0.95;7:0.93;6:0.92,8:attractors;6:attractors,,1"
    d=$(( s % 2 == 0 ? 1 : -1 )); [ $s = 5 ] && d=0
    echo "condense,flipflop,$s,parent,8,8,0.99,0.01,3,2,1,8,8,0,0.1,0.1,0,attractors,0.94,0.01,,,,1"
    echo "condense,flipflop,$s,merge_ls,8,4,0.9$((5 + d)),0.02,3,2,0.9,8,8,0,0.1,0.1,0,attractors,0.94,0.01,8:0.99;6:0.97;4:0.9$((5 + d)),8:attractors;6:attractors;4:attractors,,1"
    echo "condense,flipflop,$s,delete_comp,8,4,0.95,0.02,3,2,0.9,8,8,0,0.1,0.1,0,attractors,0.94,0.01,8:0.99;6:0.97;4:0.95,8:attractors;6:attractors;4:attractors,,1"
    for op in merge_mean delete; do
      echo "condense,flipflop,$s,$op,8,8,0.99,0.01,3,2,1,8,8,0,0.1,0.1,0,attractors,0.94,0.01,8:0.99,8:attractors,,1"
    done
    echo "condense,context,$s,parent,8,8,0.6,0.1,2,1.5,1,1,0,0,0.1,0.1,0,transient,0.55,0.755,,,,1"
    for op in merge_ls merge_mean delete delete_comp; do
      echo "condense,context,$s,$op,8,8,0.6,,,,,,,,,,,not learnt,0.55,0.755,,,,1"
    done
    for t in decision context flipflop; do
      for n in 2 4 8; do
        [ "$t$s$n" = decision58 ] && continue
        echo "sweep,$t,$s,-,$n,$n,0.8,0.05,2,1.5,,1,1,0,0.1,0.1,0,attractors,,0.5,,,,1"
      done
    done
  done; } > "$D/known.csv"
$G -b scripts/study.lua --report "$D/known.csv" --out "$D/K.md" --quick --seeds 5 > "$D/krep" 2>&1; st=$?
ok $st "the report from rows with known answers is written (status $st)" "$(cat "$D/krep")"
K=$D/K.md
grep -q '^| decision | 3.0 ± 0.0 | 6.0 ± 0.0 | 3.0 ± 0.0 | 5 / 0 / 0 | .* | merging keeps fewer units |$' "$K"
ok $? "decision: merging keeps fewer units" "$(grep '^| decision | [0-9]' "$K")"
grep -q '^| flipflop | 4.0 ± 0.0 | 4.0 ± 0.0 | 0.0 ± 0.0 | 0 / 5 / 0 | -\?0.000 ± 0.010 | no clear difference' "$K"
ok $? "flipflop: equal sizes and scores within noise are no clear difference" "$(grep '^| flipflop | [0-9]' "$K")"
grep -q '^| context | .* | no learnt parents |$' "$K" ; ok $? "context: parents that did not learn are not judged" "$(grep '^| context | ' "$K")"
grep -q '^| decision | attractors, attractors, attractors, attractors, attractors | changed 5 of 5, to ramping 5 | not condensed | not condensed | changed 0 of 5, to ramping 0 |$' "$K"
ok $? "the drift table counts the chains that turn into ramps" "$(grep -A4 '^| task | parent labels' "$K")"
grep -q '^\*\*Incomplete: 1 of 60 planned runs have no results\*\* .*: sweep decision seed 5 n=8\.$' "$K"
ok $? "a missing run is named" "$(grep -i 'incomplete\|planned' "$K")"
grep -q '^All [0-9]* planned runs are in\.' "$R" && ! grep -q Incomplete "$R"
ok $? "the quick run itself is complete" "$(grep -i 'incomplete\|planned' "$R" | cut -c1-200)"
GANGLION=$G scripts/sweep_parallel.sh -j 2 -o "$D/q.csv" scripts/study.lua -- --quick > "$D/par2" 2>&1; st=$?
[ $st = 0 ] && grep -q 'all 2 slices done' "$D/par2" ; ok $? "a rerun finds every slice done and only merges" "$(cat "$D/par2")"
# A subset of the tasks reproduces the full list's rows for those tasks (a task's
# generator seeds follow its name, not its place in --tasks).
$G -b scripts/study.lua --part 1/1 --csv "$D/sub.csv" --quick --tasks context --seeds 1 > "$D/sub" 2>&1; st=$?
ok $st "a one-task, one-seed slice runs (status $st)" "$(tail -5 "$D/sub")"
# rows sorted without the time column (the last one)
rows() { awk -F, -v t="$2" 'NR > 1 && $2 == t && $3 == 1 { NF--; print }' OFS=, "$1" | sort; }
rows "$D/q.csv" context > "$D/sub.want"; rows "$D/sub.csv" context > "$D/sub.got"
[ -s "$D/sub.want" ] && cmp -s "$D/sub.want" "$D/sub.got"
ok $? "--tasks context gives the rows of context in the three-task run" "$(diff "$D/sub.want" "$D/sub.got" | head -6)"
exit 0
