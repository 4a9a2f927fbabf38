-- test_savefig.lua — log axes, per-series x, hold, and savefig: SVG, PDF and
-- PNG files that parse (xmllint, pdfinfo) and hold every series.
local T = dofile("tests/lua/harness.lua")
local dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)

T.raises(function() savefig(dir .. "/none.svg") end, "savefig: no figure yet", "savefig before any figure")

local function sh(cmd) return os.execute(cmd .. " >/dev/null 2>&1") == true end
local function slurp(path) local f = io.open(path, "rb"); if not f then return nil end local s = f:read("a"); f:close(); return s end

-- ---- log axes ------------------------------------------------------------------------
local loss = {}
for i = 1, 200 do loss[i] = 10 ^ (-4 * (i - 1) / 199) end   -- 1 .. 1e-4, a straight line on a log axis
local txt = plot(loss, {ylog = true, text = true, width = 60, ascii = true, height = 14})
T.ok(txt:find("0%.01") and txt:find("0%.001") and ("\n" .. txt):find("\n *1%+") and txt:find("0%.0001"),
     "ylog ticks at powers of ten")
-- on a log axis the curve is a straight line: its column of each row advances evenly
local cols = {}
for line in txt:gmatch("[^\n]+") do
  local bar = line:find("[|+]")
  if bar and bar <= 8 then
    local c = line:find("[^ ]", bar + 1)
    if c then cols[#cols + 1] = c end
  end
end
local steps = {}
for i = 2, #cols - 1 do steps[#steps + 1] = cols[i] - cols[i - 1] end
local mn, mx = math.huge, -math.huge
for _, s in ipairs(steps) do mn = math.min(mn, s); mx = math.max(mx, s) end
T.ok(#steps >= 6 and mx - mn <= 2, ("exponential decay is straight on ylog (row steps %d..%d)"):format(mn, mx))
local lin = plot(loss, {text = true, width = 60, ascii = true, height = 14})
T.ok(lin ~= txt, "ylog changes the drawing")
local gap = plot({1, 0, -1, 2, 4}, {ylog = true, text = true, width = 40, ascii = true})
T.ok(type(gap) == "string", "values <= 0 on a log axis leave a gap, not an error")
T.raises(function() plot(loss, {ylog = true, ymin = 0}) end, "must be > 0 on a log axis", "ymin = 0 refused on ylog")
local xl = plot({1, 2, 3}, {x = {1, 10, 100}, xlog = true, text = true, width = 50, ascii = true})
T.ok(xl:find(" 10 ") and xl:find("100"), "xlog ticks 1, 10, 100")

-- ---- per-series x ---------------------------------------------------------------------
local ta, tb = {}, {}
for i = 1, 50 do ta[i] = i * 0.1 end      -- 0.1 .. 5 s
for i = 1, 20 do tb[i] = i * 1.0 end      -- 1 .. 20 s
local two = plot({matrix(50, 1, 1), matrix(20, 1, 2)}, {x = {matrix(ta), matrix(tb)}, text = true, width = 60, ascii = true})
T.ok(two:find("20") and not two:find(" 50 "), "per-series x: the axis spans both series' x (to 20), not indices (to 50)")
T.raises(function() plot({{1, 2}, {1, 2, 3}}, {x = {{1, 2}}}) end, "option 'x' has 1 vectors for 2 entries", "x list must match y list")
T.raises(function() plot({{1, 2}, {1, 2, 3}}, {x = {{1, 2}, {1, 2}}}) end, "x has 2 values but y[2] has 3 points", "each x must match its series")
T.raises(function() plot({1, 2}, {x = {{1, 2}, {3, 4}}}) end, "give y as a list too", "x list needs a y list")

-- ---- hold -----------------------------------------------------------------------------
plot({1, 2, 3}, {labels = {"first"}, title = "held"})
local held = plot({3, 2, 1}, {labels = {"second"}, hold = true})
T.ok(held == nil, "hold shows the figure (no text)")
plot({2, 2, 2}, {labels = {"third"}, hold = true})
savefig(dir .. "/held.pdf")
local pdftext = sh("command -v pdftotext") and io.popen("pdftotext " .. dir .. "/held.pdf - 2>/dev/null"):read("a")
if pdftext then
  T.ok(pdftext:find("first") and pdftext:find("second") and pdftext:find("third") and pdftext:find("held"),
       "hold overlays onto the last figure: three series and its title")
else T.skip("pdftotext (poppler-utils) not installed") end
plot({5, 6}, {labels = {"fresh"}})
savefig(dir .. "/fresh.pdf")
if pdftext then
  local t2 = io.popen("pdftotext " .. dir .. "/fresh.pdf - 2>/dev/null"):read("a")
  T.ok(t2:find("fresh") and not t2:find("first"), "without hold a new figure starts")
end

-- ---- savefig: every series in every format --------------------------------------------
local series, labels = {}, {}
for s = 1, 4 do
  local v = {}
  for i = 1, 100 do v[i] = math.sin(i / 10 + s) * s end
  series[s] = v
  labels[s] = "series" .. s
end
plot(series, {labels = labels, title = "four series", xlabel = "step", ylabel = "value"})
T.ok(savefig(dir .. "/f.svg") == dir .. "/f.svg", "savefig returns the path")
savefig(dir .. "/f.pdf"); savefig(dir .. "/f.PNG", {width = 300, height = 200})
local svg = slurp(dir .. "/f.svg")
T.ok(svg and svg:find("<svg", 1, true), "SVG written")
if sh("command -v xmllint") then
  T.ok(sh("xmllint --noout " .. dir .. "/f.svg"), "the SVG parses (xmllint)")
else T.skip("xmllint (libxml2-utils) not installed") end
-- each series has its own colour: the line and its legend sample
for s, rgb in ipairs { "12.2%,46.7%,70.6%", "100%,49.8%,5.5%", "17.3%,62.7%,17.3%", "83.9%,15.3%,15.7%" } do
  local n = select(2, svg:gsub("stroke:rgb%(" .. rgb:gsub("%%", "%%%%"):gsub("%.", "%%.") .. "%)", ""))
  T.ok(n >= 2, ("series %d is in the SVG (line and legend: %d strokes)"):format(s, n))
end
T.ok(svg:find("stroke-dasharray:6,3", 1, true) and svg:find("stroke-dasharray:1.5,2.5", 1, true),
     "series differ by dash pattern too (grey prints)")
if sh("command -v pdfinfo") then
  T.ok(sh("pdfinfo " .. dir .. "/f.pdf"), "the PDF parses (pdfinfo)")
  local info = io.popen("pdfinfo " .. dir .. "/f.pdf"):read("a")
  T.ok(info:find("Pages:%s+1"), "one page")
  local text = io.popen("pdftotext " .. dir .. "/f.pdf -"):read("a")
  local all = true
  for s = 1, 4 do all = all and text:find("series" .. s, 1, true) ~= nil end
  T.ok(all and text:find("four series", 1, true), "every series' label and the title are in the PDF")
else T.skip("pdfinfo (poppler-utils) not installed") end
local png = slurp(dir .. "/f.PNG")
T.ok(png and png:sub(1, 8) == "\137PNG\r\n\26\n", "PNG written (extension in any case)")
local w = png and (png:byte(17) << 24 | png:byte(18) << 16 | png:byte(19) << 8 | png:byte(20))
T.ok(w == 600, "PNG at 2 pixels per point (width 300 pt -> 600 px, got " .. tostring(w) .. ")")

-- other kinds export too
heatmap(matrix.randn(6, 8)); T.ok(pcall(savefig, dir .. "/h.svg"), "a heatmap exports")
raster({{t = 1, i = 1}, {t = 5, i = 3}}); T.ok(pcall(savefig, dir .. "/r.pdf"), "a raster exports")
bars({3, -1, 2}, {labels = {"a", "b", "c"}}); T.ok(pcall(savefig, dir .. "/b.png"), "bars export")
phase({1, 2, 3}, {3, 1, 2}); T.ok(pcall(savefig, dir .. "/p.svg"), "a phase plot exports")
if sh("command -v xmllint") then
  T.ok(sh("xmllint --noout " .. dir .. "/h.svg") and sh("xmllint --noout " .. dir .. "/p.svg"), "their SVGs parse")
end

-- bad calls
T.raises(function() savefig(dir .. "/x.jpg") end, "must end in .svg, .pdf or .png", "unknown extension refused")
T.raises(function() savefig(42) end, "path must be a string", "path must be a string")
T.raises(function() savefig(dir .. "/x.svg", {width = 1}) end, "size must be 50..10000", "absurd size refused")
T.raises(function() savefig(dir .. "/x.svg", {dpi = 3}) end, "dpi", "unknown option refused")
os.execute("ln -s /etc/passwd " .. dir .. "/link.svg")
T.ok(not pcall(savefig, dir .. "/link.svg") and slurp("/etc/passwd"):find("root"), "a symbolic link is not written through")
T.raises(function() savefig("/nonexistent-dir/x.svg") end, "savefig", "an unwritable folder gives an error")
os.execute("rm -rf " .. dir)
T.done()
