// RUN: tessera-opt --tessera-flow-panel-major-filters --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=1000 %s | FileCheck %s
// RUN: tessera compile %s --compile-to=flow --target=llvm-cpu | FileCheck %s --check-prefix=CPU
// RUN: tessera compile %s --compile-to=flow --target=llvm-cpu,vulkan-spirv | FileCheck %s --check-prefix=VULKAN

// A convolution with a constant filter and a multiple of 32 output channels
// reads its filter panel-major, [F/32][KH][KW][C][32], through a generic
// over its output reshaped to [N][OH][OW][F/32][32]. The filter here holds
// c * 64 + f at [0][0][c][f]: panel 0 is rows 0..31 then 64..95, panel 1
// rows 32..63 then 96..127. A fill init is made again in the new shape.
// CHECK-DAG:   #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 + d5, d2 + d6, d7)>
// CHECK-DAG:   #[[FILTER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d3, d5, d6, d7, d4)>
// CHECK-DAG:   #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv1x1
// CHECK:       %[[PANELS:.+]] = arith.constant dense<{{\[\[\[\[\[}}0.000000e+00, 1.000000e+00, {{.*}}, 3.100000e+01], [6.400000e+01, {{.*}}, 9.500000e+01]]]], {{\[\[\[\[}}3.200000e+01, {{.*}}, 6.300000e+01], [9.600000e+01, {{.*}}, 1.270000e+02]]]]]> : tensor<2x1x1x2x32xf32>
// CHECK:       %[[EMPTY:.+]] = tensor.empty() : tensor<1x4x4x2x32xf32>
// CHECK:       %[[FILL:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[EMPTY]] : tensor<1x4x4x2x32xf32>)
// CHECK:       %[[SPLIT:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[FILTER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %[[PANELS]] : tensor<1x4x4x2xf32>, tensor<2x1x1x2x32xf32>) outs(%[[FILL]] : tensor<1x4x4x2x32xf32>)
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       %[[Y:.+]] = tensor.collapse_shape %[[SPLIT]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x4x4x2x32xf32> into tensor<1x4x4x64xf32>
// CHECK:       return %[[Y]]
// In the pipeline, the llvm-cpu dispatch is named a convolution still, on
// its output's split shape; a module also compiled for Vulkan keeps the
// HWCF convolution.
// CPU-LABEL:   func.func @conv1x1(
// CPU:         flow.dispatch @{{.*}}conv_1x4x4x2x32
// VULKAN-LABEL: func.func @conv1x1(
// VULKAN:      flow.dispatch @{{.*}}conv_2d_nhwc_hwcf_1x4x4x64
func.func @conv1x1(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x64xf32> {
  %w = arith.constant dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0], [64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0]]]]> : tensor<1x1x2x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x2x64xf32>) outs(%f : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  return %y : tensor<1x4x4x64xf32>
}

// -----

// Strides and dilations go into the input's map; any other init (a bias
// spread over the output) is reshaped.
// CHECK-DAG:   #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5 * 2, d2 * 3 + d6, d7)>
// CHECK-LABEL: func.func @strided
// CHECK:       %[[INIT:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 3, 2, 1, 32] : tensor<1x3x2x32xf32> into tensor<1x3x2x1x32xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[IN]],
// CHECK-SAME:    outs(%[[INIT]] : tensor<1x3x2x1x32xf32>)
func.func @strided(%x: tensor<1x9x8x3xf32>, %bias: tensor<32xf32>) -> tensor<1x3x2x32xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x3x32xf32>
  %e = tensor.empty() : tensor<1x3x2x32xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(n, h, w, f) -> (f)>, affine_map<(n, h, w, f) -> (n, h, w, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<32xf32>) outs(%e : tensor<1x3x2x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x3x2x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>} ins(%x, %w : tensor<1x9x8x3xf32>, tensor<3x3x3x32xf32>) outs(%b : tensor<1x3x2x32xf32>) -> tensor<1x3x2x32xf32>
  return %y : tensor<1x3x2x32xf32>
}

// -----

