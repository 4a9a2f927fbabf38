-- Help for the continuous-time rate RNN (src/lua/rnn/l_rnn.c).
return {
  ["rnn"] = {
    usage = "rnn{n=, inputs=1, outputs=1, tau=10, dt=1, activation=\"tanh\", g=1.5, noise=0, seed=}",
    text = "Continuous-time rate network, Euler-discretised with α = dt/tau:\n" ..
           "  x_t = x_{t-1} + α(−x_{t-1} + W f(x_{t-1}) + Win u_t + b) + sqrt(2α)·noise·ξ_t,  x_0 = x0\n" ..
           "  r_t = f(x_t),  y_t = Wout r_t + bout\n" ..
           "f is tanh, relu or softplus.  ξ_t ~ N(0,1) per unit and step (Song, Yang & Wang 2016), so\n" ..
           "`noise` is the stationary s.d. of an isolated leaky unit; noise draws from the global\n" ..
           "generator.  Initialisation: W ~ N(0, g²/n), Win ~ N(0, 1/inputs), Wout ~ N(0, 1/n),\n" ..
           "b = bout = x0 = 0; seed= draws them from a private generator seeded with it.\n" ..
           "dt must not exceed tau (the Euler step would overshoot).  A run whose state becomes NaN\n" ..
           "or Inf raises an error naming the first such value and the likely cause.\n" ..
           "Fields (read: copies; assign: shape- and NaN-checked): net.W (n×n), net.Win (n×inputs),\n" ..
           "net.b (n×1), net.Wout (outputs×n), net.bout, net.x0; net.tau, net.dt, net.noise,\n" ..
           "net.activation are assignable; net.n, net.inputs, net.outputs, net.nparams read-only.\n" ..
           "Methods: run, loss, grad, copy, save, params, setparams (see help(\"rnn:run\") ...),\n" ..
           "and train/score/merge/delete from the training and analysis modules.",
    fields = {
      W = "recurrent weights, n×n (a copy; assign a matrix to change)",
      Win = "input weights, n×inputs",
      b = "unit biases, n×1",
      Wout = "readout weights, outputs×n",
      bout = "readout biases, outputs×1",
      x0 = "initial state, n×1",
      n = "number of units (read-only)",
      inputs = "input channels (read-only)",
      outputs = "outputs (read-only)",
      nparams = "number of trainable parameters (read-only)",
      tau = "time constant (assignable)",
      dt = "Euler step (assignable)",
      noise = "stationary s.d. of the private noise (assignable)",
      activation = '"tanh", "relu" or "softplus" (assignable)',
    },
    example = "net = rnn{n=64, inputs=3, outputs=3, seed=1}\nprint(net)\nnet.tau = 20\nW = net.W; W:set(1, 1, 0); net.W = W",
  },
  ["rnn:run"] = {
    usage = "net:run(u) -> {x=, r=, y=}   net:run(batch) -> {trace1, trace2, ..., X=, R=, Y=}   net:run(b, {traces=\"ry\", out=old})",
    text = "Runs the network from x0 on a T×inputs input matrix (row t is u_t) and returns the trace:\n" ..
           "x and r (T×n; row t is the state after step t) and y (T×outputs).  Given a batch\n" ..
           "{u={...}} (as from task:sample), returns one trace per trial, and all trials stacked\n" ..
           "in the fields X, R (B·T×n) and Y (B·T×outputs), trial k in rows (k−1)T+1..kT: each\n" ..
           "trial's x, r, y is a view of these (no copy), and R is what pca, cca and similarity\n" ..
           "take for the whole batch.  {traces=\"ry\"} (any of the letters x, r, y) returns only\n" ..
           "those traces: copying out a large batch's states costs more than running it, so an\n" ..
           "evaluation that needs only the outputs asks for traces=\"y\".  {out=old}, old being the\n" ..
           "result of an earlier net:run that is no longer needed, writes the new traces over its\n" ..
           "storage where it is large enough (old's matrices then hold the new values): a loop\n" ..
           "of runs on large batches then takes no fresh memory, whose page faults cost more than\n" ..
           "the run.",
    example = "t = tasks.flipflop{}\nb = t:sample(4)\ntr = net:run(b)\nplot(tr[1].y)\nprint(npcs(tr.R))\n" ..
              "print(t:score(b, net:run(b, {traces=\"y\"})))\n" ..
              "old = nil\nfor i = 1, 3 do old = net:run(b, {traces=\"y\", out=old}); print(t:score(b, old)) end",
  },
  ["rnn:loss"] = {
    usage = "net:loss(batch) -> number",
    text = "Masked mean squared error Σ mask·(y−target)² / Σ mask over all trials, steps and\n" ..
           "outputs.  batch = {u={...}, target={...}, mask={...}}: lists of B matrices, T×inputs,\n" ..
           "T×outputs, T×outputs (mask optional: all ones; it must be >= 0 and not all zero).\n" ..
           "A loss that is NaN or Inf (the net diverged) is an error naming the likely cause.",
    example = "b = t:sample(32)\nprint(net:loss(b))",
  },
  ["rnn:grad"] = {
    usage = "net:grad(batch) -> loss, {W=, Win=, b=, Wout=, bout=, x0=}",
    text = "Exact gradient of net:loss(batch) by backpropagation through time, one matrix per\n" ..
           "parameter under its field name.  Batched over trials with BLAS GEMMs; large batches\n" ..
           "are cut into two slices, on two threads when the process may use two CPUs (the same\n" ..
           "numbers either way).  Checked against finite differences and PyTorch.",
    example = "l, g = net:grad(b)\nnet.W = net.W - g.W * 0.1",
  },
  ["rnn:copy"] = {
    usage = "net:copy() -> rnn",
    text = "An independent deep copy (parameters and settings).",
    example = "small = net:copy(); small:merge(1, 2)",
  },
  ["rnn:save"] = {
    usage = "net:save(path)",
    text = "Writes a readable, diffable text file: first line \"ganglion-rnn 1\" (format and version),\n" ..
           "then n, inputs, outputs, tau, dt, activation, noise, and each matrix as \"name rows cols\"\n" ..
           "followed by its rows, numbers with 17 significant digits (exact round trip).  Written to\n" ..
           "a temporary file and renamed, so an interrupted save never leaves half a file.",
    example = "net:save(\"flipflop64.rnn\")",
  },
  ["rnn.load"] = {
    usage = "rnn.load(path) -> rnn",
    text = "Reads a file written by net:save with a plain parser: nothing in the file is ever run.\n" ..
           "Unknown keys, code, wrong shapes, NaN/Inf, absurd sizes and truncated files are\n" ..
           "rejected with a message giving the line.",
    example = "net = rnn.load(\"flipflop64.rnn\")",
  },
  ["rnn:params"] = {
    usage = "net:params() -> nparams×1 matrix   net:setparams(v)",
    text = "All parameters as one column in the fixed order W, Win, b, Wout, bout, x0 (each\n" ..
           "matrix row by row); setparams assigns such a vector back.",
    example = "p = net:params(); net:setparams(p * 0.5)",
  },
  ["rnn:setparams"] = {
    usage = "net:setparams(v) -> net",
    text = "Assigns all parameters from one nparams×1 vector in the order of net:params(); shape and NaN are checked before anything changes.",
    example = "p = net:params()\nnet:setparams(p * 0.5)",
  },
}
