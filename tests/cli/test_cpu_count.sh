#!/bin/sh
# test_cpu_count.sh — a session computes the same numbers on one CPU as on
# two: the rnn's batch slices are fixed by sizes, and on one CPU both run on
# one thread with the same sums and the same Ctrl-C polls, so a journal made
# under a one-CPU allocation replays exactly on a bigger machine.
G=${GANGLION:-./ganglion}
case $G in /*) ;; *) G=$(pwd)/$G ;; esac
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
cd "$D" || exit 1
export GANGLION_HISTORY="$D/history"
one=$(taskset -p 2>/dev/null; taskset -c 0 true 2>/dev/null && echo yes)
case $one in *yes) ;; *) echo "ok - # SKIP taskset cannot pin to CPU 0"; exit 0 ;; esac

# ---- the same numbers on one CPU as on all of them -----------------------------------
cat > same.lua <<'L'
seed(5)
local t = tasks.decision{}
local net = rnn{n=64, inputs=t.inputs, outputs=t.outputs, seed=3}
local h = net:train(t, {method="hf", iters=4, cbatch=16, score_every=0})
local h2 = net:train(t, {method="adam", iters=10, score_every=0})
local l, g = net:grad(t:sample(64))
local tr = net:run(t:sample(40))
print(("%.17g %.17g %.17g %.17g %.17g"):format(h.loss[#h.loss], h2.loss[#h2.loss], l, g.W:sum(), tr[7].y:sum()))
L
taskset -c 0 $G -b same.lua 2>/dev/null | grep -v '^train' > one.out
$G -b same.lua 2>/dev/null | grep -v '^train' > all.out
[ -s one.out ] && cmp -s one.out all.out
ok $? "hf, adam, grad and run give the same bits pinned to one CPU ($(cat one.out)) as on $(nproc) ($(cat all.out))"

# ---- a Ctrl-C recorded on one CPU replays to the same state on all of them ---------------
cat > stop.lua <<'L'
f = io.open("/proc/self/stat"); pid = f:read("n"); f:close()
seed(3); task = tasks.decision{}
net = rnn{n=128, inputs=task.inputs, outputs=task.outputs, seed=4}
t = setmetatable({calls = 0}, {__index = task})
function t:sample(B)
  self.calls = self.calls + 1
  if self.calls == 2 and os.getenv("LIVE") then killer = io.popen("sleep 4; kill -INT " .. math.tointeger(pid)) end
  return task:sample(B)
end
function t:score(b, tr) return task:score(b, tr) end
do h = net:train(t, {method="hf", iters=40, score_every=0}); print("result", h.interrupted, h.iters, ("%.17g"):format(net.W:sum())) end
if killer then killer:close() end
L
LIVE=1 taskset -c 0 $G -o stop-j.lua < stop.lua > live 2>&1
grep -q '^result	true	' live
ok $? "Ctrl-C stops hf training on one CPU ($(grep '^result' live))"
grep -q 'interrupted at poll' stop-j.lua
ok $? "the journal records the poll where the Ctrl-C landed ($(grep -o 'interrupted at poll [0-9]*' stop-j.lua))"
$G -b stop-j.lua > replay 2>&1; st=$?
[ $st = 0 ] && [ "$(grep '^result' live)" = "$(grep '^result' replay)" ]
ok $? "replayed on $(nproc) CPUs it stops at the same iteration with the same weights (status $st: $(grep '^result' replay))"
