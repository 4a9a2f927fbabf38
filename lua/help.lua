-- help.lua — help(), help(name), ?name and Tab completion of objects.
-- Entries live in lua/help/*.lua, one file per topic, each returning
-- { name = {usage=, text=, example=, fields=} }.  Text is written as
-- paragraphs (line breaks inside a paragraph are joined on loading; an
-- indented line starts a line of its own) and wrapped to the width of the
-- text pane when shown, so a narrow pane never splits a word.
-- Entries for an object type are named "TYPE:method" and "TYPE.field",
-- TYPE being the type's name (getmetatable(obj).__name: rnn, lif, ring,
-- linear, cpg, matrix, task, spikes); `fields` in the type's own entry
-- lists its fields with one line each.

local entries, topics = {}, {}

-- Joins hard-wrapped lines into paragraphs; indented lines, blank lines
-- and the lines after them stay where they are.
local function unwrap(s)
  if type(s) ~= "string" then return s end
  local out = {}
  for line in (s .. "\n"):gmatch("(.-)\n") do
    local prev = out[#out]
    local pind, lind = prev and #prev:match("^%s*"), #line:match("^%s*")
    local heading = line:match(":$") and #line < 30
    if prev and prev ~= "" and line ~= "" and not heading and
       ((pind == 0 and lind == 0) or (pind > 0 and lind > pind)) then
      out[#out] = prev .. " " .. line:gsub("^%s+", "")
    else
      out[#out + 1] = line
    end
  end
  return table.concat(out, "\n")
end

local function load_all()
  if next(topics) then return end
  for _, path in ipairs(ganglion.helpfiles()) do
    local topic = path:match("([^/]+)%.lua$")
    local chunk, err = loadfile(path, "t", {})   -- data only: no globals
    local ok, t = false, err
    if chunk then ok, t = pcall(chunk) end
    if ok and type(t) == "table" then
      local names = {}
      for name, e in pairs(t) do
        if type(e) == "table" then
          e.topic = topic
          e.text = unwrap(e.text)
          entries[name] = e
          names[#names + 1] = name
        end
      end
      table.sort(names)
      topics[#topics + 1] = { name = topic, names = names }
    else
      print("help: cannot read " .. path:gsub("^.*/lua/", "lua/") .. ": " .. tostring(t))
    end
  end
  table.sort(topics, function(a, b) return a.name < b.name end)
end

-- ---- text width and wrapping -------------------------------------------------

local function width()
  local w = ganglion.textwidth and ganglion.textwidth() or 80
  if type(w) ~= "number" or w < 20 then w = 80 end
  return math.floor(w) - 1
end

local function ulen(s) return utf8.len(s) or #s end

