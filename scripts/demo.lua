-- demo.lua — a guided first session: `make run` replays it in the notebook.
-- Each chunk below runs as if typed at the prompt; then the prompt is yours.
note("ganglion demo: matrices, a spiking population, a ring attractor, a trained RNN")
seed(2024)
A = matrix.randn(4, 4)
A * A:t()
help()
