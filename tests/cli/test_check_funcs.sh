#!/bin/sh
# test_check_funcs.sh — scripts/check_funcs.sh passes on the bindings as
# they are and fails on a function one line too long, however its
# signature is written.
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT

sh scripts/check_funcs.sh > "$d/out" 2>&1; ok $? "every function in src/lua is at most 80 lines"

# fn FILE N S: a function of N lines in all, its signature on S lines (1 or 2)
fn() {
    if [ "$3" = 2 ]; then printf 'static int\nlong_one(int a)\n{\n' > "$1"; b=$(($2 - 5))
    else printf 'static int long_one(int a)\n{\n' > "$1"; b=$(($2 - 4)); fi
    i=0; while [ $i -lt $b ]; do echo "    a += $i;" >> "$1"; i=$((i + 1)); done
    printf '    return a;\n}\n' >> "$1"
}
fn "$d/a.c" 80 1; sh scripts/check_funcs.sh "$d/a.c" > "$d/out" 2>&1
ok $? "a function of exactly 80 lines passes"
fn "$d/b.c" 81 1; sh scripts/check_funcs.sh "$d/b.c" > "$d/out" 2>&1
[ $? != 0 ] && grep -q 'long_one is 81 lines' "$d/out"; ok $? "a function of 81 lines fails, named with its length"
fn "$d/c.c" 81 2; sh scripts/check_funcs.sh "$d/c.c" > "$d/out" 2>&1
[ $? != 0 ] && grep -q 'c.c:1: long_one is 81 lines' "$d/out"; ok $? "a two-line signature counts from its first line"
printf 'static int f(int a) {\n    return a;\n}\n' > "$d/d.c"; sh scripts/check_funcs.sh "$d/d.c" > "$d/out" 2>&1
[ $? != 0 ]; ok $? "an opening brace the check cannot read is refused, not skipped"
# a file of short functions, with a prototype and a struct in between
fn "$d/f.c" 78 1; { printf 'static int g(int a);\nstruct s {\n    int x;\n};\n'; cat "$d/f.c"; } > "$d/e.c"
sh scripts/check_funcs.sh "$d/e.c" > "$d/out" 2>&1; ok $? "prototypes and structs are not functions"
