-- test_tasks.lua — the behavioural tasks: shapes, reproducibility, each trial's target rebuilt
-- independently from its inputs, and scoring (perfect = 1, constant = chance).
local T = dofile("tests/lua/harness.lua")

local names = { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" }

local function same(a, b)
  if a:rows() ~= b:rows() or a:cols() ~= b:cols() then return false end
  for i = 1, a:rows() do
    for j = 1, a:cols() do
      if a:get(i, j) ~= b:get(i, j) then return false end
    end
  end
  return true
end

local function sign(x) return x > 0 and 1 or (x < 0 and -1 or 0) end

for _, name in ipairs(names) do
  local t = tasks[name] {}
  local B = 6
  seed(11)
  local a = t:sample(B)
  local shapes = #a.u == B and #a.target == B and #a.mask == B
  for k = 1, B do
    shapes = shapes and a.u[k]:rows() == t.T and a.u[k]:cols() == t.inputs
      and a.target[k]:rows() == t.T and a.target[k]:cols() == t.outputs
      and a.mask[k]:rows() == t.T and a.mask[k]:cols() == t.outputs
  end
  T.ok(shapes, name .. ": sample(6) gives 6 trials of T×inputs, T×outputs, T×outputs")
  seed(11)
  local b = t:sample(B)
  local rep = true
  for k = 1, B do
    rep = rep and same(a.u[k], b.u[k]) and same(a.target[k], b.target[k]) and same(a.mask[k], b.mask[k])
  end
  T.ok(rep, name .. ": seed(11) twice gives the same trials")
  seed(12)
  local c = t:sample(B)
  local differs = false
  for k = 1, B do differs = differs or not same(a.u[k], c.u[k]) or not same(a.target[k], c.target[k]) end
  T.ok(differs, name .. ": another seed gives other trials")

  -- Scoring: the target itself scores 1; constant outputs score at chance.
  seed(5)
  local n = 400
  local big = t:sample(n)
  local perfect, plus, minus = {}, {}, {}
  local cp, cm = matrix(t.T, t.outputs, 0.3), matrix(t.T, t.outputs, -0.3)
  for k = 1, n do
    perfect[k] = { y = big.target[k] }
    plus[k], minus[k] = { y = cp }, { y = cm }
  end
  T.near(t:score(big, perfect), 1, 0, name .. ": the target scores 1")
  local sp, sm = t:score(big, plus), t:score(big, minus)
  T.ok(sp <= t.chance + 0.03 and sm <= t.chance + 0.03,
       ("%s: constant outputs score at most chance %.2f (%.3f, %.3f)"):format(name, t.chance, sp, sm))
  -- The stated chance is the best baseline policy's score (scripts/chance.lua).
  seed(1)
  local best, which = tasks.chance(t, 1000)
  T.ok(math.abs(best - t.chance) <= 0.05,
       ("%s: stated chance %.2f matches the best baseline %.3f (%s)"):format(name, t.chance, best, which))
end

-- The trivial outputs that sign-only scores let through fail the strict ones:
-- 0.001·target (right sign, no magnitude), the target with fixation broken,
-- and for context a context-blind answer (right in magnitude, wrong context).
for _, name in ipairs { "decision", "context", "romo", "dms" } do
  local t = tasks[name] {}
  seed(9)
  local bt = t:sample(300)
  local tiny, broken = {}, {}
  for k = 1, 300 do
    tiny[k] = { y = bt.target[k] * 0.001 }
    local y = bt.target[k]:copy()
    y:set(math.max(1, bt.info[k].respond - 5), 1, 0.6)   -- one step of broken fixation
    broken[k] = { y = y }
  end
  T.near(t:score(bt, tiny), 0, 0, name .. ": 0.001*choice scores 0")
  T.near(t:score(bt, broken), 0, 0, name .. ": the right answer after broken fixation scores 0")
  local half = {}
  for k = 1, 300 do half[k] = { y = bt.target[k] * 0.6 } end
  T.near(t:score(bt, half), 1, 0, name .. ": 0.6*target (within 0.5 of the level) scores 1")
end
do
  local t = tasks.context {}
  seed(10)
  local bt = t:sample(1000)
  local blind = {}
  for k = 1, 1000 do
    local i = bt.info[k]
    local y = matrix(t.T, 1, 0)
    y:sub(i.respond, t.T, 1, 1):fill(i.evidence[1] >= 0 and 1 or -1)
    blind[k] = { y = y }
  end
  local sb = t:score(bt, blind)
  T.ok(sb <= t.chance + 0.03 and sb >= 0.7, ("context: context-blind policy scores %.3f, at chance %.2f (not above)"):format(sb, t.chance))
end
do
  local t = tasks.timing {}
  seed(4)
  local bt = t:sample(100)
  local blip = {}
  for k = 1, 100 do
    local y = matrix(t.T, 1, 0)
    y:set(bt.info[k].go, 1, 1)   -- crosses at the right time, then drops
    blip[k] = { y = y }
  end
  T.near(t:score(bt, blip), 0, 0, "timing: a one-step blip at go fails (the level must be held)")
end

-- Each trial's target rebuilt from its inputs alone (an independent reading
-- of the task definition).
seed(3)
do
  local t = tasks.flipflop {}
  local bt = t:sample(20)
  local ok = true
  for k = 1, 20 do
    for j = 1, 3 do
      local last = 0
      for s = 1, t.T do
        local u = bt.u[k]:get(s, j)
        if u ~= 0 then last = sign(u) end
        ok = ok and bt.target[k]:get(s, j) == last
        ok = ok and bt.mask[k]:get(s, j) == (u ~= 0 and 0 or 1)
      end
    end
  end
  T.ok(ok, "flipflop: target = sign of the last pulse, mask 0 during pulses")
