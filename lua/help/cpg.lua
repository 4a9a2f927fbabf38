-- Help for cpg{}: the respiratory CPG of Rubin et al. 2009 and its burst analysis.
return {
  ["cpg"] = {
    usage = "c = cpg{name = value, ..., method = \"rk8pd\", rtol = 1e-8, atol = 1e-10, y0 = {8 numbers}}",
    text = "Respiratory central pattern generator of Rubin, Shevtsova, Ermentrout, Smith & Rybak 2009\n" ..
           "(J Neurophysiol 101:2146): four activity-based populations -- pre-I (pre-BotC, persistent\n" ..
           "sodium gNaP with slow inactivation h, delayed rectifier gKdr), early-I, post-I and aug-E\n" ..
           "(each with adaptation m, time constant Tad, gain Kad) -- coupled by synaptic excitation\n" ..
           "(a12) and inhibition (b23 b24 b31 b32 b34 b41 b42 b43), driven by three tonic drives\n" ..
           "Drive1 (pons), Drive2 (RTN/BotC), Drive3 (raphe, to pre-I only) with weights c_ki.\n" ..
           "  C dV/dt = -I_ion - gL(V-Eleak) - gsynE*(sum a f(Vj) + sum c*Drive)*(V-EsynE)\n" ..
           "            - gsynI*(sum b f(Vj))*(V-EsynI);  f(V) = 1/(1+exp((V-V12output)/Koutput))\n" ..
           "Units: pF, nS, mV, ms.  Every parameter of the authors' XPPAUT file (ModelDB 125529,\n" ..
           "rubinetal_resp_cpg.ode) is settable by its name in that file; list them with cpg.params\n" ..
           "(name, default, unit, desc).  Extra parameter `drive` multiplies all three drives.\n" ..
           "Defaults give the published three-phase rhythm (period 2.52 s here).  Drive1 = 0 (pontine\n" ..
           "transection) gives the two-phase rhythm (post-I silent, 3.33 s); Drive1 = Drive2 = 0 the\n" ..
           "one-phase pre-BotC rhythm (1.25 s).  More drive to pre-I (Drive3) shortens the period.\n" ..
           "Weights are magnitudes (>= 0): inhibition inhibits because EsynI = -75 mV.\n" ..
           "Integrated with GSL odeiv2 (adaptive): method = rkf45 | rkck | rk8pd | rk2 | rk4 | rk4imp\n" ..
           "| bsimp | msadams | msbdf (implicit ones use a finite-difference Jacobian).\n" ..
           "Fields: c.gNaP (read or assign any parameter), c.t (ms), c.method, c.rtol, c.atol.\n" ..
           "Methods: c:run{} c:reset([y0]) c:state() c:rhs([y]) c:params() c:set{} c:phases(r) c:period(r).\n" ..
           "PROVENANCE (read this): parameter names, values, output functions and initial state are\n" ..
           "copied from the model file's parameter block.  Its equation lines (after line ~40) were\n" ..
           "NOT available to us, so the differential equations are reconstructed from the paper's\n" ..
           "model description and the file's parameter names (e.g. tau_h = tauhp/cosh((V-V12hp)/(2 khp)),\n" ..
           "I_K = gKdr n^4 (V-EK)).  The integration is checked against SciPy; the reconstruction\n" ..
           "itself could not be checked against the file.  The file's output function has no\n" ..
           "threshold cut-off, and neither does this one.  The file's nf = 1, sdum1-4 = 0, edum = 0\n" ..
           "are not implemented: their use was not visible (presumably no effect at those values).",
    fields = {
      t = "model time now, ms (read-only)",
      method = "the GSL stepper (read-only)",
      rtol = "relative tolerance (read-only)",
      atol = "absolute tolerance (read-only)",
    },
    example = "c = cpg{}\nr = c:run{t = 20000, dt = 2}\nplot(r.out, {labels = cpg.names})\n" ..
              "print(cpg.phases(r).period)   --> ~2518 (ms)\nc2 = cpg{Drive1 = 0}   -- two-phase",
  },
  ["cpg:run"] = {
    usage = "r = c:run{t = ms, dt = 1, reset = false, y0 = {v1 v2 v3 v4 h m2 m3 m4}}",
    text = "Integrates for t ms from the current state (or from the file's initial state with\n" ..
           "reset = true, or from y0) and samples every dt ms.  Returns {t = steps x 1,\n" ..
           "V = steps x 4 (mV), out = steps x 4 (outputs f(V) in [0,1])}, columns pre-I, early-I,\n" ..
           "post-I, aug-E; row k is k*dt after the start.  dt only sets the sampling: the solver\n" ..
           "chooses its own steps to meet rtol/atol (rtol 0 or in [1e-14, 1], atol 0 or in\n" ..
           "[1e-17, 1000]; at most 1e7 steps per sample).  Successive runs continue in time (c.t).\n" ..
           "Ctrl-C stops it between ODE steps.  Errors: t <= 0, dt <= 0, dt > t, NaN, unknown options.",
    example = "c = cpg{}\nr = c:run{t = 10000, dt = 5}\nprint(r.V:rows(), r.out:get(1000, 3))",
  },
  ["cpg:reset"] = {
    usage = "c:reset([y0]) -> c",
    text = "Puts the model back at time 0 in state y0 (8 numbers: v1 v2 v3 v4 h m2 m3 m4; default the model's standard start).",
    example = "c = cpg{}\nc:run{t = 500}\nc:reset()\nprint(c.t)   --> 0",
  },
  ["cpg:state"] = {
    usage = "c:state() -> 8×1 matrix",
    text = "The current state (v1 v2 v3 v4 h m2 m3 m4): potentials in mV, gating variables between 0 and 1.",
    example = "c = cpg{}\nc:run{t = 200}\nprint(c:state():get(1, 1))",
  },
  ["cpg:params"] = {
    usage = "c:params() -> {name = value, ...}",
    text = "All parameters of this model as a table (cpg.params lists names, defaults, units and meanings).",
    example = "c = cpg{}\nprint(c:params().gNaP)",
  },
  ["cpg:period"] = {
    usage = "c:period(r [, opts]) -> period in ms",
    text = "The burst period of a run, as cpg.phases(r, opts).period (NaN when nothing bursts).",
    example = "c = cpg{}\nr = c:run{t = 8000, dt = 2}\nprint(c:period(r))",
  },
  ["cpg.new"] = {
    usage = "cpg.new{...} -> c",
    text = "The same as cpg{...}.",
    example = "c = cpg.new{gNaP = 4}",
  },
  ["cpg.phases"] = {
    usage = "ph = cpg.phases(r [, {on = 0.5, off = 0.3, min_range = 0.05, ref = 1, skip = 25% of run}])",
    text = "Burst analysis of a run (any table with t = n x 1 and out = n x k, k <= 16).  A burst\n" ..
           "starts when a column rises through lo + on*(hi-lo) after having fallen below\n" ..
           "lo + off*(hi-lo), lo..hi being its range after `skip` ms (relative thresholds: post-I\n" ..
           "and aug-E bursts stay well below 1).  A column whose range is < min_range is silent.\n" ..
           "Returns {period (ms, median interval of the reference column's onsets), ref, active\n" ..
           "(columns bursting in at least half the cycles), phase[j] (circular-mean onset phase in\n" ..
           "[0,1) after the reference onset; NaN when silent), duty[j], threshold[j], order (the\n" ..
           "populations that burst, sorted by phase: #order == active), silent (the others: silent,\n" ..
           "or bursting in fewer than half the cycles), onsets[j] (times, ms), names}.\n" ..
           "Also c:phases(r, opts) and c:period(r, opts) (the period only).",
    example = "r = cpg{}:run{t = 30000, dt = 2}\nph = cpg.phases(r, {skip = 6000})\n" ..
              "print(ph.period, table.concat(ph.order, ' > '))  --> 2518.5  pre-I > early-I > post-I > aug-E\n" ..
              "two = cpg.phases(cpg{Drive1 = 0}:run{t = 30000, dt = 2}, {skip = 6000})\n" ..
              "print(table.concat(two.order, ' > '), 'silent: ' .. table.concat(two.silent, ', '))",
  },
  ["cpg:rhs"] = {
    usage = "d = c:rhs([y])",
    text = "Right-hand side dy/dt (8 x 1, per ms) at state y (8 numbers: v1 v2 v3 v4 h m2 m3 m4;\n" ..
           "default the current state).  For writing your own integrator or checking the model:\n" ..
           "forward Euler with dt = 2 ms is unstable here (membrane time constant ~0.6 ms under\n" ..
           "full inhibition); see scripts/notebook/cpg.lua.",
    example = "c = cpg{}\nprint(c:rhs({-50, -40, -45, -42, 0.4, 0.1, 0.2, 0.1}))",
  },
  ["cpg:set"] = {
    usage = "c:set{name = value, ...}   c.name = value   c:params()",
    text = "Changes parameters by name (checked: finite; conductances, weights and drives >= 0;\n" ..
           "time constants and C > 0; slopes nonzero).  The state is kept, so the network moves\n" ..
           "to the new regime from where it is.  c:params() returns all values by name.",
    example = "c = cpg{}\nc:run{t = 10000}\nc:set{Drive1 = 0}   -- cut the pontine drive mid-experiment\nr = c:run{t = 10000}",
  },
}
