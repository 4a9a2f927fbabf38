-- condense_tasks.lua — how far can each built-in task's 64-unit net be condensed?
-- Trains a net per task to criterion with adam, condenses it (merge + retrain) down
-- to min_n while the score stays above the threshold, and reports the smallest net
-- kept with its score on fresh trials.
--   ganglion -b scripts/condense_tasks.lua [task ...]      (default: every task)
local names = {}
for k = 1, #(arg or {}) do names[#names + 1] = arg[k] end
if #names == 0 then names = { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" } end

print(("%-9s %5s %7s %7s %6s %8s %8s %6s"):format("task", "n0", "score0", "iters", "n", "score", "fresh", "min"))
for _, name in ipairs(names) do
  seed(1)
  local task = tasks[name] {}
  local net = rnn { n = 64, inputs = task.inputs, outputs = task.outputs }
  -- Train in rounds until 400 fresh trials score >= 0.95: the in-training
  -- score check is optimistic.
  local iters, s0 = 0, 0
  repeat
    local h = net:train(task, { method = "adam", lr = 0.002, iters = 250 })
    iters = iters + #h.loss
    s0 = net:score(task, 400)
  until s0 >= 0.95 or iters >= 3000
  local small, log = condense(net, task, { criterion = "pca", retrain = 40, method = "adam",
                                           threshold = 0.9, min_n = 2, plot = false,
                                           verbose = false, compare = false,
                                           train = { lr = 0.002 } })
  local fresh = small:score(task, 1000)
  print(("%-9s %5d %7.3f %7d %6d %8.3f %8.3f %6d"):format(name, 64, s0, iters, small.n,
        log.best and log[log.best].score or s0, fresh, 2))
end
