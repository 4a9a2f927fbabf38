-- netio.lua — rate networks in and out as plain arrays, so a network
-- trained in PyTorch or MATLAB can be condensed here and the result taken
-- back:
--   rnn.from{W=, Win=, b=, Wout=, bout=, x0=, tau=, dt=, activation=}
--     builds a network from matrices (shapes checked against W's n);
--   net:export(path) writes W, Win, b, Wout, bout, x0, tau, dt (1×1) to an
--     .npz or .mat file; rnn.from(matrix.load(path)) reads it back.

local PARAMS = { "W", "Win", "b", "Wout", "bout", "x0" }

local function shape(m) return ("%dx%d"):format(m:rows(), m:cols()) end

function rnn.from(t)
  if type(t) ~= "table" then error("rnn.from: expected a table {W=, Win=, Wout=, ...}, got " .. type(t), 2) end
  local known = { W = 1, Win = 1, b = 1, Wout = 1, bout = 1, x0 = 1, tau = 1, dt = 1, activation = 1, noise = 1 }
  for k in pairs(t) do
    if not known[k] then error(("rnn.from: unknown field '%s' (known: W, Win, b, Wout, bout, x0, tau, dt, activation, noise)"):format(tostring(k)), 2) end
  end
  local m = {}
  for _, k in ipairs(PARAMS) do
    if t[k] ~= nil then m[k] = ganglion.tomatrix(t[k], "rnn.from", k) end
  end
  for _, k in ipairs { "W", "Win", "Wout" } do
    if not m[k] then error("rnn.from: " .. k .. " is required", 2) end
  end
  local n = m.W:rows()
  local function need(ok, msg) if not ok then error("rnn.from: " .. msg, 3) end end
  need(m.W:cols() == n, "W must be square (n×n), got " .. shape(m.W))
  need(m.Win:rows() == n, ("Win must have n = %d rows (n×inputs), got %s"):format(n, shape(m.Win)))
  need(m.Wout:cols() == n, ("Wout must have n = %d columns (outputs×n), got %s"):format(n, shape(m.Wout)))
  local outs = m.Wout:rows()
  for _, k in ipairs { "b", "x0" } do
    if m[k] and m[k]:rows() * m[k]:cols() == n and m[k]:rows() == 1 then m[k] = m[k]:t() end
    need(not m[k] or (m[k]:rows() == n and m[k]:cols() == 1), ("%s must be n×1 = %dx1, got %s"):format(k, n, m[k] and shape(m[k]) or ""))
  end
  if m.bout and m.bout:rows() == 1 and m.bout:cols() == outs then m.bout = m.bout:t() end
  need(not m.bout or (m.bout:rows() == outs and m.bout:cols() == 1), ("bout must be outputs×1 = %dx1, got %s"):format(outs, m.bout and shape(m.bout) or ""))
  local function scalar(v, k)
    if v == nil then return nil end
    if type(v) == "number" then return v end
    local s = ganglion.tomatrix(v, "rnn.from", k)
    need(s:rows() * s:cols() == 1, k .. " must be a number (or a 1×1 matrix)")
    return s:get(1, 1)
  end
  local net = rnn { n = n, inputs = m.Win:cols(), outputs = outs, tau = scalar(t.tau, "tau"),
                    dt = scalar(t.dt, "dt"), activation = t.activation, noise = scalar(t.noise, "noise") }
  for _, k in ipairs(PARAMS) do
    if m[k] then net[k] = m[k] else net[k] = net[k] * 0 end
  end
  return net
end

-- net:export(path): the parameters as named arrays (.npz or .mat).
local methods = debug.getregistry()["ganglion.rnn.methods"]
if methods then
  function methods.export(net, path)
    if type(path) ~= "string" then error("export: path must be a string (got " .. type(path) .. ")", 2) end
    local low = path:lower()
    if not (low:sub(-4) == ".npz" or low:sub(-4) == ".mat") then
      error("export: path must end in .npz or .mat, got '" .. path .. "'", 2)
    end
    local out = { tau = matrix { { net.tau } }, dt = matrix { { net.dt } } }
    for _, k in ipairs(PARAMS) do out[k] = net[k] end
    matrix.save(path, out)
  end
end

return rnn
