#!/usr/bin/env bash
# `make test-cluster`: pipelines/ on a real single-node SLURM cluster started in a temporary folder, through Snakemake's
# SLURM executor plugin, with 4 shards.
#   1. the merged folder equals a single `plrp run` byte for byte;
#   2. a shard job cancelled with scancel while its plrp runs fails the workflow, a rerun submits only what is missing,
#      and the result is again byte for byte the single run's.
# Every daemon it starts is stopped, and the folder removed, on every exit (success, failure, Ctrl-C). Needs root
# (slurmd) and what `make test-cluster` installs: slurm-wlm and munge from Debian, .venv-cluster, the release plrp.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNAKEMAKE=${SNAKEMAKE:-$REPO/.venv-cluster/bin/snakemake}
PYTHON=$(dirname "$SNAKEMAKE")/python
PLRP=${PLRP:-$REPO/.build/release/plrp}
SHARDS=4
# shellcheck source=slurm_cluster.sh
source "$REPO/scripts/cluster/slurm_cluster.sh"

FAILURE=""
PASSED=""
SNAKEMAKE_PID=""
WORK=""

fail() {
    FAILURE=$*
    exit 1
}

# On every exit: stop a snakemake still running (its jobs cancelled first: on SIGTERM snakemake waits for them), the
# cluster, then remove the folder; the last line is PASS or FAIL.
cleanup() {
    local status=$?
    trap - EXIT INT TERM ERR
    set +e
    if [ -n "$SNAKEMAKE_PID" ] && kill -0 "$SNAKEMAKE_PID" 2> /dev/null; then
        cluster_cancel_jobs
        kill -TERM "$SNAKEMAKE_PID" 2> /dev/null
        cluster_wait_gone 15 "$SNAKEMAKE_PID" || kill -KILL "$SNAKEMAKE_PID" 2> /dev/null
        wait "$SNAKEMAKE_PID" 2> /dev/null
    fi
    if [ "$status" != 0 ] && [ -n "$WORK" ] && [ "$status" -lt 128 ]; then
        local log
        # The job logs (plrp's stderr, then SLURM's output of each job), snakemake's, then the daemons'.
        for log in "$WORK"/run*/logs/*.log $(find "$WORK/work/.snakemake/slurm_logs" -name '*.log' 2> /dev/null | sort) \
            "$WORK"/*.log "$WORK"/cluster/log/slurmctld.log "$WORK"/cluster/log/slurmd.log; do
            [ -s "$log" ] && { echo "--- last lines of $log"; tail -25 "$log"; }
        done
    fi
    cluster_stop || { status=1; FAILURE=${FAILURE:-"the cluster did not stop cleanly"}; }
    [ -n "$WORK" ] && rm -rf "$WORK"
    if [ "$status" = 0 ] && [ -n "$PASSED" ]; then
        echo "PASS: $PASSED"
    else
        [ "$status" = 0 ] && status=1
        echo "FAIL: ${FAILURE:-interrupted or failed (exit status $status)}"
    fi
    exit "$status"
}
trap cleanup EXIT
# A command failing under set -e names itself in the FAIL line.
trap 'FAILURE=${FAILURE:-"line $LINENO: \`$BASH_COMMAND\` exited with status $?"}' ERR
trap 'FAILURE="interrupted"; exit 130' INT
trap 'FAILURE="terminated"; exit 143' TERM

[ "$(id -u)" = 0 ] || fail "run as root: slurmd starts every job as its user"
for tool in munged mungekey munge slurmctld slurmd sbatch squeue scancel sinfo; do
    command -v "$tool" > /dev/null || fail "$tool not found: run \`make test-cluster\` (it installs slurm-wlm and munge)"
done
[ -x "$SNAKEMAKE" ] || fail "$SNAKEMAKE not found: run \`make test-cluster\` (it makes .venv-cluster)"
[ -x "$PLRP" ] || fail "$PLRP not found: run \`make build\`"

WORK=$(mktemp -d /tmp/plrp-cluster.XXXXXX)
chmod 755 "$WORK"
mkdir "$WORK/cluster" "$WORK/work"
cluster_start "$WORK/cluster" || fail "the SLURM cluster did not start"

# The workflow runs on config.yaml's own region, step and prune; the single run reads them from there. Input paths
# are given absolute, because snakemake runs in $WORK/work so that its .snakemake/ folder stays there.
mapfile -t DEFAULTS < <("$PYTHON" - "$REPO/pipelines/config.yaml" << 'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
regions = c["regions"] if isinstance(c["regions"], list) else [c["regions"]]
if any(str(r).endswith(".bed") for r in regions):
    sys.exit("pipelines/config.yaml: the cluster test expects regions, not a BED file")
print(c["step"]); print(c["prune"]); print(c.get("arrays", "none"))
for r in regions: print(r)
EOF
)
[ "${#DEFAULTS[@]}" -ge 4 ] || fail "could not read step, prune, arrays and regions from pipelines/config.yaml"
STEP=${DEFAULTS[0]} PRUNE=${DEFAULTS[1]} ARRAYS=${DEFAULTS[2]}
REGION_ARGS=()
for region in "${DEFAULTS[@]:3}"; do REGION_ARGS+=(--region "$region"); done
FASTA=$REPO/data/genome/dm3_chr2R.fa.gz
MODEL=$REPO/data/models/default.safetensors
DATABASE=$REPO/data/motifs/JASPAR2026_CORE_insects.meme
CONFIG=("shards=$SHARDS" "plrp=$PLRP" "fasta=$FASTA" "model=$MODEL" "database=$DATABASE")

# The shipped SLURM profile, pointed at this cluster: its partition, jobs that fit a 2-CPU node, squeue for job states
# (no slurmdbd, so no sacct), status checks every few seconds, and no automatic retry, so that a cancelled job fails
# the run and the rerun is what resubmits it.
mkdir "$WORK/profile"
"$PYTHON" - "$REPO/pipelines/profiles/slurm/config.yaml" "$WORK/profile/config.yaml" "$CLUSTER_PARTITION" \
    "$CLUSTER_CPUS" << 'EOF'
import sys, yaml
source, target, partition, cpus = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
p = yaml.safe_load(open(source))
assert p["executor"] == "slurm", p["executor"]
p["default-resources"]["slurm_partition"] = partition
merge_cpus = min(cpus, p["set-threads"]["merge"])
p["set-threads"] = {"shard": 1, "merge": merge_cpus}
p["set-resources"]["shard"]["cpus_per_task"] = 1
p["set-resources"]["merge"]["cpus_per_task"] = merge_cpus
p["retries"] = 0
p["slurm-status-command"] = "squeue"
p["slurm-init-seconds-before-status-checks"] = 2
yaml.safe_dump(p, open(target, "w"), sort_keys=False)
EOF

# snakemake_start OUT LOG: the workflow into OUT through the cluster, in the background (so that a signal reaches this
# script's trap at once, not after snakemake ends); snakemake_wait returns its exit status.
snakemake_start() {
    (cd "$WORK/work" && exec "$SNAKEMAKE" -s "$REPO/pipelines/Snakefile" --profile "$WORK/profile" \
        --config "${CONFIG[@]}" "out=$1") > "$2" 2>&1 &
    SNAKEMAKE_PID=$!
}

snakemake_wait() {
    local status=0
    wait "$SNAKEMAKE_PID" || status=$?
    SNAKEMAKE_PID=""
    return "$status"
}

# The SLURM run ID the plugin names its jobs after (one per snakemake invocation).
run_id() {
    sed -n 's/.*SLURM run ID: \([^ ]*\).*/\1/p' "$1" | head -1
}

