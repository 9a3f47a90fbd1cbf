// The first layers of a batch of three 32x32x16 images (64 KiB each) run
// image by image (SplitBatchIntoImages): an elementwise op, a padded
// depthwise convolution, a 1x1 convolution with a bias and a ReLU, and a
// residual add, then a second padded depthwise convolution, each image on
// a slice of the input (the depthwise filter, an argument whose dimension 0
// is also 3, is a weight); the sum over the whole batch after them mixes
// images and reads the gathered result. Checked against upstream MLIR's
// reference lowering on the CPU, inline and threaded.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: tessera compile %s --dump-ir-dir=%t.ir -o %t.tsm
// RUN: cat %t.ir/*tessera-flow-split-batch-into-images.mlir | FileCheck %s --check-prefix=SPLIT
// RUN: cat %t.ir/*tessera-flow-split-batch-into-images.mlir | FileCheck %s --check-prefix=WEIGHT
// CHECK: 1 passed, 0 failed
// SPLIT-COUNT-3: tensor.extract_slice %arg0
// SPLIT: tensor.concat dim(0)
// The depthwise filter (3x3x16, an argument) is read whole by every image:
// WEIGHT-NOT: tensor.extract_slice %arg1
// conformance: element=f32 inputs=3x32x32x16,3x3x16,1x1x16x16,16 results=3x16x16x16@1600,16@1300000

func.func @conformance(%x: tensor<3x32x32x16xf32>, %dw: tensor<3x3x16xf32>, %w: tensor<1x1x16x16xf32>, %b: tensor<16xf32>) -> (tensor<3x16x16x16xf32>, tensor<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %quarter = arith.constant 0.25 : f32
  %e0 = tensor.empty() : tensor<3x32x32x16xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<3x32x32x16xf32>) outs(%e0 : tensor<3x32x32x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %half : f32
    %s = arith.addf %m, %quarter : f32
    linalg.yield %s : f32
  } -> tensor<3x32x32x16xf32>
  %padded = tensor.pad %a low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<3x32x32x16xf32> to tensor<3x34x34x16xf32>
  %e1 = tensor.empty() : tensor<3x16x16x16xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<3x16x16x16xf32>) -> tensor<3x16x16x16xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %dw : tensor<3x34x34x16xf32>, tensor<3x3x16xf32>) outs(%f1 : tensor<3x16x16x16xf32>) -> tensor<3x16x16x16xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%e1 : tensor<3x16x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3x16x16x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%d, %w : tensor<3x16x16x16xf32>, tensor<1x1x16x16xf32>) outs(%bias : tensor<3x16x16x16xf32>) -> tensor<3x16x16x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<3x16x16x16xf32>) outs(%e1 : tensor<3x16x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<3x16x16x16xf32>
  %e2 = tensor.empty() : tensor<3x16x16x16xf32>
  %res = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %d : tensor<3x16x16x16xf32>, tensor<3x16x16x16xf32>) outs(%e2 : tensor<3x16x16x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<3x16x16x16xf32>
  %padded2 = tensor.pad %res low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<3x16x16x16xf32> to tensor<3x18x18x16xf32>
  %d2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded2, %dw : tensor<3x18x18x16xf32>, tensor<3x3x16xf32>) outs(%f1 : tensor<3x16x16x16xf32>) -> tensor<3x16x16x16xf32>
  %e3 = tensor.empty() : tensor<16xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<16xf32>) -> tensor<16xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%d2 : tensor<3x16x16x16xf32>) outs(%f3 : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %d2, %sum : tensor<3x16x16x16xf32>, tensor<16xf32>
}
