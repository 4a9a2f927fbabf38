-- Help for training (src/lua/optim/l_train.c).
return {
  ["rnn:train"] = {
    usage = "net:train(task, {method=\"hf\"|\"adam\"|\"cg\"|\"cg_fr\"|\"bfgs\", iters=, batch=, target=, ...}) -> history",
    text = "Trains the network on a task (tasks.NAME{} or your own table with inputs, outputs, T,\n" ..
           "sample and score).  hf and adam draw a fresh batch of `batch` trials every iteration\n" ..
           "(task:sample); cg, cg_fr and bfgs minimise the loss of one fixed batch.\n" ..
           "Methods:\n" ..
           "  hf    Hessian-free (Martens 2010; Martens & Sutskever 2011): Gauss-Newton products on a\n" ..
           "        curvature batch of `cbatch` trials (default batch/2), preconditioned CG warm-started\n" ..
           "        from the last direction × decay, CG backtracking and the reduction ratio on the\n" ..
           "        curvature batch's loss, an Armijo line search on the batch's, Levenberg-Marquardt\n" ..
           "        damping (lambda ×3/2 when the reduction ratio < 1/4, ×2/3 when > 3/4), structural\n" ..
           "        damping mu.\n" ..
           "        Options: lambda=1, mu=1/30, decay=0.95, max_cg=100, min_cg=10.  Defaults iters=200, batch=128.\n" ..
           "  adam  lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, clip=1 (gradient-norm clipping; 0 off).\n" ..
           "        Defaults iters=2000, batch=32.\n" ..
           "  cg    GSL conjugate_pr; cg_fr GSL conjugate_fr; bfgs GSL vector_bfgs2.  step=0.01 (first\n" ..
           "        step), tol=0.1 (line search).  Defaults iters=500, batch=128.\n" ..
           "Common options: target (stop once the score reaches it), score_every (default 1; adam 10),\n" ..
           "score_batch (fresh trials scored, default batch), gtol (stop when |grad| <= gtol),\n" ..
           "threads (slices of each batch, 1 or 2, default 2: they fix the sums, so results are the same\n" ..
           "on any machine; two slices run on two threads when the process may use two CPUs),\n" ..
           "monitor (default 100), monitor_every.\n" ..
           "Progress (loss, score, iteration, time left) shows in the status line, or on stderr in\n" ..
           "batch mode (a line every 2 s).  Called from your own code (not from condense), training\n" ..
           "draws a live view in the current pane, at most 4 times a second: the loss on a log axis\n" ..
           "against iterations over the score against wall time; the final view stays (in the pane's\n" ..
           "history, the notebook and for savefig) and one summary line is printed: iterations,\n" ..
           "seconds, final and best loss, score, why it stopped.\n" ..
           "Returns {loss={...}, score={...}, time={...} (seconds since start), iters=,\n" ..
           "stopped=\"target\"|\"converged\"|\"nan\"|\"diverged\"|\"exploded\"|false, best_loss=, best_iter=,\n" ..
           "seconds= (wall), score_seconds= (the part of seconds spent scoring), method=, rollbacks=}\n" ..
           "(hf adds lambda={...} and cg={...}, CG steps per iteration), and profile= -- where the\n" ..
           "wall time went: sample= (seconds in task:sample), and {seconds=, calls=} for grad, loss,\n" ..
           "curvature, gv (Gauss-Newton products), sqgrad (hf's preconditioner) and closs (hf's\n" ..
           "losses on the curvature batch, which choose among its CG iterates) as used.\n" ..
           "score[i] is the last score\n" ..
           "computed at or before iteration i.  The net ends with the final parameters.\n" ..
           "loss[i] is each method's own number (hf: after its step, on the batch it fitted; adam:\n" ..
           "before its step), so use history.monitor to compare methods: monitor={iter=, loss=, time=,\n" ..
           "trials=, batch=} holds the loss on one fixed monitoring batch of `monitor` trials\n" ..
           "(default 100; 0 turns it off; drawn from a side stream, so training batches and results\n" ..
           "are the same with or without it) at the start (iter 0), after every `monitor_every`-th\n" ..
           "iteration (default adam 10, else 1) and the last, at the parameters the method holds\n" ..
           "then, with the training time in wall seconds (scoring and monitoring excluded).\n" ..
           "monitor_seconds= is the time monitoring took.  Overlay methods with\n" ..
           "plot({ha.monitor.loss, hb.monitor.loss}, {x={matrix(ha.monitor.time), matrix(hb.monitor.time)}}).\n" ..
           "Ctrl-C stops training and the chunk, also partway through one long pass (a big net or\n" ..
           "long trials; also inside its weight-gradient products); the net keeps the parameters with the lowest loss seen.  Divergence -- a NaN or Inf loss, or one more than 10x the best so far (and above\n" ..
           "the first) -- rolls back to the best parameters and cuts the step (adam: lr/10; hf: lambda\n" ..
           "x10; cg/bfgs: step/10), saying so once; rollbacks counts the events.  Five events within\n" ..
           "50 iterations stop training (stopped=\"nan\" when the last was non-finite, else\n" ..
           "\"diverged\") with the best parameters.  A last step that diverged is undone too.\n" ..
           "A start whose loss is over 1000x that of an all-zero output (the activity explodes, e.g.\n" ..
           "relu with g = 20) is told at once; if after 10 iterations the best loss is still that\n" ..
           "high and has not fallen 1000-fold, training stops (stopped=\"exploded\", best kept).",
    example = "seed(1)\nt = tasks.flipflop{T=100}\nnet = rnn{n=64, inputs=3, outputs=3}\n" ..
              "h = net:train(t, {method=\"hf\", iters=100, target=0.95})\n" ..
              "print(h.iters, h.loss[#h.loss], net:score(t))\nplot(h.loss)",
  },
  ["rnn:score"] = {
    usage = "net:score(task [, B=200]) -> fraction",
    text = "Runs the network (without noise) on B fresh trials of the task and returns the fraction\n" ..
           "solved by the task's criterion (task:score).  The traces handed to task:score, here and\n" ..
           "during training, hold y only (T×outputs); use net:run for x and r.",
    example = "print(net:score(tasks.flipflop{}, 500))",
  },
}
