// RUN: tessera-opt --split-input-file --tessera-flow-winograd-convolutions="min-channels=2" %s | FileCheck %s
// RUN: tessera-opt --split-input-file --tessera-flow-winograd-convolutions="min-channels=2 output-tile=2" %s | FileCheck %s --check-prefix=F2
// RUN: not tessera-opt --tessera-flow-winograd-convolutions="output-tile=3" %s 2>&1 | FileCheck %s --check-prefix=BAD

// With 48 or more output tiles of 4x4 (here 7 x 7 = 49), F(4x4, 3x3): 6x6
// input tiles, 36 products per 16 outputs. For a filter of ones U[i][j] is
// the product of G's row sums (1/4, -1/2, -1/6, 7/24, 1/8, 1): U[0][0] =
// 1/16 (0x3D800000).
// CHECK-LABEL: func.func @conv28
// CHECK:       %[[V:.+]] = linalg.generic
// CHECK:       } -> tensor<6x6x1x7x7x2xf32>
// CHECK:       tensor.collapse_shape %[[V]] {{\[\[}}0, 1], [2, 3, 4], [5]] : tensor<6x6x1x7x7x2xf32> into tensor<36x49x2xf32>
// CHECK:       arith.constant dense<"0x0000803D0000803D0000803D{{[0-9A-F]+}}"> : tensor<36x1x2x3xf32>
// CHECK:       } -> tensor<1x7x4x7x4x1x3xf32>
// CHECK:       tensor.collapse_shape {{.*}} : tensor<1x7x4x7x4x1x3xf32> into tensor<1x28x28x3xf32>
// F2-LABEL:    func.func @conv28
// F2:          } -> tensor<4x4x1x14x14x2xf32>
// BAD:         output-tile must be 2 or 4, not 3
func.func @conv28(%x: tensor<1x30x30x2xf32>, %init: tensor<1x28x28x3xf32>) -> tensor<1x28x28x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x30x30x2xf32>, tensor<3x3x2x3xf32>)
         outs(%init : tensor<1x28x28x3xf32>) -> tensor<1x28x28x3xf32>
  return %r : tensor<1x28x28x3xf32>
}

// -----

// 26 rows and columns: two more of each (zero padding above and left) make
// 7 x 7 tiles; the output is then read from row and column 2.
// CHECK-DAG:   #[[SHIFTED:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + 2, d2 + 2, d3)>
// CHECK-LABEL: func.func @conv26
// CHECK:       tensor.pad %{{.+}} low[0, 2, 2, 0] high[0, 0, 0, 0]
// CHECK:       } -> tensor<6x6x1x7x7x2xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[SHIFTED]],
// CHECK:         -> tensor<1x26x26x3xf32>
// A 7x7 output has 4 tiles of 4x4 at batch 1: F(2x2, 3x3) instead.
// CHECK-LABEL: func.func @conv7
// CHECK:       } -> tensor<4x4x1x4x4x2xf32>
func.func @conv26(%x: tensor<1x28x28x2xf32>, %init: tensor<1x26x26x3xf32>) -> tensor<1x26x26x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x28x28x2xf32>, tensor<3x3x2x3xf32>)
         outs(%init : tensor<1x26x26x3xf32>) -> tensor<1x26x26x3xf32>
  return %r : tensor<1x26x26x3xf32>
}
func.func @conv7(%x: tensor<1x9x9x2xf32>, %init: tensor<1x7x7x3xf32>) -> tensor<1x7x7x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x9x9x2xf32>, tensor<3x3x2x3xf32>)
         outs(%init : tensor<1x7x7x3xf32>) -> tensor<1x7x7x3xf32>
  return %r : tensor<1x7x7x3xf32>
}
