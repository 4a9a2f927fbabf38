#!/bin/sh
# deps.sh — install the Debian packages ganglion needs for a purpose.
# Usage: scripts/deps.sh build|test|bench|fuzz
set -e
build="gcc make pkg-config libncurses-dev libreadline-dev liblua5.4-dev libgsl-dev libopenblas-dev"
# slurmctld, slurmd, slurm-client, munge: tests/slurm/ starts a single-node cluster.
test="$build tmux python3 python3-numpy python3-torch slurmctld slurmd slurm-client munge"
bench="$test python3-torch python3-brian hyperfine"
fuzz="$build clang"
case "${1:-build}" in
    build) want=$build ;;
    test)  want=$test ;;
    bench) want=$bench ;;
    fuzz)  want=$fuzz ;;
    *) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "ganglion needs these Debian packages:$missing"
    echo "run as root:  apt-get update && apt-get install -y$missing"
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
