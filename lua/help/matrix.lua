-- Help for the array vocabulary: matrices, views, element-wise ops,
-- reductions, structure, linear algebra, in-place updates, timing.
-- (Loaded as data with no globals: plain loops only.)
local E = {}

-- Data the examples use, defined on a first line so each runs as typed.
local SETUP = {
  { "A", "A = matrix.randn(4, 4)" }, { "B", "B = matrix.randn(4, 4)" }, { "X", "X = matrix.randn(50, 3)" },
  { "x", "x = matrix.randn(5, 1)" }, { "y", "y = matrix.randn(50, 1)" }, { "W", "W = matrix.randn(3, 3)" },
  { "C", "C = matrix.randn(50, 3):cov()" }, { "b", "b = matrix.randn(4, 1)" },
  { "scores", "scores = matrix.rand(6, 1)" }, { "lr", "lr = 0.1" },
  { "grad", "grad = function(M) return M * 0.01 end" },
  { "tr1", "tr1 = {r = matrix.randn(5, 3)}" }, { "tr2", "tr2 = {r = matrix.randn(5, 3)}" },
  { "tr", "tr = {r = matrix.randn(40, 6)}" }, { "net", "net = rnn{n = 8, inputs = 2, outputs = 1}" },
}

-- name, usage, text, example
local function add(name, usage, text, example)
  local pre = ""
  for k = 1, #SETUP do
    local v = SETUP[k][1]
    if example:find("%f[%w_]" .. v .. "%f[^%w_]") and not example:find("^" .. v .. " =")
       and not example:find("[;\n] *" .. v .. " =") then
      pre = pre .. (pre == "" and "" or "; ") .. SETUP[k][2]
    end
  end
  if pre ~= "" then example = pre .. "\n" .. example end
  E[name] = { usage = usage, text = text, example = example }
end

add("matrix", "matrix(rows, cols [, fill])   matrix{{1,2},{3,4}}   matrix{1,2,3} (a 3x1 column)",
[[Dense double matrices (1-based, row-major), implemented in C on GSL, CBLAS and LAPACK.
Vectors are columns (n×1); wherever a matrix is expected a plain table works too.
help("m:sub") etc. gives each one in full.  By group:
 Construction  matrix.zeros(r,c) ones(r,c) full(r,c,v) eye(n) linspace(a,b,k) range(a,b[,step])
               diag(v) rand(r,c) randn(r,c)  m:copy()          e.g. matrix.linspace(0, 1, 5)
 Views         m:sub(r1,r2,c1,c2) m:row(i) m:col(j) (share storage, no copy; negative = from
               the end, nil = whole range); m:t() (copy); m:take(rows[,cols]) m:mask(b) (copies)
               v:fill(x) v:assign(m2) write into a view   e.g. A:sub(1, 2, -2, nil):fill(0)
 Element-wise  + - / with numbers, same-shape matrices, or a row (1×c) / column (r×1) broadcast;
               * is the matrix product (or scaling by a number); m:emul(b) m:ediv(b) m:pow(p)
               m:abs() exp() log() sqrt() tanh() sigmoid() relu() sign() clamp(lo,hi) map(f)
               m:lt(x) le gt ge eq ne (0/1 masks)  m:minimum(b) m:maximum(b)  e.g. (A - A:mean(1)):abs()
 Reductions    m:sum([dim]) mean var std (n-1) min max (value and index) norm cumsum(dim) dot(b)
               cov() corr() (of the columns) sort([dim]) argsort([dim]); dim 1 = over rows (1×c),
               2 = over columns (r×1), none = everything        e.g. v, i = A:max()
 Structure     matrix.hcat(a,b,...) matrix.vcat(a,b,...) (or a list) m:reshape(r,c) m:flatten()
               m:repeat_(r,c) m:diag() m:trace()            e.g. matrix.vcat{A, B}
 Linear alg.   m:solve(b) inv() det() chol() eig() svd() lstsq(b)   e.g. x = A:solve(b)
 In place      m:add_(x) m:scale_(a) m:axpy_(a, x) (no allocation)   e.g. W:axpy_(-0.1, G)
 Files         m:save("x.npy") matrix.load("x.npy") m:csv("x.csv") matrix.load("x.csv"); .npz, .mat: named:
               matrix.save("d.npz", {W=W, b=b}), matrix.load("d.mat") -> {W=, b=}
               rnn.from{W=, Win=, Wout=, ...}  net:export("net.npz")
 Time          clock()  time(f, ...)                          e.g. time(function() return A * A end)
Large matrices print as a summary (shape, range, corner); print(a, b) puts each on its own lines.
Memory: a request of 64 MiB or more must fit the budget with the session's live large arrays
(matrices, networks, workspaces): the memory available less what live arrays will still take
once written, or GANGLION_MEM_LIMIT (e.g. 4G) for live arrays plus the request.  A refusal gives
the size needed and available; unreferenced matrices are collected first, so dropping one
(a = nil) makes room.]],
"A = matrix{{2.5, 1}, {0, 3}}\nx = A:solve(matrix{1, 2})\nprint(A * x)  --> the column 1, 2")

