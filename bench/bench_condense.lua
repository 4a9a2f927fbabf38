-- bench_condense.lua — where condensation's time goes.  Two figures:
--  1. merge-step overhead: a 64-unit flipflop net (adam, 300 iterations), then condense with
--     ops={"merge_ls"}, retrain=20, method="adam", threshold=-1 (every merge accepted) for
--     `merges` merges, at condense's default batches (selection 200 trials, held-out 1000 in
--     chunks of 250, both run after every accepted step).  Overhead = (condense wall time −
--     wall time inside net:train) / wall time inside net:train; every other call is timed
--     apart.
--  2. (with "tour") the README tour's condense line, from the tour's own net (hf, 50
--     iterations), wall time to the end.
-- Wall-clock time (clock(), monotonic).  net:train and net:run split a batch's trials over
-- 2 threads on a 2-CPU machine (their default); BLAS on one thread.  No reference
-- implementation: the figures are ours only.
-- Run: ganglion -b bench/bench_condense.lua [merges=6] [tour|protocol]
local merges = tonumber(arg and arg[1]) or 6
local tour = arg and arg[2] == "tour"
local protocol = arg and arg[2] == "protocol"
local M = getmetatable(rnn { n = 2 }).methods

-- condense runs each operator's chain in a worker process (ganglion.parallel), where the
-- timers below run: each worker starts its own tallies and sends them home at its end.
local tally = {}   -- tables that workers fill: name -> table of sums
local real_parallel = ganglion.parallel
ganglion.parallel = function(k, jobs, fn, receive)
  return real_parallel(k, jobs, function(i, send)
    for _, t in pairs(tally) do for key, v in pairs(t) do t[key] = type(v) == "number" and 0 or nil end end
    fn(i, send)
    send { bench_tally = tally }
  end, function(i, m)
    if type(m) ~= "table" or not m.bench_tally then return receive(i, m) end
    for name, t in pairs(m.bench_tally) do
      for key, v in pairs(t) do
        if type(v) == "number" then tally[name][key] = (tally[name][key] or 0) + v
        else
          local d = tally[name][key] or { seconds = 0, calls = 0 }
          d.seconds, d.calls = d.seconds + v.seconds, d.calls + v.calls
          tally[name][key] = d
        end
      end
    end
  end)
end

if not protocol then
seed(1)
local t = tasks.flipflop {}
local net = rnn { n = 64, inputs = t.inputs, outputs = t.outputs }
net:train(t, { method = "adam", iters = 300, score_every = 0 })

