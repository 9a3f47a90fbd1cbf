// RUN: tessera-opt --split-input-file --tessera-flow-form-dispatches %s | FileCheck %s
// RUN: tessera-opt --split-input-file --tessera-flow-form-dispatches=fuse-pads=false %s | FileCheck %s --check-prefix=NOPADS

// Matmul + bias + relu: one dispatch, fill and empty folded in.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// CHECK: flow.executable private @mm_bias_relu_dispatch_0
// CHECK-NEXT: flow.executable.export public @mm_bias_relu_dispatch_0_matmul_4x8
// CHECK: func.func @mm_bias_relu_dispatch_0_matmul_4x8(%{{.+}}: tensor<4x3xf32>, %{{.+}}: tensor<3x8xf32>, %{{.+}}: tensor<8xf32>) -> tensor<4x8xf32>
// CHECK: linalg.fill
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK-NOT: flow.executable
// CHECK-LABEL: func.func @mm_bias_relu(
// CHECK: %[[R:.+]] = flow.dispatch @mm_bias_relu_dispatch_0::@mm_bias_relu_dispatch_0_matmul_4x8[%c4, %c8](%arg0, %arg1, %arg2) : (tensor<4x3xf32>, tensor<3x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK-NOT: linalg.
// CHECK: return %[[R]]
func.func @mm_bias_relu(%a: tensor<4x3xf32>, %b: tensor<3x8xf32>, %bias: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x3xf32>, tensor<3x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %z = arith.maximumf %s, %zero : f32
    linalg.yield %z : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Two independent matmuls: two dispatches, each with its own fill.
// CHECK: flow.executable private @two_matmuls_dispatch_0
// CHECK: linalg.fill
// CHECK: linalg.matmul
// CHECK: flow.executable private @two_matmuls_dispatch_1
// CHECK: linalg.fill
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @two_matmuls(
// CHECK: %[[A:.+]] = flow.dispatch @two_matmuls_dispatch_0::@two_matmuls_dispatch_0_matmul_4x4
// CHECK: %[[B:.+]] = flow.dispatch @two_matmuls_dispatch_1::@two_matmuls_dispatch_1_matmul_4x4
// CHECK: return %[[A]], %[[B]]
func.func @two_matmuls(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Dynamic shapes: dims are computed on the host and passed along.
#id1 = affine_map<(d0) -> (d0)>
// CHECK: flow.executable private @dynamic_dispatch_0
// CHECK: func.func @dynamic_dispatch_0_elementwise_D(%[[ARG_N:.+]]: index, %{{.+}}: tensor<?xf32>) -> tensor<?xf32>
// CHECK: tensor.empty(%[[ARG_N]]) : tensor<?xf32>
// CHECK-LABEL: func.func @dynamic(
// CHECK: %[[N:.+]] = tensor.dim %arg0, %c0
// CHECK: %[[M:.+]] = tensor.dim %arg0
// CHECK: flow.dispatch @dynamic_dispatch_0::@dynamic_dispatch_0_elementwise_D[%[[N]]](%[[N]], %arg0) : (index, tensor<?xf32>{%[[M]]}) -> tensor<?xf32>{%[[N]]}
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// A bias broadcast over a convolution's output as its init: cloned into the
// convolution's dispatch (recomputed per tile from the 16 values) rather
// than written out by a dispatch of its own and read back.
// CHECK-LABEL: flow.executable private @conv_bias_init_dispatch_0
// CHECK:       func.func @conv_bias_init_dispatch_0_conv_2d_nhwc_hwcf_1x8x8x16(%{{.+}}: tensor<16xf32>
// CHECK:         %[[B:.+]] = linalg.generic
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.+}} outs(%[[B]] :
// CHECK-NOT:   flow.executable
// CHECK-LABEL: func.func @conv_bias_init(
// CHECK-COUNT-1: flow.dispatch
// CHECK-NOT:     flow.dispatch
func.func @conv_bias_init(%x: tensor<1x8x8x8xf32>, %w: tensor<1x1x8x16xf32>, %bias: tensor<16xf32>) -> tensor<1x8x8x16xf32> {
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x8x8x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x8x8xf32>, tensor<1x1x8x16xf32>) outs(%b : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %c : tensor<1x8x8x16xf32>
}

// -----

// A convolution's padding joins its dispatch: each tile pads the input
// window it reads, no dispatch writes the padded tensor out first. With
// fuse-pads=false (a module also compiled for Vulkan) the pad roots a
// dispatch of its own.
// CHECK-LABEL: func.func @pad_conv_dispatch_0_conv_2d_nhwc_hwcf_1x8x8x16(
// CHECK:         tensor.pad
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK-LABEL: func.func @pad_conv(
// CHECK-COUNT-1: flow.dispatch
// CHECK-NOT:     flow.dispatch
// NOPADS-LABEL: func.func @pad_conv_dispatch_0_pad_1x10x10x8(
// NOPADS-LABEL: func.func @pad_conv_dispatch_1_conv_2d_nhwc_hwcf_1x8x8x16(
// NOPADS-NOT:     tensor.pad
// NOPADS-LABEL: func.func @pad_conv(
// NOPADS-COUNT-2: flow.dispatch
func.func @pad_conv(%x: tensor<1x8x8x8xf32>, %w: tensor<3x3x8x16xf32>) -> tensor<1x8x8x16xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<1x8x8x8xf32> to tensor<1x10x10x8xf32>
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x10x10x8xf32>, tensor<3x3x8x16xf32>) outs(%f : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %c : tensor<1x8x8x16xf32>
}

// -----

// A fill read by a dispatch (cloned into it) and by the host program (a
// reshape): it roots a dispatch of its own for the host's use, and the
// elementwise dispatch keeps its clone (this used to erase the fill that
// the second dispatch still held, and crash).
// CHECK-LABEL: func.func @fill_also_on_host_dispatch_1_elementwise_4x3x8(
// CHECK:         %[[F:.+]] = linalg.fill
// CHECK:         linalg.generic {{.+}} ins(%[[F]] :
// CHECK-LABEL: func.func @fill_also_on_host(
// CHECK:         %[[D0:.+]] = flow.dispatch @fill_also_on_host_dispatch_0
// CHECK:         %[[D1:.+]] = flow.dispatch @fill_also_on_host_dispatch_1
// CHECK:         tensor.collapse_shape %[[D0]]
func.func @fill_also_on_host(%x: f32) -> (tensor<4x3x8xf32>, tensor<12x8xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x3x8xf32>
  %b = linalg.fill ins(%one : f32) outs(%e : tensor<4x3x8xf32>) -> tensor<4x3x8xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%b : tensor<4x3x8xf32>) outs(%e : tensor<4x3x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %x : f32
    linalg.yield %a : f32
  } -> tensor<4x3x8xf32>
  %c = tensor.collapse_shape %b [[0, 1], [2]] : tensor<4x3x8xf32> into tensor<12x8xf32>
  return %g, %c : tensor<4x3x8xf32>, tensor<12x8xf32>
}

// -----

// A root reading one reduction by rows and another by columns keeps no
// tileable loop: its dispatch runs as one workgroup, every tensor inside
// it a whole stack temporary. With the two 512x512 products inside (2 MiB)
// that is past kMaxUntiledTemporaryBytes, so the products stay dispatches
// of their own (a fused trio of 1024x1024 ones had overflowed an 8 MiB
// thread stack); the reductions (2 KiB) join the root.
// CHECK: func.func @rows_and_columns_reduced_dispatch_0_matmul_512x512(
// CHECK: func.func @rows_and_columns_reduced_dispatch_1_matmul_512x512(
// CHECK: func.func @rows_and_columns_reduced_dispatch_2_reduction_512x512(
// CHECK-NOT: linalg.matmul
// CHECK: return
// CHECK-LABEL: func.func @rows_and_columns_reduced(
// CHECK-COUNT-3: flow.dispatch
func.func @rows_and_columns_reduced(%x: tensor<512x512xf32>, %w0: tensor<512x512xf32>, %w1: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x512xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<512x512xf32>) -> tensor<512x512xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<512x512xf32>, tensor<512x512xf32>) outs(%f : tensor<512x512xf32>) -> tensor<512x512xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<512x512xf32>, tensor<512x512xf32>) outs(%f : tensor<512x512xf32>) -> tensor<512x512xf32>
  %ev = tensor.empty() : tensor<512xf32>
  %fv = linalg.fill ins(%zero : f32) outs(%ev : tensor<512xf32>) -> tensor<512xf32>
  %r0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%m0 : tensor<512x512xf32>) outs(%fv : tensor<512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<512xf32>
  %r1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%m1 : tensor<512x512xf32>) outs(%fv : tensor<512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<512xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m0, %r0, %m1, %r1 : tensor<512x512xf32>, tensor<512xf32>, tensor<512x512xf32>, tensor<512xf32>) outs(%e : tensor<512x512xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    %u = arith.subf %c, %d : f32
    %v = arith.addf %s, %u : f32
    linalg.yield %v : f32
  } -> tensor<512x512xf32>
  return %y : tensor<512x512xf32>
}

