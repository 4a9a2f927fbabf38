-- test_csv.lua — matrix.load of .csv files against NumPy's loadtxt and
-- genfromtxt on the same files (bit for bit, NaN as NaN), errors with line
-- and column, and m:csv's output read back exactly.
local T = dofile("tests/lua/harness.lua")
local PY = "/usr/bin/python3"

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p " .. dir)
local function write(name, text)
  local f = io.open(dir .. "/" .. name, "wb"); f:write(text); f:close()
  return dir .. "/" .. name
end

-- round trip through m:csv
seed(2385)
local A = matrix.randn(40, 7) * 1e3
A:set(1, 1, 0 / 0); A:set(2, 3, math.huge); A:set(3, 4, -math.huge); A:set(4, 5, 4.9e-324)
A:csv(dir .. "/A.csv")
local B = matrix.load(dir .. "/A.csv")
local same = B:rows() == 40 and B:cols() == 7
for i = 1, 40 do
  for j = 1, 7 do
    local x, y = A:get(i, j), B:get(i, j)
    if not (x == y or (x ~= x and y ~= y)) then same = false end
  end
end
T.ok(same, "m:csv then matrix.load: every value back exactly (NaN, ±Inf, a subnormal)")
T.ok(matrix.load(write("up.CSV", "1,2\n")):cols() == 2, "the extension is matched in any case")

-- errors name the line and column
T.raises(function() matrix.load(write("ragged.csv", "1,2\n3,4\n5\n")) end, "line 3 has 1 field, line 1 has 2",
         "ragged rows")
T.raises(function() matrix.load(write("word.csv", "1,2\n3,four\n")) end, "line 2, column 3: not a number: 'four'",
         "a word")
T.raises(function() matrix.load(write("gap.csv", "1,,2\n")) end, "line 1, column 3: empty field", "an empty field")
T.raises(function() matrix.load(dir .. "/none.csv") end, "cannot open", "a missing file")

-- the same files through NumPy: loadtxt (comments='#', delimiter=',') and
-- genfromtxt; ours must equal both where they agree with each other
local files = {
  plain = "1,2,3\n4,5,6\n",
  crlf = "0.1,-2.5e-3\r\n1e10,+7\r\n",
  spaces = " 1 ,\t2\n3 , 4 \n",
  comments = "# a comment\n1,2 # tail\n\n3,4\n",
  special = "nan,inf\n-inf,-Infinity\nNaN,INF\n",
  tiny = "4.9e-324,2.2250738585072014e-308\n1e-400,-0.0\n",
  long = ("%.17g,%.17g\n"):format(math.pi, -1 / 3):rep(50),
  column = "1\n2\n3\n",
  row = "1,2,3,4,5\n",
  header = "a,b\n1,2\n3,4\n",
  nonl = "1,2\n3,4",
}
local names = {}
for k, text in pairs(files) do
  write(k .. ".csv", text)
  names[#names + 1] = k
end
table.sort(names)
if not os.execute(PY .. " -c 'import numpy' 2>/dev/null") then
  T.skip("NumPy cross-check: /usr/bin/python3 with numpy not available")
else
  local py = ([[
import numpy as np, warnings
warnings.simplefilter('ignore')
d = %q
for k in %q.split():
    skip = 1 if k == 'header' else 0
    a = np.loadtxt(d + '/' + k + '.csv', delimiter=',', comments='#', skiprows=skip, ndmin=2)
    g = np.genfromtxt(d + '/' + k + '.csv', delimiter=',', comments='#', skip_header=skip)
    g = g.reshape(a.shape)
    assert np.array_equal(a, g, equal_nan=True), k
    np.save(d + '/' + k + '.npy', a)
print('done')
]]):format(dir, table.concat(names, " "))
  local f = io.open(dir .. "/ref.py", "w"); f:write(py); f:close()
  local p = io.popen(PY .. " " .. dir .. "/ref.py 2>&1")
  local out = p:read("a")
  p:close()
  T.ok(out:find("done"), "NumPy's loadtxt and genfromtxt agree on every file (" .. out:gsub("\n", " "):sub(1, 200) .. ")")
  for _, k in ipairs(names) do
    local ok, ours = pcall(matrix.load, dir .. "/" .. k .. ".csv")
    local ref = matrix.load(dir .. "/" .. k .. ".npy")
    local eq = ok and ours:rows() == ref:rows() and ours:cols() == ref:cols()
    if eq then
      for i = 1, ref:rows() do
        for j = 1, ref:cols() do
          local x, y = ours:get(i, j), ref:get(i, j)
          local bx, by = string.pack("d", x), string.pack("d", y)
          if not (bx == by or (x ~= x and y ~= y)) then eq = false end
        end
      end
    end
    T.ok(eq, ("%s.csv: the same as np.loadtxt, bit for bit (%s)"):format(k, ok and
         ("%dx%d"):format(ours:rows(), ours:cols()) or tostring(ours)))
  end
end
os.execute("rm -rf " .. dir)
T.done()
