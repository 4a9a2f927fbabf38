-- chance.lua — the chance level of every built-in task: the best score of simple
-- baseline policies (tasks.baselines: constant outputs, copies of an input, timed
-- constants that know when to answer but not what, and each task's own shortcut),
-- at the default options.  `ganglion -b scripts/chance.lua [--trials 4000] [--check]`
-- prints one line per task; --check also compares with the `chance` each task
-- states (help(tasks.NAME)) and fails when one is off by more than 0.03.
local trials, check = 4000, false
local args = arg or {}
local k = 1
while k <= #args do
  if args[k] == "--trials" and args[k + 1] then
    trials = math.tointeger(tonumber(args[k + 1])) or error("chance.lua: --trials needs an integer")
    k = k + 2
  elseif args[k] == "--check" then check, k = true, k + 1
  else error("chance.lua: unknown argument " .. tostring(args[k]) .. " (known: --trials N --check)") end
end

local names = { "flipflop", "decision", "context", "timing", "romo", "dms", "sine" }
local bad = {}
print(("chance levels at the default options, %d trials each (seed 1)"):format(trials))
print(("%-9s %7s %7s  %s"):format("task", "chance", "stated", "best baseline"))
for _, name in ipairs(names) do
  seed(1)
  local t = tasks[name] {}
  local best, which = tasks.chance(t, trials)
  print(("%-9s %7.3f %7.2f  %s"):format(name, best, t.chance, which))
  if math.abs(best - t.chance) > 0.03 then bad[#bad + 1] = name end
end
if check and #bad > 0 then
  error("chance.lua: the stated chance is off for " .. table.concat(bad, ", "))
end
