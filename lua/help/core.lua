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
  ["save"] = {
    usage = "save(path)",
    text = "Writes the session so far as a replayable Lua script, in the journal's format: every " ..
           "chunk byte for byte, with how it ended (ok, its error, where Ctrl-C stopped it).  " ..
           "The write is atomic (a temporary beside the file, fsync, rename); a symbolic link, a " ..
           "device or the running session's journal at path is refused.  During a replay save() " ..
           "is recorded but writes nothing.  Replay with ganglion -b path or ganglion path.",
    example = "save(\"today.lua\")",
  },
  ["writefile"] = {
    usage = "writefile(path, text)",
    text = "Writes text as the whole new content of path through ganglion's atomic writer: readers " ..
           "see the old file or the new one, never half; on a full disk the old file is kept.  " ..
           "Links and non-regular files at path are refused.",
    example = "writefile(\"/tmp/result.csv\", \"n,score\\n64,0.98\\n\")",
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
           "chunk and 64 MiB per session are kept; the rest shows as \"N bytes of output elided\".\n" ..
           "Written atomically; not repeated during a replay.",
    example = "notebook(\"lab.md\", \"Condensing a decision network\")",
  },
  ["journal"] = {
    usage = "journal() -> path or nil    journal(newpath) -> newpath",
    text = "The session journal: every chunk is written to it (and fsync'd) before it runs, so a " ..
           "crash or kill -9 loses nothing typed.  If the disk refuses a write, the chunks wait in " ..
           "memory and are written with the next one that fits; journal(newpath) continues the " ..
           "session in a new file (which must not exist), copying everything so far.  See " ..
           "help(\"session\").",
    example = "print(journal())",
  },
  ["session"] = {
    usage = "sessions, journals and replay",
    text = "Naming: each session writes a journal of its own: ./ganglion-session.lua, or the first " ..
           "free ganglion-session-N.lua; -o FILE names it, and FILE must not exist (ganglion never " ..
           "overwrites or appends to a journal).  The path is shown at start, in the status line " ..
           "and on exit.\n" ..
           "Locking: the journal is locked while its session runs; a second ganglion given the " ..
           "same file is refused with the holder's pid.  save(), notebook(), m:save() and every " ..
           "other writer refuse to replace a running journal.\n" ..
           "Format: each chunk is framed as '-- [k] N bytes' followed by exactly N bytes of code, " ..
           "so any text round-trips; when it ends a trailer '-- [k] ok' or '-- [k] error: message' " ..
           "is written, with '; interrupted at poll P' when Ctrl-C stopped it.\n" ..
           "Replay (ganglion FILE, ganglion -b FILE): FILE is only read.  A chunk that raised an " ..
           "error runs again and its error is expected; a chunk stopped by Ctrl-C is stopped again " ..
           "at the same poll (see below), so parameters and the random generator end where they " ..
           "did; a chunk " ..
           "that never finished (kill -9) is skipped unless --rerun-unfinished.  save(), " ..
           "notebook() and journal(path) are not repeated.  The replayed chunks go into the new " ..
           "session's journal, so today's journal alone rebuilds today's state.\n" ..
           "At the prompt, Ctrl-C during net:train or condense stops that work, which keeps its " ..
           "best parameters and returns what it has (h.interrupted, log.interrupted); the chunk " ..
           "goes on, and any training or condense it starts later returns at once, also marked " ..
           "interrupted.  Ctrl-C anywhere else stops the chunk.  In a batch script (-b, -e) " ..
           "Ctrl-C stops the script (exit 1); training still keeps its best parameters.\n" ..
           "Where: a Ctrl-C seen by a core loop is recorded as 'at poll P' and replayed exactly; " ..
           "one that lands in plain Lua code as 'P+' (after poll P; every draw on the generator " ..
           "is a poll too) and replayed at the first Lua instruction after poll P.",
    example = "print(journal())\nsave(\"today.lua\")  -- a replayable copy of the session so far",
  },
  ["prompt"] = {
    usage = "the prompt",
    text = "A line is first tried as `return <line>`, so expressions print their value; `_` holds\n" ..
           "the last result; a trailing ; silences the echo; an unfinished chunk continues on the\n" ..
           "next line (prompt >>).  Ctrl-C stops a running chunk (never the program); at the prompt\n" ..
           "it drops the line.  Ctrl-D quits.  History (one entry per chunk) is kept in\n" ..
           "~/.ganglion_history or $GANGLION_HISTORY.  Tab completes globals, fields, methods and option names with their = (lif{vr<Tab> gives lif{vrest=), also on a chunk's later lines.",
    example = "1 + 1\n_ * 10",
  },
}
