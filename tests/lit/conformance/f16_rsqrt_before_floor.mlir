// f16 rsqrt before a floor (conformance seed 48, program 26): expanded as
// 1 / sqrt(x) in f16, sqrt(1 + 2^-10) rounded to 1 (the tie to even) and
// rsqrt gave 1 where the rounded result is 1 - 2^-11, so floor gave 1 for
// 0. f16 (and bf16) rsqrt is now computed in f32. Checked against the
// reference on the CPU (Vulkan refuses f16 with a clear error).
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// CHECK: 1 passed, 0 failed
// conformance: element=f16 inputs=64x31 results=64x31@1

func.func @conformance(%arg0: tensor<64x31xf16>) -> (tensor<64x31xf16>) {
  %v0 = tensor.empty() : tensor<64x31xf16>
  %v1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<64x31xf16>) outs(%v0 : tensor<64x31xf16>) {
  ^bb0(%in2: f16, %in3: f16):
    %v4 = arith.constant 1.0 : f16
    %v5 = math.absf %in2 : f16
    %v6 = arith.addf %v5, %v4 : f16
    %v7 = math.rsqrt %v6 : f16
    linalg.yield %v7 : f16
  } -> tensor<64x31xf16>
  %v8 = tensor.empty() : tensor<64x31xf16>
  %v9 = linalg.floor ins(%v1 : tensor<64x31xf16>) outs(%v8 : tensor<64x31xf16>) -> tensor<64x31xf16>
  return %v9 : tensor<64x31xf16>
}
