-- ganglion session
-- ganglion 0.1.0, started 2026-11-29 18:29 UTC, saved from a session
-- [1]
seed(1049063176)
-- [2]
seed(2385)
-- [3]
A = matrix.randn(3, 3)
-- [4]
A
-- [5]
B = A * A:t()
-- [6]
print(B:get(1, 2), B:get(3, 3))
-- [7]
x = {1, 2, 3}
-- [8]
for i, v in ipairs(x) do
  print(i, v * 2.5)
end
-- [9]
matrix{{1, 2}, {3, 4}} * matrix{1, 1}
-- [10]
note("checked symmetric product")
