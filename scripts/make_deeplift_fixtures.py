#!/usr/bin/env python3
"""Makes Tests/Fixtures/deeplift/*: DeepLIFT/SHAP (rescale rule, dinucleotide-shuffled references) by tangermeme 1.6.0
and bpnet-lite 1.1.0 on plrp's default model, on bpnet-lite's BPNet (both heads) and, as extras, on the other graph and
LRP fixture models, with the references used, so that plrp's --method deeplift-shap can be checked against them.
Run with the development venv: .venv/bin/python scripts/make_deeplift_fixtures.py  (scripts/dev_env.sh makes it).
Seeded and deterministic (two runs give identical files); about 15 s on one core.

How tangermeme and bpnet-lite compute it (read from tangermeme/deep_lift_shap.py, _deep_lift_utils.py, ersatz.py and
bpnetlite/attribute.py, bpnet.py, chrombpnet.py, bin/bpnet; every rule below is reimplemented independently in this
script and reproduces tangermeme's per-pair multipliers exactly on all fixtures)

References
  deep_lift_shap(model, X, target=0, batch_size=32, references=dinucleotide_shuffle, n_shuffles=20,
  hypothetical=False, warning_threshold=1e-3, additional_nonlinear_ops=None, raw_outputs=False, random_state=None, ...)
  * R = n_shuffles = 20 references per example. With random_state = s (an int), reference k of EVERY example is
    dinucleotide_shuffle(example, n=1, random_state=s + k)[:, 0]: the seed depends on k only, not on the example
    or on the batching. random_state=None draws unseeded shuffles. A references tensor [N, R, 4, L] may be given
    instead (all-zero columns allowed); this script draws them as above (with allow_N=True) and passes them in, and
    checks on the default model that deep_lift_shap's own seeded draw gives the same tensor and the same result.
  * dinucleotide_shuffle keeps the first and the last character; an all-zero (N) column is a fifth character when
    allow_N=True (the default allow_N=False raises, and deep_lift_shap also rejects X with N unless only_warn=True).
    Algorithm, per sequence and seed: numpy.random.seed(seed) (numba's generator, which reproduces
    numpy.random.RandomState(seed), checked); for each character c (0..4, 4 = N) the list next[c] of positions j+1
    for every j < L-1 with char[j] == c, in increasing j. For each shuffle: for c = 0..4 with n = len(next[c]):
    next[c][:n-1] = next[c][permutation(n-1)] (the last entry stays; the permutation is applied to the list as left
    by the previous shuffle; n = 0 or 1 draws nothing); then walk: out[0] = char[0], idx = 0, and for j = 1..L-1:
    c = char[idx], idx = next[c][counter[c]++], out[j] = char[idx].
  * Pairs are enumerated i = example * R + k and processed batch_size pairs at a time; the model runs once on the
    concatenated batch [X_pairs; refs_pairs] (2B rows, the actual sequences first). Model and data are cast to the
    model's dtype (float64 here). The output is squeezed to [rows, n_outputs] and y = output[:, target].
  * multipliers m = d(sum of y over all 2B rows)/d X_pairs, the gradient at the actual half, with the backward of
    every registered module replaced by its rule (full backward hooks, keyed by exact module type; nested modules
    are hooked too, the outer rule overrides the inner one). The seed gradient is 1 for both halves.

Rules (Δ = actual - reference, per pair; g_x, g_ref = upstream gradient of the two halves; in practice g_x = g_ref)
  * Elementwise nonlinear modules (_nonlinear): ReLU, ReLU6, RReLU, SELU, CELU, GELU, SiLU, Mish, ELU, LeakyReLU,
    Sigmoid, Tanh, Softplus, Softshrink, LogSigmoid, PReLU (torch.nn modules only), and for bpnet-lite also
    _ProfileLogitScaling, _Log and _Exp. Each half: grad_in = g_half * Δy/Δz where |Δz| >= 1e-6, else
    (|Δz| < 1e-6, strict) the half's own ordinary gradient g_half * f'(z_half) (f' at the actual input for the actual
    half, at the reference for the reference half; ReLU'(0) = 0). The secant is the same for both halves.
  * MaxPool1d/2d (_maxpool): per window w, o_x, o_ref = the pooled values, M = max(o_x, o_ref), winners p_x, p_ref =
    the first maximal position of the window in the actual / reference input (torch's max_pool indices; ties go to
    the first). routed[p] = sum over windows won by p in x of g_x(w) (M - o_ref(w)) + sum over windows won by p in ref
    of g_ref(w) (o_x(w) - M), accumulated (scatter-add for overlapping windows; max_unpool otherwise, equal). So the
    whole output change goes to the winner of whichever half has the larger max. grad_in = routed[p] / Δz[p] where
    Δz[p] != 0; where Δz[p] == 0 EXACTLY, the actual half's ordinary max-pool gradient (g_x summed over the windows
    p wins in x; 0 if it wins none). Both halves get this same gradient. The Δz == 0 fallback matters: replacing it by
    0 changes the hypothetical contributions of a_bn_pools by 5.6 %, b_stride_globalmax 4 %, d_dilated_densebn 1.6 %
    of their maximum (default model and BPNet: < 1e-7).
  * A global max pool counts only when written as nn.MaxPool1d(kernel = whole length) (+ Flatten): amax,
    AdaptiveMaxPool1d or F.max_pool1d have no rule and get the plain gradient. This script rewrites plrp's
    GlobalMaxPool so.
  * Everything else (Conv1d, Linear, BatchNorm in eval, AvgPool1d, AdaptiveAvgPool1d, mean, sum, add, cat, slicing,
    flatten, dropout in eval) is ordinary autograd: exact for linear maps. Unregistered nonlinear ops (functional
    F.relu / torch.exp / torch.softmax, a custom Exp module like plrp's) also get the ordinary gradient, which breaks
    summation-to-delta; tangermeme then warns (below). bpnet-lite registers _Exp and _Log (ChromBPNet's count
    combination log(exp(a) + exp(b))) with the secant rule; plrp's exp activation should take the secant rule too.
  * nn.Softmax (_softmax, along module.dim): with c = max over both halves, a = exp(z - c), s = sum a, v = 1/s,
    y = a v: grad_in_j = g_j R_j + M_j sum_i g_i R_i Q (-v v_ref), with R_i = Δy_i / Δlog y_i (y_ref,i when
    |Δlog y_i| <= 1e-6), Δlog y_i = Δz_i + Δlog v, Q = Δlog v / Δv (1/v_ref when |Δv| <= 1e-6), M_j = Δa_j / Δz_j
    (a_ref,j when |Δz_j| <= 1e-6); in at least float32. Only reached in the BPNet profile head's fallback.
  (Also in the table, not used by plrp: GLU, LayerNorm, RMSNorm, BilinearOp midpoint rules.)

Results
  * raw_outputs=True: the multipliers m [N, R, 4, L] of every pair.
  * Otherwise, per pair, hypothetical_attributions: h_r[i, l] = sum_c (e_i - ref_r)[c, l] m_r[c, l]
    = m_r[i, l] - sum_c ref_r[c, l] m_r[c, l] (the contribution had base i been there); then the mean over the R
    references: hypothetical[i, l] = mean_r h_r[i, l] (hypothetical=True). Projected (hypothetical=False):
    attributions = hypothetical * X (X as given, so 0 at N columns). The correction is applied per pair BEFORE
    averaging (not to averaged multipliers). Consequently sum_c hypothetical * x == sum_c attributions exactly (max
    difference 0 on every fixture), and for one-hot x, attributions[., l] = mean_r sum_c (x - ref_r)[c, l] m_r[c, l].
    There is no attribution_func argument in tangermeme 1.6.0: hypothetical_attributions is always applied.
  * Convergence delta of a pair: |(y(x) - y(ref)) - sum_{c,l} (x - ref)[c, l] m[c, l]| on the raw multipliers. Not
    returned (print_convergence_deltas prints them); a RuntimeWarning when any exceeds warning_threshold (1e-3,
    absolute) and another when mean(deltas) / max(mean |y(x) - y(ref)|, 1e-12) > 0.01 in a batch. This script
    computes them by that formula (checked equal to the printed ones). Hence sum_{c,l} attributions =
    mean_r (y(x) - y(ref_r)) up to the mean delta, minus, at N columns of x, mean_r sum_l -ref_r.m_r (the
    reference's share there, which projection drops; nonzero for window 1 of the graph/LRP x).

bpnet-lite
  * CountWrapper(model)(X) = model(X, None)[1], the log-count [N, 1] (BPNet: linear(mean over positions
    [max(trim-37, 0), L-trim+37) of the residual tower)).
  * ProfileWrapper(model)(X): l = flatten(model(X, None)[0]) ([N, strands * out_len]: both strands in ONE softmax),
    z = l - mean(l) (over that axis), y = sum_j u_j with u = _ProfileLogitScaling(z) = z * softmax(z) ([N, 1]).
    DeepLIFT treats u elementwise (_nonlinear): the multiplier on z_j is Δu_j / Δz_j (both halves centred on their
    own means); then through the centring m_l = m_z - mean(m_z). If |Δz_j| < 1e-6: the ordinary gradient of u through
    the product, s_j + (tangermeme's softmax rule applied to upstream z)_j. Without registering _ProfileLogitScaling
    (tangermeme alone) the max delta on these windows is 0.77 instead of 5e-15.
  * bpnetlite.attribute.deep_lift_shap = tangermeme's with additional_nonlinear_ops = {_ProfileLogitScaling,
    _Log, _Exp: _nonlinear} (a caller's own additional_nonlinear_ops are ignored), device default 'cuda', no
    only_warn (so no windows with N). `bpnet attribute` calls it with hypothetical=True, n_shuffles=20,
    random_state=0, batch_size=64, warning_threshold=1e-3, float64 for the profile head (and ChromBPNet), float32 for
    counts, on windows without N, wrapping models with control tracks in ControlWrapper (zero controls).
  * The profile multipliers are ill-conditioned: |Δz_j| goes down to 4e-6 while secants reach 131, so float32 runs
    differ from float64 by up to 42 % of the maximum hypothetical value (37 % even with the scaling in float64 after a
    float32 model). Compute the profile head in float64. Other fixtures: float32 tangermeme is within 4e-5 relative
    (d_dilated_densebn, sigmoid secants), 2e-6 (b_stride_globalmax), 1.5e-7 (default model) of these values.

Fixtures (float32, uncompressed npz; everything computed in float64)
  default.npz   plrp's data/models/default.safetensors, global max pool as MaxPool1d(18) + Flatten, target 0 = the
                promoter logit (no sigmoid). x [8,4,300]: chr2R windows at 0-based starts 1,000,000 + 500 k
                (k = 0..7; chr2R:1,000,001-1,000,300 1-based first), upper-cased, ACGT one-hot (no N).
  bpnet.npz     bpnet-lite's BPNet of Tests/Fixtures/graphs (rebuilt with seed 23 exactly as make_graph_fixtures.py
                does, outputs checked bitwise against bpnet.io.npz), x its 6 windows (window 1 has 4 N columns),
                CountWrapper and ProfileWrapper heads.
  extras        residual_gelu.npz and two_branch.npz (graph fixtures, target 1), a_bn_pools, b_stride_globalmax,
                c_elu_globalavg, d_dilated_densebn .npz (Tests/Fixtures/lrp models, their target; global max pool
                as MaxPool1d): GELU, Tanh, Softplus, ELU, Sigmoid secants, overlapping MaxPool1d(4, stride 3), AvgPool,
                batch norms, concatenation, residual adds.
  References: R = 20 per window, seed s = 0 (reference k drawn with seed k). See Tests/Fixtures/deeplift/README.md
  for the keys."""
