#!/bin/sh
# test_train_view.sh — the live training pane (loss on a log axis over the
# score against time), the summary line it leaves, figure history keys
# (F5/F6), and the notebook: one figure per chunk, play()'s still frame.
. "$(dirname "$0")/lib.sh"
COLS=120 ROWS=44 start

typeln 't = tasks.flipflop{T=40}; net = rnn{n=16, inputs=3, outputs=3, seed=1}'
wait_for '^> *$' 5
typeln 'h = net:train(t, {method="adam", iters=1000, score_every=50})'
expect 'train adam: iteration [0-9]+/1000, loss' "the pane shows training live (title with iteration and loss)" 15
a=$(screen | grep -o 'iteration [0-9]*/1000' | head -1)
wait_until 'b=$(screen | grep -o "iteration [0-9]*/1000" | head -1); [ -n "$b" ] && [ "$b" != "$a" ]' 10
if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then ok "the live view advances ($a, then $b)"
else bad "the live view advances ('$a', '$b')"; fi
expect 'seconds' "the score panel runs against wall time" 10
expect '─ loss' "the loss has its legend" 5
expect '^train adam: 1000 iterations in [0-9.]+ s, loss' "training leaves a summary line" 300
expect 'train adam: iteration 1000/1000' "the pane keeps the final state" 5

typeln 'plot({1, 2, 3}, {title = "first extra"})'
expect 'first extra' "a new figure replaces the training view" 5
typeln 'plot({3, 2, 1}, {title = "second extra"})'
expect ' fig 3/3 ' "the pane label counts its figures" 5
T send-keys F5
expect 'first extra' "F5 shows the older figure" 5
expect ' fig 2/3 ' "and the label follows" 5
T send-keys F5
expect 'train adam: iteration 1000/1000' "F5 again: the training figure" 5
T send-keys F6 F6
expect 'second extra' "F6 comes back to the newest" 5

# training stopped by Ctrl-C: its last live frame stays in the pane's history.
# A fresh net: the trained one, at a loss near 0.002, can see five batch
# losses above 10x its best within 50 iterations and stop as diverged by
# itself before the Ctrl-C (seen with some session seeds).
typeln 'net2 = rnn{n=16, inputs=3, outputs=3, seed=2}; h2 = net2:train(t, {method="adam", iters=1000000, score_every=50})'
expect 'train adam: iteration [0-9]+/1000000' "a long training run draws live" 15
sleep 1
T send-keys C-c
expect 'train adam: stopped at iteration [0-9]+/1000000, loss' "Ctrl-C leaves the run's last state in the pane, titled as stopped" 10
wait_for '^> *$' 10
typeln 'plot({5, 1, 5}, {title = "after the stop"})'
expect 'after the stop' "a figure after the interrupted run" 5
T send-keys F5
expect 'train adam: stopped at iteration [0-9]+/1000000' "F5: the interrupted run's last frame is kept in the history" 5
T send-keys F6
expect 'after the stop' "F6 back to the newest" 5

typeln 'for i = 1, 5 do plot({i, i + 1, 2 * i}, {title = "loop figure"}) end'
wait_for '^> *$' 5
typeln 'play(ring{}:run{steps = 200}, {title = "bump"})'
wait_for 'play [0-9]+/200' 10
T send-keys q
wait_for '^> *$' 10
typeln "notebook('$TMP/n.md')"
wait_for '^> *$' 5
wait_until '[ -s "$TMP/n.md" ]' 5
n=$(grep -c '^ *loop figure *$' "$TMP/n.md")
[ "$n" = 1 ] && ok "the notebook keeps one figure for a chunk that drew five" || bad "the notebook keeps one figure for a chunk that drew five ($n)"
grep -q '^(play bump: still frame, step [0-9]* of 200)' "$TMP/n.md" && ok "play() leaves a still frame with a caption" || bad "play() leaves a still frame with a caption"
grep -q '^train adam: 1000 iterations in' "$TMP/n.md" && ok "the training chunk's summary line is in the notebook" || bad "the training chunk's summary line is in the notebook"
[ "$(grep -c 'train adam: iteration 1000/1000' "$TMP/n.md")" = 1 ] && ok "and its final figure, once" || bad "and its final figure, once"
[ "$(grep -c 'train adam: stopped at iteration [0-9]*/1000000' "$TMP/n.md")" = 1 ] && ok "the interrupted training's last frame is in the notebook, once" || bad "the interrupted training's last frame is in the notebook, once"
finish
