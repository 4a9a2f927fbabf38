-- Help for the behavioural tasks (lua/tasks.lua).
return {
  ["tasks"] = {
    usage = "tasks.NAME{options} -> task   (flipflop decision context timing romo dms sine)",
    text = "A task has fields inputs, outputs, T (steps per trial, for dt=1, tau=10), chance (the best\n" ..
           "score of simple baseline policies at the default options, see tasks.chance) and methods:\n" ..
           "  task:sample(B) -> {u={B T×inputs}, target={B T×outputs}, mask={B T×outputs}, info={...}}\n" ..
           "  task:score(batch, traces) -> fraction of trials solved (traces as net:run returns;\n" ..
           "                               only each trace's y is read)\n" ..
           "Randomness comes from the global generator: after seed(n) samples repeat exactly.\n" ..
           "Unknown options are errors.  A user task is any table with inputs, outputs, T, sample\n" ..
           "and score; it trains the same way (net:train(mytask, {...})).  The definitions are\n" ..
           "plain Lua in lua/tasks.lua: copy one to make a variant.\n" ..
           "Response tasks (decision, context, romo, dms) are scored strictly: a trial counts only if\n" ..
           "|y| < tol (0.5) at every step before the response period (or go cue) AND the mean output\n" ..
           "over the scored response steps is within tol of the target level ±1 (sign and magnitude).\n" ..
           "tasks.baselines(t) lists the baseline policies (constants, input copies, timed constants\n" ..
           "that know when to answer but not what, each task's shortcut); tasks.chance(t [, B=4000])\n" ..
           "-> best score, its policy, all scores.  `ganglion -b scripts/chance.lua` measures them all.",
    example = "seed(1)\nt = tasks.flipflop{T=100}\nb = t:sample(8)\nnet = rnn{n=64, inputs=t.inputs, outputs=t.outputs}\n" ..
              "print(net:score(t))",
  },
  ["task"] = {
    usage = "a task: t = tasks.NAME{...}",
    text = "What tasks.NAME{} returns: a table with the task's sizes and the methods task:sample(B) and task:score(batch, traces). help(\"tasks\") lists the tasks.",
    fields = {
      inputs = "input channels",
      outputs = "output channels",
      T = "steps per trial",
      chance = "best score of the baseline policies at the default options (tasks.chance)",
      name = "the task's name",
    },
    example = "t = tasks.decision{}\nprint(t, t.inputs, t.outputs, t.T)",
  },
  ["task:sample"] = {
    usage = "task:sample(B) -> {u={...}, target={...}, mask={...}, info={...}}",
    text = "Draws B fresh trials from the global generator: lists of B matrices u (T×inputs), target and mask (T×outputs), and info (one table per trial: the task's own trial parameters, read by task:score). After seed(n) the same trials come back.",
    example = "seed(1)\nt = tasks.flipflop{T=100}\nb = t:sample(8)\nplot(b.u[1], {title = \"inputs of trial 1\"})",
  },
  ["task:score"] = {
    usage = "task:score(batch, traces) -> fraction of trials solved",
    text = "Judges each trial of a batch from task:sample by the task's own criterion (see help(\"tasks.NAME\")), given the traces net:run returned for it (only each trace's y is read).",
    example = "t = tasks.flipflop{T=100}\nnet = rnn{n=32, inputs=3, outputs=3, seed=2}\nb = t:sample(16)\nprint(t:score(b, net:run(b)))",
  },
  ["tasks.flipflop"] = {
    usage = "tasks.flipflop{bits=3, T=200, p=0.02, pulse=5, gap=10, settle=5, tol=0.5}",
    text = "3-bit flip-flop memory (Sussillo & Barak 2013).  Input k receives ±1 pulses lasting `pulse`\n" ..
           "steps; after a pulse and a further `gap` steps, a new pulse starts with probability p per\n" ..
           "step.  Output k must hold the sign of the last pulse on input k (0 before the first).\n" ..
           "Mask 0 during each pulse on that channel (the output may switch then), 1 elsewhere.\n" ..
           "Criterion: a trial is solved when every step with a nonzero target, except during a pulse\n" ..
           "and the `settle` steps after it (time to switch, half a tau), has\n" ..
           "|y - target| < tol.  Chance 0.01 (constant outputs, copies of the input: ~0).",
    example = "t = tasks.flipflop{}\nnet = rnn{n=64, inputs=3, outputs=3}\nnet:train(t, {method=\"hf\", iters=100, target=0.95})",
  },
  ["tasks.decision"] = {
    usage = "tasks.decision{fix=10, stim=100, delay=0, resp=30, grace=5, sigma=1,\n" ..
            "               cohs={0, .032, .064, .128, .256, .512}, tol=0.5}",
    text = "Random-dots evidence integration (Shadlen & Newsome 2001; RNN version Song, Yang & Wang\n" ..
           "2016).  Steps: fixation 1..fix, stimulus fix+1..fix+stim, delay, then the response\n" ..
           "period of `resp` steps.  Input 1: fixation cue, 1 until the response period.  Input 2:\n" ..
           "evidence c + sigma*N(0,1) each stimulus step, c = ±coh with coh drawn from cohs.\n" ..
           "Output: 0 before the response, then the sign of the mean evidence actually shown.\n" ..
           "Mask 0 for the first `grace` response steps.  Criterion: |y| < tol at every step before\n" ..
           "the response period, and the mean output over the rest of it within tol of the target\n" ..
           "(±1).  Chance 0.5 (a timed constant).  info: coh, evidence, choice, respond.",
    example = "t = tasks.decision{sigma=0.5}\nnet = rnn{n=64, inputs=2, outputs=1}",
  },
  ["tasks.context"] = {
    usage = "tasks.context{fix=10, stim=80, delay_min=10, delay_max=30, go=3, resp=25, grace=5,\n" ..
            "              sigma=1, cohs={.05, .15, .5}, tol=0.5}",
    text = "Context-dependent integration (Mante, Sussillo, Shenoy & Newsome 2013).  Inputs: 1 motion\n" ..
           "and 2 colour evidence (each ±coh + sigma*N(0,1) during the stimulus, independent signs\n" ..
           "and coherences), 3 motion-context and 4 colour-context cue (one is 1 for the whole\n" ..
           "trial), 5 go cue (1 for `go` steps after a delay drawn from delay_min..delay_max after\n" ..
           "the stimulus).  Output: 0 until the go cue, then for `resp` steps the sign of the mean\n" ..
           "evidence of the cued modality; steps after that are padding (mask 0).  Mask 0 also for\n" ..
           "the first `grace` response steps.  T = fix+stim+delay_max+resp.  Criterion: |y| < tol at\n" ..
           "every step before the go cue, and the mean output over the scored response steps within\n" ..
           "tol of the target (±1).  Chance 0.75: a context-blind policy (always answer the motion\n" ..
           "evidence, perfectly integrated) is right in every motion trial and half the colour ones;\n" ..
           "only a score well above 0.75 shows the context is used.",
    example = "t = tasks.context{}\nnet = rnn{n=64, inputs=5, outputs=1}",
  },
  ["tasks.timing"] = {
    usage = "tasks.timing{ready_min=5, ready_max=20, min=20, max=50, pulse=2, after=30, tol=0.15,\n" ..
            "             level=0.5}",
    text = "Ready-set-go interval reproduction (Jazayeri & Shadlen 2010; RNN version Remington et al.\n" ..
           "2018).  Input 1 pulses (for `pulse` steps) at ready, drawn from ready_min..ready_max;\n" ..
           "input 2 pulses at set = ready + D, D drawn from min..max steps.  Output: 0 until\n" ..
           "go = set + D, then 1 to the end of the trial.  Mask 1 everywhere.\n" ..
           "T = ready_max + 2*max + after.  Criterion: |y| < level (0.5) up to set, the output first\n" ..
           "exceeds level within tol*D + 1 steps of go, and its mean from that crossing to the end\n" ..
           "is within level of 1.  Chance 0.49: a fixed interval (go at set + 40, ignoring D) lands\n" ..
           "within the tolerance for the longer intervals.",
    example = "t = tasks.timing{}\nnet = rnn{n=64, inputs=2, outputs=1}",
  },
  ["tasks.romo"] = {
    usage = "tasks.romo{fix=10, f1=20, delay=40, f2=20, resp=25, grace=5, df=8, sigma=0,\n" ..
            "           freqs={10,14,18,22,26,30,34}, tol=0.5}",
    text = "Parametric working memory (Romo, Brody, Hernández & Lemus 1999; RNN version Song, Yang &\n" ..
           "Wang 2016).  Two vibration frequencies f1 then f2 (Hz; f1 from freqs, f2 = f1 ± df within\n" ..
           "the range) are shown for f1 and f2 steps, separated by `delay` steps.  Input 1: fixation,\n" ..
           "1 until the response.  Inputs 2 and 3: (f - fmin)/(fmax - fmin) and its complement\n" ..
           "(+ sigma*N(0,1)) during each stimulus.  Output: 0, then in the response period +1 if\n" ..
           "f1 > f2 else -1.  Criterion: |y| < tol before the response and the mean response output\n" ..
           "within tol of ±1.  Chance 0.71: a one-frequency rule (+1 if f1 > 28) is right whenever\n" ..
           "f1 alone decides (edges of the range) and in half the rest.",
    example = "t = tasks.romo{delay=60}",
  },
  ["tasks.dms"] = {
    usage = "tasks.dms{K=4, fix=10, sample=20, delay=40, test=20, resp=25, grace=5, sigma=0, tol=0.5}",
    text = "Delayed match-to-sample (Miller, Erickson & Desimone 1996; RNN version Yang et al. 2019).\n" ..
           "Input 1: fixation, 1 until the response.  Inputs 2..K+1: the sample stimulus (one-hot) for\n" ..
           "`sample` steps, a delay, then the test stimulus for `test` steps, equal to the sample with\n" ..
           "probability 1/2.  Output: 0, then +1 for a match and -1 otherwise in the response period.\n" ..
           "Criterion: |y| < tol before the response and the mean response output within tol of ±1.\n" ..
           "Chance 0.5 (a timed constant).",
    example = "t = tasks.dms{K=8}",
  },
  ["tasks.sine"] = {
    usage = "tasks.sine{T=200, J=11, wmin=0.05, wmax=0.2, settle=10, tol=0.1}",
    text = "Frequency-cued sine generation (Sussillo & Abbott 2009; Sussillo & Barak 2013).  A\n" ..
           "constant input j/J + 0.25 selects the j-th of J angular frequencies w evenly spaced in\n" ..
           "[wmin, wmax] (radians per step); the output must be sin(w*t), t = 1..T.  The first\n" ..
           "`settle` steps are masked.  Criterion: normalised squared error\n" ..
           "sum (y - sin)^2 / sum sin^2 over the masked steps < tol.  Chance 0.09: one fixed\n" ..
           "frequency, right for 1 of J.",
    example = "t = tasks.sine{J=5}",
  },
  ["tasks.baselines"] = {
    usage = "tasks.baselines(task) -> {{name=, run=function(batch) -> traces}, ...}",
    text = "The baseline policies behind each task's chance: constant outputs -1, 0, 1; outputs that\n" ..
           "copy one input (either sign); for response tasks, timed constants (0 until the response,\n" ..
           "then ±1); and the task's own shortcut: context-blind answers (context), one-frequency\n" ..
           "rules (romo), fixed intervals (timing), one fixed frequency (sine).",
    example = "t = tasks.context{}\nfor _, p in ipairs(tasks.baselines(t)) do print(p.name) end",
  },
  ["tasks.chance"] = {
    usage = "tasks.chance(task [, B=4000]) -> best score, best policy's name, {{name=, score=}, ...}",
    text = "Scores every baseline policy (tasks.baselines) on B fresh trials; the best is the task's\n" ..
           "chance level.  task.chance holds it for the default options; measure it again when you\n" ..
           "change them.  `ganglion -b scripts/chance.lua [--trials N] [--check]` does it for every task.",
    example = "seed(1)\nprint(tasks.chance(tasks.romo{}, 500))",
  },
}