import copy
import gzip
import json
import os
import struct
import sys
import warnings

import numpy as np
import torch
from torch import nn

from bpnetlite.attribute import deep_lift_shap as bpnet_deep_lift_shap
from bpnetlite.bpnet import BPNet, CountWrapper, ProfileWrapper, _ProfileLogitScaling
from bpnetlite.chrombpnet import _Exp, _Log
from tangermeme.deep_lift_shap import _nonlinear, deep_lift_shap
from tangermeme.ersatz import dinucleotide_shuffle

sys.path.insert(0, os.path.dirname(__file__))
from export_pytorch import GlobalMaxPool, load  # noqa: E402
from fixture_models import randomize_batchnorm, scale_weights  # noqa: E402

torch.set_num_threads(1)
root = os.path.join(os.path.dirname(__file__), "..")
out = os.path.join(root, "Tests", "Fixtures", "deeplift")
os.makedirs(out, exist_ok=True)

N_SHUFFLES = 20  # tangermeme's and bpnet-lite's default
SEED = 0  # bpnet-lite's `bpnet attribute` default random_state
N_MULTIPLIERS = 4  # per-pair multipliers are saved for references 0..3 of every window (size)
BPNET_OPS = {_ProfileLogitScaling: _nonlinear, _Log: _nonlinear, _Exp: _nonlinear}  # what bpnetlite.attribute adds
report = {}
edge = {}  # counts of the rules' edge cases, filled by the independent rules below


