-- test_parallel.lua — ganglion.parallel: values cross from worker processes
-- unchanged, messages arrive in worker order whatever the timing, errors and
-- dead workers are reported, and no worker process is left behind.
local T = dofile("tests/lua/harness.lua")

local function children()
  local f = io.open("/proc/self/stat")
  local pid = f and f:read("n")
  if f then f:close() end
  local c = pid and io.open(("/proc/self/task/%d/children"):format(math.tointeger(pid)))
  if not c then return nil end
  local s = c:read("a")
  c:close()
  local n = 0
  for _ in s:gmatch("%d+") do n = n + 1 end
  return n
end

local function busy(seconds)
  local t0 = clock()
  while clock() - t0 < seconds do end
end

-- Values: integers stay integers, every float bit pattern survives.
local net = rnn { n = 5, inputs = 2, outputs = 3, seed = 7, activation = "relu", tau = 20, dt = 2, noise = 0.01 }
local view = matrix.randn(4, 6):sub(2, 3, 2, 5)
local got, calls = {}, 0
local ok = ganglion.parallel(1, 1, function(_, send)
  send { int = 3, big = math.maxinteger, f = 0.1, negz = -0.0, inf = 1 / 0, ninf = -1 / 0, nan = 0 / 0,
         s = "a\0b\255", t = true, nested = { { { 1, "x" } } }, [2.5] = "float key" }
  send(view)
  send(view:t())
  send(matrix.zeros(0, 3))
  send(net)
  send(nil)
end, function(i, v) calls = calls + 1; if v ~= nil then got[#got + 1] = v end end)
T.ok(ok == true and calls == 6 and #got == 5, "one worker, six sends, the last a nil: " .. calls)
local v = got[1]
T.ok(math.type(v.int) == "integer" and v.int == 3 and v.big == math.maxinteger, "integers stay integers")
T.ok(math.type(v.f) == "float" and v.f == 0.1 and 1 / v.negz == -1 / 0 and v.inf == 1 / 0 and v.ninf == -1 / 0
     and v.nan ~= v.nan, "floats keep every bit: 0.1, -0, +-inf, nan")
T.ok(v.s == "a\0b\255" and v.t == true and v.nested[1][1][2] == "x" and v[2.5] == "float key",
     "strings with NUL bytes, booleans, nested tables, float keys")
T.ok(got[2]:rows() == 2 and got[2]:cols() == 4 and (got[2] - view):norm() == 0, "a view arrives as its values")
T.ok(got[3]:rows() == 4 and (got[3] - view:t()):norm() == 0, "a transposed view too")
T.ok(got[4]:rows() == 0 and got[4]:cols() == 3, "an empty 0x3 matrix keeps its shape")
local n2 = got[5]
local same = n2.n == 5 and n2.tau == 20 and n2.dt == 2 and n2.noise == 0.01 and n2.activation == "relu"
for _, f in ipairs { "W", "Win", "b", "Wout", "bout", "x0" } do same = same and (n2[f] - net[f]):norm() == 0 end
T.ok(same, "an rnn arrives with every parameter bit for bit")

-- Order: worker 1 is slow, worker 2 fast; worker 1's messages still come first.
local order = {}
ganglion.parallel(3, 3, function(i, send)
  if i == 1 then busy(0.3) end
  for k = 1, 3 do send(i * 10 + k) end
end, function(i, m) order[#order + 1] = m end)
T.ok(table.concat(order, ",") == "11,12,13,21,22,23,31,32,33", "messages in worker order: " .. table.concat(order, ","))

-- Each worker starts from the state at the call, whatever the number of slots.
local function draws(jobs)
  seed(11)
  local out = {}
  ganglion.parallel(4, jobs, function(i, send)
    local x = matrix.rand(1, 1):get(1, 1)   -- without reseeding: the same draw in every worker
    seed(100 + i)
    send { x, matrix.randn(1, 3) }
  end, function(i, m) out[#out + 1] = ("%.17g %.17g"):format(m[1], m[2]:sum()) end)
  return table.concat(out, ";"), matrix.rand(1, 1):get(1, 1)
end
local a1, after1 = draws(1)
local a4, after4 = draws(4)
T.ok(a1 == a4, "1 slot and 4 slots give the same messages")
T.ok(after1 == after4, "the parent's generator is where it was: workers draw on their own copies")
local firsts = {}
for item in a1:gmatch("[^;]+") do firsts[#firsts + 1] = item:match("^%S+") end
T.ok(#firsts == 4 and firsts[1] == firsts[4], "every worker starts from the parent's generator state")

-- Errors: a worker's error is raised in the parent, with its message.
local seen = {}
local okp, err = pcall(ganglion.parallel, 3, 2, function(i, send)
  send(i)
  if i == 2 then error("worker two fails", 0) end
end, function(i, m) seen[#seen + 1] = m end)
T.ok(not okp and tostring(err):find("worker two fails", 1, true), "a worker's error reaches the caller: " .. tostring(err))
T.ok(table.concat(seen, ",") == "1,2", "messages before the error were handed on: " .. table.concat(seen, ","))
okp, err = pcall(ganglion.parallel, 1, 1, function(i, send) os.exit(4) end, function() end)
T.ok(not okp and tostring(err):find("ended without finishing (status 4)", 1, true), "a worker that exits: " .. tostring(err))
okp, err = pcall(ganglion.parallel, 1, 1, function(i, send) send(print) end, function() end)
T.ok(not okp and tostring(err):find("cannot send a function", 1, true), "a function cannot be sent: " .. tostring(err))
local t = {}
t.self = t
okp, err = pcall(ganglion.parallel, 1, 1, function(i, send) send(t) end, function() end)
T.ok(not okp and tostring(err):find("a cycle", 1, true), "a cyclic table is refused: " .. tostring(err))
okp, err = pcall(ganglion.parallel, 2, 1, function(i, send) send(i) end, function(i, m) error("receiver fails", 0) end)
T.ok(not okp and tostring(err) == "receiver fails", "an error in the receiver propagates: " .. tostring(err))
T.raises(function() ganglion.parallel(0, 1, function() end, function() end) end, "between 1 and 64", "k out of range")
T.raises(function() ganglion.parallel(2, -1, function() end, function() end) end, "jobs must be", "negative jobs")
collectgarbage()
local left = children()
if left then T.ok(left == 0, "no worker process is left behind: " .. left) else T.skip("no /proc children file") end
T.done()