end
do
  local t = tasks.decision {}
  local bt = t:sample(50)
  local ok, nresp = true, 0
  for k = 1, 50 do
    local sum, resp = 0, nil
    for s = 1, t.T do
      if bt.u[k]:get(s, 1) == 1 then sum = sum + bt.u[k]:get(s, 2) elseif not resp then resp = s end
    end
    local want = sum >= 0 and 1 or -1
    ok = ok and resp == t.fix + t.stim + t.delay + 1 and bt.target[k]:get(t.T, 1) == want
      and bt.target[k]:get(resp - 1, 1) == 0
    nresp = nresp + 1
  end
  T.ok(ok and nresp == 50, "decision: target = sign of the summed evidence, after the fixation cue ends")
end
do
  local t = tasks.context {}
  local bt = t:sample(50)
  local ok, irrelevant_disagrees = true, 0
  for k = 1, 50 do
    local u = bt.u[k]
    local ctx = u:get(1, 3) == 1 and 1 or 2
    local sum, other, go = 0, 0, nil
    for s = 1, t.T do
      sum = sum + u:get(s, ctx)
      other = other + u:get(s, 3 - ctx)
      if not go and u:get(s, 5) == 1 then go = s end
    end
    ok = ok and (u:get(1, 3) + u:get(1, 4)) == 1 and go ~= nil
      and bt.target[k]:get(go, 1) == (sum >= 0 and 1 or -1) and bt.target[k]:get(go - 1, 1) == 0
    if sign(sum) ~= sign(other) then irrelevant_disagrees = irrelevant_disagrees + 1 end
  end
  T.ok(ok, "context: target = sign of the cued modality's evidence, from the go cue on")
  T.ok(irrelevant_disagrees >= 10, "context: the other modality often disagrees (" .. irrelevant_disagrees .. "/50)")
end
do
  local t = tasks.timing {}
  local bt = t:sample(50)
  local ok = true
  for k = 1, 50 do
    local ready, set, go
    for s = 1, t.T do
      if not ready and bt.u[k]:get(s, 1) == 1 then ready = s end
      if not set and bt.u[k]:get(s, 2) == 1 then set = s end
      if not go and bt.target[k]:get(s, 1) == 1 then go = s end
    end
    ok = ok and ready and set and go and go - set == set - ready and set - ready >= t.min
      and set - ready <= t.max
  end
  T.ok(ok, "timing: the output rises at set + (set - ready)")