// -----

// The same at 32x32 (8 KiB of products), the second product reduced by
// columns instead of read transposed (neither loop tileable still): one
// dispatch.
// CHECK: func.func @rows_and_columns_reduced_small_dispatch_0_matmul_32x32(
// CHECK-COUNT-2: linalg.matmul
// CHECK-LABEL: func.func @rows_and_columns_reduced_small(
// CHECK: flow.dispatch
// CHECK-NOT: flow.dispatch
func.func @rows_and_columns_reduced_small(%x: tensor<32x32xf32>, %w0: tensor<32x32xf32>, %w1: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<32x32xf32>) -> tensor<32x32xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<32x32xf32>, tensor<32x32xf32>) outs(%f : tensor<32x32xf32>) -> tensor<32x32xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<32x32xf32>, tensor<32x32xf32>) outs(%f : tensor<32x32xf32>) -> tensor<32x32xf32>
  %ev = tensor.empty() : tensor<32xf32>
  %fv = linalg.fill ins(%zero : f32) outs(%ev : tensor<32xf32>) -> tensor<32xf32>
  %r0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%m0 : tensor<32x32xf32>) outs(%fv : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<32xf32>
  %r1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%m1 : tensor<32x32xf32>) outs(%fv : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<32xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m0, %r0, %m1, %r1 : tensor<32x32xf32>, tensor<32xf32>, tensor<32x32xf32>, tensor<32xf32>) outs(%e : tensor<32x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    %u = arith.subf %c, %d : f32
    %v = arith.addf %s, %u : f32
    linalg.yield %v : f32
  } -> tensor<32x32xf32>
  return %y : tensor<32x32xf32>
}

