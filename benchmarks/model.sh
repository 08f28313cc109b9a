#!/usr/bin/env bash
# plrp against PyTorch (CPU build, same thread count, same weights, same windows):
#  1. inference on 4,096 chr2R windows of the default model's input length: `plrp predict` end to end (process start,
#     FASTA reading, encoding, TSV writing) against PyTorch's forward passes alone;
#  2. one training epoch on 8,192 promoter windows, batch 64, Adam: `plrp train --epochs 1` (including its
#     validation pass) against PyTorch's loop alone.
# Needs `make build` and the development venv (scripts/dev_env.sh). THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
python=${PYTHON:-.venv/bin/python}
threads=${THREADS:-2}
model=data/models/default.safetensors
work=${TMPDIR:-/tmp}/plrp-bench-model.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
length=$("$plrp" model inspect "$model" | sed -n 's/^input: \[4, \([0-9]*\)\].*/\1/p')
windows=4096
region="chr2R:1000001-$((1000000 + windows * length))"

"$plrp" encode --fasta data/genome/dm3_chr2R.fa.gz --region "$region" --window "$length" -o "$work/ohe" --quiet
plrp_seconds=1000
for _ in 1 2 3; do  # best of 3, as PyTorch's side is best of 3
  start=$(date +%s.%N)
  "$plrp" predict --model "$model" --fasta data/genome/dm3_chr2R.fa.gz --region "$region" --threads "$threads" -o "$work/p.tsv"
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  plrp_seconds=$(echo "if ($seconds < $plrp_seconds) $seconds else $plrp_seconds" | bc -l)
done
plrp_rate=$(echo "$windows / $plrp_seconds" | bc -l)
torch_rate=$("$python" benchmarks/model_torch.py predict "$model" "$work/ohe/ohe.npz" "$threads")
printf 'inference, %d windows of %d bp, %d threads\n' "$windows" "$length" "$threads"
printf '  plrp predict (end to end)  %10.0f windows/s\n' "$plrp_rate"
printf '  PyTorch forward (compute)  %10.0f windows/s\n' "$torch_rate"
printf '  ratio plrp / PyTorch       %10.2f\n' "$(echo "$plrp_rate / $torch_rate" | bc -l)"

examples=8192
{ gzip -dc data/promoters/dm3_promoters_300.fa.gz || true; } | head -$((2 * examples)) > "$work/train.fa"
head -$((examples + 1)) data/promoters/labels.tsv > "$work/labels.tsv"
"$plrp" encode --sequences "$work/train.fa" -o "$work/train" --quiet
tail -n +2 "$work/labels.tsv" | cut -f2 > "$work/y.txt"
plrp_train=1000
for _ in 1 2 3; do  # best of 3
  start=$(date +%s.%N)
  "$plrp" train --sequences "$work/train.fa" --labels "$work/labels.tsv" --epochs 1 --validation-fraction 0.01 \
    --threads "$threads" -o "$work/m.safetensors" --quiet
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  plrp_train=$(echo "if ($seconds < $plrp_train) $seconds else $plrp_train" | bc -l)
done
torch_train=$("$python" benchmarks/model_torch.py train "$work/m.safetensors" "$work/train/ohe.npz" "$work/y.txt" "$threads")
printf 'training, one epoch over %d windows of 300 bp, batch 64, %d threads\n' "$examples" "$threads"
printf '  plrp train (end to end)    %10.2f s\n' "$plrp_train"
printf '  PyTorch epoch (compute)    %10.2f s\n' "$torch_train"
printf '  ratio PyTorch / plrp       %10.2f\n' "$(echo "$torch_train / $plrp_train" | bc -l)"
