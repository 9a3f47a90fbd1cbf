// Found by tessera-conformance --seed=1 --only=863 (internal compile error on
// vulkan), minimized: a pad tile's temporary sized low + max(0, min(...)) +
// high had no constant upper bound for linear constraints ("'memref.alloca'
// op has a size with no constant upper bound"), and the branches of the
// edge-tile scf.if yielded temporaries of different sizes. Now bounded by
// intervals and shared, static, before the if.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: %if vulkan %{ tessera-conformance --program=%s --device=vulkan | FileCheck %s %}
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=6x16x16x4 results=6145@1

func.func @conformance(%arg0: tensor<6x16x16x4xf32>) -> (tensor<6145xf32>) {
  %v0 = tensor.collapse_shape %arg0 [[0, 1, 2], [3]] : tensor<6x16x16x4xf32> into tensor<1536x4xf32>
  %v1 = tensor.collapse_shape %v0 [[0, 1]] : tensor<1536x4xf32> into tensor<6144xf32>
  %v2 = tensor.empty() : tensor<6144xf32>
  %v3 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%v1 : tensor<6144xf32>) outs(%v2 : tensor<6144xf32>) {
  ^bb0(%in4: f32, %in5: f32):
    %v6 = math.erf %in4 : f32
    linalg.yield %v6 : f32
  } -> tensor<6144xf32>
  %v7 = arith.constant 0.500000 : f32
  %v8 = tensor.pad %v3 low[1] high[0] {
  ^bb0(%p9_0: index):
    tensor.yield %v7 : f32
  } : tensor<6144xf32> to tensor<6145xf32>
  return %v8 : tensor<6145xf32>
}
