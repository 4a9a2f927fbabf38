-- harness.lua — TAP-style checks for the Lua API tests (run with ganglion -b).
-- Usage: local T = dofile("tests/lua/harness.lua"); T.ok(x == 1, "x is one"); T.done()
local T = { failures = 0 }

local function report(ok, msg, detail)
  if ok then
    print("ok - " .. msg)
  else
    T.failures = T.failures + 1
    print("not ok - " .. msg .. (detail and ("  (" .. detail .. ")") or ""))
  end
  return ok
end

function T.ok(cond, msg) return report(cond and true or false, msg) end

-- |a-b| <= tol * max(1, |b|)
function T.near(a, b, tol, msg)
  local ok = type(a) == "number" and math.abs(a - b) <= tol * math.max(1, math.abs(b))
  return report(ok, msg, string.format("got %.17g, want %.17g, tol %g", tonumber(a) or 0/0, b, tol))
end

-- fn must raise an error whose message matches pattern (plain find)
function T.raises(fn, pattern, msg)
  local ok, err = pcall(fn)
  if ok then return report(false, msg, "no error raised") end
  err = tostring(err)
  return report(err:find(pattern, 1, true) ~= nil, msg, "error was: " .. err)
end

function T.skip(msg) print("skip - " .. msg) end

function T.done()
  if T.failures > 0 then os.exit(1) end
end

return T
