-- test_rnn.lua — the rnn Lua API: construction, fields, run against a plain
-- Lua implementation of the equations, loss, grad against finite
-- differences, copy, save/load and argument errors.
local T = dofile("tests/lua/harness.lua")

local function f(x) return math.tanh(x) end

-- The model equations (help("rnn")) in plain Lua, for one trial.
local function naive(net, u)
  local n, ni, no = net.n, net.inputs, net.outputs
  local W, Win, b, Wout, bout, x0 = net.W, net.Win, net.b, net.Wout, net.bout, net.x0
  local a = net.dt / net.tau
  local x, X, Y = {}, {}, {}
  for i = 1, n do x[i] = x0:get(i, 1) end
  for t = 1, u:rows() do
    local r, xn = {}, {}
    for j = 1, n do r[j] = f(x[j]) end
    for i = 1, n do
      local s = b:get(i, 1)
      for j = 1, n do s = s + W:get(i, j) * r[j] end
      for j = 1, ni do s = s + Win:get(i, j) * u:get(t, j) end
      xn[i] = x[i] + a * (-x[i] + s)
    end
    x = xn
    X[t] = {}
    for i = 1, n do X[t][i] = x[i] end
    Y[t] = {}
    for o = 1, no do
      local s = bout:get(o, 1)
      for j = 1, n do s = s + Wout:get(o, j) * f(x[j]) end
      Y[t][o] = s
    end
  end
  return X, Y
end

seed(11)
local net = rnn{n = 6, inputs = 2, outputs = 3, tau = 5, dt = 0.7, g = 1.2, seed = 5}
T.ok(net.n == 6 and net.inputs == 2 and net.outputs == 3, "sizes readable")
T.ok(net.W:rows() == 6 and net.Win:cols() == 2 and net.Wout:rows() == 3 and net.x0:cols() == 1,
     "parameter matrices have their shapes")
T.ok(net.tau == 5 and net.dt == 0.7 and net.activation == "tanh" and net.noise == 0, "settings readable")
T.ok(tostring(net):find("n=6", 1, true) ~= nil, "tostring summarises: " .. tostring(net))

-- seed= gives the same weights regardless of the global generator
local other = rnn{n = 6, inputs = 2, outputs = 3, g = 1.2, seed = 5}
T.ok(other.W == net.W, "seed= makes initialisation reproducible")
-- W ~ N(0, g²/n): variance over a big net
local big = rnn{n = 400, g = 2, seed = 1}
local s2, Wb = 0, big.W
for i = 1, 400 do for j = 1, 400 do s2 = s2 + Wb:get(i, j) ^ 2 end end
T.near(s2 / 400 ^ 2, 4 / 400, 0.0005, "W variance is g²/n")

-- fields are copies; assignment is checked
local W = net.W
W:set(1, 1, 99)
T.ok(net.W:get(1, 1) ~= 99, "net.W returns a copy")
local b = net.b
b:set(2, 1, 0.37)
net.b = b
T.ok(net.b:get(2, 1) == 0.37, "net.b assignable")
net.x0 = {0.1, -0.2, 0.3, 0.05, 0, -0.4}
T.ok(net.x0:get(3, 1) == 0.3, "plain array accepted for x0")
net.bout = {0.2, -0.1, 0.05}
T.raises(function() net.W = matrix(3, 3) end, "rnn.W must be 6x6, got 3x3", "wrong W shape refused")
T.raises(function() net.Win = matrix{{0 / 0, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}} end,
         "rnn: Win has a non-finite value at (1,1)", "NaN weight refused")
T.raises(function() net.tau = -1 end, "rnn.tau must be finite and > 0", "negative tau refused")
T.raises(function() net.activation = "sigmoid" end, "activation", "unknown activation refused")
T.raises(function() net.n = 3 end, "read-only", "n read-only")
T.raises(function() net.foo = 3 end, "no field 'foo'", "unknown field refused")

