-- test_plot.lua — the display functions through the interpreter: exact text, the size contract, errors.
local T = dofile("tests/lua/harness.lua")

for _, name in ipairs { "plot", "raster", "heatmap", "phase", "bars", "pane", "layout", "play" } do
  T.ok(type(_G[name]) == "function", name .. " is a global function")
end

-- Lines of a rendered text; checks the size contract (h lines, <= w cells,
-- ASCII only when asked).
local function lines(s)
  local t = {}
  for l in s:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end
local function cells(l) return utf8.len(l) or #l end
local function contract(s, w, h, ascii)
  local ls = lines(s)
  if #ls ~= h then return false, ("%d lines, want %d"):format(#ls, h) end
  for i, l in ipairs(ls) do
    if cells(l) > w then return false, ("line %d has %d cells"):format(i, cells(l)) end
  end
  if ascii and s:find("[\128-\255]") then return false, "non-ASCII byte" end
  return true
end

-- The same hand-checked chart as tests/plot/test_figure.c.
local s = bars({3, -1, 2}, {labels = {"a", "bb", "c"}, text = true, width = 20, ascii = true})
T.ok(s == " a     ########## 3\nbb ####           -1\n c     #######    2\n", "bars: exact ASCII chart")

s = heatmap(matrix{{0, 1}, {2, 3}}, {text = true, width = 16, height = 5, ascii = true})
T.ok(s == "1+     ----- @ 3\n |     ----- +\n2+*****@@@@@   0\n +--+----+--\n    1    2\n",
  "heatmap: exact ASCII 2x2 image with colour bar")

s = heatmap(matrix{{0, 1}, {2, 3}}, {min = 0, max = 6, text = true, width = 16, height = 5, ascii = true})
T.ok(s == "1+     ..... @ 6\n |     ..... +\n2+-----+++++   0\n +--+----+--\n    1    2\n",
  "heatmap: min=/max= fix the colour scale")

s = plot({0, 1, 2, 3}, {text = true, width = 10, height = 3})
T.ok(s == "│⣀⡠⠤⠤⠔⠒⠒⠉⠉\n└───┬────┬\n    2    4\n", "plot: exact 10x3 braille line")

-- Size contract through the binding, for several sizes and kinds.
local y = {}
for i = 1, 500 do y[i] = math.sin(i / 30) * 3.7 end
local m = matrix(40, 6)
for i = 1, 40 do for j = 1, 6 do m:set(i, j, math.cos(i / 7 + j)) end end
local ok_all, why = true, ""
for _, wh in ipairs { {20, 5}, {80, 24}, {33, 9}, {7, 3} } do
  local w, h = wh[1], wh[2]
  local outs = {
    plot(y, {text = true, width = w, height = h, ascii = true, title = "τ sine"}),
    plot(m, {text = true, width = w, height = h, labels = {"a", "b"}}),
    raster({{t = 1, i = 1}, {t = 2, i = 5}}, {text = true, width = w, height = h, ascii = true}),
    heatmap(m, {text = true, width = w, height = h}),
    phase(m:col(1), m:col(2), {text = true, width = w, height = h, ascii = true}),
    bars({1, -2, 3, 4}, {text = true, width = w, height = h, ascii = true}),
  }
  for k, o in ipairs(outs) do
    local ok, msg = contract(o, w, h, k % 2 == 1)
    if not ok then ok_all = false; why = why .. (" [%d at %dx%d: %s]"):format(k, w, h, msg) end
  end
end
T.ok(ok_all, "size contract for every kind and size" .. why)

-- Legend from labels, several series from a matrix's columns.
s = plot(m, {text = true, width = 60, height = 12, labels = {"first", "second"}, ascii = true})
local l1 = lines(s)[1]
T.ok(l1:find("- first", 1, true) and l1:find("+ second", 1, true), "plot: legend shows labels with markers")

-- A list of vectors of different lengths.
s = plot({{1, 2, 3}, matrix{{5}, {4}, {3}, {2}, {1}}}, {text = true, width = 40, height = 10, ascii = true})
T.ok(contract(s, 40, 10, true), "plot: list of series of different lengths")

-- Numeric labels are shown as text (and survive garbage collection).
s = bars({1, 2}, {labels = {10, 2.5}, text = true, width = 20, ascii = true})
collectgarbage()
T.ok(s:find("^ 10 #") and s:find("\n2.5 #"), "bars: numeric labels")

