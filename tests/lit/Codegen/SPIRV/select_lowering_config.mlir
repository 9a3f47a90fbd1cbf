// RUN: tessera-opt --tessera-flow-form-dispatches --tessera-hal-materialize-interfaces=targets=vulkan-spirv --tessera-spirv-select-lowering-config --split-input-file %s | FileCheck %s

// Every dispatch's root gets 64 for its innermost tileable loop, 32 for the
// next, 1 for outer ones, each at most the loop's extent.

// Matmul + bias: the root is the bias add (the op stored to the binding).
// CHECK-LABEL: func.func @mm_bias_dispatch_0_matmul_128x512()
// CHECK: linalg.matmul
// CHECK-NOT: lowering_config
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>
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

// Rank 3, with a reduction: the reduced loop stays whole (0), the batch
// loop takes 1, and the 24 rows are fewer than 32.
// CHECK-LABEL: func.func @batch_matmul_dispatch_0_batch_matmul_8x24x128()
// CHECK: linalg.batch_matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 24, 64, 0]>
func.func @batch_matmul(%a: tensor<8x24x32xf32>, %b: tensor<8x32x128xf32>) -> tensor<8x24x128xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x24x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<8x24x128xf32>) -> tensor<8x24x128xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<8x24x32xf32>, tensor<8x32x128xf32>) outs(%f : tensor<8x24x128xf32>) -> tensor<8x24x128xf32>
  return %m : tensor<8x24x128xf32>
}

// -----

// Elementwise.
// CHECK-LABEL: func.func @add_dispatch_0_add_1024x4096()
// CHECK: linalg.add
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>
func.func @add(%a: tensor<1024x4096xf32>, %b: tensor<1024x4096xf32>) -> tensor<1024x4096xf32> {
  %e = tensor.empty() : tensor<1024x4096xf32>
  %r = linalg.add ins(%a, %b : tensor<1024x4096xf32>, tensor<1024x4096xf32>) outs(%e : tensor<1024x4096xf32>) -> tensor<1024x4096xf32>
  return %r : tensor<1024x4096xf32>
}
