-- sweep.lua — one slice of a size sweep, for `ganglion -b scripts/sweep.lua [--part K/N]
-- [--csv out.csv] [--task NAME] [--sizes 4,8,16] [--seeds 3] [--iters 300] [--method hf]`.
-- scripts/sweep_parallel.sh runs N slices side by side (or as a Slurm array) and merges the CSVs.
-- Rows already in the CSV are kept and their runs skipped (a killed slice resumes where it
-- stopped); each finished run's row is appended at once. Delete the CSV to start over.
require "sweep"

local opt = { part = "1/1", csv = "sweep.csv", task = "decision", sizes = "4,8,16,32,64",
              seeds = "3", iters = "300", method = nil, fixedpoints = "32" }
local args = arg or {}
local k = 1
while k <= #args do
  local a = args[k]
  local key = a:match("^%-%-([%w_]+)$")
  if not key or opt[key] == nil and key ~= "method" then
    error("sweep.lua: unknown argument " .. tostring(a) ..
          " (known: --part K/N --csv PATH --task NAME --sizes a,b,c --seeds N --iters N --method M --fixedpoints N)")
  end
  if args[k + 1] == nil then error("sweep.lua: " .. a .. " needs a value") end
  opt[key] = args[k + 1]
  k = k + 2
end

local sizes = {}
for s in opt.sizes:gmatch("[^,]+") do sizes[#sizes + 1] = math.tointeger(tonumber(s)) end
if not tasks[opt.task] then error("sweep.lua: no task named " .. opt.task) end
local rows = sweep {
  task = tasks[opt.task] {},
  sizes = sizes,
  seeds = math.tointeger(tonumber(opt.seeds)),
  iters = math.tointeger(tonumber(opt.iters)),
  method = opt.method,
  fixedpoints = math.tointeger(tonumber(opt.fixedpoints)),
  part = opt.part,
  csv = opt.csv,
  resume = true,
  plot = false,
}
print(("sweep.lua: part %s has %d rows in %s"):format(opt.part, #rows, opt.csv))
