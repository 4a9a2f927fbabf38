#!/bin/sh
# cluster.sh — a throw-away single-node Slurm cluster (munge, slurmctld, slurmd)
# for trying and testing the cluster path of scripts/sweep_parallel.sh.
#
#   tests/slurm/cluster.sh up       start it (does nothing if it is already up)
#   tests/slurm/cluster.sh env      print the line that points sbatch/squeue at it:
#                                   eval "$(tests/slurm/cluster.sh env)"
#   tests/slurm/cluster.sh status   say whether it is up
#   tests/slurm/cluster.sh down     stop it and remove its folder (nothing if it is down)
#
# Everything lives in one folder, $GANGLION_SLURM_DIR (default
# ${TMPDIR:-/tmp}/ganglion-slurm): a generated munge key and munged socket,
# slurm.conf, state, spool, logs and pid files. The daemons run as root
# (slurmd must, to start jobs) on two free TCP ports found at start-up, with
# SelectType=select/cons_tres, ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none, so no cgroups or systemd are needed.
# `down` stops only processes this script started: the pids in its pid files,
# and any straggler (slurmstepd) carrying this folder's marker in its environment.
# Exit status: 0 done; 1 could not start (reason on stderr); 2 usage;
# 3 cannot run here at all (not root, packages missing) - tests skip on 3.
set -u
DIR=${GANGLION_SLURM_DIR:-${TMPDIR:-/tmp}/ganglion-slurm}
case $DIR in /*) ;; *) DIR=$(pwd)/$DIR ;; esac
CONF=$DIR/slurm.conf
MARK="GANGLION_SLURM_CLUSTER=$DIR"

say() { echo "cluster.sh: $*" >&2; }

# alive PIDFILE NAME: the pid in PIDFILE runs a program called NAME.
alive() {
    [ -f "$1" ] || return 1
    p=$(cat "$1" 2>/dev/null)
    case $p in ''|*[!0-9]*) return 1 ;; esac
    [ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$2" ]
}

running() { alive "$DIR/munged.pid" munged && alive "$DIR/slurmctld.pid" slurmctld && alive "$DIR/slurmd.pid" slurmd; }

can_run() {
    if [ "$(id -u)" != 0 ]; then echo "needs root (slurmd starts jobs as their user)"; return 1; fi
    for b in munged slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
        if ! command -v "$b" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$b" ]; then
            echo "$b not installed (Debian: apt-get install munge slurmctld slurmd slurm-client)"; return 1
        fi
    done
    return 0
}

bin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# A TCP port nobody listens on, from $1 upwards (reads /proc/net/tcp*).
free_port() {
    used=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }')
    p=$1
    while [ "$p" -lt 65000 ]; do
        hex=$(printf '%04X' "$p")
        case " $(echo $used) " in *" $hex "*) p=$((p + 1)) ;; *) echo "$p"; return 0 ;; esac
    done
    return 1
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s.
wait_for() {
    n=$(($1 * 5)); shift
    while [ $n -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2; n=$((n - 1))
    done
    return 1
}

node_idle() { SLURM_CONF=$CONF sinfo -h -N -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; }

up() {
    why=$(can_run) || { say "cannot start: $why"; exit 3; }
    if running; then say "already up ($DIR)"; return 0; fi
    # Leftovers of a half-started cluster: stop them before starting afresh.
    [ -d "$DIR" ] && down quiet
    # munged wants its socket folder (and those above it) searchable by all,
    # and its key folder writable only by its owner.
    mkdir -p "$DIR" && chmod 755 "$DIR" || { say "cannot create $DIR"; exit 1; }
    mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" && chmod 755 "$DIR/munge"
    if command -v mungekey >/dev/null 2>&1 || [ -x /usr/sbin/mungekey ]; then
        "$(bin mungekey)" --create --keyfile="$DIR/munge/munge.key" --force 2>/dev/null
    fi
    [ -s "$DIR/munge/munge.key" ] || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$DIR/munge/munge.key"
    env "$MARK" "$(bin munged)" --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
        --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munge/munged.seed" \
        || { say "munged did not start:"; tail -5 "$DIR/munged.log" >&2; down quiet; exit 1; }

    host=$(hostname -s 2>/dev/null || hostname)
    node=$("$(bin slurmd)" -C 2>/dev/null | head -1)
    cpus=$(echo "$node" | sed -n 's/.* CPUs=\([0-9]*\).*/\1/p')
    mem=$(echo "$node" | sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p')
    [ -n "$cpus" ] || cpus=$(nproc)
    [ -n "$mem" ] || mem=1024
    mem=$((mem * 9 / 10))   # leave the rest to the system
    p1=$(free_port 16817) && p2=$(free_port $((p1 + 1))) || { say "no free TCP port"; down quiet; exit 1; }
    cat > "$CONF" <<CONFEOF
# Single-node test cluster written by tests/slurm/cluster.sh; removed by 'down'.
ClusterName=ganglion
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$p1
SlurmdPort=$p2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=600
DefMemPerCPU=256
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONFEOF
    env "$MARK" SLURM_CONF="$CONF" "$(bin slurmctld)" -f "$CONF" -i \
        || { say "slurmctld did not start:"; tail -5 "$DIR/slurmctld.log" >&2; down quiet; exit 1; }
    env "$MARK" SLURM_CONF="$CONF" "$(bin slurmd)" -f "$CONF" -N "$host" \
        || { say "slurmd did not start:"; tail -5 "$DIR/slurmd.log" >&2; down quiet; exit 1; }
    if ! wait_for 30 node_idle; then
        say "the node did not come up within 30 s:"
        tail -5 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2
        down quiet; exit 1
    fi
    say "up: $cpus CPUs, ${mem} MB on node $host, ports $p1/$p2, folder $DIR"
}

