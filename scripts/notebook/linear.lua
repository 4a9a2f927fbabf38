-- linear.lua — the notebook's linear-network figure redone with ganglion's
-- linear{}: a 2-unit network tau dv/dt = -v + M v + h with a slow and a fast
-- mode, its eigenvalues and mode time constants, trajectories in the phase
-- plane with the eigenvectors drawn, and Euler against exact stepping.
-- Run: ganglion -b scripts/notebook/linear.lua
--
-- The notebook itself is not in this repository; these are the errors its
-- hand-made version is known for in this kind of figure, and what the
-- script does instead:
--  1. Forward Euler at dt = tau/2, shown as "the" solution.  Euler's error
--     is first order in dt/tau (here tens of percent in the fast mode's
--     transient); lin:run uses the exact propagator e^{(M-I)dt/tau} by
--     default and the script prints both, with the exact one checked
--     against the closed form v* + S e^{(L-1)t/tau} S^-1 (v0 - v*).
--  2. Mode time constants read as tau/lambda; a mode of M with eigenvalue
--     lambda decays as e^{(lambda-1)t/tau}, so its time constant is
--     tau/(1 - lambda) (lin:eig().tau).
--  3. Eigenvectors taken from the rows of the eigenvector matrix; they are
--     its columns (lin:eig().vectors[:, k]), and for a non-symmetric M they
--     are not orthogonal, which is the point of the figure: trajectories
--     first collapse along the fast eigenvector onto the slow one.
--  4. Trajectories recorded before the update, so row 1 was v0 and the last
--     step was missing; here row t is the state after step t.

local tau, dt = 10, 0.5
-- slow mode lambda = 0.9 along (1, 0.5), fast mode lambda = -0.5 along (1, -1)
local S = matrix { { 1, 1 }, { 0.5, -1 } }
local det = S:get(1, 1) * S:get(2, 2) - S:get(1, 2) * S:get(2, 1)
local Si = matrix { { S:get(2, 2) / det, -S:get(1, 2) / det }, { -S:get(2, 1) / det, S:get(1, 1) / det } }
local M = S * matrix { { 0.9, 0 }, { 0, -0.5 } } * Si
local lin = linear { M = M, tau = tau, dt = dt }
print(lin)

local e = lin:eig()
for k = 1, 2 do
  print(string.format("mode %d: lambda = %.3f, time constant tau/(1-lambda) = %.1f, eigenvector (%.3f, %.3f)",
    k, e.values:get(k, 1), e.tau:get(k, 1), e.vectors:get(1, k), e.vectors:get(2, k)))
end

-- constant input: fixed point v* = (I - M)^-1 h
local h = { 0.2, 0.1 }
local vstar = lin:fixed(h)
print(string.format("fixed point v* = (%.4f, %.4f)", vstar:get(1, 1), vstar:get(2, 1)))

local steps = 400
local H = matrix(steps, 2)
for t = 1, steps do H:set(t, 1, h[1]); H:set(t, 2, h[2]) end

-- one trajectory from a point off both eigenvectors
local v = lin:run(H, { v0 = { 2.5, -1.5 } })
lin:phase(v, { h = h, title = "trajectory from (2.5, -1.5) and the eigenvectors through v*" })

-- time course of both units
if plot then
  local tt = matrix(steps, 1)
  for t = 1, steps do tt:set(t, 1, t * dt) end
  plot({ v:col(1), v:col(2) }, { title = "v(t), exact stepping", labels = { "v1", "v2" }, xlabel = "step" })
end

-- Euler vs exact vs the closed form at dt = tau/2
local coarse = linear { M = M, tau = tau, dt = tau / 2 }
local Hc = matrix(20, 2)
for t = 1, 20 do Hc:set(t, 1, h[1]); Hc:set(t, 2, h[2]) end
local ve = coarse:run(Hc, { method = "euler", v0 = { 2.5, -1.5 } })
local vx = coarse:run(Hc, { method = "exact", v0 = { 2.5, -1.5 } })
local c0 = Si * (matrix { 2.5, -1.5 } - vstar)
local lam = { 0.9, -0.5 }
local we, wx = 0, 0
print("  t     exact v1   Euler v1   closed form")
for t = 1, 20 do
  local time = t * tau / 2
  local c = matrix { c0:get(1, 1) * math.exp((lam[1] - 1) * time / tau), c0:get(2, 1) * math.exp((lam[2] - 1) * time / tau) }
  local ref = vstar + S * c
  we = math.max(we, math.abs(ve:get(t, 1) - ref:get(1, 1)), math.abs(ve:get(t, 2) - ref:get(2, 1)))
  wx = math.max(wx, math.abs(vx:get(t, 1) - ref:get(1, 1)), math.abs(vx:get(t, 2) - ref:get(2, 1)))
  if t <= 6 then
    print(string.format("%5.1f %10.5f %10.5f %10.5f", time, vx:get(t, 1), ve:get(t, 1), ref:get(1, 1)))
  end
end
print(string.format("dt = tau/2: max error exact %.2g, Euler %.2g", wx, we))
