"""Tessera from Python: compile programs, load modules, call them on NumPy
arrays.

    import numpy as np
    import tessera

    module = tessera.runtime.Module.load(
        tessera.compiler.compile("examples/mlp.mlir"))
    session = tessera.runtime.Session("cpu")
    y = session.call(module, "predict", np.ones((4, 16), np.float32))

``tessera.runtime`` needs only the runtime; ``tessera.compiler`` is present
where Tessera was built with its compiler.
"""

from tessera._version import __version__
from tessera.errors import (CallError, CompileError, CompileWarning,
                            DeviceError, Error, LoadError)
from tessera import runtime


def __getattr__(name):
    # The compiler (libLLVM, libMLIR) loads on first use, so that a program
    # that only runs modules does not pay for it.
    if name == "compiler":
        import importlib
        try:
            return importlib.import_module("tessera.compiler")
        except ModuleNotFoundError as error:
            if error.name != "tessera._compiler":
                raise
            raise ImportError(
                "this tessera was built without its compiler "
                "(TESSERA_BUILD_COMPILER=OFF): only tessera.runtime is "
                "available") from error
    raise AttributeError(f"module 'tessera' has no attribute '{name}'")


__all__ = ["__version__", "runtime", "compiler", "Error", "CompileError",
           "CompileWarning", "LoadError", "DeviceError", "CallError"]
