#!/bin/sh
# test_play.sh — play() animates frames in a pane with a time cursor:
# space pauses, arrows step, q stops; Ctrl-C interrupts.
. "$(dirname "$0")/lib.sh"
start
# a bump moving round a ring of 40 units, 400 steps
typeln 'A = {} for k = 1, 400 do A[k] = {} for i = 1, 40 do A[k][i] = math.exp(math.cos(2*math.pi*i/40 - k*0.05)) end end'
typeln 'play(A) print("play returned")'
expect 'play [0-9]+/400' "play shows a time cursor in the status line"
T send-keys Space
expect 'paused' "space pauses"
a=$(screen | grep -o 'play [0-9]*/400' | head -1)
sleep 0.5
b=$(screen | grep -o 'play [0-9]*/400' | head -1)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "paused: the frame stays ($a)" || bad "paused: the frame stays ($a, $b)"
na=${a#play }; na=${na%/400}
T send-keys Right Right Right Right
# four steps of one frame each: the cursor reaches a+4 (and stays there)
wait_for "play $((na + 4))/400" 5
sleep 0.3
c=$(screen | grep -o 'play [0-9]*/400' | head -1)
nc=${c#play }; nc=${nc%/400}
[ -n "$nc" ] && [ "$nc" = "$((na + 4))" ] && ok "right arrow steps one frame ($a -> $c)" || bad "right arrow steps one frame ($a -> $c)"
T send-keys Left Left
wait_for "play $((nc - 2))/400" 5
sleep 0.3
d=$(screen | grep -o 'play [0-9]*/400' | head -1)
nd=${d#play }; nd=${nd%/400}
[ -n "$nd" ] && [ "$nd" = "$((nc - 2))" ] && ok "left arrow steps back ($c -> $d)" || bad "left arrow steps back ($c -> $d)"
T send-keys q
if wait_for '^play returned$' 5 && wait_for '^> *$' 3; then ok "q stops and the chunk goes on"; else bad "q stops and the chunk goes on"; fi
typeln 'play(A) print("not reached")'
expect 'play [0-9]+/400' "play again"
T send-keys C-c
if wait_for 'interrupted' 5 && ! screen | grep -q '^not reached$'; then ok "Ctrl-C interrupts the chunk"; else bad "Ctrl-C interrupts the chunk"; fi
typeln '1 + 1'
expect '^2$' "the REPL answers after play"
finish
