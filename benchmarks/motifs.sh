#!/usr/bin/env bash
# Motif recovery at full scale: three JASPAR 2026 insect motifs — Su(H) MA0085.2, Kr MA0452.3, M1BP MA1459.2 —
# planted in real dm3 chr2R background by `plrp simulate` (N sequences of 200 bp, each motif in half of them), a
# one-layer CNN trained on them by `plrp train`, explained by PLRP-λ (p = 0.5, every output), and `plrp motifs`
# against the JASPAR insects database. Prints each step's time, whether every planted motif is a discovered motif's
# top significant match, seqlet precision/recall against the planted sites, and renders report.html in Chromium.
# Needs `make build`. N (default 10000), THREADS (default 2), KEEP=DIR to keep the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
n=${N:-10000}
threads=${THREADS:-2}
work=${KEEP:-${TMPDIR:-/tmp}/plrp-bench-motifs.$$}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
rm -rf "$work" && mkdir -p "$work"
db=data/motifs/JASPAR2026_CORE_insects.meme
ids=MA0085.2,MA0452.3,MA1459.2
cat > "$work/arch.json" <<JSON
{"input": {"alphabet": "ACGT", "length": 200},
 "layers": [
   {"type": "conv1d", "name": "conv", "in_channels": 4, "out_channels": 32, "kernel_size": 15, "padding": "same"},
   {"type": "relu"}, {"type": "global_max_pool"},
   {"type": "dense", "name": "out", "in_features": 32, "out_features": 3}],
 "outputs": ["MA0085.2", "MA0452.3", "MA1459.2"], "output_activation": "sigmoid"}
JSON
step() {  # label, command...: runs it and prints the wall time
  local start end
  start=$(date +%s.%N)
  "${@:2}"
  end=$(date +%s.%N)
  printf '  %-9s %6.2f s\n' "$1" "$(echo "$end - $start" | bc -l)"
}
echo "motif recovery: $n sequences of 200 bp, motifs $ids, $threads threads"
step simulate "$plrp" simulate --motifs "$db" --ids "$ids" --n "$n" --length 200 --background data/genome/dm3_chr2R.fa.gz \
  --seed 3 -o "$work/sim" --quiet
step train "$plrp" train --sequences "$work/sim/sequences.fa" --labels "$work/sim/labels.tsv" --architecture "$work/arch.json" \
  --learning-rate 0.01 --epochs 30 --patience 5 --seed 1 --threads "$threads" -o "$work/model.safetensors" --quiet
step explain "$plrp" explain --model "$work/model.safetensors" --sequences "$work/sim/sequences.fa" --target all --prune 0.5 \
  --threads "$threads" -o "$work/explain" --quiet
step motifs "$plrp" motifs --input "$work/explain" --database "$db" -o "$work/motifs" --quiet
auroc=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(next(e["validation_auroc"] for e in t["epochs"] if e["epoch"] == t["best_epoch"]))' "$work/model.training.json")
printf '  model validation AUROC %.4f\n' "$auroc"
echo "  discovered motifs and their top significant match (q < 0.05):"
awk -F'\t' 'NR > 1 && !seen[$1]++ { printf "    %-7s %s %-6s q=%s (%s)\n", $1, $2, $3, $5, $8 }' "$work/motifs/matches.tsv"
missing=0
for id in ${ids//,/ }; do
  awk -F'\t' -v id="$id" 'NR > 1 && !seen[$1]++ && $2 == id && $5 < 0.05 { ok = 1 } END { exit !ok }' "$work/motifs/matches.tsv" \
    || { echo "  MISSING: $id is no discovered motif's top match"; missing=1; }
done
read -r precision recall seqlets planted < <(python3 benchmarks/seqlet_score.py "$work/motifs/seqlets.bed" "$work/sim/ground_truth.bed")
echo "  seqlets: precision $precision, recall $recall ($seqlets positive seqlets, $planted planted sites)"
scripts/render_report.sh "$work/motifs/report.html" "$work/report.png" | sed 's/^/  /'
exit $missing
