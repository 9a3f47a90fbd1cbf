// RUN: tessera-opt --split-input-file --verify-diagnostics --tessera-verify-input-legality %s

func.func @loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'scf.for' is not supported by tessera in a function}}
  scf.for %i = %c0 to %n step %c1 {
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @payload(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<4xf32>) outs(%a : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    // expected-error @+1 {{'memref.alloca' is not supported by tessera inside a linalg region}}
    %m = memref.alloca() : memref<f32>
    linalg.yield %x : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Linalg on buffers is legal MLIR, but not what tessera compiles: refused at
// the arguments and at the op, never a crash in dispatch formation.
// expected-error @+2 {{argument #0 of @copy is a memref ('memref<4xf32>'); tessera compiles functions on tensors}}
// expected-error @+1 {{argument #1 of @copy is a memref ('memref<4xf32>'); tessera compiles functions on tensors}}
func.func @copy(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{'linalg.copy' operates on memrefs; tessera compiles linalg on tensors}}
  linalg.copy ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
  return
}

// -----

// expected-error @+1 {{result #0 of @make is a memref ('memref<4xf32>')}}
func.func @make() -> memref<4xf32> {
  // expected-error @+1 {{'memref.alloc' is not supported by tessera in a function}}
  %m = memref.alloc() : memref<4xf32>
  return %m : memref<4xf32>
}

// -----

// A weight blob shorter than its type (4 x f32 needs 16 bytes, holds 8):
// refused at the constant, before anything reads past it.
func.func @short_blob() -> tensor<4xf32> {
  // expected-error @+1 {{constant resource 'short_weights' holds 8 bytes; its type tensor<4xf32> needs 16}}
  %w = arith.constant dense_resource<short_weights> : tensor<4xf32>
  return %w : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short_weights: "0x040000000000803F00000040"
    }
  }
#-}
