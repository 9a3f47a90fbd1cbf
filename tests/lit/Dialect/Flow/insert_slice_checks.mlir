// RUN: tessera-opt --split-input-file --tessera-flow-insert-slice-checks --canonicalize %s | FileCheck %s

// A slice at a run-time offset: offset >= 0, stride >= 1 and, unless the
// slice is empty, its last element inside the source, checked on the host
// before the dispatch that would read it.
// CHECK-LABEL: func.func @dynamic_offset
// CHECK-SAME: (%[[A:.+]]: tensor<?xf32>, %[[OFF:.+]]: index)
// CHECK: %[[DIM:.+]] = tensor.dim %[[A]], %c0
// CHECK: cf.assert %{{.+}}, "'tensor.extract_slice': dimension 0 of the slice (offset, size, stride) is not inside the source"
// CHECK: tensor.extract_slice %[[A]][%[[OFF]]] [4] [1]
func.func @dynamic_offset(%a: tensor<?xf32>, %off: index) -> tensor<4xf32> {
  %r = tensor.extract_slice %a[%off] [4] [1] : tensor<?xf32> to tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Static dims of a slice were checked by the verifier: only dimension 1,
// of a dynamic size in the source, is checked (for both slices).
// CHECK-LABEL: func.func @static_parts
// CHECK-NOT: dimension 0
// CHECK-COUNT-2: cf.assert %{{.+}}, "'tensor.extract_slice': dimension 1
// CHECK-NOT: cf.assert
// CHECK: return
func.func @static_parts(%a: tensor<8x?xf32>, %n: index) -> (tensor<2x3xf32>, tensor<2x?xf32>) {
  %s = tensor.extract_slice %a[1, 0] [2, 3] [1, 1] : tensor<8x?xf32> to tensor<2x3xf32>
  %t = tensor.extract_slice %a[2, 0] [2, %n] [3, 1] : tensor<8x?xf32> to tensor<2x?xf32>
  return %s, %t : tensor<2x3xf32>, tensor<2x?xf32>
}

// -----

// An insert is checked against its destination.
// CHECK-LABEL: func.func @insert
// CHECK: cf.assert %{{.+}}, "'tensor.insert_slice': dimension 0 of the slice (offset, size, stride) is not inside the destination"
// CHECK: tensor.insert_slice
func.func @insert(%a: tensor<8xf32>, %b: tensor<4xf32>, %off: index) -> tensor<8xf32> {
  %r = tensor.insert_slice %b into %a[%off] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// An insert's run-time sizes must be its source's dims: a larger one would
// copy past the end of the source.
// CHECK-LABEL: func.func @insert_dynamic_source
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>, %[[Y:.+]]: tensor<?xf32>, %[[OFF:.+]]: index, %[[N:.+]]: index)
// CHECK: cf.assert %{{.+}}, "'tensor.insert_slice': dimension 0 of the slice (offset, size, stride) is not inside the destination"
// CHECK: %[[YDIM:.+]] = tensor.dim %[[Y]], %c0
// CHECK: %[[SAME:.+]] = arith.cmpi eq, %[[N]], %[[YDIM]] : index
// CHECK: cf.assert %[[SAME]], "'tensor.insert_slice': size 0 of the slice is not dimension 0 of the source"
func.func @insert_dynamic_source(%x: tensor<?xf32>, %y: tensor<?xf32>, %off: index, %n: index) -> tensor<?xf32> {
  %r = tensor.insert_slice %y into %x[%off] [%n] [1] : tensor<?xf32> into tensor<?xf32>
  return %r : tensor<?xf32>
}
