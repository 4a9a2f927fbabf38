-- ganglion session 0.1.0
-- [1] 2026-01-01T00:00:00Z
x = 1
-- [2] 2026-01-01T00:00:01Z
print(x)
-- [3] error
error("e")