def f32(a):
    return np.ascontiguousarray(a.detach().cpu().numpy() if torch.is_tensor(a) else a, dtype=np.float32)


# ------------------------------------------------------------------------------------------------------ references
def pair_references(x, n=N_SHUFFLES, seed=SEED):
    """tangermeme's seeded references: reference k of every example is its first dinucleotide shuffle drawn with
    seed `seed + k` (deep_lift_shap calls dinucleotide_shuffle(X_batch, n=1, random_state=[seed + k per pair])).
    allow_N=True shuffles an all-zero column as a fifth character, so windows with N get references too."""
    refs = [dinucleotide_shuffle(x, n=1, random_state=[seed + k] * len(x), allow_N=True)[:, 0] for k in range(n)]
    return torch.stack(refs, dim=1)  # [N, R, 4, L]


# ------------------------------------------------- an independent DeepLIFT (rescale) on the batch [x; reference]
# The same conventions as tangermeme, written without its hooks: every rule sees the concatenated batch
# z = [z_x; z_ref] (one example-reference pair per row pair) and returns the gradient for both halves.
class Rescale(torch.autograd.Function):
    """Elementwise y = f(z): gradient g * (y_x - y_ref) / (z_x - z_ref) for both halves; where |z_x - z_ref| < 1e-6,
    each half's own plain gradient g * f'(z)."""

    @staticmethod
    def forward(ctx, z, f):
        ctx.f = f
        ctx.save_for_backward(z)
        return f(z)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        with torch.enable_grad():
            zz = z.detach().requires_grad_(True)
            y = ctx.f(zz)
            plain = torch.autograd.grad(y, zz, g)[0]
        zx, zr = z.chunk(2)
        yx, yr = y.detach().chunk(2)
        din, dout = zx - zr, yx - yr
        small = (din.abs() < 1e-6).repeat(2, *([1] * (z.dim() - 1)))
        with torch.enable_grad():
            zz = z.detach().requires_grad_(True)
            slope = torch.autograd.grad(ctx.f(zz).sum(), zz)[0].chunk(2)
        name = type(ctx.f).__name__
        edge[f"{name}_fallback"] = edge.get(f"{name}_fallback", 0) + int((din.abs() < 1e-6).sum())
        edge[f"{name}_fallback_slopes_differ"] = edge.get(f"{name}_fallback_slopes_differ", 0) + int(
            ((din.abs() < 1e-6) & (slope[0] != slope[1])).sum())
        edge[f"{name}_secant"] = edge.get(f"{name}_secant", 0) + int((din.abs() >= 1e-6).sum())
        secant = (dout / torch.where(din == 0, torch.ones_like(din), din)).repeat(2, *([1] * (z.dim() - 1)))
        return torch.where(small, plain, g * secant), None


