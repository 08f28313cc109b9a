# A throwaway single-node SLURM cluster in one folder: munged, slurmctld and slurmd started directly (no systemd, no
# /etc/slurm, no /etc/munge), on free ports, with a munge key made for the run. Source this file, then
#   cluster_start DIR    # DIR must exist, be empty, and be reachable by all (munged checks the socket's folders);
#                        # exports SLURM_CONF; sets CLUSTER_NODE, CLUSTER_CPUS and CLUSTER_PARTITION
#   cluster_stop         # cancels every job, stops the daemons it started, waits for them; safe to call twice
# Daemons run in their own sessions (setsid): a Ctrl-C reaches only the caller, whose trap calls cluster_stop.

CLUSTER_DIR=""
CLUSTER_PIDS=()            # munged, slurmctld, slurmd, in start order
CLUSTER_PARTITION=plrptest
CLUSTER_NAME=plrptest
CLUSTER_NODE=""
CLUSTER_CPUS=""

cluster_log() { printf '%s\n' "$*" >&2; }

# A TCP port nobody listens on (the kernel picks it; a clash between this call and the bind is unlikely).
cluster_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts "$@" detached in its own session with its output in LOG, and records its PID.
cluster_spawn() {
    local log=$1; shift
    setsid "$@" > "$log" 2>&1 < /dev/null &
    CLUSTER_PIDS+=($!)
}

# Waits up to $1 seconds for the command "${@:2}" to succeed.
cluster_wait_for() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" > /dev/null 2>&1; do
        if ((SECONDS >= deadline)); then return 1; fi
        sleep 0.2
    done
}

cluster_alive() {
    local pid
    for pid in "${CLUSTER_PIDS[@]}"; do kill -0 "$pid" 2> /dev/null || return 1; done
}

cluster_node_idle() {
    [ "$(sinfo -h -n "$CLUSTER_NODE" -o %T 2> /dev/null)" = idle ]
}

cluster_start() {
    CLUSTER_DIR=$1
    local d=$CLUSTER_DIR
    mkdir -p "$d/munge" "$d/state" "$d/spool" "$d/log"
    # munged refuses a socket folder others cannot enter, and a key others can read.
    chmod 755 "$d" "$d/munge"
    mungekey --create --keyfile="$d/munge/munge.key"
    chmod 600 "$d/munge/munge.key"
    local socket=$d/munge/munge.socket.2
    cluster_spawn "$d/log/munged.log" munged --foreground --socket="$socket" --key-file="$d/munge/munge.key" \
        --pid-file="$d/munge/munged.pid" --log-file="$d/log/munged.log" --seed-file="$d/munge/munged.seed"
    if ! cluster_wait_for 10 munge -n -S "$socket"; then
        cluster_log "munged did not start:"; tail -5 "$d/log/munged.log" >&2; return 1
    fi

    # The node as slurmd sees it (name, CPUs, sockets, cores, memory), so slurmd accepts its own description.
    local node
    node=$(slurmd -C | head -1)
    CLUSTER_NODE=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<< "$node")
    [ "$CLUSTER_NODE" = "$(hostname -s)" ] || { cluster_log "slurmd -C names node '$CLUSTER_NODE', not $(hostname -s)"; return 1; }
    cat > "$d/slurm.conf" << EOF
ClusterName=$CLUSTER_NAME
SlurmctldHost=$CLUSTER_NODE
SlurmctldPort=$(cluster_free_port)
SlurmdPort=$(cluster_free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
MailProg=/bin/true
# No cgroups: processes tracked by parentage, no CPU binding or memory enforcement.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# No slurmdbd: sacct answers "Slurm accounting storage is disabled", so job states come from squeue, which keeps
# finished jobs for MinJobAge seconds.
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=600
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
KillWait=5
$node State=UNKNOWN
PartitionName=$CLUSTER_PARTITION Nodes=$CLUSTER_NODE Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$d/slurm.conf
    # -i: ignore (absent) state files; both in the foreground (-D) so their PIDs are the daemons'.
    cluster_spawn "$d/log/slurmctld.out" slurmctld -D -i -f "$SLURM_CONF"
    cluster_spawn "$d/log/slurmd.out" slurmd -D -f "$SLURM_CONF"
    if ! cluster_wait_for 60 cluster_node_idle || ! cluster_alive; then
        cluster_log "the cluster did not come up:"
        tail -5 "$d/log/slurmctld.log" "$d/log/slurmd.log" "$d/log/slurmctld.out" "$d/log/slurmd.out" >&2 2> /dev/null
        return 1
    fi
    local memory
    CLUSTER_CPUS=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<< "$node")
    memory=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<< "$node")
    echo "SLURM $(sinfo -V | awk '{print $2}') cluster $CLUSTER_NAME up: node $CLUSTER_NODE ($CLUSTER_CPUS CPUs, $memory MB)," \
        "partition $CLUSTER_PARTITION; munged, slurmctld, slurmd = PIDs ${CLUSTER_PIDS[*]}; in $d"
}

