-- test_labels.lua — the solution-type labels of sweep_measure on networks whose dynamics are
-- known by construction: discrete attractors, a line attractor, a ramp, an oscillator and a
-- feed-forward transient each get their own label (the rule is in help("sweep")).
local T = dofile("tests/lua/harness.lua")
require "sweep"

-- A minimal user task: one input, one output, trials of `len` steps whose input is
-- drive(t, b) (b the trial index); the score is irrelevant here.
local function task_of(len, drive)
  local t = { name = "probe", inputs = 1, outputs = 1, T = len }
  function t:sample(B)
    local bt = { u = {}, target = {}, mask = {}, info = {} }
    for b = 1, B do
      local u = matrix(len, 1, 0)
      for s = 1, len do u:set(s, 1, drive(s, b)) end
      bt.u[b], bt.target[b], bt.mask[b], bt.info[b] = u, matrix(len, 1, 0), matrix(len, 1, 1), {}
    end
    return bt
  end
  function t:score() return 0 end
  return t
end

-- A net with the given weights (plain tables), zero biases.
local function net_of(n, W, Win, opts)
  local net = rnn { n = n, inputs = 1, outputs = 1, activation = opts and opts.activation or "tanh", seed = 1 }
  net.W = matrix(W)
  net.Win = matrix(Win)
  net.b = matrix(n, 1, 0)
  net.Wout = matrix(1, n, 1 / n)
  net.bout = matrix(1, 1, 0)
  net.x0 = matrix(opts and opts.x0 or n == 0 and {} or (function() local t = {} for i = 1, n do t[i] = { 0 } end return t end)())
  return net
end

local function label(net, task, B)
  seed(2)
  local row = sweep_measure(net, task, task:sample(B or 8), 64)
  row.label = sweep_label(row)
  return row
end

local function show(row)
  return ("nfixed %d, nstable %d, nmarginal %d, slow %.3g, ramp %.2f, cycles %.1f"):format(
    row.nfixed, row.nstable, row.nmarginal, row.slow, row.ramp, row.cycles)
end

-- Discrete attractors: two bistable units (self-excitation 3 > 1) kicked by input pulses of
-- either sign: four stable states (±x*, ±x*), none marginal.
do
  local task = task_of(100, function(s, b) return (s >= 5 and s <= 8) and ((b % 2 == 0) and 2 or -2) or 0 end)
  local net = net_of(2, { { 3, 0 }, { 0, 3 } }, { { 1 }, { -0.7 } })
  local r = label(net, task)
  T.ok(r.label == "attractors" and r.nstable >= 2, "two bistable units -> attractors (" .. show(r) .. ")")
end

-- Line attractor: a rectified-linear pair with W = [[.5, .5], [.5, .5]] (eigenvalue 1 along
-- (1, 1)): every point c(1, 1), c > 0, is fixed; input pulses move the state along the line.
do
  local task = task_of(100, function(s, b) return (s >= 10 and s <= 12) and 0.2 * b or 0 end)
  local net = net_of(2, { { 0.5, 0.5 }, { 0.5, 0.5 } }, { { 1 }, { 1 } },
                     { activation = "relu", x0 = { { 0.5 }, { 0.5 } } })
  local r = label(net, task)
  T.ok(r.label == "line attractor" and r.nmarginal >= 2, "integrator (eigenvalue 1) -> line attractor (" .. show(r) .. ")")
end

-- Ramp: one leaky unit (self-coupling 0.9: time constant tau/0.1 = 100 steps, the trial's
-- length) driven by a constant input drifts steadily; its one fixed point is not marginal.
do
  local task = task_of(100, function() return 1 end)
  local net = net_of(3, { { 0.9, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } }, { { 0.05 }, { 0 }, { 0 } })
  local r = label(net, task)
  T.ok(r.label == "ramping" and r.ramp >= 0.8 and r.nmarginal == 0, "slow leaky unit under constant drive -> ramping (" .. show(r) .. ")")
end

-- Oscillator: a rotation-like pair (W = 2 R(45°)): the origin is an unstable focus and
-- tanh bounds the spiral into a limit cycle (period ~ 2 pi / 0.14 ~ 44 steps).
do
  local task = task_of(300, function() return 0 end)
  local c = 2 * math.cos(math.pi / 4)
  local net = net_of(2, { { c, -c }, { c, c } }, { { 0 }, { 0 } }, { x0 = { { 0.5 }, { 0 } } })
  local r = label(net, task, 4)
  T.ok(r.label == "oscillator" and r.cycles >= 2, "unstable focus with a limit cycle -> oscillator (" .. show(r) .. ")")
end

-- Feed-forward transient: a chain 1 -> 2 -> ... -> 6 (no loops, W nilpotent: the origin is the
-- only fixed point, all eigenvalues -1/tau) carries an input pulse along and lets it die out.
do
  local W = {}
  for i = 1, 6 do W[i] = { 0, 0, 0, 0, 0, 0 } end
  for i = 2, 6 do W[i][i - 1] = 1.5 end
  local task = task_of(100, function(s) return (s >= 5 and s <= 7) and 1 or 0 end)
  local net = net_of(6, W, { { 3 }, { 0 }, { 0 }, { 0 }, { 0 }, { 0 } })
  local r = label(net, task)
  T.ok(r.label == "transient" and r.nstable == 1 and r.nmarginal == 0 and r.cycles < 2,
       "feed-forward chain -> transient (" .. show(r) .. ")")
end

-- sweep_label refuses what is not a measured row.
T.raises(function() sweep_label({ nstable = 1 }) end, "row.cycles must be a number", "sweep_label: incomplete row")
T.done()
