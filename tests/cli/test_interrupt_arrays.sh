#!/bin/sh
# test_interrupt_arrays.sh — SIGINT during one long array operation (a matrix
# product of many seconds, a transpose and an element-wise map of a large
# matrix) stops it between tiles: "interrupted" on stderr, exit 1, well
# before the operation could have finished.  (Poll placement and partial
# results are checked exactly in tests/core/test_mat_tiled.c.)
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

. "$(dirname "$0")/interrupt_lib.sh"

# 6000^3 multiply-adds: 4.3e11 flops, 3 s or more even on both cores at full
# AVX-512 speed; before the product was split into panels Ctrl-C waited for
# the whole dgemm.
printf 'local a = matrix(6000, 6000, 1.5)\nlocal b = matrix(6000, 6000, 0.5)\nprint("start")\nlocal c = a * b\nc = a * b\nprint("not reached")\n' > "$D/mul.lua"
interrupt "$D/mul.lua"; check "a 6000x6000 matrix product"

# One map whose every element costs a pow() call (1e8 of them), and two
# transposes of the same 800 MB (cache and TLB misses): before tiling each
# took 12-17 s on the loaded test machine; now they stop between tiles.
printf 'local a = matrix(10000, 10000, 1.1)\nprint("start")\nlocal b = a:pow(2.5)\nprint("not reached")\n' > "$D/pow.lua"
interrupt "$D/pow.lua"; check "element-wise pow on 1e8 elements"

printf 'local a = matrix(10000, 10000, 1.1)\nprint("start")\nlocal b = a:t()\nb = a:t()\nprint("not reached")\n' > "$D/t.lua"
interrupt "$D/t.lua"; check "the transpose of a 10000x10000 matrix"
exit 0
