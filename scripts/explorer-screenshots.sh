#!/usr/bin/env bash
# Regenerates docs/images/explorer-*.png from the real explorer
# (`tessera-explorer --screenshot`, offscreen), so that the pictures in
# docs/EXPLORER.md show what the current build shows. Each view at
# 1280x800 (a small laptop); the overview of ResNet-50 also at 1920x1080.
#
#   scripts/explorer-screenshots.sh [BUILD_DIR] [RESNET50.mlir]
#
# The ResNet-50 pictures use ../shared/models/resnet50-linalg.mlir when it
# exists (or the file given); they are skipped without it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
RESNET="${2:-../shared/models/resnet50-linalg.mlir}"
EXPLORER="$BUILD_DIR/bin/tessera-explorer"
OUT=docs/images
export QT_QPA_PLATFORM=offscreen
# The pictures show the defaults, not a layout someone saved.
export XDG_CONFIG_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT

shoot() { # NAME SIZE FILE ARGS...
  local name="$1" size="$2" file="$3"
  shift 3
  echo "explorer-screenshots: $name ($size)"
  "$EXPLORER" "$file" --size="$size" --screenshot="$OUT/$name.png" "$@"
}

shoot explorer-passes 1280x800 examples/mlp.mlir \
  --view=passes --pass=tessera-flow-form-dispatches --restrict=predict
shoot explorer-diff 1280x800 examples/mlp.mlir \
  --view=diff --pass=tessera-flow-form-dispatches --restrict=predict
shoot explorer-executables 1280x800 examples/mlp.mlir --view=executables
shoot explorer-spirv 1280x800 "$BUILD_DIR/examples/extern_vulkan/scale.mlir" \
  --target=vulkan-spirv --view=executables
shoot explorer-compare 1280x800 examples/mlp.mlir \
  --view=compare --compare=triple=aarch64-unknown-linux-gnu

if [ -f "$RESNET" ]; then
  shoot explorer-resnet50 1920x1080 "$RESNET" --view=passes --pass=tessera-hal-link
  shoot explorer-graph 1280x800 "$RESNET" --view=graph --profile
  shoot explorer-graph-wide 1920x1080 "$RESNET" --view=graph --profile
  shoot explorer-profile 1280x800 "$RESNET" --view=run
else
  echo "explorer-screenshots: no $RESNET: ResNet-50's pictures kept" >&2
fi
