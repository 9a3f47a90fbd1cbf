#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs every test under ctest
# (lit + FileCheck, GoogleTest, the format check, install + embed_runtime;
# then the Python package's pytest suite, its output shown); then the
# runtime alone, built without LLVM/MLIR into build-runtime-only/ with its
# tests; then the VS Code extension's (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
# setup.sh configures a new build directory with TESSERA_WERROR=ON; one
# configured before it did is switched here.
if ! grep -q '^TESSERA_WERROR:BOOL=ON$' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -B "$BUILD_DIR" -DTESSERA_WERROR=ON
  cmake --build "$BUILD_DIR"
fi
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" -LE python
# The Python package's tests (pytest) with their output: its summary line.
ctest --test-dir "$BUILD_DIR" --output-on-failure -L python --verbose

./scripts/check-runtime-only.sh

# The VS Code extension: strict TypeScript + ESLint, the grammar, its client
# layer against the real tessera-lsp, and the packaged .vsix.
LSP="$(realpath "$BUILD_DIR")/bin/tessera-lsp"
(
  cd vscode_extension
  export npm_config_cache="${npm_config_cache:-$HOME/.cache/npm}"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  TESSERA_LSP="$LSP" npm test
)
