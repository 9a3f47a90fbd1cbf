// RUN: tessera-opt --split-input-file --tessera-llvmcpu-vectorize-contractions --canonicalize --cse %s | FileCheck %s

// relu(A x B + bias) into a stack temporary C, as a dispatch's tile leaves
// it: the bias broadcast gives the accumulators their starting values (no
// fill of C, no load of it) and the relu runs on the final accumulators,
// stored to the output. C is neither written nor read: no op is left on
// it, and no linalg op at all.
// CHECK-LABEL: func.func @bias_matmul_relu
// CHECK-SAME: (%[[A:.+]]: memref<32x64xf32>, %[[B:.+]]: memref<64x32xf32>, %[[BIAS:.+]]: memref<32xf32>, %[[OUT:.+]]: memref<32x32xf32>)
// CHECK-NOT: memref.alloca() {{.*}} : memref<32x32xf32>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %c32 step %c8
// CHECK:   %[[B0:.+]] = vector.load %[[BIAS]][%c0] : memref<32xf32>, vector<16xf32>
// CHECK:   %[[B1:.+]] = vector.load %[[BIAS]][%c16] : memref<32xf32>, vector<16xf32>
// CHECK:   %[[ACC:.+]]:16 = scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(%{{.+}} = %[[B0]], %{{.+}} = %[[B1]], %{{.+}} = %[[B0]]
// CHECK-COUNT-16: vector.fma
// CHECK:   %[[R:.+]] = arith.maximumf %[[ACC]]#0, %{{.+}} : vector<16xf32>
// CHECK:   vector.store %[[R]], %[[OUT]][%[[I]], %c0] : memref<32x32xf32>, vector<16xf32>
// CHECK-NOT: linalg.
// CHECK: return
#row = affine_map<(i, j) -> (j)>
#id = affine_map<(i, j) -> (i, j)>
func.func @bias_matmul_relu(%a: memref<32x64xf32>, %b: memref<64x32xf32>, %bias: memref<32xf32>, %out: memref<32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloca() {alignment = 64 : i64} : memref<32x32xf32>
  linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%a, %b : memref<32x64xf32>, memref<64x32xf32>) outs(%c : memref<32x32xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%c : memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A reduction deep enough to be blocked (1024 = 4 blocks of 256): the
// bias starts the accumulators in the first block only, C holds them
// between blocks, and the epilogue (a residual add, its input read as
// vectors) runs after the last block only. The 40 columns past the first
// panel (32 + a tail of 8) are one panel of three vectors, the last masked,
// over the whole reduction.
// CHECK-LABEL: func.func @blocked_residual
// CHECK-SAME: (%[[A:.+]]: memref<16x1024xf32>, %[[B:.+]]: memref<1024x72xf32>, %[[RES:.+]]: memref<16x72xf32>, %[[OUT:.+]]: memref<16x72xf32>)
// CHECK-DAG: %[[HALF:.+]] = arith.constant dense<5.000000e-01> : vector<16xf32>
// CHECK-DAG: %[[C:.+]] = memref.alloca() {alignment = 64 : i64} : memref<16x72xf32>
// CHECK: scf.for %[[K0:.+]] = %c0 to %c1024 step %c256
// CHECK:   %[[END:.+]] = arith.addi %[[K0]], %c256 : index
// CHECK:   %[[FIRST:.+]] = arith.cmpi eq, %[[K0]], %c0 : index
// CHECK:   scf.if %[[FIRST]] -> (vector<16xf32>
// CHECK:     scf.yield %[[HALF]], %[[HALF]],
// CHECK:   } else {
// CHECK:     vector.load %[[C]]
// CHECK:   %[[LAST:.+]] = arith.cmpi eq, %[[END]], %c1024 : index
// CHECK:   scf.if %[[LAST]] {
// CHECK:     vector.load %[[RES]]
// CHECK:     arith.addf {{.+}} : vector<16xf32>
// CHECK:     vector.store %{{.+}}, %[[OUT]]
// CHECK:   } else {
// CHECK:     vector.store %{{.+}}, %[[C]]
// CHECK: vector.maskedload %[[RES]]
// CHECK: vector.maskedstore %[[OUT]]
// CHECK-NOT: linalg.
// CHECK: return
#id2 = affine_map<(i, j) -> (i, j)>
func.func @blocked_residual(%a: memref<16x1024xf32>, %b: memref<1024x72xf32>, %res: memref<16x72xf32>, %out: memref<16x72xf32>) {
  %half = arith.constant 0.5 : f32
  %c = memref.alloca() {alignment = 64 : i64} : memref<16x72xf32>
  linalg.fill ins(%half : f32) outs(%c : memref<16x72xf32>)
  linalg.matmul ins(%a, %b : memref<16x1024xf32>, memref<1024x72xf32>) outs(%c : memref<16x72xf32>)
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%c, %res : memref<16x72xf32>, memref<16x72xf32>) outs(%out : memref<16x72xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// C is not a temporary (it is the function's argument) and is read again
// after the epilogue: neither op is absorbed; the bias still is (it is the
// last write to C before the contraction).
// CHECK-LABEL: func.func @c_read_later
// CHECK-NOT: linalg.generic {{.*}}ins(%arg2
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg3
// CHECK: return
#r = affine_map<(i, j) -> (j)>
#i = affine_map<(i, j) -> (i, j)>
func.func @c_read_later(%a: memref<16x16xf32>, %b: memref<16x32xf32>, %bias: memref<32xf32>, %c: memref<16x32xf32>, %out: memref<16x32xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  linalg.generic {indexing_maps = [#r, #i], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<32xf32>) outs(%c : memref<16x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.matmul ins(%a, %b : memref<16x16xf32>, memref<16x32xf32>) outs(%c : memref<16x32xf32>)
  linalg.generic {indexing_maps = [#i, #i], iterator_types = ["parallel", "parallel"]} ins(%c : memref<16x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  %v = memref.load %c[%c0, %c0] : memref<16x32xf32>
  return %v : f32
}
