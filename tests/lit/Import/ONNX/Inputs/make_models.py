#!/usr/bin/env python3
"""Small ONNX models for the importer's lit tests, written with onnx.helper
(no PyTorch): make_models.py OUT_DIR writes each model below."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, name + ".onnx"))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def weights(name, shape):
    return numpy_helper.from_array(
        rng.standard_normal(shape).astype(np.float32), name)


# Conv -> Relu -> + residual -> GlobalAveragePool -> Flatten -> Gemm, NCHW
# with a symbolic batch.
save("convnet", [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv",
                     pads=[1, 1, 1, 1], strides=[1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="relu"),
    helper.make_node("Add", ["r", "x"], ["s"], name="residual"),
    helper.make_node("GlobalAveragePool", ["s"], ["g"], name="pool"),
    helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="fc",
                     transB=1),
], [f32("x", ["batch", 4, 8, 8])], [f32("y", ["batch", 3])],
    [weights("w", [4, 4, 3, 3]), weights("b", [4]), weights("fc_w", [3, 4]),
     weights("fc_b", [3])])

# An op the importer does not lower.
save("unsupported", [
    helper.make_node("Relu", ["x"], ["r"], name="relu"),
    helper.make_node("Einsum", ["r", "r"], ["y"], name="the_einsum",
                     equation="ij,ij->ij"),
], [f32("x", [2, 2])], [f32("y", [2, 2])])

# Opset 18: newer than the importer knows.
save("opset18", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
     [f32("x", [2])], [f32("y", [2])], opset=18)

# Opset 11: converted up to 13 by ONNX's version converter, then imported.
save("opset11", [
    helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze", axes=[0]),
    helper.make_node("Relu", ["u"], ["y"], name="relu"),
], [f32("x", [3])], [f32("y", [1, 3])], opset=11)

# A Gather whose constant indices leave the data.
save("gather_out_of_range", [
    helper.make_node("Gather", ["table", "idx"], ["y"], name="lookup"),
], [], [f32("y", [2, 4])],
    [weights("table", [5, 4]),
     numpy_helper.from_array(np.array([1, 9], dtype=np.int64), "idx")])

# An embedding lookup on runtime indices (clamped into the table).
save("embedding", [
    helper.make_node("Gather", ["table", "ids"], ["y"], name="lookup"),
], [helper.make_tensor_value_info("ids", TensorProto.INT64, [4])],
    [f32("y", [4, 3])],
    [numpy_helper.from_array(
        np.arange(15, dtype=np.float32).reshape(5, 3), "table")])

# A Reshape whose shape does not hold the input's elements.
save("bad_reshape", [
    helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape"),
], [f32("x", [2, 3])], [f32("y", [4, 2])],
    [numpy_helper.from_array(np.array([4, 2], dtype=np.int64), "shape")])

# The convnet with its weights in a file beside it (external data), and a
# copy whose data location leaves the model's directory.
convnet = onnx.load(os.path.join(out, "convnet.onnx"))
onnx.save_model(convnet, os.path.join(out, "external.onnx"),
                save_as_external_data=True, all_tensors_to_one_file=True,
                location="external.weights", size_threshold=0)
escaping = onnx.load(os.path.join(out, "external.onnx"), load_external_data=False)
for init in escaping.graph.initializer:
    for entry in init.external_data:
        if entry.key == "location":
            entry.value = "../external.weights"
onnx.save_model(escaping, os.path.join(out, "escaping.onnx"))

# A weights file reached through a link that leaves the directory.
outside = os.path.join(out, "outside")
inside = os.path.join(out, "linked")
os.makedirs(outside, exist_ok=True)
os.makedirs(inside, exist_ok=True)
os.replace(os.path.join(out, "external.weights"),
           os.path.join(outside, "external.weights"))
os.symlink(os.path.join(outside, "external.weights"),
           os.path.join(inside, "external.weights"))
os.symlink(os.path.join(outside, "external.weights"),
           os.path.join(out, "external.weights"))
with open(os.path.join(out, "external.onnx"), "rb") as f:
    model_bytes = f.read()
with open(os.path.join(inside, "linked.onnx"), "wb") as f:
    f.write(model_bytes)

# Empty tensors: an input with a 0 dim, and a Slice that empties one.
save("empty_input", [helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
     [f32("a", [2, 0]), f32("b", [0, 3])], [f32("y", [2, 3])])
save("empty_slice", [
    helper.make_node("Slice", ["x", "s", "e"], ["y"], name="empty_slice"),
], [f32("x", [4, 3])], [f32("y", [0, 3])],
    [numpy_helper.from_array(np.array([2], dtype=np.int64), "s"),
     numpy_helper.from_array(np.array([2], dtype=np.int64), "e")])
# Concat whose other dims differ.
save("concat_mismatch", [
    helper.make_node("Concat", ["a", "b"], ["y"], name="cat", axis=0),
], [f32("a", [2, 3]), f32("b", [2, 4])], [f32("y", [4, 3])])
# A pooling window of padding only.
save("pool_pads", [
    helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                     pads=[2, 2, 2, 2]),
], [f32("x", [1, 1, 4, 4])], [f32("y", [1, 1, 7, 7])])
# An axis given twice.
save("reduce_twice", [
    helper.make_node("ReduceMean", ["x"], ["y"], name="mean", axes=[1, -1]),
], [f32("x", [2, 3])], [f32("y", [2, 1])])
# Constant indices out of range of runtime data.
save("gather_runtime_data", [
    helper.make_node("Gather", ["x", "idx"], ["y"], name="pick"),
], [f32("x", [3, 2])], [f32("y", [1, 2])],
    [numpy_helper.from_array(np.array([7], dtype=np.int64), "idx")])
# A node name with bytes that are no text.
graph = helper.make_graph(
    [helper.make_node("Einsum", ["x", "x"], ["y"], equation="i,i->i",
                      name="bad\x1b[31mname\xff")],
    "bytes", [f32("x", [2])], [f32("y", [2])])
named = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
named.ir_version = 8
named.graph.node[0].name = "bad\x1b[31mname"
onnx.save(named, os.path.join(out, "control_bytes.onnx"))

# A shape computed from a dynamic dim, used as data.
save("shape_as_data", [
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    helper.make_node("Cast", ["s"], ["y"], name="to_float", to=TensorProto.FLOAT),
], [f32("x", ["batch", 3])], [f32("y", [2])])

# A Reshape whose element count holds only for some batches: checked when
# the program runs.
save("reshape_by_batch", [
    helper.make_node("Reshape", ["x", "shape"], ["y"], name="regroup"),
], [f32("x", ["batch", 12])], [f32("y", ["rows", 8])],
    [numpy_helper.from_array(np.array([-1, 8], dtype=np.int64), "shape")])

# The convnet cut short, as a failed download leaves it.
with open(os.path.join(out, "convnet.onnx"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
# Not a model at all.
with open(os.path.join(out, "text.onnx"), "w") as f:
    f.write("func.func @main() { return }\n")

# Conv -> ReduceMean over H and W (PyTorch's x.mean((2, 3))), NCHW.
save("convmean", [
    helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("ReduceMean", ["c"], ["y"], name="mean", axes=[2, 3],
                     keepdims=0),
], [f32("x", [2, 4, 8, 8])], [f32("y", [2, 5])], [weights("w", [5, 4, 3, 3])])
