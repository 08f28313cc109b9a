#!/usr/bin/env python3
"""Writes a torch.nn.Sequential to a plrp model file (safetensors; docs/formats.md).

Use from Python:
    from export_pytorch import export, Exp, GlobalMaxPool, GlobalAvgPool
    export(model, "model.safetensors", input_length=200, outputs=["promoter"], output_activation="sigmoid")

Supported modules: Conv1d, BatchNorm1d, ReLU, ELU(alpha=1), Exp (below), Sigmoid, Tanh, Softplus(beta=1,
threshold=20), MaxPool1d / AvgPool1d (no padding, no ceil_mode), GlobalMaxPool / GlobalAvgPool (below), Flatten,
Linear, Dropout, and AdaptiveMaxPool1d(1) / AdaptiveAvgPool1d(1) followed by Flatten (a global pool). The input is [N, 4, L] one-hot in A,C,G,T order. Anything else raises ValueError naming the module.
Only the standard library, torch and numpy are needed.
"""
import json
import struct

import numpy as np
import torch
from torch import nn


class Exp(nn.Module):
    """The exponential activation (plrp's `exp` layer type)."""
    def forward(self, x):
        return torch.exp(x)


class GlobalMaxPool(nn.Module):
    """[N, C, L] -> [N, C], max over L."""
    def forward(self, x):
        return x.amax(dim=-1)


class GlobalAvgPool(nn.Module):
    """[N, C, L] -> [N, C], mean over L."""
    def forward(self, x):
        return x.mean(dim=-1)


def _single(value, what, module):
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{module}: {what} must be one number")
        return int(value[0])
    return int(value)


def layer_spec(name, module):
    """The architecture entry of one module; `name` is its state_dict prefix."""
    if isinstance(module, nn.Conv1d):
        if module.groups != 1 or module.padding_mode != "zeros":
            raise ValueError(f"{name}: Conv1d with groups or non-zero padding mode is not supported")
        padding = module.padding if isinstance(module.padding, str) else _single(module.padding, "padding", name)
        return {"type": "conv1d", "name": name, "in_channels": module.in_channels,
                "out_channels": module.out_channels, "kernel_size": _single(module.kernel_size, "kernel_size", name),
                "stride": _single(module.stride, "stride", name), "padding": padding,
                "dilation": _single(module.dilation, "dilation", name), "bias": module.bias is not None}
    if isinstance(module, nn.BatchNorm1d):
        if not module.affine or not module.track_running_stats:
            raise ValueError(f"{name}: BatchNorm1d needs affine=True and running statistics")
        return {"type": "batchnorm1d", "name": name, "num_features": module.num_features, "eps": module.eps}
    if isinstance(module, nn.ELU):
        if module.alpha != 1.0:
            raise ValueError(f"{name}: ELU alpha must be 1")
        return {"type": "elu"}
    if isinstance(module, nn.Softplus):
        if module.beta != 1 or module.threshold != 20:
            raise ValueError(f"{name}: Softplus must have beta=1, threshold=20")
        return {"type": "softplus"}
    simple = {nn.ReLU: "relu", Exp: "exp", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh",
              GlobalMaxPool: "global_max_pool", GlobalAvgPool: "global_avg_pool"}
    for kind, type_name in simple.items():
        if isinstance(module, kind):
            return {"type": type_name}
    if isinstance(module, (nn.MaxPool1d, nn.AvgPool1d)):
        if _single(module.padding, "padding", name) != 0 or module.ceil_mode:
            raise ValueError(f"{name}: pooling with padding or ceil_mode is not supported")
        if isinstance(module, nn.MaxPool1d) and _single(module.dilation, "dilation", name) != 1:
            raise ValueError(f"{name}: MaxPool1d dilation must be 1")
        kernel = _single(module.kernel_size, "kernel_size", name)
        stride = _single(module.stride if module.stride is not None else kernel, "stride", name)
        return {"type": "maxpool1d" if isinstance(module, nn.MaxPool1d) else "avgpool1d",
                "kernel_size": kernel, "stride": stride}
    if isinstance(module, nn.Flatten):
        if module.start_dim != 1 or module.end_dim != -1:
            raise ValueError(f"{name}: Flatten must flatten from dimension 1")
        return {"type": "flatten"}
    if isinstance(module, nn.Linear):
        return {"type": "dense", "name": name, "in_features": module.in_features,
                "out_features": module.out_features, "bias": module.bias is not None}
    if isinstance(module, nn.Dropout):
        return {"type": "dropout", "p": module.p}
    raise ValueError(f"{name}: {type(module).__name__} has no plrp layer type")


