// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(func.func(tessera-spirv-parallel-loops-outermost))' %s | FileCheck %s
// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(func.func(tessera-spirv-parallel-loops-outermost),convert-linalg-to-parallel-loops,func.func(tessera-spirv-distribute-to-invocations))' %s | FileCheck %s --check-prefix=LOOPS

// A mean over H and W of NHWC (parallel, reduction, reduction, parallel):
// the parallel loops move outermost, the reductions innermost, so that one
// scf.parallel spreads C over the invocations (it used to be a second
// scf.parallel inside the reduction loops, refused as "nested parallel
// loops are not supported").
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @mean_hw
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// LOOPS-LABEL: func.func @mean_hw
// LOOPS: gpu.thread_id x
// LOOPS: scf.for %{{.+}} = %c0 to %c2 step %c1 {
// LOOPS:   scf.for %[[C:.+]] = %{{.+}} to %c40 step %{{.+}} {
// LOOPS:     scf.for %{{.+}} = %c0 to %c7 step %c1 {
// LOOPS:       scf.for %{{.+}} = %c0 to %c9 step %c1 {
// LOOPS-NOT: scf.parallel
func.func @mean_hw(%x: memref<2x7x9x40xf32>, %out: memref<2x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : memref<2x7x9x40xf32>) outs(%out : memref<2x40xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Named ops whose reductions come first (batch_reduce_matmul: b, m, n, k)
// are generalized and interchanged too.
// CHECK-LABEL: func.func @batch_reduce
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
func.func @batch_reduce(%a: memref<3x4x5xf32>, %b: memref<3x5x6xf32>, %c: memref<4x6xf32>) {
  linalg.batch_reduce_matmul ins(%a, %b : memref<3x4x5xf32>, memref<3x5x6xf32>) outs(%c : memref<4x6xf32>)
  return
}

// -----

// Already parallel-first: left alone (still a named op).
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.matmul
func.func @matmul(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf32>) {
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32>)
  return
}
