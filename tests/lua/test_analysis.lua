-- test_analysis.lua — pca, npcs, participation, similarity, cca, procrustes, kinds,
-- fixedpoints and net:merge/delete through the Lua API, against analytic values.
local T = dofile("tests/lua/harness.lua")

-- Analytic PCA: x = (2a + 5, b, -1.5) with a, b = ±1 balanced → variances 16/3, 4/3.
local X = matrix{{7, 1, -1.5}, {7, -1, -1.5}, {3, 1, -1.5}, {3, -1, -1.5}}
local p = pca(X)
T.near(p.explained:get(1, 1), 0.8, 1e-14, "pca: explained[1] = 0.8")
T.near(p.explained:get(2, 1), 0.2, 1e-14, "pca: explained[2] = 0.2")
T.near(p.var:get(1, 1), 16 / 3, 1e-13, "pca: variance with T-1 normalisation")
T.near(p.mean:get(1, 1), 5, 1e-14, "pca: mean")
T.near(math.abs(p.components:get(1, 1)), 1, 1e-14, "pca: first axis is e1")
T.ok(p.scores:rows() == 4 and p.scores:cols() == 3, "pca: scores 4x3")
T.ok(npcs(X, 0.8) == 1 and npcs(X, 0.81) == 2 and npcs(X) == 2, "npcs 0.8 -> 1, 0.81 -> 2, default 0.9 -> 2")
T.near(participation(X), 25 / 17, 1e-13, "participation ratio 25/17")

-- A trace and a list of traces are accepted; the list stacks its trials.
T.near(participation({ r = X }), 25 / 17, 1e-13, "a trace {r=} is accepted")
T.near(pca({ { r = X }, { r = X } }).var:get(1, 1), 4 * 4 * 8 / 7 / 4, 1e-12, "a list of traces is stacked (T=8)")

-- similarity
seed(5)
local R = matrix.randn(300, 4)
for t = 1, 300 do R:set(t, 2, 2.5 * R:get(t, 1) - 1); R:set(t, 4, 0.75) end
local S = similarity(R, "corr")
T.near(S:get(1, 2), 1, 1e-13, "similarity corr: affine copy = 1")
T.ok(S:get(4, 1) == 0 and S:get(4, 4) == 1, "similarity corr: constant unit 0 / diagonal 1")
local Sp = similarity(R, "pca", 3)
T.near(Sp:get(1, 3), S:get(1, 3), 1e-10, "similarity pca with all components = correlation")
T.raises(function() similarity(R, "cosine") end, "method must be", "similarity: bad method")
T.raises(function() similarity(R, "pca", 9) end, "at most", "similarity: k too large")
T.raises(function() similarity("x") end, "must be a matrix", "similarity: bad data")

-- cca: B = A·M (invertible mix) has all canonical correlations 1.
local A = matrix.randn(200, 3)
local B = A * matrix{{1, 2, 0}, {0, 1, -1}, {3, 0, 1}}
local c = cca(A, B)
T.near(c.mean, 1, 1e-12, "cca of a linear remix = 1")
T.ok(c.count == 3 and c.rho:rows() == 3, "cca: 3 correlations")
local c2 = cca(A, matrix.randn(200, 2))
T.ok(c2.rho:get(1, 1) < 0.3, "cca of independent noise is small (" .. c2.rho:get(1, 1) .. ")")
T.raises(function() cca(A, matrix.randn(100, 3)) end, "same number", "cca: unequal T refused")

-- procrustes: rotation of a scaled shifted copy.
local th = 0.6
local Q = matrix{{math.cos(th), -math.sin(th)}, {math.sin(th), math.cos(th)}}
local P = matrix.randn(50, 2)
local Pr = P * Q * 3
local pr = procrustes(Pr, P)
T.ok(pr.disparity < 1e-24, "procrustes: disparity 0 for a rotated copy")
T.near(pr.rotation:get(1, 2), -math.sin(th), 1e-12, "procrustes: recovers the rotation")
T.raises(function() procrustes(matrix(5, 2, 1), P) end, "same number", "procrustes: unequal T refused")

-- kinds: two planted shapes.
local K = matrix(40, 6)
for t = 1, 40 do
  for i = 1, 6 do
    local v = (i % 2 == 1) and math.sin(t / 4) or t / 40
    K:set(t, i, (1 + i) * v + i)
  end
