// RUN: tessera-opt --tessera-flow-form-dispatches --tessera-hal-materialize-interfaces=triple=x86_64-unknown-linux-gnu --tessera-llvmcpu-select-lowering-config --split-input-file %s | FileCheck %s

// Tiles by op class (the SPIR-V backend's choice:
// Codegen/SPIRV/select_lowering_config.mlir).

// Matmul + bias: the root is the bias add (the op stored to the binding),
// tiled as the matmul it consumes: 64 columns and up to 512 rows, split
// until there are 16 workgroups; B has more columns than the output has
// rows, so its columns first (64 -> 32: each row group would pack B again).
// CHECK-LABEL: func.func @mm_bias_dispatch_0_matmul_128x512()
// CHECK: linalg.matmul
// CHECK-NOT: lowering_config
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [128, 32]>
func.func @mm_bias(%a: tensor<128x256xf32>, %b: tensor<256x512xf32>, %bias: tensor<512xf32>) -> tensor<128x512xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x512xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<128x512xf32>) -> tensor<128x512xf32>
  %m = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x512xf32>) outs(%f : tensor<128x512xf32>) -> tensor<128x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<128x512xf32>, tensor<512xf32>) outs(%e : tensor<128x512xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<128x512xf32>
  return %r : tensor<128x512xf32>
}

// -----

// A row reduction: the reduced loop is not tiled (0); the row loop is the
// innermost parallel one and keeps at least 64.
// CHECK-LABEL: func.func @row_sum_dispatch_0_reduction_64()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 0]>
func.func @row_sum(%x: tensor<64x1000xf32>) -> tensor<64xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x1000xf32>) outs(%f : tensor<64xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// Rank 3: outer loops take 1, then 32, then 64.
// CHECK-LABEL: func.func @batch_matmul_dispatch_0_batch_matmul_8x64x128()
// CHECK: linalg.batch_matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 64, 64, 0]>
func.func @batch_matmul(%a: tensor<8x64x32xf32>, %b: tensor<8x32x128xf32>) -> tensor<8x64x128xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<8x64x128xf32>) -> tensor<8x64x128xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<8x64x32xf32>, tensor<8x32x128xf32>) outs(%f : tensor<8x64x128xf32>) -> tensor<8x64x128xf32>
  return %m : tensor<8x64x128xf32>
}

// -----

// A convolution: 64 output channels, the 28 output columns and 18 of the
// 28 rows (about 512 pixels); the rows are then halved (18, 9, 5, 3) until
// there are 16 workgroups (10 row tiles x 2 channel tiles).
// CHECK-LABEL: func.func @conv_dispatch_0_conv_2d_nhwc_hwcf_1x28x28x128()
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 3, 28, 64, 0, 0, 0]>
func.func @conv(%x: tensor<1x30x30x64xf32>, %w: tensor<3x3x64x128xf32>) -> tensor<1x28x28x128xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x28x28x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x28x28x128xf32>) -> tensor<1x28x28x128xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x128xf32>) outs(%f : tensor<1x28x28x128xf32>) -> tensor<1x28x28x128xf32>
  return %c : tensor<1x28x28x128xf32>
}

// -----

// Elementwise: 16384 elements per workgroup, innermost first (a whole row
// of 4096, then 4 rows).
// CHECK-LABEL: func.func @add_dispatch_0_add_1024x4096()
// CHECK: linalg.add
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [4, 4096]>
func.func @add(%a: tensor<1024x4096xf32>, %b: tensor<1024x4096xf32>) -> tensor<1024x4096xf32> {
  %e = tensor.empty() : tensor<1024x4096xf32>
  %r = linalg.add ins(%a, %b : tensor<1024x4096xf32>, tensor<1024x4096xf32>) outs(%e : tensor<1024x4096xf32>) -> tensor<1024x4096xf32>
  return %r : tensor<1024x4096xf32>
}

// -----

