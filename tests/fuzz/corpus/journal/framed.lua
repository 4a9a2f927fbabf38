-- ganglion session 2
-- ganglion 0.1.0, started 2026-01-01T00:00:00Z, seed 1, pid 42
-- [1] 5 bytes
x = 1
-- [1] ok
-- [2] 24 bytes
for i=1,1e9 do end
x=2
-- [2] error; interrupted at poll 17: interrupted
-- [3] 9 bytes
print(x)
