#!/usr/bin/env bash
# TF-MoDISco (modisco-lite) on plrp's hypothetical contributions: the shipped model explained with PLRP-λ p = 0.5 over
# 1 Mb of chr2R (the windows of `make run`), `--hypothetical`, then `modisco motifs -s ohe.npz -a hypothetical.npz`.
# Prints the patterns it finds (seqlets and the consensus of each pattern's sequence matrix). Needs `make build` and
# the development venv with modisco-lite (scripts/dev_env.sh). THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
plrp=${PLRP:-.build/release/plrp}
python=${PYTHON:-.venv/bin/python}
modisco=${MODISCO:-.venv/bin/modisco}
work=${TMPDIR:-/tmp}/plrp-bench-modisco.$$
trap 'rm -rf "$work"' EXIT
"$plrp" explain --model data/models/default.safetensors --fasta data/genome/dm3_chr2R.fa.gz \
  --region chr2R:1,000,001-2,000,000 --step 150 --prune 0.5 --hypothetical --no-tracks --threads "${THREADS:-2}" \
  -o "$work" --quiet
start=$(date +%s.%N)
"$modisco" motifs -s "$work/ohe.npz" -a "$work/hypothetical.npz" -n 2000 -w 300 -o "$work/modisco.h5" > "$work/modisco.log" 2>&1
end=$(date +%s.%N)
"$python" - "$work/modisco.h5" "$(echo "$end - $start" | bc -l)" <<'PY'
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
print(f"modisco motifs on ohe.npz + hypothetical.npz: {float(sys.argv[2]):.1f} s")
for group in ("pos_patterns", "neg_patterns"):
    patterns = f[group] if group in f else {}
    print(f"{group}: {len(patterns)}")
    for name in sorted(patterns, key=lambda n: int(n.split("_")[1])):
        p = patterns[name]
        consensus = "".join("ACGT"[i] for i in np.asarray(p["sequence"]).argmax(axis=1))
        print(f"  {name}: {int(p['seqlets']['n_seqlets'][()][0])} seqlets, {consensus}")
PY
