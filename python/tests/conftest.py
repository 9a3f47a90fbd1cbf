"""Shared fixtures: where the project's programs are, the backends every
program runs on, and compiled modules (each program compiled once per
target)."""

import functools
import os
import pathlib

import numpy as np
import pytest

import tessera

SOURCE_DIR = pathlib.Path(
    os.environ.get("TESSERA_SOURCE_DIR",
                   pathlib.Path(__file__).resolve().parents[2]))
PROGRAMS_DIR = SOURCE_DIR / "tests" / "e2e" / "programs"
EXAMPLES_DIR = SOURCE_DIR / "examples"
BIN_DIR = pathlib.Path(os.environ.get("TESSERA_BIN_DIR",
                                      SOURCE_DIR / "build" / "bin"))

# name: (target, device). The CPU inline and over 3 task workers, and the
# first Vulkan device (lavapipe on a machine without a GPU).
BACKENDS = {
    "cpu": ("llvm-cpu", "cpu"),
    "cpu_threaded": ("llvm-cpu", "cpu?workers=3"),
    "vulkan": ("vulkan-spirv", "vulkan"),
}


class Backend:
    def __init__(self, name, target, session):
        self.name = name
        self.target = target
        self.session = session

    def compile(self, source, name="<source>"):
        return compile_module(source, self.target, name)

    def call(self, module, function, *args):
        return self.session.call(module, function, *args)


@functools.lru_cache(maxsize=None)
def _compiled(source, target):
    return tessera.compiler.compile(source, targets=[target])


def compile_module(source, target="llvm-cpu", name="<source>"):
    """A loaded module of `source` (text or a path) for `target`."""
    return tessera.runtime.Module.load(_compiled(str(source), target),
                                       name=name)


@functools.lru_cache(maxsize=None)
def _session(device):
    return tessera.runtime.Session(device)


@pytest.fixture(params=list(BACKENDS))
def backend(request):
    target, device = BACKENDS[request.param]
    try:
        session = _session(device)
    except tessera.DeviceError as error:
        pytest.skip(f"no Vulkan device: {error}")
    return Backend(request.param, target, session)


def program(name):
    return (PROGRAMS_DIR / name).read_text()


def random(shape, seed, scale=1.0):
    """Uniform in [-scale, scale), float32."""
    generator = np.random.default_rng(seed)
    return (generator.uniform(-1, 1, size=shape) * scale).astype(np.float32)


def assert_close(actual, reference, tolerance=1e-4):
    """Each element within tolerance * max(1, |reference|), the e2e tests'
    rule."""
    reference = np.asarray(reference, dtype=np.float64)
    assert actual.shape == reference.shape
    assert actual.dtype == np.float32
    error = np.abs(actual.astype(np.float64) - reference)
    bound = tolerance * np.maximum(1.0, np.abs(reference))
    bad = np.argwhere(~(error <= bound))
    assert bad.size == 0, (
        f"{len(bad)} elements differ; first at {tuple(bad[0])}: got "
        f"{actual[tuple(bad[0])]}, expected {reference[tuple(bad[0])]}")
