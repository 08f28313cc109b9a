#!/usr/bin/env bash
# Motif discovery on simulated data, plrp motifs beside TF-MoDISco (modisco-lite) on the same arrays. Two tasks, each:
# JASPAR 2026 motifs planted by `plrp simulate` (N sequences of 200 bp, each motif in half of them), a one-layer CNN
# trained on them by `plrp train`, explained by PLRP-λ (p = 0.5, every output), then `plrp motifs` and `modisco motifs`
# on the same ohe.npz and attr.npz. Both tools' motifs are annotated by memelite's tomtom against the same database
# (benchmarks/motif_compare.py): motifs found, planted motifs recovered, seqlet precision/recall against the planted
# sites, negative seqlets per row with no planted site, time and peak memory (GNU time). Also prints plrp's own matches
# and renders its report.html in Chromium.
#   task 1 (insects): Su(H) MA0085.2, Kr MA0452.3, M1BP MA1459.2 in dm3 chr2R background, JASPAR insects.
#   task 2 (vertebrates): NRF1 MA0506.3, TP53 MA0106.3, CEBPB MA0466.4 in uniform random background, JASPAR
#   vertebrates.
#   task shipped: `plrp run`'s arrays (the shipped promoter model, PLRP-λ p = 0.5 over 1 Mb of chr2R, windows of 300
#   every 150 bp), nothing planted: motifs, their matches in JASPAR insects, time and memory.
# Needs `make build` and the development venv with modisco-lite and memelite (scripts/dev_env.sh). N (default 2000),
# THREADS (default 2), TASKS (default "1 2 shipped"), KEEP=DIR to keep the outputs. Exits 1 when a task misses the bar
# (plrp recovers what modisco-lite recovers, at most twice its motifs, at most 0.1 negative seqlets per row with no
# planted site, positive seqlet precision and recall at least 0.8, at least 5x faster).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
python=${PYTHON:-.venv/bin/python}
modisco=${MODISCO:-.venv/bin/modisco}
n=${N:-2000}
threads=${THREADS:-2}
work=${KEEP:-${TMPDIR:-/tmp}/plrp-bench-motifs.$$}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
rm -rf "$work" && mkdir -p "$work"
step() {  # label, command...: runs it and prints the wall time
  local start end
  start=$(date +%s.%N)
  "${@:2}"
  end=$(date +%s.%N)
  printf '  %-9s %6.2f s\n' "$1" "$(echo "$end - $start" | bc -l)"
}
measured() {  # out-prefix, command...: wall seconds and peak resident MB into PREFIX.time
  /usr/bin/time -f '%e %M' -o "$1.time" "${@:2}"
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$1.time" > "$1.tm" && mv "$1.tm" "$1.time"
}
status=0
table="| task | motifs (plrp / modisco-lite) | planted recovered | positive seqlet precision | recall | negative seqlets per no-site row | seconds | peak MB |"
for task in ${TASKS:-1 2 shipped}; do
  if [ "$task" = shipped ]; then
    dir=$work/shipped
    db=data/motifs/JASPAR2026_CORE_insects.meme
    echo "task shipped (plrp run's arrays: the shipped model over 1 Mb of chr2R), $threads threads"
    step run "$plrp" run --threads "$threads" -o "$dir/run" --quiet
    rm -rf "$dir/run/motifs"
    measured "$dir/plrp" "$plrp" motifs --input "$dir/run" --database "$db" -o "$dir/motifs" --quiet
    measured "$dir/modisco" "$modisco" motifs -s "$dir/run/ohe.npz" -a "$dir/run/attr.npz" -n 2000 -w 300 \
      -o "$dir/modisco.h5" > "$dir/modisco.log" 2>&1
    read -r ps pm < "$dir/plrp.time"
    read -r ms mm < "$dir/modisco.time"
    "$python" benchmarks/motif_compare.py shipped "$dir/run" "$dir/motifs" "$dir/modisco.h5" - "$db" - 5 \
      "$ps" "$pm" "$ms" "$mm"
    scripts/render_report.sh "$dir/motifs/report.html" "$dir/report.png" | sed 's/^/  /'
    continue
  fi
  case $task in
    1) db=data/motifs/JASPAR2026_CORE_insects.meme; ids=MA0085.2,MA0452.3,MA1459.2
       background=(--background data/genome/dm3_chr2R.fa.gz); label="insects, chr2R background" ;;
    2) db=data/motifs/JASPAR2026_CORE_vertebrates.meme; ids=MA0506.3,MA0106.3,MA0466.4
       background=(); label="vertebrates, uniform background" ;;
    *) echo "unknown task $task" >&2; exit 2 ;;
  esac
  dir=$work/task$task
  mkdir -p "$dir"
  outputs=$(sed 's/\([^,]*\)/"\1"/g' <<<"$ids")
  cat > "$dir/arch.json" <<JSON
{"input": {"alphabet": "ACGT", "length": 200},
 "layers": [
   {"type": "conv1d", "name": "conv", "in_channels": 4, "out_channels": 32, "kernel_size": 15, "padding": "same"},
   {"type": "relu"}, {"type": "global_max_pool"},
   {"type": "dense", "name": "out", "in_features": 32, "out_features": 3}],
 "outputs": [$outputs], "output_activation": "sigmoid"}
JSON
  echo "task $task ($label): $n sequences of 200 bp, motifs $ids, $threads threads"
  step simulate "$plrp" simulate --motifs "$db" --ids "$ids" --n "$n" --length 200 "${background[@]}" \
    --seed 3 -o "$dir/sim" --quiet
  step train "$plrp" train --sequences "$dir/sim/sequences.fa" --labels "$dir/sim/labels.tsv" --architecture "$dir/arch.json" \
    --learning-rate 0.01 --epochs 30 --patience 5 --seed 1 --threads "$threads" -o "$dir/model.safetensors" --quiet
  step explain "$plrp" explain --model "$dir/model.safetensors" --sequences "$dir/sim/sequences.fa" --target all --prune 0.5 \
    --threads "$threads" -o "$dir/explain" --quiet
  measured "$dir/plrp" "$plrp" motifs --input "$dir/explain" --database "$db" -o "$dir/motifs" --quiet
  measured "$dir/modisco" "$modisco" motifs -s "$dir/explain/ohe.npz" -a "$dir/explain/attr.npz" -n 2000 -w 200 \
    -o "$dir/modisco.h5" > "$dir/modisco.log" 2>&1
  auroc=$("$python" -c 'import json,sys; t=json.load(open(sys.argv[1])); print(next(e["validation_auroc"] for e in t["epochs"] if e["epoch"] == t["best_epoch"]))' "$dir/model.training.json")
  printf '  model validation AUROC %.4f\n' "$auroc"
  echo "  plrp's own matches (top per motif, q < 0.05):"
  awk -F'\t' 'NR > 1 && !seen[$1]++ { printf "    %-7s %s %-6s q=%s (%s)\n", $1, $2, $3, $5, $8 }' "$dir/motifs/matches.tsv"
  read -r ps pm < "$dir/plrp.time"
  read -r ms mm < "$dir/modisco.time"
  row=$("$python" benchmarks/motif_compare.py "$task ($label)" "$dir/explain" "$dir/motifs" "$dir/modisco.h5" \
        "$dir/sim/ground_truth.bed" "$db" "$ids" 5 "$ps" "$pm" "$ms" "$mm") || status=1
  grep -v '^|' <<<"$row"
  table+=$'\n'$(grep '^|' <<<"$row")
  scripts/render_report.sh "$dir/motifs/report.html" "$dir/report.png" | sed 's/^/  /'
done
echo
echo "$table"
exit $status
