-- test_session.lua — save(), note(), notebook() and the prompt's helpers.
local T = dofile("tests/lua/harness.lua")
local dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)

T.ok(type(seed()) == "number", "seed() returns the current seed")
seed(77)
T.ok(seed() == 77, "seed(n) sets it")
T.raises(function() seed(-1) end, "seed: expected an integer", "negative seed refused")
T.raises(function() seed("x") end, "seed: n must be an integer", "string seed refused")

note("a note for the notebook")
print("printed output")
save(dir .. "/s.lua")
local f = io.open(dir .. "/s.lua"); local txt = f:read("a"); f:close()
T.ok(txt:sub(1, 19) == "-- ganglion session", "saved file starts with the journal magic")
T.ok(not txt:find("save(dir", 1, true), "the running chunk (this script) is not saved into itself")
local leftovers = io.popen("ls " .. dir):read("a")
T.ok(not leftovers:find("tmp", 1, true), "no temp file left behind")
T.raises(function() save("/nonexistent/dir/x.lua") end, "save: cannot write", "unwritable save path")

notebook(dir .. "/n.md", "Test notebook")
f = io.open(dir .. "/n.md"); local md = f:read("a"); f:close()
T.ok(md:find("# Test notebook", 1, true), "notebook has the title")
T.ok(md:find("```lua", 1, true), "notebook has lua code blocks")
T.ok(md:find("printed output", 1, true), "notebook has the running chunk's output so far")
T.ok(md:find("a note for the notebook", 1, true), "notebook has the note")
T.raises(function() notebook({}) end, "notebook: path must be a string", "notebook needs a path")

-- help covers every public function of the foundation
for _, name in ipairs { "matrix", "seed", "save", "note", "notebook", "help", "matrix.load" } do
  local saved = print; print = function() end
  T.ok(pcall(help, name), "help(" .. name .. ") exists")
  print = saved
end
T.raises(function() help("no_such_thing") end, "nothing about 'no_such_thing'", "help on unknown name")
do
  local got; local saved = print; print = function(s) got = s end
  T.ok(pcall(help, matrix.randn) and got:find("matrix.randn", 1, true), "help(function value) finds its name")
  print = saved
end

-- The notebook's header names the seed the session started with, not the last seed().
do
  local s0 = tonumber(os.getenv("GANGLION_SEED") or "") 
  seed(12345)
  notebook(dir .. "/n2.md")
  local f2 = io.open(dir .. "/n2.md"); local md2 = f2:read("a"); f2:close()
  local shown = tonumber(md2:match("with seed (%d+)"))
  T.ok(shown ~= nil and shown ~= 12345 and (s0 == nil or shown == s0),
       "the notebook header shows the starting seed (" .. tostring(shown) .. "), not the last seed()")
end

os.execute("rm -rf " .. dir)
T.done()
