"""Every program of the end-to-end suite (tests/e2e/programs, the bundled
examples), compiled and called from Python on the CPU inline, over task
workers and on Vulkan, against NumPy references computed in float64."""

import ast
import re

import numpy as np
import pytest

from conftest import EXAMPLES_DIR, assert_close, program, random


def f64(array):
    return array.astype(np.float64)


def test_elementwise_with_broadcast(backend):
    module = backend.compile(program("elementwise_broadcast.mlir"))
    a, b, c = random((37, 70), 1), random((70,), 2), random((37,), 3)
    result = backend.call(module, "add_mul", a, b, c)
    assert_close(result, (f64(a) + f64(b)) * f64(c)[:, None])


def test_matmul_static(backend):
    module = backend.compile(program("matmul_static.mlir"))
    a, b = random((70, 33), 4), random((33, 150), 5)
    assert_close(backend.call(module, "matmul", a, b), f64(a) @ f64(b))


def test_matmul_dynamic_m(backend):
    module = backend.compile(program("matmul_dynamic_m.mlir"))
    assert module.functions[0].inputs[0].shape == (None, 48)
    for m in (1, 5, 37, 100):
        a, b = random((m, 48), 6 + m), random((48, 40), 7)
        assert_close(backend.call(module, "matmul", a, b), f64(a) @ f64(b))


def test_matmul_bias_relu(backend):
    module = backend.compile(program("matmul_bias_relu.mlir"))
    x, w, bias = random((16, 64), 8), random((64, 96), 9), random((96,), 10)
    assert_close(backend.call(module, "dense", x, w, bias),
                 np.maximum(0, f64(x) @ f64(w) + f64(bias)))


def test_sum_and_max_reductions(backend):
    module = backend.compile(program("sum_and_max_reductions.mlir"))
    x = random((24, 130), 11)
    total, largest = backend.call(module, "reduce", x)
    assert_close(total, f64(x).sum(axis=1))
    assert_close(largest, f64(x).max(axis=0))


def softmax(x):
    x = f64(x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax_example(backend):
    module = backend.compile(EXAMPLES_DIR / "softmax.mlir")
    (function,) = module.functions
    (argument,) = function.inputs
    x = random(argument.shape, 12, scale=8)
    assert_close(backend.call(module, function.name, x), softmax(x))


def test_linalg_softmax(backend):
    module = backend.compile(program("linalg_softmax.mlir"))
    x = random((5, 37), 21, scale=8)
    assert_close(backend.call(module, "softmax", x), softmax(x))


def conv2d_nhwc_hwcf(x, w):
    kh, kw = w.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(f64(x), (kh, kw),
                                                       axis=(1, 2))
    # windows: n, oh, ow, c, kh, kw
    return np.einsum("nhwcij,ijcf->nhwf", windows, f64(w))


def test_conv2d_nhwc_hwcf(backend):
    module = backend.compile(program("conv2d_nhwc_hwcf.mlir"))
    x, w = random((2, 11, 13, 5), 13), random((3, 3, 5, 7), 14)
    assert_close(backend.call(module, "conv", x, w), conv2d_nhwc_hwcf(x, w))


def test_transpose(backend):
    module = backend.compile(program("transpose.mlir"))
    x = random((3, 70, 20), 15)
    result = backend.call(module, "transpose", x)
    assert np.array_equal(result, x.transpose(2, 0, 1))


def dense_literal(array):
    return "dense<[" + ", ".join("%.9g" % v for v in array.ravel()) + "]>"


def dense_hex_literal(array):
    return 'dense<"0x' + array.astype("<f4").tobytes().hex().upper() + '">'


def instantiate(template, **values):
    for name, value in values.items():
        assert f"@{name}@" in template
        template = template.replace(f"@{name}@", value)
    return template


@pytest.mark.parametrize("n, h, w", [(2, 7, 10), (1, 30, 26)])
def test_conv3x3_with_constant_filter(backend, n, h, w):
    # On the CPU: Winograd's F(2x2, 3x3) with the pad, bias and ReLU; with
    # 48 or more output tiles of 4x4 (30 x 26: 8 x 7), F(4x4, 3x3).
    def tensor(rows, columns, channels):
        return f"tensor<{n}x{rows}x{columns}x{channels}xf32>"

    filter_, b = random((3, 3, 32, 40), 41), random((40,), 42)
    source = instantiate(program("conv3x3_constant_filter.mlir.in"),
                         FILTER=dense_hex_literal(filter_), BIAS=dense_literal(b),
                         IN=tensor(h, w, 32), PAD=tensor(h + 2, w + 2, 32),
                         OUT=tensor(h, w, 40))
    module = backend.compile(source)
    x = random((n, h, w, 32), 43)
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    reference = np.maximum(conv2d_nhwc_hwcf(padded, filter_) + f64(b), 0)
    assert_close(backend.call(module, "conv", x), reference)


def test_mlp_with_constants(backend):
    w1, b1, w2 = random((12, 20), 16), random((20,), 17), random((20, 6), 18)
    source = instantiate(program("mlp_with_constants.mlir.in"),
                         W1=dense_literal(w1), B1=dense_literal(b1),
                         W2=dense_literal(w2))
    module = backend.compile(source)
    x = random((5, 12), 19)
    hidden = np.maximum(0, f64(x) @ f64(w1) + f64(b1))
    assert_close(backend.call(module, "mlp", x), hidden @ f64(w2))


def mlp_example_weights():
    """w1, b1, w2, b2 of examples/mlp.mlir, read from its dense literals."""
    text = (EXAMPLES_DIR / "mlp.mlir").read_text()
    literals = re.findall(r"arith\.constant dense<(\[.*?\])> : tensor<([0-9x]+)xf32>",
                          text)
    assert len(literals) == 4
    return [np.array(ast.literal_eval(values), dtype=np.float32).reshape(
        [int(d) for d in shape.split("x")]) for values, shape in literals]


def mlp_reference(x):
    w1, b1, w2, b2 = (f64(w) for w in mlp_example_weights())
    hidden = np.maximum(0, f64(x) @ w1 + b1)
    return softmax(hidden @ w2 + b2)


def test_mlp_example(backend):
    module = backend.compile(EXAMPLES_DIR / "mlp.mlir")
    x = random((4, 16), 20)
    assert_close(backend.call(module, "predict", x), mlp_reference(x))


def test_negate_dynamic(backend):
    module = backend.compile(program("negate_dynamic.mlir"))
    for n in (1, 3, 9, 130):
        x = random((4, n), n)
        assert np.array_equal(backend.call(module, "id", x), -x)