-- run against the plain Lua equations
local u = matrix.randn(9, 2)
local tr = net:run(u)
T.ok(tr.x:rows() == 9 and tr.x:cols() == 6 and tr.r:cols() == 6 and tr.y:cols() == 3, "trace shapes")
local X, Y = naive(net, u)
local ex, ey = 0, 0
for t = 1, 9 do
  for i = 1, 6 do
    ex = math.max(ex, math.abs(tr.x:get(t, i) - X[t][i]))
    ex = math.max(ex, math.abs(tr.r:get(t, i) - math.tanh(X[t][i])))
  end
  for o = 1, 3 do ey = math.max(ey, math.abs(tr.y:get(t, o) - Y[t][o])) end
end
T.ok(ex < 1e-13 and ey < 1e-13, string.format("run matches the equations (%.1e, %.1e)", ex, ey))

-- batch: run, loss by hand, grad vs finite differences
local B, Tn = 3, 8
local batch = {u = {}, target = {}, mask = {}}
for k = 1, B do
  batch.u[k] = matrix.randn(Tn, 2)
  batch.target[k] = matrix.randn(Tn, 3)
  local m = matrix(Tn, 3, 1)
  for t = 1, 3 do m:set(t, 1, 0) end
  m:set(Tn, 2, 2.5)
  batch.mask[k] = m