-- construction
add("matrix.zeros", "matrix.zeros(r, c)", "r×c of zeros; 0 rows or columns give an empty matrix.", "Z = matrix.zeros(3, 2)")
add("matrix.ones", "matrix.ones(r, c)", "r×c of ones.", "O = matrix.ones(1, 4)")
add("matrix.full", "matrix.full(r, c, v)", "r×c filled with v.", "F = matrix.full(2, 2, 2.5)")
add("matrix.randn", "matrix.randn(rows, cols)", "Standard normal samples from the global generator.",
    "seed(1); X = matrix.randn(100, 3)")
add("matrix.rand", "matrix.rand(rows, cols)", "Uniform samples in [0, 1) from the global generator.",
    "U = matrix.rand(10, 1)")
add("matrix.eye", "matrix.eye(n)", "n×n identity.", "I = matrix.eye(3)")
add("matrix.linspace", "matrix.linspace(a, b, k)", "k evenly spaced values from a to b inclusive (k×1), as np.linspace.",
    "t = matrix.linspace(0, 1, 11)")
add("matrix.range", "matrix.range(a, b [, step])", "a, a+step, ... up to b inclusive (MATLAB's a:step:b), a column;\nempty when step points away from b.",
    "k = matrix.range(1, 10, 3)  --> 1, 4, 7, 10")
add("matrix.diag", "matrix.diag(v)", "Square matrix with the vector v on its diagonal (m:diag() reads one).",
    "D = matrix.diag{1, 2, 3}")
add("m:copy", "m:copy()", "A new matrix with m's values (a view's copy owns its storage).", "B = A:sub(1, 2):copy()")
add("m:rows", "m:rows()", "The number of rows.", "print(A:rows(), A:cols())")
add("m:cols", "m:cols()", "The number of columns.", "for j = 1, A:cols() do print(j, A:col(j):sum()) end")
add("m:get", "m:get(i, j)", "The element in row i, column j (1-based).",
    "print(A:get(1, 1), A:get(A:rows(), A:cols()))")
add("m:set", "m:set(i, j, v)", "Sets the element in row i, column j to the number v (in place; through a view\n" ..
    "it writes into the matrix the view shares).", "A:set(2, 3, 0.5); print(A:get(2, 3))")
add("m:totable", "m:totable()", "A plain Lua table of rows ({{...}, {...}}); a column (n×1) gives a flat list.",
    "t = A:totable(); print(#t, #t[1])")
add("m:csv", "m:csv(path)", "Writes m as comma-separated text, one row a line, full precision (%.17g),\n" ..
    "through the atomic writer; for spreadsheets, R or pandas.read_csv(path, header=None).",
    "A:csv(\"A.csv\")")