class MaxPoolRule(torch.autograd.Function):
    """MaxPool1d(k, s): window w of channel c has winners p_x = first argmax of z_x and p_ref = first argmax of z_ref,
    outputs o_x, o_ref and M = max(o_x, o_ref). p_x gets g_x (M - o_ref), p_ref gets g_ref (o_x - M), accumulated over
    windows; the sum divided by dz = z_x - z_ref is the gradient of both halves, except where dz == 0 exactly: there
    it is the plain gradient of the x half (g_x summed over the windows that p won in x)."""

    @staticmethod
    def forward(ctx, z, k, s):
        windows = z.unfold(-1, k, s)  # [B, C, W, k]
        values, arg = windows.max(dim=-1)
        first = (windows == values.unsqueeze(-1)).float().argmax(dim=-1)  # first maximal entry, written out
        edge["maxpool_tied_windows"] = edge.get("maxpool_tied_windows", 0) + int(
            ((windows == values.unsqueeze(-1)).sum(-1) > 1).sum())
        assert torch.equal(first, arg)
        ctx.save_for_backward(z, values, first + torch.arange(values.shape[-1]) * s)
        return values

    @staticmethod
    def backward(ctx, g):
        z, values, winner = ctx.saved_tensors
        zx, zr = z.chunk(2)
        ox, orf = values.chunk(2)
        wx, wr = winner.chunk(2)
        gx, gr = g.chunk(2)
        m = torch.maximum(ox, orf)
        routed = torch.zeros_like(zx).scatter_add_(-1, wx, gx * (m - orf)).scatter_add_(-1, wr, gr * (ox - m))
        plain_x = torch.zeros_like(zx).scatter_add_(-1, wx, gx)
        din = zx - zr
        edge["maxpool_inputs_dz0"] = edge.get("maxpool_inputs_dz0", 0) + int((din == 0).sum())
        edge["maxpool_dz0_with_plain_gradient"] = edge.get("maxpool_dz0_with_plain_gradient", 0) + int(
            ((din == 0) & (plain_x != 0)).sum())
        half = torch.where(din == 0, plain_x, routed / torch.where(din == 0, torch.ones_like(din), din))
        return torch.cat([half, half]), None, None


