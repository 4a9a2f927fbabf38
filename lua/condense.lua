-- condense.lua — iterative merge-and-retrain condensation of a trained rate RNN.
--
-- The protocol, written here so a scientist can read and change it:
--
--   record the parent on a fixed evaluation batch (the same trials for every
--   step, so scores and CCA compare like with like);
--   repeat
--     rank unit pairs by the criterion on the current net's rates
--       ("pca": cosine of PCA loadings, "corr": correlation, or a function);
--     merge the most similar pair (j into i; i is the unit with more variance);
--     retrain `retrain` iterations with net:train;
--     if the score is below `threshold`, go back and try the next pair (up to
--       `patience` pairs) before giving up;
--     record n, loss, score, npcs, participation ratio and the mean canonical
--       correlation with the parent's rates;
--     (compare) prune a twin net by deletion only, retrain it the same way and
--       record its score at the same size;
--   until `patience` pairs in a row leave the score below `threshold` (the
--   last good net is returned) or n reaches `min_n`.
--
-- condense(net, task, opts) -> condensed net (a copy; `net` is untouched), log
-- log[k] = {n=, loss=, score=, npcs=, pr=, cca=, merged={i, j}, a=, c=,
--           similarity=, attempt=, accepted=, delete_score=, delete_loss=, time=}
-- log[1] is the parent (merged = nil); rejected attempts stay in the log with
-- accepted = false.  log.best is the index of the row whose net is returned.

local function isnet(x)
  return type(x) == "userdata" and x.n ~= nil and x.run ~= nil
end

local DEFAULTS = {
  criterion = "pca",   -- "pca" | "corr" | function(net, R, opts) -> i, j
  k = nil,             -- PCA components for the "pca" criterion (default: 90% variance)
  merge = "ls",        -- "ls": least-squares merge; "mean": plain merge
  retrain = 100,       -- training iterations after each merge
  method = nil,        -- training method passed to net:train (its default when nil)
  train = nil,         -- extra options table for net:train
  threshold = 0.9,     -- minimal score to accept a merge
  min_n = 1,           -- stop at this size
  eval = 200,          -- trials in the evaluation batch
  compare = true,      -- also run delete-only pruning for comparison
  plot = true,         -- live plot of score against size
  verbose = true,      -- one printed line per merge
  max_merges = nil,    -- stop after this many merges (default: no limit)
  patience = 3,        -- candidate pairs tried (in rank order) before giving up
}

