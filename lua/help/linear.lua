-- Help for the linear rate network (linear{...}).
return {
  ["linear"] = {
    usage = "linear{M=matrix, tau=10, dt=1, v0=0, method=\"exact\"}",
    text = "Linear rate network  tau dv/dt = -v + M v + h  (Dayan & Abbott, ch. 7).\n" ..
           "M is n×n; tau and dt share one time unit (dt <= tau).  v0 (a number or n-vector,\n" ..
           "default 0) is the state every run starts from; method chooses the default stepper.\n" ..
           "Methods: lin:run(h [, opts])  lin:eig()  lin:fixed(h)  lin:phase(v [, opts]).\n" ..
           "Fields: lin.n lin.tau lin.dt lin.M (copies); lin.v0 and lin.method can be assigned.\n" ..
           "A mode with eigenvalue lam of M evolves as exp((lam-1) t/tau): it decays when\n" ..
           "Re lam < 1, integrates when lam = 1, and grows (the network is unstable) when\n" ..
           "Re lam > 1; lin:eig() lists the time constants tau/(1 - Re lam).",
    fields = {
      n = "number of units",
      tau = "time constant",
      dt = "time step",
      M = "connection matrix, n×n (a copy)",
      method = '"exact" or "euler" (assignable)',
      v0 = "starting state, n×1 (assignable)",
    },
    example = "M = matrix{{0.5, -0.4}, {0.6, 0.3}}\nlin = linear{M=M, tau=10, dt=0.5}\n" ..
              "h = matrix(200, 2, 0.1)\nv = lin:run(h)\nlin:phase(v, {h={0.1, 0.1}})",
  },
  ["linear:run"] = {
    usage = "lin:run(h [, {method=\"exact\"|\"euler\", v0=}])  -> v (T×n)",
    text = "Integrates T = h:rows() steps.  h is T×n: row t is the input held during step t.\n" ..
           "Row t of the result is the state after step t (v0 itself is not included), as in\n" ..
           "rnn:run.  v0 defaults to lin.v0 (zero unless set).\n" ..
           "method=\"exact\" (default): v_t = e^{A dt} v_{t-1} + (integral_0^dt e^{As} ds) h_t / tau,\n" ..
           "  A = (M - I)/tau — the exact solution for h constant over each step, computed once\n" ..
           "  per network from the exponential of the augmented matrix [[A dt, I dt/tau], [0, 0]],\n" ..
           "  so it also works when M has an eigenvalue 1 (A singular).\n" ..
           "method=\"euler\": v_t = v_{t-1} + dt/tau (-v_{t-1} + M v_{t-1} + h_t), the classic\n" ..
           "  forward-Euler scheme; first-order accurate, unstable for large dt/tau.\n" ..
           "Both are O(n^2) per step.  An unstable network (Re lam > 1) grows without bound:\n" ..
           "a run that overflows is an error naming the step and the eigenvalue.  The exact\n" ..
           "method needs |(M - I) dt/tau| <= 1e10 (beyond, the matrix exponential is inaccurate).\n" ..
           "Ctrl-C stops a long run every few steps; a large network's exact propagator (its\n" ..
           "first run) and the eigenvalues behind an overflow message run in a child process\n" ..
           "that Ctrl-C kills (the network stays as it was; see GANGLION_LAPACK_CHILD in man).",
    example = "v = lin:run(matrix(100, lin.n, 1.0), {method=\"euler\", v0={1, -1}})\nplot(v)",
  },
  ["linear:eig"] = {
    usage = "lin:eig()  -> {values=, imag=, vectors=, vectors_imag=, tau=, omega=, complex=}",
    text = "Eigen-decomposition of M (GSL's nonsymmetric solver).  Modes are sorted by decreasing\n" ..
           "real part (slowest first); a conjugate pair lists +imag first.\n" ..
           "values/imag (n×1): real and imaginary parts of the eigenvalues lam.\n" ..
           "vectors/vectors_imag (n×n): eigenvectors in columns, unit norm, phase fixed so the\n" ..
           "  largest entry is real and positive (real modes: vectors_imag column is 0).\n" ..
           "tau (n×1): mode time constant tau/(1 - Re lam): inf for an integrator (lam = 1),\n" ..
           "  negative for a growing mode.  omega (n×1): angular frequency Im lam / tau.\n" ..
           "complex: true when any eigenvalue is complex.",
    example = "e = lin:eig()\nprint(e.values, e.tau)",
  },
  ["linear:fixed"] = {
    usage = "lin:fixed(h)  -> v* (n×1)",
    text = "Fixed point (I - M)^-1 h for a constant input h (a number or n-vector; default 0).\n" ..
           "Error when M has an eigenvalue 1 (no unique fixed point).  A large solve runs in a\n" ..
           "child process that Ctrl-C kills.",
    example = "vstar = lin:fixed({0.1, 0.1})",
  },
  ["linear:phase"] = {
    usage = "lin:phase(v [, {dims={1,2}, h=, center=, title=, ...}])  -> lines",
    text = "Phase plot of a trajectory v (T×n, from lin:run): column dims[1] against dims[2], with\n" ..
           "each eigenvector drawn as a line through the fixed point (I - M)^-1 h (h: the\n" ..
           "constant input; default 0, i.e. the origin; or give center= directly).  A complex\n" ..
           "pair is drawn by the real and imaginary parts of its eigenvector.  For n > 2 the\n" ..
           "lines are the eigenvectors projected on the two plotted units.  Other options go to\n" ..
           "phase().  Returns the lines {{x={..}, y={..}, label=}, ...}.",
    example = "lin = linear{M=matrix{{0.5, 0.3}, {0.3, 0.5}}, tau=10}\n" ..
              "v = lin:run(matrix(300, 2, 0), {v0={1, -0.2}})\nlin:phase(v)",
  },
}
