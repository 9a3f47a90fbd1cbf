// Found by tessera-conformance --seed=2 --only=1473 (mismatch on vulkan),
// minimized (5 of 5000 programs were of this kind): a reduction over rows of
// an elementwise product ("contraction" by linalg's interface) had its LHS
// staged in workgroup memory, though the LHS varies along the distributed
// column and no invocation shares it; on lavapipe the sums came out with 4
// terms whatever the row count. Such ops are no longer staged.
// REQUIRES: vulkan
// RUN: tessera-conformance --program=%s --device=vulkan | FileCheck %s
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=17x16,17x16 results=1x16@17

func.func @conformance(%arg0: tensor<17x16xf32>, %arg1: tensor<17x16xf32>) -> (tensor<1x16xf32>) {
  %v0 = arith.constant 0.00000 : f32
  %v1 = tensor.empty() : tensor<16xf32>
  %v2 = linalg.fill ins(%v0 : f32) outs(%v1 : tensor<16xf32>) -> tensor<16xf32>
  %v3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%arg0, %arg1 : tensor<17x16xf32>, tensor<17x16xf32>) outs(%v2 : tensor<16xf32>) {
  ^bb0(%x4: f32, %y4: f32, %acc4: f32):
    %v5 = arith.mulf %x4, %y4 : f32
    %v6 = arith.addf %v5, %acc4 : f32
    linalg.yield %v6 : f32
  } -> tensor<16xf32>
  %v7 = tensor.expand_shape %v3 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
  %v8 = tensor.empty() : tensor<1x16xf32>
  %v9 = linalg.transpose ins(%v7 : tensor<1x16xf32>) outs(%v8 : tensor<1x16xf32>) permutation = [0, 1]
  return %v9 : tensor<1x16xf32>
}
