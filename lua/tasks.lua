-- tasks.lua — behavioural tasks for training rate RNNs (flipflop, decision, context, timing, romo, dms, sine).
--
-- Every task is a table with fields `name`, `inputs`, `outputs`, `T` (steps
-- per trial, meant for dt = 1 and tau = 10) and `chance` (the score of a
-- constant output), and methods
--   task:sample(B)          -> {u = {B T×inputs}, target = {B T×outputs},
--                               mask = {B T×outputs}, info = {B trial tables}}
--   task:score(batch, traces) -> fraction of the batch's trials solved
-- `traces` is the list net:run(batch.u) returns (only each trace's `y`, a
-- T×outputs matrix, is read).  A user task needs only inputs, outputs, T,
-- sample and score; `info` is this file's private record of what each trial
-- asked for, so that score can judge it.  Copy any task below as a template.
--
-- All randomness comes from matrix.rand / matrix.randn (the global generator),
-- so after seed(n) the same calls produce the same trials.

tasks = tasks or {}

---------------------------------------------------------------------------
-- Random numbers, drawn in blocks from the global generator.  A stream lives
-- for one sample() call only: leftover numbers are discarded so that the
-- trials drawn after seed(n) do not depend on earlier calls.
local BLOCK = 512

local function stream()
  local s = { ui = BLOCK + 1, ni = BLOCK + 1 }
  function s.uniform()
    if s.ui > BLOCK then s.ub, s.ui = matrix.rand(BLOCK, 1):totable(), 1 end
    local v = s.ub[s.ui]; s.ui = s.ui + 1
    return v
  end
  function s.normal()
    if s.ni > BLOCK then s.nbm, s.ni = matrix.randn(BLOCK, 1), 1; s.nb = s.nbm:totable() end
    local v = s.nb[s.ni]; s.ni = s.ni + 1
    return v
  end
  -- The next k normals of the stream (the same numbers k calls of normal()
  -- would give, in order) as a k×1 matrix.
  function s.normals(k)
    local parts = {}
    while k > 0 do
      if s.ni > BLOCK then s.nbm, s.ni = matrix.randn(BLOCK, 1), 1; s.nb = s.nbm:totable() end
      local take = math.min(k, BLOCK - s.ni + 1)
      parts[#parts + 1] = s.nbm:sub(s.ni, s.ni + take - 1)
      s.ni, k = s.ni + take, k - take
    end
    return #parts == 1 and parts[1]:copy() or matrix.vcat(parts)
  end
  function s.int(a, b) -- uniform integer in [a, b]
    return a + math.min(b - a, math.floor(s.uniform() * (b - a + 1)))
  end
  function s.pick(list) return list[s.int(1, #list)] end
  function s.sign() return s.uniform() < 0.5 and -1 or 1 end
  return s
end

---------------------------------------------------------------------------
-- Option checking, so typos such as tasks.flipflop{tt=100} are caught.
local function checkopts(name, opts, defaults)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error(("tasks.%s: options must be a table, got %s"):format(name, type(opts)), 3)
  end
  local o = {}
  for k, v in pairs(opts) do
    if defaults[k] == nil then
      local known = {}
      for kk in pairs(defaults) do known[#known + 1] = kk end
      table.sort(known)
      error(("tasks.%s: unknown option '%s' (known: %s)"):format(name, tostring(k),
            table.concat(known, ", ")), 3)
    end
    local d = defaults[k]
    if type(v) ~= type(d) then
      error(("tasks.%s: option '%s' must be a %s, got %s"):format(name, k, type(d), type(v)), 3)
    end
    if type(v) == "number" and (v ~= v or v < 0 or v == math.huge) then
      error(("tasks.%s: option '%s' must be a finite number >= 0, got %s"):format(name, k, v), 3)
    end
    if type(v) == "table" then -- a list of levels (coherences, frequencies)
      if #v == 0 then error(("tasks.%s: option '%s' must be a non-empty list of numbers"):format(name, k), 3) end
      for i, x in pairs(v) do
        if math.type(i) ~= "integer" or i < 1 or i > #v or type(x) ~= "number" or x ~= x
          or x == math.huge or x == -math.huge then
          error(("tasks.%s: option '%s' must be a list of finite numbers (entry %s is %s)"):format(
                name, k, tostring(i), tostring(x)), 3)
        end
      end
    end
    o[k] = v
  end
  for k, d in pairs(defaults) do if o[k] == nil then o[k] = d end end
  return o
end

local function need(cond, name, msg)
  if not cond then error(("tasks.%s: %s"):format(name, msg), 3) end
end

local function count(name, B)
  if B == nil then return 1 end
  if math.type(B) ~= "integer" then
    if type(B) == "number" and B == math.floor(B) then B = math.tointeger(B) end
  end
  if math.type(B) ~= "integer" or B < 1 or B > 100000 then
    error(("%s:sample: B must be an integer in 1..100000, got %s"):format(name, tostring(B)), 3)
  end
  return B
end

-- Fill rows a..b (clipped to the matrix) of column j with v.
local function fill(m, a, b, j, v)
  if a < 1 then a = 1 end
  if b > m:rows() then b = m:rows() end
  if a <= b then m:sub(a, b, j, j):fill(v) end
end

-- Mean of y[a..b, j].
local function mean(y, a, b, j)
  return y:sub(a, b, j, j):mean()
end

---------------------------------------------------------------------------
-- The shared task object.  A concrete task provides _trial(self, rs, u, target,
-- mask) -> info (it fills the three zero/one matrices in place) and
-- _judge(self, info, y) -> true if the trial was solved.  The leading
-- underscore marks them as hooks of sample() and score(), which check the
-- arguments; they are not meant to be called directly.
local Task = {}
Task.__index = Task
Task.__name = "task"   -- the type's name, for help and completion (?t:sample)

function Task:__tostring()
  return ("task %s (inputs %d, outputs %d, T %d, chance %.2f)"):format(
    self.name, self.inputs, self.outputs, self.T, self.chance)
end

function Task:sample(B)
  if getmetatable(self) ~= Task then error("task:sample: call it as task:sample(B)", 2) end
  B = count(self.name, B)
  if B * self.T * (self.inputs + 2 * self.outputs) > 5e7 then
    error(("%s:sample: %d trials of %d steps is too large (at most 5e7 numbers)"):format(
          self.name, B, self.T), 2)
  end
  local rs = stream()
  local batch = { u = {}, target = {}, mask = {}, info = {} }
  for b = 1, B do
    local u = matrix(self.T, self.inputs, 0)
    local y = matrix(self.T, self.outputs, 0)
    local m = matrix(self.T, self.outputs, 1)
    batch.info[b] = self:_trial(rs, u, y, m)
    batch.u[b], batch.target[b], batch.mask[b] = u, y, m
  end
  return batch
end

function Task:score(batch, traces)
  local name = self.name .. ":score"
  if type(batch) ~= "table" or type(batch.info) ~= "table" or type(batch.target) ~= "table" then
    error(name .. ": batch must be a table returned by this task's sample()", 2)
  end
  if type(traces) ~= "table" then
    error(name .. ": traces must be a list of traces (as returned by net:run)", 2)
  end
  if traces.y ~= nil then traces = { traces } end -- a single trace
  local B = #batch.info
  if #traces ~= B then
    error(("%s: traces has %d entries, batch has %d trials"):format(name, #traces, B), 2)
  end
  if B == 0 then return 0 end
  local solved = 0
  for b = 1, B do
    local y = type(traces[b]) == "table" and traces[b].y or traces[b]
    if (type(y) ~= "userdata" and type(y) ~= "table") or not y.rows then
      error(("%s: traces[%d].y must be a matrix"):format(name, b), 2)
    end
    if y:rows() ~= self.T or y:cols() ~= self.outputs then
      error(("%s: traces[%d].y must be %dx%d, got %dx%d"):format(name, b, self.T,
            self.outputs, y:rows(), y:cols()), 2)
    end
    if self:_judge(batch.info[b], y) then solved = solved + 1 end
  end
  return solved / B
end

local function newtask(fields)
  need(fields.T <= 100000, fields.name, ("T = %d steps is too long (at most 100000)"):format(fields.T))
  return setmetatable(fields, Task)
end

-- A response-period task (decision, context, romo, dms) is solved when the
-- output is right in sign AND magnitude in the response window (the mean over
-- its scored steps within `tol` of the target level ±1) and it held fixation
-- before the response (|y| < tol at every step before the response period or
-- go cue).  Signs alone are not enough: 0.001·choice would score 1.
local function judge_strict(self, info, y)
  local f1 = info.respond - 1
  if f1 >= 1 and y:sub(1, f1, 1, 1):abs():max() >= self.tol then return false end
  local m = mean(y, info.score_from, info.score_to, 1)
  return math.abs(m - info.choice) < self.tol
end

-- The best score of simple baseline policies (constant outputs, outputs that
-- copy an input, timed constants that know when to respond but not what,
-- and per task the obvious shortcut: context-blind answers for `context`,
-- one-frequency answers for `romo`, a fixed interval for `timing`, one
-- frequency for `sine`), measured at the default options on 4000 trials by
-- `ganglion -b scripts/chance.lua`.  Options that change the task change it.
local CHANCE = { flipflop = 0.01, decision = 0.5, context = 0.75, timing = 0.49, romo = 0.71,
                 dms = 0.5, sine = 0.09 }

---------------------------------------------------------------------------
-- flipflop: 3-bit memory (Sussillo & Barak 2013, Neural Computation 25:626).
-- Input k carries brief ±1 pulses at random times; output k must hold the
-- sign of the last pulse on input k (0 before the first one).
function tasks.flipflop(opts)
  local o = checkopts("flipflop", opts, { bits = 3, T = 200, p = 0.02, pulse = 5, gap = 10, settle = 5,
                                          tol = 0.5 })
  need(o.bits >= 1 and o.bits == math.floor(o.bits), "flipflop", "bits must be an integer >= 1")
  need(o.T >= 2 and o.T == math.floor(o.T), "flipflop", "T must be an integer >= 2")
  need(o.pulse >= 1 and o.pulse == math.floor(o.pulse), "flipflop", "pulse must be an integer >= 1")
  need(o.p > 0 and o.p <= 1, "flipflop", "p must be in (0, 1]")
  local t = newtask { name = "flipflop", inputs = o.bits, outputs = o.bits, T = math.tointeger(o.T),
                      chance = CHANCE.flipflop, bits = o.bits, p = o.p, pulse = o.pulse, gap = o.gap,
                      settle = o.settle, tol = o.tol }
  function t:_trial(rs, u, y, m)
    local logq = math.log(1 - self.p)
    local free = {}   -- per channel: steps not scored (pulse + settle)
    local pulses = {} -- {on, k} of every pulse
    for k = 1, self.bits do
      local fk = {}
      free[k] = fk
      -- Pulse onsets form a Bernoulli(p) process once the previous pulse and
      -- its gap are over: the waiting time is geometric.
      local state, s = 0, 1
      while true do
        local wait = self.p >= 1 and 0 or math.floor(math.log(1 - rs.uniform()) / logq)
        local on = s + wait
        if on + self.pulse - 1 > self.T then break end
        fill(y, s, on - 1, k, state)
        state = rs.sign()
        fill(u, on, on + self.pulse - 1, k, state)
        -- The output may switch during the pulse: not scored, not trained.
        fill(m, on, on + self.pulse - 1, k, 0)
        for r = on, on + self.pulse + self.settle - 1 do fk[r] = true end
        pulses[#pulses + 1] = { on, k }
        s = on
        local stop = math.min(self.T, on + self.pulse + self.gap - 1)
        fill(y, s, stop, k, state)
        s = stop + 1
        if s > self.T then break end
      end
      fill(y, s, self.T, k, state)
    end
    -- 1 where the trial is judged: a nonzero target outside every pulse
    -- and its settle steps
    local scored = y:ne(0)
    for _, p in ipairs(pulses) do fill(scored, p[1], p[1] + self.pulse + self.settle - 1, p[2], 0) end
    return { target = y, free = free, scored = scored }
  end
  -- Solved when the output is within tol of every nonzero target, except
  -- during a pulse and the `settle` steps after it.
  function t:_judge(info, y)
    return (y - info.target):abs():ge(self.tol):dot(info.scored) == 0
  end
  return t
end

---------------------------------------------------------------------------
-- decision: random-dots style evidence integration (Shadlen & Newsome 2001;
-- as an RNN task, Song, Yang & Wang 2016).  Input 1 is a fixation cue, on
-- until the response period; input 2 is noisy evidence coh + sigma·ξ during
-- the stimulus.  The output must be 0 until the response, then the sign of
-- the mean evidence actually shown.
function tasks.decision(opts)
  local o = checkopts("decision", opts, { fix = 10, stim = 100, delay = 0, resp = 30, grace = 5,
                                          sigma = 1, cohs = { 0, 0.032, 0.064, 0.128, 0.256, 0.512 },
                                          tol = 0.5 })
  need(o.stim >= 1 and o.resp > o.grace, "decision", "need stim >= 1 and resp > grace")
  local T = math.tointeger(o.fix + o.stim + o.delay + o.resp)
  need(T, "decision", "fix, stim, delay and resp must be integers")
  local t = newtask { name = "decision", inputs = 2, outputs = 1, T = T, chance = CHANCE.decision, tol = o.tol,
                      fix = o.fix, stim = o.stim, delay = o.delay, resp = o.resp,
                      grace = o.grace, sigma = o.sigma, cohs = o.cohs, _judge = judge_strict }
  function t:_trial(rs, u, y, m)
    local coh = rs.pick(self.cohs) * rs.sign()
    local s0, s1 = self.fix + 1, self.fix + self.stim
    local r0 = s1 + self.delay + 1
    fill(u, 1, r0 - 1, 1, 1)
    local ev = u:sub(s0, s1, 2, 2)
    ev:assign(rs.normals(s1 - s0 + 1):scale_(self.sigma):add_(coh))
    local sum = ev:sum()
    local choice = sum >= 0 and 1 or -1
    fill(y, r0, self.T, 1, choice)
    fill(m, r0, r0 + self.grace - 1, 1, 0)
    return { coh = coh, evidence = sum / self.stim, choice = choice, respond = r0,
             score_from = r0 + self.grace, score_to = self.T }
  end
  return t
end

---------------------------------------------------------------------------
-- context: context-dependent integration (Mante, Sussillo, Shenoy & Newsome
-- 2013, Nature 503:78).  Inputs: 1 motion evidence, 2 colour evidence (each
-- coh + sigma·ξ during the stimulus, with independent signs and coherences),
-- 3 motion-context cue, 4 colour-context cue (one of them 1 for the whole
-- trial), 5 go cue (a short pulse after a random delay).  The output must
-- stay 0 until the go cue, then give the sign of the mean evidence of the
-- cued modality and ignore the other.
function tasks.context(opts)
  local o = checkopts("context", opts, { fix = 10, stim = 80, delay_min = 10, delay_max = 30,
                                         go = 3, resp = 25, grace = 5, sigma = 1,
                                         cohs = { 0.05, 0.15, 0.5 }, tol = 0.5 })
  need(o.delay_max >= o.delay_min and o.resp > o.grace, "context",
       "need delay_max >= delay_min and resp > grace")
  local T = math.tointeger(o.fix + o.stim + o.delay_max + o.resp)
  need(T, "context", "timings must be integers")
  local t = newtask { name = "context", inputs = 5, outputs = 1, T = T, chance = CHANCE.context, tol = o.tol,
                      fix = o.fix, stim = o.stim, delay_min = o.delay_min, delay_max = o.delay_max,
                      go = o.go, resp = o.resp, grace = o.grace, sigma = o.sigma, cohs = o.cohs,
                      _judge = judge_strict }
  function t:_trial(rs, u, y, m)
    local ctx = rs.int(1, 2)
    local coh = { rs.pick(self.cohs) * rs.sign(), rs.pick(self.cohs) * rs.sign() }
    local delay = rs.int(self.delay_min, self.delay_max)
    local s0, s1 = self.fix + 1, self.fix + self.stim
    local g0 = s1 + delay + 1
    local r1 = g0 + self.resp - 1
    fill(u, 1, self.T, 2 + ctx, 1)
    -- noise drawn step by step, motion then colour: row-major order
    local ev = u:sub(s0, s1, 1, 2)
    ev:assign(rs.normals(2 * (s1 - s0 + 1)):reshape(s1 - s0 + 1, 2):scale_(self.sigma):add_(matrix{ coh }))
    local sums = ev:sum(1)
    local sum = { sums:get(1, 1), sums:get(1, 2) }
    fill(u, g0, g0 + self.go - 1, 5, 1)
    local choice = sum[ctx] >= 0 and 1 or -1
    fill(y, g0, r1, 1, choice)
    fill(m, g0, g0 + self.grace - 1, 1, 0)
    fill(m, r1 + 1, self.T, 1, 0) -- padding after a short delay
    return { context = ctx == 1 and "motion" or "colour", coh_motion = coh[1], coh_colour = coh[2],
             choice = choice, go = g0, respond = g0, evidence = sum, score_from = g0 + self.grace, score_to = r1 }
  end
  return t
end

---------------------------------------------------------------------------
-- timing: ready-set-go interval reproduction (Jazayeri & Shadlen 2010, Nature
-- Neuroscience 13:1020; as an RNN task, Remington et al. 2018).  Input 1
-- pulses at "ready", input 2 at "set", an interval D later; the output must
-- stay 0 and rise to 1 at "go", D after set.
function tasks.timing(opts)
  local o = checkopts("timing", opts, { ready_min = 5, ready_max = 20, min = 20, max = 50,
                                        pulse = 2, after = 30, tol = 0.15, level = 0.5 })
  need(o.max >= o.min and o.min >= 2 and o.ready_max >= o.ready_min and o.ready_min >= 1,
       "timing", "need max >= min >= 2 and ready_max >= ready_min >= 1")
  local T = math.tointeger(o.ready_max + 2 * o.max + o.after)
  need(T, "timing", "timings must be integers")
  local t = newtask { name = "timing", inputs = 2, outputs = 1, T = T, chance = CHANCE.timing, level = o.level,
                      ready_min = o.ready_min, ready_max = o.ready_max, min = o.min, max = o.max,
                      pulse = o.pulse, tol = o.tol }
  function t:_trial(rs, u, y, _)
    local ready = rs.int(self.ready_min, self.ready_max)
    local D = rs.int(self.min, self.max)
    local set, go = ready + D, ready + 2 * D
    fill(u, ready, ready + self.pulse - 1, 1, 1)
    fill(u, set, set + self.pulse - 1, 2, 1)
    fill(y, go, self.T, 1, 1)
    return { ready = ready, set = set, go = go, interval = D }
  end
  -- Solved when |y| stays below `level` up to set, the output first
  -- exceeds `level` after set within tol·D (+1 step) of the go time, and
  -- from there on to the end of the trial its mean is within `level` of 1
  -- (a brief blip at the right time is not a reproduced interval).
  function t:_judge(info, y)
    if y:sub(1, info.set, 1, 1):abs():max() >= self.level then return false end
    if info.set >= self.T then return false end
    local above, k = y:sub(info.set + 1, self.T, 1, 1):gt(self.level):max()
    if above == 0 then return false end
    local cross = info.set + k
    if math.abs(cross - info.go) > self.tol * info.interval + 1 then return false end
    return math.abs(y:sub(cross, self.T, 1, 1):mean() - 1) < self.level
  end
  return t
end

---------------------------------------------------------------------------
-- romo: parametric working memory (Romo, Brody, Hernández & Lemus 1999,
-- Nature 399:470; as an RNN task, Song, Yang & Wang 2016).  Two vibration
-- frequencies f1, f2 (Hz, from `freqs`, |f1 - f2| = `df`) are shown
-- separated by a delay; the output must be +1 if f1 > f2, else -1.  Input 1 is
-- fixation (off in the response period); inputs 2 and 3 code the frequency
-- with opposite tuning, (f - fmin)/(fmax - fmin) and its complement, plus
-- sigma·ξ, during each stimulus.
function tasks.romo(opts)
  local o = checkopts("romo", opts, { fix = 10, f1 = 20, delay = 40, f2 = 20, resp = 25, grace = 5,
                                      df = 8, sigma = 0, freqs = { 10, 14, 18, 22, 26, 30, 34 },
                                      tol = 0.5 })
  need(#o.freqs >= 2 and o.resp > o.grace, "romo", "need at least two freqs and resp > grace")
  local fmin, fmax = math.huge, -math.huge
  for _, f in ipairs(o.freqs) do fmin, fmax = math.min(fmin, f), math.max(fmax, f) end
  need(fmax - fmin >= o.df and o.df > 0, "romo", "df must be > 0 and within the range of freqs")
  local T = math.tointeger(o.fix + o.f1 + o.delay + o.f2 + o.resp)
  need(T, "romo", "timings must be integers")
  local t = newtask { name = "romo", inputs = 3, outputs = 1, T = T, chance = CHANCE.romo, tol = o.tol,
                      fix = o.fix, f1 = o.f1, delay = o.delay, f2 = o.f2, resp = o.resp,
                      grace = o.grace, df = o.df, sigma = o.sigma, freqs = o.freqs,
                      fmin = fmin, fmax = fmax, _judge = judge_strict }
  function t:_trial(rs, u, y, m)
    local f1, f2
    repeat
      f1 = rs.pick(self.freqs)
      f2 = f1 + self.df * rs.sign()
    until f2 >= self.fmin and f2 <= self.fmax
    local a1 = self.fix + 1
    local a2 = a1 + self.f1 + self.delay
    local r0 = a2 + self.f2
    fill(u, 1, r0 - 1, 1, 1)
    for _, st in ipairs { { a1, self.f1, f1 }, { a2, self.f2, f2 } } do
      local x = (st[3] - self.fmin) / (self.fmax - self.fmin)
      -- noise drawn step by step, input 2 then 3: row-major order
      u:sub(st[1], st[1] + st[2] - 1, 2, 3):assign(
        rs.normals(2 * st[2]):reshape(st[2], 2):scale_(self.sigma):add_(matrix{ { x, 1 - x } }))
    end
    local choice = f1 > f2 and 1 or -1
    fill(y, r0, self.T, 1, choice)
    fill(m, r0, r0 + self.grace - 1, 1, 0)
    return { f1 = f1, f2 = f2, choice = choice, respond = r0, score_from = r0 + self.grace, score_to = self.T }
  end
  return t
end

---------------------------------------------------------------------------
-- dms: delayed match-to-sample (Miller, Erickson & Desimone 1996; as an RNN
-- task, Yang et al. 2019).  A sample stimulus (one of K, one-hot on inputs
-- 2..K+1) is shown, then after a delay a test stimulus that matches it with
-- probability 1/2; the output must be +1 for a match and -1 otherwise once
-- the fixation cue (input 1) goes off.
function tasks.dms(opts)
  local o = checkopts("dms", opts, { K = 4, fix = 10, sample = 20, delay = 40, test = 20,
                                     resp = 25, grace = 5, sigma = 0, tol = 0.5 })
  need(o.K >= 2 and o.K == math.floor(o.K), "dms", "K must be an integer >= 2")
  need(o.resp > o.grace, "dms", "need resp > grace")
  local T = math.tointeger(o.fix + o.sample + o.delay + o.test + o.resp)
  need(T, "dms", "timings must be integers")
  local t = newtask { name = "dms", inputs = 1 + o.K, outputs = 1, T = T, chance = CHANCE.dms, tol = o.tol,
                      K = math.tointeger(o.K), fix = o.fix, sample_len = o.sample, delay = o.delay,
                      test = o.test, resp = o.resp, grace = o.grace, sigma = o.sigma,
                      _judge = judge_strict }
  function t:_trial(rs, u, y, m)
    local a = rs.int(1, self.K)
    local match = rs.uniform() < 0.5
    local b = a
    if not match then
      b = rs.int(1, self.K - 1)
      if b >= a then b = b + 1 end
    end
    local s1 = self.fix + 1
    local s2 = s1 + self.sample_len + self.delay
    local r0 = s2 + self.test
    fill(u, 1, r0 - 1, 1, 1)
    fill(u, s1, s1 + self.sample_len - 1, 1 + a, 1)
    fill(u, s2, s2 + self.test - 1, 1 + b, 1)
    if self.sigma > 0 then
      u:sub(nil, nil, 2, self.inputs):axpy_(self.sigma, rs.normals(self.T * self.K):reshape(self.T, self.K))
    end
    local choice = match and 1 or -1
    fill(y, r0, self.T, 1, choice)
    fill(m, r0, r0 + self.grace - 1, 1, 0)
    return { sample = a, test = b, match = match, choice = choice, respond = r0,
             score_from = r0 + self.grace, score_to = self.T }
  end
  return t
end

---------------------------------------------------------------------------
-- sine: frequency-cued sine generation (Sussillo & Abbott 2009, Neuron
-- 63:544; Sussillo & Barak 2013).  A constant input j/J + 0.25 selects the
-- j-th of J angular frequencies, evenly spaced in [wmin, wmax] (radians per
-- step); the output must be sin(w·t).  The first `settle` steps are free.
function tasks.sine(opts)
  local o = checkopts("sine", opts, { T = 200, J = 11, wmin = 0.05, wmax = 0.2, settle = 10, tol = 0.1 })
  need(o.J >= 1 and o.J == math.floor(o.J), "sine", "J must be an integer >= 1")
  need(o.wmax >= o.wmin and o.wmin > 0, "sine", "need wmax >= wmin > 0")
  need(o.T > o.settle + 1 and o.T == math.floor(o.T), "sine", "T must be an integer > settle + 1")
  local t = newtask { name = "sine", inputs = 1, outputs = 1, T = math.tointeger(o.T), chance = CHANCE.sine,
                      J = math.tointeger(o.J), wmin = o.wmin, wmax = o.wmax, settle = o.settle, tol = o.tol }
  function t:_trial(rs, u, y, m)
    local j = rs.int(1, self.J)
    local w = self.J == 1 and self.wmin or self.wmin + (self.wmax - self.wmin) * (j - 1) / (self.J - 1)
    fill(u, 1, self.T, 1, j / self.J + 0.25)
    y:col(1):assign(matrix.range(1, self.T):map(function(s) return math.sin(w * s) end))
    fill(m, 1, self.settle, 1, 0)
    return { j = j, omega = w, target = y }
  end
  -- Solved when the normalised squared error after `settle` is below tol.
  function t:_judge(info, y)
    local want = info.target:sub(self.settle + 1, self.T)
    local e = (y:sub(self.settle + 1, self.T, 1, 1) - want):pow(2):sum()
    return e / want:pow(2):sum() < self.tol
  end
  return t
end

---------------------------------------------------------------------------
-- Baseline policies: what a network that learnt nothing about the task's
-- point could output.  tasks.baselines(task) -> list of {name=, run=function
-- (batch) -> traces}; tasks.chance(task [, B=4000]) -> best score, its name,
-- and every baseline's score (scripts/chance.lua prints them for each task).
local function const_traces(batch, T, nout, f)
  local out = {}
  for b = 1, #batch.u do out[b] = { y = f(b, matrix(T, nout, 0)) } end
  return out
end

function tasks.baselines(task)
  if type(task) ~= "table" or getmetatable(task) ~= Task then
    error("tasks.baselines: task must be one of the built-in tasks (tasks.NAME{...})", 2)
  end
  local T, nout, list = task.T, task.outputs, {}
  local function add(name, f) list[#list + 1] = { name = name, run = function(batch)
    return const_traces(batch, T, nout, function(b, y) f(b, y, batch); return y end) end } end
  for _, c in ipairs { -1, 0, 1 } do add(("constant %g"):format(c), function(_, y) y:fill(c) end) end
  for k = 1, task.inputs do
    for _, sg in ipairs { 1, -1 } do
      add(("copy input %d (x%d)"):format(k, sg), function(b, y, batch)
        for j = 1, nout do
          y:col(j):assign(batch.u[b]:col(nout == task.inputs and j or k) * sg)
        end
      end)
    end
  end
  local function timed(name, answer)   -- 0 until the response, then answer(info)
    add(name, function(b, y, batch)
      local info = batch.info[b]
      fill(y, info.respond, T, 1, answer(info))
    end)
  end
  local name = task.name
  if name == "decision" or name == "context" or name == "romo" or name == "dms" then
    timed("timed +1 (knows when, not what)", function() return 1 end)
    timed("timed -1 (knows when, not what)", function() return -1 end)
  end
  if name == "context" then
    timed("context-blind: motion evidence", function(i) return i.evidence[1] >= 0 and 1 or -1 end)
    timed("context-blind: colour evidence", function(i) return i.evidence[2] >= 0 and 1 or -1 end)
    timed("context-blind: both summed", function(i) return i.evidence[1] + i.evidence[2] >= 0 and 1 or -1 end)
  elseif name == "romo" then
    local fs = {}
    for _, f in ipairs(task.freqs) do fs[#fs + 1] = f end
    table.sort(fs)
    for k = 1, #fs - 1 do
      local th = (fs[k] + fs[k + 1]) / 2
      timed(("f1 only: +1 if f1 > %g"):format(th), function(i) return i.f1 > th and 1 or -1 end)
      timed(("f2 only: +1 if f2 < %g"):format(th), function(i) return i.f2 < th and 1 or -1 end)
    end
  elseif name == "timing" then
    for D = task.min, task.max do
      add(("fixed interval %d"):format(D), function(b, y, batch)
        fill(y, batch.info[b].set + D, T, 1, 1)
      end)
    end
  elseif name == "sine" then
    for j = 1, task.J do
      local w = task.J == 1 and task.wmin or task.wmin + (task.wmax - task.wmin) * (j - 1) / (task.J - 1)
      add(("one frequency %.3g"):format(w), function(_, y)
        y:col(1):assign(matrix.range(1, T):map(function(s) return math.sin(w * s) end))
      end)
    end
  end
  return list
end

function tasks.chance(task, B)
  local list = tasks.baselines(task)
  B = B == nil and 4000 or B
  if math.type(B) ~= "integer" or B < 1 then error("tasks.chance: B must be a positive integer", 2) end
  local batch = task:sample(B)
  local best, bestname, all = -1, nil, {}
  for k, p in ipairs(list) do
    local sc = task:score(batch, p.run(batch))
    all[k] = { name = p.name, score = sc }
    if sc > best then best, bestname = sc, p.name end
  end
  return best, bestname, all
end

return tasks