-- views
add("m:sub", "m:sub(r1, r2, c1, c2)",
    "Rows r1..r2 and columns c1..c2, inclusive, as a view sharing m's storage (no copy).\n" ..
    "Negative indices count from the end (-1 = last); nil means from the start / to the end;\n" ..
    "r2 = r1 - 1 gives an empty range.  Writing into the view (fill, assign, add_) changes m.",
    "A = matrix.randn(5, 5); B = A:sub(2, -2, nil, 3); B:fill(0)  -- zeroes a block of A")
add("m:row", "m:row(i)", "Row i (negative from the end) as a 1×c view.", "last = A:row(-1)")
add("m:col", "m:col(j)", "Column j as an r×1 view.", "A:col(2):assign(matrix.zeros(A:rows(), 1))")
add("m:t", "m:t()", "The transpose (a copy).", "G = A:t() * A")
add("m:take", "m:take(rows [, cols])", "Gathers the listed rows (and columns) into a new matrix; lists are\ntables or vectors of 1-based indices (negative from the end); rows nil = all.",
    "B = A:take({3, 1}, {2, 2})")
add("m:mask", "m:mask(b)", "The elements of m where b (same shape) is nonzero, in row order, as a column.",
    "pos = A:mask(A:gt(0))")
add("m:fill", "v:fill(x)", "Sets every element of v (a matrix or a view) to x; returns v.", "A:col(1):fill(1)")
add("m:assign", "v:assign(m2)", "Copies m2 into v: same shape, or a row, column or 1×1 broadcast.\nOverlapping views are handled (the source is read first).",
    "A:sub(1, 2):assign(matrix.ones(1, A:cols()))")

-- element-wise
add("m:emul", "m:emul(b)", "Element-wise product with broadcasting (* is the matrix product).", "C = A:emul(B)")
add("m:ediv", "m:ediv(b)", "Element-wise quotient with broadcasting (m / b does the same).", "Z = X:ediv(X:std(1))")
add("m:pow", "m:pow(p)", "Element-wise power; p a number or a broadcastable matrix.", "S = A:pow(2)")
local MAPS = { "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sign" }
for k = 1, #MAPS do
  local f = MAPS[k]
  add("m:" .. f, "m:" .. f .. "()", "Element-wise " .. f .. " into a new matrix (exp, log, tanh and sigmoid use\nvector math; results agree with libm to a few ulp).",
      "y = matrix.linspace(-3, 3, 7):" .. f .. "()")
end
add("m:clamp", "m:clamp(lo, hi)", "Each element limited to [lo, hi] (nil for no bound).", "A:clamp(-1, 1)")
add("m:map", "m:map(f)", "f(x) for every element, for anything without a vector form (slow: a Lua call each).",
    "A:map(function(x) return x > 0 and 1 or -1 end)")
local CMPS = { "lt", "le", "gt", "ge", "eq", "ne" }
for k = 1, #CMPS do
  local f = CMPS[k]
  add("m:" .. f, "m:" .. f .. "(x)", "Comparison with a number or a broadcastable matrix: 1 where true, 0 where not\n(NaN compares false, except in ne).",
      "n = A:" .. f .. "(0):sum()")
end
add("m:minimum", "m:minimum(b)  m:maximum(b)", "Element-wise smaller / larger of m and b (NaN propagates).", "A:maximum(0)")
add("m:maximum", "m:maximum(b)", "Element-wise larger of m and b (NaN propagates).", "A:maximum(B)")

-- reductions
local dimtext = "\ndim 1 reduces over rows (1×c), dim 2 over columns (r×1), none gives a number."
add("m:sum", "m:sum([dim])", "Sum (pairwise, as NumPy)." .. dimtext, "colsums = A:sum(1)")
add("m:mean", "m:mean([dim])", "Mean (NaN for an empty range)." .. dimtext, "Xc = X - X:mean(1)")
add("m:var", "m:var([dim])", "Variance with divisor n-1 (as MATLAB, Torch and np.cov; 0 for one value)." .. dimtext,
    "v = X:var(1)")
add("m:std", "m:std([dim])", "Standard deviation, divisor n-1." .. dimtext, "Z = (X - X:mean(1)) / X:std(1)")
add("m:min", "m:min([dim])", "Smallest value and its index: for a vector (v, k), a matrix (v, i, j);\nwith dim two matrices (values, 1-based indices).  NaN propagates.",
    "v, i = x:min()")