# Processes of this cluster's jobs: slurmstepd daemonizes away from slurmd, and a step's processes outlive a killed
# slurmstepd, but all of them carry this cluster's SLURM_CONF in their environment (sbatch --export=ALL). This shell
# and its own children (the caller's snakemake, command substitutions) carry it too and are left out.
cluster_strays() {
    local pid ppid me=$BASHPID
    while read -r pid ppid; do
        [ "$pid" = $$ ] || [ "$pid" = "$me" ] || [ "$ppid" = $$ ] || [ "$ppid" = "$me" ] && continue
        [[ " ${CLUSTER_PIDS[*]} " == *" $pid "* ]] && continue
        tr '\0' '\n' 2> /dev/null < "/proc/$pid/environ" | grep -qxF "SLURM_CONF=$CLUSTER_DIR/slurm.conf" && echo "$pid"
    done < <(ps -e -o pid=,ppid=)
    return 0
}

# Cancels every job still queued or running and waits (30 s at most) until SLURM lists none.
cluster_cancel_jobs() {
    [ "${#CLUSTER_PIDS[@]}" -ge 3 ] && cluster_alive || return 0
    local jobs
    jobs=$(squeue -h -o %i -t PENDING,RUNNING,SUSPENDED,COMPLETING 2> /dev/null | tr '\n' ' ')
    [ -n "${jobs// /}" ] || return 0
    echo "cancelling SLURM jobs still queued or running: $jobs"
    # shellcheck disable=SC2086
    scancel $jobs 2> /dev/null || true
    cluster_wait_for 30 cluster_queue_empty || cluster_log "jobs still listed after 30 s: $(squeue -h -o '%i %T')"
}

cluster_stop() {
    [ -n "$CLUSTER_DIR" ] || return 0
    cluster_cancel_jobs
    local pid i
    # Reverse start order: slurmd, slurmctld, then munged, which the other two need to the end.
    for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${CLUSTER_PIDS[i]}
        kill -TERM "$pid" 2> /dev/null || true
        cluster_wait_gone 15 "$pid" || { kill -KILL "$pid" 2> /dev/null || true; }
        wait "$pid" 2> /dev/null || true
    done
    local strays
    strays=$(cluster_strays)
    if [ -n "$strays" ]; then
        cluster_log "stopping leftover job processes:"; ps -o pid=,args= -p "${strays//$'\n'/,}" >&2 || true
        # shellcheck disable=SC2086
        kill -KILL $strays 2> /dev/null || true
        sleep 0.5
    fi
    local left=()
    for pid in "${CLUSTER_PIDS[@]}" $(cluster_strays); do kill -0 "$pid" 2> /dev/null && left+=("$pid"); done
    if [ "${#left[@]}" -gt 0 ]; then
        cluster_log "cluster processes still running: ${left[*]}"; return 1
    fi
    echo "SLURM cluster $CLUSTER_NAME stopped: PIDs ${CLUSTER_PIDS[*]} gone"
    CLUSTER_PIDS=()
    CLUSTER_DIR=""
}

cluster_queue_empty() {
    [ -z "$(squeue -h -o %i -t PENDING,RUNNING,SUSPENDED,COMPLETING 2> /dev/null)" ]
}

cluster_wait_gone() {
    local seconds=$1 pid=$2
    local deadline=$((SECONDS + seconds))
    while kill -0 "$pid" 2> /dev/null; do
        # A zombie is gone for our purposes: the wait below reaps it.
        [ "$(ps -o stat= -p "$pid" 2> /dev/null | cut -c1)" = Z ] && return 0
        if ((SECONDS >= deadline)); then return 1; fi
        sleep 0.2
    done
}
