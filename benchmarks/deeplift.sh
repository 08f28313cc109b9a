#!/usr/bin/env bash
# plrp's DeepLIFT/SHAP against tangermeme's deep_lift_shap on CPU PyTorch: the shipped model
# (data/models/default.safetensors), the same 256 chr2R windows of 300 bp, 20 dinucleotide shuffles per window, the
# same thread count. plrp is timed end to end (process start, FASTA, encoding, shuffles, arrays, manifest; no tracks),
# best of 3; tangermeme on its attribution call alone (shuffles drawn inside it, as users run it), best of 2. Both
# also with --hypothetical's output: tangermeme computes it anyway. Needs `make build` and the development venv
# (scripts/dev_env.sh). THREADS (default 2), WINDOWS (256), SHUFFLES (20).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
python=${PYTHON:-.venv/bin/python}
threads=${THREADS:-2}
windows=${WINDOWS:-256}
shuffles=${SHUFFLES:-20}
model=data/models/default.safetensors
work=${TMPDIR:-/tmp}/plrp-bench-deeplift.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
region="chr2R:1000001-$((1000000 + windows * 300))"

best=0
for _ in 1 2 3; do
  rm -rf "$work/dl"
  start=$(date +%s.%N)
  "$plrp" explain --model "$model" --fasta data/genome/dm3_chr2R.fa.gz --region "$region" --threads "$threads" \
    --method deeplift-shap --shuffles "$shuffles" --hypothetical --no-tracks -o "$work/dl" --quiet
  end=$(date +%s.%N)
  rate=$(echo "$windows / ($end - $start)" | bc -l)
  best=$(echo "if ($rate > $best) $rate else $best" | bc -l)
done
theirs=$("$python" benchmarks/deeplift_tangermeme.py "$model" "$work/dl/ohe.npz" "$threads" "$shuffles" 2>/dev/null)
printf 'DeepLIFT/SHAP, %d windows of 300 bp x %d shuffles, %d threads (windows/s)\n' "$windows" "$shuffles" "$threads"
printf '  plrp explain --method deeplift-shap  %8.1f\n' "$best"
printf '  tangermeme deep_lift_shap (compute)  %8.1f\n' "$theirs"
printf '  ratio plrp / tangermeme              %8.2f\n' "$(echo "$best / $theirs" | bc -l)"

# BPNet at bpnet-lite's default size (benchmarks/bpnet_export.py, the model bpnet.sh checks on every side), its
# counts head against bpnet-lite's deep_lift_shap with CountWrapper, BPNET_WINDOWS (16) windows of 2,114 bp.
bpnet_windows=${BPNET_WINDOWS:-16}
"$python" benchmarks/bpnet_export.py "$work/bpnet" > /dev/null 2>&1
start=$(date +%s.%N)
"$plrp" explain --model "$work/bpnet/bpnet.safetensors" --fasta data/genome/dm3_chr2R.fa.gz \
  --region "chr2R:1000001-$((1000000 + bpnet_windows * 2114))" --step 2114 --target counts --threads "$threads" \
  --method deeplift-shap --shuffles "$shuffles" --hypothetical --no-tracks -o "$work/bpnet/dl" --quiet
end=$(date +%s.%N)
ours=$(echo "$bpnet_windows / ($end - $start)" | bc -l)
peer=$("$python" benchmarks/deeplift_bpnet.py "$work/bpnet/bpnet.pt" "$work/bpnet/dl/ohe.npz" "$threads" "$shuffles" 2>/dev/null)
printf 'DeepLIFT/SHAP on BPNet (64 filters, 8 layers, 2,114 bp), counts head, %d windows x %d shuffles, %d threads\n' \
  "$bpnet_windows" "$shuffles" "$threads"
printf '  plrp explain --method deeplift-shap  %8.3f\n' "$ours"
printf '  bpnet-lite deep_lift_shap            %8.3f\n' "$peer"
printf '  ratio plrp / bpnet-lite              %8.2f\n' "$(echo "$ours / $peer" | bc -l)"
