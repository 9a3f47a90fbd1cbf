#!/usr/bin/env bash
# The runtime alone, as a program that embeds it builds it: configured with
# TESSERA_BUILD_COMPILER=OFF and LLVM 22's prefix hidden from CMake, built
# with warnings as errors, checked to reach no LLVM, MLIR, lld or Qt, then
# its tests run (the runtime's GoogleTests, the format check, and an install
# that examples/embed_runtime builds against).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${TESSERA_RUNTIME_BUILD_DIR:-build-runtime-only}"
LLVM_ROOT="${TESSERA_LLVM_ROOT:-/usr/lib/llvm-22}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DTESSERA_WERROR=ON -DTESSERA_BUILD_COMPILER=OFF \
    -DCMAKE_IGNORE_PREFIX_PATH="$LLVM_ROOT"
fi
cmake --build "$BUILD_DIR"

# Nothing found, compiled or linked comes from LLVM, MLIR, lld or Qt.
fail=0
if grep -E '^(LLVM|MLIR|LLD|Qt6)_DIR:' "$BUILD_DIR/CMakeCache.txt" | grep -v NOTFOUND; then
  fail=1
fi
if grep -nE "$LLVM_ROOT/(include|lib)|lib(LLVM|MLIR|lld)|Qt6" "$BUILD_DIR/build.ninja"; then
  fail=1
fi
if [ "$fail" -ne 0 ]; then
  echo "check-runtime-only: the runtime-only build uses LLVM, MLIR, lld or Qt (above)" >&2
  exit 1
fi
echo "check-runtime-only: no LLVM, MLIR, lld or Qt in $BUILD_DIR"

ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