class ProfileScalingRule(torch.autograd.Function):
    """bpnet-lite's _ProfileLogitScaling, u(z) = z * softmax(z), registered with tangermeme's _nonlinear: the
    elementwise secant (u_x - u_ref) / (z_x - z_ref) per flattened logit. (Its fallback, for |dz| < 1e-6, would be
    the plain gradient through the product with tangermeme's softmax rule inside; the fixtures never reach it.)"""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return z * torch.softmax(z, dim=-1)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        u = z * torch.softmax(z, dim=-1)
        zx, zr = z.chunk(2)
        ux, ur = u.chunk(2)
        din = zx - zr
        assert bool((din.abs() >= 1e-6).all()), "profile fallback reached"
        return g * ((ux - ur) / din).repeat(2, 1)


NONLINEAR = (nn.ReLU, nn.ELU, nn.Sigmoid, nn.Tanh, nn.Softplus, nn.GELU)


def rule(module, z):
    if isinstance(module, NONLINEAR):
        return Rescale.apply(z, module)
    if isinstance(module, nn.MaxPool1d):
        assert module.padding == 0 and module.dilation == 1 and not module.ceil_mode
        return MaxPoolRule.apply(z, module.kernel_size, module.stride)
    if isinstance(module, nn.Sequential):
        for child in module:
            z = rule(child, z)
        return z
    return module(z)  # conv, linear, batch norm (eval), avg pools, flatten, dropout (eval): linear, plain autograd


def own_multipliers(forward, x, refs, target):
    """Multipliers of every pair [N, R, 4, L] by the independent rules: gradient of the target summed over both halves
    with respect to the x half."""
    n, r = refs.shape[:2]
    xs = x.unsqueeze(1).expand_as(refs).reshape(n * r, *x.shape[1:]).clone().requires_grad_(True)
    rs = refs.reshape(n * r, *x.shape[1:])
    y = forward(torch.cat([xs, rs]))[:, target]
    return torch.autograd.grad(y.sum(), xs)[0].reshape(refs.shape)


# --------------------------------------------------------------------------------------------------- tangermeme
def attribute(dls, model, x, refs, target=0, **kw):
    """Raw multipliers, projected and hypothetical attributions from a deep_lift_shap function, with the warnings it
    raised."""
    caught = []
    results = {}
    for key, extra in (("multipliers", dict(raw_outputs=True)), ("attributions", dict(hypothetical=False)),
                       ("hypothetical", dict(hypothetical=True))):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            results[key] = dls(model, x, target=target, references=refs, device="cpu", batch_size=32, **extra, **kw)
        caught += [str(i.message)[:100] for i in w if issubclass(i.category, RuntimeWarning)]
    return results, caught