// A small elementwise op is split to 16 workgroups, keeping 64 innermost.
// CHECK-LABEL: func.func @small_dispatch_0_exp_8x256()
// CHECK: linalg.exp
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 128]>
func.func @small(%a: tensor<8x256xf32>) -> tensor<8x256xf32> {
  %e = tensor.empty() : tensor<8x256xf32>
  %r = linalg.exp ins(%a : tensor<8x256xf32>) outs(%e : tensor<8x256xf32>) -> tensor<8x256xf32>
  return %r : tensor<8x256xf32>
}

// -----

// A squeeze-excitation block: a 1x1 convolution on 1x1x1x6 (864
// iterations) broadcast over a 56x56x144 feature map (451584) in the same
// dispatch. The convolution is that small, so each tile recomputes it and
// the feature map is tiled along its rows too, whole 144 channels per
// tile (it used to be whole rows and 5 channels per tile: scalar code).
// CHECK-LABEL: func.func @squeeze_excite_dispatch_0_conv_2d_nhwc_hwcf_1x56x56x144()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, {{[0-9]+}}, {{[0-9]+}}, 144]>
func.func @squeeze_excite(%v: tensor<1x1x1x6xf32>, %w: tensor<1x1x6x144xf32>, %x: tensor<1x56x56x144xf32>) -> tensor<1x56x56x144xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x1x1x144xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x1x1x144xf32>) -> tensor<1x1x1x144xf32>
  %s = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v, %w : tensor<1x1x1x6xf32>, tensor<1x1x6x144xf32>) outs(%f : tensor<1x1x1x144xf32>) -> tensor<1x1x1x144xf32>
  %e = tensor.empty() : tensor<1x56x56x144xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (0, 0, 0, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %x : tensor<1x1x1x144xf32>, tensor<1x56x56x144xf32>) outs(%e : tensor<1x56x56x144xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x144xf32>
  return %r : tensor<1x56x56x144xf32>
}

// -----

// The same block with a larger convolution (32 x 120 iterations, 1/24 of
// the 28x28x120 map) and a hard sigmoid between it and the scaling (kept
// apart by elementwise fusion, since it is broadcast): still recomputed per
// tile, rows of whole 120 channels. (Kept whole along the rows, its
// workgroups were 20 channels wide, parts of each other's cache lines:
// 2.5x slower on two workers than on one.)
// CHECK-LABEL: func.func @squeeze_excite_hardsigmoid_dispatch_0_conv_2d_nhwc_hwcf_1x28x28x120()
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, {{[0-9]+}}, {{[0-9]+}}, 120]>
func.func @squeeze_excite_hardsigmoid(%v: tensor<1x1x1x32xf32>, %w: tensor<1x1x32x120xf32>, %x: tensor<1x28x28x120xf32>) -> tensor<1x28x28x120xf32> {
  %zero = arith.constant 0.0 : f32
  %sixth = arith.constant 0.166666672 : f32
  %e1 = tensor.empty() : tensor<1x1x1x120xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x1x1x120xf32>) -> tensor<1x1x1x120xf32>
  %s = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v, %w : tensor<1x1x1x32xf32>, tensor<1x1x32x120xf32>) outs(%f : tensor<1x1x1x120xf32>) -> tensor<1x1x1x120xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x1x120xf32>) outs(%e1 : tensor<1x1x1x120xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sixth : f32
    %c = arith.maximumf %m, %zero : f32
    linalg.yield %c : f32
  } -> tensor<1x1x1x120xf32>
  %e = tensor.empty() : tensor<1x28x28x120xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (0, 0, 0, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%h, %x : tensor<1x1x1x120xf32>, tensor<1x28x28x120xf32>) outs(%e : tensor<1x28x28x120xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x28x28x120xf32>
  return %r : tensor<1x28x28x120xf32>
}

// -----

