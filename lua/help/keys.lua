-- Help for the notebook's screen: keys, panes, the status line.
return {
  ["keys"] = {
    usage = "help(\"keys\")",
    text = [[
The screen: plot panes on top (on the left when the terminal is 140 columns or
wider), the REPL below them, a status line at the bottom (session file, the
last chunk's wall time, progress of long work with its ETA, key hints).

At the prompt (GNU readline: your ~/.inputrc applies)
  Enter            run the line; an unfinished chunk continues at the >> prompt
  Tab              complete globals, fields after '.', methods after ':',
                   option names inside an options table (lif{vr -> vrest)
  Tab Tab          list the candidates
  Up / Down        history (a multi-line chunk is one entry; kept in
                   ~/.ganglion_history or $GANGLION_HISTORY)
  Ctrl-R           search the history backwards (Ctrl-G gives up)
  Ctrl-A / Ctrl-E  start / end of line;  Alt-B / Alt-F  word back / forward
  Ctrl-C           clear the line, and drop an unfinished chunk
  Ctrl-D           on an empty line: quit (the journal is already saved)

Anywhere (also while a chunk runs)
  Ctrl-C           stop the running chunk (training keeps its best parameters)
  PgUp / PgDn      scroll the REPL pane back / forward
  F1               list the keys in the REPL pane
  F2               zoom the current pane to the whole screen; again: back
  F3               make the next pane current (where figures go); when the
                   panes are tabs, show the next tab
  F4               give the REPL the whole screen; again: back
  F5 / F6          an older / newer figure in the current pane (each pane keeps
                   its last 8; the pane's label shows "fig k/n")
  Ctrl-L           repaint the screen

While play() runs
  Space            pause / go on
  Left / Right     one step back / forward (pauses)
  Home / End       first / last step
  q or Esc         stop playing (the chunk goes on);  Ctrl-C stops the chunk

A plot pane needs at least 8 rows and 20 columns.  When the layout's panes do
not fit (a 2x2 layout at 80x24), they become tabs: one pane is shown with a tab
bar under it ("1 2 3 4  tabs: F3 next"), F3 shows the next, a new figure
brings its tab forward.  A single pane that does not fit is hidden (F2 zooms).

The window can shrink to 20x5; smaller, it says "window too small" and keeps
running.  Figures keep their data and are redrawn at the new size.  With
--ascii (or a non-UTF-8 locale) only ASCII is drawn; NO_COLOR turns colours off.]],
    example = "layout(\"1x2\")  -- two panes side by side\npane(2)         -- the next figure goes to the right one\n-- press F2 to see it full screen, F2 again to come back",
  },
}
