#!/bin/sh
# test_ascii.sh — with --ascii nothing outside ASCII reaches the screen:
# rules, status line, figures, printed text and completion lists.
. "$(dirname "$0")/lib.sh"
start --ascii

typeln 'plot({1, 3, 2, 5, 4, 6, 2}, {title = "caf\195\169"})'
typeln 'layout("1x2") pane(2) heatmap({{1, 2}, {3, 4}})'
typeln 'print("na\195\175ve \226\160\191 text")'
expect '^na\?ve \? text$' "non-ASCII printed text is shown as '?'"
T send-keys -l 'string.'; T send-keys Tab Tab
wait_for 'string\.format' 5
T send-keys C-c
T send-keys F1
wait_for 'F5/F6 older/newer figure' 5 || bad "F1 lists the keys"
if screen | LC_ALL=C grep -q '[^ -~]'; then bad "only ASCII on the screen"; screen | LC_ALL=C grep -n '[^ -~]' | head -3 >&2
else ok "only ASCII on the screen"; fi
T resize-window -x 20 -y 5
wait_until '[ "$(screen | wc -L)" -le 20 ]' 5
if screen | LC_ALL=C grep -q '[^ -~]'; then bad "only ASCII at 20x5"; else ok "only ASCII at 20x5"; fi
finish
