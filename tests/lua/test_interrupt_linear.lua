-- test_interrupt_linear.lua — Ctrl-C during a linear network's long library
-- calls (lin:fixed's LU solve, the exact propagator computed by a network's
-- first lin:run, the eigenvalues lin:run computes to explain an overflow):
-- each runs in a child process that Ctrl-C kills, so the call raises
-- "interrupted", and the network stays usable, giving the same numbers as
-- before.  (Exact poll placement and bit-for-bit results are checked in
-- tests/core/test_linear.c; the time to stop in tests/cli and bench_cancel.)
local T = dofile("tests/lua/harness.lua")

local f = io.open("/proc/self/stat")
local pid = f and f:read("n")
if f then f:close() end
if not pid then
  T.skip("Ctrl-C simulation needs /proc/self/stat")
  T.done(); return
end

-- Runs fn over and over until a Ctrl-C sent 0.5 s after the start stops
-- it (io.popen, not os.execute: system() ignores SIGINT while its child
-- runs); returns the error.  Each call takes most of a second or more, so
-- the signal lands inside one.
local function stop(fn)
  local p = io.popen("sleep 0.5; kill -INT " .. math.tointeger(pid))
  local ok, err = pcall(function() for _ = 1, 1000 do fn() end end)
  p:close()
  return ok and "not interrupted" or tostring(err)
end

local function maxdiff(a, b)
  local d = 0
  for i = 1, a:rows() do for j = 1, a:cols() do d = math.max(d, math.abs(a:get(i, j) - b:get(i, j))) end end
  return d
end

seed(5)
-- lin:fixed: an LU decomposition of 2000x2000
local lin = linear{M = matrix.randn(2000, 2000) * 0.01}
local v0 = lin:fixed(0.5)
local err = stop(function() lin:fixed(0.5) end)
T.ok(err:find("interrupted", 1, true), "Ctrl-C stops lin:fixed: " .. err)
T.ok(maxdiff(lin:fixed(0.5), v0) == 0, "the network gives the same fixed point afterwards")

-- the first lin:run of a network computes its exact propagator (a
-- 1200x1200 matrix exponential); a stopped one caches nothing
local M2 = matrix.randn(600, 600) * 0.02
local h = matrix(4, 600, 0.1)
local last
err = stop(function() last = linear{M = M2}; last:run(h) end)
T.ok(err:find("interrupted", 1, true), "Ctrl-C stops the exact propagator of lin:run: " .. err)
T.ok(maxdiff(last:run(h), linear{M = M2}:run(h)) == 0,
     "the interrupted network runs afterwards, as a fresh one does")
T.ok(maxdiff(last:run(h, {method = "euler"}), linear{M = M2, method = "euler"}:run(h)) == 0,
     "and with Euler steps")

-- an overflowing lin:run explains itself with the largest eigenvalue of M
-- (1500x1500, GSL's nonsymmetric QR: many seconds)
local lin3 = linear{M = matrix.randn(1500, 1500) * 3, method = "euler"}
local h3 = matrix(300, 1500, 1)
local r0 = lin3:run(matrix(2, 1500, 1))
err = stop(function()
  local ok, e = pcall(lin3.run, lin3, h3)
  if ok or tostring(e):find("interrupted", 1, true) then error(ok and "no overflow" or e, 0) end
end)
T.ok(err:find("interrupted", 1, true), "Ctrl-C stops the eigenvalues of lin:run's overflow message: " .. err)
local ok2, r = pcall(lin3.run, lin3, matrix(2, 1500, 1))
T.ok(ok2 and maxdiff(r, r0) == 0, "the network runs afterwards, as before: " .. tostring(ok2 and "same" or r))
T.done()
