// RUN: tessera-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-spirv-flatten-bindings))' %s | FileCheck %s

// A 2-D binding becomes a 1-D one of all its elements (4 * 8 = 32, the
// count computed from its dims); loads and stores index it row-major,
// ((0 * 4 + i) * 8 + j).

// CHECK-LABEL: func.func @static_2d
// CHECK-SAME: (%[[I:.+]]: index, %[[J:.+]]: index)
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : index
// CHECK: %[[N0:.+]] = arith.muli %[[ONE]], %[[C4]] : index
// CHECK: %[[N:.+]] = arith.muli %[[N0]], %[[C8]] : index
// CHECK: %[[FLAT:.+]] = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%[[N]]}
// CHECK-NOT: memref<4x8xf32>
// CHECK: %[[Z:.+]] = arith.constant 0 : index
// CHECK: %[[R0:.+]] = arith.muli %[[Z]], %[[C4]] : index
// CHECK: %[[R:.+]] = arith.addi %[[R0]], %[[I]] : index
// CHECK: %[[L0:.+]] = arith.muli %[[R]], %[[C8]] : index
// CHECK: %[[L:.+]] = arith.addi %[[L0]], %[[J]] : index
// CHECK: %[[V:.+]] = memref.load %[[FLAT]][%[[L]]] : memref<?xf32>
// CHECK: %[[S1:.+]] = arith.addi %{{.+}}, %[[J]] : index
// CHECK: %[[S2:.+]] = arith.muli %[[S1]], %[[C8]] : index
// CHECK: %[[S:.+]] = arith.addi %[[S2]], %[[I]] : index
// CHECK: memref.store %[[V]], %[[FLAT]][%[[S]]] : memref<?xf32>
func.func @static_2d(%i: index, %j: index) {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<4x8xf32>
  %v = memref.load %0[%i, %j] : memref<4x8xf32>
  memref.store %v, %0[%j, %i] : memref<4x8xf32>
  return
}

// -----

// Dynamic dims come from the binding's dim operands; memref.dim of the
// binding becomes that dim.

// CHECK-LABEL: func.func @dynamic_rows
// CHECK-SAME: (%[[ROWS:.+]]: index, %[[I:.+]]: index)
// CHECK: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[ONE:.+]] = arith.constant 1 : index
// CHECK: %[[N0:.+]] = arith.muli %[[ONE]], %[[ROWS]] : index
// CHECK: %[[N:.+]] = arith.muli %[[N0]], %[[C3]] : index
// CHECK: %[[FLAT:.+]] = hal.interface.binding.subspan set(0) binding(1) : memref<?xi32>{%[[N]]}
// CHECK: %[[R:.+]] = arith.addi %{{.+}}, %[[I]] : index
// CHECK: %[[L0:.+]] = arith.muli %[[R]], %[[C3]] : index
// CHECK: %[[L:.+]] = arith.addi %[[L0]], %{{.+}} : index
// CHECK: memref.store %{{.+}}, %[[FLAT]][%[[L]]] : memref<?xi32>
// CHECK-NOT: memref.dim
// CHECK: return %[[ROWS]] : index
func.func @dynamic_rows(%rows: index, %i: index) -> index {
  %0 = hal.interface.binding.subspan set(0) binding(1) : memref<?x3xi32>{%rows}
  %c0 = arith.constant 0 : index
  %v = arith.constant 7 : i32
  memref.store %v, %0[%i, %c0] : memref<?x3xi32>
  %d = memref.dim %0, %c0 : memref<?x3xi32>
  return %d : index
}

// -----

// An already flat binding stays; only its dim, which SPIR-V cannot query,
// is replaced.

// CHECK-LABEL: func.func @flat
// CHECK: hal.interface.binding.subspan set(0) binding(0) : memref<16xf32>
// CHECK-NOT: memref.dim
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK: return %[[C16]]
func.func @flat() -> index {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<16xf32>
  %c0 = arith.constant 0 : index
  %d = memref.dim %0, %c0 : memref<16xf32>
  return %d : index
}

// -----

func.func @unsupported_use(%i: index) {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<4x8xf32>
  // expected-error @+1 {{uses a binding in a way SPIR-V code generation does not support}}
  %s = memref.subview %0[0, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  return
}
