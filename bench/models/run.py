#!/usr/bin/python3
"""ONNX models: Tessera against ONNX Runtime and PyTorch eager, in one run.

    bench/models/run.py [--models resnet50,...] [--batches 1,8] [--threads 1,2]
                        [--repetitions 10] [--warmup 3] [--rounds 3] [--max-rounds 8]
                        [--min-seconds 0.5]
                        [--bin-dir build/bin] [--work-dir DIR] [--skip-tessera]
                        [--append] [--json FILE]

For each model x batch x threads, median milliseconds per call of
  * Tessera:      tessera bench MODEL.onnx --input=@x.npy --task-workers=N
                  --repetitions=R --warmup=W --json=FILE   (call_us.median,
                  of calls timed without the profiler)
  * ONNX Runtime: tests/onnx/ort_run.mjs --threads=N (intra-op N, inter-op 1,
                  all graph optimizations; session creation not timed)
  * PyTorch:      eager, torch.set_num_threads(N), torch.no_grad(), the same
                  seeded model (tests/onnx/make_models.py build_model)
on the same input file. The three are interleaved: each configuration runs
--rounds rounds of Tessera, ONNX Runtime, PyTorch (the order rotating every
round), each round --warmup untimed calls then --repetitions timed ones (after
an engine's first round, as many more as --min-seconds of its calls take); the
reported figure is the median of the rounds' medians. Loading and compiling
are outside the timed calls in all three.

Around each engine's round of a cell of 2+ threads, before and after it,
`tessera-cpu-bench --core-latency` (when built) measures a cache line's round
trip between the first two CPUs: whether the two threads share an L3 cache at
that moment (about 60 ns on one AMD core complex, 350 ns across two; a virtual
machine's host may move its vCPUs between them while the run goes on, every
few seconds at times). A round whose two readings lie within 2x of the cell's
lowest reading ran near, one whose two readings both lie beyond ran far, any
other moved during the round. Tessera's and ONNX Runtime's figures for such a
cell are the medians of their rounds in one placement (near if both engines
have a round there, else far), with more rounds (up to --max-rounds) until
both have one; the table gives each engine's median reading in those rounds,
and marks a ratio with * when no such pair of rounds came (the medians of all
rounds then, not a like-for-like ratio).

Models exported with a static batch are exported again for batch N
(MODEL_bN.onnx, same weights); dynamic-batch models use their batch-N input.
Prints a Markdown table with ratios Tessera/ORT and Tessera/PyTorch;
--append adds it to bench/RESULTS.md with the date, the CPU (lscpu) and the
versions.
"""
import argparse
import datetime
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ONNX_DIR = os.path.join(ROOT, "tests", "onnx")
sys.path.insert(0, ONNX_DIR)
import make_models  # noqa: E402

DEFAULT_MODELS = "resnet50,mobilenet_v3_large,efficientnet_b0,encoder"
# The most timed calls per round --min-seconds asks for (a 0.2 ms encoder).
MAX_REPETITIONS = 2000


class BenchError(Exception):
    pass


def int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, not {text!r}")
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected integers >= 1, not {text!r}")
    return values


def run_process(command, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {shlex.join(command)}\n"
                         f"{(result.stderr or result.stdout).strip()[-3000:]}")
    return result


def model_files(work, model, batch):
    """(name to export, .onnx path, input path) of model at batch."""
    spec = make_models.MODELS[model]
    if spec["dynamic"]:
        inputs = dict(make_models.input_paths(work, model))
        if batch not in inputs:
            raise BenchError(f"{model} has inputs for batches {sorted(inputs)} only")
        return model, os.path.join(work, f"{model}.onnx"), inputs[batch]
    name = model if batch == 1 else f"{model}_b{batch}"
    return name, os.path.join(work, f"{name}.onnx"), os.path.join(work, f"{name}.input.npy")


class Tessera:
    label = "Tessera"

    def __init__(self, bin_dir):
        self.exe = os.path.join(bin_dir, "tessera")
        if not os.access(self.exe, os.X_OK):
            raise BenchError(f"{self.exe}: no such executable (--bin-dir, or --skip-tessera)")

    def median_ms(self, onnx_path, input_path, threads, repetitions, warmup, tmp):
        out = os.path.join(tmp, "tessera.json")
        command = [self.exe, "bench", onnx_path, f"--input=@{input_path}",
                   f"--task-workers={threads}", f"--repetitions={repetitions}",
                   f"--warmup={warmup}", f"--json={out}"]
        run_process(command, "tessera bench")
        with open(out) as f:
            report = json.load(f)
        try:
            return report["call_us"]["median"] / 1000.0
        except (KeyError, TypeError):
            raise BenchError(f"{out}: no call_us.median in tessera bench's JSON")

    def version(self):
        for flag in ("--version",):
            result = subprocess.run([self.exe, flag], capture_output=True, text=True)
            if result.returncode == 0 and result.stdout.strip():
                return result.stdout.strip().splitlines()[0]
        return "unknown"


