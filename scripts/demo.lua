-- demo.lua — a guided first session: `make run` replays it in the notebook,
-- each chunk shown as if typed; then the prompt is yours (help() lists topics).
note("ganglion demo: matrices, a spiking population, a ring attractor, a trained RNN")
seed(2024)
-- Matrices: large ones print as a summary; * is the matrix product.
A = matrix.randn(4, 4)
print(A * A:t())
-- The screen: figures go to panes above the prompt; F2 zooms one, F3 picks the next,
-- PgUp/PgDn scroll this pane, help("keys") lists every key.
layout("1x2")
-- 40 neurons, each with its own constant drive, plus Poisson input spikes (20 channels at
-- 20 Hz through random synapses): irregular firing at ~20 Hz, not a population in lockstep.
pop = lif{n = 40, inputs = 20, p_in = 0.2, w_in = 0.03}
res = pop:run{T = 300, dt = 0.1, I = 0.05 + 0.04 * matrix.rand(40, 1), rates = 20}
raster(res.spikes, {title = "40 LIF neurons, Poisson input", pane = 1})
plot(res.V:col(1), {title = "membrane potential of neuron 1 (mV)", xlabel = "step", pane = 2})
-- A ring attractor: the bump follows a slowly rotating cue, through the middle of the ring.
net = ring{}
act = net:run{steps = 300, speed = 0.005, phase = math.pi - 0.75}
layout("2x2")
heatmap(act, {title = "ring: activity, steps x units", pane = 3})
-- A rate RNN trained on random-dots evidence integration (Ctrl-C stops, keeping the best).
task = tasks.decision{}
rn = rnn{n = 64, inputs = task.inputs, outputs = task.outputs}
hist = rn:train(task, {method = "adam", iters = 100, lr = 0.002})
plot(hist.loss, {title = "training loss", xlabel = "iteration", pane = 4})
print("score on 200 new trials", rn:score(task))
tr = rn:run(task:sample(1).u[1])
print("PCs for 90% variance", npcs(tr.r, 0.9), "participation ratio", participation(tr.r))
pane(4)
play(act, {title = "the bump moves with the cue"})   -- space pauses, arrows step, q stops
help()
