-- test_mem_budget.lua — the memory budget counts the session's live arrays:
-- under GANGLION_MEM_LIMIT=1G two 0.6 GiB matrices do not both fit, a network's
-- parameters count too, dropped matrices give their bytes back (through the
-- collector, with no call to collectgarbage), and every refusal is a clear
-- error the session survives.  The script runs itself again under the limit.
local T = dofile("tests/lua/harness.lua")

if os.getenv("GANGLION_MEM_LIMIT") ~= "1G" then
  local bin = os.getenv("GANGLION") or "./ganglion"
  local p = io.popen("GANGLION_MEM_LIMIT=1G " .. bin .. " -b tests/lua/test_mem_budget.lua 2>&1")
  local out = p:read("a")
  local ok, how, code = p:close()
  io.write(out)
  T.ok(ok and how == "exit" and code == 0, "the run under GANGLION_MEM_LIMIT=1G ends cleanly ("
       .. tostring(how) .. " " .. tostring(code) .. ")")
  T.done()
  return
end

local GiB = 1024 ^ 3

-- two big matrices: the second is refused, naming the live bytes
local a = matrix(9000, 9000)        -- 0.603 GiB
T.ok(a:rows() == 9000, "a 0.6 GiB matrix fits a 1 GiB budget")
T.raises(function() return matrix(9000, 9000) end, "needs 0.603 GiB",
         "a second one is refused with the size needed")
T.raises(function() return matrix(9000, 9000) end, "live arrays hold 0.603 GiB",
         "the refusal names the bytes the live arrays hold")
T.raises(function() return a:t() end, "0.397 GiB left", "so is its transpose, with what is left")
T.raises(function() return a + 1 end, "GANGLION_MEM_LIMIT=1G", "and a + 1")
-- the session goes on
a:set(9000, 9000, 2.5)
T.near(a:sum(), 2.5, 0, "the first matrix is intact after the refusals")
T.ok(matrix(100, 100):rows() == 100, "small matrices are still made")

-- dropping the first makes room, with no explicit collection: the refused
-- request runs one collection and asks again
a = nil
local ok, b = pcall(matrix, 9000, 9000)
T.ok(ok and b:rows() == 9000, "once the first is dropped, a second 0.6 GiB matrix fits (" ..
     (ok and "ok" or tostring(b)) .. ")")
b = nil

-- a network's parameters count: rnn n=5500 holds 0.225 GiB, a copy as much
local net = rnn{n = 5500, inputs = 1, outputs = 1, seed = 3}
T.raises(function() return matrix(10500, 10500) end, "live arrays hold 0.2",
         "a network's parameters count against the budget")
local copy = net:copy()
T.ok(copy.n == 5500, "a copy of it fits")
T.raises(function() return matrix(9000, 9000) end, "live arrays hold 0.45",
         "the copy's parameters count too")
net, copy = nil, nil
ok, b = pcall(matrix, 9000, 9000)
T.ok(ok, "the networks dropped, the matrix fits (" .. (ok and "ok" or tostring(b)) .. ")")
b = nil

-- 100 matrices of 95 MiB made and dropped in a loop: 9.3 GiB in all under a
-- 1 GiB budget, with no collectgarbage: none is refused, and no phantom live
-- bytes remain afterwards (a 0.9 GiB matrix fits)
local refused, sum = 0, 0
for i = 1, 100 do
  local okm, m = pcall(matrix, 5000, 2500)
  if okm then m:set(1 + i % 5000, 1 + i % 2500, i); sum = sum + m:get(1 + i % 5000, 1 + i % 2500)
  else refused = refused + 1 end
end
T.ok(refused == 0, "100 x 95 MiB made and dropped under a 1 GiB budget: none refused (" .. refused .. ")")
T.near(sum, 5050, 0, "each was written and read")
ok, b = pcall(matrix, 11000, 11000)   -- 0.901 GiB
T.ok(ok, "afterwards a 0.9 GiB matrix fits: nothing phantom is left (" .. (ok and "ok" or tostring(b)) .. ")")
b = nil

-- the same with operations making the temporaries (x * 2 allocates its result)
local x = matrix(4000, 3000, 1)     -- 92 MiB
local acc = 0
for _ = 1, 12 do local y = x * 2; acc = acc + y:get(1, 1) end
T.near(acc, 24, 0, "12 temporaries of 92 MiB from x * 2 (1.1 GiB in all) under the budget")
T.done()
