#!/usr/bin/env python3
"""Makes Tests/Fixtures/graphs/*: three small seeded PyTorch models whose layers form a graph rather than a chain,
each exported by both PyTorch ONNX exporters, with PyTorch's outputs and zennit's LRP relevance.

Models (eval mode; batch norms get randomized affine parameters and running statistics):
  bpnet          bpnet-lite's own BPNet (8 filters, 3 dilated residual layers, 2 profile outputs, no control track,
                 trimming 50), input length 200; forward(x) -> (profile [N,2,100], counts [N,1]).
  residual_gelu  conv(4->8, k7, same) -> BN -> GELU, two residual blocks x + GELU(BN(conv(x, k3, dilation 2 / 4,
                 same))), MaxPool1d(2), mean over the length, Linear(8->3); input length 64; logits [N,3].
  two_branch     conv(4->6, k5, same) -> ReLU and conv(4->6, k9, same) -> ReLU on the same input, concatenated along
                 channels, MaxPool1d(4), conv(12->8, k3, valid) -> ReLU, Flatten, Linear(80->2); input length 48;
                 logits [N,2].

For each model NAME:
  NAME.ts.onnx                 TorchScript exporter (dynamo=False), dynamic batch, fixed length, weights inline.
  NAME.dynamo.onnx(+.data)     torch.export-based exporter (dynamo=True), dynamic batch, weights as ONNX external
                               data in the side file NAME.dynamo.onnx.data.
  NAME.io.npz                  x [N,4,L] (N=6 one-hot windows; window 1 has all-zero "N" columns) and PyTorch's
                               float32 outputs: profile and counts (bpnet) or logits.
  NAME.lrp.npz                 x, zennit relevance [N,4,L] for the composites epsilon_plus and epsilon_gamma_box per
                               target, and gradient x input (autograd on the original model) per target.
zennit runs on an equivalent module: batch norms folded into the conv before them (scale = gamma/sqrt(var+eps),
W' = W*scale, b' = (b - mean)*scale + beta, in float64), residual adds through zennit.layer.Sum (Norm rule), means
over a length range through AdaptiveAvgPool1d(1) (Norm rule); activations, GELU included, get Pass. Every conv that
reads the sequence input directly gets the first-layer rule (ZBox in epsilon_gamma_box), so both input convs of
two_branch do. Output relevance is one at the target scalar (zennit's convention). The bpnet profile head is
explained through y = sum_j w_j (l_j - mean l) over the flattened profile logits l of a window, with w = softmax(l)
held constant: the relevance put on logit j is w_j (l_j - mean l), and gradient x input uses dy/dx with w detached.
Run with the development venv: .venv/bin/python scripts/make_graph_fixtures.py  (scripts/dev_env.sh makes it)."""
import copy
import os
import sys
import warnings

import numpy as np
import onnx
import onnx_ir
import torch
from bpnetlite.bpnet import BPNet, CountWrapper, ProfileWrapper
from onnx.reference import ReferenceEvaluator
from torch import nn
from zennit.attribution import Gradient
from zennit.composites import (EpsilonGammaBox, EpsilonPlus, LayerMapComposite, MixedComposite, NameMapComposite,
                               layer_map_base)
from zennit.layer import Sum
from zennit.rules import Epsilon, Gamma, ZBox
from zennit.types import Activation, Convolution

sys.path.insert(0, os.path.dirname(__file__))
from fixture_models import BPNetLRP, fold, randomize_batchnorm, scale_weights  # noqa: E402

torch.manual_seed(23)
torch.set_num_threads(1)
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "graphs")
os.makedirs(out, exist_ok=True)
N = 6