// A convolution too large to recompute per tile (168 x 672 iterations,
// near the 14x14x672 map's size): the map is kept whole along the loops the
// convolution does not index and split along its channels, in tiles of
// whole cache lines (16 f32): 672 -> 80 -> 32, 21 workgroups.
// CHECK-LABEL: func.func @squeeze_excite_large_dispatch_0_conv_2d_nhwc_hwcf_1x14x14x672()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [{{[01]}}, 0, 0, 32]>
func.func @squeeze_excite_large(%v: tensor<1x1x1x168xf32>, %w: tensor<1x1x168x672xf32>, %x: tensor<1x14x14x672xf32>) -> tensor<1x14x14x672xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x1x1x672xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x1x1x672xf32>) -> tensor<1x1x1x672xf32>
  %s = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v, %w : tensor<1x1x1x168xf32>, tensor<1x1x168x672xf32>) outs(%f : tensor<1x1x1x672xf32>) -> tensor<1x1x1x672xf32>
  %e = tensor.empty() : tensor<1x14x14x672xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (0, 0, 0, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %x : tensor<1x1x1x672xf32>, tensor<1x14x14x672xf32>) outs(%e : tensor<1x14x14x672xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x14x14x672xf32>
  return %r : tensor<1x14x14x672xf32>
}

// -----

// One row in all (a classifier after global pooling): a few wide column
// tiles (1000 -> 4 x 256), each reading long runs of every row of the
// weights, instead of 16 of 64 columns.
// CHECK-LABEL: func.func @classifier_dispatch_0_matmul_1x1000()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 256, 0]>
func.func @classifier(%a: tensor<1x2048xf32>, %b: tensor<2048x1000xf32>) -> tensor<1x1000xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1000xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x1000xf32>) -> tensor<1x1000xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1x2048xf32>, tensor<2048x1000xf32>) outs(%f : tensor<1x1000xf32>) -> tensor<1x1000xf32>
  return %m : tensor<1x1000xf32>
}

// -----

// 1280 columns in 4 equal tiles of 320 (multiples of 32), not 3 of 384
// and a last of 128, whose halves on two workers ended 39 us apart.
// CHECK-LABEL: func.func @wide_classifier_dispatch_0_matmul_1x1280()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 320, 0]>
func.func @wide_classifier(%a: tensor<1x960xf32>, %b: tensor<960x1280xf32>) -> tensor<1x1280xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1280xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x1280xf32>) -> tensor<1x1280xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1x960xf32>, tensor<960x1280xf32>) outs(%f : tensor<1x1280xf32>) -> tensor<1x1280xf32>
  return %m : tensor<1x1280xf32>
}

// -----

// A batch of 8's classifier (8 MiB of weights) is tiled the same way: its
// kernel walks down B for all 8 rows. A squeeze-excitation layer's 8 rows
// (0.9 MiB of weights, in the L2 cache) keep the register-tiled split, in
// tiles of 64 columns: tiles of 32 would leave the last 16 of its 240 a
// workgroup of one vector (leavesOrphanColumns).
// CHECK-LABEL: func.func @batch_classifier_dispatch_0_matmul_8x1000()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [8, 256, 0]>
// CHECK-LABEL: func.func @batch_classifier_dispatch_1_matmul_8x240()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [8, 64, 0]>
func.func @batch_classifier(%a: tensor<8x2048xf32>, %b: tensor<2048x1000xf32>, %sa: tensor<8x960xf32>, %sb: tensor<960x240xf32>) -> (tensor<8x1000xf32>, tensor<8x240xf32>) {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x1000xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<8x1000xf32>) -> tensor<8x1000xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x2048xf32>, tensor<2048x1000xf32>) outs(%f : tensor<8x1000xf32>) -> tensor<8x1000xf32>
  %se = tensor.empty() : tensor<8x240xf32>
  %sf = linalg.fill ins(%cst : f32) outs(%se : tensor<8x240xf32>) -> tensor<8x240xf32>
  %s = linalg.matmul ins(%sa, %sb : tensor<8x960xf32>, tensor<960x240xf32>) outs(%sf : tensor<8x240xf32>) -> tensor<8x240xf32>
  return %m, %s : tensor<8x1000xf32>, tensor<8x240xf32>
}

// -----

