#!/bin/sh
# test_journal.sh — in the notebook: the journal's path is shown at start,
# in the status line and on exit; Ctrl-C mid-training keeps the history and
# the journal replays (headless) to the same generator state.
. "$(dirname "$0")/lib.sh"

start
expect "journal: $TMP/session.lua" "the journal path is shown at start"
if screen | tail -1 | grep -q "$TMP/session.lua"; then ok "the status line names the journal"
else bad "the status line names the journal"; fi
typeln 'seed(4); net = rnn{n=20, inputs=3, outputs=3}; t = tasks.flipflop{T=40}'
typeln 'h = net:train(t, {method="adam", iters=100000, batch=16})'
wait_for 'train adam' 20
sleep 1
T send-keys C-c
expect 'train: stopped after' "Ctrl-C stops training" 10
typeln 'print("interrupted=" .. tostring(h.interrupted))'
expect '^interrupted=true$' "the interrupted train returned its history"
typeln 'print(string.format("draw=%.17g", matrix.randn(1, 1):get(1, 1)))'
expect '^draw=' "a draw after the interrupt"
# the prompt comes back once the chunk's end is in the journal
wait_for '^> *$' 5
live=$(screen | grep -o 'draw=[-0-9.e]*' | tail -1)
T kill-server; sleep 0.3
replay=$("$GANGLION" -b "$TMP/session.lua" 2>/dev/null | grep -o 'draw=[-0-9.e]*' | tail -1)
if [ -n "$live" ] && [ "$live" = "$replay" ]; then ok "the journal replays headless to the same generator state ($replay)"
else bad "the journal replays headless to the same generator state ($live vs $replay)"; fi
# (A session of its own: the Ctrl-C above also reached the test's shell.)
start
T send-keys C-d
expect "session journal: $TMP/session2.lua" "the journal path is printed on exit"
finish
