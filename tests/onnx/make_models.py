#!/usr/bin/python3
"""Generates the ONNX models of Tessera's ONNX importer tests and benchmarks.

    make_models.py --out DIR [--models a,b,...] [--list-ops] [--reference-check]

Every model is built from torch.nn / torchvision modules (weights=None: nothing
is downloaded) with seeded random weights, and exported with torch.onnx.export
(do_constant_folding=True). For each model NAME the script writes

    DIR/NAME.onnx           the model
    DIR/NAME.input.npy      a seeded input, batch 1 (float32 images,
                            int64 token ids for encoder/decoder)
    DIR/NAME.input.bN.npy   for the dynamic-batch models: batches 3 and 8

A model whose .onnx is newer than this script (and whose inputs exist) is not
exported again. NAME_bN (e.g. resnet50_b8) is NAME exported with batch N
(same weights), with its input in DIR/NAME_bN.input.npy: the benchmarks use it
for models exported with a static batch.

BatchNorm running statistics are calibrated (a few forward passes in train
mode over seeded random batches, cumulative averages) before export: with
torchvision's defaults (mean 0, var 1) the outputs of deep random networks
shrink to ~1e-10 and a relative comparison of them is meaningless. Every
exported model's output on its input is checked to be neither near zero nor
constant.

--list-ops prints each model's opset and its ONNX op types (sorted).
--reference-check runs each model's input through PyTorch and through ONNX
Runtime (ort_run.mjs, see install_ort.sh) and compares them with compare.py's
definition (rtol 1e-4): a check of the harness itself, and of the export.

The module is importable: build_model(name) returns the same seeded PyTorch
model (bench/models/run.py times it as the PyTorch eager reference).
"""
import argparse
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT_MTIME = os.path.getmtime(os.path.abspath(__file__))

# name: opset, input kind and shape (batch first), dynamic batch, what it is.
MODELS = {
    "squeezenet1_1": dict(opset=13, input=("image", (3, 224, 224)), dynamic=False),
    "mobilenet_v3_large": dict(opset=17, input=("image", (3, 224, 224)), dynamic=False),
    "efficientnet_b0": dict(opset=17, input=("image", (3, 224, 224)), dynamic=False),
    "resnet50": dict(opset=17, input=("image", (3, 224, 224)), dynamic=False),
    "encoder": dict(opset=17, input=("ids", (32,)), dynamic=False),
    "decoder": dict(opset=14, input=("ids", (32,)), dynamic=False),
    "mlp_dynamic": dict(opset=13, input=("image", (4, 8, 8)), dynamic=True),
    "convnet_dynamic": dict(opset=13, input=("image", (3, 32, 32)), dynamic=True),
    # The encoder and decoder with a symbolic batch: the exporter computes
    # their reshapes from Shape of it (shape arithmetic on a dynamic dim).
    "encoder_dynamic": dict(opset=17, input=("ids", (32,)), dynamic=True),
    "decoder_dynamic": dict(opset=14, input=("ids", (32,)), dynamic=True),
}
DYNAMIC_BATCHES = (1, 3, 8)
VOCAB = 1000
SEQ = 32


def seed_of(*parts):
    return zlib.crc32("/".join(str(p) for p in parts).encode()) & 0x7FFFFFFF


def parse_name(name):
    """'resnet50_b8' -> ('resnet50', 8); 'resnet50' -> ('resnet50', 1)."""
    if name in MODELS:
        return name, 1
    base, _, batch = name.rpartition("_b")
    if base in MODELS and batch.isdigit() and int(batch) >= 1:
        if MODELS[base]["dynamic"]:
            raise ValueError(f"{name}: {base} has a dynamic batch; its inputs for "
                             f"other batches are {base}.input.bN.npy")
        return base, int(batch)
    raise ValueError(f"unknown model {name!r} (models: {', '.join(MODELS)}; "
                     f"NAME_bN for a static model exported with batch N)")


def input_paths(out, name):
    """The input files of a model: [(batch, path)]."""
    base, batch = parse_name(name)
    if MODELS[base]["dynamic"]:
        return [(b, os.path.join(out, f"{name}.input.npy" if b == 1 else f"{name}.input.b{b}.npy"))
                for b in DYNAMIC_BATCHES]
    return [(batch, os.path.join(out, f"{name}.input.npy"))]


def make_input(name, batch):
    """The seeded input of model `name` (base name) for `batch`, as numpy."""
    import torch
    kind, shape = MODELS[name]["input"]
    generator = torch.Generator().manual_seed(seed_of(name, "input", batch))
    if kind == "ids":
        return torch.randint(0, VOCAB, (batch,) + shape, generator=generator,
                             dtype=torch.int64).numpy()
    return torch.randn((batch,) + shape, generator=generator).numpy().astype(np.float32)


