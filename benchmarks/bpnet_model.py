#!/usr/bin/env python3
"""A seeded bpnet-lite BPNet at its default size (64 filters, 8 dilated residual layers, 2,114 bp input, 1,000 bp
profile of 2 strands, no control track) for the BPNet benchmarks: writes OUT/bpnet.pt (its state_dict, for the
PyTorch peers) and OUT/bpnet.onnx (the default torch.export exporter, weights as external data beside it), which
`plrp model import` turns into the plrp model with the same weights.
Usage: bpnet_model.py OUT_FOLDER"""
import os
import sys
import warnings

import torch
from bpnetlite.bpnet import BPNet

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(5)
model = BPNet(n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=0, verbose=False).eval()
torch.save(model.state_dict(), os.path.join(out, "bpnet.pt"))


class NoControl(torch.nn.Module):
    """BPNet with its control input left out, returning (profile, counts)."""
    def __init__(self, core):
        super().__init__()
        self.model = core

    def forward(self, x):
        return self.model(x, None)


x = torch.zeros(2, 4, 2114)
x[:, 0] = 1
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.onnx.export(NoControl(model), (x,), os.path.join(out, "bpnet.onnx"), input_names=["x"],
                      output_names=["profile", "counts"], dynamo=True, external_data=True,
                      dynamic_shapes={"x": {0: torch.export.Dim("batch", min=1, max=4096)}})
print(out)