def export(model, path, input_length, outputs, output_activation="sigmoid"):
    """Writes `model` (an nn.Sequential) with its state_dict to `path`."""
    if not isinstance(model, nn.Sequential):
        raise ValueError("export needs a torch.nn.Sequential")
    children = list(model.named_children())
    layers = []
    skip_flatten = False
    for index, (name, module) in enumerate(children):
        if skip_flatten and isinstance(module, nn.Flatten):
            skip_flatten = False
            continue
        # AdaptiveMax/AvgPool1d(1) + Flatten is how zennit-friendly PyTorch models write a global pool.
        if isinstance(module, (nn.AdaptiveMaxPool1d, nn.AdaptiveAvgPool1d)) and _single(module.output_size, "output_size", name) == 1:
            if index + 1 >= len(children) or not isinstance(children[index + 1][1], nn.Flatten):
                raise ValueError(f"{name}: an adaptive pool to size 1 must be followed by Flatten")
            layers.append({"type": "global_max_pool" if isinstance(module, nn.AdaptiveMaxPool1d) else "global_avg_pool"})
            skip_flatten = True
            continue
        layers.append(layer_spec(name, module))
    architecture = {"input": {"alphabet": "ACGT", "length": int(input_length)}, "layers": layers,
                    "outputs": list(outputs), "output_activation": output_activation}
    tensors = {k: v.detach().cpu().float().contiguous().numpy()
               for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    write_safetensors(path, tensors, {"format": "plrp-model", "format_version": "1",
                                      "architecture": json.dumps(architecture, sort_keys=True)})


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    names = sorted(tensors)
    for name in names:
        size = tensors[name].size * 4
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, sort_keys=True).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in names:
            f.write(np.ascontiguousarray(tensors[name], dtype="<f4").tobytes())


def load(path):
    """Reads a plrp model file back into (torch.nn.Sequential, architecture dict), e.g. to compare with PyTorch."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    architecture = json.loads(header.pop("__metadata__")["architecture"])
    modules = []
    for spec in architecture["layers"]:
        kind = spec["type"]
        if kind == "conv1d":
            modules.append(nn.Conv1d(spec["in_channels"], spec["out_channels"], spec["kernel_size"], stride=spec["stride"],
                                     padding=spec["padding"], dilation=spec["dilation"], bias=spec["bias"]))
        elif kind == "batchnorm1d":
            modules.append(nn.BatchNorm1d(spec["num_features"], eps=spec["eps"]))
        elif kind == "dense":
            modules.append(nn.Linear(spec["in_features"], spec["out_features"], bias=spec["bias"]))
        elif kind in ("maxpool1d", "avgpool1d"):
            pool = nn.MaxPool1d if kind == "maxpool1d" else nn.AvgPool1d
            modules.append(pool(spec["kernel_size"], stride=spec["stride"]))
        elif kind == "dropout":
            modules.append(nn.Dropout(spec.get("p", 0.5)))
        else:
            modules.append({"relu": nn.ReLU, "elu": nn.ELU, "exp": Exp, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
                            "softplus": nn.Softplus, "global_max_pool": GlobalMaxPool,
                            "global_avg_pool": GlobalAvgPool, "flatten": nn.Flatten}[kind]())
    model = nn.Sequential(*modules)
    state = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        state[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"]).copy())
    model.load_state_dict(state, strict=False)
    return model.eval(), architecture
