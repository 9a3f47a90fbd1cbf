#!/usr/bin/env bash
# The conformance generator's programs through the other tools: tessera-lsp
# --check (parse, verify, document index, the compile of its pipeline
# diagnostics) and the explorer's compile
# (offscreen, --screenshot: load, compile every pass with IR capture, render,
# exit). Either may refuse a program (exit 1); neither may crash or hang.
# Usage: tools_survive_generated_programs.sh BIN_DIR [COUNT] [SEED]
set -uo pipefail
bin="$1"
count="${2:-100}"
seed="${3:-1}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$bin/tessera-conformance" --seed="$seed" --count="$count" \
  --write-programs="$dir/programs" || exit 2
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="$dir/runtime"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
failures=0
check() { # TOOL-NAME FILE EXIT-CODE
  if [ "$3" -ge 124 ]; then
    echo "$1 crashed or hung (exit $3) on $2:"
    sed 's/^/  /' "$2"
    failures=$((failures + 1))
  fi
}
for file in "$dir"/programs/*.mlir; do
  timeout 120 "$bin/tessera-lsp" --check "$file" >/dev/null 2>&1
  check tessera-lsp "$file" $?
  timeout 300 "$bin/tessera-explorer" "$file" --screenshot="$dir/shot.png" \
    >/dev/null 2>&1
  check tessera-explorer "$file" $?
done
echo "$count programs through tessera-lsp --check and the explorer: $failures crashes or hangs"
[ "$failures" -eq 0 ]
