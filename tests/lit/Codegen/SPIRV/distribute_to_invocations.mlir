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
// elements): an invocation could read a temporary another one wrote, so
// the tile runs in invocation 0 alone.

// CHECK-LABEL: func.func @inconsistent
// CHECK: %[[ID:.+]] = gpu.thread_id x
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[ID]], %c0
// CHECK: scf.if %[[FIRST]] {
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 {
// CHECK: scf.if
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1 {
// CHECK: scf.for %{{.+}} = %c0 to %c100 step %c1 {
func.func @inconsistent(%t: memref<4xf32>, %out: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %t[%i] : memref<4xf32>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    %v = memref.load %t[%i] : memref<4xf32>
    memref.store %v, %out[%i, %j] : memref<4x100xf32>
  }
  return
}
