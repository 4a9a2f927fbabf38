-- help.lua — help(), help(name) and ?name.  Entries live in lua/help/*.lua,
-- one file per topic, each returning { name = {usage=, text=, example=} }.

local entries, topics = {}, {}

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
          entries[name] = e
          names[#names + 1] = name
        end
      end
      table.sort(names)
      topics[#topics + 1] = { name = topic, names = names }
    else
      print("help: cannot read " .. path .. ": " .. tostring(t))
    end
  end
  table.sort(topics, function(a, b) return a.name < b.name end)
end

-- Finds the name under which value v is reachable (globals, one level deep).
local function name_of(v)
  for k, g in pairs(_G) do
    if g == v and type(k) == "string" then return k end
  end
  for k, g in pairs(_G) do
    if type(g) == "table" and type(k) == "string" and k ~= "_G" and k ~= "package" then
      for k2, g2 in pairs(g) do
        if g2 == v and type(k2) == "string" then return k .. "." .. k2 end
      end
    end
  end
end

-- The options an object type declares in C (ganglion.options[name], see
-- src/lua/l_opt.h), one line each: name, default or range, help.
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

local function show_entry(name, e)
  local out = { (e.usage or name) }
  if e.text then out[#out + 1] = "\n" .. e.text end
  local opts = options_text(name)
  if opts then out[#out + 1] = "\n" .. opts end
  if e.example then out[#out + 1] = "\nExample:\n  " .. e.example:gsub("\n", "\n  ") end
  print(table.concat(out, "\n"))
end

function help(what)
  load_all()
  if what == nil then
    print("ganglion " .. ganglion.version .. " — help(name) or ?name for details.\nTopics:")
    for _, t in ipairs(topics) do
      print(string.format("  %-10s %s", t.name, table.concat(t.names, ", ")))
    end
    return
  end
  local name = what
  if type(what) ~= "string" then
    name = name_of(what)
    if not name then error("help: no help for this " .. type(what) .. " (try help())", 2) end
  end
  local e = entries[name] or entries[name:gsub(":", ".")]
  if not e then
    -- net:train -> train, tasks.flipflop -> flipflop
    local last = name:match("[.:]([%w_]+)$")
    e = last and entries[last]
  end
  if e then return show_entry(name, e) end
  for _, t in ipairs(topics) do
    if t.name == name then
      print("Topic " .. name .. ":")
      for _, n in ipairs(t.names) do
        print(string.format("  %-22s %s", n, (entries[n].usage or n):gsub("\n.*", "")))
      end
      return
    end
  end
  error("help: nothing about '" .. name .. "' (help() lists topics)", 2)
end
