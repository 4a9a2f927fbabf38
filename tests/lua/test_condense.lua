-- test_condense.lua — condense on a small task reduces n while the score stays above threshold;
-- sweep tabulates and slices.  Needs the rnn and training bindings.
local T = dofile("tests/lua/harness.lua")
require "condense"
require "sweep"

-- Error paths first (cheap).
local probe = rnn { n = 2, inputs = 1, outputs = 1 }
T.raises(function() condense(42, tasks.decision {}) end, "must be an rnn", "condense: bad net")
T.raises(function() condense(probe, {}) end, "must be a task", "condense: bad task")
T.raises(function() condense(probe, tasks.decision {}, { criterion = "cosine" }) end, "criterion must", "condense: bad criterion")
T.raises(function() condense(probe, tasks.decision {}, { retrian = 3 }) end, "unknown option", "condense: typo caught")
T.raises(function() sweep { task = tasks.decision {}, sizes = { 4 }, part = "3/2" } end, "part must", "sweep: bad part")

-- A short decision task; a 16-unit net trained to well above threshold.
seed(3)
local task = tasks.decision { fix = 5, stim = 30, resp = 15, grace = 3, cohs = { 0.128, 0.256, 0.512 } }
local net = rnn { n = 16, inputs = task.inputs, outputs = task.outputs }
net:train(task, { method = "hf", iters = 60 })
local s0 = net:score(task, 300)
T.ok(s0 >= 0.9, ("parent trained: score %.3f >= 0.9"):format(s0))

local small, log = condense(net, task, { retrain = 20, method = "hf", threshold = 0.85, min_n = 8,
                                          eval = 150, plot = false, verbose = false })
T.ok(net.n == 16, "condense leaves the parent untouched")
T.ok(small.n < 16, ("condense reduced n: 16 -> %d"):format(small.n))
T.ok(log[log.best].score >= 0.85, ("the returned net scored %.3f >= threshold on the evaluation batch"):format(log[log.best].score))
local s1 = small:score(task, 300)
T.ok(s1 >= 0.8, ("the returned net scores %.3f on fresh trials"):format(s1))
T.ok(#log >= 2 and log[1].n == 16 and log[2].n == 15 and log[2].merged and log[2].delete_score,
     "log: parent row, then one row per merge with the delete-only comparison")
T.ok(log[2].cca > 0 and log[2].cca <= 1 and log[1].npcs >= 1 and log[1].pr >= 1, "log: cca, npcs, pr recorded")
local f = os.tmpname()
condense_csv(log, f)
local fh = io.open(f); local header = fh:read("l"); fh:close(); os.remove(f)
T.ok(header:find("^n,score,loss"), "condense_csv writes a header")

-- sweep: two sizes, one seed, two slices whose union is the whole.
local a = sweep { task = task, sizes = { 4, 8 }, seeds = 1, iters = 10, method = "hf", part = "1/2",
                  fixedpoints = 8, plot = false, verbose = false }
local b = sweep { task = task, sizes = { 4, 8 }, seeds = 1, iters = 10, method = "hf", part = "2/2",
                  fixedpoints = 8, plot = false, verbose = false }
T.ok(#a == 1 and #b == 1 and a[1].n == 4 and b[1].n == 8, "sweep: slices 1/2 and 2/2 split the runs")
T.ok(type(a[1].label) == "string" and a[1].ramp >= 0 and a[1].ramp <= 1 and a[1].nstable >= 0, "sweep: label, ramp, nstable")

-- Sussillo & Barak's check: a net trained on the 3-bit flip-flop holds its 8 memories as 8 stable
-- fixed points, whose readouts take the 8 sign patterns (±1, ±1, ±1).
seed(7)
local ff = tasks.flipflop {}
local fnet = rnn { n = 32, inputs = 3, outputs = 3 }
fnet:train(ff, { method = "hf", iters = 150 })
local X = {}
for b, tr in ipairs(fnet:run(ff:sample(20))) do X[b] = { x = tr.x } end
local fps = fixedpoints(fnet, { trace = X, starts = 256 })
local patterns, nst = {}, 0
for _, p in ipairs(fps) do
  if p.stable then
    nst = nst + 1
    local key = ""
    for o = 1, 3 do
      local y = fnet.bout:get(o, 1)
      for i = 1, fnet.n do y = y + fnet.Wout:get(o, i) * math.tanh(p.x:get(i, 1)) end
      key = key .. (y > 0.3 and "+" or y < -0.3 and "-" or "0")
    end
    patterns[key] = true
  end
end
local np = 0
for k in pairs(patterns) do if not k:find("0") then np = np + 1 end end
T.ok(nst == 8 and np == 8, ("flip-flop: %d stable fixed points, %d distinct readout sign patterns (want 8, 8)"):format(nst, np))
T.done()
