-- test_cpg.lua — cpg{} (Rubin et al. 2009 respiratory CPG) through the Lua API:
-- RHS by hand, exact solutions, SciPy cross-check, the published rhythms, errors.
local T = dofile("tests/lua/harness.lua")

local function sig(v, half, k) return 0.5 * (1 - math.tanh((v - half) / (2 * k))) end

-- RHS at a non-trivial state against a hand computation (tanh form of the sigmoids).
do
  local c = cpg{drive = 1.2, Drive2 = 0.7, b24 = 0.41, Kad3 = 1.1}
  local y = {-44.2, -31.7, -58.3, -36.6, 0.52, 0.27, 0.71, 0.33}
  local d = c:rhs(y)
  local f1, f2 = sig(y[1], -30, -8), sig(y[2], -30, -4)
  local f3, f4 = sig(y[3], -30, -4), sig(y[4], -30, -4)
  local D1, D2, D3 = 1.2, 1.2 * 0.7, 1.2
  local v1 = y[1]
  local I1 = 5 * sig(v1, -40, -6) * y[5] * (v1 - 50) + 5 * sig(v1, -29, -4)^4 * (v1 + 85)
           + 2.8 * (v1 + 60) + 10 * (0.115 * D1 + 0.07 * D2 + 0.025 * D3) * v1
           + 60 * (0.3 * f3 + 0.2 * f4) * (v1 + 75)
  T.near(d:get(1, 1), -I1 / 20, 1e-12, "dV1/dt (pre-I) by hand")
  local v4 = y[4]
  local I4 = 10 * y[8] * (v4 + 85) + 2.8 * (v4 + 60) + 10 * (0.33 * D1 + 0.4 * D2) * v4
           + 60 * (0.41 * f2 + 0.35 * f3) * (v4 + 75)
  T.near(d:get(4, 1), -I4 / 20, 1e-12, "dV4/dt (aug-E) by hand")
  T.near(d:get(7, 1), (1.1 * f3 - y[7]) / 1000, 1e-14, "dm3/dt (post-I adaptation) by hand")
  T.near(d:get(5, 1), (sig(v1, -48, 6) - y[5]) / (6000 / math.cosh((v1 + 48) / 12)), 1e-14,
         "dh/dt by hand")
end

-- Decoupled network: every state is an exact exponential.
do
  local c = cpg{gNaP = 0, gKdr = 0, gsynE = 0, gsynI = 0, gAD = 0, Kad2 = 0, Kad3 = 0, Kad4 = 0,
                C = 17.3, gL = 2.2, Eleak = -58.1, method = "rkf45", rtol = 1e-10, atol = 1e-12,
                y0 = {-58.1, -12.5, -80.2, 3.7, 0.66, 0.5, 0.25, 0.9}}
  local r = c:run{t = 400, dt = 4}
  T.ok(r.t:rows() == 100 and r.V:cols() == 4 and r.out:cols() == 4, "run returns steps x 1 and steps x 4")
  T.near(r.t:get(100, 1), 400, 1e-12, "last sample at t = 400 ms")
  local tau = 17.3 / 2.2
  T.near(r.V:get(50, 2), -58.1 + (-12.5 + 58.1) * math.exp(-200 / tau), 1e-7, "V2(200 ms) exact")
  T.near(r.V:get(100, 4), -58.1 + (3.7 + 58.1) * math.exp(-400 / tau), 1e-7, "V4(400 ms) exact")
  local y = c:state()
  T.near(y:get(7, 1), 0.25 * math.exp(-400 / 1000), 1e-9, "m3 decays with Tad3")
  T.near(r.out:get(10, 2), sig(r.V:get(10, 2), -30, -4), 1e-14, "out is the output function of V")
  -- continuing a run carries time and state on
  local r2 = c:run{t = 100, dt = 50}
  T.near(r2.t:get(2, 1), 500, 1e-12, "second run continues from 400 ms")
  T.near(r2.V:get(2, 2), -58.1 + (-12.5 + 58.1) * math.exp(-500 / tau), 1e-7, "state carried over")
end

