#!/usr/bin/python3
"""ref_grad_torch.py — PyTorch CPU float64 reference for bench_grad: one full
BPTT gradient of the ganglion rnn (B=64, T=200) by autograd.
Usage: ref_grad_torch.py n threads [reps]; prints "n threads median_ms"."""
import sys, time
import torch

def main():
    n = int(sys.argv[1]); nth = int(sys.argv[2]); reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    torch.set_num_threads(nth)
    B, T, ni, no, alpha = 64, 200, 3, 3, 0.1
    g = torch.Generator().manual_seed(1)
    dt = torch.float64
    W = (1.5 / n ** 0.5 * torch.randn(n, n, generator=g, dtype=dt)).requires_grad_()
    Win = torch.randn(n, ni, generator=g, dtype=dt).requires_grad_()
    b = torch.zeros(n, dtype=dt, requires_grad=True)
    Wout = (torch.randn(no, n, generator=g, dtype=dt) / n ** 0.5).requires_grad_()
    bout = torch.zeros(no, dtype=dt, requires_grad=True)
    x0 = torch.zeros(n, dtype=dt, requires_grad=True)
    u = torch.randn(T, B, ni, generator=g, dtype=dt)
    tg = torch.randn(T, B, no, generator=g, dtype=dt)
    mask = torch.ones(T, B, no, dtype=dt)
    params = [W, Win, b, Wout, bout, x0]

    def grad():
        for p in params:
            p.grad = None
        # all steps' input drive at once; unbind (not drive[t]) so autograd
        # does not build a full-size zero tensor per step in backward
        drive = (torch.matmul(u, Win.t()) + b).unbind(0)
        x = x0.expand(B, n)
        r = torch.tanh(x)
        rs = []
        for t in range(T):
            x = torch.addmm(drive[t], r, W.t(), beta=alpha, alpha=alpha) + (1 - alpha) * x
            r = torch.tanh(x)
            rs.append(r)
        y = torch.matmul(torch.stack(rs), Wout.t()) + bout
        loss = (mask * (y - tg) ** 2).sum() / mask.sum()
        loss.backward()
        return loss

    grad()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        grad()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    print("%d %d %.3f" % (n, nth, 1e3 * ts[len(ts) // 2]))

main()
