#!/usr/bin/env python3
"""bpnet-lite's deep_lift_shap (its CountWrapper, the rules it registers, tangermeme underneath) on CPU PyTorch for
benchmarks/deeplift.sh: the BPNet of bpnet_export.py, the windows of an ohe.npz, N shuffles, THREADS threads. Prints
windows/s of the attribution call alone.
Usage: deeplift_bpnet.py BPNET.pt OHE.NPZ THREADS [SHUFFLES]"""
import sys
import time
import warnings

import numpy as np
import torch
from bpnetlite.attribute import deep_lift_shap
from bpnetlite.bpnet import BPNet, CountWrapper

state, ohe, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
shuffles = int(sys.argv[4]) if len(sys.argv) > 4 else 20
torch.set_num_threads(threads)
model = BPNet(n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=0, verbose=False)
model.load_state_dict(torch.load(state))
model.eval()
x = torch.from_numpy(np.load(ohe)["arr_0"])
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    deep_lift_shap(CountWrapper(model), x, n_shuffles=shuffles, random_state=0, device="cpu", hypothetical=True)
print(f"{x.shape[0] / (time.perf_counter() - start):.3f}")
