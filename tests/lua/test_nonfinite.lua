-- test_nonfinite.lua — no silent NaN or Inf: runs and analyses whose result
-- would hold one raise an error naming the first bad value and a likely
-- cause; the well-defined neighbours of each case still work.
local T = dofile("tests/lua/harness.lua")
seed(10)

-- linear: an unstable M overflows (the message says which eigenvalue); a
-- norm the matrix exponential cannot handle is refused, not turned into
-- the identity (GSL returns e^B = I when ‖B‖ is near 1e308).
local unstable = linear { M = { { 100, 0 }, { 0, 0.5 } }, tau = 1 }
T.raises(function() unstable:run(matrix(3000, 2, 1), { method = "euler" }) end,
         "unstable (an eigenvalue of M has real part 100 > 1", "linear:run: overflow of an unstable net is an error")
T.raises(function() unstable:run(matrix(3000, 2, 1)) end, "linear:run: v(", "linear:run exact: overflow is an error")
T.raises(function() linear { M = { { 1e308, 0 }, { 0, 1 } }, tau = 1 }:run(matrix(10, 2, 1)) end,
         "exact propagator needs |(M - I) dt/tau| <= 1e10", "linear:run: a norm near 1e308 is refused")
local short = unstable:run(matrix(5, 2, 1), { method = "euler" })
-- Euler: v_t = v + (M - I) v + h with dt = tau = 1, so v1 = 1, v2 = 1 + 99 + 1 = 101
T.near(short:get(2, 1), 101, 1e-12, "linear:run: a short unstable run is still returned")
local stiff = linear { M = { { -1e6, 0 }, { 0, -0.5 } }, tau = 1 }
T.near(stiff:run(matrix(3, 2, 1)):get(3, 2), 2 / 3 * (1 - math.exp(-1.5 * 3)), 1e-10,
       "linear:run exact: a stiff but representable M stays accurate")

-- cpg: the output is checked (the solver already refuses non-finite slopes).
T.raises(function() cpg { gNaP = 1e308 }:run { t = 20 } end, "cpg:run", "cpg:run with an absurd conductance is an error")
local ok = pcall(function() return cpg {}:run { t = 20 } end)
T.ok(ok, "cpg:run with the defaults still runs")

-- ring: the mean-field result has no NaN fields; a flat activity has no bump.
local mf = ring { w1 = 1e308 }:meanfield()
T.ok(mf.bump == false and mf.width == nil and mf.height == nil and mf.half_width == nil
     and mf.regime:find("no stable bump", 1, true) ~= nil,
     "ring:meanfield without a bump: no NaN fields, the regime says why")
T.raises(function() ring.bump(matrix(3, 16)) end, "flat in every row (all zero)", "ring.bump of an all-zero activity")
T.raises(function() ring { n = 16 }:bump(matrix(2, 16, 0.7)) end, "flat in every row (no unit stands out)",
         "ring:bump of a constant activity")
local r = ring {}
r:run { steps = 300 }
local A = r:run { steps = 5, cue = 0 }
local b = r:bump(A)
T.ok(b.position:get(5, 1) == b.position:get(5, 1), "ring:bump of a real bump has a position")

-- rnn: a network file's noise of 1.79e308 (the largest the reader accepts)
-- diverges the run, the loss and the gradient, each with a message.
local net = rnn { n = 4, inputs = 3, outputs = 3, seed = 1 }
local path = os.tmpname()
net:save(path)
local f = assert(io.open(path)); local text = f:read("a"); f:close()
f = assert(io.open(path, "w")); f:write((text:gsub("\nnoise 0\n", "\nnoise 1.79e308\n"))); f:close()
local loud = rnn.load(path)
os.remove(path)
T.ok(loud.noise == 1.79e308, "a network file with noise 1.79e308 loads")
local task = tasks.flipflop { T = 20 }
local batch = task:sample(2)
T.raises(function() loud:run(batch) end, "noise 1.79e+308", "rnn:run with noise 1.79e308 names the noise")
T.raises(function() loud:loss(batch) end, "rnn:loss: the loss is", "rnn:loss with noise 1.79e308 is an error")
T.raises(function() loud:grad(batch) end, "rnn:grad: the loss is", "rnn:grad with noise 1.79e308 is an error")
T.ok(net:loss(batch) >= 0, "rnn:loss of a sane net still works")
local big = net:copy()
big.Wout = big.Wout * 1e300
T.raises(function() big:loss(batch) end, "rnn:loss: the loss is inf", "rnn:loss whose outputs overflow when squared")

