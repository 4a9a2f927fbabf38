# ref_matrix.py — NumPy side of bench_matrix.sh: the same operations on the
# same shapes as bench_matrix.lua, "name ms" lines (best of REPS runs).
import sys, time
import numpy as np

REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
rng = np.random.default_rng(1)
N = 1000
a, b = rng.standard_normal((N, N)), rng.standard_normal((N, N))
row, col = rng.standard_normal((1, N)), rng.standard_normal((N, 1))
pa = np.abs(a) + 0.5
m1, m2 = rng.standard_normal((256, 256)), rng.standard_normal((256, 256))
idx = np.arange(1, 1000, 2)


def bench(name, inner, f):
    f()
    ts = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        for _ in range(inner):
            f()
        ts.append((time.perf_counter() - t0) / inner * 1e3)
    print("%s %.6f" % (name, min(ts)))


def add_inplace():
    a.__iadd__(1e-9)


bench("add", 5, lambda: a + b)
bench("scale", 5, lambda: a * 2.5)
bench("emul", 5, lambda: a * b)
bench("add_row", 5, lambda: a + row)
bench("add_col", 5, lambda: a + col)
bench("exp", 5, lambda: np.exp(a))
bench("tanh", 5, lambda: np.tanh(a))
bench("sqrt", 5, lambda: np.sqrt(pa))
bench("gt", 5, lambda: (a > 0).astype(float))
bench("add_inplace", 5, add_inplace)
bench("sum", 10, lambda: a.sum())
bench("sum1", 10, lambda: a.sum(axis=0, keepdims=True))
bench("mean2", 10, lambda: a.mean(axis=1, keepdims=True))
bench("max", 10, lambda: (a.max(), a.argmax()))
bench("var1", 5, lambda: a.var(axis=0, ddof=1, keepdims=True))
bench("norm", 10, lambda: np.linalg.norm(a))
bench("cumsum1", 5, lambda: a.cumsum(axis=0))
bench("slice_view", 10000, lambda: a[100:900, 100:900])
bench("view_small", 10000, lambda: a[100:110, 100:110])
bench("slice_copy", 5, lambda: a[100:900, 100:900].copy())
bench("take_rows", 5, lambda: a[idx])
bench("transpose", 5, lambda: np.ascontiguousarray(a.T))
bench("hcat", 5, lambda: np.hstack([a, b]))
bench("vcat", 5, lambda: np.vstack([a, b]))
bench("matmul256", 20, lambda: m1 @ m2)
