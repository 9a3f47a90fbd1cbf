#!/usr/bin/env bash
# Checks that the project's tracked C and C++ files are formatted as
# .clang-format says (clang-format 14, Debian 12's): lists each file that is
# not, with clang-format's diagnostics, and exits 1. `--fix` formats them.
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
mode=(--dry-run -Werror)
if [ "${1:-}" = "--fix" ]; then
  mode=(-i)
fi

if ! command -v "$CLANG_FORMAT" > /dev/null 2>&1; then
  echo "check-format: error: '$CLANG_FORMAT' not found (Debian: apt-get" \
       "install clang-format; CLANG_FORMAT=PATH picks another)" >&2
  exit 2
fi
version="$("$CLANG_FORMAT" --version)"
case "$version" in
*"version 14."*) ;;
*) echo "check-format: warning: the files are formatted with clang-format" \
        "14 (Debian 12's); this is: $version" >&2 ;;
esac
if ! git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  echo "check-format: error: $(pwd) is not a git checkout: the check" \
       "lists the files git tracks" >&2
  exit 2
fi

# Tracked and new (untracked, not ignored) sources, not build output; the
# VS Code extension is TypeScript with its own linter.
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  -- '*.c' '*.cpp' '*.h' ':!:vscode_extension/**' | sort -u)
if [ "${#files[@]}" -eq 0 ]; then
  echo "check-format: no C/C++ files found" >&2
  exit 1
fi
if ! printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$CLANG_FORMAT" "${mode[@]}"; then
  echo "check-format: files above differ from .clang-format;" \
       "scripts/check-format.sh --fix formats them" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
