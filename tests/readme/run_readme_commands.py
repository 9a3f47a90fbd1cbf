#!/usr/bin/env python3
"""Runs every command of the README's ```sh blocks as written.

The commands run with bash, in README order, in one temporary directory laid
out like a fresh clone after the quick start's set-up: a copy of the
repository's tracked files and `build` linking to the real build directory.
Their outputs land there, never in the source tree. A command fails the test
when it exits non-zero or runs past the timeout; the message names the README
line and shows the command's output. A few commands cannot run here; they are
listed in EXCLUDED, each with the reason, and printed.

Usage: run_readme_commands.py --source-dir DIR --build-dir DIR
           [--readme README.md] [--timeout 300] [--keep] [--list]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# Commands (as the README writes them, joined and without their comment)
# that this test does not run, and why. Everything else must run.
EXCLUDED = {
    # The quick start itself: installs packages, builds and runs every test
    # (this test among them); scripts/check-fresh-machine.sh runs it.
    "./scripts/demo.sh": "the quick start (installs, builds); see scripts/check-fresh-machine.sh",
    "./scripts/test.sh": "the quick start (installs, builds, runs this test)",
    # A second, sanitized build of everything: an hour, not a test's minutes.
    "./scripts/asan.sh": "a second full build (ASan + UBSan)",
    "./scripts/asan.sh lsp": "a second build (ASan + UBSan) of tessera-lsp",
    # A second build: scripts/check-runtime-only.sh (scripts/test.sh) builds
    # the runtime alone and runs its tests.
    "cmake -G Ninja -S . -B build-runtime -DTESSERA_BUILD_COMPILER=OFF":
        "a second build; scripts/check-runtime-only.sh (run by scripts/test.sh) builds the runtime alone",
    "cmake --build build-runtime": "see the configure above",
    # Interactive programs.
    "build/bin/tessera-lsp": "a language server: speaks LSP on stdin/stdout until its editor quits",
    "build/bin/tessera-explorer examples/mlp.mlir": "opens a window (needs a display)",
    # The VS Code extension: npm ci needs the npm registry; scripts/test.sh
    # runs the same npm ci, compile and vsce package (npm test).
    "(cd vscode_extension && npm ci && npm run package)":
        "needs the npm registry; scripts/test.sh builds and packages the extension",
    "code --install-extension vscode_extension/tessera-mlir.vsix": "needs VS Code",
}


def readme_commands(path):
    """Yields (line number, command) for each command of the ```sh blocks."""
    with open(path, encoding="utf-8") as readme:
        lines = readme.read().split("\n")
    in_block = False
    command, start = "", 0
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_block = line.strip() == "```sh" if not in_block else False
            continue
        if not in_block:
            continue
        if not command:
            start = number
        if line.endswith("\\"):  # continued on the next line
            command += line[:-1].strip() + " "
            continue
        command = strip_comment(command + line.strip()).strip()
        if command:
            yield start, command
        command = ""


def strip_comment(line):
    """The line without a trailing `# comment` (a # outside quotes that
    starts a word, as bash reads it)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def source_files(source):
    """The repository's files: those git tracks, or in an unpacked archive
    everything but build directories."""
    listing = subprocess.run(["git", "-C", source, "ls-files", "-z"],
                             capture_output=True)
    if listing.returncode == 0:
        return [name for name in listing.stdout.decode().split("\0")
                if name and os.path.lexists(os.path.join(source, name))]
    files = []
    for folder, subfolders, names in os.walk(source):
        top = folder == source
        subfolders[:] = [name for name in subfolders if name != "node_modules" and not (
            top and (name in (".git", "build") or name.startswith("build-")))]
        files += [os.path.relpath(os.path.join(folder, name), source) for name in names]
    return files


def fresh_clone(source, build, into):
    """Copies the repository's files into `into` (a checkout after
    `git clone`) and links `build` to the real build directory."""
    for name in source_files(source):
        target = os.path.join(into, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(source, name), target, follow_symlinks=False)
    os.symlink(os.path.abspath(build), os.path.join(into, "build"))


def run(command, cwd, timeout):
    """Runs one command with bash; returns (exit code or None on timeout,
    output, seconds)."""
    started = time.monotonic()
    # A process group of its own, so a timeout ends the command's children.
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        code = None
    return code, output.decode(errors="replace"), time.monotonic() - started


def run_one(line, command, name, work, timeout):
    """Runs one README command and says how it went; True when it passed."""
    code, output, seconds = run(command, work, timeout)
    if code == 0:
        print(f"ok    {seconds:6.1f}s  {name}:{line}: {command}", flush=True)
        return True
    why = f"timed out after {timeout:g} s" if code is None else f"exit {code}"
    print(f"FAIL  {seconds:6.1f}s  {name}:{line}: {command}\n"
          f"      ({why}; its output follows)", flush=True)
    lines = output.rstrip().split("\n") if output.strip() else ["(no output)"]
    if len(lines) > 200:
        lines = [f"[{len(lines) - 200} lines left out]"] + lines[-200:]
    print("\n".join("      | " + line for line in lines), flush=True)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--readme", help="default: SOURCE/README.md")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per command")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--list", action="store_true", help="list the commands, run nothing")
    args = parser.parse_args()
    readme = args.readme or os.path.join(args.source_dir, "README.md")
    commands = list(readme_commands(readme))
    name = os.path.basename(readme)
    if not commands:
        sys.exit(f"{readme}: no ```sh blocks")

    excluded = [(line, command) for line, command in commands if command in EXCLUDED]
    to_run = [(line, command) for line, command in commands if command not in EXCLUDED]
    print(f"{readme}: {len(commands)} commands, {len(excluded)} not run here:")
    for line, command in excluded:
        print(f"  {name}:{line}: {command}\n      ({EXCLUDED[command]})")
    stale = set(EXCLUDED) - {command for _, command in commands}
    if stale:
        # An exclusion that matches nothing hides nothing, but says the
        # README changed: keep the list honest.
        sys.exit("EXCLUDED names commands the README no longer has: " + ", ".join(sorted(stale)))
    if args.list:
        for line, command in to_run:
            print(f"{name}:{line}: {command}")
        return

    work = tempfile.mkdtemp(prefix="tessera-readme-")
    try:
        fresh_clone(args.source_dir, args.build_dir, work)
        print(f"Running {len(to_run)} commands in {work}")
        failures = sum(not run_one(line, command, name, work, args.timeout)
                       for line, command in to_run)
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work)
    if failures:
        sys.exit(f"{failures} of {len(to_run)} README commands failed")
    print(f"All {len(to_run)} README commands ran.")


if __name__ == "__main__":
    main()