-- Wraps each line of s to w columns at spaces; an indented line keeps its
-- indent on its continuation lines (deeper when it is "  key   text").
local function wrap(s, w)
  local out = {}
  for line in (s .. "\n"):gmatch("(.-)\n") do
    if ulen(line) <= w then
      out[#out + 1] = line
    else
      local ind = line:match("^(%s*)")
      local hang = line:match("^(%s*%S+%s%s+)")   -- "  hf    Hessian-free": align to the text
      local cont = string.rep(" ", hang and ulen(hang) <= w // 2 and ulen(hang) or #ind)
      local cur, curlen = ind, #ind
      local first = true
      for word in line:sub(#ind + 1):gmatch("%S+%s*") do
        local bare = word:gsub("%s+$", "")
        local wl = ulen(bare)
        if curlen > #(first and ind or cont) and curlen + wl > w then
          out[#out + 1] = (cur:gsub("%s+$", ""))
          cur, curlen, first = cont, #cont, false
        end
        cur = cur .. word
        curlen = curlen + ulen(word)
      end
      out[#out + 1] = (cur:gsub("%s+$", ""))
    end
  end
  return table.concat(out, "\n")
end
ganglion.wrap = wrap

-- ---- values, their types and their names -------------------------------------

-- The type name of v: its metatable's __name (userdata and typed tables).
local function typename(v)
  local mt = getmetatable(v)
  if type(mt) == "table" then
    local n = rawget(mt, "__name")
    if type(n) == "string" then return (n:gsub("^ganglion%.", "")) end
  end
  if type(v) == "string" then return "string" end
end

-- Evaluates a path of names ("net", "tasks.flipflop", "h.loss") with plain
-- indexing; no calls.  Returns nil when any step fails.
local function evalpath(path)
  local v = _G
  for name in path:gmatch("[^.:]+") do
    if not name:match("^[%a_][%w_]*$") then return nil end
    local ok, x = pcall(function() return v[name] end)
    if not ok or x == nil then return nil end
    v = x
  end
  if v == _G and path ~= "_G" then return nil end
  return v
end

-- The members of value v: name -> "method" | "field", from the value
-- itself (tables), its metatable's method table or __index (a table, or
-- a function whose upvalue holds the methods), the fields that the type's
-- help entry declares and the options its binding declares as fields.
local function members(v)
  load_all()
  local names = {}
  local function add(t, kind)
    for k, x in pairs(t) do
      if type(k) == "string" and k:sub(1, 2) ~= "__" and not names[k] then
        names[k] = kind or (type(x) == "function" and "method" or "field")
      end
    end
  end
  if type(v) == "table" then add(v) end
  local mt, depth = getmetatable(v), 0
  while type(mt) == "table" and depth < 5 do
    depth = depth + 1
    if type(rawget(mt, "methods")) == "table" then add(rawget(mt, "methods"), "method") end
    local idx = rawget(mt, "__index")
    if type(idx) == "table" then
      add(idx)
      mt = getmetatable(idx)
    else
      if type(idx) == "function" then
        for i = 1, 16 do
          local n, u = debug.getupvalue(idx, i)
          if n == nil then break end
          if type(u) == "table" then add(u, "method") end
        end
      end
      mt = nil
    end
  end
  local tn = typename(v)
  local e = tn and entries[tn]
  if e and type(e.fields) == "table" then
    for k in pairs(e.fields) do names[k] = names[k] or "field" end
  end
  -- options that are also fields (pop.taum), from the type's declaration
  local decl = tn and ganglion.options and ganglion.options[tn]
  if type(decl) == "table" then
    for _, o in ipairs(decl) do if o.field then names[o.name] = names[o.name] or "field" end end
  end
  if tn == "cpg" and type(cpg) == "table" and type(cpg.params) == "table" then
    for _, p in ipairs(cpg.params) do names[p.name] = names[p.name] or "field" end
  end
  return names
end
ganglion.members = members

-- ganglion.complete(expr, sep, prefix): names completing "expr<sep>prefix"
-- (sep "." for fields and methods, ":" for methods only).
function ganglion.complete(expr, sep, prefix)
  local v = evalpath(expr)
  if v == nil then return {} end
  local out = {}
  for k, kind in pairs(members(v)) do
    if k:sub(1, #prefix) == prefix and (sep ~= ":" or kind == "method")
       and (k:sub(1, 1) ~= "_" or prefix:sub(1, 1) == "_") then
      out[#out + 1] = k
    end
  end
  table.sort(out)
  return out
end

-- ganglion.complete_options(before, prefix): when `before` (the line up to
-- the word being completed) ends at a key position inside an options table,
-- `f{...`, `f(x, {...` or `obj:m{...`, the option names of f that start
-- with prefix, from the declarations the bindings publish
-- (ganglion.options); else nil.
local function callee_of(head)
  local f = head:match("([%a_][%w_%.:]*)%s*$")
  if f then return f end
  local depth = 0
  for i = #head, 1, -1 do
    local c = head:sub(i, i)
    if c == ")" or c == "}" then depth = depth + 1
    elseif c == "{" then if depth == 0 then return nil end depth = depth - 1
    elseif c == "(" then
      if depth == 0 then return head:sub(1, i - 1):match("([%a_][%w_%.:]*)%s*$") end
      depth = depth - 1
    end
  end
end

local function options_of(callee)
  local opts = ganglion.options or {}
  if opts[callee] then return opts[callee] end
  local obj, m = callee:match("^(.-)[.:]([%a_][%w_]*)$")
  if not obj then return nil end
  local tn = typename(evalpath(obj)) or obj
  return opts[tn .. "." .. m]
end

function ganglion.complete_options(before, prefix)
  local depth, pos = 0, nil
  for i = #before, 1, -1 do
    local c = before:sub(i, i)
    if c == "}" then depth = depth + 1
    elseif c == "{" then
      if depth == 0 then pos = i; break end
      depth = depth - 1
    end
  end
  if not pos then return nil end
  local inside = before:sub(pos + 1)
  if not (inside:match("^%s*$") or inside:match("[,;]%s*$")) then return nil end
  local callee = callee_of(before:sub(1, pos - 1))
  local decl = callee and options_of(callee)
  if not decl then return nil end
  local out = {}
  for _, o in ipairs(decl) do
    if o.name:sub(1, #prefix) == prefix then out[#out + 1] = o.name end
  end
  return out
end

-- Where function f lives: a global name, a field of a global table, or a
-- method of an object type ("rnn:run").
local function name_of(f)
  for k, g in pairs(_G) do
    if g == f and type(k) == "string" then return k end
  end
  for k, g in pairs(_G) do
    if type(g) == "table" and type(k) == "string" and k ~= "_G" and k ~= "package" then
      for k2, g2 in pairs(g) do
        if g2 == f and type(k2) == "string" then return k .. "." .. k2 end
      end
    end
  end
  if type(f) == "function" then
    for _, mt in pairs(debug.getregistry()) do
      if type(mt) == "table" and type(rawget(mt, "__name")) == "string" then
        local tn = rawget(mt, "__name"):gsub("^ganglion%.", "")
        local tables = { rawget(mt, "methods"), rawget(mt, "__index") }
        local idx = rawget(mt, "__index")
        if type(idx) == "function" then
          for i = 1, 16 do
            local n, u = debug.getupvalue(idx, i)
            if n == nil then break end
            tables[#tables + 1] = u
          end
        end
        for _, t in pairs(tables) do
          if type(t) == "table" then
            for k, g in pairs(t) do
              if g == f and type(k) == "string" then return tn .. ":" .. k end
            end
          end
        end
      end
    end
  end
end

-- ---- lookup -----------------------------------------------------------------

local function edit_distance(a, b)
  local la, lb = #a, #b
  if math.abs(la - lb) > 4 then return 99 end
  local prev = {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    for j = 1, lb do
      local c = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c)
    end
    prev = cur
  end
  return prev[lb]
end

-- Up to three entry or topic names nearest to the name asked for.
local function nearest(name)
  local cands = {}
  local want = name:lower()
  local wlast = want:match("[.:]([%w_]+)$") or want
  local function consider(n)
    local lo = n:lower()
    local d = edit_distance(want, lo)
    local last = lo:match("[.:]([%w_]+)$")
    if last then d = math.min(d, edit_distance(wlast, last) + 1) end
    if lo:find(want, 1, true) and #want >= 3 then d = math.min(d, 1) end
    if d <= math.max(1, math.min(3, #want // 3)) then cands[#cands + 1] = { n = n, d = d } end
  end
  for n in pairs(entries) do consider(n) end
  for _, t in ipairs(topics) do if not entries[t.name] then consider(t.name) end end
  table.sort(cands, function(a, b) if a.d ~= b.d then return a.d < b.d end return a.n < b.n end)
  local out = {}
  for i = 1, math.min(3, #cands) do out[i] = cands[i].n end
  return out
end

-- The help entry for a name typed after '?' or given to help(): an entry's
-- own name, then the value's type ("small:train" -> "rnn:train",
-- "net.W" -> the rnn entry's field W), then the function's home.
-- Returns key, entry [, field name].
local function resolve(name)
  if entries[name] then return name, entries[name] end
  -- help(A.eig) names the function matrix:eig; its entry is m:eig
  local mm = name:match("^matrix:([%a_][%w_]*)$")
  if mm and entries["m:" .. mm] then return "m:" .. mm, entries["m:" .. mm] end
  local base, sep, last = name:match("^(.-)([.:])([%a_][%w_]*)$")
  if base and base ~= "" then
    local obj = evalpath(base)
    local tn = obj ~= nil and typename(obj)
    if tn then
      -- matrix methods are documented as m:name (lua/help/matrix.lua)
      local self = tn == "matrix" and "m" or tn
      for _, k in ipairs { tn .. ":" .. last, tn .. "." .. last, self .. ":" .. last } do
        if entries[k] then return k, entries[k] end
      end
      local e = entries[tn]
      if e and type(e.fields) == "table" and e.fields[last] then return tn, e, last end
      if tn == "cpg" and e and type(cpg.params) == "table" then
        for _, p in ipairs(cpg.params) do
          if p.name == last then return tn, e, last end
        end
      end
    end
    if obj ~= nil then
      local home = name_of(obj)
      if home then
        for _, k in ipairs { home .. "." .. last, home .. ":" .. last } do
          if entries[k] then return k, entries[k] end
        end
      end
    end
    local alt = name:gsub(":", ".")
    if entries[alt] then return alt, entries[alt] end
    if tn and entries[tn] and members(obj)[last] then return tn, entries[tn], last end
  end
  local v = name:match("^[%a_][%w_.:]*$") and evalpath(name)
  if v ~= nil then
    if type(v) == "function" then
      local home = name_of(v)
      if home and entries[home] then return home, entries[home] end
      if home and home:find(":") then
        local k = home:gsub(":", ".")
        if entries[k] then return k, entries[k] end
      end
    else
      local tn = typename(v)
      if tn and entries[tn] then return tn, entries[tn] end
      local home = name_of(v)
      if home and entries[home] then return home, entries[home] end
    end
  end
end
ganglion.helpkey = function(name) load_all(); return (resolve(name)) end
ganglion.helpentries = function() load_all(); return entries end

-- The options an object type declares in C (ganglion.options[name], see
-- src/lua/base/l_opt.h), one line each: name, default or range, help.
local function options_text(name)
  local decl = ganglion.options and (ganglion.options[name] or ganglion.options[name:gsub(":", ".")])
  if not decl then return nil end
  local lines = { "Options:" }
  local function num(x) return type(x) == "number" and string.format("%g", x) or tostring(x) end
  for _, o in ipairs(decl) do
    local what
    if o.required then what = "required"
    elseif o.choices then what = o.choices:gsub("|", " | ")
    elseif o.default ~= nil and o.default == o.default then what = "default " .. num(o.default) end
    if (o.min or o.max) and not what then what = o.type end
    if o.min and o.max then what = what .. ", " .. num(o.min) .. " to " .. num(o.max)
    elseif o.min then what = what .. ", " .. (o.strict_min and "> " or ">= ") .. num(o.min) end
    lines[#lines + 1] = string.format("  %-12s %s%s", o.name, o.help, what and (" (" .. what .. ")") or "")
  end
  return table.concat(lines, "\n")
end

-- The first sentence of an entry, for one-line lists.
local function summary(e)
  local t = e.text or e.usage or ""
  local s = t:match("^(.-%.)%s") or t:match("^([^\n]*)")
  return (s:gsub("\n.*", ""))
end

local function show_entry(name, e, field)
  local w = width()
  local out = {}
  if field then
    local d = type(e.fields) == "table" and e.fields[field]
    if not d and name == "cpg" then
      for _, p in ipairs(cpg.params) do
        if p.name == field then d = p.desc .. " (" .. p.unit .. ", default " .. p.default .. ")" end
      end
    end
    if d then
      out[#out + 1] = wrap(name .. "." .. field .. " — " .. tostring(d), w)
      out[#out + 1] = "(a field of " .. name .. "; help(\"" .. name .. "\") describes the type)"
    else
      out[#out + 1] = wrap(name .. ":" .. field .. " — a method of " .. name ..
                           " with no entry of its own; help(\"" .. name .. "\") describes the type.", w)
    end
    print(table.concat(out, "\n"))
    return
  end
  out[#out + 1] = wrap(e.usage or name, w)
  if e.text then out[#out + 1] = "\n" .. wrap(e.text, w) end
  if type(e.fields) == "table" then
    local ks = {}
    for k in pairs(e.fields) do ks[#ks + 1] = k end
    table.sort(ks)
    local lines = {}
    for _, k in ipairs(ks) do lines[#lines + 1] = string.format("  %-10s %s", k, e.fields[k]) end
    out[#out + 1] = "\nFields:\n" .. wrap(table.concat(lines, "\n"), w)
  end
  local opts = options_text(name)
  if opts then out[#out + 1] = "\n" .. wrap(opts, w) end
  if e.example then out[#out + 1] = "\nExample:\n  " .. e.example:gsub("\n", "\n  ") end
  print(table.concat(out, "\n"))
end

function help(what)
  load_all()
  local w = width()
  if what == nil then
    print(wrap("ganglion " .. ganglion.version .. " — help(name) or ?name for details, " ..
               "help(\"topic\") for one topic.", w))
    for _, t in ipairs(topics) do
      print("\n" .. t.name)
      local lines = {}
      for _, n in ipairs(t.names) do
        lines[#lines + 1] = string.format("  %-16s %s", n, summary(entries[n]))
      end
      -- one line each: cut, not wrapped, so the list stays a list
      for _, l in ipairs(lines) do
        if ulen(l) > w then
          local cut = utf8.offset(l, w - 2) or (w - 2)
          l = l:sub(1, cut - 1) .. "..."
        end
        print(l)
      end
    end
    return
  end
  local name = what
  if type(what) ~= "string" then
    name = name_of(what)
    if not name then
      local tn = typename(what)
      if tn and entries[tn] then return show_entry(tn, entries[tn]) end
      error("help: no help for this " .. type(what) .. " (help() lists topics)", 2)
    end
  end
  name = name:match("^%s*(.-)%s*$")
  local key, e, field = resolve(name)
  if e then return show_entry(key, e, field) end
  for _, t in ipairs(topics) do
    if t.name == name then
      print("Topic " .. name .. ":")
      for _, n in ipairs(t.names) do
        local l = string.format("  %-16s %s", n, summary(entries[n]))
        if ulen(l) > w then l = l:sub(1, (utf8.offset(l, w - 2) or (w - 2)) - 1) .. "..." end
        print(l)
      end
      return
    end
  end
  local near = nearest(name)
  local msg = "help: nothing about '" .. name .. "'"
  if #near > 0 then msg = msg .. "; did you mean " .. table.concat(near, ", ") .. "?" end
  error(msg .. " (help() lists topics)", 0)
end
