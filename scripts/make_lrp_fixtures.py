#!/usr/bin/env python3
"""Makes Tests/Fixtures/lrp/*: four small seeded PyTorch models and zennit's LRP relevance for every composite.

For each model `<name>.safetensors` (batch norms unmerged: plrp's canonizer must fold them) and `<name>.npz` with
x [N,4,L], target, gradient_x_input [N,4,L] (autograd), and one relevance map [N,4,L] per composite. zennit runs
on a copy in which every batch norm that directly follows a conv/linear layer is folded into it exactly as plrp folds
it (scale = gamma/sqrt(var+eps), W' = W*scale, b' = (b - mean)*scale + beta), without a canonizer (zennit 0.5's
own merge leaves the batch norm's eps behind); other batch norms stay and get zennit's Pass rule. Output relevance is
one at the target (zennit's convention, plrp's --output-relevance one).
Run with the development venv: .venv/bin/python scripts/make_lrp_fixtures.py  (scripts/dev_env.sh makes it)."""
import copy
import os
import sys

import numpy as np
import torch
from torch import nn
from zennit.attribution import Gradient
from zennit.composites import (EpsilonAlpha2Beta1, EpsilonAlpha2Beta1Flat, EpsilonGammaBox, EpsilonPlus,
                               EpsilonPlusFlat)

sys.path.insert(0, os.path.dirname(__file__))
from export_pytorch import GlobalMaxPool, export  # noqa: E402
from fixture_models import fold, randomize_batchnorm  # noqa: E402

torch.manual_seed(11)
torch.set_num_threads(1)
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "lrp")
os.makedirs(out, exist_ok=True)

models = {
    "a_bn_pools": (40, 3, 1, nn.Sequential(
        nn.Conv1d(4, 8, 5, padding="same"), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(8, 6, 3, dilation=2), nn.ReLU(), nn.AvgPool1d(3, stride=2), nn.Flatten(), nn.Linear(6 * 7, 3))),
    "b_stride_globalmax": (50, 2, 0, nn.Sequential(
        nn.Conv1d(4, 6, 7, stride=2, padding=3), nn.Tanh(), nn.Conv1d(6, 5, 3, padding="same"), nn.Softplus(),
        GlobalMaxPool(), nn.Linear(5, 2))),
    "c_elu_globalavg": (30, 2, 1, nn.Sequential(
        nn.Conv1d(4, 6, 3), nn.ELU(), nn.Conv1d(6, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Dropout(0.2), nn.Linear(4, 2))),
    "d_dilated_densebn": (60, 2, 0, nn.Sequential(
        nn.Conv1d(4, 8, 9, padding="same", dilation=3), nn.BatchNorm1d(8), nn.Sigmoid(), nn.MaxPool1d(4, stride=3),
        nn.Flatten(), nn.Linear(8 * 19, 6), nn.ReLU(), nn.BatchNorm1d(6), nn.Linear(6, 2))),
}


def fold_batchnorms(model):
    """A copy with each batch norm that directly follows a conv/linear folded into it (as plrp folds it), in float64."""
    folded = copy.deepcopy(model)
    modules = list(folded.children())
    for i in range(1, len(modules)):
        norm, previous = modules[i], modules[i - 1]
        if isinstance(norm, nn.BatchNorm1d) and isinstance(previous, (nn.Conv1d, nn.Linear)):
            folded[i - 1], folded[i] = fold(previous, norm), nn.Identity()
    return folded.eval()


for name, (length, outputs, target, model) in models.items():
    randomize_batchnorm(model)
    model.eval()
    export(model, os.path.join(out, f"{name}.safetensors"), length, [f"y{i}" for i in range(outputs)], "sigmoid")
    rng = np.random.default_rng(length)
    n = 6
    x = np.zeros((n, 4, length), dtype=np.float32)
    bases = rng.integers(0, 4, size=(n, length))
    for i in range(n):
        x[i, bases[i], np.arange(length)] = 1
    x[1, :, 3:7] = 0  # N bases
    folded = fold_batchnorms(model)
    xt = torch.from_numpy(x)
    one_hot = torch.zeros(n, outputs)
    one_hot[:, target] = 1
    arrays = {"x": x, "target": np.array([target], dtype=np.float32)}
    composites = {
        "epsilon_plus": EpsilonPlus(),
        "epsilon_plus_flat": EpsilonPlusFlat(),
        "epsilon_gamma_box": EpsilonGammaBox(low=torch.zeros_like(xt), high=torch.ones_like(xt)),
        "epsilon_alpha2_beta1": EpsilonAlpha2Beta1(),
        "epsilon_alpha2_beta1_flat": EpsilonAlpha2Beta1Flat(),
    }
    for composite_name, composite in composites.items():
        with Gradient(model=folded, composite=composite) as attributor:
            _, relevance = attributor(xt.clone().requires_grad_(True), one_hot)
        arrays[composite_name] = relevance.detach().numpy().astype(np.float32)
    # gradient x input of the target logit, for the baseline
    xg = xt.clone().requires_grad_(True)
    model(xg)[:, target].sum().backward()
    arrays["gradient_x_input"] = (xg.grad * xt).numpy()
    arrays["saliency"] = xg.grad.abs().numpy()
    np.savez(os.path.join(out, f"{name}.npz"), **arrays)
    print(name, {k: float(np.abs(v).max()) for k, v in arrays.items() if k not in ("x", "target")})
