-- test_slice.lua — sweep_slice: which runs a slice owns, rows appended whole,
-- resume from the CSV, refusal of a CSV with other columns; sweep{resume=true}
-- skips finished runs and gives the same rows.
local T = dofile("tests/lua/harness.lua")
require "slice"

local dir = os.tmpname()
os.remove(dir)
local path = dir .. ".csv"
local function slurp(p)
  local f = io.open(p)
  if not f then return nil end
  local s = f:read("a"); f:close(); return s
end

local cols = { "task", "seed", "score", "label", "seconds" }
-- Ownership: 7 runs over 3 slices, every run in exactly one slice.
local owner = {}
for k = 1, 3 do
  local s = sweep_slice { part = k .. "/3", columns = cols, key = { "task", "seed" } }
  for p = 1, 7 do if s:mine(p) then owner[p] = (owner[p] or 0) + k * 10 end end
end
T.ok(owner[1] == 10 and owner[2] == 20 and owner[3] == 30 and owner[4] == 10 and owner[7] == 10,
     "part K/N owns positions K, K+N, ...; each run in one slice")

-- Fresh slice: header written at once, each add rewrites the file whole.
local s = sweep_slice { part = "1/1", csv = path, columns = cols, key = { "task", "seed" } }
T.ok(slurp(path) == "task,seed,score,label,seconds\n", "a fresh slice writes the header at once")
T.ok(s:todo(1, { task = "dms", seed = 2 }), "a run without a row is to do")
s:add { task = "dms", seed = 2, score = 0.8125, label = "ramping", seconds = 1.5 }
s:add { task = "romo", seed = 1, score = 2 / 3, label = "attractors", seconds = 0.25 }
T.ok(slurp(path) == "task,seed,score,label,seconds\ndms,2,0.8125,ramping,1.5\nromo,1,0.666667,attractors,0.25\n",
     "rows appended whole, numbers as %.6g, integers exact")
T.ok(not s:todo(1, { task = "dms", seed = 2 }), "a run with a row is done")
T.ok(io.open(path .. ".tmp") == nil, "no temporary file left behind")

-- Resume: the rows come back, parsed; runs with rows are not to do.
local r = sweep_slice { part = "1/1", csv = path, columns = cols, key = { "task", "seed" }, resume = true }
local row = r:row { task = "romo", seed = 1 }
T.ok(row and row.task == "romo" and math.type(row.seed) == "integer" and row.seed == 1
     and math.abs(row.score - 0.666667) < 1e-12 and row.label == "attractors", "resume reads rows back, parsed")
T.ok(not r:todo(1, { task = "romo", seed = 1 }) and r:todo(1, { task = "romo", seed = 2 }),
     "resume: done runs are skipped, others are to do")
r:add { task = "romo", seed = 2, score = 1, label = "transient", seconds = 3 }
T.ok(select(2, slurp(path):gsub("\n", "")) == 4, "resumed slice appends after the old rows")
-- Without resume the file starts over.
sweep_slice { csv = path, columns = cols, key = { "task" } }
T.ok(slurp(path) == "task,seed,score,label,seconds\n", "resume=false starts a fresh file")
-- A half-written last line (no newline) is not a row.
local f = io.open(path, "a"); f:write("dms,3,0.5,ram"); f:close()
r = sweep_slice { csv = path, columns = cols, key = { "task", "seed" }, resume = true }
T.ok(r:todo(1, { task = "dms", seed = 3 }), "a line without its newline is not taken as a row")

-- Errors.
f = io.open(path, "w"); f:write("n,seed,score\n4,1,0.5\n"); f:close()
T.raises(function() sweep_slice { csv = path, columns = cols, key = { "task" }, resume = true } end,
         "has columns", "a CSV with other columns is refused on resume")
T.raises(function() sweep_slice { part = "0/2", columns = cols, key = { "task" } } end, "part must", "bad part")
T.raises(function() sweep_slice { columns = cols, key = { "nope" } } end, "key column 'nope'", "key not a column")
T.raises(function() sweep_slice { columns = { "a,b" }, key = { "a,b" } } end, "without commas", "comma in a column name")
T.raises(function() sweep_slice { columns = cols, key = { "task" }, csv = "/nonexistent-dir/x.csv" } end,
         "sweep_slice: cannot write", "unwritable csv")
T.raises(function() sweep_slice { columns = cols, key = { "task" }, resum = true } end, "unknown option 'resum'", "typo")
T.raises(function() s:todo(0, {}) end, "position", "todo: bad position")
os.remove(path)

-- sweep{resume=true}: a slice with one finished row reruns only the other,
-- and the rows equal those of a full run (time aside).
if rnn ~= nil and type(tasks) == "table" then
  require "sweep"
  local task = tasks.decision { fix = 2, stim = 8, resp = 6, grace = 2 }
  local o = { task = task, sizes = { 3, 5 }, seeds = 1, iters = 3, method = "adam", eval = 20, fixedpoints = 2,
              csv = path, plot = false, verbose = false }
  local full = sweep(o)
  local text = slurp(path)
  local first = text:match("^[^\n]*\n[^\n]*\n")
  f = io.open(path, "w"); f:write(first); f:close()
  o.resume = true
  local again = sweep(o)
  local same = #again == 2
  for k = 1, 2 do
    for _, c in ipairs { "n", "seed", "score", "loss", "npcs", "pr", "nfixed", "nstable", "label" } do
      local a, b = full[k][c], again[k][c]
      if type(a) == "number" and math.type(a) == "float" then same = same and ("%.6g"):format(a) == ("%.6g"):format(b)
      else same = same and a == b end
    end
  end
  T.ok(same, "sweep{resume=true} keeps the finished row and recomputes the other identically")
  T.ok(select(2, slurp(path):gsub("\n", "")) == 3, "sweep{resume=true} leaves header + 2 rows")
  T.raises(function() sweep { task = task, sizes = { 3 }, resume = "yes" } end, "resume must", "sweep: bad resume")
  os.remove(path)
else
  T.skip("sweep{resume=}: rnn or tasks not available in this build")
end
T.done()
