-- ring.lua — the notebook's ring-network figure redone with ganglion's ring{}
-- (Ben-Yishai, Bar-Or & Sompolinsky 1995): a bump placed by a cue, kept
-- after the cue is removed, dragged by a slowly rotating cue; and the
-- notebook's own parameters, which give only an input-driven travelling wave.
-- Run: ganglion -b scripts/notebook/ring.lua
--
-- The notebook itself is not in this repository; what its hand-made
-- version got wrong, and what this script does instead:
--  1. Its parameters (w0=0.9, w1=1, h0=2, h1=1, T=2) were presented as a
--     ring attractor.  With w1 = 1 < 2 the cosine mode decays (time constant
--     tau/(1 - w1/2)), so the profile is the filtered cue: a travelling wave
--     that lags a rotating cue and vanishes when the cue is removed (shown
--     below with ring.notebook()).  An attractor needs w1 > 2 and w0 < 0;
--     the defaults (w1=4, w0=-2, h0-T=1) give the mean-field bump of height
--     pi/2 and width at half height 2pi/3, checked below.
--  2. The threshold T was applied in some places and not others; here it is
--     the rectification threshold in r = [W r + h - T]_+ everywhere.
--  3. The bump position was read as the most active unit (jumps in steps of
--     2pi/n) or with atan(y/x) (wrong half-plane); ring:bump uses the
--     population vector atan2(sum r sin theta, sum r cos theta) and unwraps it.
--  4. W·r as a dense product every step; W has rank 3, so ganglion computes it
--     in O(n) (see bench/bench_ring.sh for the speed-up).

local pi = math.pi
local function wrap(x) return (x + pi) % (2 * pi) - pi end

-- 1) attractor: cue at 1 rad for 300 steps, then 1500 steps with no input
local r = ring {}
print(r)
local cued = r:run { steps = 300, phase = 1.0 }
local free = r:run { steps = 1500, cue = 0 }
local b, mf = r:bump(free), r:meanfield()
print(string.format("after %d steps (%.0f tau) without cue: position %.4f rad (cue was at 1), height %.4f (mean field %.4f), width %.4f (mean field %.4f)",
  1500, 1500 * r.dt / r.tau, b.position:get(1500, 1), b.height:get(1500, 1), mf.height, b.width:get(1500, 1), mf.width))
if heatmap then
  -- units down, time across; the cue goes off after step 300
  local all = matrix(1800, r.n)
  for k = 1, 300 do for i = 1, r.n do all:set(k, i, cued:get(k, i)) end end
  for k = 1, 1500 do for i = 1, r.n do all:set(300 + k, i, free:get(k, i)) end end
  heatmap(all:t(), { title = "attractor: cue on (steps 1-300), then off: the bump stays", xlabel = "step", ylabel = "unit" })
end

-- 2) tracking a slowly rotating cue (0.002 rad per time unit)
local A = r:run { steps = 3000, speed = 0.002, phase = 1.0 }
local bt = r:bump(A)
local worst = 0
for k = 1000, 3000 do worst = math.max(worst, math.abs(wrap(bt.position:get(k, 1) - (1.0 + 0.002 * (k - 1))))) end
print(string.format("rotating cue, speed 0.002 rad/time: bump lags by at most %.3f rad after step 1000", worst))
if plot then
  local cue = matrix(3000, 1)
  for k = 1, 3000 do cue:set(k, 1, 1.0 + 0.002 * (k - 1)) end
  local base = bt.unwrapped:get(1, 1) - 1.0
  local path = matrix(3000, 1)
  for k = 1, 3000 do path:set(k, 1, bt.unwrapped:get(k, 1) - base) end
  plot({ cue, path }, { title = "attractor bump following a rotating cue", labels = { "cue angle", "bump position (unwrapped)" }, xlabel = "step", ylabel = "rad" })
end

-- 3) the notebook's parameters: an input-driven travelling wave
local nb = ring.notebook()
print(nb)
local wave = nb:run { steps = 600, speed = 0.01 }
local gone = nb:run { steps = 300, cue = 0 }
local bw, bg = nb:bump(wave), nb:bump(gone)
print(string.format("notebook preset: height %.3f while driven, lag behind the cue %.3f rad; %.2g after 300 steps without cue",
  bw.height:get(600, 1), wrap(0.01 * 599 - bw.position:get(600, 1)), bg.height:get(300, 1)))
if heatmap then
  local all = matrix(900, nb.n)
  for k = 1, 600 do for i = 1, nb.n do all:set(k, i, wave:get(k, i)) end end
  for k = 1, 300 do for i = 1, nb.n do all:set(600 + k, i, gone:get(k, i)) end end
  heatmap(all:t(), { title = "notebook params: travelling wave (steps 1-600), cue off: it dies", xlabel = "step", ylabel = "unit" })
end
if plot then
  local h = matrix(900, 1)
  for k = 1, 600 do h:set(k, 1, bw.height:get(k, 1)) end
  for k = 1, 300 do h:set(600 + k, 1, bg.height:get(k, 1)) end
  plot(h, { title = "notebook params: profile height (cue removed at step 600)", xlabel = "step" })
end

-- 4) the moving bump as an animation (batch mode prints a few frames)
if play then
  r:play(A, { every = 50, title = "attractor bump following the cue (every 50th step)" })
end
