-- Help for the display functions: plot, raster, heatmap, phase, bars, pane, layout, play.
local common = "Common options: title=, xlabel=, ylabel=, pane=k (draw in pane k), height= (lines when\n" ..
  "printed in batch mode), xmin= xmax= ymin= ymax= (fixed axis limits), text=true (return the\n" ..
  "rendered text instead of showing it; width= and ascii= choose its size and characters).\n" ..
  "Figures keep their data and redraw when the window is resized or a pane is zoomed.\n" ..
  "In batch mode (-b, -e) figures print to stdout, $COLUMNS (or 80) wide; with --ascii or a\n" ..
  "non-UTF-8 locale only ASCII characters are used."

return {
  ["plot"] = {
    usage = "plot(y [, opts])   y: a vector, a matrix (one line per column), or a list of them",
    text = "Line traces in braille (2x4 dots per character cell).  Each column of a matrix is one\n" ..
           "series; a list {v1, m2, ...} draws every vector and every matrix column (lengths may\n" ..
           "differ).  Note that a table of tables is read as such a list, so write matrix{{..}} for a\n" ..
           "matrix given by rows.  Options: labels={...} (legend, one per series), x= (x values,\n" ..
           "same length as each series; default 1..n).  Ranges are automatic: NaN leaves a gap,\n" ..
           "+-Inf is drawn at the edge, constant data gets a range around it.  Series longer than\n" ..
           "the pane is wide keep each column's min and max, so a single spike is never lost.\n" ..
           common,
    example = "tr = net:run(batch.u[1])\nplot(tr.y, {title = \"outputs\", labels = {\"bit 1\", \"bit 2\", \"bit 3\"}, xlabel = \"step\"})\n" ..
              "plot({tr.r:col(1), tr.r:col(2)}, {x = tr.t, pane = 2})",
  },
  ["raster"] = {
    usage = "raster(spikes [, opts])   spikes: {{t=, i=}, ...} or a run result (uses its .spikes)",
    text = "Spike raster: neurons up the y axis (neuron 1 at the bottom), time along x.  Given a\n" ..
           "lif run result, n and T come from the run; otherwise from the data.  With more neurons\n" ..
           "or time bins than the pane has dots they are binned: a dot means at least one spike.\n" ..
           "Options: n= (neurons), T= (time span [0, T], ms)." .. "\n" .. common,
    example = "r = lif{n = 50}:run{T = 500, I = 1.2}\nraster(r, {title = \"50 LIF neurons\"})",
  },
  ["heatmap"] = {
    usage = "heatmap(m [, opts])",
    text = "A matrix as an image, row 1 at the top and column 1 at the left, with a colour bar\n" ..
           "labelled with the min and max.  Colour terminals get coloured half blocks (two rows per\n" ..
           "character); otherwise a shade ramp (ASCII: \" .:-=+*#%@\").  Larger matrices are averaged\n" ..
           "into cells; NaN cells stay blank.  Options min=, max= fix the colour scale (values beyond\n" ..
           "take the end colours), e.g. to compare two heatmaps." .. "\n" .. common,
    example = "heatmap(net.W, {title = \"recurrent weights\"})\nheatmap(similarity(tr, \"corr\"))",
  },
  ["phase"] = {
    usage = "phase(x, y [, opts])   phase(m [, opts])   m: a T×2 matrix (x, y columns)",
    text = "Phase plot: the trajectory (x(t), y(t)), its start marked 'o' and its end '*'.\n" ..
           "Option lines={...}: extra lines, each {x=, y=, label=} or a T×2 matrix (eigenvectors,\n" ..
           "nullclines, a second trajectory)." .. "\n" .. common,
    example = "p = pca(tr.r)\nphase(p.scores:col(1), p.scores:col(2), {xlabel = \"PC1\", ylabel = \"PC2\"})",
  },
  ["bars"] = {
    usage = "bars(v [, opts])",
    text = "Bar chart of a vector.  Bars are horizontal with labels and values when they fit one per\n" ..
           "line, else vertical columns (many bars share a column: the largest magnitude shows).\n" ..
           "Negative values extend the other way from zero.  Option labels={...} (one per bar;\n" ..
           "default the index)." .. "\n" .. common,
    example = "p = pca(tr.r)\nbars(p.explained, {title = \"variance explained\"})\n" ..
              "bars({0.91, 0.64, -0.2}, {labels = {\"hf\", \"adam\", \"cg\"}})",
  },
  ["pane"] = {
    usage = "pane(k)",
    text = "Chooses the pane (1-based, numbered left to right, top to bottom) where the next figure\n" ..
           "goes.  The option pane=k of a display function does the same for one figure.",
    example = "layout(\"1x2\")\npane(1); plot(tr.y)\nr = lif{n = 50}:run{T = 300, I = 1.2}\npane(2); raster(r)",
  },
  ["layout"] = {
    usage = "layout(\"1\" | \"1x2\" | \"2x1\" | \"2x2\")",
    text = "Arranges the plot panes: one, two side by side (1x2), two stacked (2x1), or a 2x2 grid.\n" ..
           "Figures already shown are kept where they fit.  In batch mode it only checks the spec.",
    example = "layout(\"2x2\")\nfor k = 1, 4 do plot(tr.r:col(k), {pane = k, title = \"unit \" .. k}) end",
  },
  ["play"] = {
    usage = "play(activity [, opts])   activity: steps×n matrix",
    text = "Animates an activity in a pane with a time cursor: with n = 2 columns the trajectory in\n" ..
           "the plane grows step by step; otherwise each row is drawn against unit index on a fixed\n" ..
           "y range (the ring's moving bump).  Keys: space pauses, left/right step, Home/End jump,\n" ..
           "q stops.  In batch mode (or with text=true, which returns a list of strings) a few\n" ..
           "evenly spaced frames are printed instead; option frames= sets how many (default 4).\n" ..
           common,
    example = "net = ring{}\nact = net:run{steps = 400, speed = 0.02}\nplay(act, {title = \"bump\"})",
  },
}