-- Analyses: NaN/Inf in the data, and finite data whose squares overflow.
local X = matrix.randn(30, 4)
local Xnan = X:copy(); Xnan:set(3, 2, 0 / 0)
local Xbig = X * 1e160
-- Every number in a result (a number, a matrix, or a table of them) finite.
local function finite(v)
  if type(v) == "number" then return v == v and math.abs(v) ~= math.huge end
  if type(v) == "table" then
    for _, x in pairs(v) do if not finite(x) then return false end end
    return true
  end
  if type(v) == "userdata" and v.rows then
    for i = 1, v:rows() do for j = 1, v:cols() do if not finite(v:get(i, j)) then return false end end end
  end
  return true
end
for _, c in ipairs {
  { "pca", function(d) return pca(d) end },
  { "npcs", function(d) return npcs(d) end },
  { "participation", function(d) return participation(d) end },
  { "similarity", function(d) return similarity(d, "corr") end },
  { "similarity", function(d) return similarity(d, "pca") end },
  { "cca", function(d) return cca(d, X) end },
  { "kinds", function(d) return kinds(d, 2) end },
  { "procrustes", function(d) return procrustes(d, X) end },
} do
  local name, fn = c[1], c[2]
  T.raises(function() fn(Xnan) end, name .. ": ", name .. " of data with a NaN is an error")
  local okb, err = pcall(fn, Xbig)
  -- Either the result is finite or the error names the magnitude.
  if okb then
    T.ok(finite(err), name .. " of data at 1e160 returns a finite result")
  else
    T.ok(tostring(err):find("too large (largest |value|", 1, true) ~= nil,
         name .. " of data at 1e160: the error names the magnitude (" .. tostring(err):sub(1, 160) .. ")")
  end
  T.ok(pcall(fn, X), name .. " of sane data still works")
end
T.raises(function() pca(X * 1e300) end, "too large (largest |value|", "pca of data at 1e300 names the cause")
-- fixedpoints validates the net and checks the points it returns.
local fpnet = rnn { n = 6, inputs = 1, outputs = 1, seed = 2 }
local pts = fixedpoints(fpnet, { starts = 8 })
local allfinite = true
for _, p in ipairs(pts) do
  for i = 1, fpnet.n do
    local v = p.x:get(i, 1) + p.eig:get(i, 1) + p.eig:get(i, 2)
    if v ~= v or math.abs(v) == math.huge then allfinite = false end
  end
end
T.ok(#pts >= 1 and allfinite, "fixedpoints of a sane net: finite points and eigenvalues")
-- Training from an exploding start (relu, g = 20: a loss near 1e140 against
-- ~0.75 for an all-zero output) is told at once and stops after 10
-- iterations that do not fix it, keeping the best parameters.
do
  seed(7)
  local task = tasks.flipflop { T = 60 }
  local boom = rnn { n = 16, inputs = 3, outputs = 3, activation = "relu", g = 20, seed = 1 }
  local h = boom:train(task, { method = "hf", iters = 40, batch = 16 })
  T.ok(h.stopped == "exploded" and h.iters == 10,
       string.format("hf on a relu net with g = 20 stops as exploded after 10 iterations (stopped %s, %d iterations, best %.3g)",
                     tostring(h.stopped), h.iters, h.best_loss))
  local calm = rnn { n = 16, inputs = 3, outputs = 3, seed = 1 }
  local hc = calm:train(task, { method = "hf", iters = 12, batch = 16 })
  T.ok(hc.stopped ~= "exploded" and hc.iters == 12, "a tanh net with the default g trains on (stopped " .. tostring(hc.stopped) .. ")")
end
T.done()
