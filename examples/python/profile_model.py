#!/usr/bin/env python3
"""Profile a model's dispatches and plot where the time goes.

Compiles a program (default: ResNet-50 from ../shared/models, an .mlir or
an .onnx model), calls its first function on seeded random inputs a few
times with every dispatch recorded, prints the dispatch table, writes the
Chrome trace, and plots each dispatch's median time with matplotlib.

    PYTHONPATH=build/python python3 examples/python/profile_model.py \\
        [MODEL] [--device cpu?workers=2] [--plot dispatches.png] \\
        [--trace trace.json] [--repetitions 10]
"""

import argparse
import pathlib
import statistics
import time

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import tessera  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_MODEL = ROOT.parent / "shared" / "models" / "resnet50-linalg.mlir"


def random_inputs(function, seed=0):
    generator = np.random.default_rng(seed)
    inputs = []
    for argument in function.inputs:
        shape = [1 if d is None else d for d in argument.shape]
        values = generator.standard_normal(shape)
        inputs.append(values.astype(argument.dtype))
    return inputs


def per_dispatch_times(profile):
    """Export name -> the median of its per-call total time (us), in the
    order the dispatches first ran."""
    totals = {}
    for call in profile.calls:
        per_call = {}
        for dispatch in call.dispatches:
            per_call[dispatch.export_name] = (
                per_call.get(dispatch.export_name, 0) + dispatch.duration_us)
        for name, us in per_call.items():
            totals.setdefault(name, []).append(us)
    return {name: statistics.median(us) for name, us in totals.items()}


def plot(times, title, path):
    names = list(times)
    milliseconds = max(times.values()) >= 1000
    values = [times[name] / (1000 if milliseconds else 1) for name in names]
    kinds = [name.split("_dispatch_")[-1].split("_")[1] if "_dispatch_" in name
             else name for name in names]
    palette = {}
    colors = [palette.setdefault(kind, f"C{len(palette) % 10}")
              for kind in kinds]
    figure, axes = plt.subplots(figsize=(14, 5), dpi=100)
    axes.bar(range(len(values)), values, color=colors, width=0.85)
    axes.set_xlabel("dispatch, in the order it runs")
    axes.set_ylabel("median time per call (%s)" %
                    ("ms" if milliseconds else "us"))
    axes.set_title(title)
    axes.set_xlim(-1, len(values))
    handles = [plt.Rectangle((0, 0), 1, 1, color=color)
               for color in palette.values()]
    axes.legend(handles, list(palette), title="kind", ncol=len(palette),
                fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    for index in sorted(range(len(values)), key=lambda i: -values[i])[:3]:
        axes.annotate(names[index].split("_dispatch_")[-1][:40],
                      (index, values[index]), fontsize=7, rotation=20,
                      xytext=(4, 2), textcoords="offset points")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(DEFAULT_MODEL))
    parser.add_argument("--device", default="cpu?workers=2")
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--plot", default="dispatches.png")
    parser.add_argument("--trace", default="trace.json")
    args = parser.parse_args()

    start = time.perf_counter()
    module = tessera.runtime.Module.load(
        tessera.compiler.compile(args.model),
        name=pathlib.Path(args.model).name)
    print(f"compiled {args.model} in {time.perf_counter() - start:.1f} s")
    function = module.functions[0]
    print(function)

    session = tessera.runtime.Session(args.device)
    inputs = random_inputs(function)
    session.call(module, function.name, *inputs)  # loaded and warm
    profile = session.profile(module, function.name, *inputs,
                              repetitions=args.repetitions)
    stats = profile.statistics()
    print(f"{len(profile.calls)} calls on {args.device}: median "
          f"{stats['median_us'] / 1000:.2f} ms, "
          f"{len(profile.calls[0].dispatches)} dispatches per call")
    print(f"{'dispatch':60} {'count':>5} {'mean us':>9} {'share':>6}")
    for row in profile.dispatch_table()[:10]:
        print(f"{row.export_name[:60]:60} {row.count:5} {row.mean_us:9.1f} "
              f"{row.share:6.1%}")

    profile.save_chrome_trace(args.trace)
    times = per_dispatch_times(profile)
    plot(times, f"{pathlib.Path(args.model).name} on {args.device}: "
         f"{len(times)} dispatches, median call "
         f"{stats['median_us'] / 1000:.1f} ms", args.plot)
    print(f"wrote {args.plot} and {args.trace} (open it in Perfetto)")


if __name__ == "__main__":
    main()
