// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains %s | FileCheck %s

// An elementwise producer is not fused into a consumer with reductions
// that reads it through a map leaving out one of the consumer's parallel
// loops: the fused body would compute it again for every value of that
// loop (here a GELU once per output column of the matmul after it). It
// keeps its own generic; the matmul stays a plain contraction.
// CHECK-LABEL: func.func @gelu_then_matmul
// CHECK:       %[[G:.+]] = linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel"]
// CHECK:         math.erf
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:    ins(%[[G]], %arg1 :
// CHECK-NOT:     math.erf
// CHECK:       return
#id = affine_map<(i, k) -> (i, k)>
func.func @gelu_then_matmul(%x: tensor<32x512xf32>, %w: tensor<512x128xf32>, %acc: tensor<32x128xf32>) -> tensor<32x128xf32> {
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<32x512xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x512xf32>) outs(%e : tensor<32x512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    %s = arith.mulf %r, %half : f32
    linalg.yield %s : f32
  } -> tensor<32x512xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%g, %w : tensor<32x512xf32>, tensor<512x128xf32>) outs(%acc : tensor<32x128xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %q = arith.addf %o, %p : f32
    linalg.yield %q : f32
  } -> tensor<32x128xf32>
  return %m : tensor<32x128xf32>
}

// A producer the reduction reads at every one of its loops (a softmax's
// exp inside its row sum) is still fused: nothing is computed twice.
// CHECK-LABEL: func.func @exp_then_row_sum
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "reduction"]
// CHECK:         math.exp
// CHECK-NOT:   linalg.generic
func.func @exp_then_row_sum(%x: tensor<32x512xf32>, %acc: tensor<32xf32>) -> tensor<32xf32> {
  %e = tensor.empty() : tensor<32x512xf32>
  %x2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x512xf32>) outs(%e : tensor<32x512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<32x512xf32>
  %s = linalg.generic {indexing_maps = [#id, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x2 : tensor<32x512xf32>) outs(%acc : tensor<32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %q = arith.addf %o, %a : f32
    linalg.yield %q : f32
  } -> tensor<32xf32>
  return %s : tensor<32xf32>
}
