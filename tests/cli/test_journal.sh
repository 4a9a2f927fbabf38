#!/bin/sh
# test_journal.sh — the record can be trusted: every session gets a journal
# of its own, replays never write to the file they read, one writer per
# journal, Ctrl-C / errors / kill -9 replay exactly, chunk text round-trips,
# session commands are not re-run by a replay, and a full disk never tears
# a record.  Drives the real binary over pipes (the prompt's own loop).
G=${GANGLION:-./ganglion}
case $G in /*) ;; *) G=$(pwd)/$G ;; esac
D=$(mktemp -d)
MNT=""
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
cd "$D" || exit 1
export GANGLION_HISTORY="$D/history"

# ---- each session its own journal, never truncated -------------------------
echo 'first = 1' | $G > /dev/null 2>&1
echo 'second = 2' | $G > /dev/null 2>&1
grep -q '^first = 1$' ganglion-session.lua && grep -q '^second = 2$' ganglion-session-2.lua
ok $? "two sessions in one folder: ganglion-session.lua and ganglion-session-2.lua, both kept"
grep -q second ganglion-session.lua; [ $? = 1 ] ; ok $? "the first journal is not touched by the second session"

# ---- replaying a file never writes to it; the new journal holds it ------------
cp ganglion-session.lua yesterday.lua
cp yesterday.lua yesterday.before
echo 'print("today", first + 1)' | $G -o today.lua yesterday.lua > out 2>&1
cmp -s yesterday.lua yesterday.before ; ok $? "replaying yesterday.lua leaves its bytes unchanged"
grep -q '^today	2$' out ; ok $? "today's chunk sees yesterday's state"
out=$($G -b today.lua 2>&1)
[ "$out" = "$(printf 'today\t2')" ] ; ok $? "today's journal alone replays to today's full state (got: $out)"
$G -o yesterday.lua yesterday.lua < /dev/null > out 2>&1; st=$?
[ $st = 1 ] && grep -q "already exists" out && cmp -s yesterday.lua yesterday.before
ok $? "-o FILE FILE is refused and FILE kept (status $st)"

# ---- one writer per journal ---------------------------------------------------
mkfifo in1
( echo 'held = true'; sleep 30 ) > in1 &
writer=$!
$G -o held.lua < in1 > /dev/null 2>&1 &
holder=$!
n=0; while [ ! -s held.lua ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
echo 'x = 1' | $G -o held.lua > out 2>&1; st=$?
[ $st = 1 ] && grep -q "in use by another ganglion (pid $holder)" out
ok $? "a second instance on the same journal is refused, naming the holder's pid ($(head -c 100 out))"
kill $writer 2>/dev/null; kill $holder 2>/dev/null; wait $holder 2>/dev/null; holder=""

# ---- an error chunk with side effects replays as code --------------------------
cat > in.lua <<'L'
seed(5)
x = 10; r1 = matrix.randn(1, 1):get(1, 1); error("boom")
print(x, string.format("%.17g", r1), string.format("%.17g", matrix.randn(1, 1):get(1, 1)))
L
$G -o err.lua < in.lua > live 2>&1
$G -b err.lua > replay 2> replay.err; st=$?
[ $st = 0 ] ; ok $? "a journal with an error chunk replays (status $st): the error is expected"
tail -1 live > live.last
cmp -s live.last replay ; ok $? "the error chunk's effects and the generator's position replay ($(cat replay))"
grep -q 'boom' replay.err ; ok $? "the expected error is shown again"
grep -q -- '^-- \[3\] error: chunk 3:1: boom' err.lua ; ok $? "the journal records the chunk's error"

# ---- marker-like lines inside a chunk round-trip -------------------------------
printf 's = [[\n-- [2]\n-- [9] 4 bytes\n-- [1] ok\nend]]\nprint(#s, select(2, s:gsub("\\n", "")))\n' | $G -o mark.lua > live 2>&1
$G -b mark.lua > replay 2>&1; st=$?
[ $st = 0 ] && cmp -s live replay ; ok $? "a chunk holding '-- [' lines replays as one chunk ($(cat replay))"

# ---- kill -9: the unfinished chunk is skipped, not run again ---------------------
mkfifo in2
( printf 'seed(3)\nk = matrix.randn(1, 1):get(1, 1)\nwhile true do end\n'; sleep 30 ) > in2 &
writer=$!
$G -o killed.lua < in2 > /dev/null 2>&1 &
pid=$!
n=0; while ! grep -q 'while true' killed.lua 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
kill -9 $pid; wait $pid 2>/dev/null; kill $writer 2>/dev/null
printf 'print(string.format("%%.17g", k))\n' | timeout 20 $G -o after.lua killed.lua > out 2>&1; st=$?
[ $st = 0 ] && grep -q 'never finished' out ; ok $? "replay after kill -9 skips the endless chunk, with a word (status $st)"
grep -q 'while true' after.lua; [ $? = 1 ] ; ok $? "the skipped chunk is not carried into the new journal"

# ---- Ctrl-C mid-training replays to the same parameters and generator state -------
mkfifo in3
( printf 'seed(7)\nnet = rnn{n=24, inputs=3, outputs=3}\nt = tasks.flipflop{T=40}\n'
  printf 'do\n  h = net:train(t, {method="adam", lr=0.003, iters=100000, batch=16}); same_line = true\n  after = true\nend\n'
  sleep 4
  printf 'print(h.interrupted, h.iters > 0, after, same_line)\n'
  printf 'net:save(os.getenv("NETOUT")); print(string.format("%%.17g", matrix.randn(1, 1):get(1, 1)))\n'
) > in3 &
writer=$!
NETOUT=$D/live.net $G -o intr.lua < in3 > live 2>&1 &
pid=$!
n=0; while ! grep -q 'iters=100000' intr.lua 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
sleep 2
kill -INT $pid
wait $pid; wait $writer 2>/dev/null
grep -q '^true	true	true	true$' live ; ok $? "Ctrl-C stops training; the history is returned and the chunk goes on ($(grep -m1 '^true' live))"
grep -q -- '^-- \[5\] ok; interrupted at poll [0-9]*+\{0,1\}$' intr.lua
ok $? "the journal records the poll where Ctrl-C landed (P+: in Lua code after poll P) ($(grep -- '^-- \[5\]' intr.lua | tail -1))"
NETOUT=$D/replay.net $G -b intr.lua > replay 2>&1; st=$?
[ $st = 0 ] ; ok $? "the interrupted session replays without error (status $st)"
[ "$(tail -1 live)" = "$(tail -1 replay)" ] ; ok $? "the next random draw after the replay is the same ($(tail -1 replay))"
$G -e "a = rnn.load('$D/live.net'); b = rnn.load('$D/replay.net')
  local d = 0
  for _, f in ipairs{'W', 'Win', 'b', 'Wout', 'bout', 'x0'} do
    local x, y = a[f], b[f]
    for i = 1, x:rows() do for j = 1, x:cols() do d = math.max(d, math.abs(x:get(i, j) - y:get(i, j))) end end
  end
  print(d)" > diff.out 2>&1
d=$(cat diff.out)
$G -e "assert(tonumber('$d') <= 1e-12)" > /dev/null 2>&1 ; ok $? "replayed parameters equal the live ones to 1e-12 (max diff $d)"

# ---- at the prompt, an interrupted condense returns the best net and the log -------
cat > cond.lua <<'L'
require "condense"
f = io.open("/proc/self/stat"); pid = f:read("n"); f:close()
seed(3); task = tasks.decision{fix=5, stim=20, resp=10, grace=3, cohs={0.256, 0.512}}
net = rnn{n=12, inputs=task.inputs, outputs=task.outputs}; net:train(task, {method="hf", iters=30})
t = setmetatable({calls = 0}, {__index = task})
io.open("once", "w"):close()   -- condense's workers each count calls: the first to take "once" sends the one Ctrl-C
function t:sample(B) self.calls = self.calls + 1; if self.calls == 30 and os.getenv("LIVE") and os.rename("once", "once.taken") then io.popen("kill -INT " .. math.tointeger(pid)):close() end; return task:sample(B) end
function t:score(b, tr) return task:score(b, tr) end
do
  small, log = condense(net, t, {retrain=5, method="adam", threshold=0, min_n=4, eval=50, plot=false})
  h = net:copy():train(task, {method="adam", iters=20})
  print("result", log.interrupted, small.n < 12, #log >= 2, small.n == log[log.best].n, h.interrupted, h.iters)
end
print(string.format("draw %.17g", matrix.randn(1, 1):get(1, 1)))
L
LIVE=1 $G -o cond-j.lua < cond.lua > live 2>&1
grep -q '^result	true	true	true	true	true	0$' live
ok $? "Ctrl-C in condense at the prompt: best net and log returned, later training returns at once ($(grep '^result' live))"
$G -b cond-j.lua > replay 2>&1; st=$?
[ $st = 0 ] && [ "$(grep '^draw' live)" = "$(grep '^draw' replay)" ] && [ "$(grep '^result' live)" = "$(grep '^result' replay)" ]
ok $? "the interrupted condense replays to the same result and generator state (status $st)"

# ---- session commands are recorded, not re-run by a replay -------------------------
printf 'v = 1\nsave("saved.lua")\nnotebook("nb.md")\n' | $G -o cmds.lua > /dev/null 2>&1
echo 'precious' > saved.lua; echo 'precious' > nb.md
$G -b cmds.lua > out 2>&1
[ "$(cat saved.lua)" = precious ] && [ "$(cat nb.md)" = precious ] ; ok $? "a replay does not overwrite save()/notebook() files"
grep -q 'not repeated' out ; ok $? "the replay says so"

# ---- save(journal()) and unsafe targets -------------------------------------------
ln -s target.lua link.lua; echo 'target' > target.lua
printf 'save(journal())\nsave("link.lua")\nlater = 1\n' | $G -o self.lua > out 2>&1
grep -q "journal of a running ganglion" out ; ok $? "save(journal()) is refused"
grep -q '^later = 1$' self.lua ; ok $? "the journal keeps receiving chunks after that"
grep -q "symbolic link" out && [ "$(cat target.lua)" = target ] && [ -L link.lua ] ; ok $? "a symlink at a save target is refused, target untouched"
if mknod dev.lua c 1 3 2>/dev/null; then
    echo 'm = matrix(2, 2); m:save("dev.lua")' | $G -o dev-j.lua > out 2>&1
    grep -q "not a regular file" out && [ -c dev.lua ] ; ok $? "a device node at a save target is refused"
else
    echo "skip - device node at a save target: mknod needs root"
fi

# ---- a full disk never tears a record ----------------------------------------------
MNT=$D/small
mkdir "$MNT"
# ---- a journal from another version replays, with a warning -------------------
printf -- '-- ganglion session 2\n-- ganglion 0.0.1, started x, seed 1, pid 2\n-- [1] 10 bytes\nprint(6*7)\n-- [1] ok\n' > old.lua
$G -b old.lua > vout 2> verr; st=$?
[ $st = 0 ] && [ "$(cat vout)" = 42 ] && grep -q "written by ganglion 0.0.1, this is $($G --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')" verr
ok $? "a journal of another version replays (status $st) and the warning names both versions ($(cat verr))"
$G -b today.lua > /dev/null 2> verr2
[ ! -s verr2 ] ; ok $? "a journal of this version replays without a version warning ($(cat verr2))"

if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
    mkfifo in4
    ( printf 'a = 1\n'; sleep 1
      printf 'print("filled")\n'; sleep 1
      printf 'b = "%s"\n' "$(head -c 10000 /dev/zero | tr '\0' 'x')"; sleep 1
      printf 'c = 3\n'; sleep 1
      printf 'print("freed")\n'; sleep 2
      printf 'd = 4; print(a, #b, c, d)\n' ) > in4 &
    writer=$!
    $G -o "$MNT/full.lua" < in4 > out 2>&1 &
    pid=$!
    while ! grep -q '^filled$' out 2>/dev/null; do sleep 0.1; done
    dd if=/dev/zero of="$MNT/filler" bs=1k count=200 2>/dev/null
    while ! grep -q '^freed$' out 2>/dev/null; do sleep 0.1; done
    cp "$MNT/full.lua" during.lua
    rm -f "$MNT/filler"
    wait $pid; wait $writer
    grep -q 'kept in memory' out ; ok $? "a full disk is reported at once ($(grep -m1 'kept in memory' out | head -c 90))"
    $G -b during.lua > r1 2>&1; st=$?
    [ $st = 0 ] && ! grep -q 'b = "' during.lua ; ok $? "while full, the journal holds only whole chunks and replays (status $st)"
    grep -q 'now on disk' out ; ok $? "the user is told when the kept chunks reach the disk"
    $G -b "$MNT/full.lua" > r2 2>&1; st=$?
    [ $st = 0 ] && [ "$(tail -1 r2)" = "$(printf '1\t10000\t3\t4')" ] ; ok $? "with room again every chunk is in the journal, in order ($(tail -1 r2))"
    # Still full when the session ends: the whole journal is saved elsewhere.
    rm -f "$MNT"/*
    mkfifo "$D/in5"
    ( printf 'x = 1\n'; sleep 1; printf 'print("fill")\n'; sleep 1
      printf 'y = "%s"\n' "$(head -c 10000 /dev/zero | tr '\0' 'y')" ) > "$D/in5" &
    writer=$!
    TMPDIR=$D $G -o "$MNT/end.lua" < "$D/in5" > out5 2> err5 &
    pid=$!
    while ! grep -q '^fill$' out5 2>/dev/null; do sleep 0.1; done
    dd if=/dev/zero of="$MNT/filler" bs=1k count=200 2>/dev/null
    wait $pid; wait $writer
    rescue="$D/ganglion-rescue-$pid.lua"
    grep -q "saved to $rescue" err5 ; ok $? "a journal still refused at exit is saved whole elsewhere ($(head -c 160 err5))"
    printf 'print(x, #y)\n' | $G -o "$D/after-rescue.lua" "$rescue" > out6 2>&1
    [ "$(tail -1 out6)" = "$(printf '1\t10000')" ] ; ok $? "the rescued journal replays every chunk ($(tail -1 out6))"
    umount "$MNT"; MNT=""
else
    echo "skip - full disk on a small tmpfs: needs root and mount"
fi
exit 0