# stop PIDFILE NAME: TERM, then KILL after 10 s.
stop() {
    alive "$1" "$2" || return 0
    p=$(cat "$1")
    kill "$p" 2>/dev/null
    n=50
    while [ $n -gt 0 ] && [ -d "/proc/$p" ]; do sleep 0.2; n=$((n - 1)); done
    [ -d "/proc/$p" ] && kill -9 "$p" 2>/dev/null
    return 0
}

# Pids of processes started by this cluster's daemons (slurmstepd and the
# like), recognised by the marker in their environment.
marked() {
    grep -lzxF "$MARK" /proc/[0-9]*/environ 2>/dev/null | sed 's|^/proc/\([0-9]*\)/environ$|\1|' | grep -vx "$$"
}

down() {
    [ -d "$DIR" ] || { [ "${1:-}" = quiet ] || say "already down"; return 0; }
    if alive "$DIR/slurmctld.pid" slurmctld; then
        # End the jobs first so their steps exit cleanly.
        SLURM_CONF=$CONF scancel --full --quiet --user=root 2>/dev/null
        wait_for 15 sh -c "[ -z \"\$(SLURM_CONF='$CONF' squeue -h 2>/dev/null)\" ]"
    fi
    stop "$DIR/slurmd.pid" slurmd
    stop "$DIR/slurmctld.pid" slurmctld
    stop "$DIR/munged.pid" munged
    left=$(marked)
    # shellcheck disable=SC2086
    [ -n "$left" ] && { kill -9 $left 2>/dev/null; sleep 0.2; }
    # Only what `up` made, so a folder given by the user keeps anything else.
    rm -rf "$DIR/munge" "$DIR/state" "$DIR/spool"
    rm -f "$CONF" "$DIR"/munged.pid "$DIR"/munged.log "$DIR"/slurmctld.pid "$DIR"/slurmctld.log \
          "$DIR"/slurmd.pid "$DIR"/slurmd.log
    rmdir "$DIR" 2>/dev/null
    [ "${1:-}" = quiet ] || say "down"
}

case ${1:-} in
    up) up ;;
    down) down ;;
    env) echo "export SLURM_CONF='$CONF'" ;;
    status) if running; then echo "up ($DIR)"; else echo "down"; exit 1; fi ;;
    can-run) why=$(can_run) || { echo "$why"; exit 3; } ;;
    *) echo "usage: $0 up|down|env|status|can-run" >&2; exit 2 ;;
esac
