#!/bin/sh
# test_interrupt_rnn.sh — SIGINT during one long forward pass of a rate
# network (net:run of one long trial, net:run of a two-trial batch split over
# two threads, net:loss, net:score) stops it between chunks of steps:
# "interrupted" on stderr, exit 1, long before the pass could have finished
# (each takes tens of seconds uninterrupted).  That the number of polls does
# not depend on the threads is checked in tests/core/test_rnn.c.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

. "$(dirname "$0")/interrupt_lib.sh"

# n = 2000: each step streams the 32 MB weight matrix, milliseconds a step.
# Each case repeats its call, so that the work outlasts the half second
# before the signal however fast the machine (the interrupt lands in one of
# the calls).
cat > "$D/run.lua" <<'L'
local net = rnn{n = 2000, inputs = 1, outputs = 1, seed = 1}
local u = matrix(3000, 1, 0.1)
print("start")
for _ = 1, 20 do local tr = net:run(u); tr = nil; collectgarbage() end
print("not reached")
L
interrupt "$D/run.lua"; check "net:run of one trial of 3000 steps"

cat > "$D/batch.lua" <<'L'
local net = rnn{n = 2000, inputs = 1, outputs = 1, seed = 1}
local u = matrix(2500, 1, 0.1)
print("start")
for _ = 1, 20 do local tr = net:run{u = {u, u}}; tr = nil; collectgarbage() end
print("not reached")
L
interrupt "$D/batch.lua"; check "net:run of a batch on two threads"

cat > "$D/loss.lua" <<'L'
local net = rnn{n = 2000, inputs = 1, outputs = 1, seed = 1}
local u, y = matrix(2500, 1, 0.1), matrix(2500, 1, 0.5)
local m = matrix(2500, 1, 1)
print("start")
for _ = 1, 20 do local l = net:loss{u = {u, u}, target = {y, y}, mask = {m, m}} end
print("not reached")
L
interrupt "$D/loss.lua"; check "net:loss"

cat > "$D/score.lua" <<'L'
local net = rnn{n = 2000, inputs = 3, outputs = 3, seed = 1}
local task = tasks.flipflop{T = 2500}
print("start")
for _ = 1, 20 do local s = net:score(task, 2) end
print("not reached")
L
interrupt "$D/score.lua"; check "net:score"

# fixedpoints on a 1200-unit net: each point's Jacobian eigenvalues (GSL's
# nonsymmetric QR, seconds a point) run in a child process that Ctrl-C
# kills.  One minimiser step per start and every minimum accepted, so the
# signal lands among the eigenvalue computations.
cat > "$D/fp.lua" <<'L'
local net = rnn{n = 1200, inputs = 1, outputs = 1, seed = 1}
print("start")
for _ = 1, 5 do local fp = fixedpoints(net, {starts = 8, maxiter = 1, qtol = 1e300, tol = 1e-12}) end
print("not reached")
L
interrupt "$D/fp.lua"; check "fixedpoints of a 1200-unit net"

# One long training iteration: the first batch is short, the second (drawn
# for iteration 2, when "start" is printed) has 1500 steps of a 2000-unit
# net, whose forward pass alone takes seconds and the backward pass twice
# that; before, Ctrl-C waited for the whole iteration.
cat > "$D/train.lua" <<'L'
local net = rnn{n = 2000, inputs = 1, outputs = 1, seed = 1}
local calls = 0
local task = {inputs = 1, outputs = 1, T = 1500}
function task:sample(B)
  calls = calls + 1
  local T = calls == 1 and 10 or 1500
  if calls == 2 then print("start"); io.stdout:flush() end
  local u, y, m = {}, {}, {}
  for k = 1, B do u[k], y[k], m[k] = matrix(T, 1, 0.1), matrix(T, 1, 0.5), matrix(T, 1, 1) end
  return {u = u, target = y, mask = m}
end
function task:score(b, tr) return 0 end
for _ = 1, 3 do net:train(task, {method = "adam", iters = 3, batch = 2, monitor = 0, score_every = 0}) end
print("not reached")
L
interrupt "$D/train.lua"; check "a long training iteration (adam)"
exit 0
