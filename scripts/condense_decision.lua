-- condense_decision.lua — the condensation study end to end: train a 64-unit rate RNN on the
-- decision task, condense it by merge-and-retrain, and compare parent and child (log, canonical
-- response types, leading PCs, fixed points).
--   ganglion -b scripts/condense_decision.lua [--n 64] [--iters 300] [--method hf] [--retrain 60]
--            [--threshold 0.9] [--min_n 4] [--criterion pca] [--merge ls] [--seed 1] [--save DIR]
require "condense"

local opt = { n = "64", iters = "300", method = "hf", retrain = "60", threshold = "0.9", min_n = "4",
              criterion = "pca", merge = "ls", seed = "1", save = "", compare = "true" }
local args = arg or {}
for k = 1, #args, 2 do
  local key = args[k]:match("^%-%-([%w_]+)$")
  if not key or opt[key] == nil or args[k + 1] == nil then
    error("condense_decision.lua: bad argument " .. tostring(args[k]))
  end
  opt[key] = args[k + 1]
end
local function int(s) return math.tointeger(tonumber(s)) end

seed(int(opt.seed))
local task = tasks.decision {}
local net = rnn { n = int(opt.n), inputs = task.inputs, outputs = task.outputs }
print(("== training a %d-unit net on decision (%s, %s iterations)"):format(net.n, opt.method, opt.iters))
local t0 = os.time()
net:train(task, { method = opt.method, iters = int(opt.iters) })
print(("   trained in %d s; score %.3f"):format(os.time() - t0, net:score(task, 400)))

-- Fixed evaluation trials shared by every comparison below.
local ev = task:sample(100)
local function stacked(_, traces)
  local rs = {}
  for b, tr in ipairs(traces) do rs[b] = tr.r end
  return matrix.vcat(rs)
end
local function fpsummary(name, m, traces)
  local X = {}
  for b, tr in ipairs(traces) do X[b] = { x = tr.x } end
  local fps = fixedpoints(m, { trace = X, starts = 64 })
  local ns = 0
  for _, p in ipairs(fps) do if p.stable then ns = ns + 1 end end
  print(("   %s: %d fixed points, %d stable"):format(name, #fps, ns))
  for k = 1, math.min(#fps, 6) do
    local p = fps[k]
    print(("     #%d  q %.2e  leading Re(eig) %+.4f  %s  hits %d"):format(k, p.q, p.eig:get(1, 1),
          p.stable and "stable  " or "unstable", p.hits))
  end
  return fps
end

local ptr = net:run(ev)
local PR = stacked(net.n, ptr)
print(("== parent: n %d  score %.3f  npcs(90%%) %d  participation %.2f"):format(net.n, task:score(ev, ptr),
      npcs(PR, 0.9), participation(PR)))
fpsummary("parent", net, ptr)

print("== condensing")
local small, log = condense(net, task, {
  criterion = opt.criterion, merge = opt.merge, retrain = int(opt.retrain), method = opt.method,
  threshold = tonumber(opt.threshold), min_n = int(opt.min_n), compare = opt.compare == "true",
})

print("\n  op           n   held-out  loss      npcs  PR     CCA    pair")
for _, r in ipairs(log) do
  if r.accepted then
    print(("  %-11s %3d   %.3f     %-9.3g %4d  %5.2f  %.3f  %s"):format(r.op, r.n, r.score,
          r.loss, r.npcs, r.pr, r.cca, r.merged and (r.merged[1] .. "+" .. r.merged[2]) or "parent"))
  end
end
local held = small:score(task, 1000)
print(("\n== result: %d -> %d units, score %.3f on 1000 fresh trials (target: <= 8 units at >= 0.90)"):format(
      net.n, small.n, held))

local ctr = small:run(ev)
local CR = stacked(small.n, ctr)
local c = cca(PR, CR)
print(("   mean canonical correlation with the parent %.3f; top 3: %.3f %.3f %.3f"):format(c.mean,
      c.rho:get(1, 1), c.count > 1 and c.rho:get(2, 1) or 0, c.count > 2 and c.rho:get(3, 1) or 0))
local pp, pc = pca(PR), pca(CR)
local k3 = math.min(3, small.n)
local function lead(p, k)
  return p.scores:sub(1, PR:rows(), 1, k):copy()
end
print(("   Procrustes disparity of the top-%d PC trajectories %.3f"):format(k3,
      procrustes(lead(pp, k3), lead(pc, k3)).disparity))

-- Canonical response types of the parent, and of the child's units.
local types = kinds(ptr, math.min(small.n, 8))
print("== parent's units in canonical response types: " .. table.concat(types.counts, " "))
if type(plot) == "function" then
  local T = ptr[1].r:rows()
  local C = types.centroids:sub(1, T):copy()
  plot(C, { title = "parent: canonical response types (trial 1, z-scored)" })
  plot(lead(pp, 3), { title = "parent: leading PCs (all trials)" })
  plot(lead(pc, k3), { title = "child: leading PCs (all trials)" })
end
fpsummary("child", small, ctr)

if opt.save ~= "" then
  net:save(opt.save .. "/decision_parent.rnn")
  small:save(opt.save .. "/decision_child.rnn")
  condense_csv(log, opt.save .. "/decision_condense.csv")
  print("saved to " .. opt.save)
end
