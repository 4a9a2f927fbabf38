#!/bin/sh
# test_interrupt.sh — Ctrl-C stops a running chunk and gives the prompt back;
# the UI keeps drawing while a chunk runs; a flood of output does not block it.
. "$(dirname "$0")/lib.sh"
start

typeln 'while true do end'
expect 'running' "the status line shows a running chunk" 5
sleep 0.5
T send-keys C-c
if wait_for 'interrupted' 5 && wait_for '^> *$' 5; then ok "Ctrl-C on 'while true do end' gives the prompt back"
else bad "Ctrl-C on 'while true do end' gives the prompt back"; fi
typeln '40 + 2'
expect '^42$' "the REPL answers after the interrupt"

# a second time, inside a function called from a loop
typeln 'local function f(x) return x + 1 end local y = 0 while true do y = f(y) end'
sleep 1
T send-keys C-c
if wait_for 'interrupted' 5; then ok "Ctrl-C stops a loop of function calls"; else bad "Ctrl-C stops a loop of function calls"; fi
typeln '"still" .. " here"'
expect '^"?still here"?$' "and the REPL answers again"

# the elapsed time advances while the chunk runs (the UI redraws)
typeln 'local t = os.clock() while os.clock() - t < 3 do end'
wait_for 'running [0-9.]+s' 5
a=$(screen | tail -1 | grep -o 'running [0-9.]*s')
wait_until 'b=$(screen | tail -1 | grep -o "running [0-9.]*s"); [ -n "$b" ] && [ "$b" != "$a" ]' 5
if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then ok "the status line updates during a chunk ($a, $b)"
else bad "the status line updates during a chunk ('$a', '$b')"; fi
wait_for 'last [0-9.]*s' 5

# output flood: 200,000 lines must not block the UI
typeln 'for i = 1, 200000 do print("flood " .. i) end'
if wait_for '^flood 200000$' 60 && wait_for '^> *$' 10; then ok "a chunk printing 200,000 lines finishes"
else bad "a chunk printing 200,000 lines finishes"; fi
typeln 'for i = 1, 1e9 do print(i) end'
sleep 1
T send-keys C-c
if wait_for 'interrupted' 10; then ok "Ctrl-C stops a chunk that prints without end"; else bad "Ctrl-C stops a chunk that prints without end"; fi
typeln '7 * 6'
expect '^42$' "the REPL answers after the flood"

# io.write goes through stdout; it must land in the pane, not on the screen's corner
typeln 'io.write("via io.write\n") io.stderr:write("via stderr\n")'
if wait_for '^via io.write$' 5 && wait_for '^via stderr$' 5; then ok "io.write and stderr output appear in the REPL pane"
else bad "io.write and stderr output appear in the REPL pane"; fi

# typeahead while a chunk runs is kept for the next prompt
typeln 'local t = os.clock() while os.clock() - t < 1 do end'
T send-keys -l '1 + 100'
T send-keys Enter
expect '^101$' "keys typed during a chunk run afterwards" 8
finish
