// RUN: tessera-opt --tessera-flow-form-dispatches --tessera-hal-materialize-interfaces=triple=x86_64-unknown-linux-gnu --tessera-llvmcpu-select-lowering-config --split-input-file %s | FileCheck %s

// Matmul + bias: the root is the bias add (the op stored to the binding);
// 32 rows by 64 columns per workgroup.
// CHECK-LABEL: func.func @mm_bias_dispatch_0_matmul_128x512()
// CHECK: linalg.matmul
// CHECK-NOT: lowering_config
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #hal.lowering_config<workgroup = [32, 64]>
func.func @mm_bias(%a: tensor<128x256xf32>, %b: tensor<256x512xf32>, %bias: tensor<512xf32>) -> tensor<128x512xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x512xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<128x512xf32>) -> tensor<128x512xf32>
  %m = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x512xf32>) outs(%f : tensor<128x512xf32>) -> tensor<128x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<128x512xf32>, tensor<512xf32>) outs(%e : tensor<128x512xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<128x512xf32>
  return %r : tensor<128x512xf32>
}

// -----

// A row reduction: the reduced loop is not tiled (0), the row loop takes
// the innermost parallel tile.
// CHECK-LABEL: func.func @row_sum_dispatch_0_reduction_64()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #hal.lowering_config<workgroup = [64, 0]>
func.func @row_sum(%x: tensor<64x1000xf32>) -> tensor<64xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x1000xf32>) outs(%f : tensor<64xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// Rank 3: outer loops take 1, then 32, then 64.
// CHECK-LABEL: func.func @batch_matmul_dispatch_0_batch_matmul_8x64x128()
// CHECK: linalg.batch_matmul
// CHECK-SAME: lowering_config = #hal.lowering_config<workgroup = [1, 32, 64, 0]>
func.func @batch_matmul(%a: tensor<8x64x32xf32>, %b: tensor<8x32x128xf32>) -> tensor<8x64x128xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<8x64x128xf32>) -> tensor<8x64x128xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<8x64x32xf32>, tensor<8x32x128xf32>) outs(%f : tensor<8x64x128xf32>) -> tensor<8x64x128xf32>
  return %m : tensor<8x64x128xf32>
}
