#!/bin/sh
# test_install.sh — `make install PREFIX=...` gives a binary that finds its
# Lua library and man page outside the source tree.
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
make --no-print-directory install PREFIX="$D/prefix" > "$D/log" 2>&1 ; ok $? "make install PREFIX=tmp"
[ -x "$D/prefix/bin/ganglion" ] ; ok $? "binary installed"
[ -f "$D/prefix/share/man/man1/ganglion.1" ] ; ok $? "man page installed"
[ -f "$D/prefix/share/ganglion/lua/prelude.lua" ] ; ok $? "Lua library installed"
cd "$D" || exit 1
out=$(env -u GANGLION_LUA "$D/prefix/bin/ganglion" -e 'print(type(tasks), ganglion.luadir)')
case "$out" in
    "table	$D/prefix/bin/../share/ganglion/lua") ok 0 "installed binary loads its own library" ;;
    *) ok 1 "installed binary loads its own library (got: $out)" ;;
esac
exit 0
