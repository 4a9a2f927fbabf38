#!/bin/sh
# deps.sh — install the Debian packages ganglion needs for a purpose.
# Usage: scripts/deps.sh build|test|bench|fuzz
#
# Required packages (the compiler and libraries, and tmux for the TUI tests)
# must be present: when one is missing and we are not root, this prints the
# install command and fails.  Optional packages (NumPy, SciPy, PyTorch,
# Brian2, hyperfine, Slurm) only feed cross-checks, comparisons and the
# cluster test: as root they are installed; otherwise the run goes on and the
# checks that need them report themselves as skipped, with the reason.
set -e
build="gcc make pkg-config libncurses-dev libreadline-dev liblua5.4-dev libgsl-dev libopenblas-dev libcairo2-dev"
test_req="$build tmux"
# Optional for tests: references for cross-checks, and slurmctld, slurmd,
# slurm-client and munge, with which tests/slurm/ starts a single-node
# cluster (it skips, saying why, where it cannot); libxml2-utils and
# poppler-utils (xmllint, pdfinfo, pdftotext) check the files savefig writes.
test_ref="python3 python3-numpy python3-scipy python3-torch slurmctld slurmd slurm-client munge libxml2-utils poppler-utils"
bench_ref="python3 python3-numpy python3-scipy python3-torch python3-brian hyperfine"
# make fuzz: libFuzzer comes with clang.
fuzz_req="$build clang"
case "${1:-build}" in
    build) req=$build;    ref="" ;;
    test)  req=$test_req; ref=$test_ref ;;
    bench) req=$test_req; ref=$bench_ref ;;
    fuzz)  req=$fuzz_req; ref="" ;;
    *) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac
missing() {
    m=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || m="$m $p"
    done
    echo "$m"
}
miss_req=$(missing $req)
miss_ref=$(missing $ref)
[ -z "$miss_req$miss_ref" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    if [ -n "$miss_req" ]; then
        echo "ganglion needs these Debian packages:$miss_req"
        echo "run as root:  apt-get update && apt-get install -y$miss_req$miss_ref"
        exit 1
    fi
    echo "note: optional packages missing:$miss_ref"
    echo "      the checks that compare against them are skipped (each says why);"
    echo "      to run them, as root:  apt-get update && apt-get install -y$miss_ref"
    exit 0
fi
echo "installing:$miss_req$miss_ref"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $miss_req$miss_ref >/dev/null
