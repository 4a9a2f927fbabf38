-- study.lua — the condensation study: does merging beat pruning, and what do small
-- networks do?  For every task and seed it trains a parent, condenses it with every shrink
-- operator (condense, lua/condense.lua), labels the solution type along the way, sweeps
-- network sizes, and writes a Markdown report with text figures.
--
--   ganglion -b scripts/study.lua [--quick] [--out PATH]
--       runs everything here, one run after another, then writes the report
--       (default study/REPORT.md; with --quick study/REPORT-quick.md and a CSV beside it)
--   ganglion -b scripts/study.lua --part K/N --csv PATH [--quick]
--       one slice (the contract of scripts/sweep_parallel.sh): runs K, K+N, ... appending
--       each finished run's rows to PATH and skipping runs already there
--   ganglion -b scripts/study.lua --report MERGED.csv [--quick] [--out PATH]
--           [--wall SECONDS] [--cpu SECONDS] [--command TEXT] [--load TEXT] [--note TEXT]
--       the report from the merged rows of all slices: the invocation's wall time, the CPU
--       time of its processes, the command, the load average at its start and a note on how
--       the rows were made (e.g. several invocations whose CSVs were concatenated) at its top
-- `make study` runs the slices with scripts/sweep_parallel.sh (SLURM=1: as a Slurm array)
-- and then the report.  Other options: --tasks a,b,c  --seeds N (both change the run list).
require "condense"
require "sweep"

local T0 = clock()
local opt = { quick = false, part = nil, csv = nil, report = nil, out = nil, wall = nil,
              command = nil, tasks = nil, seeds = nil, load = nil, cpu = nil, note = nil }
do
  local args, k = arg or {}, 1
  local takes = { part = 1, csv = 1, report = 1, out = 1, wall = 1, command = 1, tasks = 1, seeds = 1, load = 1, cpu = 1, note = 1 }
  while k <= #args do
    local key = args[k]:match("^%-%-([%w_]+)$")
    if key == "quick" then opt.quick, k = true, k + 1
    elseif key and takes[key] and args[k + 1] then opt[key], k = args[k + 1], k + 2
    else
      error("study.lua: unknown argument " .. tostring(args[k]) ..
            " (known: --quick --part K/N --csv PATH --report CSV --out PATH --wall S --cpu S --command TEXT --load TEXT --note TEXT" ..
            " --tasks a,b --seeds N)")
    end
  end
end

