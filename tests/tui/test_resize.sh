#!/bin/sh
# test_resize.sh — resizing down to 20×5 and below, and back, keeps the
# notebook alive and answering; panes re-render at the new size.
. "$(dirname "$0")/lib.sh"
start

typeln 'plot({1, 3, 2, 5, 4, 6, 2})'
wait_for '^─ 1 ' 5
T resize-window -x 20 -y 5
wait_gone '^─ 1 ' 5
typeln '1 + 1'
expect '^2$' "at 20x5 the REPL answers"
if screen | grep -q 'window too small'; then bad "20x5 is usable"; else ok "20x5 is usable"; fi
T resize-window -x 19 -y 4
expect 'window too small' "below 20x5 it says the window is too small"
typeln '6 * 7'
sleep 0.5
T resize-window -x 12 -y 3
sleep 0.3
T resize-window -x 100 -y 30
expect '^42$' "input typed while too small ran, and shows after growing back"
typeln '"alive"'
expect '^"?alive"?$' "the REPL answers after resizing back"
# the figure is re-rendered: its x axis spans the new width
# axis_w: the length of the x axis's tick-label line (the figure's width)
axis_w() { screen | grep -E '^ *[0-9.]+ +[0-9.]' | head -1 | awk '{print length($0)}'; }
T resize-window -x 60 -y 20
wait_until 'w1=$(axis_w); [ -n "$w1" ] && [ "$w1" -le 60 ]' 5
T resize-window -x 140 -y 40
if wait_for '─ 1 |- 1 ' 5; then ok "the plot pane survives the resizes"; else bad "the plot pane survives the resizes"; fi
T resize-window -x 100 -y 30
wait_until 'w2=$(axis_w); [ -n "$w2" ] && [ "$w2" -gt 60 ] && [ "$w2" -le 100 ]' 5
if [ -n "$w1" ] && [ -n "$w2" ] && [ "$w2" -gt "$w1" ]; then ok "the figure is redrawn at the new width ($w1 -> $w2 columns)"
else bad "the figure is redrawn at the new width ('$w1' -> '$w2')"; fi
# many resizes in a row while a chunk runs
typeln 'local t = os.clock() while os.clock() - t < 2 do end print("survived")'
for s in "30 8" "80 24" "20 5" "100 30" "45 12" "100 30"; do
    set -- $s
    T resize-window -x "$1" -y "$2"
    sleep 0.15
done
expect '^survived$' "resizing during a running chunk is harmless" 8
finish
