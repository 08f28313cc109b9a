#!/usr/bin/env python3
"""Writes bpnet-lite's BPNet at its default size as a plrp model, for benchmarks/bpnet.sh.

    bpnet_export.py OUT_DIR [--seed 1] [--gain G]

BPNet(n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=0): input 2,114 bp, trimming 557 (profile logits
[2, 1000]), iconv k=21, 8 dilated residual convs k=3 (dilation 2..256) with ReLU and residual add, fconv k=75, and
the counts head mean over positions 520..1594 -> Linear(64 -> 1). Seeded PyTorch initialisation with every conv and
linear weight and bias multiplied by GAIN (default 1.5, which puts the profile logits and the count in O(1)), eval mode.

Writes to OUT_DIR:
  bpnet.safetensors  the plrp model file (format_version 2: a graph of nodes with named inputs and two heads,
                     "profile" on the cropped fconv and "counts" on the linear layer); tensors under bpnet-lite's own
                     state_dict names, so the PyTorch peers load them with load_state_dict.
  bpnet.onnx         the same model through PyTorch's TorchScript ONNX exporter (outputs profile, counts; dynamic
                     batch), for `plrp model import`.
  bpnet.pt           bpnet-lite's state_dict (torch.save), which bpnet_torch.py and bpnet_zennit.py load.
Run with the development venv: .venv/bin/python benchmarks/bpnet_export.py OUT_DIR.
"""
import argparse
import json
import os
import sys
import warnings

import torch
from bpnetlite.bpnet import BPNet
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from export_pytorch import write_safetensors  # noqa: E402
from fixture_models import scale_weights  # noqa: E402

LENGTH = 2114


def build(seed=1, gain=1.5):
    """The seeded, scaled bpnet-lite BPNet in eval mode."""
    torch.manual_seed(seed)
    model = BPNet(n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=0, verbose=False)
    scale_weights(model, gain)
    return model.eval()


class NoControl(nn.Module):
    """BPNet without a control track: forward(x) -> (profile, counts)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)


def conv_node(name, conv, inputs):
    return {"type": "conv1d", "name": name, "inputs": inputs, "in_channels": conv.in_channels,
            "out_channels": conv.out_channels, "kernel_size": conv.kernel_size[0], "stride": conv.stride[0],
            "padding": conv.padding[0], "dilation": conv.dilation[0], "bias": conv.bias is not None}


def architecture(model):
    """The version-2 graph document of bpnet-lite's forward pass (no control track)."""
    start, end = model.trimming, LENGTH - model.trimming
    nodes = [conv_node("iconv", model.iconv, ["input"]), {"type": "relu", "name": "irelu", "inputs": ["iconv"]}]
    last = "irelu"
    for i, conv in enumerate(model.rconvs):
        nodes.append(conv_node(f"rconvs.{i}", conv, [last]))
        nodes.append({"type": "relu", "name": f"rrelus.{i}", "inputs": [f"rconvs.{i}"]})
        nodes.append({"type": "add", "name": f"add{i}", "inputs": [last, f"rrelus.{i}"]})
        last = f"add{i}"
    nodes.append(conv_node("fconv", model.fconv, [last]))
    nodes.append({"type": "crop", "name": "profile", "inputs": ["fconv"], "start": start, "end": end})
    nodes.append({"type": "mean", "name": "mean", "inputs": [last], "start": max(start - 37, 0), "end": end + 37})
    nodes.append({"type": "dense", "name": "linear", "inputs": ["mean"], "in_features": model.linear.in_features,
                  "out_features": model.linear.out_features, "bias": model.linear.bias is not None})
    return {"input": {"alphabet": "ACGT", "length": LENGTH}, "nodes": nodes,
            "heads": [{"name": "profile", "node": "profile"}, {"name": "counts", "node": "linear"}],
            "output_activation": "none"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gain", type=float, default=1.5)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model = build(args.seed, args.gain)
    tensors = {k: v.detach().float().contiguous().numpy() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(args.out, "bpnet.safetensors"), tensors,
                      {"format": "plrp-model", "format_version": "2",
                       "architecture": json.dumps(architecture(model), sort_keys=True)})
    torch.save(model.state_dict(), os.path.join(args.out, "bpnet.pt"))
    example = torch.zeros(2, 4, LENGTH)
    example[:, 0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(NoControl(model), (example,), os.path.join(args.out, "bpnet.onnx"), dynamo=False,
                          input_names=["x"], output_names=["profile", "counts"],
                          dynamic_axes={"x": {0: "batch"}, "profile": {0: "batch"}, "counts": {0: "batch"}})


if __name__ == "__main__":
    main()
