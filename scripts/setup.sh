#!/usr/bin/env bash
# Installs what Tessera needs (Debian 12, as root) when it is missing, then
# configures (CMake + Ninja, ccache when present; warnings are errors) and
# builds everything into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache git python3 zlib1g-dev libzstd-dev
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools liblld-22-dev lld-22
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libflatbuffers-dev flatbuffers-compiler libsodium-dev
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslang-tools
  spirv-tools clang libclang-rt-dev clang-format
  libopenblas-dev pkg-config xvfb xauth nodejs npm neovim
  libonnx-dev libprotobuf-dev protobuf-compiler
  python3-numpy python3-onnx python3-torch python3-torchvision
  python3-dev pybind11-dev python3-pytest python3-matplotlib
)

./scripts/install-packages.sh "${PACKAGES[@]}"

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
BUILD_DIR="${TESSERA_BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DTESSERA_WERROR=ON
fi
cmake --build "$BUILD_DIR"
