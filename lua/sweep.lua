-- sweep.lua — how does network size constrain the solution training finds?
--
-- sweep{task=, sizes={...}, seeds={...} or N, method=, iters=, batch=, eval=200,
--       fixedpoints=32, part="K/N", csv=path, resume=false, label=function, rnn={...},
--       train={...}, plot=true, verbose=true}
-- trains one net per (size, seed) and returns a list of rows
--   {n=, seed=, score=, loss=, npcs=, pr=, nfixed=, nstable=, ramp=, label=, time=}
-- sorted by size then seed.  Every run is independent: part="K/N" runs only
-- the runs whose position (1-based, in size-then-seed order) is K mod N, so
-- N processes (or a Slurm job array, see scripts/sweep_parallel.sh) cover the
-- whole sweep and their CSVs concatenate.
--
-- resume=true (with csv=) keeps the rows already in the CSV and skips their
-- runs; every finished run's row is appended to the CSV at once (whole rows
-- only, see lua/slice.lua), so a slice that was killed resumes where it stopped.
--
-- Indices behind the solution label (stated, so they can be argued with);
-- T is the trial length in steps, eigenvalues are those of the continuous-time
-- Jacobian at each fixed point (fixedpoints: input 0, starts along the
-- evaluation trajectories):
--   npcs      principal components for 90% of the rate variance (all trials);
--   pr        participation ratio (Σλ)²/Σλ²;
--   nfixed, nstable  fixed points found, and those with all Re(eig) < 0;
--   nmarginal fixed points with ONE slow direction: |Re λ1|·T < 0.2 (that mode
--             outlives five trials) while Re λ2·T < -1 (the rest decays within a
--             trial) — points on a line attractor;
--   slow      the smallest |Re λ1|·T over the fixed points (small = marginal);
--   ramp      mean over trials of R² of a straight line fitted to the PC1
--             score against time within the trial: near 1 when the population
--             state drifts steadily (ramping), low for step-like or transient
--             activity;
--   cycles    regular oscillation: PC1 crossings between ±half its s.d. over
--             the last three quarters of each trial, /2, counted only when the
--             intervals between crossings are regular (c.v. <= 0.3) and there
--             are at least 4; mean over trials.
--   label (sweep_label(row), the first rule that holds):
--     "oscillator"      cycles >= 2 (a rhythm, whatever the fixed points);
--     "line attractor"  nmarginal >= 1 (an integrator: a continuum of states);
--     "attractors"      nstable - nmarginal >= 2 (separate stable states);
--     "ramping"         ramp >= 0.8;
--     "transient"       otherwise (activity that rises and decays).
--   A net that cannot be measured (its run or loss is not finite: it
--   diverged) gets label "failed", NaN indices and the message in row.error;
--   the sweep goes on with the next run.
--   Validated on networks built to have each type (tests/lua/test_labels.lua).
--   Pass label=function(row) -> string to use your own.

-- R² of PC1 score vs time, averaged over trials.
local function ramp_index(scores, B, T)
  local tot = 0
  local tm = (T + 1) / 2
  local stt = 0
  for t = 1, T do stt = stt + (t - tm) ^ 2 end
  local tc = matrix.range(1, T) - tm          -- centred time
  for b = 1, B do
    local y = scores:sub((b - 1) * T + 1, b * T, 1, 1)
    y = y - y:mean()
    local sty, syy = tc:dot(y), y:dot(y)
    tot = tot + (syy > 0 and (sty * sty) / (stt * syy) or 0)
  end
  return tot / B
end

