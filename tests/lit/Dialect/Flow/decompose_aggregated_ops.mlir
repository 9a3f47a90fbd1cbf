// RUN: tessera-opt --tessera-flow-decompose-aggregated-ops %s | FileCheck %s
// RUN: tessera compile %s --compile-to=flow | FileCheck %s --check-prefix=FLOW

// linalg.softmax becomes the max, the sum of exponentials and the division
// it stands for (upstream's decomposition), which dispatch formation places.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT:   linalg.softmax
// CHECK:       linalg.generic {{.*}}"parallel", "reduction"
// CHECK:         arith.maxnumf
// CHECK:       math.exp
// CHECK:       arith.addf
// CHECK:       arith.divf
// FLOW-LABEL:  func.func @softmax
// FLOW:        flow.dispatch
// FLOW-NOT:    linalg.softmax
func.func @softmax(%x: tensor<4x1000xf32>) -> tensor<4x1000xf32> {
  %e = tensor.empty() : tensor<4x1000xf32>
  %r = linalg.softmax dimension(1) ins(%x : tensor<4x1000xf32>) outs(%e : tensor<4x1000xf32>) -> tensor<4x1000xf32>
  return %r : tensor<4x1000xf32>
}
