#!/usr/bin/env python3
"""Makes Tests/Fixtures/models/*: four small seeded PyTorch models covering every chain layer type, written with
export_pytorch.py, and for each the inputs and PyTorch's logits (`<name>.io.npz`: x [N,4,L], logits [N,O]).
Run with the development venv: .venv/bin/python scripts/make_model_fixtures.py  (scripts/dev_env.sh makes it)."""
import copy
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from export_pytorch import Exp, GlobalAvgPool, GlobalMaxPool, export  # noqa: E402
from fixture_models import randomize_batchnorm  # noqa: E402

torch.manual_seed(7)
torch.set_num_threads(1)
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "models")
os.makedirs(out, exist_ok=True)


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
for name, (length, outputs, activation, original) in models.items():
    model = copy.deepcopy(original)  # a training step moves running statistics; the exported model must not change
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

# ONNX: every model through both PyTorch exporters (the legacy TorchScript one and the torch.export-based default),
# plus a hand-built channels-last graph in the style of Keras/tf2onnx (Transpose, auto_pad SAME_UPPER,
# GlobalMaxPool, Flatten, MatMul + Add, final Sigmoid) with its logits computed by PyTorch from the same weights.
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

for name, (length, outputs, activation, model) in models.items():
    model.eval()
    x = torch.zeros(1, 4, length)
    torch.onnx.export(model, (x,), os.path.join(out, f"{name}.ts.onnx"), dynamo=False, input_names=["x"],
                      output_names=["logits"])
    torch.onnx.export(model, (x,), os.path.join(out, f"{name}.dynamo.onnx"), dynamo=True, input_names=["x"],
                      output_names=["logits"], external_data=False)

length = 32
rng = np.random.default_rng(99)
w = rng.standard_normal((6, 4, 4)).astype(np.float32) * 0.5   # even kernel: SAME_UPPER pads 1 left, 2 right
b = rng.standard_normal(6).astype(np.float32) * 0.1
dense_w = rng.standard_normal((6, 2)).astype(np.float32)       # MatMul weight [in, out]
dense_b = rng.standard_normal(2).astype(np.float32)
nodes = [
    helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 1], name="to_ncl"),
    helper.make_node("Conv", ["t", "w", "b"], ["c"], auto_pad="SAME_UPPER", kernel_shape=[4], name="conv"),
    helper.make_node("Relu", ["c"], ["r"], name="relu"),
    helper.make_node("GlobalMaxPool", ["r"], ["g"], name="pool"),
    helper.make_node("Flatten", ["g"], ["f"], axis=1, name="flatten"),
    helper.make_node("MatMul", ["f", "dw"], ["m"], name="dense"),
    helper.make_node("Add", ["m", "db"], ["z"], name="bias"),
    helper.make_node("Sigmoid", ["z"], ["p"], name="probability"),
]
graph = helper.make_graph(nodes, "keras_style", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, length, 4])],
                          [helper.make_tensor_value_info("p", TensorProto.FLOAT, [None, 2])],
                          [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
                           numpy_helper.from_array(dense_w, "dw"), numpy_helper.from_array(dense_b, "db")])
onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(onnx_model)
onnx.save(onnx_model, os.path.join(out, "e_channels_last.onnx"))
n = 10
x = np.zeros((n, 4, length), dtype=np.float32)
bases = rng.integers(0, 4, size=(n, length))
for i in range(n):
    x[i, bases[i], np.arange(length)] = 1
with torch.no_grad():
    c = torch.nn.functional.conv1d(torch.nn.functional.pad(torch.from_numpy(x), (1, 2)), torch.from_numpy(w), torch.from_numpy(b))
    logits = (torch.relu(c).amax(dim=-1) @ torch.from_numpy(dense_w) + torch.from_numpy(dense_b)).numpy()
np.savez(os.path.join(out, "e_channels_last.io.npz"), x=x, logits=logits.astype(np.float32))
# A graph with an op plrp has no layer for, to check the error names the node.
bad = helper.make_graph([helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[4], name="conv"),
                         helper.make_node("LeakyRelu", ["c"], ["y"], name="leaky")], "unsupported",
                        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, length])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6, length - 3])],
                        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
onnx.save(helper.make_model(bad, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(out, "unsupported_op.onnx"))
