-- test_arrays_io.lua — named matrices in .npz and .mat files against NumPy's
-- np.savez / np.load and SciPy's savemat / loadmat, and networks through
-- rnn.from / net:export.
local T = dofile("tests/lua/harness.lua")
local PY = "/usr/bin/python3"

seed(2385)
local A = matrix.randn(4, 3)
local B = matrix.randn(1, 5)
local big = matrix.randn(300, 7)
local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p " .. dir)

-- round trips inside ganglion
matrix.save(dir .. "/ab.npz", { A = A, B = B, big = big })
local r = matrix.load(dir .. "/ab.npz")
T.ok(r.A == A and r.B == B and r.big == big, ".npz round trip keeps names and values")
matrix.save(dir .. "/ab.mat", { A = A, B = B })
local rm = matrix.load(dir .. "/ab.mat")
T.ok(rm.A == A and rm.B == B, ".mat round trip keeps names and values")
A:sub(2, 3, 2, 3):save(dir .. "/view.npz")
T.ok(matrix.load(dir .. "/view.npz").arr_0 == A:sub(2, 3, 2, 3):copy(), "m:save of a view to .npz (as arr_0)")
T.raises(function() matrix.save(dir .. "/x.mat", { ["1bad"] = A }) end, "not a valid MATLAB variable name",
         ".mat refuses an invalid variable name")
T.raises(function() matrix.save(dir .. "/x.npz", {}) end, "nothing to save", "empty table")
T.raises(function() matrix.save(dir .. "/x.npz", { A = "no" }) end, "'A'", "non-matrix value named")
T.raises(function() matrix.load(dir .. "/missing.npz") end, "missing.npz", "missing file named")
local f = io.open(dir .. "/junk.npz", "w"); f:write("not a zip"); f:close()
T.raises(function() matrix.load(dir .. "/junk.npz") end, "junk.npz", "a non-zip .npz is a clear error")
f = io.open(dir .. "/junk.mat", "w"); f:write(string.rep("x", 200)); f:close()
T.raises(function() matrix.load(dir .. "/junk.mat") end, "junk.mat", "a non-MAT .mat is a clear error")

-- networks
local net = rnn { n = 12, inputs = 2, outputs = 3, tau = 7, dt = 0.5 }
net.b = matrix.randn(12, 1) * 0.1
net:export(dir .. "/net.npz")
local net2 = rnn.from(matrix.load(dir .. "/net.npz"))
local u = matrix.randn(30, 2)
T.ok(net2.n == 12 and net2.tau == 7 and net2.dt == 0.5, "rnn.from(export) keeps n, tau, dt")
T.ok((net:run(u).y - net2:run(u).y):abs():max() == 0, "exported and rebuilt nets give identical outputs")
net:export(dir .. "/net.mat")
local net3 = rnn.from(matrix.load(dir .. "/net.mat"))
T.ok((net:run(u).y - net3:run(u).y):abs():max() == 0, "the same through .mat")
T.raises(function() rnn.from { W = matrix.randn(3, 4), Win = matrix.randn(3, 1), Wout = matrix.randn(1, 3) } end,
         "W must be square", "rnn.from checks W")
T.raises(function() rnn.from { W = matrix.randn(3, 3), Win = matrix.randn(4, 1), Wout = matrix.randn(1, 3) } end,
         "Win must have n = 3 rows", "rnn.from checks Win against n")
T.raises(function() rnn.from { W = matrix.randn(3, 3), Win = matrix.randn(3, 1), Wout = matrix.randn(1, 4) } end,
         "Wout must have n = 3 columns", "rnn.from checks Wout against n")
T.raises(function() rnn.from { W = matrix.randn(3, 3), Win = matrix.randn(3, 1), Wout = matrix.randn(1, 3), b = matrix.randn(2, 1) } end,
         "b must be n", "rnn.from checks b")
T.raises(function() net:export(dir .. "/net.txt") end, ".npz or .mat", "export needs .npz or .mat")

if not os.execute(PY .. " -c 'import numpy, scipy.io' 2>/dev/null") then
  T.skip("NumPy/SciPy cross-check: /usr/bin/python3 with numpy and scipy not available")
  os.execute("rm -rf " .. dir)
  T.done()
  return
end

-- ours -> NumPy / SciPy: np.load and loadmat read what we wrote
A:save(dir .. "/A.npy"); B:save(dir .. "/B.npy")
local py = ([[
import numpy as np, scipy.io as sio
d = %q
A, B = np.load(d + '/A.npy'), np.load(d + '/B.npy')
z = np.load(d + '/ab.npz')
print('ok - np.load reads our .npz' if sorted(z.files) == ['A', 'B', 'big'] and np.array_equal(z['A'], A) and np.array_equal(z['B'], B) else 'not ok - np.load of our .npz')
m = sio.loadmat(d + '/ab.mat')
print('ok - loadmat reads our .mat' if np.array_equal(m['A'], A) and np.array_equal(m['B'], B) else 'not ok - loadmat of our .mat')
n = np.load(d + '/net.npz')
print('ok - our exported net has W, Win, b, Wout, bout, x0, tau, dt' if sorted(n.files) == sorted(['W', 'Win', 'b', 'Wout', 'bout', 'x0', 'tau', 'dt']) and n['W'].shape == (12, 12) else 'not ok - exported net members')
# NumPy / SciPy -> ours: savez (1-D and 2-D), savez_compressed, savemat with other classes
C = np.arange(12.0).reshape(3, 4) / 7
v = np.linspace(-1, 1, 5)
np.savez(d + '/np.npz', C=C, v=v)
np.savez_compressed(d + '/npc.npz', C=C)
sio.savemat(d + '/sp.mat', {'C': C, 'i32': np.arange(6, dtype=np.int32).reshape(2, 3), 'f32': np.float32(C), 'name': 'text', 'v': v})
np.save(d + '/C.npy', C); np.save(d + '/v.npy', v)
]]):format(dir)
f = io.open(dir .. "/ref.py", "w"); f:write(py); f:close()
local p = io.popen(PY .. " " .. dir .. "/ref.py 2>&1")
for line in p:lines() do
  if line:find("^ok") then T.ok(true, line:sub(6)) else T.ok(false, line) end
end
p:close()
local C, v = matrix.load(dir .. "/C.npy"), matrix.load(dir .. "/v.npy")
local z = matrix.load(dir .. "/np.npz")
T.ok(z.C == C and z.v == v and v:cols() == 1, "np.savez read back: 2-D and 1-D (as a column)")
T.ok(matrix.load(dir .. "/npc.npz").C == C, "np.savez_compressed read back")
local m = matrix.load(dir .. "/sp.mat")
T.ok(m.C == C, "savemat double read back")
T.ok(m.i32 == matrix { { 0, 1, 2 }, { 3, 4, 5 } }, "savemat int32 read back as double")
T.ok((m.f32 - C):abs():max() < 1e-6, "savemat single read back")
T.ok(m.name == nil, "savemat char variable skipped")
T.ok(m.v:rows() == 1 and m.v:cols() == 5, "savemat 1-D is a 1x5 row, as MATLAB stores it")
os.execute("rm -rf " .. dir)
T.done()
