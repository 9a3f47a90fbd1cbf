// RUN: tessera-opt --tessera-flow-insert-shape-checks --split-input-file %s | FileCheck %s
// RUN: tessera-opt --tessera-flow-insert-shape-checks --resolve-ranked-shaped-type-result-dims --cse --canonicalize --split-input-file %s | FileCheck %s --check-prefix=FOLDED

// Two dynamic inputs meet in loop d0: their sizes must agree at run time.
// The output was created from %a's size, so its check folds away.
// CHECK-LABEL: func.func @add(
// CHECK-SAME: %[[A:.+]]: tensor<?xf32>, %[[B:.+]]: tensor<?xf32>
// CHECK: %[[DB:.+]] = tensor.dim %[[B]], %{{.+}} : tensor<?xf32>
// CHECK: %[[SAME:.+]] = arith.cmpi eq, %{{.+}}, %[[DB]] : index
// CHECK: cf.assert %[[SAME]], "'linalg.generic': dimension 0 of operand 1 does not match dimension 0 of operand 0"
// CHECK: linalg.generic
// FOLDED-LABEL: func.func @add(
// FOLDED-COUNT-1: cf.assert
// FOLDED-NOT: cf.assert
// FOLDED: linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @add(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<?xf32>, tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// Matmul with a dynamic M and a dynamic K: K of the LHS against K of the
// RHS (static 48), M of the LHS against M of the output.
// CHECK-LABEL: func.func @matmul(
// CHECK: %[[C48:.+]] = arith.constant 48 : index
// CHECK: arith.cmpi eq, %{{.+}}, %[[C48]] : index
// CHECK: cf.assert %{{.+}}, "'linalg.matmul': dimension 0 of operand 1 does not match dimension 1 of operand 0"
// CHECK: linalg.matmul
func.func @matmul(%a: tensor<?x?xf32>, %b: tensor<48x40xf32>, %init: tensor<?x40xf32>) -> tensor<?x40xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<48x40xf32>) outs(%init : tensor<?x40xf32>) -> tensor<?x40xf32>
  return %r : tensor<?x40xf32>
}

// -----

// Static shapes need no check.
// CHECK-LABEL: func.func @static(
// CHECK-NOT: cf.assert
func.func @static(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %init: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
