#!/usr/bin/env bash
# One chromosome: `plrp explain` (default model, PLRP-λ p = 0.5, 300-bp windows every 300 bp, genome tracks written) over
# 1 Mb of dm3 chr2R and over the whole chromosome (21,146,708 bp), with wall time, windows/s, bases/s and peak
# resident memory (GNU time), and the same without tracks, to show where memory grows with length; then `plrp query`
# of 2 kb (model load included), best of 5. Needs `make build`. THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
work=${TMPDIR:-/tmp}/plrp-bench-chromosome.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
explain() {  # label, region arguments...
  local out="$work/$1" stats
  stats=$( { /usr/bin/time -f '%e %M' "$plrp" explain --model data/models/default.safetensors --fasta data/genome/dm3_chr2R.fa.gz \
    "${@:2}" --prune 0.5 --threads "$threads" -o "$out" --quiet; } 2>&1 | tail -1)
  local seconds=${stats% *} kb=${stats#* }
  local windows bases
  windows=$(wc -l < "$out/windows.bed")
  bases=0
  [ -e "$out/relevance.bedGraph.gz" ] && bases=$(awk '$4 != 0 { n += $3 - $2 } END { print n + 0 }' <(zcat "$out/relevance.bedGraph.gz" | tail -n +2))
  printf '  %-26s %8d windows  %7.1f s  %7.0f windows/s  %6.2f Mb/s  peak RSS %5.0f MB  (%d bases of non-zero relevance)\n' \
    "$1" "$windows" "$seconds" "$(echo "$windows / $seconds" | bc -l)" "$(echo "$windows * 300 / $seconds / 1000000" | bc -l)" \
    "$(echo "$kb / 1024" | bc -l)" "$bases"
  rm -rf "$out"
}
echo "plrp explain, default model, PLRP-lambda p=0.5, windows of 300 every 300 bp, tracks written, $threads threads"
explain "chr2R:1,000,001-2,000,000" --region chr2R:1,000,001-2,000,000
explain "chr2R (21,146,708 bp)" --region chr2R
explain "1 Mb, --no-tracks" --region chr2R:1,000,001-2,000,000 --no-tracks
explain "chr2R, --no-tracks" --region chr2R --no-tracks
best=999
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$plrp" query chr2R:1,000,001-1,002,000 > /dev/null
  end=$(date +%s.%N)
  best=$(echo "t = $end - $start; if (t < $best) t else $best" | bc -l)
done
printf 'plrp query chr2R:1,000,001-1,002,000 (2 kb, model load included): %.3f s (best of 5)\n' "$best"