// A 1x1 convolution on a 7x7 output with large weights (1152 -> 192, an
// EfficientNet-B0 block's projection): all 49 rows per workgroup, the
// channels split down to one panel of 32 (6 workgroups). Fewer than 16, but
// splitting the rows would pack its 885 KB of weights once per row group
// for workgroups of under 32 MFLOP each.
// CHECK-LABEL: func.func @project_7x7_dispatch_0_conv_2d_nhwc_hwcf_1x7x7x192()
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 7, 7, 32, 0, 0, 0]>
func.func @project_7x7(%x: tensor<1x7x7x1152xf32>, %w: tensor<1x1x1152x192xf32>) -> tensor<1x7x7x192xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x192xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x192xf32>) -> tensor<1x7x7x192xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x1152xf32>, tensor<1x1x1152x192xf32>) outs(%f : tensor<1x7x7x192xf32>) -> tensor<1x7x7x192xf32>
  return %c : tensor<1x7x7x192xf32>
}

// -----

// The same projection with its filter panel-major (tessera-flow-panel-
// major-filters): the output [1][7][7][6][32], its panel dimension counted
// as columns. All 49 rows per workgroup (the row loop is the output's
// third dimension, not the panels), the panels split to one each.
// CHECK-LABEL: func.func @project_7x7_panels_dispatch_0_conv_1x7x7x6x32()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 7, 7, 1, 32, 0, 0, 0]>
func.func @project_7x7_panels(%x: tensor<1x7x7x1152xf32>, %w: tensor<6x1x1x1152x32xf32>) -> tensor<1x7x7x6x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x6x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x6x32xf32>) -> tensor<1x7x7x6x32xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x7x7x1152xf32>, tensor<6x1x1x1152x32xf32>) outs(%f : tensor<1x7x7x6x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x6x32xf32>
  return %c : tensor<1x7x7x6x32xf32>
}

// -----

// A panel-major 1024 -> 256 convolution at 14x14 (a 1 MiB filter, 8
// panels): one panel per workgroup and all 196 rows in each, 8 workgroups.
// Splitting the rows too for 16 would make each row group read the whole
// filter again.
// CHECK-LABEL: func.func @reduce_14x14_panels_dispatch_0_conv_1x14x14x8x32()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 14, 14, 1, 32, 0, 0, 0]>
func.func @reduce_14x14_panels(%x: tensor<1x14x14x1024xf32>, %w: tensor<8x1x1x1024x32xf32>) -> tensor<1x14x14x8x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x14x14x8x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x8x32xf32>) -> tensor<1x14x14x8x32xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x14x14x1024xf32>, tensor<8x1x1x1024x32xf32>) outs(%f : tensor<1x14x14x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x14x14x8x32xf32>
  return %c : tensor<1x14x14x8x32xf32>
}

// -----

// The same with a 256 KiB filter (256 channels): its rows split in two for
// 16 workgroups, each row group reading it from the L2 cache.
// CHECK-LABEL: func.func @reduce_14x14_small_panels_dispatch_0_conv_1x14x14x8x32()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 7, 14, 1, 32, 0, 0, 0]>
func.func @reduce_14x14_small_panels(%x: tensor<1x14x14x256xf32>, %w: tensor<8x1x1x256x32xf32>) -> tensor<1x14x14x8x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x14x14x8x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x8x32xf32>) -> tensor<1x14x14x8x32xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x14x14x256xf32>, tensor<8x1x1x256x32xf32>) outs(%f : tensor<1x14x14x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x14x14x8x32xf32>
  return %c : tensor<1x14x14x8x32xf32>
}

// -----

// A panel-major 1x1 convolution at 56x56 with 256 channels (8 panels): 512
// rows gathered from (oh, ow) = 9 x 56, two panels (64 columns) each, as
// the HWCF convolution gets; 7 x 4 = 28 workgroups.
// CHECK-LABEL: func.func @expand_56x56_panels_dispatch_0_conv_1x56x56x8x32()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 9, 56, 2, 32, 0, 0, 0]>
func.func @expand_56x56_panels(%x: tensor<1x56x56x64xf32>, %w: tensor<8x1x1x64x32xf32>) -> tensor<1x56x56x8x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x8x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x8x32xf32>) -> tensor<1x56x56x8x32xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x56x56x64xf32>, tensor<8x1x1x64x32xf32>) outs(%f : tensor<1x56x56x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x56x56x8x32xf32>
  return %c : tensor<1x56x56x8x32xf32>
}

// -----

