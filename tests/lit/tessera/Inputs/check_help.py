"""Fails when a --help text is longer than a screen or shows LLVM's options.

usage: check_help.py MAX_LINES FILE...
"""
import re
import sys

limit = int(sys.argv[1])
failed = False
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    llvm = [line for line in lines if re.search(r"--(amdgpu|aarch64-|arm-|bpf-|x86-)", line)]
    if len(lines) > limit or llvm or not lines:
        failed = True
        print(f"{path}: {len(lines)} lines (at most {limit}); LLVM's options: {llvm[:3]}")
sys.exit(1 if failed else 0)
