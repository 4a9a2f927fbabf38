-- linear.lua — Lua-side helpers for linear networks: lin:phase(v), the phase
-- portrait of a trajectory with the eigenvectors drawn through the fixed point.
if type(linear) ~= "table" or type(linear.methods) ~= "table" then return end

local methods = linear.methods
local LINEAR_MT = debug.getregistry()["ganglion.linear"]

local function entry(m, i, j) return m:get(i, j or 1) end

-- The segments drawn for each eigenvector: through `c` (the fixed point),
-- of half-length `len`, projected on the plotted dimensions (i, j).  A
-- complex pair is shown once, by the real and imaginary parts of its
-- vector (the plane the oscillation turns in).
local function eigen_lines(ev, n, i, j, cx, cy, len)
  local lines = {}
  local function add(dx, dy, label)
    local norm = math.sqrt(dx * dx + dy * dy)
    if norm < 1e-12 then return end            -- orthogonal to the plotted plane
    dx, dy = dx / norm * len, dy / norm * len
    lines[#lines + 1] = { x = { cx - dx, cx + dx }, y = { cy - dy, cy + dy }, label = label }
  end
  for k = 1, n do
    local re, im, tau = entry(ev.values, k), entry(ev.imag, k), entry(ev.tau, k)
    if im == 0 then
      add(entry(ev.vectors, i, k), entry(ev.vectors, j, k),
          string.format("e%d lam=%.3g tau=%.3g", k, re, tau))
    elseif im > 0 then
      add(entry(ev.vectors, i, k), entry(ev.vectors, j, k),
          string.format("Re e%d lam=%.3g%+.3gi", k, re, im))
      add(entry(ev.vectors_imag, i, k), entry(ev.vectors_imag, j, k),
          string.format("Im e%d tau=%.3g", k, tau))
    end
  end
  return lines
end

-- lin:phase(v [, {dims={1,2}, h=, center=, title=, ...}])
-- v is a trajectory from lin:run (T×n).  Draws v[:,i] against v[:,j] with
-- each eigenvector as a line through the fixed point (I−M)⁻¹h (h: the
-- constant input, a number or n-vector; default 0, so the origin; or give
-- center= directly).  Other options go to phase().  Returns the eigenvector
-- lines {{x={x1,x2}, y={y1,y2}, label=}, ...} so they can be reused.
function methods.phase(self, v, opts)
  if getmetatable(self) ~= LINEAR_MT then
    error("linear:phase: call it on a linear network, lin:phase(v) (got " .. type(self) .. ")", 2)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("linear:phase: options must be a table", 2) end
  if v == nil then error("linear:phase: v (a T×n trajectory from lin:run) is required", 2) end
  local n = self.n
  if n < 2 then error("linear:phase: a phase plot needs n >= 2 units, this network has 1", 2) end
  v = ganglion.tomatrix(v, "linear:phase", "v")
  if v:cols() ~= n then
    error(string.format("linear:phase: v must be T×%d, got %dx%d", n, v:rows(), v:cols()), 2)
  end
  local dims = opts.dims or { 1, 2 }
  if type(dims) ~= "table" then error("linear:phase: dims must be a pair of unit indices {i, j}", 2) end
  local i, j = dims[1], dims[2]
  if math.type(i) ~= "integer" or math.type(j) ~= "integer" or i < 1 or j < 1 or i > n or j > n or i == j then
    error(string.format("linear:phase: dims must be two different unit indices in 1..%d", n), 2)
  end
  local c
  if opts.center ~= nil then
    if type(opts.center) == "number" then
      c = matrix.full(n, 1, opts.center)
    else
      local cm = ganglion.tomatrix(opts.center, "linear:phase", "center")
      if cm:rows() * cm:cols() ~= n then error("linear:phase: center must have " .. n .. " entries", 2) end
      c = cm:flatten()
    end
  else
    local ok, fp = pcall(self.fixed, self, opts.h or 0)
    if not ok and not tostring(fp):find("singular", 1, true) then error(fp, 2) end
    c = ok and fp or matrix(n, 1)                 -- no unique fixed point: the origin
  end
  local cx, cy = c:get(i, 1), c:get(j, 1)
  -- half-length: reach the farthest trajectory point, so lines span the plot
  local len = 0
  for t = 1, v:rows() do
    local dx, dy = v:get(t, i) - cx, v:get(t, j) - cy
    len = math.max(len, math.sqrt(dx * dx + dy * dy))
  end
  if len == 0 then len = 1 end
  local lines = eigen_lines(self:eig(), n, i, j, cx, cy, len)
  if type(phase) == "function" then
    local po = {}
    for k, val in pairs(opts) do
      if k ~= "dims" and k ~= "h" and k ~= "center" then po[k] = val end
    end
    po.title = po.title or "linear network: trajectory and eigenvectors"
    po.xlabel = po.xlabel or ("v" .. i)
    po.ylabel = po.ylabel or ("v" .. j)
    po.lines = lines
    phase(v:col(i), v:col(j), po)
  end
  return lines
end