# SLURM's own record of a run's jobs: "JOBID|COMMENT|STATE|NODE" (the comment names the rule and wildcards).
slurm_jobs() {
    squeue --states=all -h -n "$1" -o '%i|%k|%T|%N' | sort -t'|' -k1,1n
}

print_jobs() {
    local id comment state node
    while IFS='|' read -r id comment state node; do
        printf '  SLURM job %-4s %-26s %-10s on %s\n' "$id" "$comment" "$state" "$node"
    done <<< "$1"
}

# Asserts that a run's jobs are exactly the comments given ("rule_shard_wildcards_2", "rule_merge"), all COMPLETED.
expect_jobs() {
    local jobs=$1; shift
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(cut -d'|' -f2 <<< "$jobs" | sort)
    [ "$got" = "$want" ] || fail "SLURM ran jobs [$(echo $got)], expected [$(echo $want)]"
    if cut -d'|' -f3 <<< "$jobs" | grep -vqx COMPLETED; then fail "not every SLURM job completed"; fi
}

# Compares a merged folder with the single run: the same top-level files, each byte for byte except manifest.json
# (it records the command, the shard folders and timings), whose parameters, results and input MD5s must be equal.
compare_with_single() {
    local merged=$1 file count=0
    local single_files merged_files
    single_files=$(cd "$WORK/single" && find . -maxdepth 1 -type f -printf '%f\n' | sort)
    merged_files=$(cd "$merged" && find . -maxdepth 1 -type f -printf '%f\n' | sort)
    [ -n "$single_files" ] || fail "the single run wrote nothing"
    [ "$single_files" = "$merged_files" ] || fail "$merged holds [$(echo $merged_files)], the single run [$(echo $single_files)]"
    for file in $single_files; do
        [ "$file" = manifest.json ] && continue
        cmp -s "$WORK/single/$file" "$merged/$file" || fail "$merged/$file differs from the single run's"
        count=$((count + 1))
    done
    # Tracks (3), windows.bed and the motif files (6), and with arrays ohe.npz and attr.npz.
    [ "$count" -ge $([ "$ARRAYS" = all ] && echo 12 || echo 10) ] || fail "only $count files compared"
    local lines
    lines=$(gzip -dc "$merged/relevance.bedGraph.gz" | wc -l)
    [ "$lines" -gt 0 ] || fail "$merged/relevance.bedGraph.gz is empty"
    "$PYTHON" - "$WORK/single/manifest.json" "$merged/manifest.json" << 'EOF' || fail "$merged/manifest.json differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
# What may differ: merge lists its shard folders, its job key leaves out the database (the shards' key is shared),
# its results leave out the conservation checks and its inputs the FASTA and model, which stay in each shard's manifest.
for m in (a, b):
    for key in ("job", "shards"):
        m["parameters"].pop(key, None)
a["results"].pop("conservation", None)
if sorted(b["results"]) != ["motifs", "rows", "windows"]:
    sys.exit(f"manifest.json: results hold {sorted(b['results'])}")
if not b["inputs_md5"] or any(a["inputs_md5"].get(f) != md5 for f, md5 in b["inputs_md5"].items()):
    sys.exit(f"manifest.json: inputs_md5 {b['inputs_md5']} not those of the single run, {a['inputs_md5']}")
for key in ("parameters", "results", "plrp_version"):
    if a.get(key) != b.get(key):
        sys.exit(f"manifest.json: {key} differs:\n  single {a.get(key)}\n  merged {b.get(key)}")
EOF
    echo "  $count files byte for byte equal to the single run's ($lines bedGraph lines), manifest parameters and results equal"
}

