#!/usr/bin/env bash
# `plrp query` against `plrp explain` of the same windows (default model, PLRP-λ p = 0.5, 300-bp windows every
# 150 bp), with wall time and peak resident memory (GNU time), over regions of growing length up to the whole of dm3
# chr2R (21,146,708 bp): the query's time should follow explain's and its memory stay flat. Output goes to
# /dev/null (its bytes are counted). Needs `make build`. THREADS (default 2), REGIONS (default: 1 Mb, 4 Mb, chr2R).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
read -r -a regions <<< "${REGIONS:-chr2R:1,000,001-2,000,000 chr2R:1,000,001-5,000,000 chr2R}"
work=${TMPDIR:-/tmp}/plrp-bench-query.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
measure() {  # label, command...: wall and CPU seconds and peak RSS in MB, stdout counted
  local stats bytes
  /usr/bin/time -o "$work/time" -f '%e %U %S %M' "${@:2}" 2>/dev/null | wc -c > "$work/bytes"
  read -r wall user sys kb < <(tail -1 "$work/time")
  bytes=$(cat "$work/bytes")
  printf '  %-24s %8.1f s  CPU %7.1f s  peak RSS %6.0f MB  stdout %6.1f MB\n' "$1" "$wall" "$(echo "$user + $sys" | bc -l)" \
    "$(echo "$kb / 1024" | bc -l)" "$(echo "$bytes / 1000000" | bc -l)"
}
echo "plrp query vs explain, default model, PLRP-lambda p=0.5, step 150, $threads threads"
for region in "${regions[@]}"; do
  # The windows a query explains: the region widened by one step (the window minus the step, in whole steps) each side.
  if [ "$region" = chr2R ]; then
    explain_region=chr2R
  else
    range=${region#*:}; range=${range//,/}
    explain_region="${region%%:*}:$(( ${range%-*} - 150 ))-$(( ${range#*-} + 150 ))"
  fi
  "$plrp" explain --fasta data/genome/dm3_chr2R.fa.gz --model data/models/default.safetensors --region "$explain_region" \
    --step 150 --threads "$threads" -o "$work/explain" --force --quiet --no-tracks
  echo "$region ($(wc -l < "$work/explain/windows.bed") windows)"
  for format in table json bedgraph; do
    measure "query --format $format" "$plrp" query "$region" --format "$format" --threads "$threads"
  done
  measure "explain (tracks)" "$plrp" explain --fasta data/genome/dm3_chr2R.fa.gz --model data/models/default.safetensors \
    --region "$explain_region" --step 150 --threads "$threads" -o "$work/explain" --force --quiet
  measure "explain --no-tracks" "$plrp" explain --fasta data/genome/dm3_chr2R.fa.gz --model data/models/default.safetensors \
    --region "$explain_region" --step 150 --threads "$threads" -o "$work/explain" --force --quiet --no-tracks
  rm -rf "$work/explain"
done
