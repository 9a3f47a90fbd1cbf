"""A runtime-only build's package (no LLVM/MLIR): tessera.runtime opens
devices and checks modules; tessera.compiler is refused with the reason.
Not a pytest module (the full build's pytest run skips it)."""

import tessera

session = tessera.runtime.Session("cpu")
assert session.devices[0].startswith("cpu"), session.devices
try:
    tessera.runtime.Module.load(b"not a module")
    raise SystemExit("FAIL: a damaged module loaded")
except tessera.LoadError as error:
    print("LoadError:", error)
try:
    tessera.compiler
    raise SystemExit("FAIL: tessera.compiler imported without the compiler")
except ImportError as error:
    assert "built without its compiler" in str(error), error
    print("ImportError:", error)
print("tessera", tessera.__version__, "runtime only: passed")
