-- test_matrix_numpy.lua — every operation of the array vocabulary against
-- NumPy on the same data: inputs go out as .npy, NumPy's results come back
-- as .npy and are compared element by element.  Views, views of views,
-- broadcasting, empty and 1x1 matrices and shape errors are included.
local T = dofile("tests/lua/harness.lua")
local PY = "/usr/bin/python3"

seed(2385)
local A = matrix.randn(7, 5)
local B = matrix.randn(7, 5)
local r = matrix.randn(1, 5)
local c = matrix.randn(7, 1)
local P = A:abs() + 0.1
local G = matrix.randn(5, 5)
local S = G * G:t() + matrix.eye(5) * 0.5
local b = matrix.randn(5, 2)
local one = matrix{{2.385}}
local W = matrix.randn(9, 8)
local inputs = { A = A, B = B, r = r, c = c, P = P, G = G, S = S, b = b, one = one, W = W }

-- name, Lua result, NumPy expression (names above are numpy arrays there).
local cases = {
  { "add", A + B, "A + B" }, { "add_row", A + r, "A + r" }, { "add_col", A + c, "A + c" },
  { "add_s", A + 2.5, "A + 2.5" }, { "rsub_s", 2.5 - A, "2.5 - A" }, { "outer", r + c, "r + c" },
  { "sub_row", A - r, "A - r" }, { "div_col", A / c, "A / c" }, { "div_s", A / 2, "A / 2" },
  { "rdiv_s", 3 / P, "3 / P" }, { "neg", -A, "-A" },
  { "matmul", A * B:t(), "A @ B.T" }, { "matvec", G * b:col(1), "G @ b[:, :1]" },
  { "scale", 1.5 * A, "1.5 * A" },
  { "emul", A:emul(B), "A * B" }, { "emul_row", A:emul(r), "A * r" }, { "ediv", A:ediv(P), "A / P" },
  { "pow", P:pow(1.7), "P ** 1.7" }, { "pow2", A:pow(2), "A ** 2" }, { "powm", P:pow(B), "P ** B" },
  { "abs", A:abs(), "np.abs(A)" }, { "exp", A:exp(), "np.exp(A)" }, { "log", P:log(), "np.log(P)" },
  { "sqrt", P:sqrt(), "np.sqrt(P)" }, { "tanh", A:tanh(), "np.tanh(A)" },
  { "sigmoid", A:sigmoid(), "1 / (1 + np.exp(-A))" }, { "relu", A:relu(), "np.maximum(A, 0)" },
  { "sign", A:sign(), "np.sign(A)" }, { "clamp", A:clamp(-0.5, 0.5), "np.clip(A, -0.5, 0.5)" },
  { "map", A:map(function(x) return x * x + 1 end), "A * A + 1" },
  { "lt", A:lt(0), "(A < 0) * 1.0" }, { "le", A:le(B), "(A <= B) * 1.0" }, { "gt", A:gt(r), "(A > r) * 1.0" },
  { "ge", A:ge(c), "(A >= c) * 1.0" }, { "eq", A:eq(A:clamp(-1, 1)), "(A == np.clip(A, -1, 1)) * 1.0" },
  { "ne", A:ne(A:clamp(-1, 1)), "(A != np.clip(A, -1, 1)) * 1.0" },
  { "maximum", A:maximum(B), "np.maximum(A, B)" },
  { "sum", A:sum(), "A.sum()" }, { "sum1", A:sum(1), "A.sum(axis=0, keepdims=True)" },
  { "sum2", A:sum(2), "A.sum(axis=1, keepdims=True)" }, { "mean", A:mean(), "A.mean()" },
  { "mean1", A:mean(1), "A.mean(axis=0, keepdims=True)" }, { "mean2", A:mean(2), "A.mean(axis=1, keepdims=True)" },
  { "var", A:var(), "A.var(ddof=1)" }, { "var1", A:var(1), "A.var(axis=0, ddof=1, keepdims=True)" },
  { "var2", A:var(2), "A.var(axis=1, ddof=1, keepdims=True)" }, { "std", A:std(), "A.std(ddof=1)" },
  { "std1", A:std(1), "A.std(axis=0, ddof=1, keepdims=True)" },
  { "min", (A:min()), "A.min()" }, { "max", (A:max()), "A.max()" },
  { "min1", (A:min(1)), "A.min(axis=0, keepdims=True)" }, { "max2", (A:max(2)), "A.max(axis=1, keepdims=True)" },
  { "argmin1", select(2, A:min(1)), "A.argmin(axis=0)[None, :] + 1.0" },
  { "argmax2", select(2, A:max(2)), "A.argmax(axis=1)[:, None] + 1.0" },
  { "cumsum1", A:cumsum(1), "A.cumsum(axis=0)" }, { "cumsum2", A:cumsum(2), "A.cumsum(axis=1)" },
  { "cumsumv", c:cumsum(), "c.cumsum(axis=0)" },
  { "norm", A:norm(), "np.linalg.norm(A)" }, { "norm1", A:norm(1), "np.linalg.norm(A, axis=0)[None, :]" },
  { "dot", A:dot(B), "np.sum(A * B)" }, { "cov", A:cov(), "np.cov(A, rowvar=False)" },
  { "corr", A:corr(), "np.corrcoef(A, rowvar=False)" },
  { "sort1", (A:sort(1)), "np.sort(A, axis=0)" }, { "sort2", (A:sort(2)), "np.sort(A, axis=1)" },
  { "argsort1", A:argsort(1), "np.argsort(A, axis=0, kind='stable') + 1.0" },
  { "argsortv", c:argsort(), "np.argsort(c, axis=0, kind='stable') + 1.0" },
  { "hcat", matrix.hcat(A, c, B), "np.hstack([A, c, B])" }, { "vcat", matrix.vcat(A, r, B), "np.vstack([A, r, B])" },
  { "vcat_list", matrix.vcat({ A, B }), "np.vstack([A, B])" },
  { "reshape", A:reshape(5, 7), "A.reshape(5, 7)" }, { "flatten", A:flatten(), "A.reshape(-1, 1)" },
  { "repeat", r:repeat_(2, 3), "np.tile(r, (2, 3))" }, { "diag", A:diag(), "np.diag(A)[:, None]" },
  { "mdiag", matrix.diag(c), "np.diag(c[:, 0])" }, { "trace", A:trace(), "np.trace(A)" },
  { "take", A:take({ 3, 1, -1 }, { 2, 2, 5 }), "A[[2, 0, 6]][:, [1, 1, 4]]" },
  { "take_rows", A:take({ 7, 2 }), "A[[6, 1]]" }, { "mask", A:mask(A:gt(0)), "A[A > 0][:, None]" },
  { "t", A:t(), "A.T" }, { "linspace", matrix.linspace(-1, 2.5, 8), "np.linspace(-1, 2.5, 8)[:, None]" },
  { "range", matrix.range(1, 2, 0.25), "np.arange(1, 2.0001, 0.25)[:, None]" },
  -- views and views of views
  { "sub", A:sub(2, -2, 2, 4), "A[1:-1, 1:4]" }, { "subsub", A:sub(2, 6, 1, 4):sub(2, 3, 2, 3), "A[1:6, 0:4][1:3, 1:3]" },
  { "sub_nil", A:sub(nil, 3, 4, nil), "A[:3, 3:]" }, { "rowv", A:row(-1), "A[-1:, :]" }, { "colv", A:col(3), "A[:, 2:3]" },
  { "view_bcast", A:sub(2, 4, 2, 4) + r:sub(nil, nil, 1, 3), "A[1:4, 1:4] + r[:, :3]" },
  { "view_matmul", A:sub(1, 3, 1, 3) * A:sub(2, 4, 3, 5), "A[:3, :3] @ A[1:4, 2:5]" },
  { "view_sum1", A:sub(2, 5, 2, 5):sum(1), "A[1:5, 1:5].sum(axis=0, keepdims=True)" },
  { "view_t", A:sub(2, 5, 2, 3):t(), "A[1:5, 1:3].T" }, { "view_exp", A:col(2):exp(), "np.exp(A[:, 1:2])" },
  { "view_cov", W:sub(2, 9, 2, 6):cov(), "np.cov(W[1:9, 1:6], rowvar=False)" },
  { "view_solve", W:sub(1, 4, 2, 5):solve(W:sub(5, 8, 1, 1)), "np.linalg.solve(W[:4, 1:5], W[4:8, :1])" },
  { "view_sort", (W:col(4):sort()), "np.sort(W[:, 3:4], axis=0)" },
  -- linear algebra
  { "solve", S:solve(b), "np.linalg.solve(S, b)" }, { "inv", G:inv(), "np.linalg.inv(G)" },
  { "det", G:det(), "np.linalg.det(G)" }, { "chol", S:chol(), "np.linalg.cholesky(S)" },
  { "eigsym", S:eig().values, "np.linalg.eigh(S)[0][:, None]" },
  { "eigsym_vec", S:eig().vectors:abs(), "np.abs(np.linalg.eigh(S)[1])" },
  { "svd_S", W:svd().S, "np.linalg.svd(W, full_matrices=False)[1][:, None]" },
  { "svd_U", W:svd().U:abs(), "np.abs(np.linalg.svd(W, full_matrices=False)[0])" },
  { "svd_V", W:t():svd().V:abs(), "np.abs(np.linalg.svd(W.T, full_matrices=False)[2].T)" },
  { "lstsq", A:lstsq(c), "np.linalg.lstsq(A, c, rcond=None)[0]" },
  { "lstsq_wide", A:t():lstsq(r:t()), "np.linalg.lstsq(A.T, r.T, rcond=None)[0]" },
  { "one_inv", one:inv(), "np.linalg.inv(one)" }, { "one_det", one:det(), "np.linalg.det(one)" },
  { "one_mul", one * one, "one @ one" }, { "one_bcast", A + one, "A + one" },
}
-- general eigenvalues, sorted by real then imaginary part on both sides
do
  local e = G:eig()
  local pairs_ = {}
  for k = 1, 5 do pairs_[k] = { e.values:get(k, 1), e.imag:get(k, 1) } end
  table.sort(pairs_, function(x, y) if x[1] ~= y[1] then return x[1] < y[1] end return x[2] < y[2] end)
  cases[#cases + 1] = { "eiggen", matrix(pairs_), "(lambda w: np.column_stack([w.real, w.imag]))(np.sort_complex(np.linalg.eigvals(G)))" }
  -- G v = λ v for every pair (re, im) of value and vector
  local worst = 0
  for k = 1, 5 do
    local lr, li = e.values:get(k, 1), e.imag:get(k, 1)
    local vr, vi = e.vectors:col(k), e.vectors_imag:col(k)
    local rr = G * vr - (vr * lr - vi * li)
    local ri = G * vi - (vi * lr + vr * li)
    worst = math.max(worst, (rr:abs():max()), (ri:abs():max()))
  end
  T.ok(worst < 1e-12, ("general eig: G v = lambda v (worst residual %.2g)"):format(worst))
end

local ok = os.execute(PY .. " -c 'import numpy' 2>/dev/null")
if not ok then
  T.skip("NumPy cross-check: /usr/bin/python3 with numpy not available")
  T.done()
  return
end

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p " .. dir)
for name, m in pairs(inputs) do m:save(dir .. "/in_" .. name .. ".npy") end
local py = { "import numpy as np", "d = '" .. dir .. "'" }
for name in pairs(inputs) do py[#py + 1] = ("%s = np.load(d + '/in_%s.npy')"):format(name, name) end
py[#py + 1] = "def out(n, x):\n    x = np.asarray(x, dtype=float)\n    x = x.reshape(-1, 1) if x.ndim == 1 else x.reshape(1, 1) if x.ndim == 0 else x\n    np.save(d + '/out_' + n + '.npy', x)"
for _, cs in ipairs(cases) do py[#py + 1] = ("out(%q, %s)"):format(cs[1], cs[3]) end
local f = io.open(dir .. "/ref.py", "w")
f:write(table.concat(py, "\n"), "\n")
f:close()
local pok = os.execute(PY .. " " .. dir .. "/ref.py")
T.ok(pok, "NumPy reference script ran")

for _, cs in ipairs(cases) do
  local name, got = cs[1], cs[2]
  if type(got) == "number" then got = matrix{ { got } } end
  local lok, want = pcall(matrix.load, dir .. "/out_" .. name .. ".npy")
  if not lok then
    T.ok(false, name .. ": NumPy result missing (" .. tostring(want) .. ")")
  elseif got:rows() ~= want:rows() or got:cols() ~= want:cols() then
    T.ok(false, ("%s: shape %dx%d, NumPy %dx%d"):format(name, got:rows(), got:cols(), want:rows(), want:cols()))
  else
    local err = (got - want):abs():max()
    local scale = math.max(1, want:abs():max())
    T.ok(err <= 1e-12 * scale, ("%s matches NumPy (max error %.2g)"):format(name, err))
  end
end
os.execute("rm -rf " .. dir)

-- views share storage: writes through a view reach the parent, and a view
-- keeps its parent's storage alive after the parent is unreachable
local C = A:copy()
local v = C:sub(2, 3, 2, 4)
v:fill(9)
T.ok(C:get(2, 2) == 9 and C:get(3, 4) == 9 and C:get(1, 2) == A:get(1, 2) and C:get(2, 5) == A:get(2, 5),
     "fill through a view writes the parent's block only")
v:sub(2, 2, 1, 1):assign(matrix{ { -1 } })
T.ok(C:get(3, 2) == -1, "assign through a view of a view")
C:col(1):assign(c * 0 + 4)
T.ok(C:get(5, 1) == 4, "assign a column into a column view")
C:sub(1, 2):assign(r)
T.ok(C:get(2, 3) == r:get(1, 3), "assign broadcasts a row into a block")
do
  local keep = matrix.randn(50, 40):sub(10, 20, 5, 8)
  local val = keep:get(3, 2)
  collectgarbage(); collectgarbage()
  local junk = matrix.randn(50, 40)  -- reuse freed memory, if any
  T.ok(keep:get(3, 2) == val and junk ~= nil, "view keeps its parent's storage alive")
end
local X = A:copy()
X:add_(1):scale_(2):axpy_(-2, A)
T.ok((X - 2):abs():max() < 1e-14, "in place: (A+1)*2 - 2A = 2")
local Y = A:copy(); Y:sub(1, 3):axpy_(1, Y:sub(2, 4))
T.ok((Y:sub(1, 3) - (A:sub(1, 3) + A:sub(2, 4))):abs():max() < 1e-15, "axpy_ from an overlapping view reads old values")

-- empty and 1x1
local E = matrix.zeros(0, 5)
T.ok(E:rows() == 0 and E:cols() == 5, "zeros(0, 5) is empty")
T.ok(E:sum() == 0 and E:sum(1) == matrix.zeros(1, 5), "sum of empty is 0")
T.ok(E:mean(1):get(1, 3) ~= E:mean(1):get(1, 3), "mean of empty is NaN")
T.ok(matrix.vcat(E, r) == r, "vcat with an empty matrix")
T.ok((E + r):rows() == 0 and E:t():rows() == 5 and E:t():cols() == 0, "broadcast and transpose of empty")
T.ok(A:sub(3, 2):rows() == 0 and A:sub(3, 2):cols() == 5, "sub(r1, r1-1) is an empty view")
T.ok(A:mask(A:gt(100)):rows() == 0, "mask selecting nothing is 0x1")
T.ok(A:take({}):rows() == 0, "take of no rows")
T.ok((E * matrix.zeros(5, 3)):rows() == 0 and (matrix.zeros(3, 0) * matrix.zeros(0, 2)) == matrix.zeros(3, 2),
     "products with empty dimensions")
T.raises(function() return E:min() end, "empty", "min of empty is an error")
T.ok(one:sum() == 2.385 and one:var() == 0 and one:chol():get(1, 1) == math.sqrt(2.385), "1x1 reductions")
T.ok(select(2, A:max()) >= 1 and select(3, A:max()) >= 1, "max of a matrix gives row and column")
do
  local val, i, j = A:max()
  T.ok(A:get(i, j) == val, "max's indices point at the max")
end

-- clear errors on mismatched shapes
T.raises(function() return A + matrix.randn(3, 3) end, "do not match", "A + 3x3: shapes do not match")
T.raises(function() return A:emul(matrix.randn(5, 7)) end, "do not match", "emul with a transposed shape")
T.raises(function() return A * A end, "inner dimensions", "A * A: inner dimensions")
T.raises(function() return S:solve(matrix.randn(4, 1)) end, "right-hand side", "solve with wrong rows")
T.raises(function() return A:inv() end, "square", "inv of a non-square matrix")
T.raises(function() return (-S):chol() end, "positive definite", "chol of a negative definite matrix")
T.raises(function() return matrix.zeros(3, 3):inv() end, "singular", "inv of a singular matrix")
T.raises(function() return A:sub(1, 9) end, "out of range", "sub past the end")
T.raises(function() return A:take({ 8 }) end, "out of range", "take past the end")
T.raises(function() return A:reshape(6, 6) end, "cannot make", "reshape with the wrong count")
T.raises(function() return matrix.hcat(A, r) end, "argument 2", "hcat of mismatched rows")
T.raises(function() return A:mask(r) end, "must match", "mask of the wrong shape")
T.raises(function() return A:dot(r) end, "differ", "dot of different shapes")
T.raises(function() return A:sum(3) end, "dim must be", "sum(3)")
T.raises(function() return A:col(2):assign(r) end, "does not fit", "assign a row into a column view")
T.raises(function() return A:clamp(1, 0) end, "above", "clamp with lo > hi")
T.raises(function() return matrix.range(1, 2, 0) end, "nonzero", "range with step 0")
T.raises(function() return A:cov():sub(1, 2, 1, 2):inv() * matrix.zeros(3, 1) end, "inner dimensions", "errors through views")

T.done()
