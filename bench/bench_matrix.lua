-- bench_matrix.lua — the array vocabulary timed op by op (best of REPS
-- runs, each a loop long enough to time); prints "name ms" lines that
-- bench_matrix.sh puts beside NumPy's (ref_matrix.py, same ops, same data
-- shapes).  Run: ganglion -b bench/bench_matrix.lua [REPS]
local REPS = tonumber(arg and arg[1]) or 7
seed(1)
local N = 1000                       -- 1000×1000 = 10^6 elements
local a, b = matrix.randn(N, N), matrix.randn(N, N)
local row, col = matrix.randn(1, N), matrix.randn(N, 1)
local pa = a:abs() + 0.5
local m1, m2 = matrix.randn(256, 256), matrix.randn(256, 256)
local idx = {}
for k = 1, 500 do idx[k] = 2 * k end

-- ms per call of f, best over REPS runs of `inner` calls each (on a shared
-- machine the fastest run is the one least disturbed by other processes)
local function bench(name, inner, f)
  local ts = {}
  f()
  for r = 1, REPS do
    local t0 = clock()
    for _ = 1, inner do f() end
    ts[r] = (clock() - t0) / inner * 1e3
  end
  table.sort(ts)
  print(("%s %.6f"):format(name, ts[1]))
end

bench("add", 5, function() return a + b end)
bench("scale", 5, function() return a * 2.5 end)
bench("emul", 5, function() return a:emul(b) end)
bench("add_row", 5, function() return a + row end)
bench("add_col", 5, function() return a + col end)
bench("exp", 5, function() return a:exp() end)
bench("tanh", 5, function() return a:tanh() end)
bench("sqrt", 5, function() return pa:sqrt() end)
bench("gt", 5, function() return a:gt(0) end)
bench("add_inplace", 5, function() return a:add_(1e-9) end)
bench("sum", 10, function() return a:sum() end)
bench("sum1", 10, function() return a:sum(1) end)
bench("mean2", 10, function() return a:mean(2) end)
bench("max", 10, function() return a:max() end)
bench("var1", 5, function() return a:var(1) end)
bench("norm", 10, function() return a:norm() end)
bench("cumsum1", 5, function() return a:cumsum(1) end)
bench("slice_view", 10000, function() return a:sub(101, 900, 101, 900) end)
bench("view_small", 10000, function() return a:sub(101, 110, 101, 110) end)
bench("slice_copy", 5, function() return a:sub(101, 900, 101, 900):copy() end)
bench("take_rows", 5, function() return a:take(idx) end)
bench("transpose", 5, function() return a:t() end)
bench("hcat", 5, function() return matrix.hcat(a, b) end)
bench("vcat", 5, function() return matrix.vcat(a, b) end)
bench("matmul256", 20, function() return m1 * m2 end)
