-- bench_train.lua — time to criterion (score >= 0.95 on 200 fresh trials) for hf and adam on
-- flipflop and decision (with "all": every built-in task), 64-unit tanh networks, fixed seeds.
-- Run: ganglion -b bench/bench_train.lua [n] [all]
local n = tonumber(arg and arg[1]) or 64
local all = arg and arg[2] == "all"
local names = all and { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" }
  or { "flipflop", "decision" }
-- adam's lr: 0.01 is fastest on flipflop and decision but diverges on context; 0.002 works on all.
local methods = {
  { method = "hf", opts = { iters = 300, batch = 128, cbatch = 64 } },
  { method = "adam", opts = { iters = 5000, batch = 32, lr = all and 0.002 or 0.01, score_every = 10 } },
}
print(("time to criterion: n=%d, score >= 0.95 on 200 fresh trials (tasks at their defaults)"):format(n))
print(("%-9s %-5s %6s %9s %9s %8s %s"):format("task", "method", "iters", "wall s", "s/iter", "held-out", "reached"))
for _, name in ipairs(names) do
  for _, r in ipairs(methods) do
    seed(1)
    local t = tasks[name] {}
    local net = rnn { n = n, inputs = t.inputs, outputs = t.outputs }
    local o = { method = r.method, target = 0.95, score_batch = 200 }
    for k, v in pairs(r.opts) do o[k] = v end
    local h = net:train(t, o)
    seed(77)
    local s = net:score(t, 400)
    print(("%-9s %-5s %6d %9.2f %9.4f %8.3f %s"):format(name, r.method, h.iters, h.seconds,
          h.seconds / h.iters, s, tostring(h.stopped == "target")))
  end
end
print("(adam lr = " .. (all and "0.002" or "0.01") .. ", batch 32; hf batch 128, curvature batch 64; " ..
      "held-out = net:score on 400 other trials)")
