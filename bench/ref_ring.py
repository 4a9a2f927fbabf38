# ref_ring.py — NumPy reference for bench_ring.sh: the ring network's Euler
# loop, 1000 steps at n = 100 and 1000, as a notebook would write it (dense
# W @ r) and with the rank-3 factorisation; prints "case n ms" lines.
import sys
import time
import numpy as np


def run(n, steps, dense, W=None):
    w0, w1, h0, h1, T, tau, dt = -2.0, 4.0, 1.0, 0.5, 0.0, 10.0, 1.0
    th = 2 * np.pi * np.arange(n) / n
    cs, sn = np.cos(th), np.sin(th)
    r = np.zeros(n)
    out = np.empty((steps, n))
    k = dt / tau
    for s in range(steps):
        psi = 1.0 + 0.001 * s * dt
        cue = h1 * (np.cos(psi) * cs + np.sin(psi) * sn)
        if dense:
            u = W @ r
        else:
            u = (w0 * r.sum() + w1 * (cs * (cs @ r) + sn * (sn @ r))) / n
        r = r + k * (np.maximum(u + h0 + cue - T, 0) - r)
        out[s] = r
    return out


def median_ms(f, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return 1e3 * ts[len(ts) // 2]


reps = int(sys.argv[1]) if len(sys.argv) > 1 else 15
for n in (100, 1000):
    th = 2 * np.pi * np.arange(n) / n
    W = (-2.0 + 4.0 * np.cos(th[:, None] - th[None, :])) / n
    run(n, 50, True, W)
    print("numpy_dense %d %.4f" % (n, median_ms(lambda: run(n, 1000, True, W), reps)))
    print("numpy_structured %d %.4f" % (n, median_ms(lambda: run(n, 1000, False), reps)))