def check_pairs(name, model, x, refs, res, target, forward=None):
    """Convergence deltas per pair (tangermeme's formula), the hypothetical recomputed from the raw multipliers, and
    the sanity identities; returns (f(x) [N], f(ref) [N, R], deltas [N, R])."""
    m, attr, hyp = res["multipliers"], res["attributions"], res["hypothetical"]
    n, r = refs.shape[:2]
    with torch.no_grad():
        fx = model(x)[:, target]
        fr = model(refs.reshape(n * r, *x.shape[1:]))[:, target].reshape(n, r)
    signed = (fx[:, None] - fr) - ((x[:, None] - refs) * m).sum(dim=(2, 3))
    deltas = signed.abs()
    # hypothetical[n, i, l] = mean_r (m[n, r, i, l] - sum_c ref[n, r, c, l] m[n, r, c, l])
    hyp_own = (m - (refs * m).sum(dim=2, keepdim=True)).mean(dim=1)
    stats = {
        "max_delta": float(deltas.max()),
        "max|f(x)-f(ref)|": float((fx[:, None] - fr).abs().max()),
        "hyp_from_multipliers": float((hyp_own - hyp).abs().max()),
        "attr_vs_hyp*x": float((attr - hyp * x).abs().max()),
        "sum_c(hyp*x)_vs_sum_c(attr)": float(((hyp * x).sum(1) - attr.sum(1)).abs().max()),
    }
    # sum over channels and positions of the projected attributions = mean over references of f(x) - f(ref) minus
    # the mean signed delta, except for the reference's share at all-zero (N) columns of x, which projection drops
    lhs = attr.sum(dim=(1, 2))
    n_share = (-(refs * m).sum(dim=2) * (x.sum(dim=1) == 0)[:, None]).sum(dim=2).mean(dim=1)
    rhs = (fx[:, None] - fr - signed).mean(dim=1) - n_share
    stats["sum(attr)_vs_mean(f(x)-f(ref))"] = float((lhs - rhs).abs().max())
    stats["N_column_share"] = [round(float(v), 6) for v in n_share]
    if forward is not None:
        edge.clear()
        own = own_multipliers(forward, x, refs, target)
        stats["own_rules_vs_tangermeme"] = float((own - m).abs().max())
        stats.update(edge)
        stats["max|multiplier|"] = float(m.abs().max())
    report[name] = stats
    print(name, stats)
    assert stats["attr_vs_hyp*x"] == 0 and stats["sum_c(hyp*x)_vs_sum_c(attr)"] < 1e-12
    assert stats["hyp_from_multipliers"] < 1e-10 and stats["sum(attr)_vs_mean(f(x)-f(ref))"] < 1e-9
    assert forward is None or stats["own_rules_vs_tangermeme"] < 1e-9
    return fx, fr, deltas


# ------------------------------------------------------------------------------------------------ default model
def read_chr2r():
    with gzip.open(os.path.join(root, "data", "genome", "dm3_chr2R.fa.gz"), "rt") as f:
        assert f.readline().split()[0] == ">chr2R"
        return "".join(line.strip() for line in f).upper()


def one_hot(seq):
    x = np.zeros((4, len(seq)), dtype=np.float32)
    for i, base in enumerate(seq):
        j = "ACGT".find(base)
        if j >= 0:
            x[j, i] = 1
    return x


def load_exact(path):
    """export_pytorch.load, with every parameter loaded by its layer's name (strict). load() itself matches state_dict
    keys to module indices with strict=False, so a layer whose index moved (the Flatten that export() folds into a
    global pool, as in c_elu_globalavg, whose dense layer is "7" but sits at index 6) would keep its random init."""
    model, architecture = load(path)
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    header.pop("__metadata__")
    index = {spec["name"]: i for i, spec in enumerate(architecture["layers"]) if "name" in spec}
    state = {}
    for key, info in header.items():
        name, _, param = key.rpartition(".")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"]).copy()
        state[f"{index[name]}.{param}"] = torch.from_numpy(array)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    return model.eval(), architecture


def global_max_as_maxpool(model, length):
    """The model with each GlobalMaxPool written as MaxPool1d(whole length) + Flatten (same state_dict keys)."""
    model = copy.deepcopy(model)
    z = torch.zeros(1, 4, length)
    for i, module in enumerate(model):
        if isinstance(module, GlobalMaxPool):
            model[i] = nn.Sequential(nn.MaxPool1d(z.shape[-1]), nn.Flatten())
        z = model[i](z)
    return model.eval()


