-- test_lif.lua — the lif{} population through the Lua API, against analytic results.
local T = dofile("tests/lua/harness.lua")
-- Seeded, so the numbers printed below are the same in every run (and at
-- every SIMD dispatch level: tests/cli/test_simd_baseline.sh runs it there).
seed(2385)

local function exact_isi(p, I)
  local RI, gap = p.R * I, p.vth - p.vrest
  if RI <= gap then return nil end
  return p.tref + p.taum * math.log(RI / (RI - gap))
end

-- f–I curve: ISI = tref + taum ln(RI/(RI − (vth − vrest))) within one step.
do
  local dt = 0.1
  local pop = lif{n = 5, tref = 2}
  local I = {0.06, 0.075, 0.123, 0.2, 0.5}
  local r = pop:run{T = 2000, dt = dt, I = I}
  T.ok(r.V:rows() == 20000 and r.V:cols() == 5, "V is steps x n")
  local p = lif.defaults(); p.tref = 2
  for i = 1, 5 do
    local ts = {}
    for _, s in ipairs(r.spikes) do if s.i == i then ts[#ts + 1] = s.t end end
    local want = exact_isi(p, I[i])
    if not want then
      T.ok(#ts == 0, string.format("I=%.3f nA below rheobase: no spikes (got %d)", I[i], #ts))
      T.ok(r.rate:get(i, 1) == 0, "zero rate below rheobase")
    else
      local isi = (ts[#ts] - ts[1]) / (#ts - 1)
      T.ok(isi >= want - 1e-9 and isi < want + dt + 1e-9,
           string.format("I=%.3f nA: ISI %.3f ms vs exact %.4f ms (within dt)", I[i], isi, want))
      T.near(r.rate:get(i, 1), #ts / 2.0, 1e-12, string.format("rate of neuron %d is count/T", i))
    end
  end
  -- defaults are the authors' fitted values
  T.ok(pop.vrest == -72.3 and pop.vth == -48.6 and pop.taum == 24.5 and pop.R == 353
       and pop.tau_ampa == 6.3 and pop.tau_nmda == 81.5 and pop.tau_inh == 20, "default parameters")
end

-- Refractory: at a huge drive the ISI is tref + one step, and V sits at vrest.
do
  local pop = lif{n = 1, tref = 10}
  local r = pop:run{T = 100, dt = 0.1, I = 50}
  T.ok(#r.spikes == 10, "refractory: 10 spikes in 100 ms (got " .. #r.spikes .. ")")
  local ok = true
  for k = 2, #r.spikes do ok = ok and math.abs(r.spikes[k].t - r.spikes[k - 1].t - 10.1) < 1e-9 end
  T.ok(ok, "refractory: every ISI is tref + dt = 10.1 ms")
  local k0 = math.floor(r.spikes[1].t / 0.1 + 0.5)
  local held = true
  for k = k0 + 1, k0 + 100 do held = held and r.V:get(k, 1) == -72.3 end
  T.ok(held, "refractory: V held at vrest for tref")
end

-- AMPA and NMDA currents decay exponentially from one input spike; the NMDA
-- jump carries the Mg block at the arrival potential.
do
  local w = 0.0217
  local a = lif{n = 1, inputs = 1, W = matrix{{w}}, f_nmda = 0}
  a:run{T = 100, dt = 0.1, input_spikes = {{t = 5.05, i = 1}}}
  T.near(a.I_ampa:get(1, 1), w * math.exp(-95 / 6.3), 1e-12, "AMPA current w e^{-t/tau_ampa}")
  local nm = lif{n = 1, inputs = 1, W = {{w}}, f_nmda = 1}
  nm:run{T = 100, dt = 0.1, input_spikes = {{t = 5.05, i = 1}}}
  local G = 1 / (1 + 0.7 / 3.57 * math.exp(72.3 / 16.13))
  T.near(nm.I_nmda:get(1, 1), w * G * math.exp(-95 / 81.5), 1e-12, "NMDA current f G(vrest) w e^{-t/tau_nmda}")
  T.near(lif.mg_block(-72.3), G, 1e-15, "lif.mg_block at rest")
  T.near(lif.mg_block(0, 1.0), 1 / (1 + 1 / 3.57), 1e-15, "lif.mg_block at 0 mV, 1 mM")
  T.near(lif.mg_block(-30), 0.4426, 1e-3, "lif.mg_block at -30 mV, 0.7 mM ~ 0.443 (hand-computed)")
  -- V after the spike follows the difference of exponentials
  local r = a:run{T = 60, dt = 0.1, input_spikes = {{t = 10, i = 1}}}
  local maxerr = 0
  for k = 101, 600 do
    local t = k * 0.1 - 10
    local want = -72.3 + 353 * w * 6.3 / (6.3 - 24.5) * (math.exp(-t / 6.3) - math.exp(-t / 24.5))
    maxerr = math.max(maxerr, math.abs(r.V:get(k, 1) - want))
  end
  T.ok(maxerr < 1e-9, string.format("PSP matches the analytic double exponential (%.1e mV)", maxerr))
end

-- Global inhibition lowers the rate.
do
  local r0 = lif{n = 40, tref = 2}:run{T = 1000, I = 0.2, record = false}
  local r1 = lif{n = 40, tref = 2, g_inh = 0.5}:run{T = 1000, I = 0.2, record = false}
  local m0, m1 = 0, 0
  for i = 1, 40 do m0 = m0 + r0.rate:get(i, 1) / 40; m1 = m1 + r1.rate:get(i, 1) / 40 end
  T.ok(m1 < 0.8 * m0, string.format("inhibition lowers the rate: %.1f -> %.1f Hz", m0, m1))
  T.ok(r0.V == nil, "record=false leaves V out")
end

-- Poisson inputs at the right mean rate, seen through Campbell's theorem:
-- with no spiking, mean V = vrest + R w sum(rates) tau_ampa / 1000.
do
  local pop = lif{n = 1, inputs = 100, w_in = 0.001, vth = 1e6}
  local r = pop:run{T = 20000, dt = 0.1, rates = 20}
  local s, steps = 0, r.V:rows()
  for k = 2001, steps do s = s + r.V:get(k, 1) end
  local meanV = s / (steps - 2000)
  local want = -72.3 + 353 * 0.001 * 100 * 20 * 6.3 / 1000
  T.near(meanV, want, 0.03 * math.abs(want + 72.3) / math.max(1, math.abs(want)),
         string.format("Poisson input: mean depolarisation %.3f mV vs %.3f mV (Campbell)", meanV + 72.3, want + 72.3))
end

-- Sparse recurrence: about p n (n-1) synapses.
do
  local pop = lif{n = 1000, p = 0.1, w = 0.002}
  local mean = 0.1 * 1000 * 999
  T.ok(math.abs(pop.synapses - mean) < 5 * math.sqrt(mean * 0.9),
       string.format("CSR synapses %d vs p n(n-1) = %d", pop.synapses, mean))
  T.ok(pop.input_synapses == 0, "no inputs, no input synapses")
  local r = pop:run{T = 200, I = 0.1, record = {1, 7}}
  T.ok(r.V:cols() == 2 and r.V:rows() == 2000, "record = {1, 7} records two columns")
end

-- Compact spikes and reproducibility.
do
  local pop = lif{n = 20, inputs = 5, w_in = 0.08}
  if seed then seed(42) end
  local a = pop:run{T = 300, rates = {50, 60, 70, 80, 90}, spikes = "compact", record = false}
  if seed then seed(42) end
  local b = pop:run{T = 300, rates = {50, 60, 70, 80, 90}, record = false}
  T.ok(#a.spikes == #b.spikes and #a.spikes > 0, "compact and table spike lists agree in length (" .. #a.spikes .. ")")
  local same = true
  for k = 1, #b.spikes do same = same and a.spikes[k].t == b.spikes[k].t and a.spikes[k].i == b.spikes[k].i end
  T.ok(same, "same seed, same spikes; compact s[k] gives {t=, i=}")
  T.ok(a.spikes:times():rows() == #a.spikes and a.spikes:neurons():rows() == #a.spikes, "compact :times() and :neurons()")
  local n = 0
  for _, s in ipairs(a.spikes) do n = n + 1 end
  T.ok(n == #a.spikes, "ipairs walks a compact spike list")
  -- output of one population drives another
  local down = lif{n = 3, inputs = 20, w_in = 0.05}
  local d = down:run{T = 300, input_spikes = a.spikes}
  T.ok(d.rate:rows() == 3, "compact spikes accepted as input_spikes")
  T.ok(tostring(pop):find("20 neurons", 1, true) ~= nil, "tostring summarises")
end

-- I as a steps x n matrix: a current step switched on at 50 ms.
do
  local steps, n = 1000, 2
  local I = matrix(steps, n, 0)
  for k = 501, steps do I:set(k, 1, 0.2); I:set(k, 2, 0.2) end
  local r = lif{n = 2, tref = 2}:run{T = 100, dt = 0.1, I = I}
  T.ok(#r.spikes > 0 and r.spikes[1].t > 50, "time-varying I: first spike after the step at 50 ms")
  T.near(r.spikes[1].t, 50 + 24.5 * math.log(0.2 * 353 / (0.2 * 353 - 23.7)), 0.1001, "first spike one charge time after onset")
end

-- Independent implementation: the vectorised NumPy reference of the
-- benchmark (bench/ref_lif_numpy.py, same network: I spread over 0.05-0.10 nA)
-- must give the same number of spikes.
do
  local py = io.popen and io.popen("/usr/bin/python3 -c 'import numpy' 2>/dev/null && /usr/bin/python3 bench/ref_lif_numpy.py 300:0 2>/dev/null")
  local line = py and py:read("a") or ""
  if py then py:close() end
  local want = tonumber(line:match("spikes=(%d+)"))
  if not want then
    T.skip("numpy reference unavailable (/usr/bin/python3 with numpy)")
  else
    local I = matrix(300, 1)
    for i = 1, 300 do I:set(i, 1, 0.05 + 0.05 * (i - 1) / 299) end
    local r = lif{n = 300}:run{T = 1000, dt = 0.1, I = I, record = false}
    T.ok(math.abs(#r.spikes - want) <= 0.002 * want,
         string.format("300 neurons, 1 s: %d spikes vs NumPy reference %d", #r.spikes, want))
  end
end

-- threads: each thread owns a slice of neurons, and the results are
-- bit-for-bit those of one thread (the C tests cover every delivery path).
do
  local function run(k)
    seed(11)
    local pop = lif{n = 2000, inputs = 10, w_in = 0.03, p = 0.05, w = 0.004, threads = k}
    T.ok(pop.threads == k, "lif{threads=" .. k .. "} is kept (pop.threads = " .. pop.threads .. ")")
    seed(12)
    return pop:run{T = 100, I = 0.06, rates = 40, record = {1, 999, 2000}, spikes = "compact"}
  end
  local a, b = run(1), run(2)
  local same = #a.spikes == #b.spikes and #a.spikes > 500
  for k = 1, #a.spikes do
    local x, y = a.spikes[k], b.spikes[k]
    same = same and x.t == y.t and x.i == y.i
  end
  T.ok(same, "1 and 2 threads give the same " .. #a.spikes .. " spikes")
  local sameV = true
  for k = 1, a.V:rows() do for j = 1, 3 do sameV = sameV and a.V:get(k, j) == b.V:get(k, j) end end
  T.ok(sameV, "1 and 2 threads give identical V(t)")
  local pop = lif{n = 2000, p = 0.05, w = 0.004}
  seed(12)
  local c = pop:run{T = 50, I = 0.08, threads = 1, record = false}
  seed(12)
  local d = pop:run{T = 50, I = 0.08, threads = 2, record = false}
  T.ok(#c.spikes == #d.spikes and #c.spikes > 0, "run{threads=} overrides the population's setting")
  T.ok(lif{n = 100}.threads == 1, "a small population defaults to one thread")
  pop.threads = 3
  T.ok(pop.threads == 3, "pop.threads is settable")
  pop.threads = 0
  T.ok(pop.threads >= 1, "pop.threads = 0 restores the automatic choice (" .. pop.threads .. ")")
  T.raises(function() lif{n = 3, threads = -1} end, "threads must be a whole number", "negative threads")
  T.raises(function() lif{n = 3, threads = 1.5} end, "threads must be a whole number", "fractional threads")
  T.raises(function() pop:run{T = 10, threads = 9} end, "threads must be a whole number in 0..8", "too many threads")
  T.raises(function() pop.threads = "two" end, "threads must be", "threads not a number")
end

-- Errors name the argument.
T.raises(function() lif{n = 0} end, "n must be >= 1", "n = 0")
T.raises(function() lif{} end, "'n'", "n missing")
T.raises(function() lif{n = 3, taum = -1} end, "taum must be > 0", "negative taum")
T.raises(function() lif{n = 3, tau_ampa = 0} end, "tau_ampa must be > 0", "zero tau_ampa")
T.raises(function() lif{n = 3, R = 0 / 0} end, "NaN", "NaN R")
T.raises(function() lif{n = 3, vth = -80} end, "vth", "vth below vrest")
T.raises(function() lif{n = 3, tuam = 2} end, "unknown option 'tuam'", "typo in option")
T.raises(function() lif{n = 3, inputs = 2, W = matrix(2, 2)} end, "W must be n x inputs", "wrong W shape")
T.raises(function() lif{n = 3, inputs = 2, W = {{1, 0/0}, {0, 0}, {0, 0}}} end, "W has a non-finite value at (1,2)", "NaN in W")
T.raises(function() lif{n = 3, p = 1.5} end, "p must be in [0, 1]", "p > 1")
T.raises(function() lif{n = 3, inputs = 2, f_nmda = {0.5, 2}} end, "f_nmda", "f_nmda > 1")
local pop = lif{n = 3, inputs = 2}
T.raises(function() pop:run{T = 10, dt = 7} end, "dt (7 ms) must not exceed", "dt > tau_ampa")
T.raises(function() pop:run{T = 10, dt = 0} end, "dt", "dt = 0")
T.raises(function() pop:run{dt = 0.1} end, "'T'", "T missing")
T.raises(function() pop:run{T = 10, I = {1, 2}} end, "I must be a number", "I wrong shape")
T.raises(function() pop:run{T = 10, I = 0 / 0} end, "I must be finite", "I NaN")
T.raises(function() pop:run{T = 10, I = {0.1, 0 / 0, 0.1}} end, "I has a non-finite value at (2,1)", "NaN in I")
T.raises(function() pop:run{T = 10, rates = -1} end, "rates[1]", "negative rate")
T.raises(function() pop:run{T = 10, rates = {1, 2, 3}} end, "rates must have 2 entries", "rates wrong length")
T.raises(function() pop:run{T = 10, input_spikes = {{t = 1, i = 3}}} end, "input_spikes[1].i", "bad input index")
T.raises(function() pop:run{T = 10, input_spikes = {{t = -1, i = 1}}} end, "input_spikes[1].t", "negative input time")
T.raises(function() pop:run{T = 10, rates = 5, input_spikes = {}} end, "not both", "rates and input_spikes")
T.raises(function() lif{n = 2}:run{T = 10, rates = 5} end, "no inputs", "rates without inputs")
T.raises(function() pop:run{T = 10, record = {4}} end, "record[1]", "record index out of range")
T.raises(function() pop:run{T = 10, spikes = "dense"} end, "spikes must be", "bad spikes mode")
T.raises(function() pop.taum = -3 end, "taum must be > 0", "setting a bad taum")
T.raises(function() pop.n = 4 end, "cannot set field 'n'", "n is read-only")
pop.taum = 30
T.ok(pop.taum == 30, "parameters are settable by name")

-- No silent non-finite output: a current that overflows V is an error.
T.raises(function() lif { n = 5 }:run { T = 10, I = -1e308 } end, "membrane potential of neuron 1",
  "lif:run{I=-1e308} raises instead of returning NaN")

T.done()
