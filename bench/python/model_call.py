#!/usr/bin/env python3
"""A whole model called from Python, against the tessera tool on the same module.

Compiles MODEL (.onnx or .mlir) once into a module, then, for each worker
count, alternates rounds of `tessera.runtime.Session.call` from this
process with rounds of `tessera bench` (the batch tool, a process of its
own) on the same module and input, and prints the median call of each
and their ratio. A Python user should get what the tool measures: the
ratio is about 1.0 when the binding and the runtime add nothing per call
beyond the tool's own.

    PYTHONPATH=build/python python3 bench/python/model_call.py MODEL \\
        --input x.npy [--workers 1,2] [--rounds 3] [--calls 50] [--bin-dir build/bin]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import tessera


def python_median_ms(session, module, function, x, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        session.call(module, function, x)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def tool_median_ms(tool, module_path, input_path, workers, calls, out):
    subprocess.run([tool, "bench", module_path, f"--input=@{input_path}",
                    f"--task-workers={workers}", f"--repetitions={calls}",
                    f"--json={out}"], check=True, capture_output=True)
    with open(out) as f:
        return json.load(f)["call_us"]["median"] / 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--input", required=True, help=".npy input")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--bin-dir", default="build/bin")
    args = parser.parse_args()

    tool = os.path.join(args.bin_dir, "tessera")
    if not os.access(tool, os.X_OK):
        sys.exit(f"model_call.py: {tool}: no such executable (--bin-dir)")
    x = np.load(args.input)
    with tempfile.TemporaryDirectory() as tmp:
        module_path = os.path.join(tmp, "model.tsm")
        with open(module_path, "wb") as f:
            f.write(tessera.compiler.compile(args.model))
        module = tessera.runtime.Module.load(module_path)
        function = module.functions[0].name
        print(f"tessera {tessera.__version__}, {os.path.basename(args.model)}, "
              f"Python {sys.version.split()[0]}; medians of {args.rounds} "
              f"alternating rounds of {args.calls} calls")
        print("| workers | Session.call (ms) | tessera bench (ms) | Python / tool |")
        print("|---|---|---|---|")
        for workers in [int(w) for w in args.workers.split(",")]:
            session = tessera.runtime.Session(f"cpu?workers={workers}")
            for _ in range(3):
                session.call(module, function, x)
            python_ms, tool_ms = [], []
            for _ in range(args.rounds):
                python_ms.append(python_median_ms(session, module, function,
                                                  x, args.calls))
                tool_ms.append(tool_median_ms(
                    tool, module_path, args.input, workers, args.calls,
                    os.path.join(tmp, "bench.json")))
            p, t = statistics.median(python_ms), statistics.median(tool_ms)
            print(f"| {workers} | {p:.3g} | {t:.3g} | {p / t:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