-- Regular oscillation of the PC1 score over the last three quarters of each
-- trial (after the start's transient): crossings between +h and -h (h = half the
-- segment's s.d.) counted with hysteresis, cycles = crossings / 2; a trial
-- whose intervals between crossings vary (coefficient of variation > 0.3:
-- noise, not a rhythm) or that crosses fewer than 4 times counts 0.  The mean
-- over trials.
local function cycles_index(scores, B, T)
  local tot = 0
  local a = T // 4 + 1
  if T - a < 4 then return 0 end
  for b = 1, B do
    local y = scores:sub((b - 1) * T + a, b * T, 1, 1)
    local sd = y:std()
    if sd > 1e-9 then
      local v = (y - y:mean()):totable()
      local h, state, times = 0.5 * sd, 0, {}
      for t = 1, #v do
        local s = v[t] > h and 1 or v[t] < -h and -1 or 0
        if s ~= 0 and s ~= state then
          if state ~= 0 then times[#times + 1] = t end
          state = s
        end
      end
      if #times >= 4 then
        local d, m = {}, 0
        for k = 2, #times do d[k - 1] = times[k] - times[k - 1]; m = m + d[k - 1] end
        m = m / #d
        local var = 0
        for _, x in ipairs(d) do var = var + (x - m) ^ 2 end
        if math.sqrt(var / #d) <= 0.3 * m then tot = tot + #times / 2 end
      end
    end
  end
  return tot / B
end

-- The solution label of a row from sweep_measure (rule above).
function sweep_label(row)
  if type(row) ~= "table" then error("sweep_label: row must be a table from sweep_measure, got " .. type(row), 2) end
  for _, k in ipairs { "cycles", "nmarginal", "nstable", "ramp" } do
    if type(row[k]) ~= "number" then error("sweep_label: row." .. k .. " must be a number (a row from sweep_measure)", 2) end
  end
  if row.cycles >= 2 then return "oscillator" end
  if row.nmarginal >= 1 then return "line attractor" end
  if row.nstable - row.nmarginal >= 2 then return "attractors" end
  if row.ramp >= 0.8 then return "ramping" end
  return "transient"
end
local default_label = sweep_label

require "slice"

local COLUMNS = { "n", "seed", "score", "loss", "npcs", "pr", "nfixed", "nstable", "nmarginal", "slow", "ramp",
                  "cycles", "label", "time" }

-- sweep_csv(rows, path [, header=true]): writes the rows as CSV.
function sweep_csv(rows, path, header)
  if type(rows) ~= "table" then error("sweep_csv: rows must be a list of rows (from sweep), got " .. type(rows), 2) end
  for k, r in ipairs(rows) do
    if type(r) ~= "table" then error(("sweep_csv: rows[%d] must be a table, got %s"):format(k, type(r)), 2) end
  end
  if type(path) ~= "string" then error("sweep_csv: path must be a string, got " .. type(path), 2) end
  local out = {}
  if header ~= false then out[1] = table.concat(COLUMNS, ",") .. "\n" end
  for _, r in ipairs(rows) do
    local cells = {}
    for k, c in ipairs(COLUMNS) do
      local v = r[c]
      cells[k] = type(v) == "number" and (math.type(v) == "integer" and tostring(v) or ("%.6g"):format(v))
                 or tostring(v or "")
    end
    out[#out + 1] = table.concat(cells, ",") .. "\n"
  end
  local ok, err = pcall(writefile, path, table.concat(out))
  if not ok then error("sweep_csv: " .. tostring(err):gsub("^writefile: ", ""), 2) end
end

-- The analysis of one trained net on an evaluation batch.
function sweep_measure(net, task, ev, nfp)
  if type(net) ~= "userdata" or not pcall(function() return net.n end) then
    error("sweep_measure: net must be an rnn, got " .. type(net), 2)
  end
  if type(task) ~= "table" or type(task.score) ~= "function" then
    error("sweep_measure: task must be a task (with a score method), got " .. type(task), 2)
  end
  if type(ev) ~= "table" or type(ev.u) ~= "table" then
    error("sweep_measure: ev must be a batch from task:sample(B), got " .. type(ev), 2)
  end
  if nfp ~= nil and type(nfp) ~= "number" then
    error("sweep_measure: nfp must be a number of fixed-point starts, got " .. type(nfp), 2)
  end
  local traces = net:run(ev)
  local B, T = #traces, traces[1].r:rows()
  local X, rs = {}, {}
  for b, tr in ipairs(traces) do
    rs[b] = tr.r
    X[b] = { x = tr.x }
  end
  local R = matrix.vcat(rs)
  local row = { n = net.n, score = task:score(ev, traces), loss = net:loss(ev), npcs = npcs(R, 0.9),
                pr = participation(R) }
  local p = pca(R)
  row.ramp = ramp_index(p.scores, B, T)
  row.cycles = cycles_index(p.scores, B, T)
  row.nfixed, row.nstable, row.nmarginal, row.slow = 0, 0, 0, 0 / 0
  if nfp and nfp > 0 then
    local fps = fixedpoints(net, { trace = X, starts = nfp })
    row.nfixed = #fps
    for _, fp in ipairs(fps) do
      if fp.stable then row.nstable = row.nstable + 1 end
      local l1 = fp.eig:get(1, 1)
      local l2 = fp.eig:rows() > 1 and fp.eig:get(2, 1) or -math.huge
      local s = math.abs(l1) * T
      if not (row.slow <= s) then row.slow = s end
      if s < 0.2 and l2 * T < -1 then row.nmarginal = row.nmarginal + 1 end
    end
  end
  return row
end

function sweep(opts)
  if type(opts) ~= "table" then error("sweep: expected an options table sweep{task=, sizes=, ...}", 2) end
  local known = { task = 1, sizes = 1, seeds = 1, method = 1, iters = 1, batch = 1, eval = 1, fixedpoints = 1,
                  part = 1, csv = 1, resume = 1, label = 1, rnn = 1, train = 1, plot = 1, verbose = 1 }
  for k in pairs(opts) do
    if not known[k] then error(("sweep: unknown option '%s'"):format(tostring(k)), 2) end
  end
  local task = opts.task
  if type(task) ~= "table" or type(task.sample) ~= "function" then error("sweep: task must be a task (tasks.NAME{...})", 2) end
  local sizes = opts.sizes
  if type(sizes) ~= "table" or #sizes == 0 then error("sweep: sizes must be a non-empty list of unit counts", 2) end
  for _, n in ipairs(sizes) do
    if math.type(n) ~= "integer" or n < 1 then error("sweep: sizes must be positive integers", 2) end
  end
  local seeds = opts.seeds or 1
  if math.type(seeds) == "integer" then
    local s = {}
    for k = 1, seeds do s[k] = k end
    seeds = s
  end
  if type(seeds) ~= "table" or #seeds == 0 then error("sweep: seeds must be a count or a list of integers", 2) end
  local iters = opts.iters or 500
  if math.type(iters) ~= "integer" or iters < 0 then error("sweep: iters must be an integer >= 0", 2) end
  local label = opts.label or default_label
  if type(label) ~= "function" then error("sweep: label must be a function(row) -> string", 2) end
  if opts.part ~= nil and type(opts.part) ~= "string" then error("sweep: part must be a string \"K/N\", got " .. type(opts.part), 2) end
  if opts.csv ~= nil and (type(opts.csv) ~= "string" or opts.csv == "") then
    error("sweep: csv must be a file path, got " .. type(opts.csv), 2)
  end
  if opts.resume ~= nil and type(opts.resume) ~= "boolean" then error("sweep: resume must be true or false", 2) end
  local nfp = opts.fixedpoints == nil and 32 or opts.fixedpoints
  local say = opts.verbose == false and function() end or print
  local ok, slice = pcall(sweep_slice, { part = opts.part, csv = opts.csv, columns = COLUMNS,
                                          key = { "n", "seed" }, resume = opts.resume == true })
  if not ok then error((tostring(slice):gsub("^.-sweep_slice: ", "sweep: ")), 2) end
  local rows, idx = {}, 0
  for _, n in ipairs(sizes) do
    for _, s in ipairs(seeds) do
      idx = idx + 1
      local run = { n = n, seed = s }
      local done = slice:mine(idx) and slice:row(run)
      if done then
        rows[#rows + 1] = done
        say(("sweep: n=%-4d seed=%-3d already in %s, skipped"):format(n, s, opts.csv))
      elseif slice:mine(idx) then
        local t0 = clock()
        seed(s)
        local ropts = { n = n, inputs = task.inputs, outputs = task.outputs }
        if opts.rnn then for k, v in pairs(opts.rnn) do ropts[k] = v end end
        local net = rnn(ropts)
        local topts = { iters = iters }
        if opts.train then for k, v in pairs(opts.train) do topts[k] = v end end
        if opts.method then topts.method = opts.method end
        if opts.batch then topts.batch = opts.batch end
        if iters > 0 and net:train(task, topts).interrupted then error("interrupted", 0) end
        seed(1000003 + s)   -- the same evaluation trials for every size
        local ev = task:sample(opts.eval or 200)
        -- A net whose run or loss is not finite (it diverged in training,
        -- or rnn{} options made it explode) is a result, not a reason to
        -- abandon the sweep: its row says "failed" (with the message in
        -- row.error) and the sweep goes on.  Ctrl-C still stops the sweep.
        local measured, row = pcall(sweep_measure, net, task, ev, nfp)
        if not measured and tostring(row):find("interrupted", 1, true) then error(row, 0) end
        local why = not measured and (tostring(row):gsub("^[^:\n]*:%d+: ", "")) or nil
        if why then
          local nan = 0 / 0
          row = { n = n, score = nan, loss = nan, npcs = nan, pr = nan, nfixed = 0, nstable = 0, nmarginal = 0,
                  slow = nan, ramp = nan, cycles = nan, error = why }
        end
        row.seed = s
        row.time = clock() - t0
        row.label = why and "failed" or label(row)
        rows[#rows + 1] = row
        slice:add(row)
        if why then
          say(("sweep: n=%-4d seed=%-3d failed: %s  (%.1fs)"):format(n, s, why, row.time))
        else say(("sweep: n=%-4d seed=%-3d score %.3f  npcs %d  PR %.2f  stable fp %d  marginal %d  ramp %.2f  cycles %.1f  -> %s  (%.1fs)"):format(
            n, s, row.score, row.npcs, row.pr, row.nstable, row.nmarginal, row.ramp, row.cycles, row.label, row.time))
        end
      end
    end
  end
  if opts.plot ~= false and type(plot) == "function" and #rows > 1 then
    local xs, ys = {}, {}
    for k, r in ipairs(rows) do xs[k] = r.n; ys[k] = r.score end
    pcall(plot, matrix(ys), { x = matrix(xs), title = "sweep: score vs size", xlabel = "units", ylabel = "score" })
  end
  return rows
end

return sweep
