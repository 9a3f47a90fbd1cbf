// RUN: tessera-opt --tessera-flow-winograd-convolutions="min-channels=2" %s | FileCheck %s
// RUN: tessera-opt --tessera-flow-winograd-convolutions %s | FileCheck %s --check-prefix=FEW
// RUN: tessera compile %s --compile-to=flow --target=llvm-cpu | FileCheck %s --check-prefix=CPU
// RUN: tessera compile %s --compile-to=flow --target=llvm-cpu,vulkan-spirv | FileCheck %s --check-prefix=VULKAN

// A stride-1 3x3 convolution with a constant filter becomes Winograd's
// F(2x2, 3x3): the input transform (16 reads of the padded input; B^T's
// entries selected by the tile position, linalg.index 3 and 4, each term
// with a coefficient 0 adding -0 instead, so that the position loops
// unrolled fold it away), a batch matmul against the filter's
// transform G g G^T (computed at compile time: for a filter of ones,
// U[i][j] is the product of G's row sums 1, 1.5, 0.5, 1) stored in panels of
// 32 columns ([16][F/32][C][32]; 3 filters: one panel of 3), and the output
// transform adding the init, on the output reshaped to
// [N][H/2][2][W/2][2][F/32][32].
// The products' maps, loops (p, fo, t, fi, c), and the map of @conv_odd's
// slice (below).
// CHECK-DAG:   #[[VMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
// CHECK-DAG:   #[[UMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG:   #[[MMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[SHIFTED:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + 1, d2, d3)>
// CHECK-LABEL: func.func @conv3x3
// CHECK:       %[[V:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[P:[^,]+]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]], %[[P]] :
// CHECK:         %[[I:.+]] = linalg.index 3 : index
// CHECK:         %[[J:.+]] = linalg.index 4 : index
// CHECK:         arith.cmpi eq, %[[I]], %{{.+}} : index
// CHECK:         arith.cmpi eq, %[[J]], %{{.+}} : index
// CHECK:         %[[NZ:.+]] = arith.constant -0.000000e+00 : f32
// CHECK:         %[[ZERO:.+]] = arith.cmpf oeq, %[[COEF:.+]], %{{.+}} : f32
// CHECK-NEXT:    %[[PROD:.+]] = arith.mulf %[[COEF]], %{{.+}} : f32
// CHECK-NEXT:    arith.select %[[ZERO]], %[[NZ]], %[[PROD]] : f32
// CHECK:       } -> tensor<4x4x1x2x3x2xf32>
// CHECK:       %[[VB:.+]] = tensor.collapse_shape %[[V]] {{\[\[}}0, 1], [2, 3, 4], [5]] : tensor<4x4x1x2x3x2xf32> into tensor<16x6x2xf32>
// CHECK:       %[[U:.+]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]], {{\[\[\[}}1.500000e+00, 1.500000e+00, 1.500000e+00], [1.500000e+00, 1.500000e+00, 1.500000e+00]]], {{\[\[\[}}5.000000e-01, {{.*}} : tensor<16x1x2x3xf32>
// CHECK:       %[[M:.+]] = linalg.generic {indexing_maps = [#[[VMAP]], #[[UMAP]], #[[MMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[VB]], %[[U]] : tensor<16x6x2xf32>, tensor<16x1x2x3xf32>) outs(%{{.+}} : tensor<16x1x6x3xf32>)
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       %[[M6:.+]] = tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2], [3, 4, 5], [6]]
// CHECK:       %[[INIT6:.+]] = tensor.expand_shape %[[INIT:[^ ]+]] {{\[\[}}0], [1, 2], [3, 4], [5, 6]]
// CHECK:       %[[Y6:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[M6]], {{.*}}, %[[INIT6]] :
// CHECK:         linalg.index 2 : index
// CHECK:         linalg.index 4 : index
// CHECK:       } -> tensor<1x2x2x3x2x1x3xf32>
// CHECK:       %[[Y:.+]] = tensor.collapse_shape %[[Y6]] {{\[\[}}0], [1, 2], [3, 4], [5, 6]] : tensor<1x2x2x3x2x1x3xf32> into tensor<1x4x6x3xf32>
// CHECK:       return %[[Y]]
// FEW-LABEL:   func.func @conv3x3
// FEW:         linalg.conv_2d_nhwc_hwcf
// FEW-NOT:     "reduction"
// FEW-LABEL:   func.func @conv32
func.func @conv3x3(%x: tensor<1x4x6x2xf32>, %init: tensor<1x4x6x3xf32>) -> tensor<1x4x6x3xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x4x6x2xf32> to tensor<1x6x8x2xf32>
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x6x8x2xf32>, tensor<3x3x2x3xf32>) outs(%init : tensor<1x4x6x3xf32>) -> tensor<1x4x6x3xf32>
  return %r : tensor<1x4x6x3xf32>
}

