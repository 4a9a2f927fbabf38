-- test_lifetime.lua — objects stay valid while a binding that holds them calls
-- back into Lua: a task, an options table's __index or a finaliser that merges,
-- deletes or frees the object must meet a clear error (or a dead-but-safe
-- object), never freed memory.  Run it under `make asan` to see the point.
local T = dofile("tests/lua/harness.lua")
seed(7)
local flip = tasks.flipflop { T = 20 }

-- A user task that forwards to flipflop and runs `hook` in sample / score.
local function task_with(hook_sample, hook_score)
  return {
    inputs = 3, outputs = 3, T = 20,
    sample = function(_, B) if hook_sample then hook_sample() end return flip:sample(B) end,
    score = function(_, b, tr) if hook_score then hook_score() end return flip:score(b, tr) end,
  }
end

-- 1. the issue's example: task:sample merges units during net:train
local net = rnn { n = 8, inputs = 3, outputs = 3, seed = 1 }
local before = net.W
T.raises(function()
  net:train(task_with(function() if net.n > 4 then net:merge(1, 2) end end),
    { method = "adam", iters = 3, batch = 4 })
end, "merge: the network is in use by net:train", "merge inside task:sample during train is refused")
T.ok(net.n == 8, "the network keeps its size after the refused merge")
T.ok(net.W:rows() == 8 and before:rows() == 8, "its weights are still 8x8")

-- 2. task:score deletes a unit during net:train's scoring
T.raises(function()
  net:train(task_with(nil, function() net:delete(1) end), { method = "adam", iters = 2, batch = 4, score_every = 1 })
end, "delete: the network is in use by net:train", "delete inside task:score during train is refused")

-- 3. the same inside net:score
T.raises(function() net:score(task_with(function() net:merge(1, 2) end), 4) end,
  "in use by net:score", "merge inside task:sample during score is refused")
T.raises(function() net:score(task_with(nil, function() net:delete(2) end), 4) end,
  "in use by net:score", "delete inside task:score during score is refused")

-- 4. an options table whose __index deletes a unit
local opts = setmetatable({ method = "adam", iters = 2, batch = 4 },
  { __index = function() net:delete(1) end })
T.raises(function() net:train(flip, opts) end, "in use by net:train",
  "an options __index that deletes a unit is refused")
local fp_opts = setmetatable({}, { __index = function() net:merge(1, 2) end })
T.raises(function() fixedpoints(net, fp_opts) end, "in use by fixedpoints",
  "an options __index that merges during fixedpoints is refused")
local m_opts = setmetatable({}, { __index = function() net:delete(3) end })
T.raises(function() net:merge(1, 2, m_opts) end, "in use by net:merge",
  "merge's own options cannot resize the net under it")
T.ok(net.n == 8, "still 8 units after every refused change")

-- 5. the pins are released: after all those errors merge and delete work
net:merge(1, 2)
T.ok(net.n == 7, "merge works once nothing is running")
net:delete(7)
T.ok(net.n == 6, "delete works once nothing is running")
local h = net:train(flip, { method = "adam", iters = 2, batch = 4 })
T.ok(h.iters == 2, "the net still trains")

-- 6. a finaliser that deletes units runs during the allocations of run/train
local deleted_during = 0
local function arm()
  setmetatable({}, { __gc = function()
    local ok = pcall(net.delete, net, 1)
    if ok then deleted_during = deleted_during + 1 end
  end })
end
for _ = 1, 40 do arm(); net:run(matrix(5, 3)) end
collectgarbage()
T.ok(net.n >= 1 and net.W:rows() == net.n, "finalisers that delete units leave a consistent net")

-- 7. __gc called by a script on the net while a binding holds it
local n2 = rnn { n = 6, inputs = 3, outputs = 3, seed = 2 }
local ok, s = pcall(n2.score, n2, task_with(function() getmetatable(n2).__gc(n2) end), 4)
T.ok(ok and type(s) == "number", "score finishes on a net freed by its own task")
T.ok(tostring(n2) == "rnn (freed)", "the net reads as freed afterwards")
T.raises(function() n2:run(matrix(2, 3)) end, "rnn has been freed", "and every later use is refused")

