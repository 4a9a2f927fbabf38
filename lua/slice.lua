-- slice.lua — one slice of a sweep or study: which runs belong to it, which are
-- already done (rows in its CSV), and appending each finished row safely.
--
-- s = sweep_slice{part="K/N", csv=path, columns={...}, key={...}, resume=true}
--   part     "K/N": this slice runs the runs whose position p (1-based, in the
--            caller's fixed order) has (p - 1) % N == K - 1 (default "1/1").
--   csv      the slice's CSV (optional: without it nothing is written or resumed).
--   columns  the CSV's column names, in order.
--   key      the columns that identify a run (e.g. {"n", "seed"}).
--   resume   keep the rows already in csv and skip their runs (default false:
--            start a fresh file).
-- s:mine(p)       true when run p belongs to this slice;
-- s:todo(p, run)  true when run p is this slice's and run (a table holding the
--                 key fields) has no row yet;
-- s:add(row)      formats row (numbers with %.6g, integers exactly) and rewrites
--                 the CSV with it appended: the file always holds whole rows,
--                 so a slice killed at any moment resumes from its last row;
-- s:row(run)      the stored row of a run (numbers parsed), or nil;
-- s.K, s.N        the part.
-- scripts/sweep_parallel.sh runs N such slices (locally or as a Slurm array),
-- resubmits only unfinished ones and merges their CSVs.

local function parse_part(part, fn)
  if part == nil then return 1, 1 end
  if type(part) ~= "string" then error(fn .. ": part must be a string \"K/N\", got " .. type(part), 4) end
  local k, n = part:match("^(%d+)/(%d+)$")
  k, n = tonumber(k), tonumber(n)
  if not k or n < 1 or k < 1 or k > n then
    error(("%s: part must be \"K/N\" with 1 <= K <= N, got %q"):format(fn, part), 4)
  end
  return math.tointeger(k), math.tointeger(n)
end

local function cell(v)
  if type(v) == "number" then
    return math.type(v) == "integer" and tostring(v) or ("%.6g"):format(v)
  end
  return tostring(v == nil and "" or v)
end

local function split(line)
  local t = {}
  for c in (line .. ","):gmatch("([^,]*),") do t[#t + 1] = c end
  return t
end

-- The one place a slice's CSV is written: through writefile, ganglion's
-- atomic writer (temporary in the same folder, fsync, rename), so a reader
-- (or a resumed slice) sees the old rows or the new ones, never half a row.
local function store(path, text, fn)
  local ok, err = pcall(writefile, path, text)
  if not ok then error(fn .. ": " .. tostring(err):gsub("^writefile: ", ""), 4) end
end

local Slice = {}
Slice.__index = Slice

function Slice:keyof(run)
  local parts = {}
  for k, c in ipairs(self.key) do parts[k] = cell(run[c]) end
  return table.concat(parts, ",")
end

function Slice:mine(p)
  if math.type(p) ~= "integer" or p < 1 then error("sweep_slice: mine: position must be an integer >= 1", 2) end
  return (p - 1) % self.N == self.K - 1
end

function Slice:todo(p, run)
  if math.type(p) ~= "integer" or p < 1 then error("sweep_slice: todo: position must be an integer >= 1", 2) end
  if type(run) ~= "table" then error("sweep_slice: todo: run must be a table with the key fields", 2) end
  return (p - 1) % self.N == self.K - 1 and self.done[self:keyof(run)] == nil
end

function Slice:row(run)
  if type(run) ~= "table" then error("sweep_slice: row: run must be a table with the key fields", 2) end
  local cells = self.done[self:keyof(run)]
  if not cells then return nil end
  local r = {}
  for k, c in ipairs(self.columns) do
    local s = cells[k]
    local special = { inf = math.huge, ["-inf"] = -math.huge, nan = 0 / 0, ["-nan"] = 0 / 0 }
    r[c] = tonumber(s) or special[s] or (s ~= "" and s or nil)
  end
  return r
end

function Slice:add(row)
  if type(row) ~= "table" then error("sweep_slice: add: row must be a table", 2) end
  local cells = {}
  for k, c in ipairs(self.columns) do cells[k] = cell(row[c]) end
  local line = table.concat(cells, ",")
  if self.path then
    self.lines[#self.lines + 1] = line
    store(self.path, table.concat(self.lines, "\n") .. "\n", "sweep_slice")
  end
  self.done[self:keyof(row)] = split(line)
end

function sweep_slice(opts)
  local fn = "sweep_slice"
  if type(opts) ~= "table" then error(fn .. ": expected an options table {part=, csv=, columns=, key=, resume=}", 2) end
  local known = { part = 1, csv = 1, columns = 1, key = 1, resume = 1 }
  for k in pairs(opts) do
    if not known[k] then
      error(("%s: unknown option '%s' (known: part, csv, columns, key, resume)"):format(fn, tostring(k)), 2)
    end
  end
  local K, N = parse_part(opts.part, fn)
  local columns, key = opts.columns, opts.key
  local function names(t, what)
    if type(t) ~= "table" or #t == 0 then error(fn .. ": " .. what .. " must be a non-empty list of column names", 3) end
    for _, c in ipairs(t) do
      if type(c) ~= "string" or c == "" or c:find("[,\n\r]") then
        error(fn .. ": " .. what .. " must hold column names (strings without commas)", 3)
      end
    end
  end
  names(columns, "columns")
  names(key, "key")
  local index = {}
  for k, c in ipairs(columns) do index[c] = k end
  for _, c in ipairs(key) do
    if not index[c] then error(fn .. ": key column '" .. c .. "' is not one of the columns", 2) end
  end
  if opts.csv ~= nil and (type(opts.csv) ~= "string" or opts.csv == "") then
    error(fn .. ": csv must be a file path, got " .. type(opts.csv), 2)
  end
  if opts.resume ~= nil and type(opts.resume) ~= "boolean" then
    error(fn .. ": resume must be true or false, got " .. type(opts.resume), 2)
  end
  local s = setmetatable({ K = K, N = N, path = opts.csv, columns = columns, key = key,
                           done = {}, lines = { table.concat(columns, ",") } }, Slice)
  local f = opts.resume and s.path and io.open(s.path, "r")
  if f then
    local text = f:read("a")
    f:close()
    local header = text:match("^([^\n]*)\n")
    if text ~= "" and header ~= s.lines[1] then
      error(("%s: %s has columns %q, expected %q: remove it or write elsewhere"):format(
            fn, s.path, tostring(header), s.lines[1]), 2)
    end
    local first = true
    for line in text:gmatch("([^\n]*)\n") do   -- whole lines only
      if first then first = false
      elseif line ~= "" then
        local cells = split(line)
        local run = {}
        for _, c in ipairs(key) do run[c] = cells[index[c]] end
        s.lines[#s.lines + 1] = line
        s.done[s:keyof(run)] = cells
      end
    end
  end
  if s.path and #s.lines == 1 then store(s.path, s.lines[1] .. "\n", fn) end
  return s
end

return sweep_slice
