-- prelude.lua — ganglion's Lua-side library, loaded into every session.

-- show(...) prints REPL results: matrices as summaries, tables shallowly,
-- so a trace or a log never floods the screen.
local function brief(v, depth)
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t ~= "table" then return tostring(v) end
  local mt = getmetatable(v)
  if mt and mt.__tostring then return tostring(v) end
  if depth > 1 then return "{...}" end
  local parts, n = {}, 0
  local len = #v
  for i = 1, math.min(len, 8) do
    parts[#parts + 1] = brief(v[i], depth + 1):gsub("\n.*", "")
  end
  if len > 8 then parts[#parts + 1] = string.format("... (%d items)", len) end
  local keys = {}
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= len) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    n = n + 1
    if n > 12 then parts[#parts + 1] = string.format("... (%d fields)", #keys); break end
    local s = brief(v[k], depth + 1):gsub("\n.*", "")
    parts[#parts + 1] = (type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. brief(k, 2) .. "]") .. "=" .. s
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = brief((select(i, ...)), 0) end
  print(table.concat(out, "\t"))
end

-- ganglion.tomatrix(x, fn, what): x as a matrix for Lua library code (a
-- plain table is converted), raising errors that name the library function
-- and its argument ("ring:play: activity: row 2 has 1 values, row 1 has 2")
-- at the caller of that function.
local MATRIX_MT = debug.getregistry()["ganglion.matrix"]
function ganglion.tomatrix(x, fn, what)
  if type(x) == "table" and getmetatable(x) == nil then
    local ok, m = pcall(matrix, x)
    if not ok then error(fn .. ": " .. what .. ": " .. tostring(m):gsub("^.-matrix: ", ""), 3) end
    return m
  end
  if getmetatable(x) ~= MATRIX_MT then
    error(("%s: %s must be a matrix or a table of numbers (got %s)"):format(fn, what, type(x)), 3)
  end
  if tostring(x) == "matrix (freed)" then error(fn .. ": " .. what .. " is a matrix that has been freed", 3) end
  return x
end

require "help"

-- Optional Lua-side modules (tasks, condense, sweep, ...) load when present.
for _, m in ipairs { "tasks", "linear", "ring", "condense", "sweep", "netio" } do
  local path = ganglion.luadir .. "/" .. m .. ".lua"
  local f = io.open(path)
  if f then f:close(); require(m) end
end
