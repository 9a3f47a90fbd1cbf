#!/usr/bin/env bash
# Sets up, then compiles the bundled MLP example to shared libraries and
# lists what was produced.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
OUT="$BUILD_DIR/demo/mlp"
rm -rf "$OUT"
"$BUILD_DIR/bin/tessera" compile examples/mlp.mlir --emit=shared-lib -o "$OUT" --timing
echo
echo "Produced in $OUT:"
ls -l "$OUT"
for library in "$OUT"/*.so; do
  echo
  echo "$(basename "$library") exports:"
  /usr/lib/llvm-22/bin/llvm-readelf --dyn-syms "$library" | awk 'NR > 3 && $8 != "" {print "  " $8}'
done
