// RUN: tessera-opt --tessera-flow-convert-tensor-slices-to-linalg --canonicalize %s | FileCheck %s

// A strided slice: a copy reading d * stride + offset (tiles read only their
// part of the source).
// CHECK-DAG: #[[STRIDED:.+]] = affine_map<(d0, d1) -> (d0 * 2 + 1, d1 * 2 + 2)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @strided
// CHECK: linalg.generic {indexing_maps = [#[[STRIDED]], #[[ID]]]
// CHECK-SAME: ins(%arg0 : tensor<9x17xf32>)
// CHECK-NOT: tensor.extract_slice
func.func @strided(%x: tensor<9x17xf32>) -> tensor<4x6xf32> {
  %s = tensor.extract_slice %x[1, 2] [4, 6] [2, 2] : tensor<9x17xf32> to tensor<4x6xf32>
  return %s : tensor<4x6xf32>
}

// Leading rows: a plain `d0` would give the loop the source's extent, so
// the slice reads each element at linalg.index instead.
// CHECK-LABEL: func.func @rows
// CHECK: linalg.generic {indexing_maps = [#[[ID]]]
// CHECK: %[[I:.+]] = linalg.index 0
// CHECK: %[[J:.+]] = linalg.index 1
// CHECK: tensor.extract %arg0[%[[I]], %[[J]]] : tensor<9x17xf32>
func.func @rows(%x: tensor<9x17xf32>) -> tensor<5x17xf32> {
  %s = tensor.extract_slice %x[0, 0] [5, 17] [1, 1] : tensor<9x17xf32> to tensor<5x17xf32>
  return %s : tensor<5x17xf32>
}

// A strided insertion: the destination everywhere but at the slice's
// elements, where the source index is clamped into range.
// CHECK-LABEL: func.func @insert
// CHECK: linalg.generic {{.+}} ins(%arg1 : tensor<12x20xf32>)
// CHECK: ^bb0(%[[DEST:.+]]: f32, %{{.+}}: f32):
// CHECK: arith.remsi
// CHECK: arith.minsi
// CHECK: %[[SRC:.+]] = tensor.extract %arg0[%{{.+}}, %{{.+}}] : tensor<4x6xf32>
// CHECK: arith.select %{{.+}}, %[[SRC]], %[[DEST]] : f32
// CHECK-NOT: tensor.insert_slice
func.func @insert(%x: tensor<4x6xf32>, %d: tensor<12x20xf32>) -> tensor<12x20xf32> {
  %r = tensor.insert_slice %x into %d[1, 3] [4, 6] [3, 2] : tensor<4x6xf32> into tensor<12x20xf32>
  return %r : tensor<12x20xf32>
}

// A concatenation: each operand read at the index relative to its start,
// the one whose range holds the index chosen.
// CHECK-LABEL: func.func @concat
// CHECK-DAG: %[[C9:.+]] = arith.constant 9 : index
// CHECK: linalg.generic {indexing_maps = [#[[ID]]]
// CHECK: %[[A:.+]] = tensor.extract %arg0
// CHECK: %[[REL:.+]] = arith.subi %{{.+}}, %[[C9]]
// CHECK: %[[B:.+]] = tensor.extract %arg1
// CHECK: %[[PAST:.+]] = arith.cmpi sge, %[[REL]]
// CHECK: arith.select %[[PAST]], %[[B]], %[[A]]
// CHECK-NOT: tensor.concat
func.func @concat(%a: tensor<9x17xf32>, %b: tensor<3x17xf32>) -> tensor<12x17xf32> {
  %c = tensor.concat dim(0) %a, %b : (tensor<9x17xf32>, tensor<3x17xf32>) -> tensor<12x17xf32>
  return %c : tensor<12x17xf32>
}
