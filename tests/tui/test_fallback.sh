#!/bin/sh
# test_fallback.sh — with TERM=dumb, or without a terminal, ganglion runs the
# plain line-mode REPL instead of the curses notebook.
. "$(dirname "$0")/lib.sh"

ENVS="TERM=dumb"
start
typeln '20 + 3'
expect '^23$' "TERM=dumb: the line-mode REPL answers"
if [ "$(T display -p '#{alternate_on}')" = 0 ]; then ok "TERM=dumb: no full-screen mode"
else bad "TERM=dumb: no full-screen mode"; fi
if screen | grep -q 'F2 zoom'; then bad "TERM=dumb: no status line"; else ok "TERM=dumb: no status line"; fi
T send-keys C-d
wait_for 'GANGLION-EXITED' 5
T kill-server; sleep 0.3

out=$(printf '6 * 7\n' | "$GANGLION" -o "$TMP/pipe.lua" 2>&1 | tr -d '\r')
case $out in
    *42*) ok "no TTY: input from a pipe is evaluated" ;;
    *) bad "no TTY: input from a pipe is evaluated (got: $(echo "$out" | head -3))" ;;
esac
case $out in
    *"$(printf '\033')["*) bad "no TTY: no escape sequences in the output" ;;
    *) ok "no TTY: no escape sequences in the output" ;;
esac
finish
