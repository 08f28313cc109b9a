#!/usr/bin/env python3
"""zennit side of benchmarks/explain.sh: EpsilonPlus LRP of the same model on the same windows, CPU, fixed threads.

    explain_zennit.py MODEL OHE.npz THREADS -> windows/s (compute only: the attribution passes, batch 256)
"""
import os
import sys
import time

import numpy as np
import torch
from zennit.attribution import Gradient
from zennit.composites import EpsilonPlus

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from export_pytorch import load  # noqa: E402

model_path, ohe, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
model, architecture = load(model_path)
x = torch.from_numpy(np.load(ohe)["arr_0"])
outputs = len(architecture["outputs"])
best = float("inf")
for _ in range(3):  # best of 3, as plrp's side
    start = time.perf_counter()
    with Gradient(model=model, composite=EpsilonPlus()) as attributor:
        for i in range(0, len(x), 256):
            batch = x[i:i + 256]
            target = torch.zeros(len(batch), outputs)
            target[:, 0] = 1
            attributor(batch.clone().requires_grad_(True), target)
    best = min(best, time.perf_counter() - start)
print(f"{len(x) / best:.1f}")