end
local k = kinds(K, 2)
T.ok(k.types[1] == 1 and k.types[3] == 1 and k.types[5] == 1 and k.types[2] == 2 and k.types[6] == 2,
     "kinds: planted types recovered, numbered by first appearance")
T.ok(k.counts[1] == 3 and k.counts[2] == 3 and k.inertia < 1e-18, "kinds: counts 3/3, zero inertia")
T.ok(k.centroids:rows() == 40 and k.centroids:cols() == 2, "kinds: centroids T x k")
T.raises(function() kinds(K, 7) end, "k must be between", "kinds: k > n refused")
T.raises(function() kinds(K, 2, { restart = 3 }) end, "unknown option", "kinds: typo in options caught")

-- Errors on NaN data.
local N = matrix.randn(10, 3); N:set(2, 2, 0 / 0)
T.raises(function() pca(N) end, "NaN", "pca: NaN refused")
T.raises(function() npcs(X, 1.5) end, "frac must be", "npcs: frac out of range")

-- Bistable pair: W = 2I, tanh, no input → 9 fixed points, 4 stable corners.
local net = rnn{ n = 2, inputs = 1, outputs = 1 }
net.W = matrix{{2, 0}, {0, 2}}
net.b = matrix{0, 0}
local fps = fixedpoints(net, { starts = 300, spread = 1.5 })
local nst = 0
for _, fp in ipairs(fps) do if fp.stable then nst = nst + 1 end end
T.ok(#fps == 9 and nst == 4, ("fixedpoints: 9 points, 4 stable (%d, %d)"):format(#fps, nst))
T.ok(fps[1].eig:rows() == 2 and fps[1].x:rows() == 2 and fps[1].q < 1e-10, "fixedpoints: fields x, eig, q")
T.raises(function() fixedpoints(net, { starts = matrix(3, 5) }) end, "columns", "fixedpoints: bad starts")
T.raises(function() fixedpoints(net, { startz = 3 }) end, "unknown option", "fixedpoints: typo caught")

-- Exact merge: unit 4 duplicates unit 2 on the incoming side.
seed(11)
local m = rnn{ n = 5, inputs = 2, outputs = 2 }
local W = m.W
for j = 1, 5 do W:set(4, j, W:get(2, j)) end
m.W = W
local Win = m.Win
for j = 1, 2 do Win:set(4, j, Win:get(2, j)) end
m.Win = Win
local u = matrix.randn(40, 2)
local y0 = m:run(u).y
local mm = m:copy()
mm:merge(2, 4)
T.ok(mm.n == 4, "merge: n decreases")
local y1 = mm:run(u).y
local d = 0
for t = 1, 40 do for o = 1, 2 do d = math.max(d, math.abs(y0:get(t, o) - y1:get(t, o))) end end
T.ok(d < 1e-12, ("merge of identical units is exact (max diff %.2g)"):format(d))
local ml = m:copy()
local _, a, cc = ml:merge(2, 4, { method = "ls", trace = m:run(u) })
T.near(a, 1, 1e-10, "merge ls: a = 1 for identical units")
T.raises(function() m:copy():merge(2, 2) end, "itself", "merge: same unit refused")
T.raises(function() m:copy():merge(1, 9) end, "out of range", "merge: bad index refused")
T.raises(function() m:copy():merge(1, 2, { method = "ls" }) end, "needs the recorded", "merge ls without trace refused")
local md = m:copy()
md:delete(5)
T.ok(md.n == 4 and md.Wout:cols() == 4, "delete: n and Wout shrink")
T.raises(function() md:delete(0) end, "out of range", "delete: index 0 refused")

-- merge's options come from a declaration (ganglion.options["rnn.merge"])
T.ok(ganglion.options["rnn.merge"] and ganglion.options["rnn.merge"][1].name == "method", "merge: options declared")
T.raises(function() m:copy():merge(1, 2, { method = "median" }) end,
         'merge: method must be "mean", "ls" or "exact", got "median"', "merge: unknown method")
T.raises(function() m:copy():merge(1, 2, { methdo = "ls" }) end, "merge: unknown option 'methdo'", "merge: typo")
T.raises(function() m:copy():merge(1, 2, "ls") end, "merge: options must be a table (got string)", "merge: options type")
T.raises(function() rank_pairs(matrix.eye(3), 2, { abs = 1 }) end, "rank_pairs: option 'abs' must be true or false",
         "rank_pairs: abs type")
T.done()
