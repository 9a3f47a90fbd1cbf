// RUN: tessera-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tessera-spirv-bound-temporaries))' %s | FileCheck %s

// An edge tile's temporary (a size of at most 64) becomes a 64-element
// variable viewed at the tile's size; a subview of it follows the new
// layout.

// CHECK-LABEL: func.func @edge_tile
// CHECK: %[[FULL:.+]] = memref.alloca() {alignment = 64 : i64} : memref<16x64xf32>
// CHECK: %[[VIEW:.+]] = memref.subview %[[FULL]][0, 0] [16, %{{.+}}] [1, 1] : memref<16x64xf32> to memref<16x?xf32, strided<[64, 1]>>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]] : memref<16x?xf32, strided<[64, 1]>>)
// CHECK: memref.subview %[[VIEW]][0, 0] [8, %{{.+}}] [1, 1] : memref<16x?xf32, strided<[64, 1]>> to memref<8x?xf32, strided<[64, 1]>>
// CHECK-NOT: memref.alloca(
#min = affine_map<()[s0] -> (-s0 + 96, 64)>
func.func @edge_tile(%offset: index, %out: memref<8x96xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = affine.min #min()[%offset]
  %t = memref.alloca(%n) {alignment = 64 : i64} : memref<16x?xf32>
  linalg.fill ins(%zero : f32) outs(%t : memref<16x?xf32>)
  %s = memref.subview %t[0, 0] [8, %n] [1, 1] : memref<16x?xf32> to memref<8x?xf32, strided<[?, 1]>>
  %o = memref.subview %out[0, %offset] [8, %n] [1, 1] : memref<8x96xf32> to memref<8x?xf32, strided<[96, 1], offset: ?>>
  linalg.copy ins(%s : memref<8x?xf32, strided<[?, 1]>>) outs(%o : memref<8x?xf32, strided<[96, 1], offset: ?>>)
  return
}

// -----

// A padded tile: each branch of the if fills a temporary of its own and
// yields it. One temporary, before the if, serves both (SPIR-V cannot pass
// a variable's pointer out of a branch), then gets its static bound.

// CHECK-LABEL: func.func @pad_tile
// CHECK: %[[FULL:.+]] = memref.alloca() {alignment = 64 : i64} : memref<1x32x16xf32>
// CHECK: %[[VIEW:.+]] = memref.subview %[[FULL]][0, 0, 0] [1, %{{.+}}, 16]
// CHECK: scf.if
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]]
// CHECK: } else {
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]]
// CHECK: linalg.copy
// CHECK: }
// CHECK: linalg.copy ins(%[[VIEW]]
#min2 = affine_map<()[s0] -> (-s0 + 34, 32)>
func.func @pad_tile(%offset: index, %empty: i1, %in: memref<1x32x16xf32>, %out: memref<1x34x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = affine.min #min2()[%offset]
  %r = scf.if %empty -> (memref<1x?x16xf32>) {
    %a = memref.alloca(%n) {alignment = 64 : i64} : memref<1x?x16xf32>
    linalg.fill ins(%zero : f32) outs(%a : memref<1x?x16xf32>)
    scf.yield %a : memref<1x?x16xf32>
  } else {
    %a = memref.alloca(%n) {alignment = 64 : i64} : memref<1x?x16xf32>
    linalg.fill ins(%zero : f32) outs(%a : memref<1x?x16xf32>)
    %part = memref.subview %in[0, 0, 0] [1, %n, 16] [1, 1, 1] : memref<1x32x16xf32> to memref<1x?x16xf32, strided<[512, 16, 1]>>
    linalg.copy ins(%part : memref<1x?x16xf32, strided<[512, 16, 1]>>) outs(%a : memref<1x?x16xf32>)
    scf.yield %a : memref<1x?x16xf32>
  }
  %o = memref.subview %out[0, %offset, 0] [1, %n, 16] [1, 1, 1] : memref<1x34x16xf32> to memref<1x?x16xf32, strided<[544, 16, 1], offset: ?>>
  linalg.copy ins(%r : memref<1x?x16xf32>) outs(%o : memref<1x?x16xf32, strided<[544, 16, 1], offset: ?>>)
  return
}

// -----

// A size with no constant bound (the input's) is refused at the alloca.
func.func @unbounded(%n: index) {
  // expected-error @+1 {{has a size with no constant upper bound; vulkan-spirv needs static temporaries}}
  %t = memref.alloca(%n) : memref<?xf32>
  return
}
