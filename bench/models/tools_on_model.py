#!/usr/bin/env python3
"""How the tools hold up on one imported model: import, compile with pass
capture (the explorer's path), the explorer from launch to its first shown
window, and tessera-lsp on the imported text (open -> diagnostics, hover).

    bench/models/tools_on_model.py MODEL.onnx [--bin-dir build/bin]
                                   [--work-dir DIR] [--append]

Prints a Markdown table of wall times and peak RSS (each tool's own, from
/usr/bin/time or /proc); --append adds it to bench/RESULTS.md.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(cmd, env=None):
    """(wall seconds, peak RSS in MiB) of `cmd`, which must succeed."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        full = ["/usr/bin/time", "-o", out.name, "-f", "%e %M"] + cmd
        result = subprocess.run(full, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            sys.exit(f"tools_on_model.py: {' '.join(cmd)} failed:\n"
                     f"{result.stderr[-2000:]}")
        wall, rss_kb = out.read().split()[-2:]
        return float(wall), int(rss_kb) / 1024


class LspClient:
    """JSON-RPC over the server's stdin/stdout."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method,
                   "params": params})
        return rid

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def read(self):
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("tools_on_model.py: tessera-lsp closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def wait(self, predicate, timeout=600):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            message = self.read()
            if "id" in message and "method" in message:  # a server request
                self.send({"jsonrpc": "2.0", "id": message["id"],
                           "result": None})
                continue
            if predicate(message):
                return message
        sys.exit("tools_on_model.py: no answer from tessera-lsp in time")

    def peak_rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        rid = self.request("shutdown", None)
        self.wait(lambda m: m.get("id") == rid)
        self.notify("exit", None)
        self.proc.wait(timeout=60)


def lsp_on(server, path):
    """Open -> first diagnostics (parse/verify), open -> pipeline diagnostics
    (the whole compile), a hover on the first convolution."""
    client = LspClient([server])
    rid = client.request("initialize", {"processId": os.getpid(),
                                        "rootUri": None, "capabilities": {}})
    client.wait(lambda m: m.get("id") == rid)
    client.notify("initialized", {})
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + os.path.abspath(path)
    start = time.monotonic()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "mlir", "version": 1, "text": text}})
    publishes = []

    def published(message):
        if message.get("method") == "textDocument/publishDiagnostics":
            publishes.append(time.monotonic() - start)
            return len(publishes) >= 2
        return False
    # The fast path publishes first; the pipeline's diagnostics follow.
    try:
        client.wait(published, timeout=300)
    except SystemExit:
        pass
    first = publishes[0] if publishes else float("nan")
    full = publishes[1] if len(publishes) > 1 else float("nan")
    line = next(i for i, l in enumerate(text.split("\n"))
                if "linalg.conv_2d" in l)
    column = text.split("\n")[line].index("linalg.conv_2d") + 2
    hover_start = time.monotonic()
    rid = client.request("textDocument/hover", {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": column}})
    client.wait(lambda m: m.get("id") == rid)
    hover_ms = (time.monotonic() - hover_start) * 1000
    rss = client.peak_rss_mib()
    client.close()
    return first, full, hover_ms, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    work = args.work_dir or tempfile.mkdtemp(prefix="tools-on-model-")
    os.makedirs(work, exist_ok=True)
    name = os.path.splitext(os.path.basename(args.model))[0]
    tessera = os.path.join(args.bin_dir, "tessera")
    rows = []

    mlir = os.path.join(work, name + ".mlir")
    wall, rss = timed([tessera, "import", args.model, "-o", mlir])
    rows.append(("tessera import (text, %d MB)" %
                 (os.path.getsize(mlir) // 2**20), wall, rss))
    wall, rss = timed([tessera, "compile", args.model, "-o",
                       os.path.join(work, name + ".tsm")])
    rows.append(("tessera compile", wall, rss))
    wall, rss = timed([tessera, "compile", args.model, "--print-ir-after-all",
                       "-o", os.path.join(work, name + "-capture.tsm")])
    rows.append(("tessera compile --print-ir-after-all (pass capture)",
                 wall, rss))
    explorer = os.path.join(args.bin_dir, "tessera-explorer")
    if os.path.exists(explorer):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        wall, rss = timed([explorer, args.model, "--screenshot",
                           os.path.join(work, name + ".png")], env=env)
        rows.append(("tessera-explorer: launch to shown window, every pass "
                     "captured", wall, rss))
    server = os.path.join(args.bin_dir, "tessera-lsp")
    if os.path.exists(server):
        first, full, hover_ms, rss = lsp_on(server, mlir)
        rows.append(("tessera-lsp: open the imported text -> first "
                     "diagnostics", first, rss))
        rows.append(("tessera-lsp: open -> pipeline diagnostics (whole "
                     "compile)", full, rss))
        rows.append(("tessera-lsp: hover on a convolution",
                     hover_ms / 1000, rss))

    cpu = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    table = [f"### The tools on {name}.onnx "
             f"({os.path.getsize(args.model) // 2**20} MB), "
             f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores", "",
             "| step | wall s | peak RSS MiB |", "|---|---|---|"]
    for what, wall, rss in rows:
        table.append(f"| {what} | {wall:.2f} | {rss:.0f} |")
    text = "\n".join(table) + "\n"
    print(text)
    if args.append:
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), "a") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
