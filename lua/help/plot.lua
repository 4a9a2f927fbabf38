-- Help for the display functions: plot, raster, heatmap, phase, bars, pane, layout, play.
local common = "Common options: title=, xlabel=, ylabel=, pane=k (draw in pane k), height= and width=\n" ..
  "(lines and columns when printed in batch mode or as text), ascii=true (ASCII characters only\n" ..
  "when printed), xmin= xmax= ymin= ymax= (fixed axis limits), text=true (return the rendered\n" ..
  "text instead of showing it).  In the TUI a figure fills its pane.\n" ..
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
           "same length as each series; default 1..n; a list {x1, x2, ...} gives each entry of y its own\n" ..
           "x, e.g. two optimisers' losses against their own wall times), xlog=true, ylog=true\n" ..
           "(logarithmic axes, ticks at powers of ten; values <= 0 leave a gap), hold=true (draw onto\n" ..
           "the last line figure: its series stay, these are added, given options replace its own).\n" ..
           "Without colour (NO_COLOR, --ascii, batch) series differ by line style (solid, dashed,\n" ..
           "dotted, dash-dot; ASCII: markers) and the legend shows each style.  Ranges are automatic: NaN leaves a gap,\n" ..
           "+-Inf is drawn at the edge, constant data gets a range around it.  Series longer than\n" ..
           "the pane is wide keep each column's min and max, so a single spike is never lost.\n" ..
           common,
    example = "tr = net:run(batch.u[1])\nplot(tr.y, {title = \"outputs\", labels = {\"bit 1\", \"bit 2\", \"bit 3\"}, xlabel = \"step\"})\n" ..
              "h = net:train(t, {method = \"adam\", iters = 30})\nplot(h.loss, {ylog = true, labels = {\"adam\"}})\n" ..
              "h2 = net:copy():train(t, {method = \"adam\", iters = 30, lr = 3e-3})\n" ..
              "plot(h2.loss, {hold = true, labels = {\"adam lr=3e-3\"}})\n" ..
              "plot({h.loss, h2.loss}, {x = {h.time, h2.time}, ylog = true, xlabel = \"s\", labels = {\"1e-3\", \"3e-3\"}})",
  },
  ["savefig"] = {
    usage = "savefig(path [, {width=432, height=288}]) -> path",
    text = "Writes the last figure shown as SVG, PDF or PNG, chosen by the extension (.svg, .pdf, .png), drawn by cairo from the same data and options as the text figure: every series, its legend label, the title and axis labels, log axes. Sizes are in points (432 x 288 is 6 x 4 inches); PNG has 2 pixels per point. Series differ by colour and by dash pattern, so a grey print still tells them apart. The file is written to a temporary beside it and renamed, so it is never half written; a symbolic link or a folder at path is refused.",
    example = "h1 = {}; h2 = {}\nfor i = 1, 50 do h1[i] = math.exp(-i / 8); h2[i] = math.exp(-i / 20) end\nplot({h1, h2}, {ylog = true, labels = {\"hf\", \"adam\"}, xlabel = \"iteration\", ylabel = \"loss\"})\nsavefig(\"loss.pdf\")\nsavefig(\"loss.svg\")",
  },
  ["raster"] = {
    usage = "raster(spikes [, opts])   spikes: {{t=, i=}, ...} or a run result (uses its .spikes)",
    text = "Spike raster: neurons up the y axis (neuron 1 at the bottom), time along x.  Given a\n" ..
           "lif run result, n and T come from the run; otherwise from the data.  With more neurons\n" ..
           "or time bins than the pane has dots they are binned: a dot means at least one spike.\n" ..
           "Options: n= (neurons), T= (time span [0, T], ms)." .. "\n" .. common,
    example = "pop = lif{n = 50, inputs = 20, p_in = 0.2, w_in = 0.03}   -- Poisson inputs through random synapses\n" ..
              "r = pop:run{T = 500, I = 0.05 + 0.04 * matrix.rand(50, 1), rates = 20}   -- each neuron its own drive\n" ..
              "raster(r, {title = \"50 LIF neurons, ~20 Hz\"})",
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
    example = "layout(\"1x2\")\npane(1); plot(tr.y)\nr = lif{n = 50, inputs = 20, p_in = 0.2, w_in = 0.03}:run{T = 300, I = 0.07, rates = 20}\npane(2); raster(r)",
  },
  ["layout"] = {
    usage = "layout(\"1\" | \"1x2\" | \"2x1\" | \"2x2\")",
    text = "Arranges the plot panes: one, two side by side (1x2), two stacked (2x1), or a 2x2 grid.\n" ..
           "Figures already shown are kept where they fit.  A pane needs 8 rows and 20 columns: when\n" ..
           "the grid does not fit (2x2 at 80x24) the panes become tabs, F3 shows the next one.\n" ..
           "In batch mode it only checks the spec.",
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