// -----

// A matmul whose result is written out transposed: fused, the transpose's
// tiles would split the matmul's columns (its vectors' dimension) by the
// transpose's rows. The transpose is a dispatch of its own, with the relu.
// CHECK: func.func @matmul_written_transposed_dispatch_0_matmul_256x512(
// CHECK: linalg.matmul
// CHECK-NOT: linalg.transpose
// CHECK: return
// CHECK: func.func @matmul_written_transposed_dispatch_1_transpose_512x256(
// CHECK-NOT: linalg.matmul
// CHECK: arith.maximumf
// CHECK: linalg.transpose
// CHECK-LABEL: func.func @matmul_written_transposed(
// CHECK-COUNT-2: flow.dispatch
func.func @matmul_written_transposed(%x: tensor<256x128xf32>, %w: tensor<128x512xf32>) -> tensor<512x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x512xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
  %m = linalg.matmul ins(%x, %w : tensor<256x128xf32>, tensor<128x512xf32>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<256x512xf32>) outs(%e : tensor<256x512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.maximumf %a, %zero : f32
    linalg.yield %t : f32
  } -> tensor<256x512xf32>
  %et = tensor.empty() : tensor<512x256xf32>
  %y = linalg.transpose ins(%r : tensor<256x512xf32>) outs(%et : tensor<512x256xf32>) permutation = [1, 0]
  return %y : tensor<512x256xf32>
}

// -----

// A batch matmul's result transposed with its columns kept innermost (an
// attention's heads [H, S, D] -> [S, H, D]): one dispatch.
// CHECK: func.func @batch_matmul_heads_moved_dispatch_0_batch_matmul_64x8x32(
// CHECK: linalg.batch_matmul
// CHECK: linalg.transpose
// CHECK-LABEL: func.func @batch_matmul_heads_moved(
// CHECK: flow.dispatch
// CHECK-NOT: flow.dispatch
func.func @batch_matmul_heads_moved(%q: tensor<8x64x64xf32>, %v: tensor<8x64x32xf32>) -> tensor<64x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64x32xf32>) -> tensor<8x64x32xf32>
  %m = linalg.batch_matmul ins(%q, %v : tensor<8x64x64xf32>, tensor<8x64x32xf32>) outs(%f : tensor<8x64x32xf32>) -> tensor<8x64x32xf32>
  %et = tensor.empty() : tensor<64x8x32xf32>
  %y = linalg.transpose ins(%m : tensor<8x64x32xf32>) outs(%et : tensor<64x8x32xf32>) permutation = [1, 0, 2]
  return %y : tensor<64x8x32xf32>
}

// -----

// An NHWC convolution whose result is written out NCHW (an ONNX model
// returning a feature map): the convolution keeps its dispatch, the
// transpose takes its own.
// CHECK: func.func @conv_written_nchw_dispatch_0_conv_2d_nhwc_hwcf_1x16x16x64(
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.transpose
// CHECK: return
// CHECK: func.func @conv_written_nchw_dispatch_1_transpose_1x64x16x16(
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: linalg.transpose
// CHECK-LABEL: func.func @conv_written_nchw(
// CHECK-COUNT-2: flow.dispatch
func.func @conv_written_nchw(%x: tensor<1x16x16x32xf32>, %w: tensor<1x1x32x64xf32>) -> tensor<1x64x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x16x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x16x32xf32>, tensor<1x1x32x64xf32>) outs(%f : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  %et = tensor.empty() : tensor<1x64x16x16xf32>
  %y = linalg.transpose ins(%c : tensor<1x16x16x64xf32>) outs(%et : tensor<1x64x16x16xf32>) permutation = [0, 3, 1, 2]
  return %y : tensor<1x64x16x16xf32>
}