-- x values.
s = plot({1, 4, 9}, {x = {10, 20, 30}, text = true, width = 40, height = 8, ascii = true})
T.ok(s:find("30", 1, true) and s:find("20", 1, true), "plot: x= sets the x axis")

-- Resampling keeps a single spike among 100000 samples.
local long = matrix(100000, 1)
long:set(61234, 1, 5)
s = plot(long, {text = true, width = 50, height = 8, ascii = true})
local top = lines(s)[1]
T.ok(top:sub(4):find("[|'.:-]") ~= nil, "plot: one spike in 100000 samples reaches the top row")

-- Raster from a run-result-like table: n and T come from it.
local res = { spikes = { {t = 2.5, i = 1}, {t = 7.5, i = 4} }, T = 10, rate = matrix(4, 1) }
s = raster(res, {text = true, width = 30, height = 8, ascii = true})
T.ok(s:find("4+", 1, true) and s:find("10", 1, true), "raster: result table gives n=4 and T=10")
do
  local ok, r = pcall(function()
    local pop = lif{n = 5}
    return pop:run{T = 100, I = 2, spikes = "compact"}
  end)
  T.ok(ok, "raster: a lif run for a compact spike list succeeds" .. (ok and "" or (": " .. tostring(r))))
  if ok then
    s = raster(r, {text = true, width = 40, height = 10, ascii = true})
    T.ok(contract(s, 40, 10, true), "raster: compact spike list of a lif run")
  end
end
s = raster({}, {n = 3, T = 5, text = true, width = 20, height = 6, ascii = true})
T.ok(contract(s, 20, 6, true), "raster: no spikes draws empty axes")

-- Phase from a T×2 matrix with an extra line.
local traj = matrix(50, 2)
for k = 1, 50 do traj:set(k, 1, math.cos(k / 8)); traj:set(k, 2, math.sin(k / 8)) end
s = phase(traj, {text = true, width = 40, height = 12, ascii = true,
  lines = { {x = {-1, 1}, y = {-1, 1}, label = "v1"}, matrix{{0, -1}, {0, 1}} }})
T.ok(s:find("o", 1, true) and s:find("*", 1, true) and s:find("v1", 1, true), "phase: matrix form, ends marked, lines legend")

-- play in text form: evenly spaced frames, first and last.
local act = matrix(30, 10)
for k = 1, 30 do for i = 1, 10 do act:set(k, i, math.exp(-((i - k / 3) ^ 2))) end end
local fr = play(act, {text = true, frames = 3, width = 40, height = 10, ascii = true})
T.ok(#fr == 3 and fr[1]:find("step 1/30", 1, true) and fr[2]:find("step 15/30", 1, true)
  and fr[3]:find("step 30/30", 1, true), "play: frames 1, 15 and 30 of 30")

-- Panes and layouts (the batch host accepts the standard specs).
T.ok(pcall(layout, "2x2") and pcall(pane, 3) and pcall(layout, "1"), "layout and pane accept valid arguments")

