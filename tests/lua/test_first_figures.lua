-- test_first_figures.lua — the figures a newcomer sees first (the README tour,
-- scripts/demo.lua, help("raster")) show what the models do: a heterogeneous,
-- irregular population at a plausible rate, a ring bump in the middle of its
-- heatmap.  The code is taken from those files, so the check follows them.
local T = dofile("tests/lua/harness.lua")

-- Figures are not the point here: draw nothing.
raster, heatmap, plot, play, pane, layout = function() end, function() end, function() end,
  function() end, function() end, function() end

local function lines_of(path, patterns)
  local f = assert(io.open(path))
  local out = {}
  for line in f:lines() do
    for _, p in ipairs(patterns) do
      if line:match(p) then out[#out + 1] = line; break end
    end
  end
  f:close()
  return table.concat(out, "\n")
end

local function run(code, what)
  local fn, err = load(code, "=" .. what)
  assert(fn, err)
  fn()
end

-- Spikes per neuron, ISIs, and how many neurons share each spike time.
local function spike_stats(res, n)
  local byn = {}
  local at = {}
  for k = 1, #res.spikes do
    local s = res.spikes[k]
    byn[s.i] = byn[s.i] or {}
    table.insert(byn[s.i], s.t)
    at[s.t] = (at[s.t] or 0) + 1
  end
  -- coefficient of variation of the ISIs, averaged over neurons with >= 4 spikes
  local cvs, ncv = 0, 0
  for i = 1, n do
    local t = byn[i]
    if t and #t >= 4 then
      local m, v = 0, 0
      for k = 2, #t do m = m + (t[k] - t[k - 1]) end
      m = m / (#t - 1)
      for k = 2, #t do v = v + (t[k] - t[k - 1] - m) ^ 2 end
      cvs = cvs + math.sqrt(v / (#t - 2)) / m
      ncv = ncv + 1
    end
  end
  local times, shared = 0, 0
  for _, c in pairs(at) do times = times + 1; if c > 1 then shared = shared + c end end
  return { cv = ncv > 0 and cvs / ncv or 0, distinct = times, shared = shared, nspikes = #res.spikes }
end

local function check_population(res, n, what)
  local mean, sd, lo, hi = res.rate:mean(), res.rate:std(), res.rate:min(), res.rate:max()
  local st = spike_stats(res, n)
  print(("# %s: rate mean %.1f Hz, sd %.1f, range %g..%g; ISI CV %.2f; %d spikes at %d distinct times")
        :format(what, mean, sd, lo, hi, st.cv, st.nspikes, st.distinct))
  T.ok(mean >= 5 and mean <= 40, ("%s: mean rate %.1f Hz is plausible (5..40 Hz)"):format(what, mean))
  T.ok(sd >= 3 and hi - lo >= 10, ("%s: rates differ across neurons (sd %.1f Hz, range %g..%g)"):format(what, sd, lo, hi))
  T.ok(st.cv >= 0.1, ("%s: firing is irregular (mean ISI CV %.2f >= 0.1)"):format(what, st.cv))
  T.ok(st.distinct >= 0.5 * st.nspikes,
       ("%s: not in lockstep (%d spikes at %d distinct times)"):format(what, st.nspikes, st.distinct))
end

-- The README's tour
seed(1)
run(lines_of("README.md", { "^    pop = lif{", "^    out = pop:run{" }):gsub("%-%-[^\n]*", ""), "README tour")
T.ok(pop.n == 100 and out ~= nil, "the README tour's population ran (100 neurons)")
check_population(out, 100, "README tour")

-- scripts/demo.lua
seed(2024)
run(lines_of("scripts/demo.lua", { "^pop = lif", "^res = pop:run" }), "demo")
check_population(res, pop.n, "demo")

-- help("raster")'s example, as typed
seed(3)
local ex = ganglion.helpentries()["raster"].example
run(ex, "raster example")
check_population(r, pop.n, "help(\"raster\") example")

-- Ring bumps: centred in the heatmap (unit angle pi is the middle column).
local function dist_from_pi(p) return math.abs(math.atan(math.sin(p - math.pi), math.cos(p - math.pi))) end
run(lines_of("README.md", { "^    r = ring{" }):gsub("%-%-[^\n]*", ""), "README ring")
do
  local b = r:bump(act)
  local steps = act:rows()
  local worst = 0
  for k = steps // 2, steps do worst = math.max(worst, dist_from_pi(b.position:get(k, 1))) end
  local _, col = act:row(steps):max()
  T.ok(worst < 0.3, ("README ring: the bump sits at the centre (within %.2f rad of pi)"):format(worst))
  T.ok(math.abs(col - (r.n // 2 + 1)) <= 2, ("README ring: its peak is column %d of %d"):format(col, r.n))
end
run(lines_of("scripts/demo.lua", { "^net = ring", "^act = net:run" }), "demo ring")
do
  local b = net:bump(act)
  local worst = 0
  for k = 1, act:rows() do worst = math.max(worst, dist_from_pi(b.position:get(k, 1))) end
  T.ok(worst < math.pi - 0.5,
       ("demo ring: the moving bump stays away from the heatmap's edges (within %.2f rad of the centre)"):format(worst))
end
T.done()
