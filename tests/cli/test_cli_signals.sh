#!/bin/sh
# test_cli_signals.sh — the batch-mode contract: a script that errors prints to
# stderr and exits 1; SIGINT during `ganglion -b` stops the running chunk (a Lua
# loop, a long C routine, training), prints "interrupted" on stderr, exits 1,
# and keeps what the script printed before.
G=${GANGLION:-./ganglion}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

# An error: message on stderr (with file and line), nothing extra on stdout, exit 1.
printf 'print("before")\nlocal m = matrix(2, 2)\nm:get(9, 1)\nprint("after")\n' > "$D/err.lua"
$G -b "$D/err.lua" > "$D/out" 2> "$D/err"; st=$?
[ $st = 1 ] ; ok $? "-b: a failing script exits 1 (got $st)"
grep -q "err.lua:3: get: row index 9 out of range" "$D/err" ; ok $? "-b: the error names file, line, function and argument ($(head -1 "$D/err"))"
[ "$(cat "$D/out")" = before ] ; ok $? "-b: output before the error is kept, nothing after it runs"

. "$(dirname "$0")/interrupt_lib.sh"

printf 'print("start")\nlocal i = 0\nwhile true do i = i + 1 end\nprint("not reached")\n' > "$D/lua.lua"
interrupt "$D/lua.lua"; check "a Lua loop"

# A long C routine (it polls the flag between steps), whose 1.6 GB result is
# only touched as it is written, so the run starts at once.
printf 'print("start")\nlocal r = ring{n=200}\nlocal a = r:run{steps=1000000}\nprint("not reached")\n' > "$D/c.lua"
interrupt "$D/c.lua"; check "ring:run (C)"

# Training: stops between iterations, keeps the best parameters, says so.
cat > "$D/train.lua" <<'L'
local net = rnn{n = 40, inputs = 3, outputs = 3, seed = 1}
local task = tasks.flipflop{}
print("start")
net:train(task, {method = "adam", iters = 1000000, batch = 8})
print("not reached")
L
interrupt "$D/train.lua"; check "net:train"
grep -q "train: stopped" "$D/out" ; ok $? "SIGINT during net:train: reports that it kept the best parameters"

# An ODE run whose one sample takes millions of solver steps (tight
# tolerances, one 2000 s sample, seconds of work): the flag is polled between
# ODE steps.
printf 'print("start")\nlocal c = cpg{rtol=1e-14, atol=1e-17}\nc:run{t=2000000, dt=2000000}\nprint("not reached")\n' > "$D/cpg.lua"
interrupt "$D/cpg.lua"; check "cpg:run with tight tolerances"

# -e with an endless loop behaves the same (signalled once it runs, since
# before the first chunk starts SIGINT still has its default action).
$G -e 'print("start") while true do end' > "$D/out" 2> "$D/err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q start "$D/out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -INT $pid; wait $pid; st=$?
[ $st = 1 ] && grep -q interrupted "$D/err" ; ok $? "SIGINT during -e: interrupted, exit 1 (got $st)"
exit 0
