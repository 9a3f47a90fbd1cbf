#!/bin/sh
# A short run of the module-loader fuzzer (ctest module-fuzz-smoke):
#   smoke.sh FUZZER TESSERA SOURCE_DIR WORK_DIR [RUNS]
# Compiles the examples into seed modules, then RUNS (default 2000)
# mutations in each mode: bytes (damaged files) and semantic (valid modules
# whose host-program integers change, every function run). New inputs go to
# WORK_DIR, never the sources.
set -eu
fuzzer=$1 tessera=$2 source=$3 work=$4 runs=${5:-2000}
rm -rf "$work"
mkdir -p "$work/seeds" "$work/bytes" "$work/semantic"
for example in mlp conv elementwise matmul softmax; do
  "$tessera" compile "$source/examples/$example.mlir" \
    -o "$work/seeds/$example.tsm"
done
common="-runs=$runs -max_total_time=120 -max_len=4000000 -timeout=60"
"$fuzzer" $common -artifact_prefix="$work/" "$work/bytes" "$work/seeds"
TESSERA_FUZZ_SEMANTIC=1 exec "$fuzzer" $common -artifact_prefix="$work/" \
  "$work/semantic" "$work/seeds"
