#!/usr/bin/env bash
# Sets up, builds and runs every test (lit + FileCheck, GoogleTest) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