// The same convolution with a residual added (the root is the add): all 8
// panels (up to 512 columns) per workgroup, whose kernel runs them inside
// each row tile and reads the residual as whole rows; rows of 9 x 56, then
// 5 x 56 and 3 x 56 for 19 workgroups.
// CHECK-LABEL: func.func @expand_56x56_residual_dispatch_0_conv_1x56x56x8x32()
// CHECK: linalg.generic
// CHECK-NOT: lowering_config
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 3, 56, 8, 32]>
func.func @expand_56x56_residual(%x: tensor<1x56x56x64xf32>, %w: tensor<8x1x1x64x32xf32>, %r: tensor<1x56x56x8x32xf32>) -> tensor<1x56x56x8x32xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x8x32xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x8x32xf32>) -> tensor<1x56x56x8x32xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x56x56x64xf32>, tensor<8x1x1x64x32xf32>) outs(%f : tensor<1x56x56x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x56x56x8x32xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(n, h, w, p, q) -> (n, h, w, p, q)>, affine_map<(n, h, w, p, q) -> (n, h, w, p, q)>, affine_map<(n, h, w, p, q) -> (n, h, w, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %r : tensor<1x56x56x8x32xf32>, tensor<1x56x56x8x32xf32>) outs(%e : tensor<1x56x56x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %z = arith.maximumf %s, %cst : f32
    linalg.yield %z : f32
  } -> tensor<1x56x56x8x32xf32>
  return %y : tensor<1x56x56x8x32xf32>
}

// -----

// A deep, tall matmul of two activations (K = 2048, 2048 rows), whose
// kernel packs B at every call: all 2048 columns a workgroup, so that each
// block of A's rows is packed once and serves every panel of B; 512 rows,
// 4 workgroups, no split needed.
// CHECK-LABEL: func.func @deep_matmul_dispatch_0_matmul_2048x2048()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [512, 2048, 0]>
func.func @deep_matmul(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %m = linalg.matmul ins(%a, %b : tensor<2048x2048xf32>, tensor<2048x2048xf32>) outs(%f : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %m : tensor<2048x2048xf32>
}

// -----

// The same at 1024: all columns, rows split from 512 to 256 for 4
// workgroups (not 16: each row group packs all of B again).
// CHECK-LABEL: func.func @deep_matmul_1024_dispatch_0_matmul_1024x1024()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [256, 1024, 0]>
func.func @deep_matmul_1024(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>) outs(%f : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %m : tensor<1024x1024xf32>
}

// -----

// Below that depth (K = 512): the usual 64 columns and 512 rows, 32
// workgroups.
// CHECK-LABEL: func.func @shallow_matmul_dispatch_0_matmul_1024x1024()
// CHECK: linalg.matmul
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [512, 64, 0]>
func.func @shallow_matmul(%a: tensor<1024x512xf32>, %b: tensor<512x1024xf32>) -> tensor<1024x1024xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m = linalg.matmul ins(%a, %b : tensor<1024x512xf32>, tensor<512x1024xf32>) outs(%f : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %m : tensor<1024x1024xf32>
}

// -----

// A convolution reading a padded window copies the window its rows need
// per workgroup: with a filter of up to 4 MiB (here 288 KiB) every
// workgroup keeps all 128 columns, so that no two copy the same window;
// only rows are split.
// CHECK-LABEL: func.func @strided_conv_dispatch_0_conv_2d_nhwc_hwcf_1x14x14x128()
// CHECK: tensor.pad
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 4, 14, 128, 0, 0, 0]>
func.func @strided_conv(%x: tensor<1x28x28x64xf32>, %w: tensor<3x3x64x128xf32>) -> tensor<1x14x14x128xf32> {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %cst : f32
  } : tensor<1x28x28x64xf32> to tensor<1x30x30x64xf32>
  %e = tensor.empty() : tensor<1x14x14x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x128xf32>) -> tensor<1x14x14x128xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x128xf32>) outs(%f : tensor<1x14x14x128xf32>) -> tensor<1x14x14x128xf32>
  return %c : tensor<1x14x14x128xf32>
}

// -----

