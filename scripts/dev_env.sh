#!/usr/bin/env bash
# Creates .venv with what fixture scripts and peer benchmarks need (never needed to build, run or test plrp).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -c scripts/constraints.txt torch numpy onnx onnxscript bx-python
.venv/bin/pip install -q ./scripts/torchvision_stub
.venv/bin/pip install -q -c scripts/constraints.txt --no-deps "zennit>=0.5" pillow
echo "ready: .venv/bin/python"
