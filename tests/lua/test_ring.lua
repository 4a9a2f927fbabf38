-- test_ring.lua — ring{...} through the Lua API: mean-field bump, persistence,
-- cue tracking, the notebook preset, bump() on synthetic profiles, a NumPy
-- dense-weight reference run, error paths.
local T = dofile("tests/lua/harness.lua")
local pi = math.pi
local function wrap(x) return (x + pi) % (2 * pi) - pi end

local r = ring {}
T.ok(r.n == 100 and r.w0 == -2 and r.w1 == 4 and r.h0 == 1 and r.h1 == 0.5 and r.T == 0
     and r.tau == 10 and r.dt == 1, "attractor defaults")
T.ok(tostring(r):find("bump attractor", 1, true) ~= nil, "tostring names the regime")
T.ok(r.state:rows() == 100 and r.state:sum() == 0, "state starts at zero")

local cued = r:run { steps = 300, phase = 1.0 }
T.ok(cued:rows() == 300 and cued:cols() == 100, "run returns steps×n")
local free = r:run { steps = 2000, cue = 0 }
local b = r:bump(free)
T.near(b.position:get(2000, 1), 1.0, 0.02, "bump persists at the cued angle 200 tau after cue removal")
T.near(b.height:get(2000, 1), pi / 2, 0.01, "height = mean-field pi (h0-T)/(-w0) = pi/2")
T.near(b.width:get(2000, 1), 2 * pi / 3, 0.02, "width at half height = 2pi/3 (w1 = 4: half the ring active)")
T.ok(r.state == free:row(2000):t(), "r.state is the last row")

local mf = r:meanfield()
T.ok(mf.bump and math.abs(mf.height - pi / 2) < 1e-12 and math.abs(mf.width - 2 * pi / 3) < 1e-12
     and math.abs(mf.half_width - pi / 2) < 1e-12, "r:meanfield() for the defaults")
T.ok(ring.notebook():meanfield().bump == false, "r:meanfield(): notebook preset has no bump")
local run = ring { w0 = 0.5 }
T.ok(not run:meanfield().bump and tostring(run):find("not inhibitory enough", 1, true) ~= nil,
     "w1 > 2 with w0 = 0.5 is flagged")
T.ok(run:bump(run:run { steps = 300 }).height:get(300, 1) > 100, "... and its activity does run away")

-- slowly rotating cue: 0.001 rad per time unit, one run continuing the last state
local A = r:run { steps = 3000, speed = 0.001, phase = 1.0 }
local bb = r:bump(A)
local worst = 0
for k = 1500, 3000 do worst = math.max(worst, math.abs(wrap(bb.position:get(k, 1) - (1.0 + 0.001 * (k - 1))))) end
T.ok(worst < 0.1, string.format("bump tracks a slowly rotating cue (max lag %.3f rad)", worst))
T.near(r.phase, wrap(1.0 + 0.001 * 3000), 1e-12, "cue phase kept for the next run")

