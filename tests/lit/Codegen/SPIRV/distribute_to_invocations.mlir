// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(func.func(tessera-spirv-distribute-to-invocations))' %s | FileCheck %s

// Ops spreading the same innermost dimension: each invocation starts at
// its id and strides by 64; outer dimensions run whole in every invocation.

// CHECK-LABEL: func.func @consistent
// CHECK: %[[ID:.+]] = gpu.thread_id x
// CHECK: scf.for %[[I:.+]] = %c0 to %c4 step %c1 {
// CHECK: %[[START:.+]] = arith.addi %c0, %{{.+}}
// CHECK: scf.for %{{.+}} = %[[START]] to %c100 step %{{.+}} {
// CHECK: memref.store
// CHECK: %[[ID2:.+]] = gpu.thread_id x
// CHECK: scf.for %{{.+}} = %{{.+}} to %c100 step %{{.+}} {
// CHECK: memref.load
// CHECK-NOT: scf.parallel
func.func @consistent(%t: memref<4x100xf32>, %out: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    memref.store %zero, %t[%i, %j] : memref<4x100xf32>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %v = memref.load %t[%i, %j] : memref<4x100xf32>
    memref.store %v, %out[%i, %j] : memref<4x100xf32>
  }
  return
}

// -----

// Ops spreading different dimensions (a row's reduction, then the row's
// elements): an invocation reads what others wrote, so the temporary moves
// to workgroup memory (its subview follows), every op still spreads its
// innermost dimension, and a barrier separates the ops.

// CHECK-LABEL: func.func @inconsistent
// CHECK: %[[ROWS:.+]] = memref.alloc() {alignment = 64 : i64} : memref<8xf32, #gpu.address_space<workgroup>>
// CHECK: %[[VIEW:.+]] = memref.subview %[[ROWS]][0] [4] [1] : memref<8xf32, #gpu.address_space<workgroup>> to memref<4xf32, strided<[1]>, #gpu.address_space<workgroup>>
// CHECK: %[[ID:.+]] = gpu.thread_id x
// CHECK: %[[START:.+]] = arith.addi %c0, %{{.+}}
// CHECK: scf.for %{{.+}} = %[[START]] to %c4 step %{{.+}} {
// CHECK: memref.store %{{.+}}, %[[VIEW]]
// CHECK: gpu.barrier
// CHECK: scf.for %[[I:.+]] = %c0 to %c4 step %c1 {
// CHECK: scf.for %{{.+}} = %{{.+}} to %c100 step %{{.+}} {
// CHECK: memref.load %[[VIEW]][%[[I]]]
// CHECK-NOT: gpu.barrier
// CHECK: return
func.func @inconsistent(%out: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  %rows = memref.alloca() {alignment = 64 : i64} : memref<8xf32>
  %t = memref.subview %rows[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %t[%i] : memref<4xf32, strided<[1]>>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %v = memref.load %t[%i] : memref<4xf32, strided<[1]>>
    memref.store %v, %out[%i, %j] : memref<4x100xf32>
  }
  return
}
