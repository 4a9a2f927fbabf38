-- condense.lua — condensation of a trained rate RNN by shrink operators, each
-- given the same chances, scored on trials that chose nothing.
--
-- The protocol, written here so a scientist can read and change it:
--
--   draw a selection batch (`eval` trials) and a held-out batch (`heldout`
--   trials, >= 1000 by default) once per run;
--   for each operator in `ops`, on its own copy of the parent, in its own
--   worker process (`jobs` side by side) and from its own seed (drawn once
--   from the global generator, offset by the operator's name):
--     repeat
--       rank unit pairs by the criterion on the current net's rates on the
--         selection batch ("pca": cosine of PCA loadings, "corr":
--         correlation, or a function); in each pair {i, j} unit j goes;
--       for the `patience` best-ranked pairs in turn: apply the operator to
--         a copy, retrain it `retrain` iterations (net:train), score it on the
--         selection batch; accept the first whose selection score is
--         >= `threshold`;
--       for an accepted step record on the held-out batch: score, loss, npcs,
--         participation ratio, mean canonical correlation with the parent;
--     until no candidate is accepted, n reaches `min_n` or `max_steps` steps.
--
-- The operators (every one removes unit j of the pair {i, j}):
--   merge_ls     least-squares merge: fit r_j ≈ a·r_i + c on the selection
--                rates, pass a·W[:,j] onto i and fold c·W[:,j] into the biases
--                (net:merge(i, j, {method="ls"}));
--   merge_mean   plain merge: j's outgoing weights added to i's, incoming
--                weights averaged (net:merge(i, j));
--   delete       delete j, nothing folded (net:delete(j));
--   delete_comp  delete j with mean-rate compensation: fold j's mean rate
--                times its outgoing weights into b and bout, the part of j a
--                constant can carry: the fair pruning baseline for merge_ls.
-- Pairs are ranked the same way for all operators (by |similarity| for
-- merge_ls, whose negative slope makes anti-correlated units redundant; by
-- signed similarity for the others); the candidate budget, patience,
-- acceptance rule and retraining are identical.
--
-- condense(net, task, opts) -> condensed net (a copy; `net` is untouched), log
-- log[k] = {op=, n=, score=, loss=, npcs=, pr=, cca=, select=, accepted=,
--           merged={i, j}, attempt=, similarity=, a=, c=, time=}
-- log[1] is the parent (op = "parent").  score, loss, npcs, pr and cca are on
-- the held-out batch (accepted rows only); select is the selection-batch
-- score that decided acceptance.  Rejected attempts stay in the log with
-- accepted = false.  The returned net is the smallest accepted net of the
-- first operator; log.nets[op] is each operator's, log.final[op] its row,
-- log.best the returned net's row.  time is wall seconds since the start.
-- keep = true also stores every accepted net in its row (row.net).
-- Ctrl-C returns what was reached so far (log.interrupted = true).

local function isnet(x)
  return type(x) == "userdata" and x.n ~= nil and x.run ~= nil
end

local OPS = { merge_ls = true, merge_mean = true, delete = true, delete_comp = true }
local ALL_OPS = { "merge_ls", "merge_mean", "delete", "delete_comp" }
local OP_NUMBER = { merge_ls = 1, merge_mean = 2, delete = 3, delete_comp = 4 }

local DEFAULTS = {
  criterion = "pca",   -- "pca" | "corr" | function(net, R, opts) -> i, j (or a list of pairs)
  ops = nil,           -- operators, in order (default all four; see merge/compare)
  merge = nil,         -- legacy: "ls" | "mean", the merge operator when ops is not given
  compare = nil,       -- legacy: with merge=, also run delete_comp (default true)
  retrain = 100,       -- training iterations after each step
  method = nil,        -- training method passed to net:train (its default when nil)
  train = nil,         -- extra options table for net:train
  threshold = 0.9,     -- minimal selection score to accept a step
  min_n = 1,           -- stop at this size
  eval = 200,          -- trials in the selection batch
  heldout = 1000,      -- trials in the held-out batch (drawn and scored in chunks of 250)
  plot = true,         -- figure of held-out score against size (live at the prompt)
  keep = false,        -- keep every accepted net in its log row (row.net)
  verbose = true,      -- one printed row per accepted step
  max_steps = nil,     -- stop each operator after this many accepted steps
  max_merges = nil,    -- legacy name of max_steps
  patience = 3,        -- candidate pairs tried (in rank order) before giving up
  k = nil,             -- PCA components for the "pca" criterion (default: 90% variance)
  jobs = nil,          -- operator chains run side by side (default: the CPUs this process may use)
}
local OPTIONAL = { ops = true, merge = true, compare = true, method = true, train = true,
                   max_steps = true, max_merges = true, k = true, jobs = true }

local function checkopts(opts)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then error("condense: options must be a table", 3) end
  local o = {}
  for k, v in pairs(opts) do
    if DEFAULTS[k] == nil and not OPTIONAL[k] then
      local known = {}
      for kk in pairs(DEFAULTS) do known[#known + 1] = kk end
      for kk in pairs(OPTIONAL) do if DEFAULTS[kk] == nil then known[#known + 1] = kk end end
      table.sort(known)
      error(("condense: unknown option '%s' (known: %s)"):format(tostring(k), table.concat(known, ", ")), 3)
    end
    o[k] = v
  end
  for k, v in pairs(DEFAULTS) do if o[k] == nil then o[k] = v end end
  local c = o.criterion
  if c ~= "pca" and c ~= "corr" and type(c) ~= "function" then
    error("condense: criterion must be \"pca\", \"corr\" or a function(net, R, opts) -> i, j", 3)
  end
  if o.merge ~= nil and o.merge ~= "ls" and o.merge ~= "mean" then
    error("condense: merge must be \"ls\" or \"mean\", got " .. tostring(o.merge), 3)
  end
  if o.ops == nil then
    if o.merge ~= nil or o.compare ~= nil then
      o.ops = { "merge_" .. (o.merge or "ls") }
      if o.compare ~= false then o.ops[2] = "delete_comp" end
    else
      o.ops = ALL_OPS
    end
  end
  if type(o.ops) ~= "table" or #o.ops == 0 then
    error("condense: ops must be a non-empty list of operators (merge_ls, merge_mean, delete, delete_comp)", 3)
  end
  local seen = {}
  for _, op in ipairs(o.ops) do
    if not OPS[op] then
      error(("condense: unknown operator %s in ops (known: merge_ls, merge_mean, delete, delete_comp)"):format(
            tostring(op)), 3)
    end
    if seen[op] then error("condense: operator " .. op .. " appears twice in ops", 3) end
    seen[op] = true
  end
  o.max_steps = o.max_steps or o.max_merges
  if o.jobs ~= nil and (math.type(o.jobs) ~= "integer" or o.jobs < 1) then
    error("condense: jobs must be a positive integer, got " .. tostring(o.jobs), 3)
  end
  for _, k in ipairs { "retrain", "eval", "heldout", "min_n", "patience" } do
    if math.type(o[k]) ~= "integer" or o[k] < (k == "retrain" and 0 or 1) then
      error(("condense: %s must be an integer >= %d"):format(k, k == "retrain" and 0 or 1), 3)
    end
  end
  if o.max_steps ~= nil and (math.type(o.max_steps) ~= "integer" or o.max_steps < 0) then
    error("condense: max_steps must be an integer >= 0", 3)
  end
  if type(o.threshold) ~= "number" or o.threshold ~= o.threshold then
    error("condense: threshold must be a number", 3)
  end
  if o.train ~= nil and type(o.train) ~= "table" then error("condense: train must be an options table", 3) end
  return o
end

-- Σ mask·(y - target)² and Σ mask of the traces on the batch.
local function sq_err(ev, traces)
  local se, nm = 0, 0
  for b, tr in ipairs(traces) do
    local m = ev.mask[b]
    se = se + (tr.y - ev.target[b]):pow(2):dot(m)
    nm = nm + m:sum()
  end
  return se, nm
end

-- Every measurement writes its traces (tens of MB) over the storage of
-- traces no longer needed (net:run's `out`), when there are such: fresh
-- memory costs a page fault per 4 KB, more than the run itself.

-- The selection measurement: score on the selection batch and its rates
-- (for ranking the next candidates and for the least-squares merge), and
-- the traces holding them; `out`: traces whose storage may be overwritten.
local function select_measure(net, task, sel, out)
  local traces = net:run(sel, { traces = "ry", out = out })
  return task:score(sel, traces), traces.R, traces   -- R: all trials' rates stacked (observations × units)
end

-- The held-out measurement, chunk by chunk (1000 trials of traces at once
-- would hold hundreds of MB): score and loss over all chunks; npcs, PR and
-- the CCA with the parent on the first chunk's rates.  spare = {first=,
-- rest=}: traces whose storage may be overwritten; returns the ones this
-- measurement leaves (the first chunk's hold R).
local function heldout_measure(net, task, chunks, parentR, spare)
  local solved, total, se, nm = 0, 0, 0, 0
  local R, first
  local rest = spare and spare.rest
  for k, ch in ipairs(chunks) do
    local traces = net:run(ch, { traces = k == 1 and "ry" or "y", out = k == 1 and spare and spare.first or rest })
    local B = #ch.u
    solved = solved + task:score(ch, traces) * B
    total = total + B
    local a, b = sq_err(ch, traces)
    se, nm = se + a, nm + b
    if k == 1 then R, first = traces.R, traces else rest = traces end
  end
  local row = { n = net.n, score = solved / total, loss = se / nm, npcs = npcs(R, 0.9), pr = participation(R) }
  if parentR then
    local ok, c = pcall(cca, parentR, R)
    row.cca = ok and c.mean or 0 / 0
  else
    row.cca = 1
  end
  return row, R, { first = first, rest = rest }
end

-- Unit pairs ranked by the criterion, most similar first: up to m entries
-- {i, j, s} (i keeps, j goes; s the similarity).
local function candidates(net, R, o, m, op)
  local n = net.n
  if type(o.criterion) == "function" then
    local i, j = o.criterion(net, R, o)
    local list = type(i) == "table" and i or { { i, j } }
    local out = {}
    for k, p in ipairs(list) do
      local a, b = p[1], p[2]
      if math.type(a) ~= "integer" or math.type(b) ~= "integer" or a == b or a < 1 or b < 1 or a > n or b > n then
        error("condense: the criterion function must return two distinct unit indices in 1.." .. n ..
              " (or a list of such pairs)", 0)
      end
      out[k] = { a, b, 0 / 0 }
      if k == m then break end
    end
    return out
  end
  local S
  if o.criterion == "pca" then
    local k = o.k
    if k then k = math.min(k, n, R:rows()) end
    S = similarity(R, "pca", k)
  else
    S = similarity(R, "corr")
  end
  -- In each pair the unit with more variance is kept: the fit of the other
  -- onto it is better posed.  (Ranked in C: n²/2 pairs, partial sort.)
  return rank_pairs(S, m, { var = R:var(1), abs = op == "merge_ls" })
end

local function train(net, task, o)
  if o.retrain == 0 then return end
  local topts = {}
  if o.train then for k, v in pairs(o.train) do topts[k] = v end end
  topts.iters = o.retrain
  if o.method then topts.method = o.method end
  -- Hessian-free retraining starts next to a solution: its curvature products run on
  -- 16 trials of the 128-trial gradient batch (curvature on a subset of the gradient's
  -- data, as in Martens 2010) unless train={cbatch=} says otherwise.  On a 64-unit
  -- decision net this kept the held-out scores of net:train's 64-trial default at 2.5x
  -- less CPU time per merge step.
  if (topts.method or "hf") == "hf" and topts.cbatch == nil then
    topts.cbatch = math.min(16, topts.batch or 128)
  end
  -- Scores and the monitoring loss during retraining would only feed the
  -- history; condense measures on its own batches.
  if topts.score_every == nil and topts.target == nil then topts.score_every = 0 end
  if topts.monitor == nil then topts.monitor = 0 end
  local h = net:train(task, topts)
  if h.interrupted then error("interrupted", 0) end
end

-- Applies operator op to net (removing unit j of the pair {i, j}); R holds
-- the current net's rates on the selection batch.  Returns a, c for merge_ls.
local function apply(op, net, i, j, R)
  if op == "merge_ls" then
    local _, a, c = net:merge(i, j, { method = "ls", trace = R })
    return a, c
  elseif op == "merge_mean" then
    net:merge(i, j)
  elseif op == "delete" then
    net:delete(j)
  else   -- delete_comp: j's mean rate times its outgoing weights into the biases
    local rbar = R:col(j):mean()
    net.b = net.b + net.W:col(j) * rbar
    net.bout = net.bout + net.Wout:col(j) * rbar
    net:delete(j)
  end
end

local function draw(log, o)
  if not o.plot or type(plot) ~= "function" then return end
  local xs, ys = {}, {}
  for k, op in ipairs(o.ops) do
    local x, y = {}, {}
    for _, row in ipairs(log) do
      if row.op == "parent" or (row.op == op and row.accepted) then x[#x + 1] = row.n; y[#y + 1] = row.score end
    end
    xs[k], ys[k] = matrix(x), matrix(y)
  end
  pcall(plot, ys, { x = xs, title = "condense: held-out score vs size (accepted steps)",
        xlabel = "units", ylabel = "score", labels = o.ops })
end

local HEADER = "  %-11s %4s %8s %8s %9s %5s %6s %6s %5s %7s"
local ROW    = "  %-11s %4d %8.3f %8.3f %9.4g %5d %6.2f %6.3f %5s %7.1f"

-- One operator's chain from the parent, in a worker process: every attempt
-- goes to the parent as {row=, net=} (net: the accepted candidate), and a
-- chain that runs out of candidates says so as {say=}.  It draws from the
-- generator seeded with its own seed, so what it computes depends neither on
-- the other operators nor on how many chains run side by side.
local function chain(c, k, send)
  local o, task, op = c.o, c.task, c.o.ops[k]
  seed(c.seeds[k])
  local cur, R, steps = c.parent, c.pselR, 0
  local spare, spare_sel, curtr = c.spare, nil, nil   -- traces whose storage may be reused
  while cur.n > o.min_n and cur.n > 1 and (not o.max_steps or steps < o.max_steps) do
    local accepted = false
    for attempt, p in ipairs(candidates(cur, R, o, o.patience, op)) do
      local cand = cur:copy()
      local i, j, s = p[1], p[2], p[3]
      local a, cc = apply(op, cand, i, j, R)
      train(cand, task, o)
      local sc, newR, newtr = select_measure(cand, task, c.sel, spare_sel)
      spare_sel = newtr   -- until it is accepted: a rejected candidate's rates are not needed
      local r = { op = op, n = cand.n, select = sc, accepted = sc >= o.threshold, merged = { i, j },
                  similarity = s, a = a, c = cc, attempt = attempt }
      if r.accepted then
        local h, _, left = heldout_measure(cand, task, c.chunks, c.parentR, spare)
        spare = left
        for key, v in pairs(h) do r[key] = v end
      end
      r.time = clock() - c.t0
      send { row = r, net = r.accepted and cand or nil }
      if r.accepted then
        spare_sel, curtr = curtr, newtr   -- the old R is not needed any more
        cur, R, steps, accepted = cand, newR, steps + 1, true
        break
      end
    end
    if not accepted then
      send { say = ("  %-11s stops at n=%d: %d candidate(s) below threshold %.3g"):format(op, cur.n,
                    math.min(o.patience, cur.n * (cur.n - 1) // 2), o.threshold) }
      break
    end
  end
end

function condense(net, task, opts)
  if not isnet(net) then error("condense: argument #1 must be an rnn", 2) end
  if type(task) ~= "table" or type(task.sample) ~= "function" or type(task.score) ~= "function" then
    error("condense: argument #2 must be a task (with sample and score)", 2)
  end
  local o = checkopts(opts)
  if ganglion.work_stopped() then   -- Ctrl-C stopped work earlier in this chunk
    print("condense: not started: work was interrupted earlier in this chunk")
    return net:copy(), { interrupted = true, best = 0, nets = {}, final = {} }
  end
  local t0 = clock()
  local parent = net:copy()
  local sel = task:sample(o.eval)
  local chunks, left = {}, o.heldout
  while left > 0 do
    local b = math.min(250, left)
    chunks[#chunks + 1] = task:sample(b)
    left = left - b
  end
  -- each chain's seed follows its operator's name, so that a chain is the
  -- same whichever other operators run
  local base, seeds = math.floor(matrix.rand(1, 1):get(1, 1) * 2 ^ 31), {}
  for k, op in ipairs(o.ops) do seeds[k] = (base + 7919 * OP_NUMBER[op]) % 4294967296 end
  local live = o.plot and ganglion.interactive and ganglion.interactive()
  local say = o.verbose and print or function() end
  local row, parentR, spare = heldout_measure(parent, task, chunks, nil)
  spare.first = nil   -- it holds parentR
  local pselect, pselR = select_measure(parent, task, sel)
  row.op, row.select, row.accepted, row.time = "parent", pselect, true, 0
  local log = { row, nets = {}, final = {} }
  log.best = 1
  say(("condense: parent n=%d  held-out score %.3f (%d trials)  selection %.3f (%d trials)  npcs %d  PR %.2f"):format(
      row.n, row.score, o.heldout, pselect, o.eval, row.npcs, row.pr))
  say(HEADER:format("op", "n", "held-out", "select", "loss", "npcs", "PR", "cca", "try", "time s"))
  for _, op in ipairs(o.ops) do log.nets[op], log.final[op] = parent, row end
  local c = { o = o, task = task, parent = parent, pselR = pselR, sel = sel, chunks = chunks,
              parentR = parentR, spare = spare, seeds = seeds, t0 = t0 }
  local function receive(k, m)
    if m.say then say(m.say) return end
    local r, op = m.row, o.ops[k]
    log[#log + 1] = r
    if not r.accepted then return end
    if o.keep then r.net = m.net end   -- later steps worked on copies of it
    log.nets[op], log.final[op] = m.net, r
    if k == 1 then log.best = #log end
    say(ROW:format(op, r.n, r.score, r.select, r.loss, r.npcs, r.pr, r.cca,
                   ("%d/%d"):format(r.attempt, o.patience), r.time))
    if live then draw(log, o) end
  end
  -- Ctrl-C ends the protocol, not the work done: the nets reached so far
  -- and the log are returned (log.interrupted = true) and the chunk goes on.
  local done, err = pcall(function()
    local finished = ganglion.parallel(#o.ops, o.jobs or 0, function(k, send) chain(c, k, send) end, receive)
    if not finished then error("interrupted", 0) end
  end)
  if not done then
    if not tostring(err):find("interrupted", 1, true) then error(err, 0) end
    ganglion.work_stopped(true)   -- in a batch script this raises "interrupted"
    log.interrupted = true
    say("condense: interrupted; returning the nets reached so far")
  end
  draw(log, o)
  return log.nets[o.ops[1]]:copy(), log
end

-- condense_csv(log, path): the log as CSV, one row per step.
function condense_csv(log, path)
  if type(log) ~= "table" then error("condense_csv: log must be the log table from condense, got " .. type(log), 2) end
  for k, r in ipairs(log) do
    if type(r) ~= "table" or type(r.n) ~= "number" then
      error(("condense_csv: log[%d] is not a condense log row"):format(k), 2)
    end
  end
  if type(path) ~= "string" then error("condense_csv: path must be a string, got " .. type(path), 2) end
  local function num(v) return v and ("%.6g"):format(v) or "" end
  local out = {}
  out[1] = "op,n,score,select,loss,npcs,pr,cca,merged_i,merged_j,a,c,attempt,accepted,time\n"
  for _, r in ipairs(log) do
    out[#out + 1] = (("%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n"):format(r.op or "", r.n, num(r.score),
      num(r.select), num(r.loss), r.npcs and tostring(r.npcs) or "", num(r.pr), num(r.cca),
      r.merged and r.merged[1] or "", r.merged and r.merged[2] or "", num(r.a), num(r.c),
      r.attempt and tostring(r.attempt) or "", tostring(r.accepted), num(r.time)))
  end
  local ok, err = pcall(writefile, path, table.concat(out))
  if not ok then error("condense_csv: " .. tostring(err):gsub("^writefile: ", ""), 2) end
end

return condense
