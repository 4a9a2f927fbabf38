-- test_help.lua — help and completion from each object's type: members of
-- every type, `?expr` resolution, one-line misses with the nearest names,
-- wrapping to the pane, and every help example run as typed at the prompt.
local T = dofile("tests/lua/harness.lua")
local dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)

local function has(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

-- ---- completion through the value's type ------------------------------------
net = rnn{n = 8, inputs = 3, outputs = 3, seed = 1}
pop = lif{n = 4}
ringnet = ring{}
lin = linear{M = matrix{{0.5, -0.4}, {0.6, 0.3}}}
c = cpg{}
m = matrix.randn(3, 2)
task = tasks.flipflop{T = 50}
h = net:train(task, {method = "adam", iters = 2})
sp = pop:run{T = 20, I = 2, spikes = "compact"}.spikes

local cases = {
  { "net", ":", "tr", "train" }, { "net", ":", "ru", "run" }, { "net", ".", "Wo", "Wout" },
  { "net", ":", "me", "merge" }, { "pop", ":", "ru", "run" }, { "pop", ".", "tau_a", "tau_ampa" },
  { "ringnet", ":", "bu", "bump" }, { "ringnet", ".", "the", "theta" }, { "lin", ":", "ei", "eig" },
  { "lin", ".", "v", "v0" }, { "c", ":", "pha", "phases" }, { "c", ".", "gNa", "gNaP" },
  { "m", ":", "tot", "totable" }, { "task", ":", "sa", "sample" }, { "task", ".", "out", "outputs" },
  { "h", ".", "lo", "loss" }, { "sp", ":", "ti", "times" }, { "tasks", ".", "flip", "flipflop" },
}
for _, cse in ipairs(cases) do
  local got = ganglion.complete(cse[1], cse[2], cse[3])
  T.ok(has(got, cse[4]), ("%s%s%s<Tab> offers %s (got %s)"):format(cse[1], cse[2], cse[3], cse[4],
       table.concat(got, " ")))
end
T.ok(not has(ganglion.complete("net", ":", ""), "W"), "after ':' only methods are offered")
T.ok(not has(ganglion.complete("task", ".", ""), "_trial"), "hooks (_name) are not offered")
T.ok(#ganglion.complete("nosuchthing", ".", "") == 0, "an unknown name completes to nothing")

-- Option names complete from the bindings' declarations (ganglion.options),
-- at a key position of an options table, and only there.
local oc = {
  { "lif{", "vr", "vrest" }, { "pop = lif{n = 3, ", "tau_n", "tau_nmda" }, { "pop:run{", "kee", "keep_state" },
  { "net:train(task, {", "met", "method" }, { "plot(x, {", "yl", "ylog" }, { "net:merge(1, 2, {", "me", "method" },
  { "rnn{n = 4,\n ", "act", "activation" }, { "savefig('a.svg', {", "he", "height" },
}
for _, c in ipairs(oc) do
  local got = ganglion.complete_options(c[1], c[2]) or {}
  T.ok(has(got, c[3]), ("%s%s<Tab> offers the option %s (got %s)"):format(c[1]:gsub("\n", "\\n"), c[2], c[3],
       table.concat(got, " ")))
end
T.ok(ganglion.complete_options("lif{n = ", "") == nil, "after '=' is a value, not an option name")
T.ok(ganglion.complete_options("x = {", "a") == nil, "a plain table constructor has no options")
T.ok(ganglion.complete_options("lif(3) + ", "ta") == nil, "outside any table: no options")
local fields = ganglion.complete("pop", ".", "")
T.ok(has(fields, "mg") and has(fields, "threads"), "fields come from options declared as fields (mg, threads)")

-- every field a type's entry declares exists on an object of that type
local objs = { rnn = net, lif = pop, ring = ringnet, linear = lin, cpg = c, task = task }
for tn, o in pairs(objs) do
  local e = ganglion.helpentries()[tn]
  local bad = {}
  for f in pairs(e.fields or {}) do
    local ok, v = pcall(function() return o[f] end)
    if not ok or v == nil then bad[#bad + 1] = f end
  end
  T.ok(e.fields and #bad == 0, tn .. ": every declared field exists (missing: " .. table.concat(bad, " ") .. ")")
end

-- every method of every type, and every public global, has an entry
for tn, o in pairs(objs) do
  local bad = {}
  for k, kind in pairs(ganglion.members(o)) do
    if kind == "method" and k:sub(1, 1) ~= "_" then
      local key = ganglion.helpkey(tn == "task" and "task:" .. k or ({ rnn = "net", lif = "pop",
        ring = "ringnet", linear = "lin", cpg = "c" })[tn] .. ":" .. k)
      if key ~= tn .. ":" .. k and key ~= tn .. "." .. k then bad[#bad + 1] = k .. "->" .. tostring(key) end
    end
  end
  T.ok(#bad == 0, tn .. ": every method has its own help entry (missing: " .. table.concat(bad, " ") .. ")")
end
local std = {}
for k in ("assert collectgarbage dofile error getmetatable ipairs load loadfile next pairs pcall print " ..
          "rawequal rawget rawlen rawset require select setmetatable tonumber tostring type xpcall _G " ..
          "_VERSION coroutine debug io math os package string table utf8 arg show ganglion warn " ..
          -- test fixtures of this file
          "net pop ringnet lin c m task h sp T"):gmatch("%S+") do std[k] = true end
local missing = {}
for k, v in pairs(_G) do
  if not std[k] and (type(v) == "function" or type(v) == "table") then
    if not ganglion.helpkey(k) then missing[#missing + 1] = k end
    if type(v) == "table" and k ~= "matrix" then   -- matrix's functions: help("matrix") lists them
      for k2, v2 in pairs(v) do
        if type(k2) == "string" and type(v2) == "function" and k2:sub(1, 1) ~= "_" and
           not ganglion.helpkey(k .. "." .. k2) then missing[#missing + 1] = k .. "." .. k2 end
      end
    end
  end
end
table.sort(missing)
T.ok(#missing == 0, "every public function has a help entry (missing: " .. table.concat(missing, " ") .. ")")

-- ---- ?expr resolution ---------------------------------------------------------
small = net:copy()
for q, want in pairs {
  ["small:train"] = "rnn:train", ["net:run"] = "rnn:run", ["pop:run"] = "lif:run", ["lin:eig"] = "linear:eig",
  ["ringnet:bump"] = "ring:bump", ["c:phases"] = "cpg.phases", ["task:sample"] = "task:sample",
  ["net.W"] = "rnn", ["pop.taum"] = "lif", ["c.gNaP"] = "cpg", ["net"] = "rnn", ["plot"] = "plot",
  ["tasks.flipflop"] = "tasks.flipflop", ["matrix.randn"] = "matrix.randn",
} do
  T.ok(ganglion.helpkey(q) == want, ("?%s resolves to %s (got %s)"):format(q, want, tostring(ganglion.helpkey(q))))
end
local function captured(f, ...)
  local out, saved = {}, print
  print = function(...) local t = table.pack(...); for i = 1, t.n do out[#out + 1] = tostring(t[i]) end end
  local ok, err = pcall(f, ...)
  print = saved
  return ok, table.concat(out, "\n"), err
end
local ok, text = captured(help, net.run)
T.ok(ok and text:find("net:run(u)", 1, true), "help(net.run) finds rnn:run")
ok, text = captured(help, m.eig)
T.ok(ok and text:find("m:eig()", 1, true), "help(m.eig) finds the matrix method's entry m:eig")
ok, text = captured(help, "matrix:sum")
T.ok(ok and text:find("m:sum([dim])", 1, true), "help(\"matrix:sum\") finds m:sum")
ok, text = captured(help, "  plot ")
T.ok(ok and text:find("plot(y", 1, true), "help(' plot ') ignores the blanks")
ok, text = captured(help, net)
T.ok(ok and text:find("Continuous-time rate network", 1, true), "help(net) describes the rnn type")
ok, text = captured(help, "net.Wout")
T.ok(ok and text:find("readout weights", 1, true), "?net.Wout gives the field's line")
local _, _, err = captured(help, "plt")
T.ok(err and not err:find("\n") and err:find("did you mean plot", 1, true),
     "a miss is one line with the nearest names (" .. tostring(err) .. ")")
_, _, err = captured(help, "net:trian")
T.ok(err and err:find("rnn:train", 1, true), "a misspelt method suggests the type's method (" .. tostring(err) .. ")")

-- ---- help() lists every entry with a one-line summary ------------------------
ok, text = captured(help)
T.ok(ok and text:find("\n  rnn:train +Trains the network") ~= nil, "help() gives each function a one-line summary")
local n = 0
for _ in pairs(ganglion.helpentries()) do n = n + 1 end
local listed = select(2, text:gsub("\n  %S", ""))
T.ok(listed == n, ("help() lists all %d entries (%d)"):format(n, listed))

-- ---- wrapping ----------------------------------------------------------------------
local para = "participation ratio of the variance explained, with a very_long_identifier_here and more words"
for _, w in ipairs { 20, 33, 47 } do
  local out = ganglion.wrap(para, w)
  local longest, split = 0, false
  for line in out:gmatch("[^\n]+") do
    longest = math.max(longest, utf8.len(line))
  end
  local words = {}
  for wd in out:gmatch("%S+") do words[#words + 1] = wd end
  split = table.concat(words, " ") ~= para
  T.ok((longest <= w or out:find("very_long")) and not split, ("wrap to %d: no line longer, no word split"):format(w))
end
T.ok(ganglion.wrap("  hf    one two three four five six", 20) == "  hf    one two\n        three four\n        five six",
     "an indented item wraps under its text")
T.ok(not ganglion.helpentries()["rnn:train"].text:find("decay, CG backtracking,\n", 1, true),
     "help text is kept as paragraphs, not hard-wrapped lines")

-- Every matrix method has a help entry of its own (?m:sum, ?m:rows), not the
-- general "matrix" page.
do
  mm = matrix.randn(2, 2)
  local names, miss = ganglion.complete("mm", ":", ""), {}
  for _, n in ipairs(names) do
    local k = ganglion.helpkey("mm:" .. n)
    if k == nil or k == "matrix" then miss[#miss + 1] = n end
  end
  T.ok(#names >= 60 and #miss == 0, ("all %d matrix methods have their own help entry%s"):format(#names,
       #miss > 0 and " (missing: " .. table.concat(miss, " ") .. ")" or ""))
  T.ok(ganglion.helpkey("mm:sum") == "m:sum" and ganglion.helpkey("mm:rows") == "m:rows",
       "?mm:sum and ?mm:rows resolve through the value's type to m:sum, m:rows")
  mm = nil
end

-- ---- every example runs as typed at the prompt -----------------------------------
-- Examples build on the objects a session has: the fixtures below are the
-- ones help("rnn") makes (net, t, b, batch, tr) and a few more.
local function fixtures()
  seed(1)
  local env = setmetatable({}, { __index = _G })
  env.t = tasks.flipflop{T = 60}
  env.net = rnn{n = 16, inputs = 3, outputs = 3, seed = 1}
  env.batch = env.t:sample(4); env.b = env.batch
  env.tr = env.net:run(env.batch.u[1])
  env.parent, env.child = env.tr, env.net:copy():run(env.batch.u[1])
  env.net:save(dir .. "/flipflop64.rnn")
  env.lin = linear{M = matrix{{0.5, -0.4}, {0.6, 0.3}}, tau = 10, dt = 0.5}
  env.print = function() end
  return env
end
-- Quoted file names in examples are written into the test's folder.
local function relocate(code)
  return (code:gsub('"([%w_%-]+%.%a+)"', function(f)
    if f:match("%.(rnn)$") or f:match("%.(csv)$") or f:match("%.(npy)$") or f:match("%.(md)$")
       or f:match("%.(svg)$") or f:match("%.(pdf)$") or f:match("%.(png)$") or f:match("%.(lua)$") then
      return '"' .. dir .. "/" .. f .. '"'
    end
  end))
end
-- The prompt's rules: a line is first tried as an expression, an unfinished
-- chunk continues, ?name is help.
local function run_as_typed(code, env, name)
  local pending
  for line in (code .. "\n"):gmatch("(.-)\n") do
    if not pending and line:match("^%s*%?") then
      local ok, err = pcall(help, (line:gsub("^%s*%?", "")))
      if not ok then return false, err end
    else
      pending = pending and (pending .. "\n" .. line) or line
      local f = load("return " .. pending, "=" .. name, "t", env)
      if not f then
        local err
        f, err = load(pending, "=" .. name, "t", env)
        if not f and not err:find("<eof>$") then return false, err end
      end
      if f then
        pending = nil
        local res = table.pack(pcall(f))
        if not res[1] then return false, res[2] end
        if res.n > 1 then rawset(env, "_", res[2]) end
      end
    end
  end
  if pending then return false, "unfinished chunk" end
  return true
end
local names = {}
for k, e in pairs(ganglion.helpentries()) do
  if e.example then names[#names + 1] = k end
end
table.sort(names)
local saved_print = print
for _, k in ipairs(names) do
  local env = fixtures()
  print = env.print
  local ok2, err2 = run_as_typed(relocate(ganglion.helpentries()[k].example), env, "example " .. k)
  print = saved_print
  T.ok(ok2, "help(\"" .. k .. "\") example runs" .. (ok2 and "" or ": " .. tostring(err2)))
end
os.execute("rm -rf " .. dir)
T.done()
