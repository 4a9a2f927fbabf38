#!/bin/sh
# check_funcs.sh — fails when a C function in the given files (default: the
# bindings, src/lua/*/*.c) is longer than MAX lines (default 80), counted
# from the first line of its signature to its closing brace.  The code puts
# a function's opening and closing braces in column 0, which is what this
# reads; a function written otherwise would be missed, so it also fails on
# a line in column 0 that ends a signature with ") {".
max=${MAX:-80}
[ $# -gt 0 ] || set -- src/lua/*/*.c
awk -v max="$max" '
FNR == 1 { sig = 0; inbody = 0 }
# The first line of a signature: an identifier in column 0 that is not a
# declaration ending in ";" (a signature may span several lines).
!inbody && /^[A-Za-z_]/ && !/;[[:space:]]*$/ && !/^(typedef|struct|enum|union|#)/ { if (!sig) { sig = FNR; name = $0 } }
!inbody && sig && name !~ /\(/ { name = $0 }
!inbody && /^[A-Za-z_].*\)[[:space:]]*\{[[:space:]]*$/ { printf "%s:%d: opening brace of a function not in column 0\n", FILENAME, FNR; bad = 1 }
!inbody && /;[[:space:]]*$/ { sig = 0 }
!inbody && /^$/ { sig = 0 }
/^\{/ && !inbody { inbody = 1; start = sig ? sig : FNR; next }
/^\}/ && inbody {
    inbody = 0; len = FNR - start + 1
    if (len > max) {
        sub(/\(.*/, "", name); n = split(name, w, /[ *]+/)
        printf "%s:%d: %s is %d lines (more than %d)\n", FILENAME, start, w[n], len, max
        bad = 1
    }
    sig = 0
}
END { exit bad }
' "$@"
