#!/bin/sh
# test_quit.sh — leaving the notebook, by Ctrl-D, os.exit() or a fatal
# signal, gives the terminal back as it was (tty modes, normal screen).
. "$(dirname "$0")/lib.sh"

restored() {   # what: checks the pane's shell saw the same tty modes after
    if ! wait_for 'GANGLION-EXITED' 10; then bad "$1: ganglion exits"; return; fi
    n=50; while [ ! -s "$TMP/stty.after" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
    if cmp -s "$TMP/stty.before" "$TMP/stty.after"; then ok "$1: tty modes restored"
    else bad "$1: tty modes restored"; fi
    if [ "$(T display -p '#{alternate_on}')" = 0 ]; then ok "$1: back on the normal screen"
    else bad "$1: back on the normal screen"; fi
    if [ "$(T display -p '#{cursor_flag}')" = 1 ]; then ok "$1: cursor visible"
    else bad "$1: cursor visible"; fi
    T kill-server 2>/dev/null
    sleep 0.3
    rm -f "$TMP/stty.after"
}

start
T send-keys C-c
T send-keys C-d
wait_for 'GANGLION-EXITED' 10
status=$(screen | grep -o 'GANGLION-EXITED [0-9]*')
restored "Ctrl-D"
[ "$status" = "GANGLION-EXITED 0" ] && ok "Ctrl-D exits with status 0" || bad "Ctrl-D exits with status 0 ($status)"

start
typeln 'os.exit(3)'
wait_for 'GANGLION-EXITED' 10
status=$(screen | grep -o 'GANGLION-EXITED [0-9]*')
restored "os.exit()"
[ "$status" = "GANGLION-EXITED 3" ] && ok "os.exit(3) exits with status 3" || bad "os.exit(3) exits with status 3 ($status)"

start
typeln 'local t = os.clock() while os.clock() - t < 30 do end'
sleep 0.5
kill -TERM "$(gpid)" 2>/dev/null
restored "SIGTERM during a chunk"

start
kill -SEGV "$(gpid)" 2>/dev/null
restored "a crash (SIGSEGV)"
finish
