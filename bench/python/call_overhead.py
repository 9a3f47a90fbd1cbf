#!/usr/bin/env python3
"""The cost of calling a compiled function from Python.

A 4-element f32 add, compiled by tessera.compiler and called through
tessera.runtime.Session.call, measured against two references in the same
run: the runtime's own time for the same call (the C++ side, from a
profile: what Python cannot go below) and NumPy's np.add on the same
arrays (what a Python user compares a tiny call with). The issue's target:
under 20 us per call from Python.

    PYTHONPATH=build/python python3 bench/python/call_overhead.py [--check]
"""

import argparse
import statistics
import sys
import time

import numpy as np

import tessera

PROGRAM = """
func.func @add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
"""

TARGET_US = 20.0


def per_call_us(function, calls, batches):
    """Median over `batches` of the mean time of `calls` calls."""
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when a call takes {TARGET_US} us or more")
    args = parser.parse_args()

    targets = (["vulkan-spirv", "llvm-cpu"]
               if args.device.startswith("vulkan") else ["llvm-cpu"])
    module = tessera.runtime.Module.load(
        tessera.compiler.compile(PROGRAM, targets=targets), name="add")
    session = tessera.runtime.Session(args.device)
    a = np.arange(4, dtype=np.float32)
    b = np.ones(4, dtype=np.float32)
    assert np.array_equal(session.call(module, "add", a, b), a + b)

    python_us = per_call_us(lambda: session.call(module, "add", a, b),
                            args.calls, args.batches)
    runtime_us = session.profile(module, "add", a, b,
                                 repetitions=args.calls).median_us
    numpy_us = per_call_us(lambda: np.add(a, b), args.calls, args.batches)

    print(f"tessera {tessera.__version__}, device {args.device}, "
          f"Python {sys.version.split()[0]}, NumPy {np.__version__}")
    print(f"{'what':44} {'us/call':>9}")
    print(f"{'Session.call from Python (4-element add)':44} {python_us:9.2f}")
    print(f"{'  the runtime alone (C++, profiled)':44} {runtime_us:9.2f}")
    print(f"{'  the binding (the difference)':44} "
          f"{python_us - runtime_us:9.2f}")
    print(f"{'numpy.add on the same arrays':44} {numpy_us:9.2f}")
    print(f"Session.call / numpy.add: {python_us / numpy_us:.1f}x; "
          f"target under {TARGET_US:.0f} us: "
          f"{'met' if python_us < TARGET_US else 'NOT met'}")
    if args.check and python_us >= TARGET_US:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
