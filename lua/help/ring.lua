-- Help for the ring attractor network (ring{...}).
return {
  ["ring"] = {
    usage = "ring{n=100, w0=-2, w1=4, h0=1, h1=0.5, T=0, tau=10, dt=1, preset=\"attractor\"|\"notebook\"}",
    text = "Ring network of Ben-Yishai, Bar-Or & Sompolinsky (1995, PNAS 92:3844): n rate units at\n" ..
           "angles theta_i = 2 pi (i-1)/n, rectified-linear rates, Euler steps of dt:\n" ..
           "  tau dr_i/dt = -r_i + [ sum_j W_ij r_j + h0 + c cos(theta_i - psi(t)) - T ]_+\n" ..
           "  W_ij = (w0 + w1 cos(theta_i - theta_j)) / n\n" ..
           "T is the rectification threshold (a unit fires when its input exceeds T); c is the\n" ..
           "cue amplitude (default h1) and psi the cue's peak angle.  w0 < 0 is uniform inhibition.\n" ..
           "Mean field: without a cue a bump r = A[cos(theta - theta0) - cos(thc)]_+ exists when\n" ..
           "w1 (2 thc - sin 2thc)/(4 pi) = 1, which needs w1 > 2: above it the uniform state is\n" ..
           "unstable and the ring breaks symmetry into a bump that stays wherever it is put (a\n" ..
           "continuous attractor); w0 sets its height, A = (h0-T)/(-cos thc - w0 (sin thc -\n" ..
           "thc cos thc)/pi), so w0 must be negative enough.  Defaults (w1=4, w0=-2, h0-T=1)\n" ..
           "give thc = pi/2 (half the ring active), height pi/2 and full width at half height\n" ..
           "2pi/3; a weak cue (h1 = 0.5) places the bump and drags it along when it rotates.\n" ..
           "The state starts at 0: cue the ring first (a uniform start stays uniform).\n" ..
           "Methods: r:run{...}  r:bump(activity)  r:play(activity)  r:meanfield().\n" ..
           "Fields: r.n, the parameters, r.state (n×1, assignable), r.theta (n×1), r.phase (the\n" ..
           "cue angle, assignable).  Preset: ring.notebook (the notebook's input-driven ring).",
    fields = {
      n = "number of units",
      w0 = "uniform weight (negative: inhibition)",
      w1 = "cosine weight",
      h0 = "uniform input",
      h1 = "default cue amplitude",
      T = "rectification threshold",
      tau = "time constant",
      dt = "Euler step",
      phase = "cue phase now, radians",
      state = "rates now, n×1 (assignable)",
      theta = "unit angles 2pi(i-1)/n, n×1 (radians)",
    },
    example = "r = ring{}\ncued = r:run{steps=300, phase=1}       -- cue at 1 rad\n" ..
              "free = r:run{steps=1000, cue=0}         -- cue removed: the bump stays\n" ..
              "b = r:bump(free); print(b.position:get(1000, 1), b.height:get(1000, 1))\nheatmap(free)",
  },
  ["ring.notebook"] = {
    usage = "ring.notebook{...}   (same as ring{preset=\"notebook\", ...})",
    text = "The notebook's parameters: w0=0.9, w1=1, h0=2, h1=1, T=2 (n, tau, dt as the defaults;\n" ..
           "any may be overridden).  They do NOT make an attractor: w1 = 1 is below the threshold\n" ..
           "w1 = 2 for spontaneous symmetry breaking, so the cosine mode of the activity decays\n" ..
           "(time constant tau/(1 - w1/2) = 2 tau while all units are active, faster once some are\n" ..
           "silent) and the profile is only the network's filtered response to the cue.  A rotating\n" ..
           "cue therefore gives an input-driven travelling wave that lags the cue, and when the cue\n" ..
           "is removed the profile disappears (h0 = T: the uniform drive sits at threshold, and the\n" ..
           "uniform mode, gain w0 = 0.9 < 1, decays to zero with time constant tau/(1-w0) = 10 tau).",
    example = "nb = ring.notebook()\nwave = nb:run{steps=600, speed=0.01}\nheatmap(wave)\n" ..
              "gone = nb:run{steps=300, cue=0}\nprint(nb:bump(gone).height:get(300, 1))  --> ~0",
  },
  ["ring:run"] = {
    usage = "r:run{steps=1000, speed=0, cue=r.h1, a0=r.state, phase=r.phase}  -> activity (steps×n)",
    text = "Euler-integrates steps steps.  The cue c cos(theta - psi) has amplitude cue (0 removes it)\n" ..
           "and its peak rotates at speed radians per unit time: during step k it peaks at\n" ..
           "psi = phase + speed (k-1) dt.  phase defaults to where the previous run left the cue\n" ..
           "(pi at first: the middle unit, so a heatmap shows the bump in its middle), so\n" ..
           "consecutive runs continue one another.  a0 (a number or n-vector)\n" ..
           "is the state before step 1; default the last state.  Row k of the result is the\n" ..
           "state after step k.  Each step is O(n): W has rank 3, so W r needs only the sums\n" ..
           "of r, r cos theta and r sin theta.",
    example = "r = ring{}\nr:run{steps=300}\nA = r:run{steps=2000, speed=0.002}\nb = r:bump(A)\nplot(b.unwrapped)",
  },
  ["ring:play"] = {
    usage = "r:play(activity [, {every=k, ...}])",
    text = "Animates a steps×n activity from r:run with play() (the moving bump): in the TUI space\n" ..
           "pauses, arrows step, q stops; in batch mode a few frames are printed.  every=k keeps\n" ..
           "one step in k.  Other options (title, pane, frames) go to play().",
    example = "r = ring{}\nr:run{steps=300}\nA = r:run{steps=2000, speed=0.003}\nr:play(A, {every=20})",
  },
  ["ring:meanfield"] = {
    usage = "r:meanfield()  -> {bump=, half_width=, height=, width=, regime=}",
    text = "The 1995 paper's mean-field bump for r's parameters (n -> infinity, no cue): solves\n" ..
           "w1 (2 thc - sin 2thc)/(4 pi) = 1 for the half-width thc (the active arc is 2 thc), and\n" ..
           "gives the height A(1 - cos thc) and the full width at half height 2 acos((1 + cos thc)/2),\n" ..
           "to compare with r:bump() of a simulated bump.  bump=false (and no half_width, height or\n" ..
           "width) when w1 <= 2 (no bump without input) or when w0 is not inhibitory enough\n" ..
           "(activity runs away); regime says which.",
    example = "r = ring{w1=6, w0=-5}\nshow(r:meanfield())\nr:run{steps=300}\nb = r:bump(r:run{steps=1000, cue=0})\nprint(b.height:get(1000, 1))",
  },
  ["ring:bump"] = {
    usage = "r:bump(activity)   ring.bump(activity)  -> {position=, unwrapped=, width=, height=}",
    text = "Bump statistics of each row of a steps×n activity (or of one n×1 state), each steps×1:\n" ..
           "position: population-vector angle atan2(sum r sin theta, sum r cos theta) in (-pi, pi];\n" ..
           "  NaN for a flat profile (an error when every row is flat: no bump at all).\n" ..
           "unwrapped: the same made continuous (no 2pi jumps).\n" ..
           "width: full width at half height in radians (crossings of min + height/2 on each side\n" ..
           "  of the peak, interpolated between units); 2pi when nothing falls below half height.\n" ..
           "height: max - min of the row.",
    example = "r = ring{}\nr:run{steps=300, phase=-2}\nA = r:run{steps=500, cue=0}\nb = r:bump(A)\n" ..
              "plot(b.position, {title=\"bump position\"})\nprint(b.width:get(500, 1))  --> ~2.09 (2pi/3)",
  },
}
