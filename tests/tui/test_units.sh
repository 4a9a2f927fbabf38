#!/bin/sh
# test_units.sh — builds and runs tests/tui/units.c against the TUI's pure
# parts (scrollback ring, pane geometry); no terminal needed.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cflags=$(pkg-config --cflags ncursesw 2>/dev/null)
if ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc $cflags -o "$dir/units" \
        tests/tui/units.c src/tui/scrollback.c src/tui/layout.c 2> "$dir/err"; then
    echo "not ok - tests/tui/units.c builds"
    sed 's/^/#   /' "$dir/err"
    exit 1
fi
"$dir/units"