class CoreLatency:
    """`tessera-cpu-bench --core-latency`: ns per round trip of a cache line
    between the first two CPUs; None when the tool is not built (no OpenBLAS)
    or fails."""

    def __init__(self, bin_dir):
        self.exe = os.path.join(bin_dir, "tessera-cpu-bench")

    def nanoseconds(self):
        if not os.access(self.exe, os.X_OK):
            return None
        result = subprocess.run([self.exe, "--core-latency"], capture_output=True, text=True)
        try:
            value = float(result.stdout.strip()) if result.returncode == 0 else None
        except ValueError:
            return None
        return None if value is None or math.isnan(value) else value


def round_placement(pair, low):
    """"near" when a round's two readings (before, after) lie within 2x of
    `low`, the cell's lowest reading; "far" when both lie beyond; None when
    the placement changed during the round or a reading is missing."""
    if not pair or None in pair or low is None:
        return None
    if max(pair) <= 2 * low:
        return "near"
    if min(pair) > 2 * low:
        return "far"
    return None


def like_for_like(latencies):
    """The placement ("near" first, then "far") in which Tessera and ONNX
    Runtime each ran at least one whole round, with those rounds' indices
    per engine; None when there is none. `latencies` maps an engine to its
    rounds' [before, after] readings."""
    engines = ("Tessera", "ONNX Runtime")
    readings = [ns for label in engines for pair in latencies.get(label, [])
                if pair for ns in pair if ns is not None]
    if not readings:
        return None
    low = min(readings)
    for placement in ("near", "far"):
        rounds = {label: [i for i, pair in enumerate(latencies.get(label, []))
                          if round_placement(pair, low) == placement]
                  for label in engines}
        if all(rounds.values()):
            return placement, rounds
    return None


class OnnxRuntime:
    label = "ONNX Runtime"

    def median_ms(self, onnx_path, input_path, threads, repetitions, warmup, tmp):
        out = os.path.join(tmp, "ort.json")
        command = ["node", os.path.join(ONNX_DIR, "ort_run.mjs"), onnx_path,
                   f"--input={input_path}", f"--threads={threads}",
                   f"--repetitions={repetitions}", f"--warmup={warmup}", f"--json={out}"]
        run_process(command, "ort_run.mjs")
        with open(out) as f:
            report = json.load(f)
        self.ort_version = report.get("version")
        return report["ms"]["median"]


class PyTorch:
    label = "PyTorch"

    def __init__(self):
        import torch
        self.torch = torch
        torch.set_num_interop_threads(1)
        self.models = {}

    def median_ms(self, model, input_path, threads, repetitions, warmup):
        torch = self.torch
        if model not in self.models:
            self.models[model] = make_models.build_model(model)
        net = self.models[model]
        x = torch.from_numpy(np.load(input_path))
        torch.set_num_threads(threads)
        times = []
        with torch.no_grad():
            for _ in range(warmup):
                net(x)
            for _ in range(repetitions):
                start = time.perf_counter()
                net(x)
                times.append((time.perf_counter() - start) * 1000.0)
        return statistics.median(times)


def cpu_model():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt(value, digits=None):
    """Milliseconds with 3-4 significant digits, ratios with 2 decimals."""
    if value is None:
        return "—"
    if digits is None:
        digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 1 else 3
    return f"{value:.{digits}f}"


