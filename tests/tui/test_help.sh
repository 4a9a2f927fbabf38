#!/bin/sh
# test_help.sh — completion and ? through each object's type, one-line errors
# with traceback(), and the status line's progress across an interrupt.
. "$(dirname "$0")/lib.sh"
COLS=120 ROWS=40 start

typeln 'net = rnn{n=8, inputs=3, outputs=3, seed=1}; pop = lif{n=4}; r = ring{}; lin = linear{M=matrix.eye(2)*0.5}; t = tasks.flipflop{T=40}'
wait_for '^> *$' 5
typeln 'c = cpg{}; M = matrix.randn(3, 3); h0 = net:train(t, {method="adam", iters=2})'
wait_for '^> *$' 10
for c in 'net:tr|net:train' 'pop:ru|pop:run' 'r:bu|r:bump' 'lin:ei|lin:eig' 't:sa|t:sample' 'net.Wo|net.Wout' 'pop.tau_a|pop.tau_ampa' \
         'c:pha|c:phases' 'c.gNa|c.gNaP' 'M:sv|M:svd' 'h0.lo|h0.loss'; do
    typed=${c%|*}; want=${c#*|}
    T send-keys -l "$typed"; T send-keys Tab
    expect_input "^> $(echo "$want" | sed 's/\./\\./g')\$" "Tab completes $typed to $want"
    T send-keys C-c
done

# option names inside an options table, from ganglion.options
for c in 'lif{tau_a|lif{tau_ampa=' 'pop:run{T=10, kee|pop:run{T=10, keep_state=' 'net:train(t, {met|net:train(t, {method=' 'rnn{n=8, act|rnn{n=8, activation=' 'ring{n = 8, w|ring{n = 8, w'; do
    typed=${c%|*}; want=${c#*|}
    T send-keys -l "$typed"; T send-keys Tab
    expect_input "^> $(echo "$want" | sed 's/[.{(]/\\&/g')\$" "Tab completes $typed to $want"
    T send-keys C-c
done
T send-keys -l 'lif{ta'; T send-keys Tab; sleep 0.3; T send-keys Tab Tab
if wait_for 'tau_ampa' 3 && screen | grep -q 'tau_nmda' && screen | grep -q 'taum'; then
    ok "lif{ta Tab (-> lif{tau) Tab Tab lists the option names tau_ampa tau_nmda taum"
else bad "lif{ta Tab Tab lists the option names"; fi
T send-keys C-c
typeln 'A = matrix.randn(3, 3)'
typeln '?A:sum'
expect '^m:sum\(\[dim\]\)' "?A:sum finds the matrix method's own entry"
typeln '?A:rows'
expect '^m:rows\(\)' "?A:rows too"

typeln 'small = net:copy()'
typeln '?small:train'
expect '^  h = net:train\(t, \{method="hf"' "?small:train shows rnn:train (its example)"
typeln '? plot'
expect '^  plot\(\{h.loss, h2.loss\}, \{x = \{h.time' "'? plot' (with a space) finds plot (its example)"
typeln '?plt'
expect "^help: nothing about 'plt'; did you mean plot" "a miss gives the nearest names"
screen | grep -q 'stack traceback' && bad "a miss prints no traceback" || ok "a miss prints no traceback"

typeln 'lif{n=4, taum=-5}'
expect '^chunk [0-9]+:1: lif' "an error is one line at the chunk's line"
screen | grep -q 'stack traceback\|\[C\]' && bad "no traceback after an error" || ok "no traceback after an error"
typeln 'traceback()'
expect '^stack traceback:' "traceback() shows the last full traceback"
screen | grep -q "$(pwd)/lua" && bad "no install paths on the screen" || ok "no install paths on the screen"

# progress: a run interrupted, then a short one: the short one's own time
typeln 'h = net:train(t, {method="adam", iters=1000000, score_every=0})'
wait_for 'train adam' 10
sleep 3
T send-keys C-c
wait_for 'interrupted' 10
wait_for '^> *$' 5
# The second run's time as shown must be within the wall time the test saw
# it take (from typing it to reading its end); the first run's 3 s and more
# would push it past that.
t0=$(date +%s.%N)
typeln 'h = net:train(t, {method="adam", iters=30})'
if wait_for 'done 30 in' 60; then
    t1=$(date +%s.%N)
    s=$(screen | tail -1 | grep -o 'done 30 in [0-9.]*[ms]*')
    secs=$(echo "$s" | sed 's/done 30 in //; s/s$//')
    seen=$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")
    case $s in
        *m*) bad "the second run shows its own time, not the interrupted run's ($s)" ;;
        *) if awk "BEGIN{exit !($secs <= $seen)}"; then ok "the second run shows its own time ($s, seen to take ${seen}s)"
           else bad "the second run shows its own time ($s, but it took ${seen}s)"; fi ;;
    esac
else bad "the second run's progress ends with done 30"; fi
finish
