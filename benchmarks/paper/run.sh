#!/usr/bin/env bash
# The paper's genomics setting (arXiv 2404.14271) reproduced with plrp alone: three JASPAR 2026 insect
# motifs planted in dm3 chr2R background (`plrp simulate`, 3,000 training sequences of 250 bp), a two-conv-layer CNN
# trained on them (`plrp train`), and `plrp evaluate` of LRP, PLRP-λ, PLRP-M over the default p grid and the baselines on
# 300 new sequences of 250 bp (Su(H) output). Then the shipped promoter model on 300 real chr2R promoter windows (no
# planted truth). Writes the tables, plots (SVG, rendered to PNG by headless Chromium when it is installed) and
# results.md here. Needs `make build`. THREADS (default 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
plrp=${PLRP:-.build/release/plrp}
threads=${THREADS:-2}
work=${TMPDIR:-/tmp}/plrp-paper.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
db=data/motifs/JASPAR2026_CORE_insects.meme
ids=MA0085.2,MA0452.3,MA1459.2
cat > "$work/arch.json" <<JSON
{"input": {"alphabet": "ACGT", "length": 250},
 "layers": [
   {"type": "conv1d", "name": "conv1", "in_channels": 4, "out_channels": 32, "kernel_size": 15, "padding": "same"},
   {"type": "relu"}, {"type": "maxpool1d", "kernel_size": 4, "stride": 4},
   {"type": "conv1d", "name": "conv2", "in_channels": 32, "out_channels": 32, "kernel_size": 7, "padding": "same"},
   {"type": "relu"}, {"type": "global_max_pool"},
   {"type": "dense", "name": "out", "in_features": 32, "out_features": 3}],
 "outputs": ["MA0085.2", "MA0452.3", "MA1459.2"], "output_activation": "sigmoid"}
JSON
"$plrp" simulate --motifs "$db" --ids "$ids" --n 3000 --length 250 --background data/genome/dm3_chr2R.fa.gz --seed 21 -o "$work/train" --quiet
"$plrp" simulate --motifs "$db" --ids "$ids" --n 600 --length 250 --background data/genome/dm3_chr2R.fa.gz --seed 22 -o "$work/test" --quiet
"$plrp" train --sequences "$work/train/sequences.fa" --labels "$work/train/labels.tsv" --architecture "$work/arch.json" \
  --learning-rate 0.005 --epochs 40 --patience 5 --seed 1 --threads "$threads" -o "$work/model.safetensors" --quiet
auroc=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print("%.4f" % next(e["validation_auroc"] for e in t["epochs"] if e["epoch"] == t["best_epoch"]))' "$work/model.training.json")
# 300 test sequences of which about half carry Su(H): evaluate keeps those with a site for the explained output.
awk '/^>/ { n++ } n <= 300' "$work/test/sequences.fa" > "$work/test300.fa"   # the first 300 records
start=$(date +%s.%N)
"$plrp" evaluate --model "$work/model.safetensors" --sequences "$work/test300.fa" --ground-truth "$work/test/ground_truth.bed" \
  --target MA0085.2 --threads "$threads" -o "$work/simulated" --quiet
end=$(date +%s.%N)
seconds=$(echo "$end - $start" | bc -l)
evaluated=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["sequences"])' "$work/simulated/manifest.json")
# Timing of the done-when: all 300 sequences of 250 bp (no ground truth, so none is left out), default grid.
start=$(date +%s.%N)
"$plrp" evaluate --model "$work/model.safetensors" --sequences "$work/test300.fa" --threads "$threads" -o "$work/timing" --quiet
end=$(date +%s.%N)
timing=$(echo "$end - $start" | bc -l)
timed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["sequences"])' "$work/timing/manifest.json")

# The shipped promoter model on 300 held-out chr2R promoter windows (label 1), no ground truth.
python3 - "$work/promoters.fa" <<'PY'
import gzip, sys
labels = {}
for line in open("data/promoters/labels.tsv"):
    name, value = line.rstrip("\n").split("\t")
    labels[name] = value
out, kept, name = open(sys.argv[1], "w"), 0, None
for line in gzip.open("data/promoters/dm3_promoters_300.fa.gz", "rt"):
    if line.startswith(">"):
        name = line[1:].split()[0]
        keep = name.startswith("chr2R:") and labels.get(name) == "1" and kept < 300
        kept += keep
        if keep: out.write(">" + name + "\n")
    elif keep:
        out.write(line)
PY
"$plrp" evaluate --model data/models/default.safetensors --sequences "$work/promoters.fa" --threads "$threads" \
  -o "$work/promoters" --quiet

rm -rf "$here/simulated" "$here/promoters"
mkdir -p "$here/simulated" "$here/promoters"
cp "$work"/simulated/{metrics.tsv,*.svg} "$here/simulated/"
cp "$work"/promoters/{metrics.tsv,*.svg} "$here/promoters/"
if command -v chromium >/dev/null; then
  for svg in "$here"/simulated/*.svg "$here"/promoters/*.svg; do
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=920,370 --screenshot="${svg%.svg}.png" "file://$svg" >/dev/null 2>&1 || true
  done
fi
table() {  # TSV → markdown table
  python3 -c 'import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| " + " | ".join(rows[0]) + " |")
print("|" + " --- |" * len(rows[0]))
for row in rows[1:]:
    print("| " + " | ".join(row) + " |")' "$1"
}
{
  echo "# Results (written by run.sh on $(date -u +%Y-%m-%d), plrp $("$plrp" --version))"
  echo
  echo "Simulated: model validation AUROC $auroc; $evaluated of the 300 test sequences carry a Su(H) site and were"
  echo "evaluated for the Su(H) output. Timing: evaluating all $timed test sequences of 250 bp over the default grid (14"
  echo "methods, $threads threads) took $(printf '%.1f' "$timing") s."
  echo
  table "$here/simulated/metrics.tsv"
  echo
  echo "Promoter model, 300 real chr2R promoter windows (no planted truth; RMA is NA):"
  echo
  table "$here/promoters/metrics.tsv"
} > "$here/results.md"
cat "$here/results.md"
