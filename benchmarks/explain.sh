#!/usr/bin/env bash
# plrp explain against zennit's EpsilonPlus on CPU PyTorch: same model (data/models/default.safetensors), same 4,096
# chr2R windows, same thread count, best of 3 runs each. plrp is timed end to end (process start, FASTA reading, encoding, writing
# ohe.npz/attr.npz/windows.bed/manifest) with --no-tracks, as zennit makes no tracks; zennit on its attribution passes
# alone. Also PLRP-λ and PLRP-M at p = 0.5, and LRP with the genome tracks (bedGraph.gz + tabix, bigWig) written.
# Needs `make build` and the development venv (scripts/dev_env.sh). THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
python=${PYTHON:-.venv/bin/python}
threads=${THREADS:-2}
model=data/models/default.safetensors
work=${TMPDIR:-/tmp}/plrp-bench-explain.$$
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
windows=4096
region="chr2R:1000001-$((1000000 + windows * 300))"

run() {  # name, extra arguments: prints windows/s end to end, the best of 3 runs (as for zennit: best of 2)
  local start end best=0 rate
  for _ in 1 2 3; do
    rm -rf "$work/$1"
    start=$(date +%s.%N)
    "$plrp" explain --model "$model" --fasta data/genome/dm3_chr2R.fa.gz --region "$region" --threads "$threads" \
      -o "$work/$1" --quiet --no-tracks "${@:2}"
    end=$(date +%s.%N)
    rate=$(echo "$windows / ($end - $start)" | bc -l)
    best=$(echo "if ($rate > $best) $rate else $best" | bc -l)
  done
  echo "$best"
}
lrp=$(run lrp --prune 0)  # explain's default is PLRP-λ p = 0.5
tracks=$(run tracks --prune 0 --tracks)
lambda=$(run lambda --prune 0.5 --plrp lambda)
m=$(run m --prune 0.5 --plrp m)
zennit=$("$python" benchmarks/explain_zennit.py "$model" "$work/lrp/ohe.npz" "$threads" 2>/dev/null)
printf 'explanations of %d windows of 300 bp, %d threads (windows/s)\n' "$windows" "$threads"
printf '  plrp explain, LRP epsilon_plus   %8.0f\n' "$lrp"
printf '  plrp explain, PLRP-lambda p=0.5  %8.0f   (cost vs LRP %.2fx)\n' "$lambda" "$(echo "$lrp / $lambda" | bc -l)"
printf '  plrp explain, PLRP-M p=0.5       %8.0f   (cost vs LRP %.2fx)\n' "$m" "$(echo "$lrp / $m" | bc -l)"
printf '  plrp explain, LRP + genome tracks %7.0f   (cost vs LRP %.2fx)\n' "$tracks" "$(echo "$lrp / $tracks" | bc -l)"
printf '  zennit EpsilonPlus (compute)     %8.0f\n' "$zennit"
printf '  ratio plrp LRP / zennit          %8.2f\n' "$(echo "$lrp / $zennit" | bc -l)"
