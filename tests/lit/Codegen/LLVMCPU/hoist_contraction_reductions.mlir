// RUN: tessera-opt --split-input-file --tessera-llvmcpu-hoist-contraction-reductions %s | FileCheck %s

// A matmul tile becomes a generic whose loops run i, k, j: the innermost
// loop walks a row of C and of B (it vectorizes), each C element still
// sums its products in k order.

// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : memref<32x128xf32>, memref<128x64xf32>) outs(%{{.+}} : memref<32x64xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: memref<32x128xf32>, %b: memref<128x64xf32>, %c: memref<32x64xf32>) {
  linalg.matmul ins(%a, %b : memref<32x128xf32>, memref<128x64xf32>) outs(%c : memref<32x64xf32>)
  return
}

// -----

// Already ordered (a matrix-vector product reduces over the only other
// loop), and ops on tensors or without reductions, stay as they are.

// CHECK-LABEL: func.func @untouched
// CHECK: linalg.matvec
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x8xf32>, tensor<8x2xf32>)
// CHECK: linalg.add
func.func @untouched(%m: memref<16x8xf32>, %v: memref<8xf32>, %y: memref<16xf32>, %a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %c: tensor<4x2xf32>, %x: memref<4xf32>) -> tensor<4x2xf32> {
  linalg.matvec ins(%m, %v : memref<16x8xf32>, memref<8xf32>) outs(%y : memref<16xf32>)
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  linalg.add ins(%x, %x : memref<4xf32>, memref<4xf32>) outs(%x : memref<4xf32>)
  return %r : tensor<4x2xf32>
}
