#!/usr/bin/env python3
"""zennit side of benchmarks/bpnet.sh: EpsilonPlus LRP of bpnet-lite's BPNet on the same weights and windows as plrp.

    bpnet_zennit.py STATE.pt OHE.npz THREADS HEAD [BATCH [PASSES]]  -> windows/s of each pass over the windows
                                                                    (compute only: the attribution passes)
    bpnet_zennit.py --relevance STATE.pt OHE.npz HEAD OUT.npy -> writes zennit's relevance [N, 4, L]

HEAD is counts or profile. zennit runs on BPNet's computation written with its own layer types, as
scripts/make_graph_fixtures.py does for the test fixtures: residual adds through zennit.layer.Sum (Norm rule), the
counts mean over positions 520..1594 through AdaptiveAvgPool1d(1) (Norm rule); EpsilonPlus gives every conv ZPlus and
the linear layer Epsilon. The counts head starts from relevance 1 at the count, the profile head from bpnet-lite's
ProfileWrapper scalar: R_j = w_j (l_j - mean l) on the flattened profile logits l of a window, w = softmax(l) held
constant. Batches of BATCH windows (default 64), PASSES passes (default 3) after a warm-up batch of 8.
"""
import os
import sys
import time

import numpy as np
import torch
from zennit.attribution import Gradient
from zennit.composites import EpsilonPlus

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from bpnet_torch import load  # noqa: E402
from fixture_models import BPNetLRP  # noqa: E402


def output_relevance(output, head):
    if head == "counts":
        return torch.ones_like(output)
    flat = output.detach().flatten(1)
    w = torch.softmax(flat, dim=-1)
    return (w * (flat - flat.mean(dim=-1, keepdim=True))).reshape(output.shape)


def attribute(attributor, batch, head):
    """zennit's relevance for one batch; the profile head's output relevance is a function of the output, which zennit
    evaluates on its own forward pass."""
    _, r = attributor(batch.clone().requires_grad_(True), lambda output: output_relevance(output, head))
    return r


def main():
    if sys.argv[1] == "--relevance":
        state, ohe, head, out = sys.argv[2:6]
        torch.set_num_threads(2)
        module = BPNetLRP(load(state), head).eval()
        x = torch.from_numpy(np.load(ohe)["arr_0"])
        with Gradient(model=module, composite=EpsilonPlus()) as attributor:
            r = torch.cat([attribute(attributor, x[i:i + 64], head) for i in range(0, len(x), 64)])
        np.save(out, r.detach().numpy().astype(np.float32))
        return
    state, ohe, threads, head = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    passes = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    torch.set_num_threads(threads)
    module = BPNetLRP(load(state), head).eval()
    x = torch.from_numpy(np.load(ohe)["arr_0"])
    rates = []
    with Gradient(model=module, composite=EpsilonPlus()) as attributor:
        attribute(attributor, x[:8], head)  # warm-up
        for _ in range(passes):
            start = time.perf_counter()
            for i in range(0, len(x), batch):
                attribute(attributor, x[i:i + batch], head)
            rates.append(len(x) / (time.perf_counter() - start))
    print(" ".join(f"{r:.2f}" for r in rates))

if __name__ == "__main__":
    main()
