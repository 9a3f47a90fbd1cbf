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

// An all-parallel consumer reading a producer broadcast along loops of 8
// or more values (a squeeze-excitation: the sigmoid of 240 channels
// scaling a 28x28x240 activation) does not take it: fused, the sigmoid
// would run 784 times per channel. The sweep and the pairwise patterns
// (`pairwise=false` runs the sweep alone) both leave it.
// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains=pairwise=false %s | FileCheck %s --check-prefix=SWEEP
// CHECK-LABEL: func.func @squeeze_excitation
// CHECK:       %[[S:.+]] = linalg.generic
// CHECK-SAME:    ins(%arg0 : tensor<240xf32>)
// CHECK:         math.exp
// CHECK:         arith.divf
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[S]], %arg1 : tensor<240xf32>, tensor<28x28x240xf32>)
// CHECK-NOT:     math.exp
// CHECK:       return
// SWEEP-LABEL: func.func @squeeze_excitation
// SWEEP:       linalg.generic
// SWEEP:         math.exp
// SWEEP:       linalg.generic
// SWEEP-SAME:    tensor<28x28x240xf32>
// SWEEP-NOT:     math.exp
// SWEEP:       return
#c = affine_map<(h, w, c) -> (c)>
#hwc = affine_map<(h, w, c) -> (h, w, c)>
func.func @squeeze_excitation(%s: tensor<240xf32>, %x: tensor<28x28x240xf32>) -> tensor<28x28x240xf32> {
  %one = arith.constant 1.0 : f32
  %e1 = tensor.empty() : tensor<240xf32>
  %sig = linalg.generic {indexing_maps = [affine_map<(c) -> (c)>, affine_map<(c) -> (c)>], iterator_types = ["parallel"]} ins(%s : tensor<240xf32>) outs(%e1 : tensor<240xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %x1, %one : f32
    %r = arith.divf %one, %d : f32
    linalg.yield %r : f32
  } -> tensor<240xf32>
  %e = tensor.empty() : tensor<28x28x240xf32>
  %y = linalg.generic {indexing_maps = [#c, #hwc, #hwc], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sig, %x : tensor<240xf32>, tensor<28x28x240xf32>) outs(%e : tensor<28x28x240xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<28x28x240xf32>
  return %y : tensor<28x28x240xf32>
}

// Broadcast along fewer than 8 values (2 rows), the producer is fused:
// computing it twice is cheaper than a tensor of its own.
// CHECK-LABEL: func.func @short_broadcast
// CHECK:       linalg.generic
// CHECK:         math.exp
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @short_broadcast(%s: tensor<240xf32>, %x: tensor<2x240xf32>) -> tensor<2x240xf32> {
  %e1 = tensor.empty() : tensor<240xf32>
  %ex = linalg.generic {indexing_maps = [affine_map<(c) -> (c)>, affine_map<(c) -> (c)>], iterator_types = ["parallel"]} ins(%s : tensor<240xf32>) outs(%e1 : tensor<240xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<240xf32>
  %e = tensor.empty() : tensor<2x240xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(r, c) -> (c)>, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%ex, %x : tensor<240xf32>, tensor<2x240xf32>) outs(%e : tensor<2x240xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x240xf32>
  return %y : tensor<2x240xf32>
}