def timed_repetitions(args, earlier_ms):
    """--repetitions, or more once an earlier round of the engine shows that
    they would take less than --min-seconds: a 3 ms call timed 10 times is a
    30 ms sample, which one preemption on a shared host skews."""
    if not earlier_ms or args.min_seconds <= 0:
        return args.repetitions
    wanted = math.ceil(args.min_seconds * 1000.0 / max(earlier_ms[-1], 1e-3))
    return max(args.repetitions, min(wanted, MAX_REPETITIONS))


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def format_table(rows):
    """The Markdown table of `rows` (main's measurements): a two-thread ratio
    marked * where Tessera and ONNX Runtime have no rounds in one placement
    (row["placement"] None though both have readings), with a footnote
    counting them."""
    lines = ["| model | batch | threads | Tessera ms | ONNX Runtime ms | PyTorch ms | "
             "Tessera/ORT | Tessera/PyTorch | ORT/PyTorch | core ns Tessera / ORT |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    marked = 0
    for row in rows:
        for label in row["failed"]:
            row[label] = None
        cell = lambda label: "fail" if label in row["failed"] else fmt(row[label])  # noqa: E731
        latencies = row.get("core_latency_ns", {})
        compared = row.get("compared_rounds") or {}

        def reading(label):
            pairs = latencies.get(label) or []
            chosen = [pairs[i] for i in compared[label]] if label in compared else pairs
            values = [ns for pair in chosen if pair for ns in pair if ns is not None]
            return fmt(statistics.median(values), 0) if values else "-"

        core = " / ".join(reading(k) for k in ("Tessera", "ONNX Runtime"))
        both_read = all(latencies.get(k) for k in ("Tessera", "ONNX Runtime"))
        mark = "*" if both_read and not row.get("placement") else ""
        marked += bool(mark)
        lines.append(
            f"| {row['model']} | {row['batch']} | {row['threads']} | {cell('Tessera')} | "
            f"{cell('ONNX Runtime')} | {cell('PyTorch')} | "
            f"{fmt(ratio(row['Tessera'], row['ONNX Runtime']), 2)}{mark} | "
            f"{fmt(ratio(row['Tessera'], row['PyTorch']), 2)} | "
            f"{fmt(ratio(row['ONNX Runtime'], row['PyTorch']), 2)} | "
            f"{core if row['threads'] >= 2 else ''} |")
    if marked:
        lines += ["", f"\\* {marked} cell(s): no round of Tessera and one of ONNX Runtime "
                  "ran with the two CPUs in one placement (the host moved its threads "
                  "between core complexes, see the core ns column): not a like-for-like "
                  "ratio."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--models", default=DEFAULT_MODELS)
    parser.add_argument("--batches", type=int_list, default=[1, 8])
    parser.add_argument("--threads", type=int_list, default=[1, 2])
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds per configuration (default 3)")
    parser.add_argument("--max-rounds", type=int, default=8,
                        help="rounds of a 2+ thread configuration at most, until "
                             "Tessera and ONNX Runtime share a placement (default 8)")
    parser.add_argument("--min-seconds", type=float, default=0.5,
                        help="after its first round, an engine times at least this many "
                             "seconds of calls per round (default 0.5)")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--work-dir", default=os.path.join(ROOT, "build", "bench-models"),
                        help="exported models (cached; default build/bench-models)")
    parser.add_argument("--skip-tessera", action="store_true",
                        help="ONNX Runtime and PyTorch only")
    parser.add_argument("--append", action="store_true",
                        help="append the table to bench/RESULTS.md")
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--json", help="also write the measurements to FILE")
    args = parser.parse_args(argv)
    models = [m for m in args.models.split(",") if m]
    for m in models:
        if m not in make_models.MODELS:
            parser.error(f"unknown model {m!r} (models: {', '.join(make_models.MODELS)})")
    if (args.repetitions < 1 or args.warmup < 0 or args.rounds < 1 or args.min_seconds < 0
            or args.max_rounds < args.rounds):
        parser.error("--repetitions and --rounds must be >= 1, --max-rounds >= --rounds, "
                     "--warmup and --min-seconds >= 0")

    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        print(f"run.py: warning: load average {load_before:.2f}: other processes share "
              f"the CPUs, timings (the multi-threaded ones most) will be noisy",
              file=sys.stderr, flush=True)
    try:
        tessera = None if args.skip_tessera else Tessera(args.bin_dir)
        subprocess.run([os.path.join(ONNX_DIR, "install_ort.sh")], check=True,
                       stdout=subprocess.DEVNULL)
        ort = OnnxRuntime()
        torch_runner = PyTorch()
        probe = CoreLatency(args.bin_dir)
        os.makedirs(args.work_dir, exist_ok=True)
        rows = []
        failures = 0
        with tempfile.TemporaryDirectory(prefix="tessera-bench-models-") as tmp:
            for model in models:
                for batch in args.batches:
                    name, onnx_path, input_path = model_files(args.work_dir, model, batch)
                    seconds = make_models.make(args.work_dir, name, quiet=True)
                    if seconds is not None:
                        print(f"exported {name} in {seconds:.1f} s", file=sys.stderr, flush=True)
                    for threads in args.threads:
                        runs = {"Tessera": [], "ONNX Runtime": [], "PyTorch": []}
                        latencies = {"Tessera": [], "ONNX Runtime": [], "PyTorch": []}
                        engines = [("Tessera", tessera), ("ONNX Runtime", ort),
                                   ("PyTorch", torch_runner)]
                        failed = {}
                        r = 0
                        while r < args.rounds or (
                                threads >= 2 and r < args.max_rounds and
                                latencies["Tessera"] and latencies["ONNX Runtime"] and
                                like_for_like(latencies) is None):
                            order = engines[r % 3:] + engines[:r % 3]
                            r += 1
                            for label, engine in order:
                                if engine is None or label in failed:
                                    continue
                                repetitions = timed_repetitions(args, runs[label])
                                before = probe.nanoseconds() if threads >= 2 else None
                                try:
                                    if engine is torch_runner:
                                        ms = engine.median_ms(model, input_path, threads,
                                                              repetitions, args.warmup)
                                    else:
                                        ms = engine.median_ms(onnx_path, input_path, threads,
                                                              repetitions, args.warmup, tmp)
                                except BenchError as error:
                                    # One failure (a model Tessera cannot import yet)
                                    # leaves the rest of the table.
                                    print(f"run.py: error: {model} batch {batch} threads "
                                          f"{threads}: {error}", file=sys.stderr, flush=True)
                                    failed[label] = str(error)
                                    continue
                                runs[label].append(ms)
                                if before is not None:
                                    latencies[label].append([before, probe.nanoseconds()])
                        compared = like_for_like(latencies) if threads >= 2 else None
                        chosen = compared[1] if compared else {}

                        def figure(label):
                            values = runs[label]
                            if label in chosen and len(values) == len(latencies[label]):
                                values = [values[i] for i in chosen[label]]
                            return statistics.median(values) if values else None

                        row = dict(model=model, batch=batch, threads=threads,
                                   **{k: (figure(k) if k not in failed else None)
                                      for k in runs},
                                   rounds={k: v for k, v in runs.items() if v},
                                   core_latency_ns={k: v for k, v in latencies.items() if v},
                                   placement=compared[0] if compared else None,
                                   compared_rounds=chosen,
                                   failed=failed)
                        failures += len(failed)
                        rows.append(row)
                        print(f"{model} batch {batch} threads {threads}: " +
                              ", ".join(f"{k} {fmt(row[k])} ms" for k in runs),
                              file=sys.stderr, flush=True)
    except BenchError as error:
        print(f"run.py: error: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"run.py: error: {error}", file=sys.stderr)
        return 1

    table = format_table(rows)
    print(table)

    import torch
    node_version = subprocess.run(["node", "--version"], capture_output=True,
                                  text=True).stdout.strip()
    versions = ", ".join([
        tessera.version() if tessera else "tessera (skipped)",
        f"onnxruntime-node {getattr(ort, 'ort_version', None) or '?'} (Node {node_version})",
        f"torch {torch.__version__}",
    ])
    load = os.getloadavg()
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = (f"{cpu_model()}, {os.cpu_count()} cores, load average "
               f"{load_before:.2f} before / {load[0]:.2f} after")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(date=when, machine=machine, versions=versions, rows=rows), f, indent=1)
    if args.append:
        command = "bench/models/run.py " + shlex.join(argv if argv is not None else sys.argv[1:])
        with open(args.results, "a") as f:
            f.write(f"\n## ONNX models: Tessera vs ONNX Runtime vs PyTorch eager "
                    f"(`bench/models/run.py`)\n\n"
                    f"{when}, {machine}; {versions}. `{command.strip()}`: median ms per "
                    f"call over {args.rounds} (two threads: up to {args.max_rounds}, those "
                    f"in one placement) interleaved round(s) of {args.repetitions} "
                    f"calls after {args.warmup} warm-up calls; seeded random weights "
                    f"(tests/onnx/make_models.py); ratios below 1 favour Tessera.\n\n"
                    f"{table}\n")
        print(f"appended to {args.results}", file=sys.stderr)
    if failures:
        print(f"run.py: {failures} measurement(s) failed (marked fail)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
