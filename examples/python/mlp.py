#!/usr/bin/env python3
"""Compile examples/mlp.mlir, run it on a NumPy input, and check it against
the same network computed by NumPy.

    PYTHONPATH=build/python python3 examples/python/mlp.py
"""

import ast
import pathlib
import re

import numpy as np

import tessera

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "mlp.mlir"


def numpy_mlp(x, source):
    """The network of mlp.mlir in NumPy (float64), its weights read from the
    dense literals of the file: 16 -> 32 (ReLU) -> 10 (softmax)."""
    literals = re.findall(
        r"arith\.constant dense<(\[.*?\])> : tensor<([0-9x]+)xf32>", source)
    w1, b1, w2, b2 = (
        np.array(ast.literal_eval(values), dtype=np.float32).astype(
            np.float64).reshape([int(d) for d in shape.split("x")])
        for values, shape in literals)
    hidden = np.maximum(0, x @ w1 + b1)
    logits = hidden @ w2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    module_bytes = tessera.compiler.compile(EXAMPLE)  # a .tsm, in memory
    module = tessera.runtime.Module.load(module_bytes, name="mlp")
    print(module.functions[0])  # @predict(tensor<4x16xf32>) -> tensor<4x10xf32>

    session = tessera.runtime.Session("cpu")
    x = np.random.default_rng(0).standard_normal((4, 16)).astype(np.float32)
    probabilities = session.call(module, "predict", x)

    reference = numpy_mlp(x.astype(np.float64), EXAMPLE.read_text())
    error = np.abs(probabilities - reference).max()
    print("classes:", probabilities.argmax(axis=1),
          f"largest difference from NumPy: {error:.2e}")
    assert np.array_equal(probabilities.argmax(axis=1),
                          reference.argmax(axis=1))
    assert error < 1e-5


if __name__ == "__main__":
    main()
