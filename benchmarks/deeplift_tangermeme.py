#!/usr/bin/env python3
"""tangermeme's deep_lift_shap on CPU PyTorch, for benchmarks/deeplift.sh: the plrp model file's network rebuilt in
PyTorch (scripts/export_pytorch.py; its global max pool written as a whole-length MaxPool1d so that tangermeme's
max-pooling rule applies), the windows of an ohe.npz, N shuffles per window, THREADS threads. Prints windows/s of
the attribution call alone (references drawn inside it, as users run it), best of two runs.
Usage: deeplift_tangermeme.py MODEL OHE.NPZ THREADS [SHUFFLES] [TARGET]"""
import os
import sys
import time
import warnings

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from export_pytorch import GlobalMaxPool, load  # noqa: E402
from tangermeme.deep_lift_shap import deep_lift_shap  # noqa: E402

model_path, ohe, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
shuffles = int(sys.argv[4]) if len(sys.argv) > 4 else 20
target = int(sys.argv[5]) if len(sys.argv) > 5 else 0
torch.set_num_threads(threads)
x = torch.from_numpy(np.load(ohe)["arr_0"])
model = load(model_path)[0].eval()


def whole_length_pools(sequential, x):
    """Each GlobalMaxPool → MaxPool1d over the length it sees (found by running one window), then Flatten."""
    seen = {}
    hooks = [m.register_forward_hook(lambda m, i, o, k=k: seen.__setitem__(k, i[0].shape[-1]))
             for k, m in enumerate(sequential) if isinstance(m, GlobalMaxPool)]
    with torch.no_grad():
        sequential(x[:1])
    for h in hooks:
        h.remove()
    layers = []
    for k, module in enumerate(sequential):
        layers += [nn.MaxPool1d(seen[k]), nn.Flatten()] if k in seen else [module]
    return nn.Sequential(*layers).eval()


model = whole_length_pools(model, x)
best = 0.0
for _ in range(2):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        deep_lift_shap(model, x, target=target, n_shuffles=shuffles, random_state=0, device="cpu")
    best = max(best, x.shape[0] / (time.perf_counter() - start))
print(f"{best:.3f}")