end
local trs = net:run(batch)
T.ok(#trs == B and trs[2].y:rows() == Tn, "run on a batch returns one trace per trial")
-- The stacked traces R, X, Y hold trial k in rows (k-1)T+1..kT; each
-- trial's r, x, y is a view of them; both equal a single-trial run.
do
  local one = net:run(batch.u[2])
  T.ok(trs.R:rows() == B * Tn and trs.X:cols() == net.n and trs.Y:cols() == 3, "stacked traces are B*T rows")
  local d = (trs.R:sub(Tn + 1, 2 * Tn) - one.r):abs():max() + (trs[2].x - one.x):abs():max() +
            (trs[2].y - one.y):abs():max()
  T.ok(d < 1e-13 and (trs.Y:sub(Tn + 1, 2 * Tn) - trs[2].y):abs():max() == 0,
       "stacked trace rows = the trial's trace = a single-trial run (" .. d .. ")")
  trs.R:set(Tn + 1, 1, 42)
  T.ok(trs[2].r:get(1, 1) == 42, "a trial's r is a view of the stacked R")
  -- the kept workspace follows a change of size (another net, longer trials)
  local other = rnn { n = 5, inputs = 2, outputs = 3, seed = 2 }
  local long = { u = { matrix.randn(2 * Tn, 2), batch.u[1] } }
  T.raises(function() other:run(long) end, "", "trials of unequal length refused")
  long.u[2] = matrix.randn(2 * Tn, 2)
  local tl = other:run(long)
  local d2 = (tl[2].y - other:run(long.u[2]).y):abs():max() + (net:run(batch)[3].y - trs[3].y):abs():max()
  T.ok(tl.Y:rows() == 4 * Tn and d2 < 1e-13, "runs of other sizes and nets between runs agree (" .. d2 .. ")")
  -- {traces = ...} copies out only the traces asked for, the same numbers
  local full = net:run(batch)
  local ry, y = net:run(batch, { traces = "ry" }), net:run(batch, { traces = "y" })
  T.ok(ry.X == nil and ry[2].x == nil and (ry.R - full.R):abs():max() == 0 and (ry.Y - full.Y):abs():max() == 0 and (ry[2].r - full[2].r):abs():max() == 0 and
       y.R == nil and y.X == nil and #y == B and y[3].r == nil and (y.Y - full.Y):abs():max() == 0 and (y[3].y - full[3].y):abs():max() == 0,
       "run(batch, {traces=\"ry\" / \"y\"}) returns only those traces, equal to the full run's")
  local one = net:run(batch.u[2], { traces = "y" })
  T.ok(one.x == nil and one.r == nil and (one.y - net:run(batch.u[2]).y):abs():max() == 0, "a single trial's traces option")
  T.ok(net:run(batch, {}).X ~= nil and net:run(batch, { traces = "yrx" }).X ~= nil, "no option or all three: x, r, y")
  T.raises(function() net:run(batch, { traces = "q" }) end, "letters x, r, y", "unknown trace letter refused")
  T.raises(function() net:run(batch, { traces = "yy" }) end, "at most once", "a repeated trace letter refused")
  T.raises(function() net:run(batch, { traces = "" }) end, "letters x, r, y", "no trace refused")
  T.raises(function() net:run(batch, { trace = "y" }) end, "unknown option 'trace'", "unknown option refused")
  T.raises(function() net:run(batch, 3) end, "options must be a table", "options not a table refused")
  -- {out = old}: the new traces over old's storage (where it is large enough), the same numbers
  local old = net:run(batch, { traces = "ry" })
  local oldR, oldY = old.R, old.Y
  oldR:set(1, 1, 1e6)
  local again = net:run(batch, { traces = "ry", out = old })
  T.ok((again.R - full.R):abs():max() == 0 and (again.Y - full.Y):abs():max() == 0 and
       (again[2].r - full[2].r):abs():max() == 0 and (again[3].y - full[3].y):abs():max() == 0,
       "run with out= returns the same traces as a fresh run")
  again.R:set(2, 3, 7)
  again.Y:set(1, 1, 9)
  T.ok(oldR:get(2, 3) == 7 and oldY:get(1, 1) == 9 and oldR:get(1, 1) == full.R:get(1, 1),
       "out='s storage is reused: the old matrices hold the new traces")
  -- a smaller net (fewer units) writes into a larger one's R; a larger batch does not fit
  local small = net:copy()
  small:delete(1)
  local sm = small:run(batch, { traces = "ry", out = again })
  T.ok(sm.R:cols() == net.n - 1 and (sm.R - small:run(batch, { traces = "ry" }).R):abs():max() == 0 and
       oldR:get(1, 1) == sm.R:get(1, 1), "a smaller net's traces go into the larger R's storage")
  local big = { u = { batch.u[1], batch.u[2], batch.u[3], batch.u[1], batch.u[2], batch.u[3], batch.u[1] } }
  local bg = net:run(big, { traces = "y", out = sm })
  T.ok(bg.Y:rows() == 7 * Tn and (bg.Y - net:run(big, { traces = "y" }).Y):abs():max() == 0 and sm.Y:rows() == B * Tn and
       (sm.Y - small:run(batch, { traces = "y" }).Y):abs():max() == 0, "out too small: fresh storage, out untouched")
  -- only the letters asked for; a single trial's {x=, r=, y=}; other tables and values
  local o1 = net:run(batch.u[2])
  local o2 = net:run(batch.u[3], { out = o1 })
  T.ok((o2.y - net:run(batch.u[3]).y):abs():max() == 0 and o1.x:get(1, 1) == o2.x:get(1, 1),
       "a single trial's traces go into out's x, r, y")
  local y2 = net:run(batch, { traces = "y", out = { Y = matrix(2, 2), R = "no" } })
  T.ok((y2.Y - full.Y):abs():max() == 0 and y2.R == nil, "out fields that do not fit or are not matrices: fresh storage")
  T.raises(function() net:run(batch, { out = 3 }) end, "out must be the traces", "out not a table refused")
end
local num, den = 0, 0
for k = 1, B do
  local _, Yk = naive(net, batch.u[k])
  for t = 1, Tn do for o = 1, 3 do
    local m = batch.mask[k]:get(t, o)
    num = num + m * (Yk[t][o] - batch.target[k]:get(t, o)) ^ 2
    den = den + m
  end end
end
local loss = net:loss(batch)
T.near(loss, num / den, 1e-13, "loss is Σ mask·(y−target)² / Σ mask")

local l2, g = net:grad(batch)
T.near(l2, loss, 1e-15, "grad returns the loss too")
local worst = 0
for _, name in ipairs{"W", "Win", "b", "Wout", "bout", "x0"} do
  local P, G = net[name], g[name]
  T.ok(G:rows() == P:rows() and G:cols() == P:cols(), "grad." .. name .. " has the parameter's shape")
  for i = 1, P:rows() do for j = 1, P:cols() do
    local p0, h = P:get(i, j), 1e-6
    P:set(i, j, p0 + h); net[name] = P; local lp = net:loss(batch)
    P:set(i, j, p0 - h); net[name] = P; local lm = net:loss(batch)
    P:set(i, j, p0); net[name] = P
    local fd = (lp - lm) / (2 * h)
    worst = math.max(worst, math.abs(fd - G:get(i, j)) / math.max(math.abs(fd), 1e-3))
  end end
end
T.ok(worst < 1e-6, string.format("grad matches central differences (worst rel %.1e)", worst))

-- other activations through the API
for _, act in ipairs{"relu", "softplus"} do
  local n2 = net:copy()
  n2.activation = act
  local l0, g2 = n2:grad(batch)
  local P = n2.W
  local p0, h = P:get(2, 3), 1e-6
  P:set(2, 3, p0 + h); n2.W = P; local lp = n2:loss(batch)
  P:set(2, 3, p0 - h); n2.W = P; local lm = n2:loss(batch)
  T.near(g2.W:get(2, 3), (lp - lm) / (2 * h), 1e-6, act .. ": dL/dW[2,3] matches finite differences")
  T.ok(l0 > 0, act .. ": loss positive")
end

-- params / setparams
local p = net:params()
T.ok(p:rows() == net.nparams and p:rows() == 36 + 12 + 6 + 18 + 3 + 6, "params() is the flat vector")
T.ok(p:get(1, 1) == net.W:get(1, 1) and p:get(37, 1) == net.Win:get(1, 1), "flat order W, Win, ...")

-- copy is deep
local c = net:copy()
c.b = matrix(6, 1)
T.ok(net.b:get(2, 1) == 0.37, "copy is independent")

-- save / load: bit-exact
local path = os.tmpname()
net.noise = 0.01
net:save(path)
local back = rnn.load(path)
T.ok(back.W == net.W and back.Win == net.Win and back.b == net.b and back.Wout == net.Wout
     and back.bout == net.bout and back.x0 == net.x0, "save/load round trip is bit-exact")
T.ok(back.tau == 5 and back.dt == 0.7 and back.noise == 0.01 and back.activation == "tanh",
     "settings survive save/load")
net.noise = 0
local fh = io.open(path, "w"); fh:write('os.execute("echo pwned")\n'); fh:close()
T.raises(function() rnn.load(path) end, "not a ganglion rnn file", "a Lua script is not loaded")
os.remove(path)
T.raises(function() rnn.load("/nonexistent/x.rnn") end, "cannot open", "missing file")
do
  local ok, err = pcall(rnn.load, "/nonexistent/x.rnn")
  T.ok(not ok and tostring(err):find("rnn.load: cannot open", 1, true) and not tostring(err):find("rnn load", 1, true),
       "a load error names rnn.load once: " .. tostring(err))
end

-- noise: runs differ, driven by the global generator
local nz = net:copy()
nz.noise = 0.3
seed(3); local y1 = nz:run(u).y
seed(3); local y2 = nz:run(u).y
local y3 = nz:run(u).y
T.ok(y1 == y2 and not (y1 == y3), "noise is reproducible from seed() and fresh otherwise")

-- argument errors
T.raises(function() rnn{inputs = 2} end, "'n'", "n required")
T.raises(function() rnn{n = 0} end, "n must be a whole number in 1..", "n=0 refused")
T.raises(function() rnn{n = 4, tua = 3} end, "unknown option 'tua'", "typo in options")
T.raises(function() rnn{n = 4, activation = "sigmoid"} end, "activation", "bad activation")
T.raises(function() rnn{n = 4, noise = -1} end, "noise", "negative noise")
T.raises(function() net:run(matrix(5, 3)) end, "must have 2 columns", "run with wrong input width")
T.raises(function() net:run("x") end, "u must be", "run with a string")
T.raises(function() net:loss({u = {u}}) end, "batch.target is missing", "loss needs targets")
T.raises(function() net:loss({u = {u, matrix(8, 2)}, target = {matrix(9, 3), matrix(8, 3)}}) end,
         "batch.u[2] must be 9x2", "trial with wrong length names the trial")
T.raises(function() net:loss({u = {u}, target = {matrix(9, 2)}}) end, "batch.target[1] must be 9x3",
         "target with wrong width")
T.raises(function() net:loss({u = {u}, target = {matrix(9, 3)}, mask = {matrix(9, 3, -1)}}) end,
         "negative", "negative mask")
T.raises(function() net:loss({u = {u}, target = {matrix(9, 3)}, mask = {matrix(9, 3, 0)}}) end,
         "zero everywhere", "all-zero mask")
T.raises(function() net:loss({u = {matrix(9, 2, 0 / 0)}, target = {matrix(9, 3)}}) end,
         "non-finite", "NaN input")
T.raises(function() net:loss({u = {u}, target = {matrix(9, 3)}, mask = {}}) end,
         "batch.mask has 0 trials", "mask list length")
T.raises(function() net.grad(matrix(2, 2), batch) end, "rnn expected", "method on a non-rnn")
-- Parameter sanity and no silent non-finite output.
do
  T.raises(function() rnn { n = 4, tau = 1e-300 } end, "must not exceed 'tau'", "dt > tau refused (tau=1e-300)")
  T.raises(function() rnn { n = 4, tau = 2, dt = 3 } end, "must not exceed", "dt 3 > tau 2 refused")
  local net = rnn { n = 4, tau = 5, dt = 1 }
  T.raises(function() net.dt = 6 end, "dt must not exceed tau", "assigning dt > tau refused")
  T.raises(function() net.tau = 0.5 end, "dt must not exceed tau", "assigning tau < dt refused")
  local big = rnn { n = 8, inputs = 3, outputs = 3, g = 1e308, seed = 2 }
  T.raises(function() big:run(matrix(20, 3, 1)) end, "the network diverged",
    "rnn:run with g=1e308 raises instead of returning NaN/Inf")
  local ok, err = pcall(big.run, big, matrix(20, 3, 1))
  T.ok(not ok and err:find("x%[%d+,%d+%] is") and err:find("max|W|", 1, true), "the error names the first non-finite state and the weights: " .. tostring(err))
  -- without x copied out, the same check on the workspace, the same message
  local ok2, err2 = pcall(big.run, big, matrix(20, 3, 1), { traces = "y" })
  T.ok(not ok2 and err2 == err, "traces=\"y\": the same error from the workspace: " .. tostring(err2))
  local bb = { u = { matrix(20, 3, 0), matrix(20, 3, 1) } }
  local ok3, err3 = pcall(big.run, big, bb)
  local ok4, err4 = pcall(big.run, big, bb, { traces = "r" })
  T.ok(not ok3 and not ok4 and err3 == err4 and err4:find("of trial", 1, true),
       "batch: the same first non-finite state named with or without x copied out: " .. tostring(err4))
  local path = os.tmpname()
  local f = io.open(path, "w")
  f:write("ganglion-rnn 1\nn 2\ninputs 1\noutputs 1\ntau 10\ndt 1\nactivation tanh\nnoise 1.79e308\n",
          "W 2 2 0 0 0 0\nWin 2 1 1 1\nb 2 1 0 0\nWout 1 2 1 1\nbout 1 1 0\nx0 2 1 0 0\nend\n")
  f:close()
  local noisy = rnn.load(path)
  os.remove(path)
  T.raises(function() noisy:run(matrix(200, 1)) end, "diverged", "a file with noise 1.79e308 runs into an error, not NaN")
end


-- seed= is declared (a whole number wider than an int, may be negative)
do
  local a, b = rnn{n = 5, seed = 2^40}, rnn{n = 5, seed = 2^40}
  T.ok(a.W:get(2, 3) == b.W:get(2, 3), "seed=2^40 reproduces the weights")
  T.ok(rnn{n = 5, seed = -7}.W:get(1, 2) == rnn{n = 5, seed = -7}.W:get(1, 2), "a negative seed works")
  T.raises(function() rnn{n = 5, seed = 1.5} end, "rnn: seed must be a whole number", "fractional seed")
  T.raises(function() rnn{n = 5, seed = "x"} end, "option 'seed' must be a whole number (got string)", "seed type")
end
T.done()
