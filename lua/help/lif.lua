-- Help for the LIF population (lif{}, pop:run{}, compact spike lists).
return {
  ["lif"] = {
    usage = "lif{n=, inputs=0, vrest=, vth=, taum=, tref=, tau_ampa=, tau_nmda=, tau_inh=, R=, g_inh=, mg=,\n" ..
            "    W=, w_in=0.05, p_in=1, f_nmda=0, p=0, w=0.01, f_nmda_rec=0, W_rec=, threads=0} -> population",
    text = "Leaky integrate-and-fire 'student' neurons of Tesileanu, Olveczky & Balasubramanian 2017\n" ..
           "(eLife 6:e20944; model as in the authors' code, github.com/ttesileanu/twostagelearning).\n" ..
           "Units: mV, ms, MOhm, nA (R*I is in mV).\n" ..
           "  taum dV/dt = vrest - V + R (I_ampa + I_nmda + I) - V_inh\n" ..
           "  V > vth: spike, V = vrest, V held at vrest for tref (rounded to whole steps)\n" ..
           "  an input spike through weight w with NMDA fraction f: I_ampa += (1-f) w,\n" ..
           "    I_nmda += f G(V) w, G(V) = 1/(1 + mg/3.57 exp(-V/16.13))  (Jahr & Stevens 1990)\n" ..
           "  currents decay with tau_ampa, tau_nmda; global inhibition tau_inh dV_inh/dt = -V_inh + g_inh r(t),\n" ..
           "    r = population rate in Hz (g_inh in mV/Hz).\n" ..
           "Defaults (lif.defaults()): vrest -72.3, vth -48.6, taum 24.5, tau_ampa 6.3, tau_nmda 81.5,\n" ..
           "tau_inh 20, R 353, mg 0.7 mM, g_inh 0 (the authors' StudentLayer default), tref 1.9 ms (the\n" ..
           "released fit's starting value inside its [1, 2] ms range; the fitted value sits in a binary\n" ..
           "pickle we could not read).  lif{tref=10} gives the notebook's 10 ms.\n" ..
           "Inputs: `inputs` channels reach the neurons through W (n x inputs, nA per spike; zeros are no\n" ..
           "synapse) or, without W, random synapses of weight w_in with probability p_in; f_nmda is the NMDA\n" ..
           "fraction per input channel (a number or an inputs-vector).\n" ..
           "Recurrence: p is the probability of each synapse j->i (no self-connections), weight w (nA),\n" ..
           "NMDA fraction f_nmda_rec, stored as compressed sparse rows (1e7 synapses ~ 40 MB); or W_rec\n" ..
           "(n x n dense, row i = inputs of neuron i).  Recurrent spikes arrive one step later.\n" ..
           "Threads: threads=k runs on k threads (1..8), each owning a slice of the neurons; 0 (default)\n" ..
           "chooses 2 when the machine has two CPUs and the population is large (n >= 2048 or >= 200,000\n" ..
           "recurrent synapses), else 1.  Results are bit-for-bit the same for any thread count.  During a\n" ..
           "run, short probes compare k threads with one and the faster is used, so a busy machine (another\n" ..
           "job on the second core) does not make a many-thread run slower than a single-thread one.\n" ..
           "Fields: pop.n, pop.inputs, pop.synapses, pop.input_synapses, pop.threads (settable; 0 = automatic);\n" ..
           "every parameter by name (read and assign, validated); pop.V, pop.I_ampa, pop.I_nmda (n x 1\n" ..
           "copies of the state), pop.V_inh.\n" ..
           "lif.mg_block(v [, mg]) gives G(V).  Subthreshold dynamics use the exact propagator, so a\n" ..
           "constant current fires at ISI = tref + taum ln(RI/(RI-(vth-vrest))) up to one step.",
    fields = {
      vrest = "resting and reset potential, mV",
      vth = "spike threshold, mV",
      taum = "membrane time constant, ms",
      tref = "refractory period, ms",
      tau_ampa = "AMPA current decay, ms",
      tau_nmda = "NMDA current decay, ms",
      tau_inh = "global inhibition time constant, ms",
      R = "membrane resistance, MOhm",
      g_inh = "global inhibition gain, mV/Hz",
      mg = "magnesium concentration, mM",
      n = "number of neurons",
      inputs = "input channels",
      synapses = "recurrent synapses",
      input_synapses = "input synapses",
      f_nmda_rec = "NMDA fraction of recurrent synapses",
      V = "membrane potentials now, n×1 (mV)",
      I_ampa = "AMPA currents now, n×1 (nA)",
      I_nmda = "NMDA currents now, n×1 (nA)",
      V_inh = "global inhibition now, mV",
      threads = "threads used by run (settable; 0 = automatic)",
    },
    example = "pop = lif{n=100, inputs=20, w_in=0.02, p=0.1, w=0.005}\n" ..
              "big = lif{n=10000, p=0.1, w=0.0002, threads=2}   -- 10^7 synapses, two cores\n" ..
              "r = pop:run{T=500, dt=0.1, I=0.05, rates=40}\nraster(r.spikes)\nplot(r.V:col(1))",
  },
  ["lif:run"] = {
    usage = "pop:run{T=, dt=0.1, I=0, rates=, input_spikes=, record=, spikes=\"auto\", keep_state=false, V0=,\n" ..
            "        threads=}\n" ..
            "  -> {V=steps x n, spikes={{t=,i=},...}, rate=n x 1 (Hz), t=steps x 1, dt=, T=}",
    text = "Runs the population for T ms in steps of dt ms (dt may not exceed the shortest time constant).\n" ..
           "Row k of V is the state at t = k dt; a spike's t is the end of the step where V crossed vth;\n" ..
           "i is the neuron (1-based).\n" ..
           "I (nA): a number, an n-vector, or a steps x n matrix (row k during step k).\n" ..
           "rates: Poisson input rate(s) in Hz (number or inputs-vector; exact exponential intervals from\n" ..
           "the global seeded generator), or input_spikes: a list {{t=, i=}, ...} (i = input channel; a\n" ..
           "spike at t acts from the start of step floor(t/dt)) - another population's spikes work as is.\n" ..
           "record: true (all neurons), false, or a list of neuron indices.  Default: all when steps x n <=\n" ..
           "1e7 (80 MB), otherwise V is left out - pass record={...} to watch a few neurons of a big run.\n" ..
           "spikes: \"table\" (plain Lua tables), \"compact\" (8 bytes a spike: #s, s[k] -> {t=,i=}, ipairs,\n" ..
           "s:times(), s:neurons(), s:totable()), or \"auto\": table up to 200,000 spikes, compact beyond.\n" ..
           "Each run starts from rest (or V0) unless keep_state=true.  Ctrl-C stops it cleanly.\n" ..
           "threads: overrides the population's thread count for this run (see help(\"lif\")).",
    example = "r = lif{n=5, tref=2}:run{T=1000, I={0.06, 0.08, 0.1, 0.2, 0.5}}\nprint(r.rate)",
  },
  ["lif:reset"] = {
    usage = "pop:reset()",
    text = "Puts every neuron back at rest (V = vrest, no synaptic current, no inhibition), as before the first run.",
    example = "pop = lif{n = 10}\npop:run{T = 100, I = 1}\npop:reset()\nprint(pop.V:get(1, 1))   --> -72.3",
  },
  ["lif.defaults"] = {
    usage = "lif.defaults() -> {vrest=, vth=, taum=, ...}",
    text = "The default parameters (Tesileanu et al. 2017) as a table.",
    example = "print(lif.defaults().taum)   --> 24.5",
  },
  ["lif.mg_block"] = {
    usage = "lif.mg_block(V [, mg=0.7]) -> factor",
    text = "The NMDA magnesium block 1/(1 + mg/3.57 exp(-V/16.13)) of Jahr & Stevens (1990) at V mV and mg mM.",
    example = "print(lif.mg_block(-70), lif.mg_block(0))",
  },
}
