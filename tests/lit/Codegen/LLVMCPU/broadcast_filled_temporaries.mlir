// RUN: tessera-opt --split-input-file --tessera-llvmcpu-broadcast-filled-temporaries %s | FileCheck %s

// A splat's temporary (filled whole, then only read as a linalg input)
// becomes one line of the value behind a view with outer strides 0.
// CHECK-LABEL: func.func @splat_weights
// CHECK-NOT:   memref<2048x1000xf32>
// CHECK:       %[[LINE:.*]] = memref.alloca() {alignment = 64 : i64} : memref<1000xf32>
// CHECK:       %[[VIEW:.*]] = memref.reinterpret_cast %[[LINE]] to offset: [0], sizes: [2048, 1000], strides: [0, 1]
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[LINE]] : memref<1000xf32>)
// CHECK:       linalg.matmul ins(%arg0, %[[VIEW]] : memref<1x2048xf32>, memref<2048x1000xf32, strided<[0, 1]>>)
func.func @splat_weights(%a: memref<1x2048xf32>, %c: memref<1x1000xf32>) {
  %cst = arith.constant 0.5 : f32
  %b = memref.alloca() {alignment = 64 : i64} : memref<2048x1000xf32>
  linalg.fill ins(%cst : f32) outs(%b : memref<2048x1000xf32>)
  linalg.matmul ins(%a, %b : memref<1x2048xf32>, memref<2048x1000xf32>) outs(%c : memref<1x1000xf32>)
  return
}

// -----

// Written by something else too (here a copy into it), or read other than
// as a linalg input: the temporary stays.
// CHECK-LABEL: func.func @written_twice
// CHECK:       memref.alloca() : memref<64x32xf32>
// CHECK-NOT:   memref.reinterpret_cast
func.func @written_twice(%x: memref<64x32xf32>, %y: memref<64x32xf32>, %i: index) -> f32 {
  %cst = arith.constant 0.5 : f32
  %b = memref.alloca() : memref<64x32xf32>
  linalg.fill ins(%cst : f32) outs(%b : memref<64x32xf32>)
  linalg.copy ins(%x : memref<64x32xf32>) outs(%b : memref<64x32xf32>)
  linalg.copy ins(%b : memref<64x32xf32>) outs(%y : memref<64x32xf32>)
  %v = memref.load %b[%i, %i] : memref<64x32xf32>
  return %v : f32
}
