#!/usr/bin/env bash
# One ONNX importer test: Tessera against ONNX Runtime on one model.
#
#   run_model.sh BIN_DIR WORK_DIR MODEL [DEVICE] [BATCH]
#
# Makes MODEL (make_models.py, cached in WORK_DIR), runs ONNX Runtime's CPU
# provider on its seeded input (ort_run.mjs) for expected.npy, runs
#   BIN_DIR/tessera run WORK_DIR/MODEL.onnx --input=@INPUT --output=@actual.npy --device=DEVICE
# and compares the two (compare.py, rtol $TESSERA_ONNX_RTOL, default 1e-4).
# DEVICE defaults to cpu, BATCH to 1: a dynamic-batch model is run on its
# batch-BATCH input, a static one exported with that batch (MODEL_bBATCH).
# Exit 0: match; 1: mismatch or failure; 77: no Vulkan device for
# DEVICE=vulkan* (ctest's SKIP_RETURN_CODE).
# With TESSERA_ONNX_MODULE set, runs that compiled module (of MODEL.onnx)
# instead: a dynamic-batch model compiled once serves every batch.
# Environment: TESSERA_PYTHON (default /usr/bin/python3: torch and onnx),
# TESSERA_ORT_DIR (onnxruntime-node, see install_ort.sh), NODE (default node).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 3 || $# -gt 5 ]]; then
  echo "usage: run_model.sh BIN_DIR WORK_DIR MODEL [DEVICE] [BATCH]" >&2
  exit 2
fi
bin_dir="$1" work_dir="$2" model="$3" device="${4:-cpu}" batch="${5:-1}"
python="${TESSERA_PYTHON:-/usr/bin/python3}"
node="${NODE:-node}"
rtol="${TESSERA_ONNX_RTOL:-1e-4}"
tessera="$bin_dir/tessera"

fail() { echo "run_model.sh: FAIL: $*" >&2; exit 1; }
[[ -x "$tessera" ]] || fail "$tessera: no such executable (BIN_DIR is the build's bin directory)"
[[ "$batch" =~ ^[1-9][0-9]*$ ]] || fail "BATCH must be a positive integer, not '$batch'"

if [[ "$device" == vulkan* ]] && "$tessera" run --list-devices 2>/dev/null | grep -q '^vulkan: none'; then
  echo "run_model.sh: SKIP: no Vulkan device ($("$tessera" run --list-devices | grep '^vulkan'))"
  exit 77
fi

mkdir -p "$work_dir"
work_dir="$(cd "$work_dir" && pwd)"

# The model file and input for this batch.
dynamic="$("$python" -c "import sys; sys.path.insert(0, sys.argv[1]); import make_models as m; \
print(int(m.MODELS[sys.argv[2]]['dynamic']) if sys.argv[2] in m.MODELS else '')" "$here" "$model")"
[[ -n "$dynamic" ]] || fail "unknown model '$model' (see make_models.py --help)"
name="$model"
input="$work_dir/$model.input.npy"
if [[ "$dynamic" == 1 ]]; then
  [[ "$batch" == 1 ]] || input="$work_dir/$model.input.b$batch.npy"
elif [[ "$batch" != 1 ]]; then
  name="${model}_b$batch"
  input="$work_dir/$name.input.npy"
fi

"$python" "$here/make_models.py" --out "$work_dir" --models "$name" ||
  fail "make_models.py could not make $name"
[[ -f "$input" ]] || fail "$input: no such input (dynamic-batch models have batches 1, 3 and 8)"

run_dir="$work_dir/runs/$name-b$batch-${device//[^A-Za-z0-9_.-]/_}"
rm -rf "$run_dir"
mkdir -p "$run_dir"

ort=("$node" "$here/ort_run.mjs" "$work_dir/$name.onnx" "--input=$input" "--output=$run_dir/expected.npy")
echo "ONNX Runtime: ${ort[*]}"
"${ort[@]}" || fail "ONNX Runtime failed on $name.onnx"

program="${TESSERA_ONNX_MODULE:-$work_dir/$name.onnx}"
run=("$tessera" run "$program" "--input=@$input" "--output=@$run_dir/actual.npy" "--device=$device")
echo "Tessera:      ${run[*]}"
status=0
"${run[@]}" >"$run_dir/tessera.log" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
  tail -n 40 "$run_dir/tessera.log" >&2
  fail "tessera run failed on $name.onnx (exit $status; log: $run_dir/tessera.log)"
fi
[[ -f "$run_dir/actual.npy" ]] || fail "tessera run wrote no $run_dir/actual.npy"

if "$python" "$here/compare.py" "$run_dir/actual.npy" "$run_dir/expected.npy" --rtol="$rtol"; then
  echo "run_model.sh: PASS: $name batch $batch on $device"
else
  fail "$name batch $batch on $device: Tessera's result differs from ONNX Runtime's"
fi
