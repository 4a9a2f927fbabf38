-- ring.lua — Lua-side helpers for ring networks: r:play(activity), the moving
-- bump as an animation (play() from the display functions).
if type(ring) ~= "table" or type(ring.methods) ~= "table" then return end

-- r:play(activity [, {every=k, ...}]) — animates a steps×n activity from
-- r:run; every=k keeps one step in k (a 3000-step run is long to watch).
-- Other options go to play().
local RING_MT = debug.getregistry()["ganglion.ring"]

function ring.methods.play(self, A, opts)
  if getmetatable(self) ~= RING_MT then
    error("ring:play: call it on a ring, r:play(activity) (got " .. type(self) .. ")", 2)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error("ring:play: options must be a table", 2) end
  if A == nil then error("ring:play: activity (steps×n from r:run) is required", 2) end
  A = ganglion.tomatrix(A, "ring:play", "activity")
  if A:cols() ~= self.n then
    error(string.format("ring:play: activity must have %d columns, got %dx%d", self.n, A:rows(), A:cols()), 2)
  end
  local every = opts.every or 1
  if math.type(every) ~= "integer" or every < 1 then error("ring:play: every must be an integer >= 1", 2) end
  if type(play) ~= "function" then error("ring:play: play() is not available", 2) end
  local frames = A
  if every > 1 then
    local k = (A:rows() + every - 1) // every
    frames = A:take(matrix.range(1, A:rows(), every))
  end
  local po = {}
  for key, v in pairs(opts) do if key ~= "every" then po[key] = v end end
  po.title = po.title or string.format("ring: activity over %d units%s", self.n,
                                       every > 1 and string.format(" (every %dth step)", every) or "")
  return play(frames, po)
end
