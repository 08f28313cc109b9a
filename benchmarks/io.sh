#!/usr/bin/env bash
# Encodes the whole of dm3 chr2R (21.1 Mb) in 1-kb windows and times `samtools faidx` on the same span, in one run.
# Reports the median of $REPEATS runs of each, throughput in Mb/s of one-hot windows, and peak memory (GNU time).
# Usage: benchmarks/io.sh   (after `make build`; needs samtools and GNU time: apt-get install samtools time)
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
genome=data/genome/dm3_chr2R.fa.gz
repeats=${REPEATS:-5}
out=${TMPDIR:-/tmp}/plrp-bench-io.$$
trap 'rm -rf "$out"' EXIT
mkdir -p "$out"
[ -x "$plrp" ] || { echo "build first: make build" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
bases=$(cut -f2 "$genome.fai" | head -1)

# measure NAME COMMAND... : prints "median_seconds max_rss_kb" over $repeats runs.
measure() {
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$repeats"); do
    /usr/bin/time -f '%e %M' -o "$out/time" "$@" > /dev/null 2> "$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
    read -r t m < <(tail -1 "$out/time")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s\t%s\t%s\t%s\n' "$name" "$median" "$(awk -v b="$bases" -v t="$median" 'BEGIN {printf "%.0f", b/1e6/t}')" "$((rss / 1024))"
}

printf 'tool\tseconds\tMb_per_s\tpeak_MB\n'
measure "samtools faidx chr2R" samtools faidx "$genome" chr2R
measure "plrp encode -o - (output discarded)" "$plrp" encode --fasta "$genome" --region chr2R --window 1000 --quiet -o -
measure "plrp encode -o DIR (ohe.npz 338 MB)" "$plrp" encode --fasta "$genome" --region chr2R --window 1000 --quiet -o "$out/encode"
