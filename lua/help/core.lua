-- Help for the notebook's foundation: matrices, sessions, the prompt.
return {
  ["help"] = {
    usage = "help()  help(name)  ?name",
    text = "help() lists topics; help(name) or ?name at the prompt describes a function.",
    example = "help(\"matrix\")\n?rnn",
  },
  ["writefile"] = {
    usage = "writefile(path, text)",
    text = "Writes text as the whole new content of path, atomically: a temporary file beside it, fsync, rename, so a reader sees the old file or the new one, never half of either. A symbolic link, a folder or the running session's journal at path is refused.",
    example = "writefile(\"rows.csv\", \"n,score\\n4,0.5\\n\")",
  },
  ["traceback"] = {
    usage = "traceback()",
    text = "Prints the full traceback of the last error. At the prompt an error shows as one line, the message at the line of your chunk; traceback() shows every call that led there, inside the library too.",
    example = "pcall(error, \"demo\")   -- errors caught by pcall do not count\ntraceback()",
  },
  ["seed"] = {
    usage = "seed(n)   seed() -> current seed",
    text = "Reseeds the one global generator (GSL mt19937) that all randomness flows from.\n" ..
           "A session journal starts with seed(N), so replaying it reproduces every number.",
    example = "seed(42); a = matrix.randn(2, 2); seed(42); b = matrix.randn(2, 2); print(a == b)  --> true",
  },
  ["matrix"] = {
    usage = "matrix(rows, cols [, fill])   matrix{{1,2},{3,4}}   matrix{1,2,3} (a 3x1 column)",
    text = "Dense double matrix.  Methods: m:rows() m:cols() m:get(i,j) m:set(i,j,v) m:row(i) m:col(j)\n" ..
           "m:totable() m:t() m:copy() m:sum() m:norm() m:emul(m2) (elementwise) m:save(path.npy) m:csv(path)\n" ..
           "Operators: m*m2 (matrix product), m+m2, m-m2, m*s, m/s, -m, m==m2.  Indices are 1-based and\n" ..
           "checked.  Large matrices print as a summary (shape, range, corner).\n" ..
           "Wherever a vector is expected, a plain array {1,2,3} works too.",
    example = "A = matrix{{2.5, 1}, {0, 3}}\nx = A * matrix{1, 2}\nprint(x:get(2, 1))  --> 6",
  },
  ["matrix.randn"] = {
    usage = "matrix.randn(rows, cols)",
    text = "Standard normal samples from the global generator.",
    example = "seed(1); X = matrix.randn(100, 3)",
  },
  ["matrix.rand"] = {
    usage = "matrix.rand(rows, cols)",
    text = "Uniform samples in [0, 1) from the global generator.",
    example = "U = matrix.rand(10, 1)",
  },
  ["matrix.eye"] = { usage = "matrix.eye(n)", text = "n×n identity.", example = "I = matrix.eye(3)" },
  ["matrix.load"] = {
    usage = "matrix.load(path)",
    text = "Reads a NumPy .npy file: float64 ('<f8'), 1-D (as a column) or 2-D, C or Fortran order.\n" ..
           "Other dtypes, corrupt headers and truncated files give a clear error.\n" ..
           "Save with m:save(path); in NumPy: np.load(path).",
    example = "m = matrix.randn(3, 4); m:save(\"/tmp/m.npy\"); m2 = matrix.load(\"/tmp/m.npy\")",
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
           "followed by its printed output and figures as text.  At most 1 MiB of output per\n" ..
           "chunk and 64 MiB per session are kept; the rest shows as \"N bytes of output elided\".",
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
