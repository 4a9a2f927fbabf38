#!/bin/sh
# test_interrupt_arrays.sh — SIGINT during one long array operation (a matrix
# product of many seconds, a transpose and an element-wise map of a large
# matrix, a reduction, sort or covariance, one LAPACK call) stops it between
# tiles (or kills the LAPACK call's child process): "interrupted" on stderr,
# exit 1, well before the operation could have finished.  (Poll placement and partial
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
# One LAPACK call: the eigenvalues of a general 3000x3000 matrix (minutes
# of dgeev) run in a child process, which Ctrl-C kills.
printf 'local a = matrix.randn(3000, 3000)\nprint("start")\nfor _ = 1, 10 do local e = a:eig() end\nprint("not reached")\n' > "$D/eig.lua"
interrupt "$D/eig.lua"; check "eig of a 3000x3000 matrix (one LAPACK call)"

# The SVD inside pca() (a 2000-wide eigenproblem in GSL): in a child too.
printf 'local X = matrix.rand(5000, 2000)\nprint("start")\nfor _ = 1, 10 do local p = pca(X) end\nprint("not reached")\n' > "$D/pca.lua"
interrupt "$D/pca.lua"; check "pca of 5000x2000 data"

# npcs: the covariance's eigenvalues (GSL, unblocked), in a child as well.
printf 'local X = matrix.rand(6000, 2500)\nprint("start")\nfor _ = 1, 10 do local k = npcs(X, 0.9) end\nprint("not reached")\n' > "$D/npcs.lua"
interrupt "$D/npcs.lua"; check "npcs of 6000x2500 data"

# Reductions and sorts over 1e8 elements poll every 2^20 elements.
printf 'local a = matrix(10000, 10000, 1.1)\nprint("start")\nlocal s = a:std()\ns = a:sort(2)\ns = a:cumsum(1)\ns = a:std()\nprint("not reached")\n' > "$D/red.lua"
interrupt "$D/red.lua"; check "std, sort and cumsum of 1e8 elements"

# (a constant fill: quick to make even on a loaded machine; three products of
# 8e10 multiply-adds each, so that the work outlasts the half second before
# the signal on any machine)
printf 'local a = matrix(20000, 2000, 1.5)\nprint("start")\nlocal c = a:cov()\nc = a:cov()\nc = a:cov()\nprint("not reached")\n' > "$D/cov.lua"
interrupt "$D/cov.lua"; check "cov of 20000x2000 data"

# CCA, Procrustes and a linear network's eigenmodes: their SVDs and GSL
# eigen-decompositions are single library calls (seconds to minutes at
# these sizes), so a large one runs whole in a child process that Ctrl-C
# kills.
printf 'local A, B = matrix.rand(8000, 1200), matrix.rand(8000, 1200)\nprint("start")\nfor _ = 1, 10 do local r = cca(A, B) end\nprint("not reached")\n' > "$D/cca.lua"
interrupt "$D/cca.lua"; check "cca of 8000x1200 against 8000x1200"

printf 'local A, B = matrix.rand(4000, 1500), matrix.rand(4000, 1500)\nprint("start")\nfor _ = 1, 10 do local r = procrustes(A, B) end\nprint("not reached")\n' > "$D/procrustes.lua"
interrupt "$D/procrustes.lua"; check "procrustes of two 4000x1500 traces"

printf 'local lin = linear{M = matrix.randn(1500, 1500) * 0.02}\nprint("start")\nfor _ = 1, 10 do local m = lin:eig() end\nprint("not reached")\n' > "$D/linear.lua"
interrupt "$D/linear.lua"; check "linear:eig of a 1500-unit network"
# The rest of the linear network's single library calls: the fixed point's
# LU solve, the exact propagator a network's first run computes (a 2n x 2n
# matrix exponential), and the eigenvalues an overflowing run computes to
# explain itself (the run's error is caught; an interrupt is raised again).
# Each runs in a child process above the size where it takes a fraction of
# a second.
printf 'local lin = linear{M = matrix.randn(5000, 5000) * 0.005}\nprint("start")\nfor _ = 1, 20 do local v = lin:fixed(1) end\nprint("not reached")\n' > "$D/fixed.lua"
interrupt "$D/fixed.lua"; check "linear:fixed of a 5000-unit network"

printf 'local M, h = matrix.randn(800, 800) * 0.02, matrix(3, 800, 0.1)\nprint("start")\nfor _ = 1, 20 do local v = linear{M = M}:run(h) end\nprint("not reached")\n' > "$D/prop.lua"
interrupt "$D/prop.lua"; check "the exact propagator of an 800-unit linear network"

printf 'local lin = linear{M = matrix.randn(1500, 1500) * 3, method = "euler"}\nlocal h = matrix(300, 1500, 1)\nprint("start")\nfor _ = 1, 20 do local ok, e = pcall(lin.run, lin, h); if tostring(e):find("interrupted") then error(e, 0) end end\nprint("not reached")\n' > "$D/overflow.lua"
interrupt "$D/overflow.lua"; check "the eigenvalues behind linear:run's overflow message"
exit 0
