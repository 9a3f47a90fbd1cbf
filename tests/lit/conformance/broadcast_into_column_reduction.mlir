// A broadcast read by a column reduction (conformance seed 21, program 18):
// while broadcasts were cloned into every consumer's dispatch, vulkan-spirv
// computed this one wrong (26.48 for 69.10); broadcasts now join only a
// consumer they initialize (a bias under a convolution). Checked against
// the reference on every device.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: %if vulkan %{ tessera-conformance --program=%s --device=vulkan | FileCheck %s %}
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=16,1x16x33 results=1x1x33@16
func.func @conformance(%arg0: tensor<16xf32>, %arg1: tensor<1x16x33xf32>) -> (tensor<1x1x33xf32>) {
  %v0 = tensor.empty() : tensor<8x16xf32>
  %v1 = linalg.broadcast ins(%arg0 : tensor<16xf32>) outs(%v0 : tensor<8x16xf32>) dimensions = [0]
  %v2 = arith.constant 0.00000 : f32
  %v3 = tensor.empty() : tensor<16xf32>
  %v4 = linalg.fill ins(%v2 : f32) outs(%v3 : tensor<16xf32>) -> tensor<16xf32>
  %v5 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%v1 : tensor<8x16xf32>) outs(%v4 : tensor<16xf32>) {
  ^bb0(%x6: f32, %acc6: f32):
    %v7 = arith.addf %x6, %acc6 : f32
    linalg.yield %v7 : f32
  } -> tensor<16xf32>
  %v8 = tensor.empty() : tensor<16xf32>
  %v9 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%v5 : tensor<16xf32>) outs(%v8 : tensor<16xf32>) {
  ^bb0(%x10: f32, %acc10: f32):
    %v11 = arith.constant 4.0 : f32
    %v12 = arith.mulf %x10, %v11 : f32
    %v13 = math.floor %v12 : f32
    linalg.yield %v13 : f32
  } -> tensor<16xf32>
  %v14 = tensor.expand_shape %v9 [[0, 1, 2]] output_shape [1, 1, 16] : tensor<16xf32> into tensor<1x1x16xf32>
  %v15 = arith.constant 0.00000 : f32
  %v16 = tensor.empty() : tensor<1x1x33xf32>
  %v17 = linalg.fill ins(%v15 : f32) outs(%v16 : tensor<1x1x33xf32>) -> tensor<1x1x33xf32>
  %v18 = linalg.batch_matmul ins(%v14, %arg1 : tensor<1x1x16xf32>, tensor<1x16x33xf32>) outs(%v17 : tensor<1x1x33xf32>) -> tensor<1x1x33xf32>
  return %v18 : tensor<1x1x33xf32>
}