plrp_model, architecture = load_exact(os.path.join(root, "data", "models", "default.safetensors"))
L = architecture["input"]["length"]
model = global_max_as_maxpool(plrp_model, L).double()
chrom = read_chr2r()
starts = [1_000_000 + 500 * i for i in range(8)]  # 0-based starts: chr2R:1,000,001-1,000,300 (1-based) and on
x = torch.from_numpy(np.stack([one_hot(chrom[s:s + L]) for s in starts])).double()
assert bool((x.sum(dim=1) == 1).all())  # no N in these windows
with torch.no_grad():
    assert torch.allclose(model(x), plrp_model.double()(x), atol=1e-12)
refs = pair_references(x)
# tangermeme's own seeded path (references drawn inside deep_lift_shap) gives these references and the same result
inside = deep_lift_shap(model, x, random_state=SEED, return_references=True, device="cpu", hypothetical=True)
assert torch.equal(inside.references, refs)
res, caught = attribute(deep_lift_shap, model, x, refs)
assert torch.equal(inside.attributions, res["hypothetical"])
fx, fr, deltas = check_pairs("default", model, x, refs, res, 0, forward=lambda z: rule(model, z))
report["default"]["warnings"] = caught
np.savez(os.path.join(out, "default.npz"), x=f32(x), references=f32(refs), attributions=f32(res["attributions"]),
         hypothetical=f32(res["hypothetical"]), multipliers=f32(res["multipliers"][:, :N_MULTIPLIERS]),
         deltas=f32(deltas), logits=f32(fx), reference_logits=f32(fr),
         starts=np.array(starts, dtype=np.float32))


# ----------------------------------------------------------------------------------------------- graph models
# Rebuilt exactly as scripts/make_graph_fixtures.py builds them (same seed, same construction order), and checked
# against Tests/Fixtures/graphs/NAME.io.npz.
def bpnet_forward(core, x, head):
    """BPNet.forward with the DeepLIFT rules on the batch [x; ref], then the head: counts, or bpnet-lite's
    ProfileWrapper scalar sum_j u(z)_j, z = flattened logits minus their mean."""
    start, end = core.trimming, x.shape[2] - core.trimming
    x = Rescale.apply(core.iconv(x), core.irelu)
    for conv, relu in zip(core.rconvs, core.rrelus):
        x = torch.add(x, Rescale.apply(conv(x), relu))
    if head == "counts":
        return core.linear(torch.mean(x[:, :, max(start - 37, 0):end + 37], dim=2)).reshape(x.shape[0], 1)
    logits = core.fconv(x)[:, :, start:end].flatten(1)
    z = logits - torch.mean(logits, dim=-1, keepdim=True)
    return ProfileScalingRule.apply(z).sum(dim=-1, keepdim=True)


torch.manual_seed(23)
bpnet_core = BPNet(n_filters=8, n_layers=3, n_outputs=2, n_control_tracks=0, trimming=50, verbose=False)
scale_weights(bpnet_core, 2.0)
residual_gelu = ResidualGelu()
randomize_batchnorm(residual_gelu)
two_branch = TwoBranch()
scale_weights(two_branch, 2.0)
graphs = os.path.join(root, "Tests", "Fixtures", "graphs")
for graph_model in (bpnet_core, residual_gelu, two_branch):
    graph_model.eval()
io_bpnet = np.load(os.path.join(graphs, "bpnet.io.npz"))
with torch.no_grad():
    profile, counts = bpnet_core(torch.from_numpy(io_bpnet["x"]))
    for name, graph_model in (("residual_gelu", residual_gelu), ("two_branch", two_branch)):
        io_graph = np.load(os.path.join(graphs, f"{name}.io.npz"))
        assert np.array_equal(graph_model(torch.from_numpy(io_graph["x"])).numpy(), io_graph["logits"]), name
assert np.array_equal(profile.numpy(), io_bpnet["profile"]) and np.array_equal(counts.numpy(), io_bpnet["counts"])

