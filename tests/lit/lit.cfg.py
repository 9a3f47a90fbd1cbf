import os
import sys
import lit.formats

config.name = "Tessera"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessera_obj_root)

config.environment["PATH"] = os.pathsep.join(
    [config.tessera_tools_dir, config.llvm_tools_dir,
     config.environment.get("PATH", os.environ.get("PATH", ""))])
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%tessera", os.path.join(config.tessera_tools_dir, "tessera")))
config.substitutions.append(("%examples", os.path.join(config.tessera_src_root, "examples")))
config.substitutions.append(("%models", os.path.join(os.path.dirname(config.tessera_src_root), "shared", "models")))

# The tools a build can leave out (TESSERA_BUILD_LSP, TESSERA_BUILD_EXPLORER):
# tests running them are UNSUPPORTED without them.
def cmake_on(value):
    return value.upper() in ("1", "ON", "YES", "TRUE", "Y")
if cmake_on(config.tessera_build_lsp):
    config.available_features.add("tessera-lsp")
if cmake_on(config.tessera_build_explorer):
    config.available_features.add("tessera-explorer")

# The ONNX importer's tests write their models with the onnx package.
try:
    subprocess_check = __import__("subprocess").run(
        [sys.executable, "-c", "import onnx, numpy"], capture_output=True,
        timeout=60)
    if subprocess_check.returncode == 0:
        config.available_features.add("onnx-python")
except Exception:
    pass

# The shared ResNet-50 model sits next to the repository when available.
if os.path.exists(os.path.join(os.path.dirname(config.tessera_src_root), "shared", "models", "resnet50-linalg.mlir")):
    config.available_features.add("resnet50")

# A C compiler for the hand-written kernels of extern dispatches, and the
# executable ABI header they include.
import shutil
clang = shutil.which("clang", path=config.environment["PATH"])
if clang:
    config.available_features.add("clang")
    config.substitutions.append(
        ("%clang_kernel", clang + " -O2 -fPIC -ffreestanding -fno-builtin -c -I" +
         os.path.join(config.tessera_src_root, "runtime", "include")))

import platform
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("x86_64")

# examples/extern, built by CMake when clang is around.
extern_vulkan_example = os.path.join(config.tessera_build_root, "examples", "extern_vulkan")
if os.path.exists(os.path.join(extern_vulkan_example, "scale.spv")):
    config.available_features.add("extern-vulkan-example")
    config.substitutions.append(("%extern_vulkan_example", extern_vulkan_example))
# A Vulkan device (lavapipe in CI): tests needing one are UNSUPPORTED
# (listed as such) where there is none.
import subprocess
try:
    devices = subprocess.run(
        [os.path.join(config.tessera_tools_dir, "tessera"), "run", "--list-devices"],
        capture_output=True, text=True, timeout=60).stdout
    if "vulkan://" in devices:
        config.available_features.add("vulkan")
except (OSError, subprocess.SubprocessError):
    pass
if shutil.which("glslangValidator"):
    config.available_features.add("glslang")
extern_example = os.path.join(config.tessera_build_root, "examples", "extern")
if os.path.exists(os.path.join(extern_example, "scale_generic.o")):
    config.available_features.add("extern-example")
    config.substitutions.append(("%extern_example", extern_example))
