-- test_interrupt.lua — Ctrl-C keeps the work done: an interrupted condense
-- returns the best net and the log so far (log.interrupted) and the chunk
-- goes on, later training in it returning at once; Ctrl-C in a pure Lua
-- loop stops the chunk.
local T = dofile("tests/lua/harness.lua")
require "condense"

local f = io.open("/proc/self/stat")
local pid = f and f:read("n")
if f then f:close() end
if not pid then
  T.skip("Ctrl-C simulation needs /proc/self/stat")
  T.done(); return
end
-- io.popen, not os.execute: system() ignores SIGINT while the child runs.
local function ctrl_c() io.popen("kill -INT " .. math.tointeger(pid)):close() end

-- A task that presses Ctrl-C on its n-th sample call.
local function pressing(task, n)
  local t = setmetatable({ calls = 0 }, { __index = task })
  function t:sample(B)
    self.calls = self.calls + 1
    if self.calls == n then ctrl_c() end
    return task:sample(B)
  end
  function t:score(b, tr) return task:score(b, tr) end
  return t
end

seed(3)
local task = tasks.decision { fix = 5, stim = 20, resp = 10, grace = 3, cohs = { 0.256, 0.512 } }
local net = rnn { n = 12, inputs = task.inputs, outputs = task.outputs }
net:train(task, { method = "hf", iters = 40 })

-- Let two merges complete, then press Ctrl-C during a retraining.
local probe = pressing(task, 1e9)
local ok0 = pcall(condense, net, probe, { retrain = 5, method = "adam", threshold = 0, min_n = 11,
                                          eval = 50, plot = false, verbose = false })
local per_merge = probe.calls - 1
local t = pressing(task, 1 + 2 * per_merge + 2)
local small, log = condense(net, t, { retrain = 5, method = "adam", threshold = 0, min_n = 4,
                                     eval = 50, plot = false, verbose = false })
T.ok(ok0 and per_merge > 0, "a probe run measures the sample calls per merge (" .. per_merge .. ")")
T.ok(small ~= nil and log ~= nil and log.interrupted == true,
     "the interrupted condense still returns the net and the log (log.interrupted)")
T.ok(log and #log >= 3 and small.n == log[log.best].n and small.n < 12,
     ("the log so far and the best net (n=%s, %d rows)"):format(small and small.n or "?", log and #log or 0))
local h = net:copy():train(task, { method = "adam", iters = 20, batch = 4 })
T.ok(h.interrupted and h.iters == 0, "training started later in the chunk returns at once")
local s2, log2 = condense(net, task, { retrain = 5, plot = false, verbose = false })
T.ok(s2.n == net.n and log2.interrupted, "so does a later condense, with the net unchanged")

-- A pure Lua loop stops at a poll (every 1000 VM instructions).
local n = 0
local ok, err = pcall(function()
  ctrl_c()
  while true do n = n + 1 end
end)
T.ok(not ok and tostring(err):find("interrupted", 1, true) and n > 0, "Ctrl-C stops an endless Lua loop")
T.done()
