// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(func.func(tessera-spirv-inline-splat-constants))' %s | FileCheck %s

// A fill and a splat constant read by an elementwise op become scalars in
// its body: no tensor of them is left to tile into temporaries.

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[A:.+]]: tensor<4x8xf32>)
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2.0
// CHECK-DAG: %[[THREE:.+]] = arith.constant 3.0
// CHECK: linalg.generic {{.+}} ins(%[[A]] : tensor<4x8xf32>) outs(
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[X]], %[[TWO]]
// CHECK-NEXT: arith.mulf %[[SUM]], %[[THREE]]
#m = affine_map<(i, j) -> (i, j)>
func.func @elementwise(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = arith.constant 2.0 : f32
  %three = arith.constant dense<3.0> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.fill ins(%c : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#m, #m, #m, #m], iterator_types = ["parallel", "parallel"]} ins(%a, %s, %three : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %sum = arith.addf %x, %y : f32
    %p = arith.mulf %sum, %z : f32
    linalg.yield %p : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A matmul with a splat right-hand side is generalized and reads the
// scalar. A convolution's window dimensions have no extent but the
// filter's: an unread empty 3x3 tensor keeps them, the body reads the
// scalar.

// CHECK-LABEL: func.func @named
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.0
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}} : tensor<4x16xf32>)
// CHECK: %[[WINDOW:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %[[WINDOW]] : tensor<1x8x8x3xf32>, tensor<3x3xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[OUT:.+]]: f32):
// CHECK-NEXT: %[[PRODUCT:.+]] = arith.mulf %[[IN]], %[[ONE]]
// CHECK-NEXT: arith.addf %[[OUT]], %[[PRODUCT]]
// CHECK-NOT: linalg.conv
func.func @named(%a: tensor<4x16xf32>, %x: tensor<1x8x8x3xf32>, %acc: tensor<4x8xf32>, %out: tensor<1x6x6x4xf32>) -> (tensor<4x8xf32>, tensor<1x6x6x4xf32>) {
  %one = arith.constant 1.0 : f32
  %eb = tensor.empty() : tensor<16x8xf32>
  %b = linalg.fill ins(%one : f32) outs(%eb : tensor<16x8xf32>) -> tensor<16x8xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  %ew = tensor.empty() : tensor<3x3x3x4xf32>
  %w = linalg.fill ins(%one : f32) outs(%ew : tensor<3x3x3x4xf32>) -> tensor<3x3x3x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%out : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %m, %c : tensor<4x8xf32>, tensor<1x6x6x4xf32>
}