-- Errors, each naming the problem.
T.raises(function() plot({}) end, "plot: y is empty", "plot: empty data")
T.raises(function() plot({0/0, 0/0}) end, "no finite values", "plot: NaN-only data")
T.raises(function() plot("abc") end, "must be a vector, a matrix or a list", "plot: wrong type")
T.raises(function() plot({1, 2}, {x = {1, 2, 3}}) end, "x has 3 values but y has 2", "plot: x/y length mismatch")
T.raises(function() plot({1, 2}, {titel = "a"}) end, "unknown option 'titel'", "plot: option typo")
T.raises(function() plot({1, 2}, {title = 3}) end, "'title' must be a string", "plot: option type")
T.raises(function() plot({1, 2}, {labels = {"a", "b"}}) end, "2 labels for 1 series", "plot: too many labels")
T.raises(function() plot({1, 2}, {ymin = 3, ymax = 1}) end, "ymin (3) must be less than ymax (1)", "plot: inverted limits")
T.raises(function() plot({1, 2}, "title") end, "options must be a table", "plot: options not a table")
T.raises(function() plot({{1, 2}, "x"}) end, "y[2] must be a vector or matrix", "plot: bad list element")
T.raises(function() raster({{t = 1, i = 0}}) end, "spikes[1].i must be a neuron number >= 1", "raster: neuron 0")
T.raises(function() raster({{t = 1, i = 9}}, {n = 3}) end, "spikes[1].i = 9 exceeds n = 3", "raster: neuron beyond n")
T.raises(function() raster({{t = 0/0, i = 1}}) end, "spikes[1].t is not finite", "raster: NaN time")
T.raises(function() raster({{i = 1}}) end, "spikes[1].t must be a number", "raster: missing t")
T.raises(function() raster({5}) end, "spikes[1] must be a table", "raster: not a spike")
T.raises(function() raster(matrix(2, 2)) end, "spikes must be a list", "raster: a matrix is not spikes")
T.raises(function() heatmap({}) end, "heatmap: m is empty", "heatmap: empty")
T.raises(function() heatmap(matrix(2, 2, 0/0)) end, "no finite values", "heatmap: NaN-only")
T.raises(function() heatmap(matrix(2, 2, 1), {min = 1, max = 0}) end, "min (1) must be less than max (0)", "heatmap: inverted scale")
T.raises(function() heatmap(true) end, "m must be a matrix", "heatmap: wrong type")
T.raises(function() phase({1, 2, 3}, {1, 2}) end, "x has 3 values but y has 2", "phase: length mismatch")
T.raises(function() phase(matrix(5, 3)) end, "must be a T×2 matrix", "phase: wrong matrix shape")
T.raises(function() phase({0/0}, {1}) end, "no finite points", "phase: NaN-only trajectory")
T.raises(function() phase(traj, {lines = { {x = {1}} }}) end, "needs x= and y=", "phase: incomplete extra line")
T.raises(function() bars({}) end, "bars: v is empty", "bars: empty")
T.raises(function() bars({1, 2}, {labels = {"a", "b", "c"}}) end, "3 labels for 2 items", "bars: too many labels")
T.raises(function() bars(matrix(2, 2)) end, "must be a vector", "bars: matrix refused")
T.raises(function() bars({0/0}) end, "no finite values", "bars: NaN-only")
T.raises(function() pane(0) end, "pane: k must be a pane number", "pane: 0 refused")
T.raises(function() pane("x") end, "pane: k must be a pane number", "pane: wrong type")
T.raises(function() layout("3x3") end, "unknown layout '3x3'", "layout: unknown spec")
T.raises(function() layout(2) end, "spec must be a string", "layout: wrong type")
T.raises(function() play({}) end, "activity is empty", "play: empty")
T.raises(function() play(act, {frames = 0}) end, "'frames' must be 1..1000", "play: frames out of range")
T.raises(function() plot({1, 2}, {width = -1}) end, "'width' must be 1..2000", "plot: bad width")


-- The display functions read their options through one declaration each,
-- published for help and the hostile-API test.
for _, fn in ipairs { "plot", "raster", "heatmap", "phase", "bars", "play", "savefig" } do
  T.ok(type(ganglion.options[fn]) == "table" and #ganglion.options[fn] > 0, fn .. ": options declared")
end
local names = {}
for _, o in ipairs(ganglion.options.plot) do names[o.name] = o.type end
T.ok(names.title == "string" and names.hold == "boolean" and names.x == "value" and names.height == "integer",
     "plot: option kinds (title string, hold boolean, x value, height integer)")
T.raises(function() plot({1, 2}, {height = 1001}) end, "plot: option 'height' must be 1..1000 lines, got 1001", "plot: height")
T.raises(function() plot({1, 2}, {pane = 65}) end, "option 'pane' must be a pane number >= 1, got 65", "plot: pane")
T.raises(function() plot({1, 2}, {xmin = 0/0}) end, "xmin must be a finite number, got NaN", "plot: NaN limit")
T.raises(function() plot({1, 2}, {hold = 1}) end, "option 'hold' must be true or false (got number)", "plot: hold type")
T.raises(function() raster({{t = 1, i = 1}}, {n = -1}) end, "raster: option 'n' must be >= 1, got -1", "raster: n")
T.raises(function() raster({{t = 1, i = 1}}, {T = -1}) end, "raster: option 'T' must be a positive time, got -1", "raster: T")
T.raises(function() heatmap(matrix(2, 2, 1), {mni = 0}) end, "heatmap: unknown option 'mni' (known: title", "heatmap: typo")
T.raises(function() bars({1, 2}, {labels = {"a"}, xlog = true}) end, "bars: unknown option 'xlog'", "bars: plot's options are not bars'")
T.done()
