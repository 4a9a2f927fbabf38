-- test_linear.lua — linear{...} through the Lua API: eigenmodes and stepping
-- against closed forms, Euler against a hand loop, NumPy's eig, error paths.
local T = dofile("tests/lua/harness.lua")

-- M = S diag(l1, l2) S^-1 with S = {{1, 0.4}, {0.3, 1}}
local l1, l2 = 0.35, -0.8
local S = { { 1, 0.4 }, { 0.3, 1 } }
local d = 1 - 0.4 * 0.3
local Si = { { 1 / d, -0.4 / d }, { -0.3 / d, 1 / d } }
local function mk()
  local M = matrix(2, 2)
  for i = 1, 2 do
    for j = 1, 2 do M:set(i, j, S[i][1] * l1 * Si[1][j] + S[i][2] * l2 * Si[2][j]) end
  end
  return M
end
local M = mk()
local tau, dt = 7.3, 0.45
local lin = linear { M = M, tau = tau, dt = dt }
T.ok(lin.n == 2 and lin.tau == tau and lin.dt == dt and lin.method == "exact", "fields n, tau, dt, method")
T.ok(tostring(lin):find("linear network: n=2", 1, true) ~= nil, "tostring")

local e = lin:eig()
T.near(e.values:get(1, 1), l1, 1e-12, "eigenvalue 1 (slowest first)")
T.near(e.values:get(2, 1), l2, 1e-12, "eigenvalue 2")
T.ok(e.imag:get(1, 1) == 0 and e.imag:get(2, 1) == 0 and e.complex == false, "real spectrum")
T.near(e.tau:get(1, 1), tau / (1 - l1), 1e-12, "mode time constant tau/(1-lambda1)")
T.near(e.tau:get(2, 1), tau / (1 - l2), 1e-12, "mode time constant tau/(1-lambda2)")
local nn = math.sqrt(1 + 0.3 ^ 2)
T.near(e.vectors:get(1, 1), 1 / nn, 1e-12, "eigenvector 1 x")
T.near(e.vectors:get(2, 1), 0.3 / nn, 1e-12, "eigenvector 1 y")

-- exact stepping vs v(t) = v* + S e^{(Λ-I)t/τ} S^-1 (v0 - v*) with constant h
local h = { 0.62, -1.15 }
local v0 = { 0.9, -0.4 }
local Tn = 200
local H = matrix(Tn, 2)
for t = 1, Tn do H:set(t, 1, h[1]); H:set(t, 2, h[2]) end
local V = lin:run(H, { v0 = v0 })
T.ok(V:rows() == Tn and V:cols() == 2, "run returns T×n")
local lam = { l1, l2 }
local function analytic(t)
  local c = {}
  for k = 1, 2 do
    local c0 = Si[k][1] * v0[1] + Si[k][2] * v0[2]
    local g = Si[k][1] * h[1] + Si[k][2] * h[2]
    local cs = g / (1 - lam[k])
    c[k] = cs + (c0 - cs) * math.exp((lam[k] - 1) * t / tau)
  end
  return S[1][1] * c[1] + S[1][2] * c[2], S[2][1] * c[1] + S[2][2] * c[2]
end
local worst = 0
for t = 1, Tn do
  local x, y = analytic(t * dt)
  worst = math.max(worst, math.abs(V:get(t, 1) - x), math.abs(V:get(t, 2) - y))
end
T.ok(worst < 1e-12, string.format("exact stepping = analytic solution, row t after t steps (max err %.2g)", worst))

local vs = lin:fixed(h)
local fx, fy = analytic(1e7)
T.near(vs:get(1, 1), fx, 1e-12, "fixed point x")
T.near(vs:get(2, 1), fy, 1e-12, "fixed point y")

-- Euler vs a hand loop, varying input, v0 from the network's field
lin.v0 = v0
local Hv = matrix(40, 2)
for t = 1, 40 do Hv:set(t, 1, math.sin(0.31 * t)); Hv:set(t, 2, 0.25 - 0.013 * t) end
local Ve = lin:run(Hv, { method = "euler" })
local x, y = v0[1], v0[2]
local a = dt / tau
worst = 0
for t = 1, 40 do
  local nx = x + a * (-x + M:get(1, 1) * x + M:get(1, 2) * y + Hv:get(t, 1))
  local ny = y + a * (-y + M:get(2, 1) * x + M:get(2, 2) * y + Hv:get(t, 2))
  x, y = nx, ny
  worst = math.max(worst, math.abs(Ve:get(t, 1) - x), math.abs(Ve:get(t, 2) - y))