local function checkopts(opts)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then error("condense: options must be a table", 3) end
  local o = {}
  for k, v in pairs(opts) do
    if DEFAULTS[k] == nil and k ~= "k" and k ~= "method" and k ~= "train" and k ~= "max_merges" then
      local known = {}
      for kk in pairs(DEFAULTS) do known[#known + 1] = kk end
      known[#known + 1] = "k"; known[#known + 1] = "method"; known[#known + 1] = "train"
      known[#known + 1] = "max_merges"
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
  if o.merge ~= "ls" and o.merge ~= "mean" then
    error("condense: merge must be \"ls\" or \"mean\", got " .. tostring(o.merge), 3)
  end
  for _, k in ipairs { "retrain", "eval", "min_n", "patience" } do
    if math.type(o[k]) ~= "integer" or o[k] < (k == "retrain" and 0 or 1) then
      error(("condense: %s must be an integer >= %d"):format(k, k == "retrain" and 0 or 1), 3)
    end
  end
  if type(o.threshold) ~= "number" or o.threshold ~= o.threshold then
    error("condense: threshold must be a number", 3)
  end
  if o.train ~= nil and type(o.train) ~= "table" then error("condense: train must be an options table", 3) end
  return o
end

-- All trials' rates stacked (observations × units).
local function stack(traces)
  local T, n = traces[1].r:rows(), traces[1].r:cols()
  local R = matrix(T * #traces, n)
  for b, tr in ipairs(traces) do
    local r = tr.r
    for t = 1, T do
      for i = 1, n do R:set((b - 1) * T + t, i, r:get(t, i)) end
    end
  end
  return R
end

-- Evaluates a net on the fixed batch; parentR (may be nil) for the CCA.
local function measure(net, task, ev, parentR)
  local traces = net:run(ev)
  local R = stack(traces)
  local row = {
    n = net.n,
    score = task:score(ev, traces),
    loss = net:loss(ev),
    npcs = npcs(R, 0.9),
    pr = participation(R),
  }
  if parentR then
    local ok, c = pcall(cca, parentR, R)
    row.cca = ok and c.mean or 0 / 0
  else
    row.cca = 1
  end
  return row, R, traces
end

-- Unit pairs ranked by the criterion, most similar first: up to m entries
-- {i, j, s} (i keeps, j goes; s the similarity).
local function rank_pairs(net, R, o, m)
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
  -- The least-squares merge carries a negative slope, so anti-correlated
  -- units are as redundant as correlated ones; the plain merge is not.
  local useabs = o.merge == "ls"
  local all = {}
  for i = 1, n - 1 do
    for j = i + 1, n do
      local v = S:get(i, j)
      if useabs then v = math.abs(v) end
      all[#all + 1] = { i, j, v }
    end
  end
  table.sort(all, function(a, b) return a[3] > b[3] end)
  -- Keep the unit with more variance: the fit of the other onto it is better posed.
  local var = {}
  local T = R:rows()
  for c = 1, n do
    local mu, s2 = 0, 0
    for t = 1, T do mu = mu + R:get(t, c) end
    mu = mu / T
    for t = 1, T do local d = R:get(t, c) - mu; s2 = s2 + d * d end
    var[c] = s2
  end
  local out = {}
  for k = 1, math.min(m, #all) do
    local p = all[k]
    if var[p[2]] > var[p[1]] then p[1], p[2] = p[2], p[1] end
    out[k] = p
  end
  return out
end

local function train(net, task, o)
  if o.retrain == 0 then return end
  local topts = {}
  if o.train then for k, v in pairs(o.train) do topts[k] = v end end
  topts.iters = o.retrain
  if o.method then topts.method = o.method end
  local h = net:train(task, topts)
  if h.interrupted then error("interrupted", 0) end
end

local function merge(net, i, j, R, o)
  if o.merge == "ls" then
    local _, a, c = net:merge(i, j, { method = "ls", trace = R })
    return a, c
  end
  net:merge(i, j)
end

local function liveplot(log, o)
  if not o.plot or type(plot) ~= "function" then return end
  local ns, sc, dl = {}, {}, {}
  for k, row in ipairs(log) do
    ns[k] = row.n; sc[k] = row.score; dl[k] = row.delete_score or row.score
  end
  pcall(plot, { matrix(sc), matrix(dl) }, { x = matrix(ns), title = "condense: score vs size",
        xlabel = "units", ylabel = "score", labels = { "merge", "delete" } })
end

function condense(net, task, opts)
  if not isnet(net) then error("condense: argument #1 must be an rnn", 2) end
  if type(task) ~= "table" or type(task.sample) ~= "function" or type(task.score) ~= "function" then
    error("condense: argument #2 must be a task (with sample and score)", 2)
  end
  local o = checkopts(opts)
  if ganglion.work_stopped() then   -- Ctrl-C stopped work earlier in this chunk
    print("condense: not started: work was interrupted earlier in this chunk")
    return net:copy(), { interrupted = true, best = 0 }
  end
  local t0 = os.clock()
  net = net:copy()
  local ev = task:sample(o.eval)
  local row, parentR = measure(net, task, ev, nil)
  row.accepted, row.time = true, 0
  row.delete_score, row.delete_loss = row.score, row.loss
  local log = { row }
  log.best = 1
  local good = net:copy()
  local pruned = o.compare and net:copy() or nil
  local R = parentR
  local say = o.verbose and print or function() end
  say(("condense: parent n=%d  score %.3f  loss %.4g  npcs %d  PR %.2f"):format(row.n, row.score,
      row.loss, row.npcs, row.pr))
  local merges = 0
  -- Ctrl-C ends the protocol, not the work done: the best net so far and
  -- the log are returned (log.interrupted = true) and the chunk goes on.
  local done, err = pcall(function()
  while net.n > o.min_n and (not o.max_merges or merges < o.max_merges) do
    -- Try the most similar pairs in turn: one unlucky merge (or retraining
    -- run) should not end the protocol; `patience` failures in a row do.
    local pairs_ = rank_pairs(good, R, o, o.patience)
    local r
    for attempt, p in ipairs(pairs_) do
      net = good:copy()
      local i, j, s = p[1], p[2], p[3]
      local a, c = merge(net, i, j, R, o)
      train(net, task, o)
      local newR
      r, newR = measure(net, task, ev, parentR)
      r.merged, r.similarity, r.a, r.c, r.attempt = { i, j }, s, a, c, attempt
      r.accepted = r.score >= o.threshold
      r.time = os.clock() - t0
      if r.accepted and pruned then
        local pR = stack(pruned:run(ev))
        local pj = rank_pairs(pruned, pR, o, 1)[1][2]
        pruned:delete(pj)
        train(pruned, task, o)
        local pr = measure(pruned, task, ev, nil)
        r.delete_score, r.delete_loss = pr.score, pr.loss
      end
      log[#log + 1] = r
      say(("  merge %2d+%-2d -> n=%-3d score %.3f  loss %.4g  npcs %d  PR %.2f  cca %.3f%s%s"):format(
          i, j, r.n, r.score, r.loss, r.npcs, r.pr, r.cca,
          r.delete_score and (" | delete-only %.3f"):format(r.delete_score) or "",
          r.accepted and "" or ("  (below threshold, try %d/%d)"):format(attempt, #pairs_)))
      if r.accepted then
        R = newR
        good = net:copy()
        log.best = #log
        break
      end
    end
    merges = merges + 1
    liveplot(log, o)
    if not r.accepted then break end
  end
  end)
  if not done then
    if not tostring(err):find("interrupted", 1, true) then error(err, 0) end
    ganglion.work_stopped(true)   -- in a batch script this raises "interrupted"
    log.interrupted = true
    say(("condense: interrupted; returning the best net so far (n=%d)"):format(good.n))
  end
  return good, log
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
  local out = {}
  out[1] = ("n,score,loss,npcs,pr,cca,merged_i,merged_j,a,c,accepted,delete_score\n")
  for _, r in ipairs(log) do
    out[#out + 1] = (("%d,%.6g,%.6g,%d,%.6g,%.6g,%s,%s,%s,%s,%s,%s\n"):format(r.n, r.score, r.loss, r.npcs, r.pr,
      r.cca, r.merged and r.merged[1] or "", r.merged and r.merged[2] or "",
      r.a and ("%.6g"):format(r.a) or "", r.c and ("%.6g"):format(r.c) or "",
      tostring(r.accepted), r.delete_score and ("%.6g"):format(r.delete_score) or ""))
  end
  local ok, err = pcall(writefile, path, table.concat(out))
  if not ok then error("condense_csv: " .. tostring(err):gsub("^writefile: ", ""), 2) end
end

return condense
