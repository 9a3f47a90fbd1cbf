#!/usr/bin/env bash
# Sets up, builds and runs every test (lit + FileCheck, GoogleTest) under
# ctest, then the VS Code extension's (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"

# The VS Code extension: strict TypeScript + ESLint, the grammar, its client
# layer against the real tessera-lsp, and the packaged .vsix.
LSP="$(realpath "$BUILD_DIR")/bin/tessera-lsp"
(
  cd vscode_extension
  export npm_config_cache="${npm_config_cache:-$HOME/.cache/npm}"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  TESSERA_LSP="$LSP" npm test
)
