#!/usr/bin/python3
"""ref_lif_numpy.py — the LIF benchmark network of bench_lif.c as a vectorised
NumPy loop (same exact propagators), timed build + run.  Single-threaded
(NumPy's element-wise operations run on one core).  A configuration is
n:p[:f]; f > 0 sends that fraction of each recurrent weight to the NMDA
current, scaled by the Jahr-Stevens Mg block at the target's V."""
import sys
import time

import numpy as np


def build_and_run(n, p, T, f=0.0, dt=0.1, mg=0.7):
    t0 = time.perf_counter()
    vrest, vth, taum, R, ta, tn, tref = -72.3, -48.6, 24.5, 353.0, 6.3, 81.5, 1.9
    rng = np.random.default_rng(1)
    I = 0.05 + 0.05 * np.arange(n) / max(n - 1, 1)
    if p > 0:
        rows = []
        for j in range(n):
            t = np.flatnonzero(rng.random(n) < p)
            rows.append(t[t != j])
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(r) for r in rows])
        indices = np.concatenate(rows)
    em, ea, en = np.exp(-dt / taum), np.exp(-dt / ta), np.exp(-dt / tn)
    pa = ta / (ta - taum) * (ea - em)
    pn = tn / (tn - taum) * (en - em)
    nref = int(round(tref / dt))
    v = np.full(n, vrest)
    ia = np.zeros(n)
    inm = np.zeros(n)
    ref = np.zeros(n, dtype=np.int64)
    vinf = vrest + R * I
    t1 = time.perf_counter()
    nspikes = 0
    fired = np.zeros(0, dtype=np.int64)
    for k in range(int(round(T / dt))):
        if p > 0 and fired.size:
            tg = np.concatenate([indices[indptr[j]:indptr[j + 1]] for j in fired])
            cnt = np.bincount(tg, minlength=n)
            if f > 0:
                ia += (1 - f) * 0.0002 * cnt
                inm += f * 0.0002 * cnt / (1 + mg / 3.57 * np.exp(-v / 16.13))
            else:
                ia += 0.0002 * cnt
        vn = vinf + (v - vinf) * em + R * (pa * ia + pn * inm)
        refr = ref > 0
        vn[refr] = vrest
        ref[refr] -= 1
        s = vn > vth
        vn[s] = vrest
        ref[s] = nref
        v = vn
        ia *= ea
        inm *= en
        fired = np.flatnonzero(s)
        nspikes += fired.size
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, nspikes, (indptr[-1] if p > 0 else 0)


def main():
    configs = [tuple(float(x) for x in (a + ":0").split(":")[:3]) for a in sys.argv[1:]] or \
        [(300, 0.0, 0), (300, 0.1, 0), (10000, 0.0, 0), (10000, 0.1, 0)]
    for n, p, f in configs:
        n = int(n)
        build, run, spikes, nsyn = build_and_run(n, p, 1000.0, f)
        print("numpy n=%d p=%g f=%g threads=1 build=%.4f run=%.4f total=%.4f spikes=%d synapses=%d"
              % (n, p, f, build, run, build + run, spikes, nsyn), flush=True)


if __name__ == "__main__":
    main()
