-- lif.lua — the notebook's LIF figure redone with ganglion's lif{}: one
-- neuron's membrane potential under a current step, the f-I curve against
-- the exact formula, and a raster of a population driven by Poisson inputs
-- (AMPA + NMDA) with global inhibition, after Tesileanu et al. 2017.
-- Run: ganglion -b scripts/notebook/lif.lua
--
-- The notebook itself is not in this repository; these are the errors a
-- hand-made LIF of this kind typically has, and what lif{} does instead:
--  1. Reset to threshold or to 0 mV instead of to rest.  Correct: after a
--     spike V = vrest (-72.3 mV, the authors' reset = rest).
--  2. No refractory period, or one that only blocks spike detection while
--     V keeps integrating.  Correct: V is held at vrest for tref (the
--     notebook's 10 ms here via lif{tref=10}); synaptic currents keep
--     decaying meanwhile, as in the authors' code.
--  3. exp called with the wrong sign, V += dt*(...)*exp(+dt/tau), which
--     grows instead of decaying.  Correct: the exact propagator
--     exp(-dt/taum) (and exp(-dt/tau_ampa), exp(-dt/tau_nmda)), computed
--     once per run, so the subthreshold trace is exact for any dt.
--  4. Rate computed as spikes / number of steps.  Correct: spikes / T in
--     seconds (Hz); checked below against 1000 / (tref + taum ln(RI/(RI - 23.7 mV))).
--  5. NMDA current without the magnesium block.  Correct: each NMDA jump
--     is scaled by 1/(1 + [Mg]/3.57 exp(-V/16.13)) at the arrival potential.

local have_plot = type(plot) == "function"
local have_raster = type(raster) == "function"

-- 1. A current step into one neuron with the notebook's 10 ms refractory period.
local dt, T = 0.1, 200
local steps = math.floor(T / dt + 0.5)
local I = matrix(steps, 1, 0)
I:sub(math.floor(50 / dt) + 1, math.floor(150 / dt)):fill(0.12)
local one = lif { n = 1, tref = 10 }
local r = one:run { T = T, dt = dt, I = I }
print(string.format("step of 0.12 nA from 50 to 150 ms: %d spikes", #r.spikes))
if have_plot then
  plot(r.V, { title = "V (mV) of one LIF neuron, 0.12 nA step 50-150 ms, tref = 10 ms", xlabel = "step (0.1 ms)" })
else
  for k = 1, steps, 100 do print(string.format("t=%6.1f ms  V=%7.2f mV", k * dt, r.V:get(k, 1))) end
end

-- 2. f-I curve: simulated rate against the exact one, several currents.
local p = lif.defaults()
p.tref = 10
local currents = {}
for k = 0, 14 do currents[#currents + 1] = 0.04 + 0.02 * k end
local fi = lif { n = #currents, tref = 10 }:run { T = 2000, dt = 0.1, I = currents, record = false }
local sim, exact = matrix(#currents, 1), matrix(#currents, 1)
print(" I (nA)   simulated (Hz)   exact (Hz)")
for k, Ik in ipairs(currents) do
  local RI, gap = p.R * Ik, p.vth - p.vrest
  local f = RI > gap and 1000 / (p.tref + p.taum * math.log(RI / (RI - gap))) or 0
  sim:set(k, 1, fi.rate:get(k, 1)); exact:set(k, 1, f)
  print(string.format("%7.3f  %14.2f  %11.2f", Ik, fi.rate:get(k, 1), f))
end
if have_plot then
  plot({ sim, exact }, { title = "f-I curve: simulated vs exact (tref 10 ms)", labels = { "lif", "exact" },
    xlabel = "current index (0.04 + 0.02 k nA)", ylabel = "Hz" })
end

-- 3. A population: 80 students, 40 Poisson inputs (20 AMPA-only at 60 Hz,
-- 20 mostly-NMDA at 80 Hz, like the authors' conductor and tutor), global
-- inhibition, sparse recurrence.
seed(2017)
local f = {}
for j = 1, 40 do f[j] = j <= 20 and 0 or 0.9 end
local pop = lif { n = 80, inputs = 40, p_in = 0.25, w_in = 0.04, f_nmda = f, g_inh = 0.5, p = 0.05, w = 0.005 }
local rates = {}
for j = 1, 40 do rates[j] = j <= 20 and 60 or 80 end
local res = pop:run { T = 600, dt = 0.1, rates = rates, record = { 1, 2 } }
local mean = 0
for i = 1, 80 do mean = mean + res.rate:get(i, 1) / 80 end
print(string.format("population: %d spikes, mean rate %.1f Hz, %d recurrent synapses", #res.spikes, mean, pop.synapses))
if have_raster then
  raster(res, { title = "80 student neurons, Poisson AMPA/NMDA input, global inhibition" })
else
  for k = 1, math.min(20, #res.spikes) do print(string.format("spike t=%.1f ms i=%d", res.spikes[k].t, res.spikes[k].i)) end
end
