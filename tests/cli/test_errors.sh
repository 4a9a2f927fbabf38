#!/bin/sh
# test_errors.sh — errors as one line at the user's line, no install paths,
# traceback() for the full story, and -e printing an expression's values.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2 ($3)"; fi; }

out=$($G -e '1+1'); [ "$out" = 2 ] ; ok $? "-e prints an expression's value" "$out"
out=$($G -e 'matrix.eye(2):rows(), "two"'); [ "$out" = "$(printf '2\t"two"')" ] ; ok $? "-e prints every value" "$out"
out=$($G -e 'x = 1'); [ -z "$out" ] ; ok $? "-e prints nothing for a statement" "$out"
out=$($G -e '1+1;'); [ -z "$out" ] ; ok $? "-e: a trailing ; silences the value" "$out"

# An error inside the Lua library: one line, at the script's line, no paths.
cat > "$D/s.lua" <<'L'
x = 1
condense_csv({}, 42)
L
$G -b "$D/s.lua" > /dev/null 2> "$D/err"; st=$?
[ $st = 1 ] ; ok $? "a script's error exits 1"
[ "$(wc -l < "$D/err")" = 1 ] ; ok $? "the error is one line" "$(cat "$D/err")"
grep -q "s.lua:2: " "$D/err" ; ok $? "at the script's own line" "$(cat "$D/err")"
grep -q "$(pwd)/lua\|/share/ganglion" "$D/err" && r=1 || r=0; ok $r "no install path in the message" "$(cat "$D/err")"

# traceback() after a caught error at the prompt (line mode reads stdin)
printf 'lif{n=2, taum=-5}\ntraceback()\n' | $G -o "$D/j.lua" > "$D/out" 2>&1
n=$(grep -c 'taum' "$D/out")
grep -q '^stack traceback:' "$D/out" ; ok $? "traceback() prints the traceback" "$(cat "$D/out")"
[ "$(grep -B1 '^stack traceback' "$D/out" | head -1 | grep -c taum)" = 1 ] && [ "$n" -ge 2 ] ; ok $? "the error line came first, then the traceback" "$(cat "$D/out")"
[ "$(grep -c 'stack traceback' "$D/out")" = 1 ] ; ok $? "only traceback() shows a traceback" "$(cat "$D/out")"
exit 0
