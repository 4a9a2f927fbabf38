-- test_capture.lua — the notebook keeps a bounded amount of printed output:
-- one huge print is cut to the per-chunk cap and the rest reported as
-- "N bytes elided", so a runaway print cannot grow memory without bound.
local T = dofile("tests/lua/harness.lua")
local path = os.tmpname()
local big = string.rep("x", 3 * 1024 * 1024)   -- 3 MiB in one write
io.write("")                                   -- (stdout is the batch host)
print(big)
big = nil
collectgarbage()
notebook(path)
local f = io.open(path, "rb")
local text = f and f:read("a") or ""
if f then f:close() end
os.remove(path)
T.ok(#text > 1024 * 1024 and #text < 1024 * 1024 + 64 * 1024,
     ("the notebook keeps about 1 MiB of a 3 MiB print (%d bytes)"):format(#text))
local n = tonumber(text:match("_%((%d+) bytes of output elided%)_"))
T.ok(n and n >= 2 * 1024 * 1024 and n < 3 * 1024 * 1024,
     "the notebook says how many bytes were elided (" .. tostring(n) .. ")")
T.done()
