"""examples/python run as a user runs them, and the type stubs describe
what the extensions define."""

import ast
import inspect
import os
import pathlib
import subprocess
import sys

import pytest

import tessera
from conftest import EXAMPLES_DIR

PACKAGE = pathlib.Path(tessera.__file__).parent


def run_example(name, *arguments, cwd):
    # The package under test, wherever the example runs from.
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
    done = subprocess.run(
        [sys.executable, EXAMPLES_DIR / "python" / name, *map(str, arguments)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_mlp_example(tmp_path):
    output = run_example("mlp.py", cwd=tmp_path)
    assert "@predict(tensor<4x16xf32>) -> tensor<4x10xf32>" in output
    assert "largest difference from NumPy" in output


def test_profile_example(tmp_path):
    output = run_example("profile_model.py", EXAMPLES_DIR / "mlp.mlir",
                         "--repetitions", "3", "--plot", "p.png",
                         "--trace", "t.json", cwd=tmp_path)
    assert "3 calls on cpu?workers=2" in output
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "t.json").stat().st_size > 0


def stub_members(path):
    """Top-level functions and classes of a .pyi, with each class's
    members."""
    tree = ast.parse(path.read_text())
    members = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            members[node.name] = None
        elif isinstance(node, ast.ClassDef):
            members[node.name] = {item.name for item in node.body
                                  if isinstance(item, ast.FunctionDef)}
    return members


@pytest.mark.parametrize("name", ["_runtime", "_compiler"])
def test_stubs_match_the_extensions(name):
    extension = __import__(f"tessera.{name}", fromlist=["_"])
    stubs = stub_members(PACKAGE / f"{name}.pyi")
    defined = {member for member in dir(extension)
               if not member.startswith("__")}
    assert defined == set(stubs), "stubs and extension differ"
    for member, stubbed in stubs.items():
        if stubbed is None:
            continue
        cls = getattr(extension, member)
        public = {attribute for attribute, _ in inspect.getmembers(cls)
                  if not attribute.startswith("_")}
        stubbed = {attribute for attribute in stubbed
                   if not attribute.startswith("_")}
        assert public == stubbed, f"{member}: stubs and extension differ"
