#!/bin/sh
# test_plot.sh — figures appear in panes; layout(), pane(), the zoom key,
# colours and NO_COLOR.
. "$(dirname "$0")/lib.sh"
start

typeln 'plot({1, 3, 2, 5, 4, 6, 2}, {title = "first figure"})'
expect '^ +first figure' "a plot appears with its title"
if screen | head -20 | LC_ALL=C grep -q "$(printf '\342[\240\241\242\243]')"; then ok "the plot is drawn in braille"; else bad "the plot is drawn in braille"; fi
typeln 'layout("1x2")'
expect '─ 1 .*─ 2 ' "layout(\"1x2\") shows two panes side by side"
typeln 'pane(2)'
typeln 'plot({5, 4, 3, 2, 1}, {title = "second figure"})'
if wait_for 'second figure' 5 && screen | grep 'second figure' | grep -q 'first figure'; then
    ok "pane(2) puts the next figure beside the first"
else bad "pane(2) puts the next figure beside the first"; fi
typeln 'layout("2x2")'
if wait_for '─ 3 ' 5 && wait_for '─ 4 ' 5 && wait_for 'first figure' 2 && wait_for 'second figure' 2; then
    ok "layout(\"2x2\") shows four panes and keeps the figures"
else bad "layout(\"2x2\") shows four panes and keeps the figures"; fi
typeln 'layout("2x1")'
expect '─ 2 ' "layout(\"2x1\") stacks two panes"
# said_after LINE ERE: a line matching ERE shows below the typed LINE
said_after() { screen | sed -n "/^> $1\$/,\$p" | grep -Eqi -- "$2"; }
colours() { T capture-pane -p -e | grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; }
typeln 'layout("3x7")'
if wait_until "said_after 'layout(\"3x7\")' 'unknown|error|bad|expected|invalid'"; then ok "a bad layout is an error"
else bad "a bad layout is an error"; fi
typeln 'pane(9)'
if wait_until "said_after 'pane(9)' 'no pane|error|bad|expected|invalid|range'"; then ok "a bad pane is an error"
else bad "a bad pane is an error"; fi

# zoom: F2 shows the current pane (2) over the whole screen, again goes back
T send-keys F2
expect '2 zoomed' "F2 zooms the current pane"
if screen | grep -q '^ +first figure'; then bad "the zoomed pane hides the others"; else ok "the zoomed pane hides the others"; fi
typeln '"typing while zoomed"'
expect '^"?typing while zoomed"?$' "the REPL works while zoomed"
T send-keys F2
if wait_for '^ +first figure' 3 && wait_gone '[0-9] zoomed' 3; then ok "F2 again restores the layout"; else bad "F2 again restores the layout"; fi
T send-keys F4
if wait_gone '^─ 1 ' 3 && wait_for '^> *$' 2; then ok "F4 gives the REPL the whole screen"; else bad "F4 gives the REPL the whole screen"; fi
T send-keys F4
expect '^─ 1 ' "F4 again brings the panes back"

# colour: a heatmap is coloured unless NO_COLOR is set
typeln 'layout("1") heatmap({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {title = "hm colour"})'
wait_for 'hm colour' 5
if wait_until colours; then ok "the heatmap has colours"
else bad "the heatmap has colours"; fi
T kill-server; sleep 0.3
ENVS="NO_COLOR=1"
start
typeln 'heatmap({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {title = "hm plain"})'
wait_for 'hm plain' 5 || bad "NO_COLOR: the heatmap is drawn"
wait_for '^> *$' 5
if colours; then bad "NO_COLOR: no colours"
else ok "NO_COLOR: no colours"; fi
finish
