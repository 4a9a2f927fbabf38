-- Help for the notebook's foundation: matrices, sessions, the prompt.
return {
  ["help"] = {
    usage = "help()  help(name)  ?name",
    text = "help() lists topics; help(name) or ?name at the prompt describes a function.",
    example = "help(\"matrix\")\n?rnn",
  },
  ["seed"] = {
    usage = "seed(n)   seed() -> current seed",
    text = "Reseeds the one global generator (GSL mt19937) that all randomness flows from.\n" ..
           "A session journal starts with seed(N), so replaying it reproduces every number.",
    example = "seed(42); a = matrix.randn(2, 2); seed(42); b = matrix.randn(2, 2); print(a == b)  --> true",
  },
  ["save"] = {
    usage = "save(path)",
    text = "Writes the session so far as a replayable Lua script (atomically: temp file + rename).\n" ..
           "Chunks that raised errors are kept as comments.  Replay with ganglion -b path or ganglion path.",
    example = "save(\"today.lua\")",
  },
  ["note"] = {
    usage = "note(text)",
    text = "Adds a note to the session; notebook() shows it as text above the chunk.",
    example = "note(\"trying g = 1.2: slower dynamics\")",
  },
  ["notebook"] = {
    usage = "notebook(path [, title])",
    text = "Exports the session as a Markdown lab notebook: each chunk as a lua code block,\n" ..
           "followed by its printed output and figures as text.",
    example = "notebook(\"lab.md\", \"Condensing a decision network\")",
  },
  ["journal"] = {
    usage = "journal() -> path or nil",
    text = "The session journal: every chunk is written to it before it runs, so a crash or\n" ..
           "kill -9 loses nothing typed.  Replay it with ganglion -b FILE or ganglion FILE.",
    example = "print(journal())",
  },
  ["prompt"] = {
    usage = "the prompt",
    text = "A line is first tried as `return <line>`, so expressions print their value; `_` holds\n" ..
           "the last result; a trailing ; silences the echo; an unfinished chunk continues on the\n" ..
           "next line (prompt >>).  Ctrl-C stops a running chunk (never the program); at the prompt\n" ..
           "it drops the line.  Ctrl-D quits.  History (one entry per chunk) is kept in\n" ..
           "~/.ganglion_history or $GANGLION_HISTORY.  Tab completes globals, fields and methods.",
    example = "1 + 1\n_ * 10",
  },
}
