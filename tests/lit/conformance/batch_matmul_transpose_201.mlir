// A batch matmul and a transpose fused into one dispatch: on llvm-cpu every
// batch used to read batch 0 of the right-hand side (permutations [1, 0, 2]
// and [1, 2, 0] returned wrong values with exit code 0). Checked against
// upstream MLIR's reference lowering on the CPU, inline and threaded.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=4x128x128,4x128x64 results=64x4x128@128

func.func @bmm_t(%a: tensor<4x128x128xf32>, %b: tensor<4x128x64xf32>) -> tensor<64x4x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<4x128x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x128x64xf32>) -> tensor<4x128x64xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<4x128x128xf32>, tensor<4x128x64xf32>) outs(%f : tensor<4x128x64xf32>) -> tensor<4x128x64xf32>
  %e = tensor.empty() : tensor<64x4x128xf32>
  %t = linalg.transpose ins(%m : tensor<4x128x64xf32>) outs(%e : tensor<64x4x128xf32>) permutation = [2, 0, 1]
  return %t : tensor<64x4x128xf32>
}
