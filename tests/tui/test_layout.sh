#!/bin/sh
# test_layout.sh — layouts that fit: at 80x24 a 2x2 layout shows its panes as
# tabs (F3 switches) instead of four 5-row panes; at 160x48 the four panes fit
# beside the REPL; the greeting fits the REPL column at 160x48, 80x24, 20x5;
# a long journal path; the size of a figure made for a hidden pane.
. "$(dirname "$0")/lib.sh"

# banner_ok: every phrase of the greeting is whole on one line
banner_ok() {
    s=$(screen)
    for p in 'help() lists topics' 'F1 the keys' 'Ctrl-D quits'; do
        printf '%s\n' "$s" | grep -qF -- "$p" || return 1
    done
    printf '%s\n' "$s" | grep -qE 'ganglion [0-9]' || return 1
}

COLS=80 ROWS=24 start
if banner_ok; then ok "80x24: the greeting fits the REPL column"; else bad "80x24: the greeting fits the REPL column"; fi
typeln 'layout("2x2") for k = 1, 4 do plot({1, 3, 2, 5 + k, 4}, {pane = k, title = "unit " .. k}) end'
expect 'tabs: F3 next' "80x24 2x2: the panes are tabs"
expect 'unit 4' "the last figure's tab is shown"
if screen | grep -q 'unit 1'; then bad "only one tab is drawn"; else ok "only one tab is drawn"; fi
# the pane keeps at least 8 rows: rows above the tab bar
rows=$(screen | grep -n 'tabs: F3 next' | head -1 | cut -d: -f1)
if [ -n "$rows" ] && [ "$rows" -gt 8 ]; then ok "the tab shown has $((rows - 1)) rows (>= 8)"
else bad "the tab shown has >= 8 rows (tab bar on row '$rows')"; fi
T send-keys F3
expect 'unit 1' "F3 shows the next tab (after 4: 1)"
T send-keys F3
expect 'unit 2' "F3 again: the tab after"
typeln 'plot({2, 1, 2}, {title = "into two"})'
expect 'into two' "a figure goes to the tab shown"
typeln 'pane(3)'
expect 'unit 3' "pane(3) brings tab 3 forward"
typeln 'layout("1x2")'
if wait_gone 'tabs: F3' 5; then ok "80x24 1x2 fits: no tabs"; else bad "80x24 1x2 fits: no tabs"; fi
expect 'unit 1' "80x24 1x2: pane 1 shown"
expect "into two" "80x24 1x2: pane 2 shown beside it"
typeln 'os.exit(0)'
wait_for 'GANGLION-EXITED' 5
T kill-server >/dev/null 2>&1

COLS=160 ROWS=48 launch
wait_for '> *$' 15 || bad "160x48: a prompt in the REPL column"
if banner_ok; then ok "160x48: the greeting fits the REPL column"; else bad "160x48: the greeting fits the REPL column"; fi
typeln 'layout("2x2") for k = 1, 4 do plot({1, 3, 2, 5 + k, 4}, {pane = k, title = "unit " .. k}) end'
expect 'unit 4' "160x48 2x2: pane 4 drawn"
n=$(screen | grep -oE 'unit [1-4]' | sort -u | wc -l)
if [ "$n" = 4 ]; then ok "160x48 2x2: all four panes at once"; else bad "160x48 2x2: all four panes at once ($n)"; fi
if screen | grep -q 'tabs: F3'; then bad "160x48: no tabs"; else ok "160x48: no tabs"; fi
typeln 'os.exit(0)'
wait_for 'GANGLION-EXITED' 5
T kill-server >/dev/null 2>&1

# wide but short (150x18): the plots' column (90 wide) shows 2x2 as tabs; a
# figure made while the current pane is hidden gets the size of its tab
COLS=150 ROWS=18 launch
wait_for '> *$' 15 || bad "150x18: a prompt in the REPL column"
typeln 'layout("2x2") plot({1, 2, 3}, {pane = 2, title = "in two"})'
expect 'tabs: F3 next' "150x18 2x2: tabs in the plots' column"
expect 'in two' "pane 2's tab is shown"
typeln 'local m = 0 for l in plot({1, 3, 2}, {text = true}):gmatch("[^\n]+") do m = math.max(m, utf8.len(l)) end print("widest " .. m)'
if wait_for '│widest [0-9]+' 5; then
    m=$(screen | grep -o '│widest [0-9]*' | tail -1 | cut -d' ' -f2)
    if [ "$m" -le 90 ] && [ "$m" -ge 80 ]; then ok "a figure for the hidden pane 1 is as wide as its tab ($m <= 90)"
    else bad "a figure for the hidden pane 1 is as wide as its tab ($m, not 80..90)"; fi
else bad "the width of a figure for a hidden pane is printed"; fi
typeln 'os.exit(0)'
wait_for 'GANGLION-EXITED' 5

# a journal path wider than the REPL column: broken after a '/' in the
# greeting; shortened from the left in the status line, which keeps the
# run's time and the key hints
LONG="$TMP/a-folder-with-a-rather-long-name-for-the-notebooks/experiment-2026-12-04-ring-attractor"
mkdir -p "$LONG"
COLS=80 ROWS=24 JOURNAL_AT="$LONG/session.lua" start
got=$(screen | sed -n '/^journal:$/,/^> *$/p' | sed '1d;$d')
if [ "$(printf '%s\n' "$got" | tr -d '\n')" = "$LONG/session.lua" ] &&
   [ "$(printf '%s\n' "$got" | grep -vc '/$')" = 1 ] &&
   [ "$(printf '%s\n' "$got" | awk 'length > 80' | wc -l)" = 0 ]; then
    ok "80x24: a long journal path is shown whole, broken only after a '/'"
else bad "80x24: a long journal path is shown whole, broken only after a '/' (got: $got)"; fi
typeln 'x = 1'
if wait_for '(…|\.\.\.)/session\.lua \| last [0-9.]+s +F1 keys' 5; then
    ok "the status line shortens the path from the left and keeps the time and the hints"
else bad "the status line shortens the path from the left and keeps the time and the hints"; fi
typeln 'local t = clock() while clock() - t < 2 do end'
expect '(…|\.\.\.)/session\.lua \| running [0-9.]+s' "and shows a running chunk's time"
wait_for '^> *$' 10
typeln 'os.exit(0)'
wait_for 'GANGLION-EXITED' 5

COLS=20 ROWS=5 start
typeln '1 + 1'
expect '^2$' "20x5: the REPL answers"
T send-keys PPage
T send-keys PPage
T send-keys PPage
if wait_for '^help\(\) lists topics$' 3 && screen | grep -qE '^ganglion [0-9.]+$'
then ok "20x5: the greeting's phrases are whole lines"
else bad "20x5: the greeting's phrases are whole lines"; fi
finish
