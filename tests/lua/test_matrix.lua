-- test_matrix.lua — the matrix type through the interpreter.
local T = dofile("tests/lua/harness.lua")

local A = matrix{{2.385, -1.5}, {0.25, 3.75}}
T.ok(A:rows() == 2 and A:cols() == 2, "matrix{{..}} shape")
T.near(A:get(1, 1), 2.385, 0, "get(1,1)")
local v = matrix{1, 2}
T.ok(v:rows() == 2 and v:cols() == 1, "plain array is a column")
local Av = A * v
T.near(Av:get(1, 1), 2.385 - 3.0, 1e-15, "A*v row 1 by hand")
T.near(Av:get(2, 1), 0.25 + 7.5, 1e-15, "A*v row 2 by hand")
local AtA = A:t() * A
T.near(AtA:get(1, 2), 2.385 * -1.5 + 0.25 * 3.75, 1e-14, "A'A off-diagonal")
T.near((A + A):get(2, 2), 7.5, 0, "A + A")
T.near((A - 1):get(1, 2), -2.5, 0, "A - scalar")
T.near((1 - A):get(1, 2), 2.5, 0, "scalar - A")
T.near((2 * A):get(2, 1), 0.5, 0, "scalar * A")
T.near((A / 4):get(2, 2), 0.9375, 0, "A / scalar")
T.near((-A):get(1, 1), -2.385, 0, "-A")
T.near(A:emul(A):get(2, 2), 3.75 ^ 2, 1e-15, "elementwise product")
T.ok(A:copy() == A, "copy equals")
local B = A:copy(); B:set(1, 1, 9)
T.ok(A:get(1, 1) == 2.385, "copy is independent")
T.ok(matrix(3, 2, 1.5):sum() == 9, "matrix(r, c, fill)")
T.ok(matrix.eye(3):get(2, 2) == 1 and matrix.eye(3):get(2, 3) == 0, "eye")
T.ok(#A:totable() == 2 and A:totable()[2][2] == 3.75, "totable rows")
T.ok(#v:totable() == 2 and v:totable()[2] == 2, "vector totable is flat")
T.ok(A:row(2):cols() == 2 and A:row(2):get(1, 2) == 3.75, "row")
T.ok(A:col(2):rows() == 2 and A:col(2):get(1, 1) == -1.5, "col")
T.near(matrix{3, 4}:norm(), 5, 1e-15, "norm")

-- randomness flows from seed()
seed(2385)
local r1 = matrix.randn(50, 3)
seed(2385)
local r2 = matrix.randn(50, 3)
T.ok(r1 == r2, "seed makes randn reproducible")
local u = matrix.rand(2000, 1)
local mean = u:sum() / 2000
T.near(mean, 0.5, 0.03, "rand mean ~ 0.5")
local z = matrix.randn(4000, 1)
local m = z:sum() / 4000
local var = (z:t() * z):get(1, 1) / 4000 - m * m
T.near(var, 1, 0.08, "randn variance ~ 1")

-- tostring summarises big matrices
local s = tostring(matrix(500, 400, 0.5))
T.ok(s:find("500x400", 1, true) and s:find("range", 1, true) and #s < 800, "big matrix prints a summary")
T.ok(#tostring(A) < 200 and tostring(A):find("3.75", 1, true), "small matrix prints whole")

-- errors name the problem
T.raises(function() return A:get(3, 1) end, "row index 3 out of range for a 2x2", "get out of range")
T.raises(function() return A:set(1, 0, 1) end, "column index 0 out of range", "set column 0")
T.raises(function() return A + matrix(3, 3) end, "do not match", "add mismatched")
T.raises(function() return A * matrix(3, 1) end, "inner dimensions differ", "mul mismatched")
T.raises(function() return matrix(1e12, 1e12) end, "too large", "absurd size is an error")
T.raises(function() return matrix(-1, 2) end, "rows must be a positive integer", "negative rows")
T.raises(function() return matrix(2.5, 2) end, "rows must be a positive integer", "fractional rows")
T.raises(function() return matrix{{1, 2}, {3}} end, "row 2 has 1 values", "ragged rows")
T.raises(function() return matrix{1, "x"} end, "element [2] is a string", "non-number element")
T.raises(function() return matrix("a") end, "expected matrix(rows, cols", "wrong type")
T.raises(function() return A:get("x", 1) end, "row index must be an integer", "index type")
T.raises(function() return matrix.load("/nonexistent/x.npy") end, "cannot open", "missing file")

-- npy round trip and hostile files
local dir = os.tmpname(); os.remove(dir)
os.execute("mkdir -p " .. dir)
local M = matrix.randn(7, 5)
M:save(dir .. "/m.npy")
T.ok(matrix.load(dir .. "/m.npy") == M, "npy round trip bit-exact")
local f = io.open(dir .. "/bad.npy", "wb"); f:write("\147NUMPY\1\0\10\0{'descr'"); f:close()
T.raises(function() return matrix.load(dir .. "/bad.npy") end, "matrix.load:", "truncated header")
M:csv(dir .. "/m.csv")
local line = io.open(dir .. "/m.csv"):read("l")
T.near(tonumber(line:match("^([^,]+)")), M:get(1, 1), 0, "csv first value exact")

-- cross-check with NumPy when Debian's python3-numpy is there
local py = io.open("/usr/bin/python3") and os.execute("/usr/bin/python3 -c 'import numpy' 2>/dev/null")
if py then
  local p = io.popen("/usr/bin/python3 -c \"import numpy as n; a=n.load('" .. dir ..
                     "/m.npy'); print(repr(float(a[6,4])), a.shape); n.save('" .. dir ..
                     "/f.npy', n.asfortranarray(a.T))\"")
  local out = p:read("a"); p:close()
  T.ok(out:find("(7, 5)", 1, true), "numpy reads our shape")
  T.near(tonumber(out:match("^(%S+)")), M:get(7, 5), 0, "numpy reads our last value exactly")
  local F = matrix.load(dir .. "/f.npy")
  T.ok(F == M:t(), "numpy Fortran-order file loads as the transpose")
else
  T.skip("numpy cross-check: /usr/bin/python3 with numpy not available")
end
os.execute("rm -rf " .. dir)
T.done()
