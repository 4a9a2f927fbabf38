# lib.sh — shared helpers for the tmux-driven TUI tests (sourced by test_*.sh).
# Each test runs the real binary in a private tmux server (-L), types with
# send-keys and reads the screen with capture-pane; lines "ok - " /
# "not ok - " / "skip - " go to stdout for tests/run.sh.

GANGLION=${GANGLION:-./ganglion}
case $GANGLION in /*) ;; *) GANGLION=$(pwd)/$GANGLION ;; esac
NAME=$(basename "$0" .sh)

if ! command -v tmux >/dev/null 2>&1; then
    echo "skip - $NAME: tmux is not installed"
    exit 0
fi
if [ ! -x "$GANGLION" ]; then
    echo "not ok - $NAME: $GANGLION is not built"
    exit 1
fi

# A UTF-8 locale when there is one, so braille can be checked; tmux needs a
# TERM it knows even when the tests run without a terminal.
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    LC_ALL=C.UTF-8
    export LC_ALL
fi
case ${TERM:-dumb} in dumb|unknown) TERM=xterm-256color; export TERM ;; esac

# One tmux server per launch: a server told to kill-server may still hold its
# socket for a moment, and a new session on the same socket then dies with
# "server exited unexpectedly".
SOCKBASE="ganglion-test-$$-$NAME"
SOCK="$SOCKBASE-0"
TMP=$(mktemp -d)
GANGLION_HISTORY=$TMP/history
export GANGLION_HISTORY
FAILED=0

T() { tmux -L "$SOCK" "$@"; }
cleanup() {
    i=0
    while [ "$i" -le "$LAUNCHES" ]; do
        tmux -L "$SOCKBASE-$i" kill-server >/dev/null 2>&1
        rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKBASE-$i"
        i=$((i + 1))
    done
    rm -rf "$TMP"
}
LAUNCHES=0
trap cleanup EXIT
trap 'exit 1' INT TERM

# launch [ganglion args...]: ganglion in a fresh COLS×ROWS session (default
# 100×30), journal in the temp dir ($TMP/session.lua, then session2.lua...:
# a journal is never reused; JOURNAL_AT=path names another).  The shell around it records the tty
# settings before and after and prints ganglion's exit status.
launch() {
    LAUNCHES=$((LAUNCHES + 1))
    SOCK="$SOCKBASE-$LAUNCHES"
    JOURNAL="$TMP/session.lua"
    [ "$LAUNCHES" -gt 1 ] && JOURNAL="$TMP/session$LAUNCHES.lua"
    [ -n "${JOURNAL_AT:-}" ] && JOURNAL=$JOURNAL_AT
    cat > "$TMP/run.sh" <<EOS
cd '$PWD'
stty -g > '$TMP/stty.before'
echo \$\$ > '$TMP/pid'
GANGLION_HISTORY='$GANGLION_HISTORY' $ENVS '$GANGLION' -o '$JOURNAL' $*
echo "GANGLION-EXITED \$?"
stty -g > '$TMP/stty.after'
sleep 60
EOS
    T new-session -d -x "${COLS:-100}" -y "${ROWS:-30}" "sh '$TMP/run.sh'"
}

# start [ganglion args...]: launch, then wait for the first prompt.
start() {
    launch "$@"
    if ! wait_for '^> *$' 15; then
        echo "not ok - $NAME: ganglion did not show a prompt"
        dump
        exit 1
    fi
}

screen() { T capture-pane -p 2>/dev/null; }
# The pid of ganglion itself (the shell execs nothing, so: its child).
gpid() { pgrep -P "$(cat "$TMP/pid")" | head -1; }

# wait_for ERE [seconds]: polls the screen until a line matches.
wait_for() {
    n=$(( ${2:-5} * 10 ))
    while [ "$n" -gt 0 ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# wait_gone ERE [seconds]: polls until no line matches.
wait_gone() {
    n=$(( ${2:-5} * 10 ))
    while [ "$n" -gt 0 ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# wait_until 'shell condition' [seconds]: polls until the condition holds
# (for checks that read the screen more than once or compare numbers).
wait_until() {
    n=$(( ${2:-5} * 10 ))
    while [ "$n" -gt 0 ]; do
        eval "$1" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# The input line: the row just above the status line.
inputline() { screen | tail -2 | head -1; }

# expect_input ERE "what" [seconds]: polls the input line.
expect_input() {
    n=$(( ${3:-5} * 10 ))
    while [ "$n" -gt 0 ]; do
        if inputline | grep -Eq -- "$1"; then ok "$2"; return 0; fi
        sleep 0.1
        n=$((n - 1))
    done
    bad "$2 (input line does not match /$1/)"
}

dump() { screen | sed 's/^/#   |/' >&2; }

ok()  { echo "ok - $NAME: $1"; }
bad() { echo "not ok - $NAME: $1"; FAILED=1; dump; }

# expect ERE "what" [seconds]
expect() {
    if wait_for "$1" "${3:-5}"; then ok "$2"; else bad "$2 (no line matching /$1/)"; fi
}

# type TEXT: literal text, then Enter
typeln() {
    T send-keys -l -- "$1"
    T send-keys Enter
}


finish() {
    [ "$FAILED" = 0 ]
    exit $?
}
