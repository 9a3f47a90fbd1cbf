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

// -----

// Equal bounds but not the same elements: a promoted operand in workgroup
// memory is copied along K, then read by every invocation along the
// reduction loop. A barrier follows each op (the loop's next copy included);
// without it the matmul read the copy half-done.

// CHECK-LABEL: func.func @promoted_operand
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c32 {
// CHECK:   scf.for
// CHECK:     memref.store %{{.+}}, %[[SHARED:.+]][
// CHECK:   gpu.barrier
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       memref.load %[[SHARED]]
// CHECK:   gpu.barrier
func.func @promoted_operand(%a: memref<64xf32>, %b: memref<64x32xf32>, %c: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %shared = memref.alloc() : memref<32xf32, #gpu.address_space<workgroup>>
  scf.for %k0 = %c0 to %c64 step %c32 {
    scf.parallel (%k) = (%c0) to (%c32) step (%c1) {
      %kk = arith.addi %k0, %k : index
      %v = memref.load %a[%kk] : memref<64xf32>
      memref.store %v, %shared[%k] : memref<32xf32, #gpu.address_space<workgroup>>
    }
    scf.parallel (%n) = (%c0) to (%c32) step (%c1) {
      scf.for %k = %c0 to %c32 step %c1 {
        %x = memref.load %shared[%k] : memref<32xf32, #gpu.address_space<workgroup>>
        %kk = arith.addi %k0, %k : index
        %y = memref.load %b[%kk, %n] : memref<64x32xf32>
        %acc = memref.load %c[%n] : memref<32xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %acc, %p : f32
        memref.store %s, %c[%n] : memref<32xf32>
      }
    }
  }
  return
}

// -----

// A temporary written along the distributed loop but read along a reduction
// of equal extent is shared too, with a barrier between.

// CHECK-LABEL: func.func @read_along_reduction
// CHECK: memref.alloc() : memref<16xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
func.func @read_along_reduction(%in: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %t = memref.alloca() : memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %v = memref.load %in[%i] : memref<16xf32>
    memref.store %v, %t[%i] : memref<16xf32>
  }
  scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %t[%k] : memref<16xf32>
      %acc = memref.load %out[%j] : memref<16xf32>
      %s = arith.addf %acc, %x : f32
      memref.store %s, %out[%j] : memref<16xf32>
    }
  }
  return
}
