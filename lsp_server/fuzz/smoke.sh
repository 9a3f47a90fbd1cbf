#!/bin/sh
# A short run of the LSP document fuzzer (ctest lsp-fuzz-smoke):
#   smoke.sh FUZZER SOURCE_DIR WORK_DIR [RUNS]
# First every input of fuzz/regressions (inputs that once crashed), then
# RUNS (default 2000) mutations of the seeds: fuzz/corpus, the examples and
# the lit tests' .mlir files. New inputs go to WORK_DIR, never the sources.
set -eu
fuzzer=$1 source=$2 work=$3 runs=${4:-2000}
regressions=$source/lsp_server/fuzz/regressions
rm -rf "$work"
mkdir -p "$work/corpus"
if ls "$regressions"/* >/dev/null 2>&1; then
  "$fuzzer" "$regressions"/*
fi
seeds=$(find "$source/lsp_server/fuzz/corpus" "$source/examples" \
          "$source/tests/lit" -name '*.mlir' -size -64k | sort | paste -sd, -)
exec "$fuzzer" -runs="$runs" -max_total_time=120 -max_len=16384 \
  -timeout=30 -rss_limit_mb=4096 -seed_inputs="$seeds" \
  -artifact_prefix="$work/" "$work/corpus"
