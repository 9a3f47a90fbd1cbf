"""Compile programs in-process, through the CompileSession every Tessera
tool uses.

    module_bytes = tessera.compiler.compile("examples/mlp.mlir")
    ir = tessera.compiler.compile(source_text, compile_to="flow")
    result = tessera.compiler.compile(path, capture_passes=True)
    for record in result.passes: ...

A failure raises ``tessera.CompileError`` carrying the located diagnostics;
warnings become ``tessera.CompileWarning`` warnings.
"""

import os
from typing import Sequence, Union

import tessera._compiler as _compiler
from tessera._compiler import CompileResult, Diagnostic, PassRecord

__all__ = ["compile", "import_onnx", "CompileResult", "Diagnostic",
           "PassRecord", "target_backends", "phases"]

Source = Union[str, bytes, bytearray, memoryview, "os.PathLike[str]"]

_PROGRAM_SUFFIXES = (".mlir", ".mlirbc", ".onnx")


def _looks_like_path(text: str) -> bool:
    return ("\n" not in text and "{" not in text and
            (text.endswith(_PROGRAM_SUFFIXES) or os.sep in text))


def _program(source):
    """(bytes or None, path, name) of a source given as text, bytes or a
    path."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = bytes(source)
        # An ONNX model is a protobuf whose first field is its IR version
        # (tag 0x08); MLIR bytecode starts with "ML\xefR", text with text.
        if source[:1] == b"\x08" and not source.startswith(b"ML\xefR"):
            raise ValueError("these bytes look like an ONNX model, which "
                             "compile reads from its path (compile("
                             "'model.onnx'))")
        return source, "", "<source>"
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
        if not isinstance(source, str):
            raise TypeError("a program path must be a str path")
        if os.path.isdir(source):
            raise IsADirectoryError(21, "a directory, not a program", source)
        return None, source, source
    if not isinstance(source, str):
        raise TypeError("compile takes MLIR text, bytes, or a path, not " +
                        type(source).__name__)
    if os.path.isfile(source):
        return None, source, source
    if os.path.isdir(source):
        raise IsADirectoryError(21, "a directory, not a program (compile "
                                "takes one program; tessera compile DIR "
                                "compiles a directory)", source)
    if _looks_like_path(source):
        raise FileNotFoundError(2, "no such program file", source)
    return source.encode(), "", "<source>"


def compile(source: Source, *, targets: Sequence[str] = ("llvm-cpu",),
            triple: str = "host", cpu: str = "host",
            cpu_features: str = "host", opt_level: int = 2,
            compile_to: str = "loader", emit: Union[str, None] = None,
            capture_passes: bool = False, link_executables: bool = True,
            vulkan_device_type: str = "unknown"):
    """Compiles a program and returns what ``tessera compile --emit=`` writes.

    source: MLIR text, its bytes (text or bytecode), or a path (.mlir,
        .mlirbc, or an .onnx model, imported first).
    targets: "llvm-cpu", "vulkan-spirv" (see ``target_backends()``).
    compile_to: the last phase to run (see ``phases()``).
    emit: "module" (the default for compile_to="loader": a .tsm that
        ``tessera.runtime.Module.load`` takes), "mlir" (the default
        otherwise), or from compile_to="serialize" on "llvm-ir",
        "llvm-bc", "obj", "shared-lib" (one linked executable).

    Returns the output as bytes; with capture_passes=True a
    ``CompileResult`` whose ``output`` is those bytes and whose ``passes``
    are the pass records (name, anchor, IR before and after, changed).
    Raises ``tessera.CompileError`` with the diagnostics when it fails.
    """
    if isinstance(targets, str):
        targets = [targets]
    if not isinstance(opt_level, int) or isinstance(opt_level, bool):
        raise TypeError("opt_level must be an int")
    if not 0 <= opt_level <= 3:
        raise ValueError(f"opt_level must be 0-3, got {opt_level}")
    text, path, name = _program(source)
    result = _compiler.compile(
        text, path, name, list(targets), triple, cpu, cpu_features,
        opt_level, compile_to, emit, bool(capture_passes),
        bool(link_executables), vulkan_device_type)
    return result if capture_passes else result.output


def import_onnx(path: Union[str, "os.PathLike[str]"], *,
                bytecode: bool = False) -> bytes:
    """The program Tessera makes of an ONNX model: MLIR text (or bytecode),
    weights as resource blobs, as ``tessera import`` writes it."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(2, "no such model file", path)
    return _compiler.import_onnx(path, bool(bytecode))


def target_backends() -> list:
    """The targets ``compile`` knows."""
    return _compiler.target_backends()


def phases() -> list:
    """The pipeline's phases, in order (values of ``compile_to``)."""
    return _compiler.phases()


def _diagnostic(state):
    """Rebuilds a pickled Diagnostic (Diagnostic.__reduce__ names this)."""
    return _compiler._diagnostic_from_state(state)
