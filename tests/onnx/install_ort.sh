#!/usr/bin/env bash
# Installs onnxruntime-node (the CPU build that ships inside the npm package)
# outside the source tree, for ort_run.mjs:
#
#   tests/onnx/install_ort.sh [DIR]     (default: $HOME/.cache/tessera/onnxruntime)
#
# Copies package.json and package-lock.json from this directory into DIR and
# runs `npm ci --ignore-scripts` there, unless DIR already holds exactly that
# lock file and the package's native binding. --ignore-scripts: the package's
# postinstall downloads a GPU build, which is neither needed nor possible
# offline; the CPU library is in the tarball.
# ort_run.mjs finds the package through TESSERA_ORT_DIR (same default).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-${TESSERA_ORT_DIR:-$HOME/.cache/tessera/onnxruntime}}"

if ! command -v npm >/dev/null 2>&1; then
  echo "install_ort.sh: error: npm not found on PATH (Node.js 18+ with npm is needed)" >&2
  exit 1
fi

version="$(sed -n 's/.*"onnxruntime-node": *"\([^"]*\)".*/\1/p' "$here/package.json" | head -n1)"
if [[ -z "$version" ]]; then
  echo "install_ort.sh: error: no onnxruntime-node version in $here/package.json" >&2
  exit 1
fi

mkdir -p "$dir"
installed() {
  local pkg="$dir/node_modules/onnxruntime-node"
  [[ -f "$dir/.tessera-installed" && -f "$dir/package-lock.json" ]] || return 1
  cmp -s "$here/package-lock.json" "$dir/package-lock.json" || return 1
  [[ -f "$pkg/package.json" ]] || return 1
  grep -q "\"version\": *\"$version\"" "$pkg/package.json" || return 1
  compgen -G "$pkg/bin/napi-v*/*/*/onnxruntime_binding.node" >/dev/null
}

# Concurrent callers (parallel ctest runs) install once.
exec 9>"$dir/.install.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

if installed; then
  echo "install_ort.sh: onnxruntime-node $version already installed in $dir"
  exit 0
fi

rm -f "$dir/.tessera-installed"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
echo "install_ort.sh: installing onnxruntime-node $version into $dir (npm ci --ignore-scripts)"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
if ! compgen -G "$dir/node_modules/onnxruntime-node/bin/napi-v*/*/*/onnxruntime_binding.node" >/dev/null; then
  echo "install_ort.sh: error: $dir/node_modules/onnxruntime-node has no native binding (bin/napi-v*/<os>/<arch>/onnxruntime_binding.node)" >&2
  exit 1
fi
# The binding loads: a broken install fails here, not in every test.
if ! (cd "$dir" && node -e "require('onnxruntime-node')") >/dev/null; then
  echo "install_ort.sh: error: require('onnxruntime-node') fails in $dir" >&2
  exit 1
fi
touch "$dir/.tessera-installed"
echo "install_ort.sh: onnxruntime-node $version installed in $dir"
