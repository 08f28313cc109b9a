#!/usr/bin/env bash
# Trains data/models/default.safetensors exactly as shipped (see data/models/README.md). Deterministic: the same plrp
# version and data give the same bytes, for any --threads.
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
"$plrp" train --sequences data/promoters/dm3_promoters_300.fa.gz --labels data/promoters/labels.tsv \
  --shuffled-negatives 1 --holdout chr2R: --seed 1 --epochs 30 --patience 3 --threads 2 \
  -o "${1:-data/models/default.safetensors}"