end
T.ok(worst < 1e-13, string.format("Euler matches the hand-iterated scheme (max err %.2g)", worst))
lin.method = "euler"
local Ve2 = lin:run(Hv)
T.ok(Ve2 == Ve, "lin.method = 'euler' changes the default stepper")
lin.method = "exact"

-- phase helper: eigenvector lines through the fixed point, parallel to S's columns
local lines = lin:phase(V, { h = h })
T.ok(#lines == 2, "phase draws one line per real eigenvector")
local L1 = lines[1]
local mx, my = (L1.x[1] + L1.x[2]) / 2, (L1.y[1] + L1.y[2]) / 2
T.near(mx, vs:get(1, 1), 1e-12, "eigenvector line centred on the fixed point (x)")
T.near(my, vs:get(2, 1), 1e-12, "eigenvector line centred on the fixed point (y)")
T.near((L1.y[2] - L1.y[1]) / (L1.x[2] - L1.x[1]), 0.3, 1e-10, "line 1 along eigenvector (1, 0.3)")
T.near((lines[2].x[2] - lines[2].x[1]) / (lines[2].y[2] - lines[2].y[1]), 0.4, 1e-10, "line 2 along eigenvector (0.4, 1)")

-- complex pair (rotation): lambda = 0.3 ± 0.8i
local rot = linear { M = { { 0.3, -0.8 }, { 0.8, 0.3 } }, tau = 4.2, dt = 0.5 }
local er = rot:eig()
T.ok(er.complex, "rotation has a complex pair")
T.near(er.imag:get(1, 1), 0.8, 1e-12, "+imag first")
T.near(er.omega:get(1, 1), 0.8 / 4.2, 1e-12, "omega = Im lambda / tau")
T.near(er.tau:get(1, 1), 4.2 / 0.7, 1e-12, "decay time tau/(1 - Re lambda)")
local Vr = rot:run(matrix(30, 2), { v0 = { 1.3, -0.6 } })
local s = 30 * 0.5 / 4.2
local g, th = math.exp(-0.7 * s), 0.8 * s
T.near(Vr:get(30, 1), g * (math.cos(th) * 1.3 + math.sin(th) * 0.6), 1e-12, "exact decaying rotation x(30)")
T.near(Vr:get(30, 2), g * (math.sin(th) * 1.3 - math.cos(th) * 0.6), 1e-12, "exact decaying rotation y(30)")
T.ok(#rot:phase(Vr) == 2, "complex pair drawn as its real and imaginary directions")

-- NumPy's eigenvalues of a random 6×6 matrix (complex pairs likely)
local py = "/usr/bin/python3"
local probe = io.popen(py .. " -c 'import numpy' 2>&1 && echo yes")
local have_np = probe and probe:read("a"):find("yes") ~= nil
if probe then probe:close() end
if have_np then
  seed(2385)
  local R = matrix.randn(6, 6) * 0.5
  local tmp = os.tmpname()
  R:save(tmp .. ".npy")
  local cmd = py .. " -c \"import numpy as np; w = np.linalg.eigvals(np.load('" .. tmp ..
      ".npy')); w = sorted(w, key=lambda z: (-z.real, -z.imag)); print(' '.join('%.17g %.17g' % (z.real, z.imag) for z in w))\""
  local f = io.popen(cmd)
  local out = f:read("a"); f:close()
  local ref = {}
  for num in out:gmatch("%S+") do ref[#ref + 1] = tonumber(num) end
  local ee = linear { M = R, tau = 5 }:eig()
  worst = 0
  for k = 1, 6 do
    worst = math.max(worst, math.abs(ee.values:get(k, 1) - ref[2 * k - 1]), math.abs(ee.imag:get(k, 1) - ref[2 * k]))
  end
  T.ok(#ref == 12 and worst < 1e-10, string.format("eigenvalues of a random 6x6 match numpy.linalg.eigvals (%.2g)", worst))
  os.remove(tmp .. ".npy"); os.remove(tmp)
else
  T.skip("numpy not available for the eigenvalue cross-check")
end

-- SciPy reference for a random 20-unit network at dt = tau: the textbook
-- propagator e^{A dt} (scipy.linalg.expm, Pade) and A^-1 (e^{A dt} - I)/tau
-- (numpy.linalg.solve), independent of our augmented-matrix exponential.
local probe2 = io.popen(py .. " -c 'import scipy.linalg' 2>&1 && echo yes")
local have_sp = probe2 and probe2:read("a"):find("yes") ~= nil
if probe2 then probe2:close() end
if have_sp then
  seed(4242)
  local n, steps = 20, 60
  local R = matrix.randn(n, n) * 0.2
  local Hr = matrix.randn(steps, n)
  local v0r = matrix.randn(n, 1)
  local big = linear { M = R, tau = 3, dt = 3 }
  local ours = big:run(Hr, { v0 = v0r })
  local tmp = os.tmpname()
  R:save(tmp .. "_M.npy"); Hr:save(tmp .. "_H.npy"); v0r:save(tmp .. "_v0.npy")
  local code = table.concat({
    "import numpy as np, scipy.linalg as sl",
    "M=np.load('" .. tmp .. "_M.npy'); H=np.load('" .. tmp .. "_H.npy'); v=np.load('" .. tmp .. "_v0.npy')[:,0]",
    "n=M.shape[0]; tau=3.0; dt=3.0; A=(M-np.eye(n))/tau",
    "P=sl.expm(A*dt); Q=np.linalg.solve(A, P-np.eye(n))/tau",
    "out=np.empty(H.shape)",
    "for t in range(H.shape[0]):",
    "    v=P@v+Q@H[t]; out[t]=v",
    "np.save('" .. tmp .. "_ref.npy', out)",
  }, "\n")
  local f = io.open(tmp .. ".py", "w"); f:write(code); f:close()
  os.execute(py .. " " .. tmp .. ".py")
  local ref = matrix.load(tmp .. "_ref.npy")
  local d, scale = 0, 0
  for t = 1, steps do
    for i = 1, n do
      d = math.max(d, math.abs(ref:get(t, i) - ours:get(t, i)))
      scale = math.max(scale, math.abs(ref:get(t, i)))
    end
  end
  T.ok(d < 1e-10 * math.max(1, scale), string.format("20-unit exact run at dt = tau matches SciPy expm propagation (max diff %.2g, scale %.2g)", d, scale))
  for _, sfx in ipairs { "_M.npy", "_H.npy", "_v0.npy", "_ref.npy", ".py", "" } do os.remove(tmp .. sfx) end
else
  T.skip("scipy not available for the 20-unit propagator cross-check")
end

-- error paths
T.raises(function() linear { M = M, tau = 0 } end, "tau must be > 0", "tau = 0")
T.raises(function() linear { M = M, tau = -1 } end, "tau must be > 0", "tau < 0")
T.raises(function() linear { M = M, tau = 1, dt = 2 } end, "must not exceed tau", "dt > tau")
T.raises(function() linear { M = M, tau = 0 / 0 } end, "NaN", "tau NaN")
T.raises(function() linear { M = matrix(2, 3) } end, "M must be square", "non-square M")
T.raises(function() linear { M = { { 1, 0 / 0 }, { 0, 1 } } } end, "M(1,2) is not finite", "NaN in M")
T.raises(function() linear { tau = 3 } end, "'M'", "M missing")
T.raises(function() linear { M = {} } end, "", "empty M (n = 0)")
T.raises(function() linear { M = M, tua = 3 } end, "unknown option 'tua'", "typo in option")
T.raises(function() linear { M = M, method = "rk4" } end, "method must be", "bad method")
T.raises(function() lin:run(matrix(5, 3)) end, "h must be T×2", "h with wrong columns")
T.raises(function() lin:run() end, "h (T×2 input matrix) is required", "h missing")
local Hn = matrix(5, 2); Hn:set(3, 2, 0 / 0)
T.raises(function() lin:run(Hn) end, "h(3,2) is not finite", "NaN in h")
T.raises(function() lin:run(H, { v0 = { 1, 2, 3 } }) end, "v0 must have 2 entries", "v0 wrong size")
T.raises(function() lin:run(H, { v0 = { 1, 0 / 0 } }) end, "v0(2) is not finite", "NaN in v0")
T.raises(function() lin:run(H, { methd = "euler" }) end, "unknown option", "run option typo")
T.raises(function() lin.tau = 3 end, "read-only", "tau is read-only")
local integ = linear { M = { { 1, 0 }, { 0, 0.5 } }, tau = 2 }
T.raises(function() integ:fixed(1) end, "singular", "no fixed point with an integrator")
T.ok(integ:eig().tau:get(1, 1) == math.huge, "integrator mode: infinite time constant")
T.raises(function() linear { M = { { 0.5 } }, tau = 3 }:phase(matrix(4, 1)) end, "n >= 2", "phase needs 2 units")

T.done()