// 48 output channels over 16 pixels: the filter is stored in two panels,
// the second padded with 16 zero columns, read through f floordiv 32 and
// f mod 32; the output keeps its shape (no reshape) and the dispatch is
// named a convolution still.
// CHECK-DAG:   #[[PIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 + d5, d6)>
// CHECK-DAG:   #[[PFILTER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3 floordiv 32, d4, d5, d6, d3 mod 32)>
// CHECK-DAG:   #[[POUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @padded_panel
// CHECK:       %[[PANELS:.+]] = arith.constant dense<{{\[\[\[\[\[}}1.000000e+00, {{.*}}, 1.000000e+00], {{.*}}{{\[\[\[\[}}1.000000e+00, {{.*}}, 1.000000e+00, 0.000000e+00, {{.*}}, 0.000000e+00]]]]]> : tensor<2x1x1x8x32xf32>
// CHECK:       %[[Y:.+]] = linalg.generic {indexing_maps = [#[[PIN]], #[[PFILTER]], #[[POUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %[[PANELS]] : tensor<1x4x4x8xf32>, tensor<2x1x1x8x32xf32>) outs(%{{.+}} : tensor<1x4x4x48xf32>)
// CHECK:       return %[[Y]]
// CPU-LABEL:   func.func @padded_panel(
// CPU:         flow.dispatch @{{.*}}conv_1x4x4x48
func.func @padded_panel(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w48 = arith.constant dense<1.0> : tensor<1x1x8x48xf32>
  %e48 = tensor.empty() : tensor<1x4x4x48xf32>
  %f48 = linalg.fill ins(%zero : f32) outs(%e48 : tensor<1x4x4x48xf32>) -> tensor<1x4x4x48xf32>
  %y48 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w48 : tensor<1x4x4x8xf32>, tensor<1x1x8x48xf32>) outs(%f48 : tensor<1x4x4x48xf32>) -> tensor<1x4x4x48xf32>
  return %y48 : tensor<1x4x4x48xf32>
}

// -----

// One pixel (a squeeze-excitation layer's product), 48 channels: two
// panels, the second padded, so that each column workgroup's walk down
// the filter reads one contiguous run per panel.
// CHECK-LABEL: func.func @padded_panel_one_pixel
// CHECK:       linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %{{.+}} : tensor<1x1x1x8xf32>, tensor<2x1x1x8x32xf32>) outs(%{{.+}} : tensor<1x1x1x48xf32>)
// CHECK-NOT:   linalg.conv_2d_nhwc_hwcf
func.func @padded_panel_one_pixel(%p: tensor<1x1x1x8xf32>) -> tensor<1x1x1x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w48 = arith.constant dense<1.0> : tensor<1x1x8x48xf32>
  %e1 = tensor.empty() : tensor<1x1x1x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x1x1x48xf32>) -> tensor<1x1x1x48xf32>
  %y1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w48 : tensor<1x1x1x8xf32>, tensor<1x1x8x48xf32>) outs(%f1 : tensor<1x1x1x48xf32>) -> tensor<1x1x1x48xf32>
  return %y1 : tensor<1x1x1x48xf32>
}

// -----

// Left as they are: a filter that is no constant, fewer than 32 output
// channels (a small filter is read in place), and channels that are no
// multiple of 32 at 2-15 pixels (register tiles read the filter's rows in
// place).
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:   linalg.generic
// CHECK:       linalg.conv_2d_nhwc_hwcf
// CHECK:       linalg.conv_2d_nhwc_hwcf
// CHECK:       linalg.conv_2d_nhwc_hwcf
// CHECK-NOT:   linalg.generic
func.func @untouched(%x: tensor<1x4x4x8xf32>, %w: tensor<1x1x8x32xf32>, %p: tensor<1x2x2x8xf32>) -> (tensor<1x4x4x32xf32>, tensor<1x4x4x24xf32>, tensor<1x2x2x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %w24 = arith.constant dense<1.0> : tensor<1x1x8x24xf32>
  %w48 = arith.constant dense<1.0> : tensor<1x1x8x48xf32>
  %e = tensor.empty() : tensor<1x4x4x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x32xf32>) outs(%f : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %e24 = tensor.empty() : tensor<1x4x4x24xf32>
  %f24 = linalg.fill ins(%zero : f32) outs(%e24 : tensor<1x4x4x24xf32>) -> tensor<1x4x4x24xf32>
  %y24 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w24 : tensor<1x4x4x8xf32>, tensor<1x1x8x24xf32>) outs(%f24 : tensor<1x4x4x24xf32>) -> tensor<1x4x4x24xf32>
  %e1 = tensor.empty() : tensor<1x2x2x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2x2x48xf32>) -> tensor<1x2x2x48xf32>
  %y1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w48 : tensor<1x2x2x8xf32>, tensor<1x1x8x48xf32>) outs(%f1 : tensor<1x2x2x48xf32>) -> tensor<1x2x2x48xf32>
  return %y, %y24, %y1 : tensor<1x4x4x32xf32>, tensor<1x4x4x24xf32>, tensor<1x2x2x48xf32>
}