local acc, calls, saved = {}, {}, {}
tally.acc, tally.calls = acc, calls
local function wrap(tab, name, key)
  local f = tab[name]
  saved[#saved + 1] = { tab, name, f }
  tab[name] = function(...)
    local c = clock()
    local a, b, cc = f(...)
    acc[key] = (acc[key] or 0) + clock() - c
    calls[key] = (calls[key] or 0) + 1
    return a, b, cc
  end
end
for _, k in ipairs { "train", "run", "merge", "copy", "delete" } do wrap(M, k, "net:" .. k) end
for _, k in ipairs { "cca", "npcs", "participation", "similarity", "rank_pairs" } do wrap(_G, k, k) end
wrap(t, "score", "task:score")
local c0 = clock()
local _, log = condense(net, t, { criterion = "corr", ops = { "merge_ls" }, retrain = 20, method = "adam",
                                  max_steps = merges, threshold = -1, plot = false, verbose = false })
local total = clock() - c0
local tr = acc["net:train"] or 0
-- the same steps with the held-out batch cut to one trial: what the held-out scoring costs
local acc1 = acc
acc = {}
tally.acc = acc
local c1 = clock()
condense(net, t, { criterion = "corr", ops = { "merge_ls" }, retrain = 20, method = "adam", heldout = 1,
                   max_steps = merges, threshold = -1, plot = false, verbose = false })
local total1, tr1 = clock() - c1, acc["net:train"] or 0
acc = acc1
tally.acc = acc
for _, s in ipairs(saved) do s[1][s[2]] = s[3] end
print(("merge-step overhead, n=64 flipflop, merge_ls, retrain=20 adam, %d merges, selection 200 + held-out 1000 trials:"):format(#log - 1))
print(("  condense %.3f s, inside net:train %.3f s -> overhead %.1f%% of retraining (target <= 5%%)"):format(
      total, tr, 100 * (total - tr) / tr))
print(("  without held-out scoring (heldout=1, same steps): condense %.3f s, inside net:train %.3f s -> overhead %.1f%%"):format(
      total1, tr1, 100 * (total1 - tr1) / tr1))
local keys = {}
for k in pairs(acc) do if k ~= "net:train" then keys[#keys + 1] = k end end
table.sort(keys, function(a, b) return acc[a] > acc[b] end)
local rest = total - tr
local line = {}
for _, k in ipairs(keys) do
  line[#line + 1] = ("%s %.0f ms/%d"):format(k, 1000 * acc[k], calls[k])
  rest = rest - acc[k]
end
print("  outside training (total ms/calls): " .. table.concat(line, ", ") .. (", other Lua %.0f ms"):format(1000 * rest))
end

if tour then
  seed(1)
  local tnet = rnn { n = 64, inputs = 3, outputs = 3 }
  tnet:train(tasks.flipflop {}, { method = "hf", iters = 50 })
  local c1 = clock()
  local small = condense(tnet, tasks.flipflop {}, { criterion = "corr", retrain = 20, method = "adam", min_n = 8,
                                                    plot = false, verbose = false })
  print(("README tour condense line (all four operators, min_n=8): %.1f s wall, first operator's net n=%d (target <= 60 s)"):format(
        clock() - c1, small.n))
end

-- 3. (with "protocol") the research protocol's first steps: a 64-unit decision net trained
--    with hf (200 iterations), then condense(criterion="pca", retrain=100, threshold=0.9,
--    hf retraining) on the merge_ls chain for `merges` accepted steps, with where the
--    retraining time goes (summed net:train profiles).
if protocol then
  seed(1)
  local task = tasks.decision {}
  local pnet
  local parent = os.getenv("PARENT")   -- a saved parent (net:save) instead of training one
  if parent and parent ~= "" then
    pnet = rnn.load(parent)
    print(("protocol: parent loaded from %s, score %.3f"):format(parent, pnet:score(task, 400)))
  else
    pnet = rnn { n = 64, inputs = task.inputs, outputs = task.outputs }
    local c2 = clock()
    pnet:train(task, { method = "hf", iters = 200, score_every = 0 })
    print(("protocol: parent trained (hf, 200 iterations) in %.1f s, score %.3f"):format(clock() - c2, pnet:score(task, 400)))
    if os.getenv("SAVE_PARENT") then pnet:save(os.getenv("SAVE_PARENT")) end   -- for PARENT= next time
  end
  local prof, misc = { sample = 0 }, { ntrain = 0, tin = 0 }
  tally.prof, tally.misc = prof, misc
  local f = M.train
  M.train = function(...)
    local c = clock()
    local h = f(...)
    misc.tin = misc.tin + clock() - c
    misc.ntrain = misc.ntrain + 1
    for k, v in pairs(h.profile or {}) do
      if type(v) == "number" then prof[k] = (prof[k] or 0) + v
      else prof[k] = prof[k] or { seconds = 0, calls = 0 }; prof[k].seconds = prof[k].seconds + v.seconds; prof[k].calls = prof[k].calls + v.calls end
    end
    return h
  end
  -- FULL=1: the issue's call as written (all four operators side by side, each down to
  -- where no candidate passes), else the merge_ls chain for `merges` accepted steps
  local full = os.getenv("FULL") == "1"
  local c3 = clock()
  local small, plog = condense(pnet, task, { criterion = "pca", ops = not full and { "merge_ls" } or nil, retrain = 100,
                                            method = "hf", threshold = 0.9, max_steps = not full and merges or nil,
                                            plot = false, verbose = false })
  local tot = clock() - c3
  M.train = f
  local tin, ntrain = misc.tin, misc.ntrain
  local acc = 0
  for k = 2, #plog do if plog[k].accepted then acc = acc + 1 end end
  print(("protocol: %d accepted of %d tried steps to n=%d in %.1f s wall (%.1f s per accepted step); %.1f s inside %d net:train calls"):format(
        acc, #plog - 1, small.n, tot, tot / math.max(acc, 1), tin, ntrain))
  local reached = {}
  for k = 2, #plog do
    local r = plog[k]
    if r.accepted and r.n <= 8 and not reached[r.op] then
      reached[r.op] = true
      print(("protocol: %s reached n=%d at %.1f s"):format(r.op, r.n, r.time))
    end
  end
  if full then
    for op, nt in pairs(plog.nets) do print(("protocol: %s ends at n=%d"):format(op, nt.n)) end
    print(("protocol: the call returned after %.1f s (target: n <= 8 within 600 s)"):format(tot))
  end
  local parts = { ("sample %.1f s"):format(prof.sample) }
  local core = prof.sample
  for _, k in ipairs { "gv", "loss", "grad", "sqgrad", "curvature" } do
    if prof[k] then
      parts[#parts + 1] = ("%s %.1f s/%d calls"):format(k, prof[k].seconds, prof[k].calls)
      core = core + prof[k].seconds
    end
  end
  parts[#parts + 1] = ("rest of training (monitoring, optimiser, Lua) %.1f s"):format(tin - core)
  if not full then parts[#parts + 1] = ("outside training (evaluation, analysis) %.1f s"):format(tot - tin) end
  print("  " .. table.concat(parts, ", "))
end
