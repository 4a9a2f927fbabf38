-- test_train.lua — net:train / net:score: flipflop solved by hf and adam from a fixed seed,
-- cg and bfgs on a fixed batch, user tasks, NaN rollback, Ctrl-C, option checking.
local T = dofile("tests/lua/harness.lua")


local ff = tasks.flipflop { T = 100 }

-- Loss of the net on a fixed held-out batch (a fresh batch from a fixed seed).
local function heldout_loss(net, task, n)
  seed(999)
  return net:loss(task:sample(n or 64))
end

-- hf solves flipflop: the training stops on reaching the target score on
-- 200 fresh trials, within a bounded number of iterations.
do
  seed(1)
  local net = rnn { n = 64, inputs = 3, outputs = 3 }
  local l0 = heldout_loss(net, ff)
  seed(1)
  local h = net:train(ff, { method = "hf", iters = 120, batch = 128, cbatch = 64, target = 0.95, score_batch = 200 })
  T.ok(h.stopped == "target", ("hf: flipflop score %.3f >= 0.95 after %d iterations (%.1f s)"):format(
       h.score[#h.score], h.iters, h.seconds))
  T.ok(#h.loss == h.iters and #h.score == h.iters and #h.time == h.iters and #h.lambda == h.iters
       and #h.cg == h.iters, "hf: history has one entry per iteration")
  T.ok(h.loss[#h.loss] < 0.2 * h.loss[1], ("hf: loss fell from %.4g to %.4g"):format(h.loss[1], h.loss[#h.loss]))
  -- the profile: one gradient and one curvature pass per iteration, at least
  -- one Gv product per CG step, parts within the wall time
  local P, cg = h.profile, 0
  for i = 1, #h.cg do cg = cg + h.cg[i] end
  local parts = P.sample + P.grad.seconds + P.loss.seconds + P.curvature.seconds + P.gv.seconds + P.sqgrad.seconds
  T.ok(P.grad.calls == h.iters and P.curvature.calls == h.iters and P.sqgrad.calls == h.iters and
       P.gv.calls >= cg and P.loss.calls >= h.iters and parts > 0.5 * h.seconds and parts <= h.seconds,
       ("hf: profile counts (%d Gv for %d CG steps) and times (%.2f of %.2f s)"):format(P.gv.calls, cg, parts, h.seconds))
  local l1 = heldout_loss(net, ff)
  T.ok(l1 < 0.2 * l0, ("hf: held-out loss fell from %.4g to %.4g"):format(l0, l1))
  seed(77)
  local s = net:score(ff, 400)
  T.ok(s >= 0.85, ("hf: net:score on 400 new trials %.3f"):format(s))
end

-- adam solves flipflop.
do
  seed(1)
  local net = rnn { n = 64, inputs = 3, outputs = 3 }
  local h = net:train(ff, { method = "adam", iters = 1500, batch = 32, lr = 0.01, clip = 1,
                            target = 0.95, score_every = 10, score_batch = 200 })
  T.ok(h.stopped == "target", ("adam: flipflop score %.3f >= 0.95 after %d iterations (%.1f s)"):format(
       h.score[#h.score], h.iters, h.seconds))
  seed(77)
  T.ok(net:score(ff, 400) >= 0.85, "adam: net:score on 400 new trials >= 0.85")
end

-- Same seed, same history (all randomness from the global generator).
do
  local function run()
    seed(4)
    local net = rnn { n = 16, inputs = 3, outputs = 3 }
    return net:train(ff, { method = "hf", iters = 3, batch = 16, threads = 1 }).loss
  end
  local a, b = run(), run()
  T.ok(a[3] == b[3] and a[1] == b[1], "hf: seed(n) makes training reproducible")
end

-- cg and bfgs lower the loss of their fixed batch.
for _, m in ipairs { "cg", "cg_fr", "bfgs" } do
  seed(2)
  local net = rnn { n = 32, inputs = 3, outputs = 3 }
  local h = net:train(ff, { method = m, iters = 40, batch = 32, score_every = 0 })
  T.ok(h.loss[#h.loss] < 0.5 * h.loss[1] and h.method == m,
       ("%s: fixed-batch loss %.4g -> %.4g in %d iterations"):format(m, h.loss[1], h.loss[#h.loss], h.iters))
end

-- A user-defined task (a plain table) trains the same way: hold input 1's
-- value, shown during the first 5 steps, until the end.
local function holdtask()
  local t = { inputs = 1, outputs = 1, T = 30, calls = 0 }
  function t:sample(B)
    self.calls = self.calls + 1
    local b = { u = {}, target = {}, mask = {} }
    local v = matrix.rand(B, 1)
    for k = 1, B do
      local a = v:get(k, 1) - 0.5
      local u, y, m = matrix(self.T, 1, 0), matrix(self.T, 1, a), matrix(self.T, 1, 1)
      for s = 1, 5 do u:set(s, 1, a) end
      b.u[k], b.target[k], b.mask[k] = u, y, m
    end
    b.value = v
    return b
  end
  function t:score(batch, traces)
    local ok = 0
    for k = 1, #traces do
      if math.abs(traces[k].y:get(self.T, 1) - (batch.value:get(k, 1) - 0.5)) < 0.1 then ok = ok + 1 end
    end
    return ok / #traces
  end
  return t
end
do
  seed(3)
  local t = holdtask()
  local net = rnn { n = 16, inputs = 1, outputs = 1 }
  local h = net:train(t, { method = "adam", lr = 0.01, iters = 300, batch = 16 })
  T.ok(h.loss[#h.loss] < 0.2 * h.loss[1] and t.calls > 300,
       ("user task trains with adam (loss %.4g -> %.4g, %d samples)"):format(h.loss[1], h.loss[#h.loss], t.calls))
  T.ok(net:score(t, 100) > 0.5, "net:score works on a user task")
end

-- A NaN/Inf loss (here: a target of 1e200 on the third batch, whose square
-- overflows) rolls back and training goes on.
do
  seed(3)
  local t = holdtask()
  local base = t.sample
  function t:sample(B)
    local b = base(self, B)
    if self.calls == 3 then b.target[1] = matrix(self.T, 1, 1e200) end
    return b
  end
  local net = rnn { n = 16, inputs = 1, outputs = 1 }
  for _, m in ipairs { "adam", "hf" } do
    t.calls = 0
    local h = net:train(t, { method = m, iters = 6, batch = 8, score_every = 0, monitor = 0 })   -- no monitoring batch: calls count training batches
    local l3 = h.loss[3]
    T.ok(l3 ~= l3 or l3 == math.huge, m .. ": the poisoned iteration's loss is recorded as NaN/Inf")
    T.ok(m ~= "hf" or (#h.lambda == 6 and #h.cg == 6), m .. ": per-iteration lists stay aligned")
    T.ok(h.iters == 6 and h.stopped == false and h.loss[6] == h.loss[6] and h.loss[6] < 1,
         m .. ": training continues after the rollback (last loss " .. tostring(h.loss[6]) .. ")")
  end
  local l = heldout_loss(net, t, 8)
  T.ok(l == l and l < 1, "parameters stay finite after rollbacks")
  -- NaN every time: five in a row stop training with stopped = "nan".
  local always = holdtask()
  function always:sample(B)
    local b = holdtask().sample(self, B)
    b.target[1] = matrix(self.T, 1, 1e200)
    return b
  end
  local h = net:train(always, { method = "adam", iters = 20, batch = 4 })
  T.ok(h.stopped == "nan" and h.iters == 5, "five non-finite losses in a row stop training (stopped = nan)")
end

-- Ctrl-C: a task that sends SIGINT to this process on its 6th sample call.
-- Training stops with "interrupted" and the net keeps its best parameters.
do
  local f = io.open("/proc/self/stat")
  local pid = f and f:read("n")
  if f then f:close() end
  if not pid then
    T.skip("Ctrl-C simulation needs /proc/self/stat")
  else
    seed(3)
    local t = holdtask()
    local base = t.sample
    local sent = false
    function t:sample(B)
      -- io.popen, not os.execute: system() ignores SIGINT while the child runs.
      if self.calls == 5 and not sent then
        sent = true
        io.popen("kill -INT " .. math.tointeger(pid)):close()
      end
      return base(self, B)
    end
    local net = rnn { n = 16, inputs = 1, outputs = 1 }
    local l0 = heldout_loss(net, t, 16)
    local ok, err = pcall(net.train, net, t, { method = "adam", lr = 0.01, iters = 1000, batch = 16 })
    T.ok(not ok and tostring(err):find("interrupted") ~= nil, "Ctrl-C stops training: " .. tostring(err))
    T.ok(t.calls <= 8, "stopped promptly (" .. t.calls .. " batches drawn)")
    local l1 = heldout_loss(net, t, 16)
    T.ok(l1 == l1 and l1 < l0, ("the net keeps the best parameters (loss %.4g < %.4g at the start)"):format(l1, l0))
    local h = net:train(holdtask(), { method = "adam", iters = 2, batch = 4 })
    T.ok(h.iters == 2, "training works again after an interrupt")
  end
end

-- Option and argument checking.
do
  local net = rnn { n = 8, inputs = 3, outputs = 3 }
  T.raises(function() net:train(ff, { method = "sgd" }) end, 'method must be "hf", "adam", "cg", "cg_fr" or "bfgs", got "sgd"',
           "unknown method lists the known ones")
  T.raises(function() net:train(ff, { iter = 3 }) end, "iter", "unknown option named")
  T.raises(function() net:train(ff, { target = 2 }) end, "target must be in (0, 1]", "target range")
  T.raises(function() net:train(ff, { lr = -1, method = "adam" }) end, "lr", "negative lr")
  T.raises(function() net:train(ff, { batch = 0 }) end, "batch must be a whole number in 1..100000", "batch = 0")
  T.raises(function() net:train(ff, { method = "hf", mu = -1, iters = 1 }) end, "mu", "negative mu")
  T.raises(function() net:train(tasks.decision {}, { iters = 1 }) end, "task has 2 inputs and 1 outputs", "task/net size mismatch")
  T.raises(function() net:train("flipflop") end, "task must be a table", "task not a table")
  T.raises(function() net:train({ inputs = 3, outputs = 3, T = 10 }) end, "task.sample must be a function", "task without sample")
  local bad = { inputs = 3, outputs = 3, T = 10, score = function() return 0 end,
                sample = function() error("my task broke") end }
  T.raises(function() net:train(bad, { iters = 2 }) end, "my task broke", "a task's own error reaches the user")
  local lier = { inputs = 3, outputs = 3, T = 10, sample = function(_, B) return ff:sample(B) end,
                 score = function() return 3 end }
  T.raises(function() net:train(lier, { iters = 1, batch = 2 }) end, "task:score must return a fraction", "bad score value")
  T.raises(function() net:score(ff, 0) end, "B must be in", "score B = 0")
  T.raises(function() net:train(ff, { target = 0.9, score_every = 0 }) end, "needs scoring", "target without scoring")
end

-- Divergence: a step size that blows the parameters up is rolled back to the
-- best parameters, the step is cut, and enough events within the window stop
-- training with the best parameters in the net.
do
  seed(11)
  local t = tasks.flipflop { T = 50 }
  local probe = t:sample(32)
  local net = rnn { n = 16, inputs = 3, outputs = 3, seed = 1 }
  local start = net:loss(probe)
  local h = net:train(t, { method = "adam", lr = 1e10, clip = 0, iters = 40, batch = 8, score_every = 0 })
  local after = net:loss(probe)
  T.ok(h.stopped == "diverged" and h.rollbacks == 5 and h.iters < 40,
       ("adam lr=1e10: stopped = %s after %d iterations, %d rollbacks"):format(tostring(h.stopped), h.iters, h.rollbacks))
  T.ok(after == after and after < 2 * start and net.W:rows() == 16,
       ("adam lr=1e10: the net keeps finite, best parameters (loss %.4g, start %.4g)"):format(after, start))
  local w = net.W
  local big = 0
  for i = 1, 16 do for j = 1, 16 do big = math.max(big, math.abs(w:get(i, j))) end end
  T.ok(big < 100, ("adam lr=1e10: weights stay moderate (max |W| %.3g)"):format(big))
  -- Inf alternating with finite losses: events within the window stop it
  local net2 = rnn { n = 16, inputs = 3, outputs = 3, seed = 1 }
  local h2 = net2:train(t, { method = "adam", lr = 1e300, iters = 60, batch = 8, score_every = 0 })
  T.ok((h2.stopped == "nan" or h2.stopped == "diverged") and h2.iters < 60 and h2.rollbacks == 5,
       ("adam lr=1e300: stopped = %s at iteration %d"):format(tostring(h2.stopped), h2.iters))
  local l2 = net2:loss(probe)
  T.ok(l2 == l2 and l2 < 2 * start, ("adam lr=1e300: parameters finite afterwards (loss %.4g)"):format(l2))
  -- a modest learning rate trains without any rollback
  local net3 = rnn { n = 16, inputs = 3, outputs = 3, seed = 1 }
  local h3 = net3:train(t, { method = "adam", lr = 0.01, iters = 30, batch = 8, score_every = 0 })
  T.ok(h3.rollbacks == 0 and h3.stopped == false, "adam lr=0.01: no rollback (" .. h3.rollbacks .. ")")
end

-- One loss history for every optimiser: the loss on a fixed monitoring batch
-- (history.monitor.batch) after iterations 0, k, 2k, ... and the last, with the
-- training time in wall seconds.  Checked against net:loss on that batch, for
-- a method that steps on fresh batches (hf), one before its step (adam) and a
-- fixed-batch one (bfgs); monitoring does not change the parameters trained.
for _, m in ipairs { "hf", "adam", "bfgs" } do
  seed(6)
  local net = rnn { n = 12, inputs = 3, outputs = 3 }
  local start = net:copy()
  seed(6)
  local h = net:train(ff, { method = m, iters = 20, batch = 16, score_every = 0, monitor = 24, threads = 1 })
  local mo = h.monitor
  local every = m == "adam" and 10 or 1
  local want = m == "adam" and 3 or h.iters + 1
  T.ok(#mo.iter == want and #mo.loss == want and #mo.time == want and mo.iter[1] == 0
       and mo.iter[2] == every and mo.iter[want] == h.iters and mo.trials == 24 and #mo.batch.u == 24,
       ("%s: monitor points at iterations 0, %d, ..., %d (%d points)"):format(m, every, h.iters, #mo.iter))
  T.near(mo.loss[1], start:loss(mo.batch), 1e-12 * mo.loss[1], m .. ": first monitor loss = the start's loss on the batch")
  T.near(mo.loss[want], net:loss(mo.batch), 1e-12 * mo.loss[want], m .. ": last monitor loss = the trained net's loss")
  local mono = true
  for k = 2, want do mono = mono and mo.time[k] >= mo.time[k - 1] end
  T.ok(mono and mo.time[1] >= 0 and mo.time[want] <= h.seconds, m .. ": monitor times are wall seconds, non-decreasing")
  seed(6)
  local net2 = rnn { n = 12, inputs = 3, outputs = 3 }
  seed(6)
  net2:train(ff, { method = m, iters = 20, batch = 16, score_every = 0, monitor = 0, threads = 1 })
  T.near((net.W - net2.W):abs():max(), 0, 0, m .. ": training with or without monitoring gives the same net")
end

T.done()