// -----

// A matmul of a few rows (a classifier's) by a constant B of 1 MiB and
// 520 columns: B stored in 17 panels of 32, the last padded, read through
// j floordiv 32 and j mod 32. Left as they are: a matmul of more than 8
// rows, one by a B that is no constant, and one by a small B (an MLP's
// hidden layer, in the caches however it is laid out).
// CHECK-DAG:   #[[MA:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[MB:.+]] = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2, d1 mod 32)>
// CHECK-DAG:   #[[MC:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @few_rows_matmul
// CHECK:       %[[W:.+]] = arith.constant dense_resource<panel_major_weights> : tensor<17x512x32xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[MA]], #[[MB]], #[[MC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[W]] : tensor<2x512xf32>, tensor<17x512x32xf32>) outs(%{{.+}} : tensor<2x520xf32>)
// CHECK:       linalg.matmul ins(%arg1, %{{.+}} : tensor<9x512xf32>, tensor<512x520xf32>)
// CHECK:       linalg.matmul ins(%arg0, %arg2 : tensor<2x512xf32>, tensor<512x520xf32>)
// CHECK:       linalg.matmul ins(%arg3, %{{.+}} : tensor<2x16xf32>, tensor<16x40xf32>)
// CPU-LABEL:   func.func @few_rows_matmul(
// CPU:         flow.dispatch @{{.*}}matmul_2x520
func.func @few_rows_matmul(%a: tensor<2x512xf32>, %tall: tensor<9x512xf32>, %b: tensor<512x520xf32>, %s: tensor<2x16xf32>) -> (tensor<2x520xf32>, tensor<9x520xf32>, tensor<2x520xf32>, tensor<2x40xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<512x520xf32>
  %small = arith.constant dense<0.25> : tensor<16x40xf32>
  %e = tensor.empty() : tensor<2x520xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x520xf32>) -> tensor<2x520xf32>
  %y = linalg.matmul ins(%a, %w : tensor<2x512xf32>, tensor<512x520xf32>) outs(%f : tensor<2x520xf32>) -> tensor<2x520xf32>
  %e9 = tensor.empty() : tensor<9x520xf32>
  %f9 = linalg.fill ins(%zero : f32) outs(%e9 : tensor<9x520xf32>) -> tensor<9x520xf32>
  %y9 = linalg.matmul ins(%tall, %w : tensor<9x512xf32>, tensor<512x520xf32>) outs(%f9 : tensor<9x520xf32>) -> tensor<9x520xf32>
  %yb = linalg.matmul ins(%a, %b : tensor<2x512xf32>, tensor<512x520xf32>) outs(%f : tensor<2x520xf32>) -> tensor<2x520xf32>
  %e40 = tensor.empty() : tensor<2x40xf32>
  %f40 = linalg.fill ins(%zero : f32) outs(%e40 : tensor<2x40xf32>) -> tensor<2x40xf32>
  %ys = linalg.matmul ins(%s, %small : tensor<2x16xf32>, tensor<16x40xf32>) outs(%f40 : tensor<2x40xf32>) -> tensor<2x40xf32>
  return %y, %y9, %yb, %ys : tensor<2x520xf32>, tensor<9x520xf32>, tensor<2x520xf32>, tensor<2x40xf32>
}
