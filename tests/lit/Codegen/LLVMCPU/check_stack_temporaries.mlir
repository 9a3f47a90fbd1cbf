// RUN: tessera-opt --split-input-file --verify-diagnostics --tessera-llvmcpu-check-stack-temporaries %s | FileCheck %s

// Temporaries within the limit (static, and dynamic with a bound from the
// tile's affine.min) pass unchanged, with no check.
// CHECK-LABEL: func.func @within
// CHECK-NOT:   cf.assert
func.func @within(%n: index, %x: memref<?x64xf32>) {
  %c = affine.min affine_map<(d0) -> (d0, 512)>(%n)
  %window = memref.alloca(%c) : memref<?x64x16xf32>
  %panel = memref.alloca() : memref<256x32xf32>
  linalg.copy ins(%panel : memref<256x32xf32>) outs(%panel : memref<256x32xf32>)
  linalg.copy ins(%window : memref<?x64x16xf32>) outs(%window : memref<?x64x16xf32>)
  return
}

// -----

// Past 6 MiB in all (a padded window over 2048 channels), refused at the
// largest one.
func.func @too_large(%x: memref<4xf32>) {
  %panel = memref.alloca() : memref<256x32xf32>
  // expected-error @+1 {{a workgroup of 'too_large' needs 7.3 MiB of temporaries (this one 7.3 MiB, 'memref<1x31x30x2048xf32>'), more than the 6.0 MiB of stack}}
  %window = memref.alloca() : memref<1x31x30x2048xf32>
  linalg.copy ins(%panel : memref<256x32xf32>) outs(%panel : memref<256x32xf32>)
  linalg.copy ins(%window : memref<1x31x30x2048xf32>) outs(%window : memref<1x31x30x2048xf32>)
  return
}

// -----

// A size known only at run time (an untiled dynamic dimension) is checked
// before its temporary, against what the others leave: at most
// (6 MiB - 32 KiB) / (64 * 4) rows.
// CHECK-LABEL: func.func @unbounded
// CHECK:       %[[LIMIT:.*]] = arith.constant 6258688 : index
// CHECK:       arith.divui %[[LIMIT]]
// CHECK:       arith.cmpi ule, %arg0
// CHECK:       cf.assert %{{.*}}, "a temporary needs more stack than the llvm-cpu backend allows"
// CHECK-NEXT:  memref.alloca(%arg0) : memref<?x64xf32>
func.func @unbounded(%n: index) {
  %panel = memref.alloca() : memref<256x32xf32>
  %rows = memref.alloca(%n) : memref<?x64xf32>
  linalg.copy ins(%panel : memref<256x32xf32>) outs(%panel : memref<256x32xf32>)
  linalg.copy ins(%rows : memref<?x64xf32>) outs(%rows : memref<?x64xf32>)
  return
}
