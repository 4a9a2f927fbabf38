-- cpg.lua — the notebook's respiratory-CPG figure (Rubin et al. 2009, Fig. 2A-like),
-- redone with ganglion's cpg{}: outputs of pre-I, early-I, post-I and aug-E in the
-- three-, two- and one-phase states, with period and phase order measured.
-- Run: ganglion -b scripts/notebook/cpg.lua
--
-- Bugs of the notebook's hand-made version, and what this script does instead:
--  1. Forward Euler with a 2 ms step.  The membrane time constant under full
--     inhibition is C/(gL + gsynI·Σb f + ...) ≈ 20/32 ≈ 0.6 ms, so Euler is unstable
--     above ~1.3 ms: at dt = 2 ms V runs off to ±1e8 mV (shown below), at 1.5 ms the
--     rhythm is lost.  Here GSL's adaptive rk8pd integrates (rtol 1e-8), and dt only
--     sets how often the solution is sampled.
--  2. Inhibition written as a negative weight on an excitatory-style term
--     (−b·f added to the drive, all with reversal EsynE = 0): a "negative
--     conductance" that depolarises as soon as V < 0.  In the model inhibition is
--     gsynI·Σ b_ji f(V_j)·(V − EsynI) with b ≥ 0 and EsynI = −75 mV; cpg{} rejects
--     negative weights.
--  3. Parameters typed from memory of the paper.  The defaults here are the
--     authors' ModelDB 125529 file (e.g. tauhp = 6000 ms, Kad3 = 1.3, Tad3 = 1000 ms,
--     c13 = 0.63), and every one can be changed by name: cpg{gNaP = 3}.
--  4. The first seconds (initial transient from V = −60 mV) were shown as if they
--     were the rhythm; here the analysis skips the first 6 s.
local function outputs(c, title)
  local r = c:run{t = 16000, dt = 5, reset = true}
  local ph = cpg.phases(r, {skip = 6000})
  -- last 10 s, as in the paper's figure
  local n = r.t:rows()
  local first = n - 2000 + 1
  local cols = {}
  for j = 1, 4 do cols[j] = r.out:sub(first, n, j, j):copy() end
  local x = r.t:sub(first, n) / 1000
  local per = ph.period == ph.period and string.format("%.2f s", ph.period / 1000) or "none"
  local sub = string.format("%s: period %s, order %s", title, per, table.concat(ph.order, " > "))
  if #ph.silent > 0 then sub = sub .. "; not bursting: " .. table.concat(ph.silent, ", ") end
  print(sub)
  if plot then
    -- stacked traces, as in the paper's figure: population j drawn at offset 4 - j
    local stacked = r.out:sub(first, n) + matrix{ { 3.6, 2.4, 1.2, 0 } }
    plot(stacked, {x = x, labels = {"pre-I (+3.6)", "early-I (+2.4)", "post-I (+1.2)", "aug-E"},
                   xlabel = "t (s)", ylabel = "output, stacked", height = 18})
  else
    for i = 1, 2000, 50 do
      print(string.format("%6.2f  %5.2f %5.2f %5.2f %5.2f", x:get(i, 1), cols[1]:get(i, 1),
        cols[2]:get(i, 1), cols[3]:get(i, 1), cols[4]:get(i, 1)))
    end
  end
  print(string.format("  phases (fraction of cycle after pre-I onset): pre-I %.2f, early-I %.2f, " ..
    "post-I %.2f, aug-E %.2f; %d populations burst", ph.phase[1], ph.phase[2], ph.phase[3],
    ph.phase[4], ph.active))
  return ph
end

print("Rubin, Shevtsova, Ermentrout, Smith & Rybak 2009, J Neurophysiol 101:2146")
local three = outputs(cpg{}, "three-phase (intact: Drive1 = pons on)")
local two = outputs(cpg{Drive1 = 0}, "two-phase (pons removed: Drive1 = 0)")
local one = outputs(cpg{Drive1 = 0, Drive2 = 0}, "one-phase (pre-BotC alone: Drive1 = Drive2 = 0)")
print(string.format("periods: three-phase %.2f s, two-phase %.2f s, one-phase %.2f s",
  three.period / 1000, two.period / 1000, one.period / 1000))

-- Bug 1 shown: the notebook's forward Euler at dt = 2 ms versus dt = 0.5 ms.
local function euler(h, T)
  local c = cpg{}
  local y = {-60, -60, -60, -60, 0.35, 0, 0, 0}
  for _ = 1, math.floor(T / h) do
    local d = c:rhs(y)
    for i = 1, 8 do y[i] = y[i] + h * d:get(i, 1) end
    if not (math.abs(y[1]) < 1e6) then return y[1] end
  end
  return y[1]
end
print(string.format("forward Euler, V(pre-I) after 3 s: dt = 0.5 ms -> %.1f mV; dt = 2 ms -> %.3g mV (unstable)",
  euler(0.5, 3000), euler(2, 3000)))
local ok, err = pcall(cpg, {b31 = -0.3})
print("bug 2 guarded: cpg{b31 = -0.3} -> " .. (ok and "accepted?!" or err))
