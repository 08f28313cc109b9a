#!/usr/bin/env bash
# Creates .venv with what fixture scripts and peer benchmarks need (never needed to build, run or test plrp).
# Peers: zennit (LRP, with the torchvision stub), tangermeme (DeepLIFT/SHAP, dinucleotide shuffles), bpnet-lite
# (BPNet/ChromBPNet; --no-deps, it imports with torch, numpy, h5py, tqdm and tangermeme), modisco-lite and memelite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -c scripts/constraints.txt torch numpy onnx onnxscript bx-python h5py tqdm
.venv/bin/pip install -q ./scripts/torchvision_stub
.venv/bin/pip install -q -c scripts/constraints.txt --no-deps "zennit>=0.5" pillow
.venv/bin/pip install -q -c scripts/constraints.txt --no-deps tangermeme bpnet-lite
.venv/bin/pip install -q -c scripts/constraints.txt numba pandas scipy modisco-lite memelite
echo "ready: .venv/bin/python"
