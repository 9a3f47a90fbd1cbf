// Found by tessera-conformance --seed=1 --only=463 (internal compile error on
// cpu), minimized: a dynamic-shape dispatch with more than two tiled loops
// delinearizes workgroup z with arith.ceildivui, which the kernel lowering
// left unconverted ("LLVM Translation failed for operation:
// builtin.unrealized_conversion_cast").
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=2x2x8,1x8x1,3x8 results=1x2x2x8@1,1x8@1,1x3@8

func.func @conformance(%arg0: tensor<2x?x8xf32>, %arg1: tensor<?x?x1xf32>, %arg2: tensor<3x8xf32>) -> (tensor<1x?x2x8xf32>, tensor<?x?xf32>, tensor<1x3xf32>) {
  %c1 = arith.constant 1 : index
  %v0 = tensor.dim %arg0, %c1 : tensor<2x?x8xf32>
  %v1 = tensor.empty(%v0) : tensor<?x2x8xf32>
  %v2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1, d0)>, affine_map<(d0, d1, d2) -> (d1, d2, d0)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<2x?x8xf32>) outs(%v1 : tensor<?x2x8xf32>) {
  ^bb0(%x3: f32, %acc3: f32):
    %v4 = arith.constant 0.5 : f32
    %v5 = arith.constant 1.5 : f32
    %v6 = math.absf %x3 : f32
    %v7 = arith.addf %v6, %v4 : f32
    %v8 = math.powf %v7, %v5 : f32
    linalg.yield %v8 : f32
  } -> tensor<?x2x8xf32>
  %c0 = arith.constant 0 : index
  %v9 = tensor.dim %v2, %c0 : tensor<?x2x8xf32>
  %v10 = tensor.empty(%v9) : tensor<1x?x2x8xf32>
  %v11 = linalg.broadcast ins(%v2 : tensor<?x2x8xf32>) outs(%v10 : tensor<1x?x2x8xf32>) dimensions = [0]
  %v12 = tensor.dim %arg1, %c0 : tensor<?x?x1xf32>
  %v13 = tensor.dim %arg1, %c1 : tensor<?x?x1xf32>
  %v14 = tensor.empty(%v12, %v13) : tensor<?x?x1xf32>
  %v15 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg1 : tensor<?x?x1xf32>) outs(%v14 : tensor<?x?x1xf32>) {
  ^bb0(%in16: f32, %in17: f32):
    %v18 = arith.constant 4.0 : f32
    %v19 = arith.mulf %in16, %v18 : f32
    %v20 = math.floor %v19 : f32
    linalg.yield %v20 : f32
  } -> tensor<?x?x1xf32>
  %v21 = arith.constant 0xFF800000 : f32
  %v22 = tensor.dim %v15, %c0 : tensor<?x?x1xf32>
  %v23 = tensor.dim %v15, %c1 : tensor<?x?x1xf32>
  %v24 = tensor.empty(%v22, %v23) : tensor<?x?xf32>
  %v25 = linalg.fill ins(%v21 : f32) outs(%v24 : tensor<?x?xf32>) -> tensor<?x?xf32>
  %v26 = linalg.reduce ins(%v15 : tensor<?x?x1xf32>) outs(%v25 : tensor<?x?xf32>) dimensions = [2]
    (%rin27: f32, %racc27: f32) {
    %v28 = arith.maximumf %rin27, %racc27 : f32
    linalg.yield %v28 : f32
  }
  %v29 = tensor.cast %arg1 : tensor<?x?x1xf32> to tensor<1x8x1xf32>
  %v30 = tensor.collapse_shape %v29 [[0, 1], [2]] : tensor<1x8x1xf32> into tensor<8x1xf32>
  %v31 = arith.constant 0.00000 : f32
  %v32 = tensor.empty() : tensor<1x3xf32>
  %v33 = linalg.fill ins(%v31 : f32) outs(%v32 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %v34 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%v30, %arg2 : tensor<8x1xf32>, tensor<3x8xf32>) outs(%v33 : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %v11, %v26, %v34 : tensor<1x?x2x8xf32>, tensor<?x?xf32>, tensor<1x3xf32>
}