-- Default parameters: the three-phase rhythm.
local c = cpg{}
local r = c:run{t = 30000, dt = 2}
local ph = cpg.phases(r, {skip = 6000})
print(string.format("# three-phase period %.1f ms; phases %.3f %.3f %.3f %.3f; order %s",
  ph.period, ph.phase[1], ph.phase[2], ph.phase[3], ph.phase[4], table.concat(ph.order, " ")))
T.ok(ph.active == 4, "all four populations burst every cycle")
T.ok(#ph.order == 4 and #ph.silent == 0, "three-phase: all four ordered, none silent")
T.ok(ph.period > 2000 and ph.period < 4000, string.format("period %.0f ms in 2-4 s", ph.period))
T.ok(math.min(ph.phase[2], 1 - ph.phase[2]) < 0.05, "early-I starts with pre-I")
T.ok(ph.order[3] == "post-I" and ph.order[4] == "aug-E", "then post-I, then aug-E")
T.near(c:period(r, {skip = 6000}), ph.period, 1e-12, "c:period agrees with cpg.phases")
T.ok(#ph.onsets[1] >= 8, "onset times listed per population")

-- Independent integration with SciPy (DOP853) of the same equations.
if os.execute("/usr/bin/python3 -c 'import scipy' 2>/dev/null") then
  local py = [==[
import numpy as np
from scipy.integrate import solve_ivp
b = lambda v, h, k: 1.0 / (1.0 + np.exp((v - h) / k))
def f(t, y):
    v1, v2, v3, v4, h, m2, m3, m4 = y
    o = [b(v1, -30, -8), b(v2, -30, -4), b(v3, -30, -4), b(v4, -30, -4)]
    E = [0.115 + 0.07 + 0.025, 0.4 * o[0] + 0.6, 0.63, 0.33 + 0.4]
    I = [0.3 * o[2] + 0.2 * o[3], 0.05 * o[2] + 0.35 * o[3], 0.25 * o[1] + 0.1 * o[3], 0.35 * o[1] + 0.35 * o[2]]
    V = [v1, v2, v3, v4]; m = [0, m2, m3, m4]
    dv = [-(2.8 * (V[i] + 60) + 10 * E[i] * V[i] + 60 * I[i] * (V[i] + 75) + 10 * m[i] * (V[i] + 85)) / 20 for i in range(4)]
    dv[0] -= (5 * b(v1, -40, -6) * h * (v1 - 50) + 5 * b(v1, -29, -4) ** 4 * (v1 + 85)) / 20
    dh = (b(v1, -48, 6) - h) / (6000 / np.cosh((v1 + 48) / 12))
    dm = [(k * o[i] - m[i]) / T for i, k, T in ((1, 0.9, 2000), (2, 1.3, 1000), (3, 0.9, 2000))]
    return dv + [dh] + dm
s = solve_ivp(f, (0, 3000), [-60, -60, -60, -60, 0.35, 0, 0, 0], method="DOP853", rtol=1e-11, atol=1e-12)
print(" ".join("%.12g" % x for x in s.y[:, -1]))
]==]
  local fn = os.tmpname()
  local fh = io.open(fn, "w"); fh:write(py); fh:close()
  local p = io.popen("/usr/bin/python3 " .. fn)
  local line = p:read("a"); p:close(); os.remove(fn)
  local want = {}
  for x in line:gmatch("%S+") do want[#want + 1] = tonumber(x) end
  local c2 = cpg{rtol = 1e-11, atol = 1e-12}
  c2:run{t = 3000, dt = 1000}
  local y = c2:state()
  local worst = 0
  for i = 1, 8 do worst = math.max(worst, math.abs(y:get(i, 1) - (want[i] or 1e9))) end
  T.ok(#want == 8 and worst < 1e-4,
       string.format("state at 3 s matches SciPy DOP853 (max |diff| %.2e)", worst))
else
  T.skip("SciPy cross-check: /usr/bin/python3 with scipy not available")
end

-- Drives, as in the paper: pontine drive removed -> two-phase (post-I silent), slower;
-- more drive to the pre-BotC -> faster.
do
  local c3 = cpg{Drive1 = 0}
  local p3 = cpg.phases(c3:run{t = 30000, dt = 2}, {skip = 6000})
  T.ok(p3.active == 3 and p3.phase[3] ~= p3.phase[3], "Drive1 = 0: post-I silent (two-phase)")
  T.ok(#p3.order == p3.active and #p3.order + #p3.silent == 4,
       string.format("Drive1 = 0: order lists only the %d bursting populations (%s), silent the rest (%s)",
                     p3.active, table.concat(p3.order, " > "), table.concat(p3.silent, ", ")))
  local in_order = false
  for _, name in ipairs(p3.order) do in_order = in_order or name == "post-I" end
  T.ok(not in_order and p3.silent[1] == "post-I", "Drive1 = 0: post-I is not in the order; silent says so")
  T.ok(p3.period > ph.period, string.format("Drive1 = 0: period %.0f > %.0f ms", p3.period, ph.period))
  local c4 = cpg{Drive3 = 4}
  local p4 = cpg.phases(c4:run{t = 30000, dt = 2}, {skip = 6000})
  T.ok(p4.period < ph.period, string.format("Drive3 = 4: period %.0f < %.0f ms", p4.period, ph.period))
  c4.Drive3 = 1
  T.near(c4.Drive3, 1, 0, "parameters are fields: c.Drive3 = 1")
  c4:set{Drive1 = 0.5, gNaP = 4}
  T.ok(c4.Drive1 == 0.5 and c4.gNaP == 4, "c:set{} sets several")
  T.ok(c4:params().gNaP == 4 and #cpg.params == 50, "c:params() and cpg.params")
end

-- Errors.
T.raises(function() cpg{gnap = 3} end, "unknown option 'gnap'", "unknown parameter name")
T.raises(function() cpg{gNaP = 0/0} end, "gNaP", "NaN parameter")
T.raises(function() cpg{Tad2 = -1} end, "Tad2", "negative time constant")
T.raises(function() cpg{C = 0} end, "'C'", "zero capacitance")
T.raises(function() cpg{gNaP = "5"} end, "must be a number", "parameter of the wrong type")
T.raises(function() cpg{rtol = -1e-6} end, "rtol", "negative rtol")
T.raises(function() cpg{atol = -1} end, "atol", "negative atol")
T.raises(function() cpg{rtol = 0, atol = 0} end, "both be 0", "zero tolerances")
T.raises(function() cpg{rtol = 1e-300, atol = 1e-300} end, "rtol must be 0 or in [1e-14, 1]",
  "rtol below double precision refused (it made runs take hours)")
T.raises(function() cpg{atol = 1e-300} end, "atol must be 0 or in", "atol 1e-300 refused")
T.raises(function() cpg{rtol = 2} end, "rtol must be", "rtol above 1 refused")
T.raises(function() cpg{method = "euler"} end, "method must be one of", "unknown method")
T.raises(function() cpg{y0 = {1, 2, 3}} end, "8 entries", "wrong y0 size")
T.raises(function() c:run{t = 0} end, "t must be > 0", "t = 0")
T.raises(function() c:run{t = -5} end, "t must be > 0", "t < 0")
T.raises(function() c:run{dt = 1} end, "'t'", "t missing")
T.raises(function() c:run{t = 100, dt = 0} end, "dt must be > 0", "dt = 0")
T.raises(function() c:run{t = 100, dt = -1} end, "dt must be > 0", "dt < 0")
T.raises(function() c:run{t = 100, dt = 0/0} end, "dt must be > 0", "dt NaN")
T.raises(function() c:run{t = 10, dt = 20} end, "longer than the run", "dt > t")
T.raises(function() c:run{t = 10, tt = 1} end, "unknown option 'tt'", "unknown run option")
T.raises(function() c.gNaP = -1 end, "gNaP", "negative conductance by assignment")
T.raises(function() c.nope = 1 end, "unknown parameter 'nope'", "unknown field assignment")
T.raises(function() c:set{gNaP = 1, zzz = 2} end, "zzz", "unknown name in set")
T.raises(function() cpg.phases({}) end, "out", "phases without out")
T.raises(function() cpg.phases(r, {on = 0.2, off = 0.5}) end, "thresholds", "phases off > on")
T.raises(function() cpg.phases(r, {ref = 7}) end, "ref", "phases bad ref")
T.raises(function() cpg.phases({t = matrix(3, 1), out = matrix(4, 4)}) end, "t must be", "phases shape")
T.raises(function() cpg{method = 4} end, "cpg: option 'method' must be a string (got number)", "method type")
T.done()
