-- test_interrupt.lua — Ctrl-C in a batch script stops the script, whatever
-- is running: training and condense keep their best state and raise
-- "interrupted"; a plain Lua loop stops at its next instruction.  (At the
-- prompt, stopped work returns its result instead: tests/cli/test_journal.sh.)
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

seed(3)
local task = tasks.decision { fix = 5, stim = 20, resp = 10, grace = 3, cohs = { 0.256, 0.512 } }
local net = rnn { n = 12, inputs = task.inputs, outputs = task.outputs }
net:train(task, { method = "hf", iters = 30 })
-- condense's operator chains run in worker processes, each with its own copy of `calls`:
-- the first worker to get there takes the one marker (rename is atomic) and sends the
-- single Ctrl-C, as one key press would.
local marker = os.tmpname()
local t = setmetatable({ calls = 0 }, { __index = task })
function t:sample(B)
  self.calls = self.calls + 1
  if self.calls == 20 and os.rename(marker, marker .. ".taken") then ctrl_c() end
  return task:sample(B)
end
function t:score(b, tr) return task:score(b, tr) end
local ok, err = pcall(condense, net, t, { retrain = 5, method = "adam", threshold = 0, min_n = 4,
                                          eval = 50, plot = false, verbose = false })
T.ok(not ok and tostring(err):find("interrupted", 1, true), "Ctrl-C stops condense in a script: " .. tostring(err))
T.ok(net.n == 12, "the parent is untouched")
os.remove(marker .. ".taken")
local kids = io.open(("/proc/self/task/%d/children"):format(math.tointeger(pid)))
if kids then
  local list = kids:read("a")
  kids:close()
  T.ok(not list:find("%d"), "condense's worker processes are gone after the stop: [" .. list .. "]")
end

local n = 0
ok, err = pcall(function()
  ctrl_c()
  while true do n = n + 1 end
end)
T.ok(not ok and tostring(err):find("interrupted", 1, true), "Ctrl-C stops an endless Lua loop: " .. tostring(err))
T.done()