add("m:max", "m:max([dim])", "Largest value and its index, as m:min.", "best, k = scores:max()")
add("m:norm", "m:norm([dim])", "Euclidean (Frobenius) norm; with dim, of each column (1) or row (2).", "A:norm()")
add("m:cumsum", "m:cumsum([dim])", "Running sum down the columns (dim 1, default for matrices) or along\nthe rows (dim 2); a vector along its length.",
    "c = matrix{1, 2, 3}:cumsum()  --> 1, 3, 6")
add("m:dot", "m:dot(b)", "Σ m.*b for two matrices of the same shape (or vectors of one length).", "X:col(1):dot(y)")
add("m:cov", "m:cov()", "Covariance of the columns (variables), divisor T-1: c×c.", "C = X:cov()")
add("m:corr", "m:corr()", "Pearson correlation of the columns; a constant column gives NaN.", "R = X:corr()")
add("m:sort", "m:sort([dim])", "Sorted copy (each column by default, a vector along its length; dim 2:\neach row) and the 1-based source indices.  Stable; NaN last.",
    "s, idx = x:sort()")
add("m:argsort", "m:argsort([dim])", "The indices that sort m (see m:sort).", "order = scores:argsort()")

-- structure
add("matrix.hcat", "matrix.hcat(a, b, ...)  matrix.hcat{a, b, ...}", "Side by side (equal rows).", "matrix.hcat(A, matrix.ones(A:rows(), 1))")
add("matrix.vcat", "matrix.vcat(a, b, ...)  matrix.vcat{a, b, ...}", "Stacked (equal columns); a list of matrices works too.",
    "R = matrix.vcat{tr1.r, tr2.r}")
add("m:reshape", "m:reshape(r, c)", "The elements in row order as r×c (a copy).", "matrix.range(1, 6):reshape(2, 3)")
add("m:flatten", "m:flatten()", "All elements in row order as a column (a copy).", "v = A:flatten()")
add("m:repeat_", "m:repeat_(r, c)", "m tiled r times down and c times across (np.tile).", "matrix{{1, 2}}:repeat_(3, 1)")
add("m:diag", "m:diag()", "The diagonal as a column (matrix.diag builds a diagonal matrix).", "d = A:diag()")
add("m:trace", "m:trace()", "Sum of the diagonal.", "A:trace()")

-- linear algebra
add("m:solve", "m:solve(b)", "x with m x = b (LU with pivoting, LAPACK dgesv); error when m is singular.", "x = A:solve(b)")
add("m:inv", "m:inv()", "Inverse (LAPACK dgetrf/dgetri); error when singular.  Prefer solve.", "Ai = A:inv()")
add("m:det", "m:det()", "Determinant (from the LU factors).", "A:det()")
add("m:chol", "m:chol()", "Lower-triangular L with m = L Lᵀ (LAPACK dpotrf); error unless positive definite.",
    "L = (X:t() * X):chol()")
add("m:eig", "m:eig()",
    "Eigen-decomposition.  Symmetric m: {values=, vectors=} real, values ascending (dsyevd).\n" ..
    "Otherwise {values=, imag=, vectors=, vectors_imag=}: real and imaginary parts (dgeev).",
    "e = C:eig(); print(e.values)")
add("m:svd", "m:svd()", "Thin SVD {U=, S=, V=} with m = U diag(S) Vᵀ, S descending (dgesdd).", "s = X:svd().S")
add("m:lstsq", "m:lstsq(b)", "Minimum-norm least-squares solution of m x ≈ b (dgelsd, as np.linalg.lstsq).",
    "coef = matrix.hcat(X, matrix.ones(X:rows(), 1)):lstsq(y)")

