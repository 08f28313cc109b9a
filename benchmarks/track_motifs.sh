#!/usr/bin/env bash
# `plrp motifs --track` on relevance tracks of growing length of dm3 chr2R (default model, PLRP-λ p = 0.5, 300-bp
# windows every 150 bp, as `plrp run`): wall time and peak resident memory (GNU time). Seqlets are called on the
# track contig by contig in blocks of rows and only the --max-seqlets strongest of each sign are kept, so memory
# should stay flat as the track grows. Needs `make build`. THREADS (default 2) for the explain runs that make the
# tracks; REGIONS (default: 2 Mb and 8 Mb from chr2R:1,000,001); TRACKS_DIR keeps the tracks between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
read -r -a regions <<< "${REGIONS:-chr2R:1,000,001-3,000,000 chr2R:1,000,001-9,000,000}"
work=${TRACKS_DIR:-${TMPDIR:-/tmp}/plrp-bench-track-motifs.$$}
[ -n "${TRACKS_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
echo "plrp motifs --track, default model, PLRP-lambda p=0.5, step 150, JASPAR insects"
for region in "${regions[@]}"; do
  name=${region//[:,]/_}
  if [ ! -f "$work/$name/relevance.bw" ]; then
    "$plrp" explain --fasta data/genome/dm3_chr2R.fa.gz --model data/models/default.safetensors --region "$region" \
      --step 150 --prune 0.5 --threads "$threads" -o "$work/$name" --force --quiet
  fi
  for track in relevance.bw relevance.bedGraph.gz; do
    /usr/bin/time -o "$work/time" -f '%e %M' "$plrp" motifs --track "$work/$name/$track" --fasta data/genome/dm3_chr2R.fa.gz \
      --database data/motifs/JASPAR2026_CORE_insects.meme -o "$work/m" --quiet
    read -r wall kb < <(tail -1 "$work/time")
    dre=$(awk -F'\t' 'NR > 1 && ($3 == "pnr" || $3 == "Dref" || $3 == "BEAF-32") { print $1; exit }' "$work/m/matches.tsv")
    printf '  %-32s %-22s %7.1f s  peak RSS %6.0f MB  %s seqlets kept, %s motifs, DRE: %s\n' "$region" "$track" "$wall" \
      "$(echo "$kb / 1024" | bc -l)" "$(grep -vc '^#' "$work/m/seqlets.bed")" "$(grep -c '^MOTIF' "$work/m/motifs.meme")" "${dre:-none}"
    rm -rf "$work/m"
  done
done