core = copy.deepcopy(bpnet_core).double()
x = torch.from_numpy(io_bpnet["x"]).double()
full = x.sum(dim=1).min(dim=1).values == 1  # window 1 has 4 all-zero (N) columns
refs = pair_references(x)
arrays = {"x": f32(x), "references": f32(refs)}
for head, wrapper in (("counts", CountWrapper(core).eval()), ("profile", ProfileWrapper(core).eval())):
    # bpnet-lite's deep_lift_shap (which adds the _ProfileLogitScaling, _Log and _Exp rules) refuses windows with N;
    # tangermeme's with bpnet-lite's rule table and only_warn=True takes all six and agrees on the others
    res, caught = attribute(deep_lift_shap, wrapper, x, refs, additional_nonlinear_ops=BPNET_OPS, only_warn=True)
    res_lite, _ = attribute(bpnet_deep_lift_shap, wrapper, x[full], refs[full])
    for key in res:
        assert torch.equal(res[key][full], res_lite[key]), (head, key)
    fx, fr, deltas = check_pairs(f"bpnet_{head}", wrapper, x, refs, res, 0,
                                 forward=lambda z, head=head: bpnet_forward(core, z, head))
    report[f"bpnet_{head}"]["warnings"] = caught
    if head == "profile":  # without bpnet-lite's registration: softmax rule inside, the product by plain gradient
        plain, _ = attribute(deep_lift_shap, wrapper, x, refs, only_warn=True)
        d = ((fx[:, None] - fr) - ((x[:, None] - refs) * plain["multipliers"]).sum(dim=(2, 3))).abs()
        report["bpnet_profile"]["max_delta_without_bpnet_lite_rule"] = float(d.max())
        print("bpnet profile without the _ProfileLogitScaling rule: max delta", float(d.max()))
    arrays.update({f"{head}_attributions": f32(res["attributions"]), f"{head}_hypothetical": f32(res["hypothetical"]),
                   f"{head}_multipliers": f32(res["multipliers"][:, :N_MULTIPLIERS]), f"{head}_deltas": f32(deltas),
                   f"{head}_y": f32(fx), f"{head}_reference_y": f32(fr)})
np.savez(os.path.join(out, "bpnet.npz"), **arrays)


# ------------------------------------------------------------- extras: the other graph models and the LRP models
def save_small(name, model, x, target, forward):
    refs = pair_references(x)
    res, caught = attribute(deep_lift_shap, model, x, refs, target=target, only_warn=True)
    fx, fr, deltas = check_pairs(name, model, x, refs, res, target, forward=forward)
    report[name]["warnings"] = caught
    np.savez(os.path.join(out, f"{name}.npz"), x=f32(x), target=np.array([target], dtype=np.float32),
             references=f32(refs), attributions=f32(res["attributions"]), hypothetical=f32(res["hypothetical"]),
             multipliers=f32(res["multipliers"][:, :N_MULTIPLIERS]), deltas=f32(deltas), logits=f32(fx),
             reference_logits=f32(fr))


for name, graph_model in (("residual_gelu", residual_gelu), ("two_branch", two_branch)):
    graph_model = copy.deepcopy(graph_model).double()
    x = torch.from_numpy(np.load(os.path.join(graphs, f"{name}.io.npz"))["x"]).double()
    save_small(name, graph_model, x, 1, lambda z, g=graph_model: g(z, act=rule))

lrp = os.path.join(root, "Tests", "Fixtures", "lrp")
for name in ("a_bn_pools", "b_stride_globalmax", "c_elu_globalavg", "d_dilated_densebn"):
    data = np.load(os.path.join(lrp, f"{name}.npz"))
    loaded, arch = load_exact(os.path.join(lrp, f"{name}.safetensors"))
    small = global_max_as_maxpool(loaded, arch["input"]["length"]).double()
    x = torch.from_numpy(data["x"]).double()
    with torch.no_grad():
        assert torch.allclose(small(x), loaded.double()(x), atol=1e-12)
    xg = x.clone().requires_grad_(True)  # the weights are those the LRP fixture used: its gradient x input
    small(xg)[:, int(data["target"][0])].sum().backward()
    assert np.allclose((xg.grad * x).numpy(), data["gradient_x_input"], atol=1e-6), name
    save_small(name, small, x, int(data["target"][0]), lambda z, m=small: rule(m, z))

print()
for name, stats in report.items():
    print(name, {k: (f"{v:.3g}" if isinstance(v, float) else v) for k, v in stats.items()})