# --- the models --------------------------------------------------------------

def _torch():
    import torch
    from torch import nn
    return torch, nn


def _encoder():
    torch, nn = _torch()

    class Encoder(nn.Module):
        """BERT-style: token + position embeddings, 2 post-norm encoder layers
        (GELU), a final LayerNorm."""

        def __init__(self, vocab=VOCAB, seq=SEQ, d=128, heads=4, ff=512, layers=2):
            super().__init__()
            self.tokens = nn.Embedding(vocab, d)
            self.positions = nn.Embedding(seq, d)
            self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0))
            self.layers = nn.ModuleList(
                nn.TransformerEncoderLayer(d_model=d, nhead=heads, dim_feedforward=ff,
                                           activation="gelu", batch_first=True,
                                           norm_first=False)
                for _ in range(layers))
            self.norm = nn.LayerNorm(d)

        def forward(self, ids):
            x = self.tokens(ids) + self.positions(self.position_ids)
            for layer in self.layers:
                x = layer(x)
            return self.norm(x)

    return Encoder()


def _decoder():
    torch, nn = _torch()
    import torch.nn.functional as F

    class CausalSelfAttention(nn.Module):
        def __init__(self, d, heads, seq):
            super().__init__()
            self.heads, self.head_dim, self.seq, self.d = heads, d // heads, seq, d
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)

        def forward(self, x, causal, masked):
            # Static shapes (-1 for the batch): no Shape/Gather chains.
            q, k, v = self.qkv(x).split(self.d, dim=-1)
            q = q.reshape(-1, self.seq, self.heads, self.head_dim).transpose(1, 2)
            k = k.reshape(-1, self.seq, self.heads, self.head_dim).transpose(1, 2)
            v = v.reshape(-1, self.seq, self.heads, self.head_dim).transpose(1, 2)
            scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / self.head_dim ** 0.5)
            scores = torch.where(causal, scores, masked)
            y = torch.matmul(F.softmax(scores, dim=-1), v)
            y = y.transpose(1, 2).reshape(-1, self.seq, self.d)
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self, d, heads, seq):
            super().__init__()
            self.ln1 = nn.LayerNorm(d)
            self.attn = CausalSelfAttention(d, heads, seq)
            self.ln2 = nn.LayerNorm(d)
            self.fc = nn.Linear(d, 4 * d)
            self.out = nn.Linear(4 * d, d)

        def forward(self, x, causal, masked):
            x = x + self.attn(self.ln1(x), causal, masked)
            return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class Decoder(nn.Module):
        """GPT-style: token embedding + learned positions, 2 pre-norm causal
        blocks (tanh GELU), final LayerNorm, tied-free LM head."""

        def __init__(self, vocab=VOCAB, seq=SEQ, d=128, heads=4, layers=2):
            super().__init__()
            self.tokens = nn.Embedding(vocab, d)
            self.positions = nn.Parameter(torch.randn(1, seq, d) * 0.1)
            self.blocks = nn.ModuleList(Block(d, heads, seq) for _ in range(layers))
            self.norm = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)
            # Buffers computed here: torch.triu/tril at export fail before
            # opset 14 and would add ops; one mask shared by the blocks.
            self.register_buffer("causal", torch.tril(torch.ones(seq, seq, dtype=torch.bool)))
            self.register_buffer("masked", torch.tensor(-1e9))

        def forward(self, ids):
            x = self.tokens(ids) + self.positions
            for block in self.blocks:
                x = block(x, self.causal, self.masked)
            return self.head(self.norm(x))

    return Decoder()


def _mlp_dynamic():
    _, nn = _torch()
    return nn.Sequential(nn.Flatten(), nn.Linear(4 * 8 * 8, 64), nn.ReLU(), nn.Linear(64, 10))


def _convnet_dynamic():
    _, nn = _torch()
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, stride=2, padding=1),          # 32 -> 16
        nn.BatchNorm2d(16),                                 # folded into the conv at export
        nn.ReLU(),
        nn.MaxPool2d(2),                                    # 16 -> 8
        nn.BatchNorm2d(16),                                 # not after a conv: stays a BatchNormalization
        nn.Conv2d(16, 16, 3, padding=1, groups=16),         # depthwise
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, groups=2),          # grouped
        nn.ReLU(),
        nn.AvgPool2d(2),                                    # 8 -> 4
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 10),
    )


def _torchvision(name):
    import torchvision
    return getattr(torchvision.models, name)(weights=None)


