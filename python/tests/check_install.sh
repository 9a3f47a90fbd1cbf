#!/usr/bin/env bash
# `cmake --install` into an empty prefix; the tessera package lands in the
# interpreter's site-packages layout under it, imports from there (the
# build tree on no path) and compiles and runs a program.
#
#   check_install.sh BUILD_DIR PYTHON PACKAGE_DIR WORK_DIR PROGRAM.mlir
set -euo pipefail
build="$1" python="$2" package_dir="$3" work="$4" program="$5"

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
site="$prefix/$package_dir"
for file in __init__.py runtime.py compiler.py errors.py _version.py \
            _runtime.pyi _compiler.pyi py.typed; do
  [ -f "$site/tessera/$file" ] || { echo "FAIL: tessera/$file was not installed" >&2; exit 1; }
done
ls "$site"/tessera/_runtime*.so "$site"/tessera/_compiler*.so

# With the default prefix the package is on the interpreter's own path.
"$python" - "$package_dir" <<'PY'
import sys, sysconfig
relative = sys.argv[1]
default = "/usr/local/" + relative if not relative.startswith("/") else relative
platlib = sysconfig.get_path("platlib")
if default.rstrip("/") != platlib.rstrip("/") or platlib not in sys.path:
    sys.exit(f"FAIL: installs into {default}, the interpreter's "
             f"site-packages are {platlib}")
print("default install directory:", default)
PY

cd "$work"
PYTHONPATH="$site" "$python" -I -c 'import sys; sys.path.insert(0, sys.argv[1])
import numpy as np, tessera
print("tessera", tessera.__version__, "from", tessera.__file__)
assert tessera.__file__.startswith(sys.argv[1]), tessera.__file__
module = tessera.runtime.Module.load(tessera.compiler.compile(sys.argv[2]))
x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(4, 16)
y = tessera.runtime.Session().call(module, module.functions[0].name, x)
print(module.functions[0], "->", y.shape, y.dtype)
' "$site" "$program"
echo "python-install: passed"
