#!/bin/sh
# test_cli.sh — the command line: modes, exit codes, arguments, the journal
# surviving kill -9, and replay of a journal printing the same bytes.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

$G --version | grep -q '^ganglion [0-9]' ; ok $? "--version"
$G --help | grep -q -- '-b FILE' ; ok $? "--help lists -b"
$G --bogus >/dev/null 2>&1; [ $? = 2 ] ; ok $? "unknown option exits 2"

out=$($G -e 'print(6*7)'); [ "$out" = 42 ] ; ok $? "-e runs one chunk"
$G -e 'error("nope")' >/dev/null 2>"$D/err"; st=$?
[ $st = 1 ] ; ok $? "-e error exits 1"
grep -q 'nope' "$D/err" ; ok $? "-e error goes to stderr"

cat > "$D/args.lua" <<'L'
#!/usr/bin/env ganglion
print(arg[0], #arg, arg[1], arg[2])
L
out=$($G -b "$D/args.lua" alpha "beta gamma")
[ "$out" = "$(printf '%s\t2\talpha\tbeta gamma' "$D/args.lua")" ] ; ok $? "-b passes ARGS in arg (got: $out)"

# Printed figures: width= sets the width in batch mode, else $COLUMNS.
w=$(COLUMNS=100 $G -e 'plot({1, 3, 2, 5}, {width = 40, height = 6, ascii = true})' | LC_ALL=C.UTF-8 wc -L)
[ "$w" = 40 ] ; ok $? "batch plot honours width=40 (widest line: $w)"
w=$(COLUMNS=100 $G -e 'plot({1, 3, 2, 5}, {height = 6, ascii = true})' | LC_ALL=C.UTF-8 wc -L)
[ "$w" -gt 90 ] && [ "$w" -le 100 ] ; ok $? "batch plot without width= takes \$COLUMNS=100 (widest line: $w)"
n=$($G -e 'plot({1, 3, 2, 5}, {height = 6, ascii = true})' | LC_ALL=C grep -c '[^ -~]')
[ "$n" = 0 ] ; ok $? "batch plot honours ascii=true (non-ASCII lines: $n)"
n=$($G -e 'plot({1, 3, 2, 5}, {height = 6})' | LC_ALL=C grep -c '[^ -~]')
[ "$n" -gt 0 ] ; ok $? "batch plot draws braille by default in a UTF-8 locale"
w=$(COLUMNS=100 $G -e 'plot({1, 3}, {width = 30, height = 5, ascii = true}); plot({2, 9}, {hold = true, ascii = true})' | tail -5 | LC_ALL=C.UTF-8 wc -L)
[ "$w" = 30 ] ; ok $? "plot with hold keeps the figure's width (widest line: $w)"

printf 'local x = 1\nprint(x + 1)\nerror("line three")\n' > "$D/err.lua"
$G -b "$D/err.lua" > "$D/out" 2> "$D/err"; st=$?
[ $st = 1 ] ; ok $? "-b script error exits 1"
grep -q "err.lua:3: line three" "$D/err" ; ok $? "error names file and line"
[ "$(cat "$D/out")" = 2 ] ; ok $? "locals live across lines of a -b script"
$G -b "$D/missing.lua" 2>"$D/err"; [ $? = 1 ] && grep -q "cannot open" "$D/err" ; ok $? "missing script: clear error, exit 1"

# Piped input goes through the REPL: expression echo, _, ; and multi-line chunks.
printf 'x = 20\nx + 1\n_ * 2\nx;\nfor i = 1, 2 do\n  print("i", i)\nend\n' | GANGLION_SEED=5 $G -o "$D/j.lua" > "$D/out" 2>&1
[ "$(cat "$D/out")" = "$(printf '21\n42\ni\t1\ni\t2')" ] ; ok $? "REPL conventions over a pipe (got: $(tr '\n' '|' < "$D/out"))"
grep -q '^seed(5)$' "$D/j.lua" ; ok $? "journal starts by fixing the seed"

# kill -9 mid-session: every chunk typed so far is already in the journal.
fifo="$D/in"; mkfifo "$fifo"
( printf 'a = 1\nb = matrix.randn(3, 3)\nprint(b:get(1,1))\n'; sleep 2; printf 'while true do end\n'; sleep 30 ) > "$fifo" &
writer=$!
$G -o "$D/k.lua" < "$fifo" > "$D/kout" 2>&1 &
pid=$!
sleep 3
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
kill $writer 2>/dev/null
grep -q 'b = matrix.randn(3, 3)' "$D/k.lua" && grep -q 'while true do end' "$D/k.lua" ; ok $? "journal has every chunk after kill -9"
# Replaying the killed journal as it is gives the same numbers: the endless
# loop never finished, so it is skipped (with a word), not run again.
timeout 20 $G -b "$D/k.lua" > "$D/rout" 2> "$D/rerr"; st=$?
[ $st = 0 ] ; ok $? "replay after kill -9 ends (status $st): the unfinished chunk is skipped"
[ "$(head -1 "$D/kout")" = "$(head -1 "$D/rout")" ] ; ok $? "replay after kill -9 reproduces the random numbers ($(head -1 "$D/kout") vs $(head -1 "$D/rout"))"
grep -q "chunk 5 never finished" "$D/rerr" ; ok $? "the skipped chunk is named ($(head -c 120 "$D/rerr"))"
timeout 3 $G --rerun-unfinished -b "$D/k.lua" > /dev/null 2>&1; st=$?
[ $st = 124 ] ; ok $? "--rerun-unfinished runs it again (the loop is endless: status $st)"

# A saved session replays byte for byte, twice.
printf 'seed(11)\nm = matrix.randn(4, 4)\nm\nprint(m:sum())\nnot_defined()\nprint("after error")\nsave("%s")\n' "$D/saved.lua" | $G -o "$D/j2.lua" > "$D/live" 2>&1
$G -b "$D/saved.lua" > "$D/r1" 2> "$D/e1"; st=$?
$G -b "$D/saved.lua" > "$D/r2" 2>&1
[ $st = 0 ] ; ok $? "saved session replays; its error chunk errs again, as expected (status $st)"
grep -q "attempt to call a nil value (global 'not_defined')" "$D/e1" ; ok $? "the expected error is shown again"
$G -b "$D/saved.lua" > "$D/r3" 2>&1; cmp -s "$D/r2" "$D/r3" ; ok $? "two replays print identical bytes"
grep -v 'not_defined\|stack traceback\|in main chunk\|\[C\]\|in function' "$D/live" > "$D/live2"
cmp -s "$D/live2" "$D/r1" ; ok $? "replay prints what the live session printed"
grep -q '^not_defined()$' "$D/saved.lua" && grep -q -- '^-- \[[0-9]*\] error: ' "$D/saved.lua" ; ok $? "failed chunk saved as code, with its error recorded"
exit 0