---------------------------------------------------------------------------
-- Settings.
-- The quick version: three tasks with shorter trials, small nets, few steps: a
-- check that the whole pipeline runs (minutes), not an answer.
local S = opt.quick and {
  tasks = { "decision", "context", "flipflop" }, seeds = 2, parent_n = 8, iters = 30, method = "hf",
  retrain = 5, patience = 2, min_n = 2, max_steps = 3, heldout = 1000, eval = 100,
  sizes = { 2, 4, 8 }, sweep_seeds = 2, sweep_iters = 20, fixedpoints = 12, label_trials = 16,
  task_opts = { decision = { fix = 5, stim = 40, resp = 20 }, flipflop = { T = 100 },
                context = { fix = 5, stim = 40, delay_min = 5, delay_max = 15, resp = 20 } },
} or {
  -- The full study, sized to finish within an hour on two cores (the budget
  -- behind these settings is stated in the report, `why` below).
  tasks = { "decision", "context", "flipflop", "timing", "romo", "dms", "sine" }, seeds = 5, parent_n = 32,
  method = "adam",
  iters = { decision = 1500, context = 3000, flipflop = 2000, timing = 2000, romo = 3000, dms = 3000, sine = 2000 },
  retrain = 40, patience = 3, min_n = 2, max_steps = nil, heldout = 1000, eval = 200,
  sizes = { 2, 4, 8, 16, 32, 64, 128 }, sweep_seeds = 5, sweep_iters = "parent", sweep_target = 0.9, fixedpoints = 48,
  label_trials = 64, train = { threads = 1 },
  why = "Why these settings (measured on this machine before the run, one `clock()` per training): "
    .. "64-unit parents trained with hf for 300 iterations and condensed with 40 hf iterations per "
    .. "candidate would cost about 50 core-hours for the 7 tasks (hf took 0.54 s per iteration at n = 64 "
    .. "and 2.9 s at n = 128 on decision; a 64-unit chain of ~62 steps x 4 operators x 40 iterations is "
    .. "about an hour per parent). adam took 0.013-0.04 s per iteration (n = 32-128) and learns the "
    .. "tasks in wall time at least as fast: context at n = 32, adam 3000 iterations 56 s -> held-out "
    .. "score 0.91, hf 100 iterations 73 s -> 0.83 (chance 0.755; a parent counts as learnt at chance + "
    .. "half the distance to 1, 0.88); decision adam 1500 iterations 20 s -> 0.93 (chance 0.51); "
    .. "flipflop adam 1500 iterations 35 s -> 0.86 (chance 0.006), hence 2000 here; timing 2000 "
    .. "iterations 58 s -> 1.00, romo 3000 78 s -> 1.00, dms 3000 68 s -> 1.00, sine 2000 93 s -> 1.00. "
    .. "16-unit context parents did not learn (adam 3000 -> 0.82), so parents have 32 units. The sweep "
    .. "trains each size with its task's parent budget and stops early once a fresh 100-trial batch "
    .. "scores 0.9 (a fixed 600 iterations left flipflop nets below 64 units and every context net "
    .. "below chance, so their labels described untrained nets). Each slice trains with one thread (two "
    .. "slices share the two cores). Fixed points from 48 starts on 64 trials' states (12 starts found "
    .. "too few).",
}
if opt.tasks then
  S.tasks = {}
  for name in opt.tasks:gmatch("[^,]+") do
    if not tasks[name] then error("study.lua: no task named " .. name) end
    S.tasks[#S.tasks + 1] = name
  end
end
if opt.seeds then
  S.seeds = math.tointeger(tonumber(opt.seeds)) or error("study.lua: --seeds needs an integer")
  S.sweep_seeds = S.seeds
end
local OPS = { "merge_ls", "merge_mean", "delete", "delete_comp" }
local TASK_OPTS = S.task_opts or {}
-- The task of a run, and its chance level: the stated one at the default
-- options, else measured over the baseline policies (tasks.chance).
local chance_of = {}
local function make_task(name)
  local t = tasks[name](TASK_OPTS[name] or {})
  if TASK_OPTS[name] then
    if not chance_of[name] then
      seed(424242)
      chance_of[name] = tasks.chance(t, 1000)
    end
    t.chance = chance_of[name]
  end
  return t
end
local MODE = opt.quick and "quick" or "full"
local DEFAULT_OUT = opt.quick and "study/REPORT-quick.md" or "study/REPORT.md"

local COLUMNS = { "kind", "task", "seed", "op", "size", "n", "score", "loss", "npcs", "pr", "cca",
                  "nfixed", "nstable", "nmarginal", "slow", "ramp", "cycles", "label", "threshold",
                  "chance", "curve", "path", "kinds", "time" }
local KEY = { "kind", "task", "seed", "op", "size" }

-- Parent training iterations of a task (a number, or a table per task).
local function iters_of(name)
  return type(S.iters) == "table" and (S.iters[name] or 2000) or S.iters
end

-- Sweep training iterations of a task: a number, or "parent" (the parents' budget).
local function sweep_iters_of(name)
  return S.sweep_iters == "parent" and iters_of(name) or S.sweep_iters
end

-- A task's number in the generator seeds of its runs: its place in the full
-- study's list, whatever --tasks selects, so that a subset reproduces the full
-- study's rows for its tasks.
local TASK_NUMBER = { decision = 1, context = 2, flipflop = 3, timing = 4, romo = 5, dms = 6, sine = 7 }
local function task_number(name)
  if not TASK_NUMBER[name] then
    local k = 0
    for _ in pairs(TASK_NUMBER) do k = k + 1 end
    TASK_NUMBER[name] = k + 1
  end
  return TASK_NUMBER[name]
end

-- The fixed run list: condense runs (task, seed), then sweep runs (task,
-- seed, size): a run cut short still has every size for its first seeds.
local function runs()
  local list = {}
  for _, name in ipairs(S.tasks) do
    local ti = task_number(name)
    for s = 1, S.seeds do list[#list + 1] = { kind = "condense", task = name, ti = ti, seed = s } end
  end
  for _, name in ipairs(S.tasks) do
    local ti = task_number(name)
    for s = 1, S.sweep_seeds do
      for _, n in ipairs(S.sizes) do list[#list + 1] = { kind = "sweep", task = name, ti = ti, seed = s, size = n } end
    end
  end
  return list
end

---------------------------------------------------------------------------
-- One run.
local function train_net(task, ti, s, n, iters, target)
  seed(1000 * ti + s)
  local net = rnn { n = n, inputs = task.inputs, outputs = task.outputs }
  if iters > 0 then
    local to = { method = S.method, iters = iters, monitor = 0 }
    -- to criterion: stop once a fresh 100-trial batch (every 20 iterations) scores `target`
    if target then to.target, to.score_every, to.score_batch = target, 20, 100 end
    for k, v in pairs(S.train or {}) do to[k] = v end
    local h = net:train(task, to)
    if h.interrupted then error("interrupted", 0) end
  end
  return net
end

-- The measurements and label of a net on the run's fixed labelling trials.
local function measure(net, task, ti, s)
  seed(7000 + 1000 * ti + s)
  local ev = task:sample(S.label_trials)
  local row = sweep_measure(net, task, ev, S.fixedpoints)
  row.label = sweep_label(row)
  return row
end

local function copy_fields(dst, src, names)
  for _, k in ipairs(names) do dst[k] = src[k] end
end
local LABEL_FIELDS = { "nfixed", "nstable", "nmarginal", "slow", "ramp", "cycles", "label" }

-- Canonical response types of a net's units on one trial: the centroids,
-- 40 points per type, as "v v v|v v v" (no commas: a CSV cell).
local function kinds_cell(net, task, k)
  seed(99)
  local tr = net:run(task:sample(1))[1]
  local K = kinds(tr, math.max(1, math.min(k, net.n)))
  local C = K.centroids
  local parts = {}
  for j = 1, C:cols() do
    local v = {}
    for p = 1, 40 do
      local t = math.max(1, math.floor((p - 1) * (C:rows() - 1) / 39 + 1.5))
      v[p] = ("%.3g"):format(C:get(t, j))
    end
    parts[j] = table.concat(v, " ") .. ":" .. K.counts[j]
  end
  return table.concat(parts, "|")
end

-- The score on `heldout` fresh trials, drawn and run in chunks of 250 (the
-- traces of 1000 trials of a 128-unit net at once would take ~0.5 GB).
local function heldout_score(net, task)
  local solved, total, left = 0, 0, S.heldout
  while left > 0 do
    local ch = task:sample(math.min(250, left))
    solved = solved + task:score(ch, net:run(ch)) * #ch.u
    total, left = total + #ch.u, left - #ch.u
  end
  return solved / total
end

local function run_condense(r, add)
  local task = make_task(r.task)
  local t0 = clock()
  local parent = train_net(task, r.ti, r.seed, S.parent_n, iters_of(r.task))
  seed(5000 + 1000 * r.ti + r.seed)
  local pscore = heldout_score(parent, task)
  local m = measure(parent, task, r.ti, r.seed)
  local prow = { kind = "condense", task = r.task, seed = r.seed, op = "parent", size = S.parent_n, n = parent.n,
                 score = pscore, loss = m.loss, npcs = m.npcs, pr = m.pr, cca = 1, chance = task.chance }
  copy_fields(prow, m, LABEL_FIELDS)
  -- A parent that did not learn the task (not clearly above chance) is not condensed.
  local learnt = pscore >= task.chance + 0.5 * (1 - task.chance)
  local thr = pscore - 0.05
  prow.threshold = thr
  local results = { prow }
  local log
  if learnt then
    seed(6000 + 1000 * r.ti + r.seed)
    local _
    _, log = condense(parent, task, { ops = OPS, retrain = S.retrain, method = S.method, threshold = thr, train = S.train,
                                     min_n = S.min_n, max_steps = S.max_steps, patience = S.patience,
                                     eval = S.eval, heldout = S.heldout, plot = false, verbose = false,
                                     keep = true })
    if log.interrupted then error("interrupted", 0) end
  end
  local kn = S.parent_n
  for _, op in ipairs(OPS) do
    local row = { kind = "condense", task = r.task, seed = r.seed, op = op, size = S.parent_n, threshold = thr,
                  chance = task.chance }
    if log then
      local fin = log.final[op]
      local net = log.nets[op]
      row.n, row.score, row.loss, row.npcs, row.pr, row.cca = fin.n, fin.score, fin.loss, fin.npcs, fin.pr, fin.cca
      local fm = measure(net, task, r.ti, r.seed)
      copy_fields(row, fm, LABEL_FIELDS)
      -- held-out score against size, and the label at checkpoints along the way
      local curve, acc = { ("%d:%.4g"):format(S.parent_n, pscore) }, {}
      for _, lr in ipairs(log) do
        if lr.op == op and lr.accepted then
          curve[#curve + 1] = ("%d:%.4g"):format(lr.n, lr.score)
          acc[#acc + 1] = lr
        end
      end
      row.curve = table.concat(curve, ";")
      local path = { ("%d:%s"):format(parent.n, prow.label) }
      local picked = {}
      for _, frac in ipairs { 0.75, 0.5, 0.25 } do
        local want = math.floor(S.parent_n * frac + 0.5)
        for k = #acc - 1, 1, -1 do   -- the first accepted net at or below the checkpoint size
          if acc[k].n <= want and not picked[k] and (k == 1 or acc[k - 1].n > want) then
            picked[k] = true
            local lm = measure(acc[k].net, task, r.ti, r.seed)
            path[#path + 1] = ("%d:%s"):format(acc[k].n, lm.label)
          end
        end
      end
      if #acc > 0 then path[#path + 1] = ("%d:%s"):format(net.n, fm.label) end
      row.path = table.concat(path, ";")
      if op == "merge_ls" then kn = net.n end
    else
      row.n, row.score, row.label = parent.n, pscore, "not learnt"
    end
    results[#results + 1] = row
  end
  prow.kinds = kinds_cell(parent, task, math.min(kn, 6))
  for _, row in ipairs(results) do
    row.time = clock() - t0
    add(row)
  end
end

local function run_sweep(r, add)
  local task = make_task(r.task)
  local t0 = clock()
  local net = train_net(task, r.ti, r.seed, r.size, sweep_iters_of(r.task), S.sweep_target)
  seed(5000 + 1000 * r.ti + r.seed)
  local row = { kind = "sweep", task = r.task, seed = r.seed, op = "-", size = r.size, n = net.n,
                score = heldout_score(net, task), chance = task.chance }
  local m = measure(net, task, r.ti, r.seed)
  row.loss, row.npcs, row.pr = m.loss, m.npcs, m.pr
  copy_fields(row, m, LABEL_FIELDS)
  row.time = clock() - t0
  add(row)
end

local function run_slice(part, csv)
  local slice = sweep_slice { part = part, csv = csv, columns = COLUMNS, key = KEY, resume = csv ~= nil }
  local all = {}
  local function add(row)
    if not slice:row(row) then slice:add(row) end
    all[#all + 1] = row
  end
  for p, r in ipairs(runs()) do
    if slice:mine(p) then
      local last = { kind = r.kind, task = r.task, seed = r.seed, op = r.kind == "sweep" and "-" or OPS[#OPS],
                     size = r.kind == "sweep" and r.size or S.parent_n }
      if slice:row(last) then
        print(("study: %s %s seed %d%s already done, skipped"):format(r.kind, r.task, r.seed,
              r.size and (" n=" .. r.size) or ""))
      else
        local t0 = clock()
        if r.kind == "condense" then run_condense(r, add) else run_sweep(r, add) end
        print(("study: %s %s seed %d%s done in %.1f s"):format(r.kind, r.task, r.seed,
              r.size and (" n=" .. r.size) or "", clock() - t0))
      end
    end
  end
  return all
end

---------------------------------------------------------------------------
-- The report.
local function read_csv(path)
  local f = io.open(path, "r")
  if not f then error("study.lua: cannot read " .. path) end
  local header = f:read("l")
  local cols = {}
  for c in (header .. ","):gmatch("([^,]*),") do cols[#cols + 1] = c end
  local rows = {}
  for line in f:lines() do
    if line ~= "" then
      local r, k = {}, 0
      for c in (line .. ","):gmatch("([^,]*),") do
        k = k + 1
        r[cols[k]] = tonumber(c) or (c ~= "" and c or nil)
      end
      rows[#rows + 1] = r
    end
  end
  f:close()
  return rows
end

local function stats(xs)
  local n, s = #xs, 0
  if n == 0 then return nil end
  for _, x in ipairs(xs) do s = s + x end
  local m = s / n
  local v = 0
  for _, x in ipairs(xs) do v = v + (x - m) ^ 2 end
  return m, n > 1 and math.sqrt(v / (n - 1)) or 0, n
end
local function msd(xs, fmt)
  local m, sd = stats(xs)
  if not m then return "–" end
  fmt = fmt or "%.2f"
  return (fmt .. " ± " .. fmt):format(m, sd)
end

local function select(rows, f)
  local out = {}
  for _, r in ipairs(rows) do if f(r) then out[#out + 1] = r end end
  return out
end
local function field(rows, k)
  local out = {}
  for _, r in ipairs(rows) do if type(r[k]) == "number" and r[k] == r[k] then out[#out + 1] = r[k] end end
  return out
end

-- The held-out score of a curve "n:score;..." at size n (nil if not reached).
local function score_at(curve, n)
  if not curve then return nil end
  for a, b in curve:gmatch("(%d+):([^;]+)") do
    if tonumber(a) == n then return tonumber(b) end
  end
end
local function smallest(curve)
  local m
  if curve then for a in curve:gmatch("(%d+):") do a = tonumber(a); m = (not m or a < m) and a or m end end
  return m
end

local function text_plot(ys, o)
  o.text, o.width, o.height = true, 72, o.height or 14
  local ok, txt = pcall(plot, ys, o)
  return ok and txt or ("(figure not drawn: " .. tostring(txt) .. ")")
end

local function report(rows, out, wall, command)
  local L = {}
  local function w(s) L[#L + 1] = s or "" end
  w(("# Condensation study (%s)"):format(MODE == "quick" and "QUICK run: small settings, a structural check, not the study's answer" or "full"))
  w()
  w(("Command: `%s`  "):format(command))
  w(("Wall time: %.0f s (%s, %s)"):format(wall, os.date("!%Y-%m-%d %H:%M UTC"), "written by scripts/study.lua"))
  w()
  if opt.note then w(opt.note); w() end
  local function loadavg()
    local f = io.open("/proc/loadavg", "r")
    local l = f and f:read("l")
    if f then f:close() end
    return l and l:match("^(%S+ %S+ %S+)") or "unknown"
  end
  local pn = io.popen and io.popen("nproc 2>/dev/null")
  local ncores = pn and pn:read("l")
  if pn then pn:close() end
  do   -- the compute behind the rows (each run's wall seconds), next to this invocation's wall time
    local ct, st, nc, ns = 0, 0, 0, 0
    for _, r in ipairs(rows) do
      if r.kind == "condense" and r.op == "parent" and type(r.time) == "number" then ct, nc = ct + r.time, nc + 1 end
      if r.kind == "sweep" and type(r.time) == "number" then st, ns = st + r.time, ns + 1 end
    end
    w(("Run time (sum of each run's wall seconds; slices run side by side): %d condense runs %.0f s, "
       .. "%d sweep runs %.0f s."):format(nc, ct, ns, st)
       .. ((ct + st) > 2.5 * wall and " Most of it is not in the wall time above: rows of an earlier invocation "
           .. "were reused (rerunning resumes)." or "")
       .. (tonumber(opt.cpu) and (" CPU time of this invocation's processes (user + system, the shell's `times`): %.0f s, "
           .. "so on %s otherwise idle cores it needs at least %.0f s of wall time."):format(
             tonumber(opt.cpu), ncores or "?", tonumber(opt.cpu) / math.max(1, tonumber(ncores) or 1)) or ""))
    w()
  end
  w(("Machine: %s cores; load average (1, 5, 15 min) %s at the start, %s when the report was written."):format(
    ncores or "?", opt.load or "not recorded", loadavg()))
  w()
  local its, sits = {}, {}
  for _, name in ipairs(S.tasks) do
    its[#its + 1] = ("%s %d"):format(name, iters_of(name))
    sits[#sits + 1] = ("%s %d"):format(name, sweep_iters_of(name))
  end
  w(("Settings: tasks %s; %d seeds; parents of %d units trained with %s (iterations: %s); condense with ops %s, "
     .. "retrain %d, patience %d, threshold = parent held-out score - 0.05, selection batch %d trials, held-out "
     .. "batch %d trials; sweep sizes %s, %d seeds, at most %s iterations%s; labels from %d trials, %d fixed-point starts.")
     :format(table.concat(S.tasks, ", "), S.seeds, S.parent_n, S.method, table.concat(its, ", "), table.concat(OPS, ", "),
             S.retrain, S.patience, S.eval, S.heldout, table.concat(S.sizes, ", "), S.sweep_seeds, table.concat(sits, ", "),
             S.sweep_target and (", stopping once a fresh 100-trial batch scores %.2f (checked every 20)"):format(S.sweep_target) or "",
             S.label_trials, S.fixedpoints)
     .. (S.max_steps and (" Each operator stops after %d accepted steps (quick)."):format(S.max_steps) or "")
     .. (S.task_opts and " Quick tasks have shorter trials (decision{fix=5, stim=40, resp=20}, "
         .. "context{fix=5, stim=40, delay_min=5, delay_max=15, resp=20}, flipflop{T=100}); their chance "
         .. "levels are measured over the baseline policies (tasks.chance, 1000 trials)." or ""))
  w()
  if S.why then
    local left = {}
    for _, name in ipairs { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" } do
      local here = false
      for _, t in ipairs(S.tasks) do here = here or t == name end
      if not here then left[#left + 1] = name end
    end
    w(S.why .. (#left > 0 and (" Tasks not in this report: %s."):format(table.concat(left, ", ")) or ""))
    w()
  end
  -- Runs of the plan that have no rows (a study cut short): named, not hidden.
  local have, missing = {}, {}
  for _, r in ipairs(rows) do have[("%s/%s/%s/%s"):format(r.kind, r.task, r.seed, r.kind == "sweep" and r.size or "")] = true end
  for _, r in ipairs(runs()) do
    if not have[("%s/%s/%s/%s"):format(r.kind, r.task, r.seed, r.kind == "sweep" and r.size or "")] then
      missing[#missing + 1] = r.kind == "sweep" and ("sweep %s seed %d n=%d"):format(r.task, r.seed, r.size)
                              or ("condense %s seed %d"):format(r.task, r.seed)
    end
  end
  if #missing > 0 then
    w(("**Incomplete: %d of %d planned runs have no results** (they did not finish in time): %s."):format(
      #missing, #runs(), table.concat(missing, "; ")))
  else
    w(("All %d planned runs are in."):format(#runs()))
  end
  w()
  w("All scores are strict task scores (help(\"tasks\")) on held-out trials that selected nothing; "
    .. "mean ± s.d. over seeds. Solution labels follow help(\"sweep\").")
  w()
  -- The answer first.
  w("## Does merging beat compensated deletion?")
  w()
  w("Per task and seed: the size each operator kept (fewer is better) and, at the smallest size both "
    .. "reached, the held-out score of merge_ls minus that of delete_comp; mean ± s.d. over seeds. "
    .. "A difference is called only with at least 3 seeds and when its mean is more than 2 standard errors from 0.")
  w()
  w("| task | merge_ls size | delete_comp size | size difference (delete_comp - merge_ls) | merge smaller / equal / larger | score difference at equal size | verdict |")
  w("|---|---|---|---|---|---|---|")
  for _, name in ipairs(S.tasks) do
    local ml = select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == "merge_ls" and r.label ~= "not learnt" end)
    local dc = {}
    for _, r in ipairs(select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == "delete_comp" end)) do
      dc[r.seed] = r
    end
    local dn, ds, win, tie, lose = {}, {}, 0, 0, 0
    for _, a in ipairs(ml) do
      local b = dc[a.seed]
      if b and b.curve and a.curve then
        local d = b.n - a.n
        dn[#dn + 1] = d
        if d > 0 then win = win + 1 elseif d == 0 then tie = tie + 1 else lose = lose + 1 end
        local n = math.max(smallest(a.curve), smallest(b.curve))
        local sa, sb = score_at(a.curve, n), score_at(b.curve, n)
        if sa and sb then ds[#ds + 1] = sa - sb end
      end
    end
    -- A difference counts when its mean is more than 2 standard errors from 0.
    local verdict
    local m, sd, k = stats(dn)
    local ms, sds, ks = stats(ds)
    local function clear(mm, ss, kk) return kk and kk >= 2 and math.abs(mm) > 2 * ss / math.sqrt(kk) and mm or nil end
    if not m then verdict = "no learnt parents"
    elseif k < 3 then verdict = ("%d seed(s): too few to call"):format(k)
    elseif clear(m, sd, k) and m > 0 then verdict = "merging keeps fewer units"
    elseif clear(m, sd, k) and m < 0 then verdict = "merging LOSES: compensated deletion keeps fewer units"
    elseif ms and clear(ms, sds, ks) and ms > 0 then verdict = "sizes not clearly different; merging scores higher at equal size"
    elseif ms and clear(ms, sds, ks) and ms < 0 then verdict = "sizes not clearly different; merging LOSES: lower score at equal size"
    else verdict = "no clear difference (sizes and scores within 2 s.e.)" end
    w(("| %s | %s | %s | %s | %d / %d / %d | %s | %s |"):format(name, msd(field(ml, "n"), "%.1f"),
      msd(field(select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == "delete_comp" and r.label ~= "not learnt" end), "n"), "%.1f"),
      msd(dn, "%.1f"), win, tie, lose, msd(ds, "%.3f"), verdict))
  end
  w()
  -- The known failure mode: the solution turning into a ramp as units go.
  w("## Does the solution label drift toward ramping along the condensation?")
  w()
  w("Per task and operator, over the condensed seeds: chains whose label at any checkpoint (3/4, 1/2 and "
    .. "1/4 of the parent's size, and the end) differs from the parent's, and chains that reach \"ramping\" "
    .. "from a parent that was not ramping.")
  w()
  w("| task | parent labels | " .. table.concat(OPS, " | ") .. " |")
  w("|---|---|" .. ("---|"):rep(#OPS))
  for _, name in ipairs(S.tasks) do
    local par = select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == "parent" end)
    local pl, cells = {}, {}
    for _, r in ipairs(par) do pl[#pl + 1] = tostring(r.label) end
    for _, op in ipairs(OPS) do
      local changed, toramp, k = 0, 0, 0
      for _, r in ipairs(select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == op end)) do
        local first = r.path and r.path:match("^%d+:([^;]+)")
        if first and r.path:find(";") then
          k = k + 1
          local ch, rp = false, false
          for l in r.path:gmatch("%d+:([^;]+)") do
            if l ~= first then ch = true end
            if l == "ramping" and first ~= "ramping" then rp = true end
          end
          changed, toramp = changed + (ch and 1 or 0), toramp + (rp and 1 or 0)
        end
      end
      cells[#cells + 1] = k > 0 and ("changed %d of %d, to ramping %d"):format(changed, k, toramp) or "not condensed"
    end
    w(("| %s | %s | %s |"):format(name, table.concat(pl, ", "), table.concat(cells, " | ")))
  end
  w()
  -- Solution type against size, all tasks side by side.
  w("## Solution type against size")
  w()
  w("Nets trained from scratch at each size (sweep, " .. S.sweep_seeds .. " seeds): the most frequent label "
    .. "(how many seeds) and the mean held-out score; the per-task sections list every label.")
  w()
  w("| size | " .. table.concat(S.tasks, " | ") .. " |")
  w("|---|" .. ("---|"):rep(#S.tasks))
  for _, n in ipairs(S.sizes) do
    local cells = {}
    for _, name in ipairs(S.tasks) do
      local rs = select(rows, function(r) return r.kind == "sweep" and r.task == name and r.size == n end)
      local c, best = {}, nil
      for _, r in ipairs(rs) do
        local l = tostring(r.label)
        c[l] = (c[l] or 0) + 1
        if not best or c[l] > c[best] or (c[l] == c[best] and l < best) then best = l end
      end
      local m = stats(field(rs, "score"))
      cells[#cells + 1] = best and ("%s (%d of %d), score %.2f"):format(best, c[best], #rs, m or 0 / 0) or "–"
    end
    w(("| %d | %s |"):format(n, table.concat(cells, " | ")))
  end
  w()
  for _, name in ipairs(S.tasks) do
    local task = make_task(name)
    w(("## %s"):format(name))
    w()
    local par = select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == "parent" end)
    w(("Parent (%d units): held-out score %s over %d seeds (chance %.2f); label %s; fixed points %s, stable %s."):format(
      S.parent_n, msd(field(par, "score"), "%.3f"), #par, task.chance,
      (function() local c = {} for _, r in ipairs(par) do c[#c + 1] = tostring(r.label) end return table.concat(c, ", ") end)(),
      msd(field(par, "nfixed"), "%.1f"), msd(field(par, "nstable"), "%.1f")))
    w()
    w("| operator | size kept | held-out score | CCA with parent | npcs | PR | fixed / stable points after | label after (per seed) | label changed |")
    w("|---|---|---|---|---|---|---|---|---|")
    for _, op in ipairs(OPS) do
      local rs = select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == op end)
      local labels, changed = {}, 0
      for _, r in ipairs(rs) do
        labels[#labels + 1] = tostring(r.label)
        local first = r.path and r.path:match("^%d+:([^;]+)")
        if first and r.path:find(";") then
          for l in r.path:gmatch("%d+:([^;]+)") do if l ~= first then changed = changed + 1; break end end
        end
      end
      w(("| %s | %s | %s | %s | %s | %s | %s / %s | %s | %d of %d |"):format(op, msd(field(rs, "n"), "%.1f"),
        msd(field(rs, "score"), "%.3f"), msd(field(rs, "cca"), "%.3f"), msd(field(rs, "npcs"), "%.1f"),
        msd(field(rs, "pr"), "%.2f"), msd(field(rs, "nfixed"), "%.1f"), msd(field(rs, "nstable"), "%.1f"),
        table.concat(labels, ", "), changed, #rs))
    end
    w()
    w("Solution label along the condensation (size:label, parent first; a change toward \"ramping\" is the known failure mode):")
    w()
    w("```")
    for _, op in ipairs(OPS) do
      for _, r in ipairs(select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == op end)) do
        w(("%-11s seed %d  %s"):format(op, r.seed, r.path or "(not condensed)"))
      end
    end
    w("```")
    w()
    -- held-out score against size, mean over seeds, one series per operator
    local ys, xs, labs = {}, {}, {}
    for _, op in ipairs(OPS) do
      local acc, cnt = {}, {}
      for _, r in ipairs(select(rows, function(r) return r.kind == "condense" and r.task == name and r.op == op end)) do
        if r.curve then
          for a, b in r.curve:gmatch("(%d+):([^;]+)") do
            a = tonumber(a); acc[a] = (acc[a] or 0) + tonumber(b); cnt[a] = (cnt[a] or 0) + 1
          end
        end
      end
      local ns = {}
      for n in pairs(acc) do ns[#ns + 1] = n end
      table.sort(ns)
      if #ns >= 2 then
        local x, y = {}, {}
        for k, n in ipairs(ns) do x[k] = n; y[k] = acc[n] / cnt[n] end
        xs[#xs + 1], ys[#ys + 1], labs[#labs + 1] = matrix(x), matrix(y), op
      end
    end
    if #ys > 0 then
      w("Held-out score against size (accepted steps, mean over the seeds that reached each size):")
      w()
      w("```")
      w(text_plot(ys, { x = xs, labels = labs, xlabel = "units", ylabel = "score",
                        title = name .. ": held-out score vs size" }))
      w("```")
      w()
    end
    -- canonical response types of the parent (seed 1)
    local p1 = par[1]
    if p1 and p1.kinds then
      local cs, counts = {}, {}
      for part in p1.kinds:gmatch("[^|]+") do
        local vals, cnt = part:match("^(.*):(%d+)$")
        local v = {}
        for x in vals:gmatch("%S+") do v[#v + 1] = tonumber(x) end
        cs[#cs + 1] = matrix(v)
        counts[#counts + 1] = ("type %d (%s units)"):format(#cs, cnt)
      end
      w(("Canonical response types of the parent's units (kinds, k = %d, seed %d, one trial, z-scored, 40 points):"):format(#cs, p1.seed))
      w()
      w("```")
      w(text_plot(cs, { labels = counts, xlabel = "time (1/40 of the trial)", ylabel = "z",
                        title = name .. ": response types" }))
      w("```")
      w()
    end
    -- solution type against size
    w("Solution type against size (sweep: one net per size and seed, trained from scratch):")
    w()
    w("| size | held-out score | labels | npcs | PR |")
    w("|---|---|---|---|---|")
    for _, n in ipairs(S.sizes) do
      local rs = select(rows, function(r) return r.kind == "sweep" and r.task == name and r.size == n end)
      local c, keys = {}, {}
      for _, r in ipairs(rs) do
        local l = tostring(r.label)
        if not c[l] then keys[#keys + 1] = l end
        c[l] = (c[l] or 0) + 1
      end
      table.sort(keys)
      local lab = {}
      for _, k in ipairs(keys) do lab[#lab + 1] = ("%s %d"):format(k, c[k]) end
      w(("| %d | %s | %s | %s | %s |"):format(n, msd(field(rs, "score"), "%.3f"), table.concat(lab, ", "),
        msd(field(rs, "npcs"), "%.1f"), msd(field(rs, "pr"), "%.2f")))
    end
    w()
  end
  local text = table.concat(L, "\n") .. "\n"
  local dir = out:match("^(.*)/[^/]*$")
  if dir and dir ~= "" then os.execute("mkdir -p '" .. dir:gsub("'", "'\\''") .. "'") end
  writefile(out, text)
  print(("study: wrote %s (%d lines)"):format(out, #L))
end

---------------------------------------------------------------------------
if opt.report then
  report(read_csv(opt.report), opt.out or DEFAULT_OUT, tonumber(opt.wall) or (clock() - T0),
         opt.command or ("ganglion -b scripts/study.lua --report " .. opt.report))
elseif opt.part then
  if not opt.csv then error("study.lua: --part needs --csv PATH") end
  run_slice(opt.part, opt.csv)
else
  local out = opt.out or DEFAULT_OUT
  local csv = out:gsub("%.md$", "") .. ".csv"
  local dir = out:match("^(.*)/[^/]*$")
  if dir and dir ~= "" then os.execute("mkdir -p '" .. dir:gsub("'", "'\\''") .. "'") end
  run_slice("1/1", csv)
  local cmd = "ganglion -b scripts/study.lua" .. (opt.quick and " --quick" or "") ..
              (opt.out and (" --out " .. opt.out) or "")
  report(read_csv(csv), out, clock() - T0, cmd)
end
