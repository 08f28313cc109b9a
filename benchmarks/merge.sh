#!/usr/bin/env bash
# `plrp merge` in memory that does not grow with the genome: 4 shards of `plrp run` (default model, PLRP-λ p = 0.5,
# 300-bp windows every 150 bp) over 2 Mb and 8 Mb of dm3 chr2R, merged, with wall time and peak resident memory
# (GNU time) of the merge, for shards run with --arrays none (tracks joined from the shards' tracks and edge windows,
# motifs on the joined track) and --arrays all (arrays copied a block at a time; the motif step reads the joined
# arrays, as a single run's does, and --no-motifs leaves it out). CHECK=1 also runs each single run and compares
# every merged file with it byte for byte. Needs `make build`. THREADS (default 2) for the shard runs; SHARDS (4);
# REGIONS (default: 2 Mb and 8 Mb from chr2R:1,000,001); ARRAYS (default "none all").
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
shards=${SHARDS:-4}
read -r -a regions <<< "${REGIONS:-chr2R:1,000,001-3,000,000 chr2R:1,000,001-9,000,000}"
read -r -a modes <<< "${ARRAYS:-none all}"
work=${TMPDIR:-/tmp}/plrp-bench-merge.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
database=data/motifs/JASPAR2026_CORE_insects.meme

measure() {  # label, command...: prints "wall s, peak RSS MB"
  /usr/bin/time -o "$work/time" -f '%e %M' "${@:2}"
  read -r wall kb < <(tail -1 "$work/time")
  printf '  %-48s %7.1f s  peak RSS %6.0f MB\n' "$1" "$wall" "$(echo "$kb / 1024" | bc -l)"
}

echo "plrp merge of $shards shards, default model, PLRP-lambda p=0.5, step 150, $threads threads for the shards"
for mode in "${modes[@]}"; do
  for region in "${regions[@]}"; do
    name=${region//[:,]/_}.$mode
    folders=()
    for ((i = 1; i <= shards; i++)); do
      "$plrp" run --region "$region" --arrays "$mode" --shard "$i/$shards" --threads "$threads" -o "$work/$name/s$i" --quiet
      folders+=("$work/$name/s$i")
    done
    windows=$(cat "$work/$name"/s*/windows.bed | wc -l)
    shard_mb=$(du -cm "$work/$name"/s*/* | tail -1 | cut -f1)
    edges_kb=$(du -ck "$work/$name"/s*/edges.* | tail -1 | cut -f1)
    echo "  $region, --arrays $mode: $windows windows, shards $shard_mb MB (edge windows $edges_kb kB)"
    measure "merge" "$plrp" merge "${folders[@]}" --database "$database" -o "$work/$name/merged" --quiet
    if [ "$mode" = all ]; then
      measure "merge --no-motifs" "$plrp" merge "${folders[@]}" --no-motifs -o "$work/$name/tracks-only" --quiet
    fi
    dre=$(awk -F'\t' 'NR > 1 && ($3 == "pnr" || $3 == "Dref" || $3 == "BEAF-32") { print $1 " " $3; exit }' "$work/$name/merged/matches.tsv")
    echo "    motifs: $(grep -c '^MOTIF' "$work/$name/merged/motifs.meme"), DRE: ${dre:-none}"
    if [ "${CHECK:-0}" = 1 ]; then
      "$plrp" run --region "$region" --arrays "$mode" --threads "$threads" -o "$work/$name/single" --quiet
      compared=0
      for file in "$work/$name/single"/*; do
        base=$(basename "$file")
        [ "$base" = manifest.json ] && continue
        cmp -s "$file" "$work/$name/merged/$base" || { echo "    $base differs from the single run's" >&2; exit 1; }
        compared=$((compared + 1))
      done
      echo "    $compared files byte for byte equal to the single run's"
      rm -rf "$work/$name/single"
    fi
    rm -rf "${folders[@]}" "${work:?}/$name"
  done
done