-- in place
add("m:add_", "m:add_(x)", "m += x in place (x a number or broadcastable matrix); returns m.", "W:add_(0.1)")
add("m:scale_", "m:scale_(a)", "m *= a in place; returns m.", "W:scale_(0.5)")
add("m:axpy_", "m:axpy_(a, x)", "m += a·x in place (BLAS axpy); returns m.  For loops that must not allocate.",
    "for k = 1, 100 do W:axpy_(-lr, grad(W)) end")

-- files
add("matrix.save", "matrix.save(path, {name = m, ...})  matrix.save(path, m)",
    "Several named matrices in one NumPy .npz (np.load reads it) or MATLAB .mat (level 5:\n" ..
    "MATLAB, Octave, scipy.io.loadmat) file, chosen by the extension; written atomically.\n" ..
    "A single matrix is saved as arr_0 (np.savez's name); m:save(\"x.npz\") does the same.",
    "matrix.save(\"/tmp/run.npz\", {R = tr.r, W = net.W}); d = matrix.load(\"/tmp/run.npz\"); print(d.W)")
add("matrix.load", "matrix.load(path)",
    "Reads a NumPy .npy file (float64, 1-D as a column or 2-D, C or Fortran order) as a matrix;\n" ..
    "an .npz (np.savez, np.savez_compressed) or .mat file (double, single, integer and logical\n" ..
    "variables, as double; cells, structs, strings and complex skipped) as a table {name = matrix}.\n" ..
    "Other dtypes, corrupt headers and truncated files give a clear error.\n" ..
    "A .csv file (as np.loadtxt(f, delimiter=\",\") reads it) gives a matrix: one row per line,\n" ..
    "comma-separated numbers (spaces around them ignored); nan, inf, -inf (any case) are NaN and\n" ..
    "±Inf, as m:csv writes them; blank lines and '#' comments are skipped; a first line with no\n" ..
    "number in it is a header and skipped.  Strict: an empty field (write nan for a missing\n" ..
    "value), a word, a number too large for a double or a row with another number of fields is\n" ..
    "an error naming the line and column.  The size is checked against the memory budget first.",
    "m = matrix.randn(3, 4); m:save(\"/tmp/m.npy\"); m2 = matrix.load(\"/tmp/m.npy\")\n" ..
    "m:csv(\"/tmp/m.csv\"); m3 = matrix.load(\"/tmp/m.csv\")")
add("rnn.from", "rnn.from{W=, Win=, Wout=, b=, bout=, x0=, tau=, dt=, activation=}",
    "A rate network built from matrices (W n×n, Win n×inputs, Wout outputs×n, b and x0 n×1,\n" ..
    "bout outputs×1; missing vectors are zero), shapes checked — e.g. weights trained in PyTorch\n" ..
    "or MATLAB.  rnn.from(matrix.load(\"net.npz\")) reads what net:export wrote.",
    "d = {W = matrix.randn(8, 8) * 0.3, Win = matrix.randn(8, 2), Wout = matrix.randn(1, 8)}\nnet = rnn.from(d); print(net.n)")
add("rnn:export", "net:export(path)",
    "Writes W, Win, b, Wout, bout, x0, tau and dt (1×1) to an .npz or .mat file.",
    "net:export(\"/tmp/net.npz\")  -- in Python: p = np.load(\"/tmp/net.npz\"); p[\"W\"]")
add("rank_pairs", "rank_pairs(S, m [, {var=, abs=}])",
    "The m most similar unit pairs {i, j, s} of a similarity matrix S (upper triangle; |S| with\n" ..
    "abs=true), best first, ranked in C; in each pair i is the unit with the larger var[i].\n" ..
    "This is condense's candidate list.",
    "S = similarity(tr.r, \"corr\"); best = rank_pairs(S, 3, {var = tr.r:var(1), abs = true})")

-- time
add("clock", "clock()", "Seconds on a monotonic wall clock; differences are elapsed time.",
    "t0 = clock(); A = matrix.randn(300, 300):inv(); print(clock() - t0)")
add("time", "time(f, ...)", "Runs f(...), prints its wall time and returns it, then f's results (IPython's %time).",
    "dt, C = time(function() return A * A end)")

return E
