// RUN: tessera-opt --pass-pipeline='builtin.module(func.func(tessera-spirv-unroll-inner-loops))' %s | FileCheck %s

// The innermost loop with a static trip count is unrolled by 4 (10
// iterations: two bodies of 4, then a loop for the last 2); the outer loop
// and the invocation-strided loop (its start is the invocation id) stay.

// CHECK-LABEL: func.func @window
// CHECK: scf.for %[[ROW:.+]] = %c0 to %c3 step %c1 {
// CHECK: scf.for %[[K:.+]] = %c0 to %c8 step %c4 {
// CHECK-COUNT-4: memref.load %{{.+}}[%[[ROW]], %{{.+}}] : memref<3x10xf32>
// CHECK-NOT: memref<3x10xf32>
// CHECK: }
// CHECK: scf.for %{{.+}} = %c8 to %c10 step %c1 {
// CHECK: %[[ID:.+]] = gpu.thread_id x
// CHECK: scf.for %{{.+}} = %[[ID]] to %c100 step %c64 {
// CHECK-NEXT: memref.store
// CHECK-NEXT: }
func.func @window(%in: memref<3x10xf32>, %acc: memref<3xf32>, %out: memref<100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c10 = arith.constant 10 : index
  %c64 = arith.constant 64 : index
  %c100 = arith.constant 100 : index
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %k = %c0 to %c10 step %c1 {
      %v = memref.load %in[%i, %k] : memref<3x10xf32>
      %a = memref.load %acc[%i] : memref<3xf32>
      %s = arith.addf %a, %v : f32
      memref.store %s, %acc[%i] : memref<3xf32>
    }
  }
  %id = gpu.thread_id x
  %zero = arith.constant 0.0 : f32
  scf.for %j = %id to %c100 step %c64 {
    memref.store %zero, %out[%j] : memref<100xf32>
  }
  return
}