// With a larger filter (9 MiB) each workgroup would read all of it:
// columns are split as for any convolution.
// CHECK-LABEL: func.func @strided_conv_large_filter_dispatch_0_conv_2d_nhwc_hwcf_1x7x7x512()
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 7, 7, 32, 0, 0, 0]>
func.func @strided_conv_large_filter(%x: tensor<1x14x14x512xf32>, %w: tensor<3x3x512x512xf32>) -> tensor<1x7x7x512xf32> {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %cst : f32
  } : tensor<1x14x14x512xf32> to tensor<1x16x16x512xf32>
  %e = tensor.empty() : tensor<1x7x7x512xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x16x16x512xf32>, tensor<3x3x512x512xf32>) outs(%f : tensor<1x7x7x512xf32>) -> tensor<1x7x7x512xf32>
  return %c : tensor<1x7x7x512xf32>
}

// -----

// A transpose (NHWC -> NCHW) and a bias add after it: the add is the
// root, but the transpose fused into its tiles reads along the channels,
// so the channels take a whole block of 16 (VectorizeElementwise
// transposes 16x16 blocks in registers), not 5 of 16384 elements.
// CHECK-LABEL: func.func @transpose_bias_dispatch_0_elementwise_1x256x56x56()
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 16, 18, 56]>
func.func @transpose_bias(%x: tensor<1x56x56x256xf32>, %b: tensor<256xf32>) -> tensor<1x256x56x56xf32> {
  %e = tensor.empty() : tensor<1x256x56x56xf32>
  %t = linalg.transpose ins(%x : tensor<1x56x56x256xf32>) outs(%e : tensor<1x256x56x56xf32>) permutation = [0, 3, 1, 2]
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %b : tensor<1x256x56x56xf32>, tensor<256xf32>) outs(%e : tensor<1x256x56x56xf32>) {
  ^bb0(%v: f32, %y: f32, %o: f32):
    %s = arith.addf %v, %y : f32
    linalg.yield %s : f32
  } -> tensor<1x256x56x56xf32>
  return %r : tensor<1x256x56x56xf32>
}

// -----

// A transpose of 8 MiB or more (batch 8's 28x28x512 to NCHW, 12.8 MB) takes
// 4 blocks of channels side by side per workgroup: the input's rows are
// read from beyond the L2 caches in runs of 4 lines.
// CHECK-LABEL: func.func @large_transpose_dispatch_0_transpose_8x512x28x28()
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 64, 9, 28]>
func.func @large_transpose(%x: tensor<8x28x28x512xf32>) -> tensor<8x512x28x28xf32> {
  %e = tensor.empty() : tensor<8x512x28x28xf32>
  %t = linalg.transpose ins(%x : tensor<8x28x28x512xf32>) outs(%e : tensor<8x512x28x28xf32>) permutation = [0, 3, 1, 2]
  return %t : tensor<8x512x28x28xf32>
}

// -----

// A convolution whose filter is stored in panels of 32 with a padded last
// panel (136 channels), fused into a transpose to NCHW: the transpose's
// tiles of the channels (9 by its own rule) are whole panels, so that each
// workgroup's slice of the filter starts on a panel (alignPanelTiles).
// CHECK-LABEL: func.func @padded_panels_to_nchw_dispatch_0_transpose_1x136x7x7()
// CHECK: linalg.transpose
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [1, 32, 7, 7]>
#pin = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 + d5, d6)>
#pfilter = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3 floordiv 32, d4, d5, d6, d3 mod 32)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @padded_panels_to_nchw(%x: tensor<1x7x7x200xf32>, %w: tensor<5x1x1x200x32xf32>) -> tensor<1x136x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x136xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x136xf32>) -> tensor<1x7x7x136xf32>
  %c = linalg.generic {indexing_maps = [#pin, #pfilter, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x7x7x200xf32>, tensor<5x1x1x200x32xf32>) outs(%f : tensor<1x7x7x136xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x136xf32>
  %t = tensor.empty() : tensor<1x136x7x7xf32>
  %y = linalg.transpose ins(%c : tensor<1x7x7x136xf32>) outs(%t : tensor<1x136x7x7xf32>) permutation = [0, 3, 1, 2]
  return %y : tensor<1x136x7x7xf32>
}