// In the pipeline (at least 32 channels each way), the CPU keeps one
// dispatch per transform and the batch matmul between them (the pad joins
// the input transform); with Vulkan among the targets the convolution stays
// direct.
// CPU-LABEL:   func.func @conv32(
// CPU-NOT:     pad_
// CPU:         flow.dispatch @{{.*}}elementwise_4x4x1x2x3x32
// CPU:         flow.dispatch @{{.*}}reduction_16x1x6x32
// CPU:         flow.dispatch @{{.*}}elementwise_1x2x2x3x2x1x32
// VULKAN-LABEL: func.func @conv32(
// VULKAN:      flow.dispatch @{{.*}}conv_2d_nhwc_hwcf_1x4x6x32
func.func @conv32(%x: tensor<1x4x6x32xf32>, %bias: tensor<32xf32>) -> tensor<1x4x6x32xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x4x6x32xf32> to tensor<1x6x8x32xf32>
  %w = arith.constant dense<0.5> : tensor<3x3x32x32xf32>
  %e = tensor.empty() : tensor<1x4x6x32xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(n, h, w, f) -> (f)>, affine_map<(n, h, w, f) -> (n, h, w, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<32xf32>) outs(%e : tensor<1x4x6x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x6x32xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x6x8x32xf32>, tensor<3x3x32x32xf32>) outs(%init : tensor<1x4x6x32xf32>) -> tensor<1x4x6x32xf32>
  return %r : tensor<1x4x6x32xf32>
}

// An odd height: one more row of tiles above the output, its padding merged
// into the convolution's pad (low 2 instead of 1); the output read from row
// 1 by a generic adding the init.
// CHECK-LABEL: func.func @conv_odd
// CHECK:       tensor.pad %{{.+}} low[0, 2, 1, 0] high[0, 1, 1, 0]
// CHECK:       } : tensor<1x5x6x2xf32> to tensor<1x8x8x2xf32>
// CHECK:       linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<16x9x2xf32>, tensor<16x1x2x3xf32>)
// CHECK:       %[[Y:.+]] = tensor.collapse_shape {{.*}} into tensor<1x6x6x3xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[SHIFTED]], {{.*}} ins(%[[Y]], %[[INIT:[^ ]+]] :
// CHECK:         arith.addf
// CHECK:       } -> tensor<1x5x6x3xf32>
func.func @conv_odd(%x: tensor<1x5x6x2xf32>, %init: tensor<1x5x6x3xf32>) -> tensor<1x5x6x3xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x5x6x2xf32> to tensor<1x7x8x2xf32>
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x7x8x2xf32>, tensor<3x3x2x3xf32>) outs(%init : tensor<1x5x6x3xf32>) -> tensor<1x5x6x3xf32>
  return %r : tensor<1x5x6x3xf32>
}

// Left direct: a stride of 2, a filter that is not a constant, a 1x1
// filter, a filter holding an Inf (its transform would make the whole
// output channel NaN: Inf - Inf).
// CHECK-LABEL: func.func @direct
// CHECK-COUNT-4: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT:   "reduction"
func.func @direct(%x: tensor<1x9x9x2xf32>, %wv: tensor<3x3x2x3xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x6x6x3xf32>, tensor<1x8x8x3xf32>, tensor<1x6x6x3xf32>) {
  %w = arith.constant dense<1.0> : tensor<3x3x2x3xf32>
  %w1 = arith.constant dense<1.0> : tensor<1x1x2x3xf32>
  %winf = arith.constant dense<[[[[1.0, 0x7F800000, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]]> : tensor<3x3x2x3xf32>
  %e0 = tensor.empty() : tensor<1x4x4x3xf32>
  %r0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x9x9x2xf32>, tensor<3x3x2x3xf32>) outs(%e0 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %s2 = tensor.extract_slice %x[0, 0, 0, 0] [1, 8, 8, 2] [1, 1, 1, 1] : tensor<1x9x9x2xf32> to tensor<1x8x8x2xf32>
  %e2 = tensor.empty() : tensor<1x6x6x3xf32>
  %r2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%s2, %wv : tensor<1x8x8x2xf32>, tensor<3x3x2x3xf32>) outs(%e2 : tensor<1x6x6x3xf32>) -> tensor<1x6x6x3xf32>
  %e3 = tensor.empty() : tensor<1x8x8x3xf32>
  %r3 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%s2, %w1 : tensor<1x8x8x2xf32>, tensor<1x1x2x3xf32>) outs(%e3 : tensor<1x8x8x3xf32>) -> tensor<1x8x8x3xf32>
  %e4 = tensor.empty() : tensor<1x6x6x3xf32>
  %r4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%s2, %winf : tensor<1x8x8x2xf32>, tensor<3x3x2x3xf32>) outs(%e4 : tensor<1x6x6x3xf32>) -> tensor<1x6x6x3xf32>
  return %r0, %r2, %r3, %r4 : tensor<1x4x4x3xf32>, tensor<1x6x6x3xf32>, tensor<1x8x8x3xf32>, tensor<1x6x6x3xf32>
}
