#!/bin/sh
# test_repl.sh — the REPL pane: expressions, multi-line chunks, Tab completion,
# Ctrl-C at the prompt, history, scrollback.
. "$(dirname "$0")/lib.sh"
start

typeln '1 + 2'
expect '^3$' "an expression echoes its value"

typeln 'for i = 1, 3 do'
expect '^>> *$' "an unfinished chunk gets the secondary prompt"
typeln 'print(i * 11)'
typeln 'end'
if wait_for '^33$' 5 && screen | grep -q '^22$' && screen | grep -q '^>> end$'; then
    ok "a multi-line chunk runs when complete"
else
    bad "a multi-line chunk runs when complete"
fi

# completion: a unique global, a table field, a method
T send-keys -l 'matr'; T send-keys Tab
expect_input '^> matrix$' "Tab completes a global (matr -> matrix)"
T send-keys C-c
T send-keys -l 'math.fl'; T send-keys Tab
expect_input '^> math\.floor$' "Tab completes a field after '.' (math.fl -> math.floor)"
T send-keys C-c
typeln 's = "abc"'
T send-keys -l 's:up'; T send-keys Tab
expect_input '^> s:upper$' "Tab completes a method after ':' (s:up -> s:upper)"
T send-keys C-c
T send-keys -l 'pop = lif{n = 3, vr'; T send-keys Tab
expect_input '^> pop = lif\{n = 3, vrest=$' "Tab completes an option name inside lif{...} with its = (vr -> vrest=, from lif's declaration)"
T send-keys -l ' -70, tau_nmda = math.fl'; T send-keys Tab
expect_input '^> pop = lif\{n = 3, vrest= -70, tau_nmda = math\.floor$' "at a value position names complete as before (math.fl -> math.floor)"
T send-keys C-c
T send-keys -l 'pop = lif{vr = -70}'; T send-keys Left Left Left Left Left Left Left; T send-keys Tab
expect_input '^> pop = lif\{vrest = -70\}$' "an option name followed by its = already gets no second ="
T send-keys C-c
T send-keys -l 'net = rnn{n = 8,'; T send-keys Enter
expect '^>> *$' "an options table left open continues the chunk"
T send-keys -l '  act'; T send-keys Tab
expect_input '^>>   activation=$' "on the chunk's next line Tab still completes the table's options (act -> activation=)"
T send-keys -l '"relu", inputs = 2, outputs = 1}'; T send-keys Enter
typeln 'net.n'
expect '^8$' "and the chunk built with them runs"
T send-keys -l 'string.'; T send-keys Tab Tab
if wait_for 'format' 3 && screen | grep -q 'rep'; then ok "double Tab lists the candidates"
else bad "double Tab lists the candidates"; fi
T send-keys C-c

# Ctrl-C clears the line and a pending chunk, never exits
T send-keys -l 'this is not lua'; T send-keys C-c
typeln '6 * 7'
expect '^42$' "Ctrl-C at the prompt clears the line"
typeln 'if true then'
wait_for '^>> *$' 3
T send-keys C-c
typeln '"after" .. "reset"'
expect '^"?afterreset"?$' "Ctrl-C at the secondary prompt drops the unfinished chunk"

# history: Up recalls, multi-line chunks are one entry
T send-keys Up
expect_input '^> "after" \.\. "reset"$' "Up recalls the previous line"
T send-keys Up
expect_input '^> 6 \* 7$' "Up again goes further back"
T send-keys Down
expect_input '^> "after" \.\. "reset"$' "Down comes forward again" 
T send-keys C-c
if grep -q 'for i = 1, 3 do\\nprint(i \* 11)\\nend' "$GANGLION_HISTORY" 2>/dev/null; then
    ok "a multi-line chunk is one history entry"
else
    bad "a multi-line chunk is one history entry"; cat "$GANGLION_HISTORY" >&2
fi
T send-keys C-r; T send-keys -l 'i * 1'
expect_input "reverse-i-search.*print\\(i \\* 11\\)" "Ctrl-R searches the history"
T send-keys C-g C-c

# scrollback
typeln 'for i = 1, 300 do print("line " .. i) end'
expect '^line 300$' "printed lines reach the REPL pane"
T send-keys PPage
expect 'more below \(PgDn\)' "PgUp scrolls back"
if screen | grep -q '^line 300$'; then bad "PgUp hides the newest lines"; else ok "PgUp hides the newest lines"; fi
T send-keys NPage NPage NPage NPage NPage NPage
if wait_gone 'more below' 3 && wait_for '^line 300$' 3; then ok "PgDn returns to the bottom"; else bad "PgDn returns to the bottom"; fi

# the journal got the chunks
if grep -q 'print(i \* 11)' "$TMP/session.lua" 2>/dev/null; then ok "chunks are journalled"; else bad "chunks are journalled"; fi
finish
