#!/usr/bin/python3
"""torch_grad.py — independent PyTorch float64 reference for the rnn loss,
BPTT gradient and Gauss-Newton product, used by tests/core/test_rnn_torch.c.

Usage: torch_grad.py DIR.  DIR holds meta.txt ("n nin nout B T tau dt act
sdamp"), params.bin (flat W, Win, b, Wout, bout, x0, row-major float64),
u.bin / target.bin / mask.bin (time-major [T][B][k]) and v.bin (direction);
writes loss.txt, grad.bin and gv.bin.  Exits 77 when torch is missing."""
import os, sys

try:
    import numpy as np
    import torch
except ImportError as e:
    print("skip - torch or numpy not available (%s)" % e)
    sys.exit(77)

def main(d):
    meta = open(os.path.join(d, "meta.txt")).read().split()
    n, ni, no, B, T = map(int, meta[:5])
    tau, dt = float(meta[5]), float(meta[6])
    act, sdamp = meta[7], float(meta[8])
    rd = lambda name: torch.from_numpy(np.fromfile(os.path.join(d, name), dtype="<f8"))
    p = rd("params.bin")
    sizes = [n * n, n * ni, n, no * n, no, n]
    shapes = [(n, n), (n, ni), (n,), (no, n), (no,), (n,)]
    u = rd("u.bin").reshape(T, B, ni)
    tg = rd("target.bin").reshape(T, B, no)
    mask = rd("mask.bin").reshape(T, B, no)
    v = rd("v.bin")
    f = {"tanh": torch.tanh, "relu": torch.relu,
         "softplus": lambda z: torch.nn.functional.softplus(z, threshold=50)}[act]
    a = dt / tau

    def unflat(q):
        out, k = [], 0
        for s, sh in zip(sizes, shapes):
            out.append(q[k:k + s].reshape(sh)); k += s
        return out

    def outputs(q):
        """y (T,B,no) and r (T,B,n) by the model equations of help("rnn"), trial by trial
        in one tensor — written independently of ganglion's code."""
        W, Win, b, Wout, bout, x0 = unflat(q)
        x = x0.unsqueeze(0).repeat(B, 1)
        ys, rs = [], []
        for t in range(T):
            x = x + a * (-x + f(x) @ W.T + u[t] @ Win.T + b)
            r = f(x)
            rs.append(r)
            ys.append(r @ Wout.T + bout)
        return torch.stack(ys), torch.stack(rs)

    q = p.clone().requires_grad_()
    y, _ = outputs(q)
    M = mask.sum()
    loss = (mask * (y - tg) ** 2).sum() / M
    loss.backward()
    g = q.grad.detach().numpy()

    # Gauss-Newton product: forward-mode J v (jvp), then Jᵀ (H J v) by vjp
    def both(q):
        y, r = outputs(q)
        return y, r
    (y0, r0), (jy, jr) = torch.autograd.functional.jvp(both, p, v)
    _, vjp = torch.autograd.functional.vjp(both, p, (2 / M * mask * jy, 2 / M * sdamp * jr))
    open(os.path.join(d, "loss.txt"), "w").write("%.17g\n" % loss.item())
    g.astype("<f8").tofile(os.path.join(d, "grad.bin"))
    vjp.detach().numpy().astype("<f8").tofile(os.path.join(d, "gv.bin"))

main(sys.argv[1])
