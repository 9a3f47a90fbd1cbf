#!/usr/bin/env python3
"""Small ONNX graphs at the importer's edges, each run by Tessera and by
ONNX Runtime on the same seeded inputs and compared (compare.py). Most are
regressions an outside tester found: a wrong number, or a compile that
failed where ONNX Runtime runs the model.

    edge_cases.py BIN_DIR WORK_DIR [--only NAME,...]

Exit 0 when every case matches; 1 otherwise (each failure printed with the
commands that reproduce it).
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable


def tensor(name, shape, dtype=TensorProto.FLOAT):
    """A value info; shape None: an output whose shape ONNX infers."""
    if shape is None:
        info = onnx.ValueInfoProto()
        info.name = name
        info.type.tensor_type.elem_type = dtype
        return info
    return helper.make_tensor_value_info(name, dtype, shape)


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "edge", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    # Outputs left unshaped get the shapes ONNX infers.
    inferred = onnx.shape_inference.infer_shapes(m)
    shapes = {v.name: v.type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for output in m.graph.output:
        if output.name in shapes and shapes[output.name].tensor_type.HasField("shape"):
            output.type.CopyFrom(shapes[output.name])
    onnx.checker.check_model(m)
    return m


def weights(rng, name, shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def cases():
    """name -> (model, [input arrays per run][, NumPy reference]); a dynamic
    model has several runs, all from one compiled module. Without a NumPy
    reference, ONNX Runtime's result is the expected one."""
    rng = np.random.default_rng(29)
    out = {}

    # Pow with a runtime exponent: a negative base and an integer exponent
    # is real (C's pow), x^0 is 1.
    x = rng.standard_normal((3, 5)).astype(np.float32)
    y = rng.integers(-2, 5, (3, 5)).astype(np.float32)
    out["pow_runtime_exponent"] = (model(
        [helper.make_node("Pow", ["x", "y"], ["z"])],
        [tensor("x", [3, 5]), tensor("y", [3, 5])], [tensor("z", [3, 5])]),
        [[x, y]])
    # AveragePool, ceil_mode with counted pads: the last window is cut at
    # the padded edge, and its divisor with it.
    image = rng.standard_normal((2, 3, 10, 11)).astype(np.float32)
    for ceil in (0, 1):
        for count in (0, 1):
            out[f"avgpool_ceil{ceil}_count{count}"] = (model(
                [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                                  strides=[2, 2], pads=[1, 1, 1, 1],
                                  ceil_mode=ceil, count_include_pad=count)],
                [tensor("x", [2, 3, 10, 11])], [tensor("y", None)]), [[image]])
    out["maxpool_ceil_asymmetric"] = (model(
        [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 2],
                          strides=[2, 3], pads=[0, 1, 2, 0], ceil_mode=1)],
        [tensor("x", [2, 3, 10, 11])], [tensor("y", None)]), [[image]])
    # A symbolic batch: a rank-3 product with a matrix, a reshape that
    # folds the batch, a global pooling as the output.
    batches = [rng.standard_normal((b, 3, 4)).astype(np.float32) for b in (1, 2, 5)]
    out["dynamic_matmul_rank3"] = (model(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        [tensor("x", ["N", 3, 4])], [tensor("y", ["N", 3, 6])],
        [weights(rng, "w", (4, 6))]), [[b] for b in batches])
    out["dynamic_reshape_matmul"] = (model(
        [helper.make_node("Reshape", ["x", "shape"], ["r"]),
         helper.make_node("MatMul", ["r", "w"], ["y"])],
        [tensor("x", ["N", 3, 4])], [tensor("y", None)],
        [numpy_helper.from_array(np.array([-1, 4], dtype=np.int64), "shape"),
         weights(rng, "w", (4, 6))]), [[b] for b in batches])
    images = [rng.standard_normal((b, 3, 8, 8)).astype(np.float32) for b in (1, 2, 5)]
    out["dynamic_conv_global_pool"] = (model(
        [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("GlobalAveragePool", ["c"], ["g"]),
         helper.make_node("Relu", ["g"], ["y"])],
        [tensor("x", ["N", 3, 8, 8])], [tensor("y", ["N", 4, 1, 1])],
        [weights(rng, "w", (4, 3, 3, 3))]), [[i] for i in images])
    # x.view(x.size(0), -1) on a symbolic batch, and attention that reshapes
    # by (batch, -1, heads, dim): -1 beside dims known when the program runs.
    cubes = [rng.standard_normal((b, 3, 4, 4)).astype(np.float32) for b in (1, 2, 5)]
    shape_of_batch = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"]),
    ]
    out["dynamic_view_batch_minus1"] = (model(
        shape_of_batch + [
            helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
            helper.make_node("Reshape", ["x", "target"], ["f"]),
            helper.make_node("MatMul", ["f", "w"], ["y"])],
        [tensor("x", ["N", 3, 4, 4])], [tensor("y", ["N", 5])],
        [numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
         numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0"),
         numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus1"),
         weights(rng, "w", (48, 5))]), [[c] for c in cubes])
    tokens = [rng.standard_normal((b, 6, 16)).astype(np.float32) for b in (1, 2, 5)]
    out["dynamic_heads_minus1"] = (model(
        shape_of_batch + [
            helper.make_node("Concat", ["n1", "minus1", "heads", "dim"], ["target"], axis=0),
            helper.make_node("Reshape", ["x", "target"], ["r"]),
            helper.make_node("Transpose", ["r"], ["q"], perm=[0, 2, 1, 3]),
            helper.make_node("Transpose", ["r"], ["k"], perm=[0, 2, 3, 1]),
            helper.make_node("MatMul", ["q", "k"], ["scores"]),
            helper.make_node("Softmax", ["scores"], ["p"], axis=-1),
            helper.make_node("MatMul", ["p", "q"], ["y"])],
        [tensor("x", ["N", 6, 16])], [tensor("y", ["N", 2, 6, 8])],
        [numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
         numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0"),
         numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus1"),
         numpy_helper.from_array(np.array([2], dtype=np.int64), "heads"),
         numpy_helper.from_array(np.array([8], dtype=np.int64), "dim")]),
        [[t] for t in tokens])
    # Convolution outputs (NHWC inside) meeting plain NCHW tensors.
    plain = rng.standard_normal((1, 2, 8, 8)).astype(np.float32)
    out["conv_concat_softmax_channels"] = (model(
        [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("Concat", ["c", "p"], ["cat"], axis=1),
         helper.make_node("Softmax", ["cat"], ["s"], axis=1),
         helper.make_node("ReduceMean", ["s"], ["y"], axes=[2], keepdims=0)],
        [tensor("x", [1, 3, 8, 8]), tensor("p", [1, 2, 8, 8])], [tensor("y", None)],
        [weights(rng, "w", (4, 3, 3, 3))]), [[images[0], plain]])
    # Reductions of a convolution's result (NHWC inside), reduced in place
    # along NHWC's axes where the kept dims' order allows: the spatial mean
    # PyTorch exports for x.mean((2, 3)), with and without its dims, a max
    # over the channels, and a mean over H alone without dims (C kept with
    # W: transposed back first).
    conv = helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1])
    for name, op, axes, keep in (("mean_hw", "ReduceMean", [2, 3], 0),
                                 ("mean_hw_keepdims", "ReduceMean", [2, 3], 1),
                                 ("max_c_keepdims", "ReduceMax", [1], 1),
                                 ("sum_nc", "ReduceSum", [0, 1], 0),
                                 ("mean_h", "ReduceMean", [2], 0)):
        nodes = [conv]
        if op == "ReduceSum":
            nodes.append(helper.make_node(op, ["c", "axes"], ["r"], keepdims=keep))
            inits = [numpy_helper.from_array(np.array(axes, dtype=np.int64), "axes")]
        else:
            nodes.append(helper.make_node(op, ["c"], ["r"], axes=axes, keepdims=keep))
            inits = []
        nodes.append(helper.make_node("Relu", ["r"], ["y"]))
        out[f"conv_{name}"] = (model(
            nodes, [tensor("x", [2, 3, 8, 8])], [tensor("y", None)],
            [weights(rng, "w", (5, 3, 3, 3))] + inits), [[images[1]]])
    # Padded convolutions whose filters (over 4 MiB) split their output
    # channels over workgroups: each reads the unpadded input through the
    # pad (a 3x3 stride-2 one with pads of 2, a 5x5 one over two images).
    for name, shape, filters, kernel, stride, pad in (
            ("stride2", (1, 256, 11, 11), 520, 3, 2, 2),
            ("5x5", (2, 200, 7, 7), 260, 5, 1, 2)):
        wide = rng.standard_normal(shape).astype(np.float32)
        out[f"conv_wide_filter_padded_{name}"] = (model(
            [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[pad] * 4,
                              strides=[stride] * 2),
             helper.make_node("Relu", ["c"], ["y"])],
            [tensor("x", list(shape))], [tensor("y", None)],
            [weights(rng, "w", (filters, shape[1], kernel, kernel)),
             weights(rng, "b", (filters,))]), [[wide]])
    # A padded convolution over 8192 channels at 30x30: its window, a stack
    # buffer, overran the thread's stack (a segmentation fault); now split
    # by rows to fit, under a limit the compiler checks.
    many = rng.standard_normal((1, 8192, 30, 30)).astype(np.float32)
    out["conv_many_channels_padded"] = (model(
        [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1],
                          kernel_shape=[1, 1])],
        [tensor("x", [1, 8192, 30, 30])], [tensor("y", None)],
        [weights(rng, "w", (2, 8192, 1, 1))]), [[many]])
    # Filters whose output channels are no multiple of 32 are stored in
    # panels of 32, the last padded (PanelMajorFilters). Tiled by the NCHW
    # output's transpose into 9 channels a workgroup, the slices of the
    # filter began inside a panel and wrapped: 136 channels at 7x7, and 48
    # over two images with a residual, were wrong by 2.0 (caught before
    # landing). With a 3x3 window and padding too.
    for name, shape, filters, kernel, residual in (
            ("136_7x7", (1, 200, 7, 7), 136, 1, False),
            ("48_residual", (2, 64, 7, 7), 48, 1, True),
            ("100_3x3", (1, 100, 13, 13), 100, 3, False)):
        x = rng.standard_normal(shape).astype(np.float32)
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"],
                                  pads=[kernel // 2] * 4)]
        inputs, arrays = [tensor("x", list(shape))], [x]
        if residual:
            r = rng.standard_normal((shape[0], filters) + shape[2:]).astype(np.float32)
            nodes.append(helper.make_node("Add", ["c", "r"], ["y"]))
            inputs.append(tensor("r", list(r.shape)))
            arrays.append(r)
        else:
            nodes.append(helper.make_node("Relu", ["c"], ["y"]))
        out[f"conv_padded_panel_{name}"] = (model(
            nodes, inputs, [tensor("y", None)],
            [weights(rng, "w", (filters, shape[1], kernel, kernel)),
             weights(rng, "b", (filters,))]), [arrays])
    # Products of a few rows by a constant B of 1 MiB or more (a
    # classifier's), B stored in panels of 32 and walked down a panel at a
    # time: 300 columns (a padded last panel) over 3 rows, 1000 over one.
    for name, rows, depth, columns in (("3x1024x300", 3, 1024, 300),
                                       ("1x1280x1000", 1, 1280, 1000)):
        a = rng.standard_normal((rows, depth)).astype(np.float32)
        out[f"gemm_panels_{name}"] = (model(
            [helper.make_node("Gemm", ["a", "w", "b"], ["y"], transB=1)],
            [tensor("a", [rows, depth])], [tensor("y", None)],
            [weights(rng, "w", (columns, depth)),
             weights(rng, "b", (columns,))]), [[a]])
    # Transposes through registers in 16 x 16 blocks, with partial blocks
    # at both edges: channels-last to channels-first added to an NCHW
    # tensor, and a rank-5 permutation.
    nhwc = rng.standard_normal((2, 20, 37, 64)).astype(np.float32)
    nchw = rng.standard_normal((2, 64, 20, 37)).astype(np.float32)
    out["transpose_blocks_add"] = (model(
        [helper.make_node("Transpose", ["x"], ["t"], perm=[0, 3, 1, 2]),
         helper.make_node("Add", ["t", "r"], ["s"]),
         helper.make_node("Relu", ["s"], ["y"])],
        [tensor("x", [2, 20, 37, 64]), tensor("r", [2, 64, 20, 37])],
        [tensor("y", [2, 64, 20, 37])]), [[nhwc, nchw]])
    five = rng.standard_normal((3, 17, 5, 33, 18)).astype(np.float32)
    out["transpose_rank5"] = (model(
        [helper.make_node("Transpose", ["x"], ["y"], perm=[4, 1, 3, 0, 2])],
        [tensor("x", [3, 17, 5, 33, 18])], [tensor("y", None)]), [[five]])
    # Gather on a runtime tensor along axis 1, negative indices.
    table = rng.standard_normal((2, 5, 3)).astype(np.float32)
    out["gather_axis1_negative"] = (model(
        [helper.make_node("Gather", ["t", "i"], ["y"], axis=1)],
        [tensor("t", [2, 5, 3])], [tensor("y", None)],
        [numpy_helper.from_array(np.array([[0, -1], [4, -5]], dtype=np.int64), "i")]),
        [[table]])
    # Cast toward zero.
    fractions = (rng.standard_normal((4, 6)) * 3).astype(np.float32)
    out["cast_float_to_int_truncates"] = (model(
        [helper.make_node("Cast", ["x"], ["i"], to=TensorProto.INT32),
         helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
        [tensor("x", [4, 6])], [tensor("y", [4, 6])]), [[fractions]])
    # LayerNormalization of values far from zero (mean 1e4, spread 1): the
    # mean must not round away the spread. ONNX Runtime computes it as
    # E[x^2] - E[x]^2 in float and is 3e-4 off here: the reference is
    # float64 NumPy instead.
    far = (1e4 + rng.standard_normal((4, 768))).astype(np.float32)
    gamma = rng.standard_normal(768).astype(np.float32)
    beta = rng.standard_normal(768).astype(np.float32)

    def layer_norm(arrays):
        v = arrays[0].astype(np.float64)
        centered = v - v.mean(-1, keepdims=True)
        normal = centered / np.sqrt((centered ** 2).mean(-1, keepdims=True) + 1e-5)
        return (normal * gamma + beta).astype(np.float32)
    out["layernorm_far_from_zero"] = (model(
        [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1)],
        [tensor("x", [4, 768])], [tensor("y", [4, 768])],
        [numpy_helper.from_array(gamma, "g"), numpy_helper.from_array(beta, "b")],
        opset=17), [[far]], layer_norm)
    return out


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    tessera = os.path.join(args.bin_dir, "tessera")
    only = set(filter(None, args.only.split(",")))
    failures = 0
    for name, (m, runs, *reference) in cases().items():
        if only and name not in only:
            continue
        base = os.path.join(args.work_dir, name)
        onnx.save(m, base + ".onnx")
        module = base + ".tsm"
        compiled = run([tessera, "compile", base + ".onnx", "-o", module])
        if compiled.returncode != 0:
            print(f"FAIL {name}: tessera compile {base}.onnx:\n{compiled.stderr}")
            failures += 1
            continue
        for k, arrays in enumerate(runs):
            inputs = []
            for j, array in enumerate(arrays):
                path = f"{base}.run{k}.in{j}.npy"
                np.save(path, array)
                inputs.append(path)
            actual, expected = f"{base}.run{k}.actual.npy", f"{base}.run{k}.expected.npy"
            ours = run([tessera, "run", module, "--output=@" + actual] +
                       ["--input=@" + p for p in inputs])
            if reference:
                np.save(expected, reference[0](arrays))
                theirs = subprocess.CompletedProcess([], 0, "", "")
            else:
                theirs = run(["node", os.path.join(HERE, "ort_run.mjs"), base + ".onnx",
                              "--output=" + expected] + ["--input=" + p for p in inputs])
            if ours.returncode != 0 or theirs.returncode != 0:
                print(f"FAIL {name} run {k}: tessera exit {ours.returncode}, "
                      f"ONNX Runtime exit {theirs.returncode}\n{ours.stderr}{theirs.stderr}")
                failures += 1
                continue
            compare = run([PYTHON, os.path.join(HERE, "compare.py"), actual, expected])
            status = "ok  " if compare.returncode == 0 else "FAIL"
            print(f"{status} {name} run {k} (batch {arrays[0].shape[0]}): "
                  f"{compare.stdout.strip().splitlines()[-1] if compare.stdout.strip() else compare.stderr.strip()}")
            failures += compare.returncode != 0
    print(f"edge_cases.py: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
