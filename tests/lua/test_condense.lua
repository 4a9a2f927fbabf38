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
                                          eval = 150, heldout = 1000, plot = false, verbose = false })
T.ok(net.n == 16, "condense leaves the parent untouched")
T.ok(small.n < 16, ("condense reduced n: 16 -> %d"):format(small.n))
T.ok(log[log.best].op == "merge_ls" and log[log.best].select >= 0.85,
     ("the returned net (first operator, merge_ls) was accepted on the selection batch (%.3f)"):format(log[log.best].select))
local s1 = small:score(task, 300)
T.ok(s1 >= 0.75, ("the returned net scores %.3f on fresh trials"):format(s1))
T.ok(log[1].op == "parent" and log[1].n == 16, "log: the parent row first")
-- Every operator ran on its own chain from the parent, with the same rules.
local seen, ok_chain, ok_rows = {}, true, true
for _, op in ipairs { "merge_ls", "merge_mean", "delete", "delete_comp" } do
  local last = 16
  for _, r in ipairs(log) do
    if r.op == op then
      seen[op] = (seen[op] or 0) + 1
      if r.accepted then
        ok_chain = ok_chain and r.n == last - 1
        last = r.n
        ok_rows = ok_rows and r.select >= 0.85 and r.score >= 0 and r.score <= 1 and r.cca > 0 and r.cca <= 1 + 1e-9
                  and r.npcs >= 1 and r.pr >= 1
      else
        ok_rows = ok_rows and r.select < 0.85 and r.score == nil
      end
    end
  end
  ok_chain = ok_chain and log.nets[op].n == last and log.final[op].n == last
end
T.ok(seen.merge_ls and seen.merge_mean and seen.delete and seen.delete_comp, "log: rows of all four operators")
T.ok(ok_chain, "each operator shrinks its own chain one unit per accepted step; log.nets holds its last net")
T.ok(ok_rows, "accepted rows: selection score >= threshold, held-out score, cca, npcs, pr; rejected rows: below threshold, no held-out score")
-- The held-out score of the returned net is its score on the held-out trials, not the selection batch:
-- recompute it on a fresh 1000-trial batch and compare within binomial noise.
local fresh = small:score(task, 1000)
T.ok(math.abs(fresh - log[log.best].score) < 0.08,
     ("held-out score %.3f agrees with a fresh 1000-trial score %.3f"):format(log[log.best].score, fresh))
local f = os.tmpname()
condense_csv(log, f)
local fh = io.open(f); local header = fh:read("l"); fh:close(); os.remove(f)
T.ok(header:find("^op,n,score,select,loss"), "condense_csv writes a header")