echo "== single run (reference): plrp run ${REGION_ARGS[*]} --step $STEP --prune $PRUNE --arrays $ARRAYS"
"$PLRP" run --fasta "$FASTA" --model "$MODEL" "${REGION_ARGS[@]}" --step "$STEP" --prune "$PRUNE" --arrays "$ARRAYS" \
    --database "$DATABASE" -o "$WORK/single" --quiet 2> "$WORK/single.log" || fail "the single plrp run failed"

SHARD_JOBS=()
for ((i = 1; i <= SHARDS; i++)); do SHARD_JOBS+=("rule_shard_wildcards_$i"); done

echo "== snakemake --profile slurm, $SHARDS shards, through the SLURM executor plugin"
start=$SECONDS
snakemake_start "$WORK/run1" "$WORK/run1.log"
snakemake_wait || fail "snakemake failed (exit $?)"
id=$(run_id "$WORK/run1.log")
[ -n "$id" ] || fail "no SLURM run ID in the snakemake log"
jobs=$(slurm_jobs "$id")
echo "  SLURM run ID $id, $((SECONDS - start)) s:"
print_jobs "$jobs"
expect_jobs "$jobs" "${SHARD_JOBS[@]}" rule_merge
for ((i = 1; i <= SHARDS; i++)); do
    [ -s "$WORK/run1/shards/$i/edges.npz" ] || fail "shard $i wrote no edge windows"
    if [ "$ARRAYS" = all ]; then [ -s "$WORK/run1/shards/$i/attr.npz" ] || fail "shard $i wrote no attr.npz"; fi