# ---------------------------------------------------------------------------------------------------------- models
class BPNetNoControl(nn.Module):
    """bpnet-lite's BPNet without a control track: forward takes only X and returns (profile, counts)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)


class ResidualGelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0, self.bn0, self.act0 = nn.Conv1d(4, 8, 7, padding="same"), nn.BatchNorm1d(8), nn.GELU()
        self.conv1, self.bn1, self.act1 = nn.Conv1d(8, 8, 3, padding="same", dilation=2), nn.BatchNorm1d(8), nn.GELU()
        self.conv2, self.bn2, self.act2 = nn.Conv1d(8, 8, 3, padding="same", dilation=4), nn.BatchNorm1d(8), nn.GELU()
        self.pool = nn.MaxPool1d(2)
        self.dense = nn.Linear(8, 3)

    def forward(self, x):
        x = self.act0(self.bn0(self.conv0(x)))
        x = x + self.act1(self.bn1(self.conv1(x)))
        x = x + self.act2(self.bn2(self.conv2(x)))
        return self.dense(self.pool(x).mean(dim=2))


class ResidualGeluLRP(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.conv0, self.act0 = fold(m.conv0, m.bn0), nn.GELU()
        self.conv1, self.act1, self.add1 = fold(m.conv1, m.bn1), nn.GELU(), Sum(dim=-1)
        self.conv2, self.act2, self.add2 = fold(m.conv2, m.bn2), nn.GELU(), Sum(dim=-1)
        self.pool = nn.MaxPool1d(2)
        self.mean = nn.AdaptiveAvgPool1d(1)
        self.flatten = nn.Flatten()
        self.dense = copy.deepcopy(m.dense)

    def forward(self, x):
        x = self.act0(self.conv0(x))
        x = self.add1(torch.stack([x, self.act1(self.conv1(x))], dim=-1))
        x = self.add2(torch.stack([x, self.act2(self.conv2(x))], dim=-1))
        return self.dense(self.flatten(self.mean(self.pool(x))))


class TwoBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_a, self.relu_a = nn.Conv1d(4, 6, 5, padding="same"), nn.ReLU()
        self.conv_b, self.relu_b = nn.Conv1d(4, 6, 9, padding="same"), nn.ReLU()
        self.pool = nn.MaxPool1d(4)
        self.conv_c, self.relu_c = nn.Conv1d(12, 8, 3), nn.ReLU()
        self.flatten = nn.Flatten()
        self.dense = nn.Linear(8 * 10, 2)

    def forward(self, x):
        x = torch.cat([self.relu_a(self.conv_a(x)), self.relu_b(self.conv_b(x))], dim=1)
        return self.dense(self.flatten(self.relu_c(self.conv_c(self.pool(x)))))


bpnet_core = BPNet(n_filters=8, n_layers=3, n_outputs=2, n_control_tracks=0, trimming=50, verbose=False)
assert bpnet_core.trimming - 37 >= 0  # the counts mean reads positions 13..186, the profile 50..149
scale_weights(bpnet_core, 2.0)  # profile logits up to ~4, so the softmax weights are far from uniform
residual_gelu = ResidualGelu()
randomize_batchnorm(residual_gelu)
two_branch = TwoBranch()
scale_weights(two_branch, 2.0)

# name: (input length, model, output names); then the equivalent modules for zennit per head, and the convs that
# read the sequence input directly (plrp's first layers)
models = {
    "bpnet": (200, BPNetNoControl(bpnet_core), ["profile", "counts"]),
    "residual_gelu": (64, residual_gelu, ["logits"]),
    "two_branch": (48, two_branch, ["logits"]),
}
lrp_modules = {
    "bpnet": {"profile": BPNetLRP(bpnet_core, "profile"), "counts": BPNetLRP(bpnet_core, "counts")},
    "residual_gelu": {"logits": ResidualGeluLRP(residual_gelu)},
    "two_branch": {"logits": copy.deepcopy(two_branch)},  # no batch norm, add or mean: the same module
}
first_layers = {"bpnet": ("iconv",), "residual_gelu": ("conv0",), "two_branch": ("conv_a", "conv_b")}
assert isinstance(nn.GELU(), Activation)  # zennit's layer_map_base gives every Activation the Pass rule


def one_hot_windows(length, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros((N, 4, length), dtype=np.float32)
    bases = rng.integers(0, 4, size=(N, length))
    for i in range(N):
        x[i, bases[i], np.arange(length)] = 1
    x[1, :, length // 2 - 2:length // 2 + 2] = 0  # N bases: all-zero columns
    return x


# ------------------------------------------------------------------------------------------------------------ LRP
def recorded(composite):
    """The composite, and a dict it fills with module name -> rule class name when it is registered."""
    rules = {}
    inner = composite.module_map

    def mapping(ctx, name, module):
        hook = inner(ctx, name, module)
        if hook is not None:
            rules[name] = type(hook).__name__
        return hook

    composite.module_map = mapping
    return composite, rules


def epsilon_gamma_box(first_names, x):
    """EpsilonGammaBox with ZBox(0, 1) on every module named in first_names rather than on the first conv only."""
    return MixedComposite([
        NameMapComposite(name_map=[(tuple(first_names), ZBox(low=torch.zeros_like(x), high=torch.ones_like(x)))]),
        LayerMapComposite(layer_map=layer_map_base() + [(Convolution, Gamma(gamma=0.25)),
                                                        (nn.Linear, Epsilon(epsilon=1e-6))]),
    ])


def relevance(module, composite, x, output_relevance):
    with Gradient(model=module, composite=composite) as attributor:
        _, r = attributor(x.clone().requires_grad_(True), output_relevance)
    return r.detach().numpy().astype(np.float32)


def profile_scalar(logits):
    """y = sum_j w_j (l_j - mean l) over the flattened logits with w = softmax(l) detached, and R_j = w_j (l_j - mean l)
    shaped like the logits."""
    flat = logits.flatten(1)
    w = torch.softmax(flat, dim=-1).detach()
    r = w * (flat - flat.mean(dim=-1, keepdim=True))
    return r.sum(dim=-1), r.reshape(logits.shape)


rule_table = {}
for name, (length, model, output_names) in models.items():
    model.eval()
    for module in lrp_modules[name].values():
        module.eval()
    x = one_hot_windows(length, seed=length + 1)
    xt = torch.from_numpy(x)
    with torch.no_grad():
        outputs = model(xt)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    io = {"x": x}
    for key, value in zip(output_names, outputs):
        io[key] = value.numpy().astype(np.float32)
    np.savez(os.path.join(out, f"{name}.io.npz"), **io)
    print(name, {k: (v.shape, round(float(np.abs(v).max()), 4)) for k, v in io.items() if k != "x"})

    # the LRP modules compute what the model computes
    heads = {"logits": outputs[0]} if name != "bpnet" else {"profile": outputs[0], "counts": outputs[1]}
    for head, expected in heads.items():
        with torch.no_grad():
            got = lrp_modules[name][head](xt)
        difference = float((got - expected).abs().max())
        assert got.shape == expected.shape and difference <= 1e-5, (name, head, difference)

    # targets: (tag, head, output relevance, scalar of the original model's outputs for autograd); relevance keys
    # are <tag>_<composite> for bpnet's heads and <composite>_<tag> for logit t (tag t0, t1, ...)
    targets = []
    if name == "bpnet":
        with torch.no_grad():
            y, r_profile = profile_scalar(outputs[0])
            y_wrapper = ProfileWrapper(bpnet_core).eval()(xt)[:, 0]
            counts_wrapper = CountWrapper(bpnet_core).eval()(xt)
        assert torch.allclose(y, y_wrapper, atol=1e-5), float((y - y_wrapper).abs().max())
        assert torch.allclose(r_profile.flatten(1).sum(dim=1), y, atol=1e-5)
        assert torch.equal(counts_wrapper, outputs[1])
        targets.append(("counts", "counts", torch.ones(N, 1), lambda o: o[1].sum()))
        targets.append(("profile", "profile", r_profile, lambda o: profile_scalar(o[0])[0].sum()))
    else:
        for t in range(outputs[0].shape[1]):
            one_hot = torch.zeros_like(outputs[0])
            one_hot[:, t] = 1
            targets.append((f"t{t}", "logits", one_hot, lambda o, t=t: o[:, t].sum()))
    arrays = {"x": x}
    if name == "bpnet":
        arrays["profile_y"] = y.numpy().astype(np.float32)
    for tag, head, output_relevance, scalar in targets:
        module = lrp_modules[name][head]
        key = (lambda c: f"{tag}_{c}") if name == "bpnet" else (lambda c: f"{c}_{tag}")
        composites = {
            "epsilon_plus": recorded(EpsilonPlus()),
            "epsilon_gamma_box": recorded(epsilon_gamma_box(first_layers[name], xt)),
        }
        for composite_name, (composite, rules) in composites.items():
            arrays[key(composite_name)] = relevance(module, composite, xt, output_relevance)
            rule_table[(name, head, composite_name)] = dict(rules)
            expected_first = "ZBox" if composite_name == "epsilon_gamma_box" else "ZPlus"
            assert all(rules[f] == expected_first for f in first_layers[name]), rules
        if len(first_layers[name]) == 1:  # zennit's own composites agree where there is one input conv
            for composite_name, composite in (("epsilon_plus", EpsilonPlus()), ("epsilon_gamma_box", EpsilonGammaBox(
                    low=torch.zeros_like(xt), high=torch.ones_like(xt)))):
                stock = relevance(module, composite, xt, output_relevance)
                assert np.array_equal(stock, arrays[key(composite_name)]), (name, composite_name)
        xg = xt.clone().requires_grad_(True)
        scalar(model(xg)).backward()
        arrays[f"gradient_x_input_{tag}"] = (xg.grad * xt).numpy().astype(np.float32)
    np.savez(os.path.join(out, f"{name}.lrp.npz"), **arrays)
    print(name, {k: round(float(np.abs(v).max()), 4) for k, v in arrays.items() if k != "x"})

    if name == "bpnet":  # bpnet-lite's ProfileWrapper does not detach the softmax: its gradient differs
        xg = xt.clone().requires_grad_(True)
        ProfileWrapper(bpnet_core).eval()(xg).sum().backward()
        d = float(np.abs(xg.grad.numpy() * x - arrays["gradient_x_input_profile"]).max())
        print("bpnet profile: ProfileWrapper value matches y; gradient x input max difference (softmax not detached)",
              round(d, 5), "of max", round(float(np.abs(arrays["gradient_x_input_profile"]).max()), 5))

# ----------------------------------------------------------------------------------------------------------- ONNX
for name, (length, model, output_names) in models.items():
    io = np.load(os.path.join(out, f"{name}.io.npz"))
    example = (torch.from_numpy(io["x"]),)
    ts_path = os.path.join(out, f"{name}.ts.onnx")
    dynamo_path = os.path.join(out, f"{name}.dynamo.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, ts_path, dynamo=False, input_names=["x"], output_names=output_names,
                          dynamic_axes={key: {0: "batch"} for key in ["x"] + output_names})
        for stale in (dynamo_path, dynamo_path + ".data"):
            if os.path.exists(stale):
                os.remove(stale)
        program = torch.onnx.export(model, example, dynamo=True, input_names=["x"], output_names=output_names,
                                    dynamic_shapes={"x": {0: torch.export.Dim("batch", min=1, max=1024)}},
                                    verbose=False)
    # program.save(path, external_data=True) would keep tensors under 256 bytes (biases, Slice bounds) inline;
    # size threshold 0 puts every initializer in the side file
    onnx_ir.save(program.model, dynamo_path, external_data=f"{name}.dynamo.onnx.data", size_threshold_bytes=0)
    for path in (ts_path, dynamo_path):
        # the checker's shape inference cannot read external tensors (the int64 Slice bounds and ReduceMean axes of
        # the dynamo graphs), so the full check runs on the model with its external data loaded
        onnx.checker.check_model(path)
        onnx.checker.check_model(onnx.load(path), full_check=True)
        graph = onnx.load(path, load_external_data=False).graph
        if path == dynamo_path:
            for init in graph.initializer:
                location = {e.key: e.value for e in init.external_data}.get("location")
                assert init.data_location == onnx.TensorProto.EXTERNAL, (path, init.name)
                assert location == os.path.basename(location) == f"{name}.dynamo.onnx.data", location
        batch = graph.input[0].type.tensor_type.shape.dim[0]
        assert batch.dim_param and not batch.HasField("dim_value"), (path, batch)
        # the exported graph computes PyTorch's outputs, for the 6 windows and for a batch of 1
        session = ReferenceEvaluator(path)
        for rows in (slice(None), slice(2, 3)):
            results = session.run(None, {"x": io["x"][rows]})
            for key, value in zip(output_names, results):
                assert np.allclose(value, io[key][rows], atol=1e-4, rtol=1e-4), (path, key)
        print(os.path.basename(path), [i.name for i in graph.input], [o.name for o in graph.output],
              sorted({node.op_type for node in graph.node}))

for (name, head, composite_name), rules in rule_table.items():
    print(name, head, composite_name, rules)