BUILDERS = {
    "squeezenet1_1": lambda: _torchvision("squeezenet1_1"),
    "mobilenet_v3_large": lambda: _torchvision("mobilenet_v3_large"),
    "efficientnet_b0": lambda: _torchvision("efficientnet_b0"),
    "resnet50": lambda: _torchvision("resnet50"),
    "encoder": _encoder,
    "decoder": _decoder,
    "mlp_dynamic": _mlp_dynamic,
    "convnet_dynamic": _convnet_dynamic,
    "encoder_dynamic": _encoder,
    "decoder_dynamic": _decoder,
}


def perturb_constant_parameters(model, name):
    """Adds seeded noise (0.1 * N(0, 1)) to every parameter whose elements are
    all equal: norm weights (1) and biases (0), zero-initialized attention
    biases. Such defaults test less (a bias of 0 hides a missing add), and
    torch's exporter deduplicates equal initializers into Identity nodes."""
    torch, _ = _torch()
    generator = torch.Generator().manual_seed(seed_of(name, "constant parameters"))
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            if p.is_floating_point() and p.numel() > 1 and bool((p == p.flatten()[0]).all()):
                p.add_(0.1 * torch.randn(p.shape, generator=generator))


def calibrate_batchnorm(model, name, steps=3, batch=8):
    """Sets every BatchNorm's running statistics to those of the activations
    of seeded random batches (cumulative averages over `steps` passes), with
    everything else in eval mode (no dropout, no stochastic depth)."""
    torch, nn = _torch()
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    generator = torch.Generator().manual_seed(seed_of(name, "calibration"))
    kind, shape = MODELS[name]["input"]
    assert kind == "image"
    with torch.no_grad():
        for _ in range(steps):
            model(torch.randn((batch,) + shape, generator=generator))
    for m in norms:
        m.eval()
        m.momentum = 0.1


def build_model(name):
    """The seeded PyTorch model `name` (base name), in eval mode: the same
    weights on every call."""
    torch, _ = _torch()
    torch.manual_seed(seed_of(name, "weights"))
    model = BUILDERS[name]()
    perturb_constant_parameters(model, name)
    model.eval()
    calibrate_batchnorm(model, name)
    model.eval()
    # Parameters keep requires_grad: nn.TransformerEncoderLayer takes its
    # fused fast path (aten::_transformer_encoder_layer_fwd, which has no ONNX
    # export) only when no parameter needs a gradient. The runs under
    # torch.no_grad() take it: PyTorch's own inference path.
    return model


def run_torch(model, array):
    torch, _ = _torch()
    with torch.no_grad():
        return model(torch.from_numpy(array)).numpy()


def check_output(name, output):
    """Fails on outputs that would make a relative comparison meaningless."""
    peak = float(np.abs(output).max())
    spread = float(output.std())
    if not np.all(np.isfinite(output)):
        raise RuntimeError(f"{name}: the output has NaN or infinite values")
    if peak < 1e-2 or spread < 1e-3 * max(peak, 1e-30):
        raise RuntimeError(f"{name}: output near zero or constant (max|y| {peak:.3g}, "
                           f"std {spread:.3g})")
    return peak, spread


# --- export --------------------------------------------------------------------

def op_summary(path):
    import onnx
    model = onnx.load(path, load_external_data=False)
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    ops = set()

    def walk(graph):
        for node in graph.node:
            ops.add(node.op_type if not node.domain or node.domain == "ai.onnx"
                    else f"{node.domain}.{node.op_type}")
            for attribute in node.attribute:
                if attribute.g.node:
                    walk(attribute.g)
                for g in attribute.graphs:
                    walk(g)

    walk(model.graph)
    inputs = [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
              for i in model.graph.input]
    outputs = [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim])
               for o in model.graph.output]
    return dict(opset=opsets.get("ai.onnx"), ir_version=model.ir_version, ops=sorted(ops),
                nodes=len(model.graph.node), inputs=inputs, outputs=outputs)


def is_cached(out, name):
    onnx_path = os.path.join(out, f"{name}.onnx")
    if not os.path.exists(onnx_path) or os.path.getmtime(onnx_path) <= SCRIPT_MTIME:
        return False
    return all(os.path.exists(p) for _, p in input_paths(out, name))


