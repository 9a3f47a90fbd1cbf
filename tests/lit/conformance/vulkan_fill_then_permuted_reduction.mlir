// Found by tessera-conformance --seed=1 --only=1498 (mismatch on vulkan),
// minimized: once its reduction moved innermost, the contraction spread the
// output's first dimension over the invocations while the fill before it
// spread the last one; equal bounds passed for "consistent", no barrier
// separated them, and the fill's zeros landed after the sums (results 0).
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: %if vulkan %{ tessera-conformance --program=%s --device=vulkan | FileCheck %s %}
// CHECK: 1 passed, 0 failed
// conformance: element=i32 inputs=64x32x4,32x64x2 results=32x2x64@4

func.func @conformance(%arg0: tensor<64x32x4xi32>, %arg1: tensor<32x64x2xi32>) -> (tensor<32x2x64xi32>) {
  %v0 = arith.constant 0 : i32
  %v1 = tensor.empty() : tensor<32x2x64xi32>
  %v2 = linalg.fill ins(%v0 : i32) outs(%v1 : tensor<32x2x64xi32>) -> tensor<32x2x64xi32>
  %v3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d3, d1, d0)>, affine_map<(d0, d1, d2, d3) -> (d3, d0, d1)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%arg0, %arg1 : tensor<64x32x4xi32>, tensor<32x64x2xi32>) outs(%v2 : tensor<32x2x64xi32>) {
  ^bb0(%x4: i32, %y4: i32, %acc4: i32):
    %v5 = arith.muli %x4, %y4 : i32
    %v6 = arith.addi %v5, %acc4 : i32
    linalg.yield %v6 : i32
  } -> tensor<32x2x64xi32>
  return %v3 : tensor<32x2x64xi32>
}
