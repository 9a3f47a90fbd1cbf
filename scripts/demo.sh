#!/usr/bin/env bash
# Sets up, compiles the bundled MLP example (examples/mlp.mlir) into a module
# and runs it on the CPU runtime, printing its result.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
TESSERA="$BUILD_DIR/bin/tessera"
OUT="$BUILD_DIR/demo"
mkdir -p "$OUT"

echo "== tessera compile examples/mlp.mlir -o $OUT/mlp.tsm --timing"
"$TESSERA" compile examples/mlp.mlir -o "$OUT/mlp.tsm" --timing
ls -l "$OUT/mlp.tsm"

# A 4x16 batch with varied values: (j - 8) / 8 + i / 4 for row i, column j.
INPUT=$(awk 'BEGIN { for (i = 0; i < 4; i++) for (j = 0; j < 16; j++)
  printf "%s%g", (i + j ? "," : ""), (j - 8) / 8 + i / 4 }')
echo
echo "== tessera run $OUT/mlp.tsm --input=4x16xf32=..."
"$TESSERA" run "$OUT/mlp.tsm" --input="4x16xf32=$INPUT"