local n3 = rnn { n = 6, inputs = 3, outputs = 3, seed = 3 }
local ok7 = pcall(n3.train, n3, task_with(function() getmetatable(n3).__gc(n3) end),
  { method = "adam", iters = 3, batch = 2 })
T.ok(ok7 ~= nil, "train on a net freed by its task ends (error or not) without a crash")
T.ok(tostring(n3) == "rnn (freed)", "that net reads as freed")

-- 8. lif:run with an options __index that frees the population (the issue's lif_run case)
local pop = lif { n = 5, inputs = 3 }
local ok8 = pcall(pop.run, pop, setmetatable({ T = 10 }, { __index = function() getmetatable(pop).__gc(pop) end }))
T.ok(ok8 ~= nil, "lif:run survives its population freed from an options lookup")
T.ok(tostring(pop):find("freed") ~= nil, "the population reads as freed afterwards")
local pop2 = lif { n = 4, inputs = 3 }
local function arm_lif() setmetatable({}, { __gc = function() getmetatable(pop2).__gc(pop2) end }) end
for _ = 1, 20 do
  arm_lif()
  pcall(pop2.run, pop2, { T = 5, I = 1 })
end
collectgarbage()
T.ok(tostring(pop2):find("freed") ~= nil, "a finaliser freeing the population during run is safe")

-- 9. a matrix freed by a script while a binding reads it
local u = matrix(6, 3, 0.5)
local batch = setmetatable({ u = { u } }, { __index = function() getmetatable(u).__gc(u) end })
local ok9 = pcall(net.run, net, batch)
T.ok(ok9 ~= nil, "run survives a batch whose lookups free its input matrix")
local ring1 = ring { n = 16 }
local okr = pcall(ring1.run, ring1, setmetatable({ steps = 5 }, { __index = function() getmetatable(ring1).__gc(ring1) end }))
T.ok(okr ~= nil and tostring(ring1):find("freed") ~= nil, "ring:run survives its ring freed from an options lookup")

-- 10. a coroutine that dies inside a binding does not pin the net for ever
local n4 = rnn { n = 5, inputs = 3, outputs = 3, seed = 4 }
local co = coroutine.create(function()
  n4:score(task_with(function() error("boom") end), 2)
end)
local okc = coroutine.resume(co)
T.ok(not okc, "the coroutine died inside score")
co = nil
collectgarbage(); collectgarbage()
n4:merge(1, 2)
T.ok(n4.n == 4, "its pin is released when the dead coroutine is collected")

-- 11. internal helper objects (batch, workspace, training state) found on the
-- C stack with debug.getlocal ignore a scripted __gc call
local reg = debug.getregistry()
local internal = {}
for _, name in ipairs { "ganglion.rnnbatch", "ganglion.rnnwork", "ganglion.trainstate" } do
  if reg[name] then internal[reg[name]] = name end
end
local hits = {}
local function free_internals()
  for level = 2, 12 do
    if not debug.getinfo(level) then break end
    for i = 1, 40 do
      local name, v = debug.getlocal(level, i)
      if not name then break end
      local mt = type(v) == "userdata" and getmetatable(v)
      if mt and internal[mt] then
        mt.__gc(v)
        hits[internal[mt]] = true
      end
    end
  end
end
local n5 = rnn { n = 6, inputs = 3, outputs = 3, seed = 5 }
local h5 = n5:train(task_with(free_internals, free_internals), { method = "adam", iters = 3, batch = 2, score_every = 1 })
T.ok(h5.iters == 3 and hits["ganglion.trainstate"] and hits["ganglion.rnnbatch"],
  "training survives scripted __gc calls on its own internal objects")
local s5 = n5:score(task_with(nil, free_internals), 3)
T.ok(type(s5) == "number" and hits["ganglion.rnnwork"], "so does score (workspace freed by a script)")
T.done()
