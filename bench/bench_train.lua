-- bench_train.lua — time to criterion (score >= 0.95 on 200 fresh trials) for hf and adam on
-- flipflop and decision (with "all": every built-in task), 64-unit tanh networks, fixed seeds.
-- Both methods are scored at the same cadence (every iteration, 200 fresh trials), and the
-- scoring is taken out of the figure: "train s" is wall-clock time (monotonic clock) of
-- net:train minus the wall time it spent sampling and scoring (history.score_seconds).
-- Threads: net:train's trial-level threads are set to 2 for both methods (its default on a
-- machine with two CPUs); BLAS runs on one thread (OpenBLAS default in ganglion).
-- No reference implementation: this compares our two optimisers with each other.
-- Run: ganglion -b bench/bench_train.lua [n] [all]
local n = tonumber(arg and arg[1]) or 64
local all = arg and arg[2] == "all"
local names = all and { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" }
  or { "flipflop", "decision" }
local THREADS, EVERY = 2, 1
-- adam's lr: 0.01 is fastest on flipflop and decision but diverges on context; 0.002 works on all.
local methods = {
  { method = "hf", opts = { iters = 300, batch = 128, cbatch = 64 } },
  { method = "adam", opts = { iters = 5000, batch = 32, lr = all and 0.002 or 0.01 } },
}
print(("time to criterion: n=%d, score >= 0.95 on 200 fresh trials scored every %d iteration(s), " ..
       "threads=%d (tasks at their defaults)"):format(n, EVERY, THREADS))
print(("%-9s %-5s %6s %9s %9s %9s %8s %s"):format("task", "method", "iters", "train s", "s/iter",
      "scoring s", "held-out", "reached"))
for _, name in ipairs(names) do
  for _, r in ipairs(methods) do
    seed(1)
    local t = tasks[name] {}
    local net = rnn { n = n, inputs = t.inputs, outputs = t.outputs }
    local o = { method = r.method, target = 0.95, score_batch = 200, score_every = EVERY,
                threads = THREADS }
    for k, v in pairs(r.opts) do o[k] = v end
    local h = net:train(t, o)
    local train_s = h.seconds - h.score_seconds
    seed(77)
    local s = net:score(t, 400)
    print(("%-9s %-5s %6d %9.2f %9.4f %9.2f %8.3f %s"):format(name, r.method, h.iters, train_s,
          train_s / h.iters, h.score_seconds, s, tostring(h.stopped == "target")))
  end
end
print("(adam lr = " .. (all and "0.002" or "0.01") .. ", batch 32; hf batch 128, curvature batch 64; " ..
      "held-out = net:score on 400 other trials; train s excludes scoring, which is shown apart)")
