#!/bin/sh
# check_docs.sh — fails when the sources, tests, benchmarks or docs refer to a
# file that is not in the checkout.  A reference is a path from the checkout
# root (src/..., lua/..., tests/..., bench/..., scripts/..., docs/..., man/...)
# ending in a known extension, or a capitalised Markdown name such as README.md.
# Paths with wildcards or braces are patterns, not references, and are skipped.
cd "$(dirname "$0")/.." || exit 1
files=$(git ls-files --cached --others --exclude-standard 2>/dev/null | grep -E '\.(c|h|lua|sh|py|md|1)$|^Makefile$|^\.ci/')
[ -n "$files" ] || files=$(find src lua tests bench scripts docs man README.md Makefile -type f 2>/dev/null)
bad=0
refs=$(grep -noE '(^|[^A-Za-z0-9_./*{-])((src|lua|tests|bench|scripts|docs|man)/[A-Za-z0-9_./-]+\.(c|h|lua|sh|py|md|1|supp|expected)|[A-Z][A-Z0-9_-]*\.md)([^A-Za-z0-9_*{}]|$)' $files 2>/dev/null)
IFS='
'
for r in $refs; do
    where=${r%%:*}; rest=${r#*:}; line=${rest%%:*}; m=${rest#*:}
    path=$(printf '%s\n' "$m" | grep -oE '((src|lua|tests|bench|scripts|docs|man)/[A-Za-z0-9_./-]+\.(c|h|lua|sh|py|md|1|supp|expected)|[A-Z][A-Z0-9_-]*\.md)' | head -1)
    [ -e "$path" ] && continue
    # a capitalised .md name may live next to the file that cites it
    [ -e "$(dirname "$where")/$path" ] && continue
    # #include "lua/shell/repl.h" is relative to src/ (-Isrc)
    [ -e "src/$path" ] && continue
    echo "$where:$line: refers to $path, which is not in the repository"
    bad=1
done
[ $bad = 0 ] && echo "  docs ok (every referenced file exists)"
exit $bad