done
compare_with_single "$WORK/run1"

echo "== the same with one shard job cancelled (scancel) while its plrp runs, then a rerun"
snakemake_start "$WORK/run2" "$WORK/run2.log"
victim="" victim_pid="" deadline=$((SECONDS + 300))
while [ -z "$victim" ]; do
    ((SECONDS < deadline)) || fail "no shard's plrp was seen running within 300 s"
    kill -0 "$SNAKEMAKE_PID" 2> /dev/null || fail "snakemake ended before a shard could be cancelled"
    for victim_pid in $(pgrep -f -- "^$PLRP run .*--shard [0-9]+/$SHARDS .*-o $WORK/run2/shards/" || true); do
        victim=$(tr '\0' '\n' < "/proc/$victim_pid/environ" 2> /dev/null | sed -n 's/^SLURM_JOB_ID=//p')
        [ -n "$victim" ] && break
    done
    [ -n "$victim" ] || sleep 0.05
done
shard=$(tr '\0' ' ' < "/proc/$victim_pid/cmdline" 2> /dev/null | sed -n 's/.*--shard \([0-9]*\)\/.*/\1/p')
scancel "$victim" || fail "scancel $victim failed"
[ -n "$shard" ] || fail "could not read the shard of plrp process $victim_pid"
echo "  scancel SLURM job $victim: shard $shard's plrp (PID $victim_pid) was running"
status=0
snakemake_wait || status=$?
[ "$status" != 0 ] || fail "snakemake succeeded although SLURM job $victim was cancelled"
id=$(run_id "$WORK/run2.log")
jobs=$(slurm_jobs "$id")
echo "  snakemake exited with status $status; SLURM run ID $id:"
print_jobs "$jobs"
state=$(awk -F'|' -v j="$victim" '$1 == j {print $3}' <<< "$jobs")
[ "$state" = CANCELLED ] || fail "SLURM job $victim is $state, not CANCELLED (it may have finished before scancel)"
grep -q "$victim" "$WORK/run2.log" || fail "the snakemake log does not name the cancelled job $victim"
! kill -0 "$victim_pid" 2> /dev/null || fail "plrp $victim_pid still runs after scancel"
[ ! -e "$WORK/run2/shards/$shard/manifest.json" ] || fail "the cancelled shard left its manifest.json"
[ ! -e "$WORK/run2/manifest.json" ] || fail "merge ran although a shard was cancelled"
cluster_wait_for 60 cluster_queue_empty || fail "jobs of the cancelled run still queued"
missing=()
for ((i = 1; i <= SHARDS; i++)); do
    [ -e "$WORK/run2/shards/$i/manifest.json" ] || missing+=("rule_shard_wildcards_$i")
done
left=$(ls -A "$WORK/run2/shards/$shard" 2> /dev/null | tr '\n' ' ' || true)   # plrp removes a folder it made
echo "  the cancelled shard's folder holds ${left:-nothing}; to redo: ${missing[*]}"
grep -q manifest.json <<< "$left" && fail "the cancelled shard's folder holds a manifest.json"

start=$SECONDS
snakemake_start "$WORK/run2" "$WORK/rerun.log"
snakemake_wait || fail "the rerun failed (exit $?)"
id=$(run_id "$WORK/rerun.log")
jobs=$(slurm_jobs "$id")
echo "  rerun: SLURM run ID $id, $((SECONDS - start)) s:"
print_jobs "$jobs"
expect_jobs "$jobs" "${missing[@]}" rule_merge
resubmitted=$(awk -F'|' -v c="rule_shard_wildcards_$shard" '$2 == c {print $1}' <<< "$jobs")
[ -n "$resubmitted" ] && [ "$resubmitted" != "$victim" ] || fail "shard $shard was not resubmitted"
# A killed plrp may leave its hidden .NAME.partial-PID files; the next run in that folder removes them.
stale=$(find "$WORK/run2" -name '.*.partial-*' | tr '\n' ' ')
[ -z "$stale" ] || fail "partial files left after the rerun: $stale"
compare_with_single "$WORK/run2"

PASSED="SLURM: $SHARDS shards merged equal a single run; job $victim (shard $shard) cancelled, resubmitted as job $resubmitted by the rerun, result unchanged"