-- a new ring's first cue points at its middle unit (θ = π): the bump sits in
-- the middle of its heatmap, not split across the edges
local rc = ring {}
T.near(rc.phase, math.pi, 1e-15, "a new ring's cue phase is pi")
local ac = rc:run { steps = 300 }
local _, imax = ac:row(300):t():max()
T.ok(imax == rc.n // 2 + 1, string.format("the default bump peaks at the middle unit (%d of %d)", imax, rc.n))
local bc = rc:bump(ac)
T.near(math.abs(bc.position:get(300, 1)), math.pi, 1e-6, "and its position is pi")

-- consecutive runs continue each other (state and cue phase)
local r2 = ring { n = 64 }
local whole = r2:run { steps = 200, speed = 0.02, a0 = 0.3, phase = 0.5 }
r2:run { steps = 120, speed = 0.02, a0 = 0.3, phase = 0.5 }
local rest = r2:run { steps = 80, speed = 0.02 }
local dd = 0
for i = 1, 64 do dd = math.max(dd, math.abs(rest:get(80, i) - whole:get(200, i))) end
T.ok(dd < 1e-12, string.format("120 + 80 steps equal 200 steps (%.2g; the cue phase is re-wrapped)", dd))

-- notebook preset: input-driven profile that dies without the cue
local nb = ring.notebook()
T.ok(nb.w0 == 0.9 and nb.w1 == 1 and nb.h0 == 2 and nb.h1 == 1 and nb.T == 2, "notebook preset parameters")
T.ok(tostring(nb):find("input-driven", 1, true) ~= nil, "notebook preset is labelled input-driven")
local nb2 = ring { preset = "notebook", n = 50 }
T.ok(nb2.n == 50 and nb2.w1 == 1, "ring{preset='notebook'} with an override")
local p0 = nb.phase
local wave = nb:run { steps = 600, speed = 0.01 }
local hw = nb:bump(wave).height:get(600, 1)
local gone = nb:run { steps = 400, cue = 0 }
local hg = nb:bump(gone).height:get(400, 1)
T.ok(hw > 0.5 and hg < 1e-3 * hw, string.format("notebook: profile %.3g while cued, %.2g after removal", hw, hg))
-- the input-driven wave lags the cue: still tracks it (it is driven) but with a lag
local bw = nb:bump(wave)
local lag = wrap(p0 + 0.01 * 599 - bw.position:get(600, 1))
T.ok(lag > 0 and lag < 1, string.format("notebook: travelling wave lags the cue by %.3f rad", lag))

-- bump() on a synthetic cosine bump
local m, amp, base, thc, c0 = 360, 2.385, 0.31, 1.1, -2.6
local syn = matrix(1, m)
for i = 1, m do
  local c = math.cos(2 * pi * (i - 1) / m - c0) - math.cos(thc)
  syn:set(1, i, base + amp * math.max(c, 0))
end
local sb = ring.bump(syn)
T.near(sb.position:get(1, 1), c0, 1e-4, "synthetic bump position")
T.near(sb.height:get(1, 1), amp * (1 - math.cos(thc)), 1e-3, "synthetic bump height A(1-cos thc)")
T.near(sb.width:get(1, 1), 2 * math.acos((1 + math.cos(thc)) / 2), 2e-3, "synthetic bump width")
-- a flat row has no position (NaN, documented) beside a row with a bump;
-- when every row is flat there is no bump at all: an error
local mixed = matrix(2, 8, 0.4)
mixed:set(2, 3, 1.4)
local flat = ring.bump(mixed)
T.ok(flat.position:get(1, 1) ~= flat.position:get(1, 1) and flat.width:get(1, 1) == 2 * pi
     and flat.height:get(1, 1) == 0, "flat profile: NaN position, width 2pi, height 0")
T.near(flat.position:get(2, 1), 2 * pi * 2 / 8, 1e-12, "the row with a peak at unit 3 beside it: position 2pi*2/8")
T.raises(function() ring.bump(matrix(2, 8, 0.4)) end, "flat in every row", "every row flat: an error, not NaNs")
T.ok(r:bump(r.state).position:rows() == 1, "bump of one n×1 state")

-- NumPy reference: the same Euler scheme with the dense W = (w0 + w1 cos)/n
local py = "/usr/bin/python3"
local probe = io.popen(py .. " -c 'import numpy' 2>&1 && echo yes")
local have_np = probe and probe:read("a"):find("yes") ~= nil
if probe then probe:close() end
if have_np then
  local q = ring { n = 80, w0 = -1.3, w1 = 3.1, h0 = 0.8, h1 = 0.7, T = 0.2, tau = 6, dt = 0.5 }
  seed(7)
  local a0 = matrix.rand(80, 1)
  local ours = q:run { steps = 400, speed = 0.013, a0 = a0, phase = -0.4 }
  local tmp = os.tmpname()
  a0:save(tmp .. "_a0.npy")
  local code = table.concat({
    "import numpy as np",
    "n=80; w0=-1.3; w1=3.1; h0=0.8; h1=0.7; T=0.2; tau=6.0; dt=0.5",
    "th=2*np.pi*np.arange(n)/n",
    "W=(w0+w1*np.cos(th[:,None]-th[None,:]))/n",
    "r=np.load('" .. tmp .. "_a0.npy')[:,0]",
    "out=np.empty((400,n))",
    "for k in range(400):",
    "    psi=-0.4+0.013*k*dt",
    "    r=r+dt/tau*(-r+np.maximum(W@r+h0+h1*np.cos(th-psi)-T,0))",
    "    out[k]=r",
    "np.save('" .. tmp .. "_ref.npy', out)",
  }, "\n")
  local f = io.open(tmp .. ".py", "w"); f:write(code); f:close()
  os.execute(py .. " " .. tmp .. ".py")
  local ref = matrix.load(tmp .. "_ref.npy")
  local d = 0
  for k = 1, 400 do for i = 1, 80 do d = math.max(d, math.abs(ref:get(k, i) - ours:get(k, i))) end end
  T.ok(d < 1e-10, string.format("400 steps with a moving cue match a dense-W NumPy loop (max diff %.2g)", d))
  for _, s in ipairs { "_a0.npy", "_ref.npy", ".py", "" } do os.remove(tmp .. s) end
else
  T.skip("numpy not available for the reference run")
end

-- r:play hands a subsampled activity to play() (batch mode prints frames)
do
  local ok, err = pcall(r.play, r, A, { every = 100, frames = 2 })
  T.ok(ok, "r:play draws frames of the moving bump" .. (ok and "" or (": " .. tostring(err))))
  T.raises(function() r:play(matrix(10, 7)) end, "must have 100 columns", "r:play with wrong width")
end

-- error paths
T.raises(function() ring { n = 0 } end, "n must be >= 1", "n = 0")
T.raises(function() ring { tau = 0 } end, "tau must be > 0", "tau = 0")
T.raises(function() ring { tau = -2 } end, "tau must be > 0", "tau < 0")
T.raises(function() ring { dt = 11 } end, "must not exceed tau", "dt > tau")
T.raises(function() ring { w1 = 0 / 0 } end, "NaN", "w1 NaN")
T.raises(function() ring { T = math.huge } end, "T must be a finite number", "T infinite")
T.raises(function() ring { w2 = 1 } end, "unknown option 'w2'", "unknown option")
T.raises(function() ring { preset = "bogus" } end, "preset must be", "unknown preset")
T.raises(function() r:run { steps = 0 } end, "steps must be >= 1", "steps = 0")
T.raises(function() r:run { steps = 10, a0 = { 1, 2 } } end, "a0 must have 100 entries", "a0 wrong size")
local bad = matrix(100, 1); bad:set(5, 1, 0 / 0)
T.raises(function() r:run { steps = 10, a0 = bad } end, "a0(5) is not finite", "a0 with NaN")
T.raises(function() r:run { steps = 10, speed = math.huge } end, "speed must be a finite number", "speed infinite")
T.raises(function() r:run { steps = 10, cue = 0 / 0 } end, "NaN", "cue NaN")
T.raises(function() r:run { stpes = 10 } end, "unknown option 'stpes'", "run option typo")
T.raises(function() r:bump(matrix(5, 7)) end, "must have 100 columns", "bump with wrong width")
local nanA = matrix(2, 100); nanA:set(2, 3, 0 / 0)
T.raises(function() r:bump(nanA) end, "activity(2,3) is not finite", "bump of NaN activity")
T.raises(function() r.w1 = 5 end, "read-only", "parameters are read-only")
r.state = 0.25
T.ok(r.state:get(17, 1) == 0.25, "state can be assigned")

-- No silent non-finite output: an overflowing run is an error naming the value.
T.raises(function() ring { w1 = 1e308 }:run { steps = 20 } end, "the activity overflowed",
  "ring{w1=1e308}:run raises instead of returning Inf/NaN")

T.done()
