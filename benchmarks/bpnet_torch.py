#!/usr/bin/env python3
"""PyTorch side of benchmarks/bpnet.sh: bpnet-lite's BPNet forward on the same weights and windows as plrp.

    bpnet_torch.py STATE.pt OHE.npz THREADS [BATCH [PASSES]]  -> windows/s of each pass over the windows (compute
                                                                 only: eval, no_grad, after a warm-up batch)
    bpnet_torch.py --check STATE.pt OHE.npz PROFILE.npy COUNTS.npy -> largest relative difference to plrp's outputs

STATE.pt is the state_dict that benchmarks/bpnet_export.py wrote beside the plrp model; OHE.npz the windows
([N, 4, 2114], key arr_0) as `plrp encode` writes them. Batches of BATCH windows (default 64), PASSES passes
(default 3).
"""
import sys
import time

import numpy as np
import torch
from bpnetlite.bpnet import BPNet


def load(path):
    model = BPNet(n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=0, verbose=False)
    model.load_state_dict(torch.load(path))
    return model.eval()


def main():
    if sys.argv[1] == "--check":
        model = load(sys.argv[2])
        x = torch.from_numpy(np.load(sys.argv[3])["arr_0"])
        with torch.no_grad():
            profile, counts = model(x)
        worst = 0.0
        for ours, theirs in ((np.load(sys.argv[4]), profile.numpy()), (np.load(sys.argv[5]), counts.numpy())):
            assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
            worst = max(worst, float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs))))
        print(f"{worst:.3g}")
        return
    state, ohe, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    passes = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    torch.set_num_threads(threads)
    model = load(state)
    x = torch.from_numpy(np.load(ohe)["arr_0"])
    rates = []
    with torch.no_grad():
        model(x[:batch])  # warm-up
        for _ in range(passes):
            start = time.perf_counter()
            for i in range(0, len(x), batch):
                model(x[i:i + batch])
            rates.append(len(x) / (time.perf_counter() - start))
    print(" ".join(f"{r:.2f}" for r in rates))

if __name__ == "__main__":
    main()
