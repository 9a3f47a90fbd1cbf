// RUN: tessera-opt --tessera-flow-form-dispatches --tessera-hal-materialize-interfaces=triple=x86_64-unknown-linux-gnu %s | FileCheck %s

// Each export carries the floating-point operations of one dispatch: the
// iteration space of each linalg op times the float arithmetic in its body.

// A 8x16 by 16x4 matmul (2 per multiply-add) fused with a bias and relu (2
// per element): 2*8*4*16 + 2*8*4 = 1088. The fill costs nothing.
// CHECK-LABEL: hal.executable private @dense_dispatch_0
// CHECK: hal.executable.export public @dense_dispatch_0_matmul_8x4
// CHECK: } attributes {flop_count = 1088 : i64}
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @dense(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %bias: tensor<4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%f : tensor<8x4xf32>) -> tensor<8x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<8x4xf32>, tensor<4xf32>) outs(%e : tensor<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %z = arith.maximumf %s, %zero : f32
    linalg.yield %z : f32
  } -> tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}

// A transpose moves data only: 0 flops, known.
// CHECK-LABEL: hal.executable private @transpose_dispatch_0
// CHECK: } attributes {flop_count = 0 : i64}
#t = affine_map<(d0, d1) -> (d1, d0)>
func.func @transpose(%a: tensor<8x4xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<8x4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// Dynamic shapes: the count is unknown at compile time, so none is given.
// CHECK-LABEL: hal.executable private @scale_dispatch_0
// CHECK: hal.executable.export public @scale_dispatch_0_elementwise_D
// CHECK-NOT: flop_count
// CHECK: func.func @scale_dispatch_0_elementwise_D()
#d = affine_map<(d0) -> (d0)>
func.func @scale(%a: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %two = arith.constant 2.0 : f32
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#d, #d], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %two : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
