-- Help for analysis and condensation: PCA, similarity, CCA, Procrustes, kinds,
-- fixed points, merging, condense and sweep.
return {
  ["pca"] = {
    usage = "pca(X) -> {components=, explained=, var=, scores=, mean=}",
    text = "Principal components of X (observations x variables): a matrix, a trace (its r, T x n)\n" ..
           "or a list of traces (all trials' steps stacked).  Thin SVD of the centred data.  When T >= n\n" ..
           "and the covariance is well conditioned (smallest/largest eigenvalue >= 1e-8), the eigen-\n" ..
           "decomposition of X'X; otherwise Householder QR then a Golub-Kahan SVD of the n x n triangle,\n" ..
           "which does not square the condition number (singular values are accurate to about 1e-16\n" ..
           "of the largest, not to full relative accuracy).\n" ..
           "components n x k (k = min(T, n); column c is axis c, unit norm, largest loading positive),\n" ..
           "explained k x 1 (fractions of variance, largest first), var k x 1 (s^2/(T-1)),\n" ..
           "scores T x k, mean n x 1.",
    example = "tr = net:run(t:sample(1).u[1])\np = pca(tr)\nbars(p.explained, {title = \"variance explained\"})",
  },
  ["npcs"] = {
    usage = "npcs(X [, frac=0.9]) -> integer",
    text = "Smallest number of leading principal components whose explained fractions reach frac.\n" ..
           "0 for data with no variance.",
    example = "npcs(tr, 0.9)",
  },
  ["participation"] = {
    usage = "participation(X) -> number",
    text = "Participation ratio (sum l)^2 / sum l^2 of the PCA variances l: an effective dimension\n" ..
           "between 1 and the number of variables (0 for data with no variance).",
    example = "participation(tr)",
  },
  ["similarity"] = {
    usage = "similarity(X [, \"pca\"|\"corr\" [, k]]) -> n x n matrix",
    text = "Neuron-by-neuron similarity of recorded rates (X as for pca).\n" ..
           "\"corr\": Pearson correlation.  \"pca\" (default): cosine between the neurons' loading\n" ..
           "vectors on the top k components, loadings scaled by each component's s.d.; k defaults to\n" ..
           "npcs(X, 0.9).  With k = all components this equals the correlation; with fewer it is the\n" ..
           "correlation of the rank-k reconstruction, blind to low-variance differences.\n" ..
           "A constant neuron has similarity 0 with every other (1 with itself).  Ctrl-C stops a large\n" ..
           "one: \"corr\" between blocks of rows, \"pca\" by killing the child process its PCA and its\n" ..
           "product run in.",
    example = "S = similarity(tr, \"corr\")\nheatmap(S)",
  },
  ["cca"] = {
    usage = "cca(a, b) -> {rho=, mean=, count=}",
    text = "Canonical correlations between two recordings on the same time points (e.g. a condensed\n" ..
           "net and its parent run on the same trials); a, b as for pca, same number of rows, more rows\n" ..
           "than columns.  Orthonormal bases of the centred column spaces (thin SVD, directions below\n" ..
           "1e-10 of the largest dropped), then the singular values of Ua'Ub.  rho: min(p,q) x 1,\n" ..
           "decreasing, zero beyond the count found; mean: mean of the count found.",
    example = "parent = net:run(b.u[1])\nsmall = net:copy(); small:merge(1, 2)\nc = cca(parent, small:run(b.u[1])); print(c.mean)",
  },
  ["procrustes"] = {
    usage = "procrustes(a, b) -> {disparity=, rotation=, scale=}",
    text = "Orthogonal Procrustes as scipy.spatial.procrustes: both centred and scaled to unit\n" ..
           "Frobenius norm (the narrower padded with zero columns), R = U V' from the SVD of B'A,\n" ..
           "minimising |A - s B R|; disparity = 1 - (trace S)^2 in [0, 1], 0 for a rotated, scaled,\n" ..
           "shifted copy.  rotation: m x m with m = max(columns).",
    example = "procrustes(pca(parent).scores, pca(child).scores).disparity",
  },
  ["kinds"] = {
    usage = "kinds(trace, k [, {restarts=10, maxiter=300}]) -> {centroids=, types=, counts=, inertia=}",
    text = "Clusters the neurons' responses into k canonical response types: each neuron's rate is\n" ..
           "z-scored over time (a constant neuron becomes 0), then k-means (k-means++ seeds from the\n" ..
           "global generator, best of `restarts`).  centroids: T x k mean z-scored response of each type;\n" ..
           "types: list of each neuron's type (1..k, numbered by first appearance); counts: neurons per type.",
    example = "K = kinds(tr, 4)\nplot(K.centroids, {title=\"response types\"})",
  },
  ["fixedpoints"] = {
    usage = "fixedpoints(net [, {starts=64, trace=, noise=0.05, spread=1, input=, tol=1e-3, qtol=1e-10,\n" ..
            "                     maxiter=2000, keep=256}]) -> list of {x=, q=, speed=, eig=, stable=, hits=}",
    text = "Fixed and slow points (Sussillo & Barak 2013).  Minimises q(x) = 1/2 |F(x)|^2, with the\n" ..
           "continuous-time speed F(x) = (-x + W f(x) + Win u + b)/tau and the analytic gradient\n" ..
           "J'F, J = (-I + W diag f'(x))/tau (q = 1/2 |x_next - x|^2 / dt^2 for the Euler map, the same\n" ..
           "as the map form at the default dt = 1), by GSL's vector_bfgs2 from `starts` states sampled along\n" ..
           "the trace's x (a trace or list of traces) plus N(0, noise^2) noise, or around x0 with s.d.\n" ..
           "`spread` when no trace is given (`starts` may also be a matrix, one start per row).\n" ..
           "Minima with q <= qtol are kept; points closer than tol are merged (hits counts the starts\n" ..
           "that reached each).  input: constant input u (default 0).  eig: n x 2 eigenvalues of J\n" ..
           "(real, imaginary; decreasing real part); stable when all real parts are < 0.\n" ..
           "The list is sorted by hits, most visited first.",
    example = "fps = fixedpoints(net, {trace = net:run(t:sample(1).u[1])})\n" ..
              "for _, p in ipairs(fps) do print(p.stable, p.q) end",
  },
  ["rnn:merge"] = {
    usage = "net:merge(i, j [, {method=\"mean\"|\"ls\", trace=}]) -> net [, a, c]",
    text = "Merges unit j into unit i in place (n decreases by 1; indices 1-based).\n" ..
           "\"mean\" (default): W[:,i] += W[:,j], Wout[:,i] += Wout[:,j] (j's outgoing weights pass\n" ..
           "to i), then i's incoming W row, Win row, b and x0 become the mean of i's and j's; exact\n" ..
           "when i and j receive identical inputs (then x_i = x_j at all times).\n" ..
           "\"ls\": fits r_j = a r_i + c by least squares on trace's rates (a trace, list of traces or\n" ..
           "T x n matrix), a = cov(r_i,r_j)/var(r_i), c = mean(r_j) - a mean(r_i), then\n" ..
           "  W[:,i] += a W[:,j]     b    += c W[:,j]\n" ..
           "  Wout[:,i] += a Wout[:,j]   bout += c Wout[:,j]\n" ..
           "(b takes c W[:,j] unscaled: b and W f(x) share the Euler bracket dt/tau(-x + W f(x) + Win u + b));\n" ..
           "i keeps its own incoming weights; returns net, a, c.  Exact when the fit is exact.",
    example = "tr = net:run(t:sample(1).u[1])\nnet:merge(3, 7, {method=\"ls\", trace=tr})",
  },
  ["rnn:delete"] = {
    usage = "net:delete(i) -> net",
    text = "Removes unit i in place (its row and column of W, its Win row, b, x0, its Wout column).",
    example = "net:delete(5)",
  },
  ["condense"] = {
    usage = "condense(net, task [, {ops={\"merge_ls\",\"merge_mean\",\"delete\",\"delete_comp\"}, criterion=\"pca\"|\"corr\"|fn,\n" ..
            "          retrain=100, method=, train={...}, threshold=0.9, min_n=1, eval=200, heldout=1000,\n" ..
            "          patience=3, max_steps=, plot=true, verbose=true, keep=false, k=, jobs=}])\n" ..
            "  -> condensed net, log",
    text = "Shrinks a trained net one unit at a time with each shrink operator in `ops`, each on its\n" ..
           "own copy of the parent, under identical rules (lua/condense.lua: read it, copy it, change\n" ..
           "it).  Operators, each removing unit j of a ranked pair {i, j}:\n" ..
           "  merge_ls     least-squares merge (r_j ~ a r_i + c; a W[:,j] onto i, c W[:,j] into b, bout)\n" ..
           "  merge_mean   plain merge (net:merge(i, j))\n" ..
           "  delete       delete j, nothing folded\n" ..
           "  delete_comp  delete j, its mean rate times W[:,j] and Wout[:,j] folded into b and bout\n" ..
           "               (mean-rate compensation: the fair pruning baseline for merge_ls)\n" ..
           "A selection batch (`eval` trials) and a held-out batch (`heldout` trials) are drawn once.\n" ..
           "Each step: rank pairs by the criterion on the selection rates (|similarity| for merge_ls,\n" ..
           "which handles anti-correlated units; signed for the others; keep the unit with more\n" ..
           "variance), try the `patience` best pairs in turn (apply, retrain `retrain` iterations, score\n" ..
           "on the selection batch), accept the first scoring >= threshold; stop when none is, at\n" ..
           "min_n or after max_steps.  Accepted steps are measured on the held-out batch.\n" ..
           "Each operator's chain runs in a worker process (`jobs` side by side; default: the CPUs this\n" ..
           "process may use) and draws its training trials from its own seed, taken from the global\n" ..
           "generator at the start and tied to the operator's name: the results are the same for any\n" ..
           "jobs, and an operator's chain does not depend on which others run.  Rows are printed and\n" ..
           "logged in operator order (the second operator's appear when the first is done).\n" ..
           "Hessian-free retraining computes its curvature products on 16 trials of the gradient\n" ..
           "batch (train={cbatch=} overrides): retraining starts next to a solution.\n" ..
           "log[k] = {op, n, score, loss, npcs, pr, cca (held-out: mean canonical correlation with\n" ..
           "the parent's rates), select (selection score), accepted, merged={i,j}, a, c, similarity,\n" ..
           "attempt, time (wall s)}; log[1] is the parent (op=\"parent\"); rejected attempts have no\n" ..
           "held-out fields.  Returns the first operator's smallest net; log.nets[op] and log.final[op]\n" ..
           "hold each operator's net and row; log.best indexes the returned net's row; keep=true\n" ..
           "also stores every accepted net in its row (row.net).\n" ..
           "Display: one table row per accepted step; at the prompt the figure of held-out score\n" ..
           "against size (accepted steps only, one labelled series per operator) is redrawn after each,\n" ..
           "in batch mode it is drawn once at the end.  Ctrl-C returns the nets reached so far\n" ..
           "(log.interrupted).  Legacy options: merge=\"ls\"|\"mean\" with compare=true|false means\n" ..
           "ops={\"merge_\"..merge, \"delete_comp\"} or just the merge; max_merges = max_steps.\n" ..
           "condense_csv(log, path) writes the log as CSV.",
    example = "small, log = condense(net, t, {ops={\"merge_ls\", \"delete_comp\"}, retrain=20, min_n=net.n - 2})\n" ..
              "for op, r in pairs(log.final) do print(op, r.n, r.score) end",
  },
  ["condense_csv"] = {
    usage = "condense_csv(log, path)",
    text = "Writes a condense log as CSV, one row per attempt (op, n, score, select, loss, npcs, pr, cca, merged_i, merged_j, a, c, attempt, accepted, time), for plotting elsewhere.",
    example = "seed(1)\nt = tasks.flipflop{T = 60}\nnet = rnn{n = 12, inputs = 3, outputs = 3}\nnet:train(t, {method = \"adam\", iters = 20})\nsmall, log = condense(net, t, {retrain = 5, min_n = 10})\ncondense_csv(log, os.tmpname())",
  },
  ["sweep"] = {
    usage = "sweep{task=, sizes={...}, seeds=N|{...}, method=, iters=500, batch=, eval=200, fixedpoints=32,\n" ..
            "      part=\"K/N\", csv=path, resume=false, label=fn, rnn={...}, train={...}} -> rows",
    text = "Trains one net per (size, seed) and tabulates {n, seed, score, loss, npcs, pr, nfixed,\n" ..
           "nstable, nmarginal, slow, ramp, cycles, label, time (wall s)}.  With T the trial length and\n" ..
           "eig the continuous-time Jacobian eigenvalues at each fixed point (input 0, starts along the\n" ..
           "evaluation trajectories): nmarginal counts points with ONE slow direction, |Re l1|*T < 0.2\n" ..
           "while Re l2*T < -1 (points of a line attractor); slow = min |Re l1|*T; ramp = mean R^2 of a\n" ..
           "line fitted to the PC1 score against time within each trial; cycles = regular oscillation\n" ..
           "of the PC1 score: crossings between +-half its s.d. over the last 3/4 of each trial, /2,\n" ..
           "counted when >= 4 crossings with regular intervals (c.v. <= 0.3).  Labelling rule\n" ..
           "(sweep_label(row), the first that holds): \"oscillator\" if cycles >= 2; \"line attractor\"\n" ..
           "if nmarginal >= 1; \"attractors\" if nstable - nmarginal >= 2; \"ramping\" if ramp >= 0.8;\n" ..
           "else \"transient\".  Checked on nets built to be each type (tests/lua/test_labels.lua:\n" ..
           "bistable units, a ReLU integrator, a leaky unit under constant drive, a rotation-like pair\n" ..
           "with a limit cycle, a feed-forward chain).  label=function(row) uses your own rule.\n" ..
           "A net whose run or loss is not finite (it diverged) gets label \"failed\", NaN indices\n" ..
           "and the message in row.error; the sweep goes on with the next run.\n" ..
           "part=\"K/N\" runs only\n" ..
           "every N-th run starting at K, for parallel slices (scripts/sweep.lua and\n" ..
           "scripts/sweep_parallel.sh, which runs slices side by side or as a Slurm job array).\n" ..
           "With csv=, each finished run's row is appended to the file at once; resume=true keeps the\n" ..
           "rows already there and skips their runs, so a killed slice resumes where it stopped.\n" ..
           "sweep_csv(rows, path) writes rows as CSV.",
    example = "rows = sweep{task=tasks.decision{}, sizes={4, 8}, seeds=1, iters=30, csv=\"sweep.csv\"}",
  },
  ["sweep_csv"] = {
    usage = "sweep_csv(rows, path [, header=true])",
    text = "Writes the rows of a sweep as CSV (n, seed, score, loss, npcs, pr, nfixed, nstable, nmarginal, slow, ramp, cycles, label, time).",
    example = "sweep_csv({{n = 4, seed = 1, score = 0.5}}, os.tmpname())",
  },
  ["sweep_measure"] = {
    usage = "sweep_measure(net, task, ev [, nfp]) -> row",
    text = "The measurements a sweep makes of one trained net on an evaluation batch ev: score, loss, npcs, participation ratio, ramp, cycles, fixed points from nfp starts (nfixed, nstable, nmarginal, slow).  sweep_label(row) gives the solution label (rule in help(\"sweep\")).",
    example = "t = tasks.flipflop{T = 60}\nnet = rnn{n = 8, inputs = 3, outputs = 3, seed = 1}\nrow = sweep_measure(net, t, t:sample(8), 4)\nprint(row.npcs, sweep_label(row))",
  },
  ["sweep_label"] = {
    usage = "sweep_label(row) -> \"oscillator\"|\"line attractor\"|\"attractors\"|\"ramping\"|\"transient\"",
    text = "The solution label of a row from sweep_measure, by the rule in help(\"sweep\").",
    example = "t = tasks.flipflop{T = 60}\nnet = rnn{n = 8, inputs = 3, outputs = 3, seed = 1}\nprint(sweep_label(sweep_measure(net, t, t:sample(8), 4)))",
  },
  ["sweep_slice"] = {
    usage = "sweep_slice{part=\"K/N\", csv=path, columns={...}, key={...}, resume=false} -> s;\n" ..
            "s:mine(p), s:todo(p, run), s:row(run), s:add(row)",
    text = "The slicing and resuming behind sweep, for your own studies.  Runs are numbered 1, 2, ...\n" ..
           "in a fixed order; slice K of N owns runs K, K+N, K+2N, ... (s:mine(p)).  s:todo(p, run)\n" ..
           "is true when run p is this slice's and the CSV has no row with run's key values yet;\n" ..
           "s:add(row) appends a row (numbers as %.6g) and rewrites the file whole through a temporary\n" ..
           "file, so it never holds half a row; s:row(run) returns a stored row.  resume=true reads the\n" ..
           "rows already in csv (a file with other columns is refused); without it the file starts\n" ..
           "over.  A script that takes --part K/N and --csv PATH and resumes this way runs under\n" ..
           "scripts/sweep_parallel.sh, locally or on Slurm (see README, Running on a cluster).",
    example = "runs = {{task=\"flipflop\", seed=1}, {task=\"flipflop\", seed=2}}\n" ..
              "s = sweep_slice{part=\"1/1\", csv=\"study.csv\", resume=true,\n" ..
              "                columns={\"task\", \"seed\", \"score\"}, key={\"task\", \"seed\"}}\n" ..
              "for p, run in ipairs(runs) do\n" ..
              "  if s:todo(p, run) then s:add{task=run.task, seed=run.seed, score=0.5} end\n" ..
              "end",
  },
}
