#!/usr/bin/env python3
"""PyTorch side of benchmarks/model.sh: the same model file and windows as plrp, CPU, a fixed thread count.

    model_torch.py predict MODEL OHE.npz THREADS      -> windows/s of inference (compute only)
    model_torch.py train MODEL OHE.npz LABELS THREADS -> seconds for one training epoch (batch 64, Adam)
"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from export_pytorch import load  # noqa: E402

mode, model_path, ohe = sys.argv[1], sys.argv[2], sys.argv[3]
threads = int(sys.argv[-1])
torch.set_num_threads(threads)
model, architecture = load(model_path)
x = torch.from_numpy(np.load(ohe)["arr_0"])

if mode == "predict":
    with torch.no_grad():
        model(x[:64])  # warm-up
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for i in range(0, len(x), 256):
                model(x[i:i + 256])
            best = min(best, time.perf_counter() - start)
    print(f"{len(x) / best:.1f}")
else:
    labels = np.loadtxt(sys.argv[4], dtype=np.float32, ndmin=2)
    y = torch.from_numpy(labels[: len(x)])
    torch.manual_seed(1)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best = float("inf")
    for _ in range(3):  # best of 3 epochs, as plrp's side
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for i in range(0, len(x), 64):
            index = order[i:i + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        best = min(best, time.perf_counter() - start)
    print(f"{best:.2f}")