end
do
  local t = tasks.romo {}
  local bt = t:sample(50)
  local ok = true
  for k = 1, 50 do
    local a1, a2 = t.fix + 1, t.fix + t.f1 + t.delay + 1
    local x1, x2 = bt.u[k]:get(a1, 2), bt.u[k]:get(a2, 2)
    local f1 = t.fmin + x1 * (t.fmax - t.fmin)
    local f2 = t.fmin + x2 * (t.fmax - t.fmin)
    ok = ok and math.abs(math.abs(f1 - f2) - t.df) < 1e-9
      and math.abs(bt.u[k]:get(a1, 3) - (1 - x1)) < 1e-12
      and bt.target[k]:get(t.T, 1) == (f1 > f2 and 1 or -1)
  end
  T.ok(ok, "romo: target = +1 iff f1 > f2, |f1 - f2| = df")
end
do
  local t = tasks.dms {}
  local bt = t:sample(60)
  local ok, matches = true, 0
  local function which(u, s)
    for j = 2, t.inputs do if u:get(s, j) == 1 then return j end end
  end
  for k = 1, 60 do
    local a = which(bt.u[k], t.fix + 1)
    local b = which(bt.u[k], t.fix + t.sample_len + t.delay + 1)
    local m = a == b
    if m then matches = matches + 1 end
    ok = ok and a and b and bt.target[k]:get(t.T, 1) == (m and 1 or -1)
  end
  T.ok(ok, "dms: target = +1 iff the test stimulus is the sample")
  T.ok(matches >= 15 and matches <= 45, "dms: about half the trials match (" .. matches .. "/60)")
end
do
  local t = tasks.sine {}
  local bt = t:sample(20)
  local ok = true
  for k = 1, 20 do
    local j = math.floor((bt.u[k]:get(1, 1) - 0.25) * t.J + 0.5)
    local w = t.wmin + (t.wmax - t.wmin) * (j - 1) / (t.J - 1)
    for s = 1, t.T, 17 do
      ok = ok and math.abs(bt.target[k]:get(s, 1) - math.sin(w * s)) < 1e-12
    end
  end
  T.ok(ok, "sine: target = sin(w t), w read back from the input level")
end

-- A sine output a quarter period off fails; a slightly noisy one passes.
do
  local t = tasks.sine { J = 1, wmin = 0.1, wmax = 0.1 }
  local bt = t:sample(2)
  local shifted, close = matrix(t.T, 1), matrix(t.T, 1)
  for s = 1, t.T do
    shifted:set(s, 1, math.cos(0.1 * s))
    close:set(s, 1, 0.95 * math.sin(0.1 * s))
  end
  T.near(t:score(bt, { { y = shifted }, { y = close } }), 0.5, 0, "sine: wrong phase fails, 5% amplitude error passes")
end

-- Errors name what is wrong.
T.raises(function() tasks.flipflop { bitz = 3 } end, "unknown option 'bitz'", "unknown option named")
T.raises(function() tasks.decision { sigma = "x" } end, "option 'sigma' must be a number", "wrong option type")
T.raises(function() tasks.romo { delay = -1 } end, "'delay' must be a finite number >= 0", "negative timing")
T.raises(function() tasks.dms { K = 1 } end, "K must be an integer >= 2", "dms K")
T.raises(function() tasks.flipflop {}:sample(0) end, "B must be an integer", "B = 0")
T.raises(function() tasks.flipflop {}:sample(2.5) end, "B must be an integer", "B = 2.5")
do
  local t = tasks.decision {}
  local bt = t:sample(3)
  T.raises(function() t:score(bt, { { y = bt.target[1] } }) end, "traces has 1 entries, batch has 3", "trace count")
  T.raises(function() t:score(bt, { { y = matrix(2, 1) }, { y = matrix(2, 1) }, { y = matrix(2, 1) } }) end,
           "traces[1].y must be 140x1", "trace shape")
  T.ok(tostring(t):find("task decision") ~= nil, "tostring(task)")
end

T.done()
