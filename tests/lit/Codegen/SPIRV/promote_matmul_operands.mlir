// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(func.func(tessera-spirv-promote-matmul-operands))' %s | FileCheck %s

// A workgroup's 16x64 matmul tile over K = 100: the reduction is tiled by
// 32 (the last step partial), and each step's 16x32 LHS slice is copied
// into workgroup memory and read from there; the RHS stays in its binding.

// CHECK-LABEL: func.func @tile
// CHECK: %[[STAGED:.+]] = memref.alloc() : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %c100 step %c32{{(_[0-9]+)?}} {
// CHECK: %[[SIZE:.+]] = affine.min
// CHECK: %[[LHS:.+]] = memref.subview %{{.+}}[0, %[[K]]] [16, %[[SIZE]]]
// CHECK: %[[RHS:.+]] = memref.subview %{{.+}}[%[[K]], 0] [%{{.+}}, 64]
// CHECK: %[[VIEW:.+]] = memref.subview %[[STAGED]][0, 0] [%{{.+}}, %{{.+}}]
// CHECK: linalg.copy ins(%[[LHS]] : {{.+}}) outs(%[[VIEW]] : {{.+}}#gpu.address_space<workgroup>>)
// CHECK: linalg.matmul ins(%[[VIEW]], %[[RHS]] : {{.+}}) outs(%{{.+}} : memref<16x64xf32
func.func @tile(%a: memref<16x100xf32, strided<[100, 1], offset: ?>>, %b: memref<100x64xf32, strided<[64, 1], offset: ?>>, %c: memref<16x64xf32, strided<[64, 1], offset: ?>>) {
  linalg.matmul ins(%a, %b : memref<16x100xf32, strided<[100, 1], offset: ?>>, memref<100x64xf32, strided<[64, 1], offset: ?>>) outs(%c : memref<16x64xf32, strided<[64, 1], offset: ?>>)
  return
}

// -----

// One column: no invocation shares the LHS with another, nothing staged.

// CHECK-LABEL: func.func @one_column
// CHECK-NOT: memref.alloc
// CHECK-NOT: scf.for
// CHECK: linalg.matmul
func.func @one_column(%a: memref<16x100xf32>, %b: memref<100x1xf32>, %c: memref<16x1xf32>) {
  linalg.matmul ins(%a, %b : memref<16x100xf32>, memref<100x1xf32>) outs(%c : memref<16x1xf32>)
  return
}

// -----

// A slice that would not fit workgroup memory beside the temporaries
// (16 KB): left in the binding.

// CHECK-LABEL: func.func @too_big
// CHECK-NOT: workgroup
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : memref<128x100xf32>
func.func @too_big(%a: memref<128x100xf32>, %b: memref<100x64xf32>) {
  %c = memref.alloca() : memref<128x64xf32>
  linalg.matmul ins(%a, %b : memref<128x100xf32>, memref<100x64xf32>) outs(%c : memref<128x64xf32>)
  return
}
