#!/bin/sh
# test_train_batch.sh — training in batch mode: periodic progress lines on
# stderr, one summary line for the user's own call, none for the library's.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2 ($3)"; fi; }

cat > "$D/t.lua" <<'L'
t = tasks.flipflop{T=40}
net = rnn{n=12, inputs=3, outputs=3, seed=1}
h = net:train(t, {method="adam", iters=40, score_every=10})
small, log = condense(net, t, {retrain=5, min_n=11, method="adam"})
L
$G -b "$D/t.lua" > "$D/out" 2> "$D/err"; st=$?
[ $st = 0 ] ; ok $? "the script runs" "$(cat "$D/err")"
n=$(grep -c '^train adam: 40 iterations in [0-9.]* s, loss [0-9.e-]* (best [0-9.e-]* at [0-9]*), score [0-9.]*$' "$D/out")
[ "$n" = 1 ] ; ok $? "one summary line for the script's own net:train" "$(cat "$D/out")"
[ "$(grep -c '^train adam:' "$D/out")" = 1 ] ; ok $? "condense's retraining prints no summary lines" "$(cat "$D/out")"
grep -q 'train adam: 40/40' "$D/err" ; ok $? "progress lines go to stderr" "$(cat "$D/err")"
grep -q 'iteration [0-9]*/40\|─ loss\|- loss' "$D/out" && r=1 || r=0; ok $r "no training figure is printed in batch mode" "$(head -5 "$D/out")"
exit 0
