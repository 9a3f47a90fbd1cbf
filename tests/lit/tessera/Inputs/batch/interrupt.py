"""Ctrl-C during a batch compile: starts `tessera compile` on programs that
take about a second each (one job), sends SIGINT once the first output is
written, and checks that the compile stops within a few seconds with exit
code 130, that every file in the output directory is a complete module
(`tessera inspect` reads it) and that the report says which inputs were
cancelled.

usage: interrupt.py TESSERA WORK_DIR
"""
import json
import os
import signal
import subprocess
import sys
import time

COUNT = 12


def deep_program(layers):
    lines = ["func.func @deep(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {",
             "  %zero = arith.constant 0.0 : f32",
             "  %e = tensor.empty() : tensor<64x64xf32>",
             "  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>"]
    previous = "%x"
    for i in range(layers):
        lines.append(f"  %m{i} = linalg.matmul ins({previous}, %w : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>")
        lines.append(f"  %r{i} = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = [\"parallel\", \"parallel\"]}} ins(%m{i} : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {{")
        lines.append("  ^bb0(%a: f32, %o: f32):")
        lines.append("    %t = math.tanh %a : f32")
        lines.append("    linalg.yield %t : f32")
        lines.append("  } -> tensor<64x64xf32>")
        previous = f"%r{i}"
    lines.append(f"  return {previous} : tensor<64x64xf32>")
    lines.append("}")
    return "\n".join(lines) + "\n"


def fail(message):
    print("MISMATCH:", message)
    sys.exit(1)


def main():
    tessera, work = sys.argv[1], sys.argv[2]
    src, out = os.path.join(work, "src"), os.path.join(work, "out")
    os.makedirs(src, exist_ok=True)
    for i in range(COUNT):
        with open(os.path.join(src, f"deep{i:02d}.mlir"), "w") as f:
            f.write(deep_program(40 + i))
    report = os.path.join(work, "report.json")
    process = subprocess.Popen(
        [tessera, "compile", src, "--output-dir=" + out, "-j1",
         "--report=" + report],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if os.path.isdir(out) and any(n.endswith(".tsm") for n in os.listdir(out)):
            break
        time.sleep(0.01)
    if process.poll() is not None:
        fail("the batch ended before the interrupt")
    interrupted_at = time.time()
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        fail("still running 30 s after Ctrl-C")
    stopped_after = time.time() - interrupted_at
    if process.returncode != 130:
        fail(f"exit code {process.returncode}\n{stderr}")
    if "interrupted; stopping" not in stderr:
        fail(f"no message: {stderr!r}")
    files = sorted(os.listdir(out))
    if not files or len(files) >= COUNT:
        fail(f"{len(files)} outputs of {COUNT}")
    for name in files:
        if not name.endswith(".tsm"):
            fail(f"left behind: {name}")
        check = subprocess.run([tessera, "inspect", os.path.join(out, name)],
                               capture_output=True, text=True)
        if check.returncode != 0 or "@deep(" not in check.stdout:
            fail(f"{name} is not a complete module: {check.stderr}")
    entries = json.load(open(report))["inputs"]
    statuses = {os.path.basename(e["input"]): e["status"] for e in entries}
    done = {n[:-4] + ".mlir" for n in files}
    for name, status in statuses.items():
        want = "succeeded" if name in done else "cancelled"
        if status != want:
            fail(f"{name}: {status}, expected {want}")
    # A hang guard, not a timing: one program compiles in about a second.
    if stopped_after > 10:
        fail(f"took {stopped_after:.1f} s to stop")
    print(f"interrupt OK: {len(files)} of {COUNT} compiled, the rest "
          f"cancelled; stopped {stopped_after:.2f} s after Ctrl-C")


main()
