// RUN: tessera-opt --tessera-llvmcpu-fill-pad-borders --canonicalize %s | FileCheck %s

// A padded window as bufferization leaves a tensor.pad: zeros everywhere,
// then the source copied into [1, 1] x [2, 5] of a 4x8 window. Only the
// border is filled: rows 0 and 3 whole (dimension 0, before and after),
// then within rows 1-2 columns 0-1 and 7 (dimension 1); the copy follows.
// CHECK-LABEL: func.func @window
// CHECK: %[[W:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK-NOT: linalg.map
// CHECK: %[[TOP:.+]] = memref.subview %[[W]][0, 0] [1, 8] [1, 1]
// CHECK: linalg.fill ins(%[[Z:.+]] : f32) outs(%[[TOP]]
// CHECK: %[[BOTTOM:.+]] = memref.subview %[[W]][3, 0] [1, 8] [1, 1]
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%[[BOTTOM]]
// CHECK: %[[LEFT:.+]] = memref.subview %[[W]][1, 0] [2, 1] [1, 1]
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%[[LEFT]]
// CHECK: %[[RIGHT:.+]] = memref.subview %[[W]][1, 6] [2, 2] [1, 1]
// CHECK: linalg.fill ins(%[[Z]] : f32) outs(%[[RIGHT]]
// CHECK: linalg.copy
func.func @window(%src: memref<2x5xf32>) -> memref<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloca() : memref<4x8xf32>
  linalg.map outs(%w : memref<4x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %w[1, 1] [2, 5] [1, 1] : memref<4x8xf32> to memref<2x5xf32, strided<[8, 1], offset: 9>>
  linalg.copy ins(%src : memref<2x5xf32>) outs(%interior : memref<2x5xf32, strided<[8, 1], offset: 9>>)
  return %w : memref<4x8xf32>
}

// Left whole: a window read between the fill and the copy, and a fill of
// a buffer that is not a stack temporary.
// CHECK-LABEL: func.func @read_between
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[W:.+]] : memref<4x8xf32>)
// CHECK: memref.load %[[W]]
// CHECK-LABEL: func.func @not_a_temporary
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%arg1 : memref<4x8xf32>)
func.func @read_between(%src: memref<2x5xf32>, %i: index) -> f32 {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloca() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%w : memref<4x8xf32>)
  %v = memref.load %w[%i, %i] : memref<4x8xf32>
  %interior = memref.subview %w[1, 1] [2, 5] [1, 1] : memref<4x8xf32> to memref<2x5xf32, strided<[8, 1], offset: 9>>
  linalg.copy ins(%src : memref<2x5xf32>) outs(%interior : memref<2x5xf32, strided<[8, 1], offset: 9>>)
  return %v : f32
}
func.func @not_a_temporary(%src: memref<2x5xf32>, %w: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%w : memref<4x8xf32>)
  %interior = memref.subview %w[1, 1] [2, 5] [1, 1] : memref<4x8xf32> to memref<2x5xf32, strided<[8, 1], offset: 9>>
  linalg.copy ins(%src : memref<2x5xf32>) outs(%interior : memref<2x5xf32, strided<[8, 1], offset: 9>>)
  return
}

// The interior's offset is computed after the fill (as a dispatch's tile
// of a padded operand has it): the border fills go just before the copy,
// where that offset is defined.
// CHECK-LABEL: func.func @offset_after_fill
// CHECK-NOT: linalg.map
// CHECK: %[[ROW:.+]] = arith.addi %arg1, %c1
// CHECK: memref.subview %{{.+}}[%[[ROW]], 1]
// CHECK: linalg.fill
// CHECK: linalg.copy
func.func @offset_after_fill(%src: memref<2x5xf32>, %i: index) -> memref<6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1 : index
  %w = memref.alloca() : memref<6x8xf32>
  linalg.map outs(%w : memref<6x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %row = arith.addi %i, %one : index
  %interior = memref.subview %w[%row, 1] [2, 5] [1, 1] : memref<6x8xf32> to memref<2x5xf32, strided<[8, 1], offset: ?>>
  linalg.copy ins(%src : memref<2x5xf32>) outs(%interior : memref<2x5xf32, strided<[8, 1], offset: ?>>)
  return %w : memref<6x8xf32>
}
