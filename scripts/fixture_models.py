"""Pieces the fixture scripts and the BPNet benchmarks share: seeded changes to PyTorch models (batch norms with
non-trivial statistics, scaled weights), batch norm folding exactly as plrp's canonizer folds it, and BPNet written
in modules zennit has rules for. Development only (scripts/dev_env.sh's venv)."""
import copy

import torch
from torch import nn


def randomize_batchnorm(model):
    """Every batch norm gets random affine parameters and running statistics (drawn from torch's generator)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.2, 2.0)


def scale_weights(model, gain):
    """Multiplies every conv/linear weight and bias by gain (PyTorch's default init gives small nets outputs of a few
    hundredths)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv1d, nn.Linear)):
                m.weight.mul_(gain)
                if m.bias is not None:
                    m.bias.mul_(gain)


def fold(layer, norm):
    """A copy of conv/linear `layer` with the batch norm `norm` that follows it folded in, computed in float64:
    scale = gamma/sqrt(var+eps), W' = W*scale, b' = (b - mean)*scale + beta."""
    folded = copy.deepcopy(layer)
    with torch.no_grad():
        scale = norm.weight.double() / torch.sqrt(norm.running_var.double() + norm.eps)
        shape = (-1,) + (1,) * (layer.weight.dim() - 1)
        weight = layer.weight.double() * scale.reshape(shape)
        bias = layer.bias.double() if layer.bias is not None else torch.zeros_like(scale)
        bias = (bias - norm.running_mean.double()) * scale + norm.bias.double()
        folded.weight.copy_(weight.float())
        if folded.bias is None:
            folded.bias = nn.Parameter(bias.float())
        else:
            folded.bias.copy_(bias.float())
    return folded


class BPNetLRP(nn.Module):
    """BPNet's computation for zennit, one head at a time: residual adds through zennit's Sum, the counts mean through
    AdaptiveAvgPool1d(1) on the same length range."""

    def __init__(self, bpnet, head):
        from zennit.layer import Sum
        super().__init__()
        self.iconv = copy.deepcopy(bpnet.iconv)  # registered first: zennit's own first-layer composites see it first
        self.irelu = nn.ReLU()
        self.rconvs = copy.deepcopy(bpnet.rconvs)
        self.rrelus = nn.ModuleList(nn.ReLU() for _ in bpnet.rconvs)
        self.sums = nn.ModuleList(Sum(dim=-1) for _ in bpnet.rconvs)
        self.fconv = copy.deepcopy(bpnet.fconv)
        self.mean = nn.AdaptiveAvgPool1d(1)
        self.flatten = nn.Flatten()
        self.linear = copy.deepcopy(bpnet.linear)
        self.trimming, self.head = bpnet.trimming, head

    def forward(self, x):
        start, end = self.trimming, x.shape[2] - self.trimming
        x = self.irelu(self.iconv(x))
        for conv, relu, add in zip(self.rconvs, self.rrelus, self.sums):
            x = add(torch.stack([x, relu(conv(x))], dim=-1))
        if self.head == "profile":
            return self.fconv(x)[:, :, start:end]
        return self.linear(self.flatten(self.mean(x[:, :, max(start - 37, 0):end + 37])))