def export(out, name):
    """Exports model `name` (NAME or NAME_bN) into `out`; returns seconds taken."""
    torch, _ = _torch()
    import onnx
    start = time.monotonic()
    base, batch = parse_name(name)
    spec = MODELS[base]
    model = build_model(base)
    inputs = {b: make_input(base, b) for b, _ in input_paths(out, name)}
    example = torch.from_numpy(inputs[batch])
    # Deterministic export: same graph, same names, same bytes (restored
    # after: bench/models/run.py times PyTorch in this process).
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    dynamic_axes = {"input": {0: "batch"}, "output": {0: "batch"}} if spec["dynamic"] else None
    with tempfile.NamedTemporaryFile(dir=out, prefix=f".{name}.", suffix=".onnx",
                                     delete=False) as f:
        tmp = f.name
    try:
        torch.onnx.export(model, (example,), tmp, export_params=True,
                          opset_version=spec["opset"], do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes=dynamic_axes,
                          training=torch.onnx.TrainingMode.EVAL)
        onnx.checker.check_model(tmp, full_check=True)
        for b, path in input_paths(out, name):
            y = run_torch(model, inputs[b])
            check_output(f"{name} (batch {b})", y)
            tmp_input = path + ".tmp.npy"
            np.save(tmp_input, inputs[b])
            os.replace(tmp_input, path)
        os.replace(tmp, os.path.join(out, f"{name}.onnx"))
    finally:
        torch.use_deterministic_algorithms(deterministic)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return time.monotonic() - start


def make(out, name, quiet=False):
    """Makes model `name` unless cached; a lock per model keeps concurrent
    callers (parallel tests) from exporting it twice."""
    with open(os.path.join(out, f".{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_cached(out, name):
            return None
        seconds = export(out, name)
    if not quiet:
        summary = op_summary(os.path.join(out, f"{name}.onnx"))
        print(f"{name}: exported in {seconds:.1f} s (opset {summary['opset']}, "
              f"{summary['nodes']} nodes)", flush=True)
    return seconds


# --- the reference check --------------------------------------------------------

def ort_command(model_path, input_path, output_path, threads=None):
    command = ["node", os.path.join(HERE, "ort_run.mjs"), model_path,
               f"--input={input_path}", f"--output={output_path}"]
    if threads:
        command.append(f"--threads={threads}")
    return command


def reference_check(out, name, rtol):
    """PyTorch vs ONNX Runtime on each of the model's inputs."""
    sys.path.insert(0, HERE)
    from compare import compare
    base, _ = parse_name(name)
    model = build_model(base)
    ok = True
    for batch, input_path in input_paths(out, name):
        x = np.load(input_path)
        start = time.monotonic()
        expected = run_torch(model, x)
        torch_s = time.monotonic() - start
        ort_path = os.path.join(out, f"{name}.b{batch}.ort.npy")
        command = ort_command(os.path.join(out, f"{name}.onnx"), input_path, ort_path)
        start = time.monotonic()
        run = subprocess.run(command, capture_output=True, text=True)
        ort_s = time.monotonic() - start
        if run.returncode != 0:
            print(f"{name} batch {batch}: FAIL: {' '.join(command)} exited with "
                  f"{run.returncode}:\n{run.stderr.strip()}")
            ok = False
            continue
        actual = np.load(ort_path)
        good, line = compare(actual, expected, rtol)
        _, strict = compare(actual, expected, float("inf"), 1e-2)
        strict = strict.split("max rel error ")[1].split(" ")[0]
        print(f"{name} batch {batch}: ORT vs PyTorch: {line}: {'ok' if good else 'FAIL'} "
              f"(elementwise, floor 1%: {strict}; "
              f"max|y| {np.abs(expected).max():.3g}, torch {torch_s:.2f} s, "
              f"ORT process {ort_s:.2f} s)", flush=True)
        ok = ok and good
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--out", required=True, help="directory of the models")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated (default: {','.join(MODELS)}); NAME_bN: "
                             f"NAME with a static batch N")
    parser.add_argument("--list-ops", action="store_true",
                        help="print each model's opset and op types")
    parser.add_argument("--reference-check", action="store_true",
                        help="compare ONNX Runtime with PyTorch on each model's inputs")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--json", help="with --list-ops: also write the summaries to FILE")
    args = parser.parse_args(argv)
    names = [n for n in args.models.split(",") if n]
    try:
        for n in names:
            parse_name(n)
    except ValueError as error:
        parser.error(str(error))
    os.makedirs(args.out, exist_ok=True)
    failed = []
    summaries = {}
    for name in names:
        try:
            make(args.out, name)
        except Exception as error:  # noqa: BLE001 - report and go on
            print(f"make_models.py: error: {name}: {type(error).__name__}: {error}",
                  file=sys.stderr, flush=True)
            failed.append(name)
            continue
        if args.list_ops:
            s = op_summary(os.path.join(args.out, f"{name}.onnx"))
            summaries[name] = s
            print(f"{name}: opset {s['opset']}, IR {s['ir_version']}, {s['nodes']} nodes, "
                  f"inputs {s['inputs']}, outputs {s['outputs']}\n  ops: {' '.join(s['ops'])}",
                  flush=True)
        if args.reference_check and not reference_check(args.out, name, args.rtol):
            failed.append(name)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summaries, f, indent=1)
    if failed:
        print(f"make_models.py: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