-- Operator chains run in worker processes, each from its own seed: the log and the nets
-- are the same with one chain at a time or all side by side, and an operator's chain does
-- not depend on which other operators ran (with the generator shared in turn it did).
do
  local function run(jobs, ops)
    seed(21)
    local _, lg = condense(net, task, { retrain = 3, method = "adam", threshold = 0.5, max_steps = 3, eval = 60,
                                        heldout = 300, plot = false, verbose = false, jobs = jobs, ops = ops })
    local rows = {}
    for _, r in ipairs(lg) do
      if r.op ~= "parent" then
        rows[#rows + 1] = ("%s %d %.17g %.17g %s %s"):format(r.op, r.n, r.select, r.score or -1, tostring(r.accepted),
                                                           table.concat(r.merged, "-"))
      end
    end
    local nets = {}
    for op, nt in pairs(lg.nets) do nets[op] = ("%.17g"):format(nt.W:sum() + nt.Wout:sum() + nt.b:sum()) end
    return rows, nets, lg
  end
  local r1, n1 = run(1)
  local r4, n4, lg4 = run(4)
  T.ok(#r1 >= 8 and table.concat(r1, "\n") == table.concat(r4, "\n"),
       ("jobs=1 and jobs=4: the same %d log rows, bit for bit"):format(#r1))
  local same = true
  for op, v in pairs(n1) do same = same and n4[op] == v end
  T.ok(same and lg4.nets.delete.n < 16, "jobs=1 and jobs=4: the same final net of every operator")
  local rd = run(2, { "delete" })
  local want = {}
  for _, line in ipairs(r1) do if line:find("^delete ") then want[#want + 1] = line end end
  T.ok(#want >= 1 and table.concat(rd, "\n") == table.concat(want, "\n"),
       "delete alone gives the same rows as delete after three other operators")
  T.raises(function() condense(net, task, { jobs = 0 }) end, "jobs must be a positive integer", "condense: jobs = 0 refused")
end

-- delete_comp folds the deleted unit's mean rate times its outgoing weights into the biases:
-- with a unit held at a constant rate, deleting it that way leaves the outputs unchanged.
do
  seed(5)
  local c = rnn { n = 6, inputs = 2, outputs = 1 }
  c.W = c.W:copy()
  local W = c.W
  for i = 1, 6 do W:set(6, i, 0) end          -- unit 6 receives nothing but its bias
  local Win = c.Win; for k = 1, 2 do Win:set(6, k, 0) end; c.Win = Win
  c.W = W
  local b = c.b; b:set(6, 1, 0.8); c.b = b   -- x6 relaxes to 0.8, r6 = tanh(0.8)
  local x0 = c.x0; x0:set(6, 1, 0.8); c.x0 = x0
  local bt = task:sample(4)
  local before = c:run(bt)
  local R = {}
  for k, tr in ipairs(before) do R[k] = tr.r end
  R = matrix.vcat(R)
  local d = c:copy()
  local rbar = R:col(6):mean()
  T.near(rbar, math.tanh(0.8), 1e-9, "constant unit: its mean rate is tanh(0.8)")
  d.b = d.b + d.W:col(6) * rbar; d.bout = d.bout + d.Wout:col(6) * rbar; d:delete(6)
  local after = d:run(bt)
  local diff = 0
  for k = 1, 4 do diff = math.max(diff, ((after[k].y - before[k].y):abs():max())) end
  T.ok(diff < 1e-9, ("compensated deletion of a constant unit leaves y unchanged (max diff %.2g)"):format(diff))
  local e = c:copy(); e:delete(6)
  local plain = 0
  for k, tr in ipairs(e:run(bt)) do plain = math.max(plain, ((tr.y - before[k].y):abs():max())) end
  T.ok(plain > 1e-3, ("plain deletion of it changes y (max diff %.2g)"):format(plain))
end
T.raises(function() condense(probe, tasks.decision {}, { ops = { "merge_ls", "prune" } }) end, "unknown operator prune",
         "condense: unknown operator")

-- sweep: two sizes, one seed, two slices whose union is the whole.
local a = sweep { task = task, sizes = { 4, 8 }, seeds = 1, iters = 10, method = "hf", part = "1/2",
                  fixedpoints = 8, plot = false, verbose = false }
local b = sweep { task = task, sizes = { 4, 8 }, seeds = 1, iters = 10, method = "hf", part = "2/2",
                  fixedpoints = 8, plot = false, verbose = false }
T.ok(#a == 1 and #b == 1 and a[1].n == 4 and b[1].n == 8, "sweep: slices 1/2 and 2/2 split the runs")
T.ok(type(a[1].label) == "string" and a[1].ramp >= 0 and a[1].ramp <= 1 and a[1].nstable >= 0, "sweep: label, ramp, nstable")

-- A net that diverges (relu, g = 1e100: its run overflows) is recorded as a
-- failed row; the sweep goes on to the next size.
local quiet = sweep { task = task, sizes = { 4, 6 }, seeds = 1, iters = 0, fixedpoints = 0, plot = false,
                      verbose = false, rnn = { activation = "relu", g = 1e100 } }
T.ok(#quiet == 2 and quiet[1].label == "failed" and quiet[2].label == "failed" and quiet[1].score ~= quiet[1].score
     and tostring(quiet[1].error):find("diverged"), "sweep: a diverged net gives a failed row, the sweep goes on ("
     .. tostring(quiet[1] and quiet[1].error) .. ")")

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
