#!/usr/bin/env bash
# The neovim code-lens test (codelens_compile.lua) in a scratch folder:
# exits 77 (ctest's SKIP_RETURN_CODE) when nvim is not installed.
# Usage: run.sh TESSERA_LSP EXAMPLE.mlir
set -euo pipefail
lsp="$1"
example="$2"
if ! command -v nvim >/dev/null 2>&1; then
  echo "lsp-neovim: skipped: nvim is not installed (scripts/setup.sh installs neovim)"
  exit 77
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cp "$example" "$dir/"
# Neovim's state and logs (lsp.log) stay in the scratch folder.
export XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/data"
export XDG_CACHE_HOME="$dir/xdg/cache" XDG_STATE_HOME="$dir/xdg/state"
export TESSERA_LSP="$lsp" TESSERA_NVIM_FILE="$dir/$(basename "$example")"
script="$(cd "$(dirname "$0")" && pwd)/codelens_compile.lua"
# The script gives up after 60 s; the timeout is for a neovim that hangs.
status=0
timeout 120 nvim --headless --clean -u NONE -i NONE \
  -c "luafile $script" </dev/null || status=$?
if [ "$status" -ne 0 ]; then
  log="$(find "$dir/xdg" -name lsp.log 2>/dev/null | head -1)"
  # More than its first line ("LSP logging initiated"): the client's errors.
  if [ -n "$log" ] && [ "$(wc -l <"$log")" -gt 1 ]; then
    echo "lsp-neovim: the client's lsp.log:"
    tail -n 20 "$log"
  fi
  [ "$status" -ge 124 ] && echo "lsp-neovim: nvim hung (exit $status)"
  exit 1
fi
