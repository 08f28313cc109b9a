#!/usr/bin/env bash
# What writing the genome tracks costs: `plrp explain` (default model, PLRP-λ p = 0.5, 300-bp windows every 300 bp)
# over 2 Mb of dm3 chr2R with tracks and with --no-tracks, the two run alternately $REPEATS times (default 5) so that
# load from other work falls on both alike. Prints the median wall time and CPU time (user + sys) of each and their
# ratio, and the load average before and after. BEFORE=path/to/another/plrp adds that binary to the rotation (to
# compare two builds side by side). Needs `make build` and GNU time. THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
repeats=${REPEATS:-5}
region=${REGION:-chr2R:1,000,001-3,000,000}
work=${TMPDIR:-/tmp}/plrp-bench-tracks.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
[ -x "$plrp" ] || { echo "build first: make build" >&2; exit 1; }
binaries=("$plrp")
[ -n "${BEFORE:-}" ] && binaries+=("$BEFORE")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$repeats"); do
  for b in "${!binaries[@]}"; do
    for mode in tracks no-tracks; do
      extra=(); [ "$mode" = no-tracks ] && extra=(--no-tracks)
      rm -rf "$work/out"
      /usr/bin/time -f '%e %U %S' -o "$work/time" "${binaries[$b]}" explain --model data/models/default.safetensors \
        --fasta data/genome/dm3_chr2R.fa.gz --region "$region" --prune 0.5 --threads "$threads" -o "$work/out" --quiet "${extra[@]}"
      read -r wall user sys < <(tail -1 "$work/time")
      echo "$wall $(echo "$user + $sys" | bc -l)" >> "$work/$b.$mode"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for b in "${!binaries[@]}"; do
  wt=$(cut -d' ' -f1 "$work/$b.tracks" | median); wn=$(cut -d' ' -f1 "$work/$b.no-tracks" | median)
  ct=$(cut -d' ' -f2 "$work/$b.tracks" | median); cn=$(cut -d' ' -f2 "$work/$b.no-tracks" | median)
  printf '%s, %s, %d threads, median of %d: tracks %.2f s wall %.2f s CPU; --no-tracks %.2f s wall %.2f s CPU; ratio %.2f wall, %.2f CPU\n' \
    "${binaries[$b]}" "$region" "$threads" "$repeats" "$wt" "$ct" "$wn" "$cn" "$(echo "$wt / $wn" | bc -l)" "$(echo "$ct / $cn" | bc -l)"
done
