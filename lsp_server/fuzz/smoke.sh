#!/bin/sh
# A short run of the LSP document fuzzer (ctest lsp-fuzz-smoke):
#   smoke.sh FUZZER SOURCE_DIR WORK_DIR [RUNS] [SEED]
# First every input of fuzz/regressions (inputs that once crashed), then
# RUNS (default 2000) mutations of the seeds: fuzz/corpus, the examples and
# the lit tests' .mlir files. New inputs go to WORK_DIR, never the sources.
# The mutations follow a fixed SEED (default 1), so that a failure in CI is
# the same failure on a developer's machine with the same build; longer,
# randomly seeded runs are for finding new inputs (fuzz/README).
# On failure the fuzzer's report is printed last, with the failing input in
# base64, so that a CI log's tail is enough to reproduce it.
set -eu
fuzzer=$1 source=$2 work=$3 runs=${4:-2000} seed=${5:-1}
regressions=$source/lsp_server/fuzz/regressions
rm -rf "$work"
mkdir -p "$work/corpus"
log=$work/fuzzer.log
report() {
  echo "--- the fuzzer's last lines ($log):"
  tail -n 60 "$log"
  for artifact in "$work"/crash-* "$work"/oom-* "$work"/timeout-* \
                  "$work"/leak-*; do
    [ -f "$artifact" ] || continue
    echo "--- $(basename "$artifact") ($(wc -c <"$artifact") bytes), base64:"
    base64 "$artifact"
  done
}
if ls "$regressions"/* >/dev/null 2>&1; then
  if ! "$fuzzer" "$regressions"/* >"$log" 2>&1; then
    report
    exit 1
  fi
fi
seeds=$(find "$source/lsp_server/fuzz/corpus" "$source/examples" \
          "$source/tests/lit" -name '*.mlir' -size -64k | LC_ALL=C sort |
          paste -sd, -)
if ! "$fuzzer" -seed="$seed" -runs="$runs" -max_total_time=120 \
    -max_len=16384 -timeout=30 -rss_limit_mb=4096 -seed_inputs="$seeds" \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" \
    >"$log" 2>&1; then
  report
  exit 1
fi
grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
