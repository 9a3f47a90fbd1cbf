"""Calls release the GIL: Python threads run calls side by side, and a
Python thread keeps running while a call computes."""

import threading
import time

import numpy as np
import pytest

import tessera
from conftest import EXAMPLES_DIR, compile_module, program, random


@pytest.mark.parametrize("device", ["cpu", "cpu?workers=2", "vulkan"])
def test_threads_share_a_session(device):
    target = "vulkan-spirv" if device == "vulkan" else "llvm-cpu"
    mlp = compile_module(EXAMPLES_DIR / "mlp.mlir", target)
    matmul = compile_module(program("matmul_static.mlir"), target)
    try:
        session = tessera.runtime.Session(device)
    except tessera.DeviceError as error:
        pytest.skip(f"no Vulkan device: {error}")
    inputs = [random((4, 16), seed) for seed in range(8)]
    expected = [session.call(mlp, "predict", x) for x in inputs]
    a, b = random((70, 33), 1), random((33, 150), 2)
    expected_matmul = session.call(matmul, "matmul", a, b)
    failures = []

    def work(worker):
        try:
            for repetition in range(40):
                i = (worker + repetition) % len(inputs)
                if not np.array_equal(
                        session.call(mlp, "predict", inputs[i]), expected[i]):
                    failures.append(f"worker {worker}: predict {i}")
                if not np.array_equal(session.call(matmul, "matmul", a, b),
                                      expected_matmul):
                    failures.append(f"worker {worker}: matmul")
        except Exception as error:  # reported below, not lost in a thread
            failures.append(repr(error))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_python_runs_while_a_call_computes():
    size = 768
    module = compile_module(f"""
func.func @matmul(%a: tensor<{size}x{size}xf32>, %b: tensor<{size}x{size}xf32>) -> tensor<{size}x{size}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{size}x{size}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{size}x{size}xf32>) -> tensor<{size}x{size}xf32>
  %r = linalg.matmul ins(%a, %b : tensor<{size}x{size}xf32>, tensor<{size}x{size}xf32>) outs(%f : tensor<{size}x{size}xf32>) -> tensor<{size}x{size}xf32>
  return %r : tensor<{size}x{size}xf32>
}}""")
    session = tessera.runtime.Session()
    a, b = random((size, size), 1), random((size, size), 2)
    session.call(module, "matmul", a, b)  # loaded and warm
    span = {}

    def call():
        span["start"] = time.perf_counter()
        for _ in range(3):
            session.call(module, "matmul", a, b)
        span["end"] = time.perf_counter()

    thread = threading.Thread(target=call)
    ticks = []
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.0005)
    thread.join()
    length = span["end"] - span["start"]
    inside = [t for t in ticks
              if span["start"] + 0.2 * length < t < span["end"] - 0.2 * length]
    # With the GIL held through a call this thread would not run at all
    # while the calls compute.
    assert len(inside) >= 10, (length, len(ticks), len(inside))
