#!/usr/bin/env python3
"""Makes Tests/Fixtures/models/*: four small seeded PyTorch models covering every SPEC §4 layer type, written with
export_pytorch.py, and for each the inputs and PyTorch's logits (`<name>.io.npz`: x [N,4,L], logits [N,O]).
Run with the development venv: .venv/bin/python scripts/make_model_fixtures.py  (scripts/dev_env.sh makes it)."""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from export_pytorch import Exp, GlobalAvgPool, GlobalMaxPool, export  # noqa: E402

torch.manual_seed(7)
torch.set_num_threads(1)
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "models")
os.makedirs(out, exist_ok=True)


def randomize_batchnorm(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.2, 2.0)


models = {
    # conv same + batchnorm + relu + maxpool + dilated valid conv + elu + avgpool + flatten + dense, 3 sigmoid tasks
    "a_bn_pools": (40, ["t0", "t1", "t2"], "sigmoid", nn.Sequential(
        nn.Conv1d(4, 8, 5, padding="same"), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(8, 6, 3, dilation=2), nn.ELU(), nn.AvgPool1d(3, stride=2), nn.Flatten(), nn.Linear(6 * 7, 3))),
    # strided conv with explicit padding + tanh + same conv + softplus + global max + dense, softmax over 2 classes
    "b_stride_globalmax": (50, ["neg", "pos"], "softmax", nn.Sequential(
        nn.Conv1d(4, 6, 7, stride=2, padding=3), nn.Tanh(), nn.Conv1d(6, 5, 3, padding="same"), nn.Softplus(),
        GlobalMaxPool(), nn.Linear(5, 2))),
    # conv without bias + exp + global average + dropout + dense, one sigmoid output
    "c_exp_globalavg": (30, ["y"], "sigmoid", nn.Sequential(
        nn.Conv1d(4, 4, 3, bias=False), Exp(), GlobalAvgPool(), nn.Dropout(0.2), nn.Linear(4, 1))),
    # dilated same conv + batchnorm + sigmoid + overlapping maxpool + dense + relu + batchnorm on features + dense
    "d_dilated_densebn": (60, ["a", "b"], "sigmoid", nn.Sequential(
        nn.Conv1d(4, 8, 9, padding="same", dilation=3), nn.BatchNorm1d(8), nn.Sigmoid(), nn.MaxPool1d(4, stride=3),
        nn.Flatten(), nn.Linear(8 * 19, 6), nn.ReLU(), nn.BatchNorm1d(6), nn.Linear(6, 2))),
}

for name, (length, outputs, activation, model) in models.items():
    randomize_batchnorm(model)
    model.eval()
    rng = np.random.default_rng(len(name) * 1000 + length)
    n = 12
    x = np.zeros((n, 4, length), dtype=np.float32)
    bases = rng.integers(0, 4, size=(n, length))
    for i in range(n):
        x[i, bases[i], np.arange(length)] = 1
    x[1, :, 5:9] = 0            # N bases: all-zero columns
    x[2, :, 10] = 0.25          # fractional N
    x[2, :, 11] = [0.5, 0, 0.5, 0]  # R
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
    assert logits.shape == (n, len(outputs)), (name, logits.shape)
    export(model, os.path.join(out, f"{name}.safetensors"), length, outputs, activation)
    np.savez(os.path.join(out, f"{name}.io.npz"), x=x, logits=logits)
    print(name, logits.shape, float(np.abs(logits).max()))

# Gradients for the backward passes used in training: loss = sum(logits * R) for a seeded R. Models with batch
# normalisation run in training mode (batch statistics; running statistics after one step are saved too); the model
# with dropout runs in eval mode so that dropout is the identity.
for name, (length, outputs, activation, model) in models.items():
    data = np.load(os.path.join(out, f"{name}.io.npz"))
    x = torch.from_numpy(data["x"]).requires_grad_(True)
    has_dropout = any(isinstance(m, nn.Dropout) for m in model.modules())
    model.train(not has_dropout)
    rng = np.random.default_rng(len(name))
    r = torch.from_numpy(rng.standard_normal((x.shape[0], len(outputs))).astype(np.float32))
    model.zero_grad()
    (model(x) * r).sum().backward()
    arrays = {"r": r.numpy(), "gx": x.grad.numpy()}
    for key, p in model.named_parameters():
        arrays[f"g_{key}"] = p.grad.numpy()
    for key, b in model.named_buffers():
        if "running" in key:
            arrays[f"after_{key}"] = b.numpy()
    np.savez(os.path.join(out, f"{name}.grad.npz"), **arrays)
    model.eval()
