// RUN: tessera-opt --split-input-file --tessera-llvmcpu-vectorize-contractions --canonicalize --cse %s | FileCheck %s
// RUN: tessera-opt --split-input-file --tessera-llvmcpu-vectorize-contractions=vector-width=8 %s | FileCheck %s --check-prefix=AVX2

// A matmul tile: each 32-column panel of B is packed into a stack buffer
// (allocated at the function's entry), then every tile of 8 rows x 2
// vectors keeps its 16 accumulators in registers over all of K: per step,
// two vector loads of the packed panel, 8 broadcasts of A, 16 FMAs. C is
// read and written once per tile; no linalg op is left.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[PACK:.+]] = memref.alloca() {alignment = 64 : i64} : memref<128x32xf32>
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c32
// CHECK:   scf.for %[[K:.+]] = %{{.+}} to %c128 step %c1
// CHECK:     %[[B0:.+]] = vector.load %arg1[%[[K]], %[[J]]] : memref<128x64xf32>, vector<16xf32>
// CHECK:     vector.store %[[B0]], %[[PACK]][%[[K]], %[[C0]]]
// CHECK:   scf.for %[[I:.+]] = %{{.+}} to %c32 step %c8
// CHECK-COUNT-16: vector.load %arg2
// CHECK:     %{{.+}}:16 = scf.for %[[KK:.+]] = %{{.+}} to %c128 step %c1 iter_args(
// CHECK:       vector.load %[[PACK]][%[[KK]], %[[C0]]]
// CHECK:       vector.load %[[PACK]][%[[KK]], %c16]
// CHECK:       %[[A:.+]] = memref.load %arg0[%[[I]], %[[KK]]]
// CHECK:       %[[BA:.+]] = vector.broadcast %[[A]] : f32 to vector<16xf32>
// CHECK:       vector.fma %[[BA]], %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK-COUNT-15: vector.fma
// CHECK:       scf.yield
// CHECK-COUNT-16: vector.store %{{.+}}, %arg2
// CHECK-NOT: linalg.
// AVX2-LABEL: func.func @matmul
// AVX2: memref.alloca() {alignment = 64 : i64} : memref<128x16xf32>
// AVX2: vector.fma {{.+}} : vector<8xf32>
func.func @matmul(%a: memref<32x128xf32>, %b: memref<128x64xf32>, %c: memref<32x64xf32>) {
  linalg.matmul ins(%a, %b : memref<32x128xf32>, memref<128x64xf32>) outs(%c : memref<32x64xf32>)
  return
}

// -----

// 3 rows x 40 columns, a B of 2.5 KiB (in the L1 cache): read in place, and
// each row does all its columns, so that it writes its row of C whole. The
// 8 columns past the panel of 32 (less than a vector) join it: one panel of
// three vectors, the last masked to 8 lanes in its loads and stores of B
// and C, so that each element of A is broadcast once for all 40 columns.
// CHECK-LABEL: func.func @tail
// CHECK-NOT: memref.alloca
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %c3 step %c1
// CHECK:   %[[MASK:.+]] = vector.constant_mask [8] : vector<16xi1>
// CHECK:   vector.load %arg2[%[[R]], %c0]
// CHECK:   vector.load %arg2[%[[R]], %c16]
// CHECK:   vector.maskedload %arg2[%[[R]], %c32], %[[MASK]]
// CHECK:   %{{.+}}:3 = scf.for %[[K:.+]] = %c0 to %c16 step %c1
// CHECK:     vector.load %arg1[%[[K]], %c0]
// CHECK:     vector.load %arg1[%[[K]], %c16]
// CHECK:     vector.maskedload %arg1[%[[K]], %c32], %[[MASK]]
// CHECK-COUNT-3: vector.fma
// CHECK:   vector.store %{{.+}}, %arg2[%[[R]], %c0]
// CHECK:   vector.store %{{.+}}, %arg2[%[[R]], %c16]
// CHECK:   vector.maskedstore %arg2[%[[R]], %c32], %[[MASK]]
// CHECK-NOT: to %c3 step %c1
// CHECK-NOT: linalg.matmul
func.func @tail(%a: memref<3x16xf32>, %b: memref<16x40xf32>, %c: memref<3x40xf32>) {
  linalg.matmul ins(%a, %b : memref<3x16xf32>, memref<16x40xf32>) outs(%c : memref<3x40xf32>)
  return
}

// -----

// 24 columns, more than a vector and less than a panel: one panel of two
// vectors, the second masked to 8 lanes, instead of a pass of one vector
// and a masked pass (each broadcasting all of A).
// CHECK-LABEL: func.func @tail_of_two_vectors
// CHECK: scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK:   %[[MASK:.+]] = vector.constant_mask [8] : vector<16xi1>
// CHECK:   %{{.+}}:16 = scf.for
// CHECK:     vector.load %arg1
// CHECK:     vector.maskedload %arg1[%{{.+}}, %c16], %[[MASK]]
// CHECK-COUNT-16: vector.fma
// CHECK-COUNT-8: vector.maskedstore %arg2
// CHECK-NOT: scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK-NOT: linalg.matmul
func.func @tail_of_two_vectors(%a: memref<16x64xf32>, %b: memref<64x24xf32>, %c: memref<16x24xf32>) {
  linalg.matmul ins(%a, %b : memref<16x64xf32>, memref<64x24xf32>) outs(%c : memref<16x24xf32>)
  return
}

// -----

// 112 columns of a larger B (28 KiB, packed): the first two panels of 32
// are packed; the last 16 columns join the third panel, read in place as
// one panel of three vectors (no mask: 48 columns).
// CHECK-LABEL: func.func @tail_after_panels
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<64x32xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c32
// CHECK-COUNT-16: vector.fma
// CHECK: %{{.+}}:24 = scf.for %[[K:.+]] = %c0 to %c64 step %c1
// CHECK:   vector.load %arg1[%[[K]], %c64]
// CHECK:   vector.load %arg1[%[[K]], %c80]
// CHECK:   vector.load %arg1[%[[K]], %c96]
// CHECK-COUNT-24: vector.fma
// CHECK-NOT: vector.maskedstore
// CHECK-NOT: linalg.matmul
func.func @tail_after_panels(%a: memref<16x64xf32>, %b: memref<64x112xf32>, %c: memref<16x112xf32>) {
  linalg.matmul ins(%a, %b : memref<16x64xf32>, memref<64x112xf32>) outs(%c : memref<16x112xf32>)
  return
}

// -----

// An NHWC x HWCF convolution: rows are output columns (A's column is
// ow + kw), the filter's panel (18 KiB) is packed over (kh, kw, c) = 144
// rows, and the three reduction loops carry the 16 accumulators.
// CHECK-LABEL: func.func @conv
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<144x32xf32>
// CHECK: %{{.+}}:16 = scf.for %[[KH:.+]] = %{{.+}} to %c3
// CHECK:   %{{.+}}:16 = scf.for %[[KW:.+]] = %{{.+}} to %c3
// CHECK:     %{{.+}}:16 = scf.for %[[C:.+]] = %{{.+}} to %c16
// CHECK:       memref.load %arg0[%{{.+}}, %{{.+}}, %{{.+}}, %[[C]]] : memref<1x10x10x16xf32>
// CHECK-COUNT-16: vector.fma
// CHECK-NOT: linalg.conv
func.func @conv(%x: memref<1x10x10x16xf32>, %w: memref<3x3x16x32xf32>, %y: memref<1x8x8x32xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x10x10x16xf32>, memref<3x3x16x32xf32>) outs(%y : memref<1x8x8x32xf32>)
  return
}

// -----

// Not of the form: a matrix-vector product (no second output dimension),
// integers, B read across its rows (transposed), fewer columns than a
// vector.
// CHECK-LABEL: func.func @untouched
// CHECK-NEXT: linalg.matvec
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : memref<4x8xi32>, memref<8x32xi32>)
// CHECK-NEXT: linalg.matmul indexing_maps
// CHECK-NEXT: linalg.matmul ins(%{{.+}}, %{{.+}} : memref<4x8xf32>, memref<8x4xf32>)
// CHECK-NEXT: return
func.func @untouched(%m: memref<16x8xf32>, %v: memref<8xf32>, %y: memref<16xf32>, %ai: memref<4x8xi32>, %bi: memref<8x32xi32>, %ci: memref<4x32xi32>, %a: memref<4x8xf32>, %bt: memref<32x8xf32>, %c: memref<4x32xf32>, %narrow: memref<8x4xf32>, %cn: memref<4x4xf32>) {
  linalg.matvec ins(%m, %v : memref<16x8xf32>, memref<8xf32>) outs(%y : memref<16xf32>)
  linalg.matmul ins(%ai, %bi : memref<4x8xi32>, memref<8x32xi32>) outs(%ci : memref<4x32xi32>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%a, %bt : memref<4x8xf32>, memref<32x8xf32>) outs(%c : memref<4x32xf32>)
  linalg.matmul ins(%a, %narrow : memref<4x8xf32>, memref<8x4xf32>) outs(%cn : memref<4x4xf32>)
  return
}

// -----

// A batch matmul: B depends on the batch loop, so it is not packed, and every
// load of B is at the running batch (it used to read batch 0 for every batch).
// CHECK-LABEL: func.func @batch_matmul_reads_b_per_batch
// CHECK-NOT: memref.alloca
// CHECK: scf.for %[[BATCH:.+]] = %c0 to %c3 step %c1
// CHECK:   scf.for %[[I:.+]] = %c0 to %c16 step %c8
// CHECK:     scf.for %[[K:.+]] = %c0 to %c8 step %c1 iter_args(
// CHECK:       vector.load %arg1[%[[BATCH]], %[[K]], %c0] : memref<3x8x32xf32>, vector<16xf32>
// CHECK:       vector.load %arg1[%[[BATCH]], %[[K]], %c16] : memref<3x8x32xf32>, vector<16xf32>
// CHECK:       memref.load %arg0[%[[BATCH]], %[[I]], %[[K]]]
// The leftover row (16) too.
// CHECK:   scf.for %[[K2:.+]] = %c0 to %c8 step %c1 iter_args(
// CHECK:     vector.load %arg1[%[[BATCH]], %[[K2]], %c0]
// CHECK:     memref.load %arg0[%[[BATCH]], %c16, %[[K2]]]
func.func @batch_matmul_reads_b_per_batch(%a: memref<3x17x8xf32>, %b: memref<3x8x32xf32>, %c: memref<3x17x32xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x17x8xf32>, memref<3x8x32xf32>) outs(%c : memref<3x17x32xf32>)
  return
}

// -----

// A 7x7 output: the rows of a tile run over (oh, ow) flattened, 49 rows =
// six tiles of 8 from one loop and a single row, each row's (oh, ow) from
// the flattened index (7 is no multiple of 8: a tile may cross into the
// next output row). It used to be 49 single-row tiles.
// CHECK-LABEL: func.func @conv_small_output
// CHECK-DAG: %[[C7:.+]] = arith.constant 7 : index
// CHECK:     scf.for %[[M:.+]] = %c0 to %c48 step %c8
// CHECK:       arith.remui %[[M]], %[[C7]]
// CHECK:       arith.divui %[[M]], %[[C7]]
// The batch, of one value, divides nothing: one division per row.
// CHECK-COUNT-7: arith.divui %{{.+}}, %[[C7]]
// CHECK-NOT:   arith.divui
// CHECK:       %{{.+}}:16 = scf.for
// The last row (48: oh 6, ow 6), a loop of one iteration folded away.
// CHECK:     %{{.+}}:2 = scf.for
// CHECK:       memref.load %arg0[%c0, %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x9x9x16xf32>
func.func @conv_small_output(%x: memref<1x9x9x16xf32>, %w: memref<3x3x16x32xf32>, %y: memref<1x7x7x32xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x9x9x16xf32>, memref<3x3x16x32xf32>) outs(%y : memref<1x7x7x32xf32>)
  return
}

// -----

// 20 rows: two tiles of 8, one of 4. The panel of 3x3x512 filter rows
// (576 KiB) is packed a block of 256 channels at a time (32 KiB, held in
// the L1 cache): for each (kh, kw) and each half of the channels, pack,
// then every row tile adds that block's products to C.
// CHECK-LABEL: func.func @conv_blocked_panel
// CHECK:     memref.alloca() {alignment = 64 : i64} : memref<256x32xf32>
// CHECK:     scf.for %[[KH:.+]] = %c0 to %c3 step %c1
// CHECK:       scf.for %[[KW:.+]] = %c0 to %c3 step %c1
// CHECK:         scf.for %[[C0:.+]] = %c0 to %c512 step %c256
// CHECK:           scf.for %[[CI:.+]] = %[[C0]] to %{{.+}} step %c1
// CHECK:             vector.load %arg1[%[[KH]], %[[KW]], %[[CI]], %{{.+}}] : memref<3x3x512x32xf32>
// CHECK:           scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK:             %{{.+}}:16 = scf.for %{{.+}} = %[[C0]] to %{{.+}} step %c1
// The tile of 4 (rows 16-19), a loop of one iteration folded away.
// CHECK:           %{{.+}}:8 = scf.for %{{.+}} = %[[C0]] to %{{.+}} step %c1
func.func @conv_blocked_panel(%x: memref<1x4x12x512xf32>, %w: memref<3x3x512x32xf32>, %y: memref<1x2x10x32xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x12x512xf32>, memref<3x3x512x32xf32>) outs(%y : memref<1x2x10x32xf32>)
  return
}

// -----

// A matmul whose body scales A's element first (a global average pool's
// 1/49 folded into the classifier after it): still a register-tiled
// contraction, the scale applied to each broadcast scalar.
// CHECK-LABEL: func.func @scaled_lhs
// CHECK:       %[[A:.+]] = memref.load %arg0
// CHECK:       %[[S:.+]] = arith.mulf %[[A]], %{{.+}} : f32
// CHECK:       vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK-NOT: linalg.generic
func.func @scaled_lhs(%a: memref<16x64xf32>, %b: memref<64x32xf32>, %c: memref<16x32xf32>) {
  %scale = arith.constant 0.0204081628 : f32
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%c : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %s = arith.mulf %x, %scale : f32
    %p = arith.mulf %s, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A depthwise convolution: A runs along the channels too, so its elements
// are loaded as vectors (not broadcast): per filter tap, one vector of the
// packed filter and, per row of the tile, one of the input. The window's
// columns are unrolled (3 taps per step of its rows), so that the vectors
// of A neighbouring rows of the tile share at neighbouring taps are loaded
// once (LLVM merges them).
// CHECK-LABEL: func.func @depthwise
// CHECK:       memref.alloca() {alignment = 64 : i64} : memref<9x32xf32>
// CHECK:       %{{.+}}:16 = scf.for %[[KH:.+]] = %c0 to %c3
// CHECK-NOT:     scf.for
// CHECK:         vector.load %{{.+}} : memref<9x32xf32>, vector<16xf32>
// CHECK:         vector.load %arg0[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x10x10x32xf32>, vector<16xf32>
// CHECK-COUNT-48: vector.fma
// CHECK-NOT:     vector.fma
// CHECK:         scf.yield
// CHECK-NOT:   vector.broadcast
// CHECK-NOT:   linalg.depthwise
func.func @depthwise(%x: memref<1x10x10x32xf32>, %w: memref<3x3x32xf32>, %y: memref<1x8x8x32xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x10x10x32xf32>, memref<3x3x32xf32>) outs(%y : memref<1x8x8x32xf32>)
  return
}

// -----

// 64 channels, two panels: the panels run inside each row tile (every
// channel of a tile's 8 pixels before the next tile), the filter read in
// place (no packed copy).
// CHECK-LABEL: func.func @depthwise_panels_inside_tiles
// CHECK-NOT:   memref.alloca
// CHECK:       scf.for %{{.+}} = %c0 to %c64 step %c8
// CHECK-NEXT:    scf.for %[[P:.+]] = %c0 to %c64 step %c32
// CHECK:           %{{.+}}:16 = scf.for %[[KH:.+]] = %c0 to %c3
// CHECK:             vector.load %arg1[%[[KH]], %c0, %[[P]]] : memref<3x3x64xf32>, vector<16xf32>
// CHECK:           vector.store %{{.+}}, %arg2[%c0, %{{.+}}, %{{.+}}, %[[P]]]
// CHECK-NOT:   scf.for %{{.+}} = %c0 to %c64 step %c32
// CHECK-NOT:   linalg.depthwise
func.func @depthwise_panels_inside_tiles(%x: memref<1x10x10x64xf32>, %w: memref<3x3x64xf32>, %y: memref<1x8x8x64xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x10x10x64xf32>, memref<3x3x64xf32>) outs(%y : memref<1x8x8x64xf32>)
  return
}

// -----

// One row: a walk down B, 8 of its rows per step, each across all 192
// columns into C in memory (B read front to back); nothing packed.
// CHECK-LABEL: func.func @one_row
// CHECK-NOT:   memref.alloca
// CHECK:       scf.for %[[K:.+]] = %c0 to %c64 step %c8 {
// CHECK-COUNT-8: vector.broadcast
// CHECK:         scf.for %[[J:.+]] = %c0 to %c192 step %c16 {
// CHECK-NEXT:      %[[B:.+]] = vector.load %arg1[%[[K]], %[[J]]] : memref<64x192xf32>, vector<16xf32>
// CHECK-COUNT-7:   vector.load %arg1
// CHECK-NEXT:      %[[C:.+]] = vector.load %arg2[%c0, %[[J]]] : memref<1x192xf32>, vector<16xf32>
// CHECK-NEXT:      vector.fma %{{.+}}, %[[B]], %[[C]]
// CHECK-COUNT-7:   vector.fma
// CHECK-NEXT:      vector.store %{{.+}}, %arg2[%c0, %[[J]]]
// CHECK-NOT:   linalg.matmul
func.func @one_row(%a: memref<1x64xf32>, %b: memref<64x192xf32>, %c: memref<1x192xf32>) {
  linalg.matmul ins(%a, %b : memref<1x64xf32>, memref<64x192xf32>) outs(%c : memref<1x192xf32>)
  return
}

// -----

// One row by one panel of 32 columns (a squeeze-excitation layer's
// workgroup): both vectors in one walk down B, two accumulators per step;
// not one walk per vector, a single chain of dependent FMAs each.
// CHECK-LABEL: func.func @one_row_one_panel
// CHECK:       %{{.+}}:2 = scf.for %[[K:.+]] = %c0 to %c240 step %c1 iter_args(
// CHECK:         vector.load %arg1[%c0, %c0, %c0, %[[K]], %c0]
// CHECK:         vector.load %arg1[%c0, %c0, %c0, %[[K]], %c16]
// CHECK-COUNT-2: vector.fma
// CHECK:         scf.yield
// CHECK-NOT:   scf.for
// CHECK:       return
func.func @one_row_one_panel(%x: memref<1x1x1x240xf32>, %w: memref<1x1x1x240x32xf32>, %y: memref<1x1x1x1x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x1x1x240xf32>, memref<1x1x1x240x32xf32>) outs(%y : memref<1x1x1x1x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// One row by B stored in panels (a classifier's, 80 columns: two whole
// panels and a padded one): the walk goes down one panel at a time, a
// contiguous run, then down the last panel's whole vector.
// CHECK-LABEL: func.func @one_row_panels
// CHECK:       scf.for %[[P:.+]] = %c0 to %c64 step %c32 {
// CHECK:         %[[END:.+]] = arith.addi %[[P]], %c32
// CHECK:         scf.for %[[K:.+]] = %c0 to %c64 step %c8 {
// CHECK:           scf.for %[[J:.+]] = %[[P]] to %[[END]] step %c16 {
// CHECK-COUNT-8:     vector.load %arg1
// CHECK:             vector.load %arg2[%c0, %[[J]]]
// CHECK:       scf.for %[[K2:.+]] = %c0 to %c64 step %c8 {
// CHECK:         vector.load %arg1[%c2, %[[K2]], %c0]
// CHECK:         vector.store %{{.+}}, %arg2[%c0, %c64]
func.func @one_row_panels(%a: memref<1x64xf32>, %b: memref<3x64x32xf32>, %c: memref<1x80xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j floordiv 32, k, j mod 32)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<1x64xf32>, memref<3x64x32xf32>) outs(%c : memref<1x80xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A few rows (a batch of 8's classifier) over a large B (1280 x 256, 1.3
// MiB): the same walk down B, each vector of B's 8 rows loaded once for
// all 8 rows of C.
// CHECK-LABEL: func.func @few_rows
// CHECK-NOT:   memref.alloca
// CHECK:       scf.for %[[K:.+]] = %c0 to %c1280 step %c8 {
// CHECK-COUNT-64: vector.broadcast
// CHECK:         scf.for %[[J:.+]] = %c0 to %c256 step %c16 {
// CHECK-COUNT-8:   vector.load %arg1
// CHECK-NOT:       vector.load %arg1
// CHECK:           vector.load %arg2[%c0, %[[J]]]
// CHECK-COUNT-8:   vector.fma
// CHECK-NEXT:      vector.store %{{.+}}, %arg2[%c0, %[[J]]]
// CHECK:           vector.load %arg2[%c7, %[[J]]]
// CHECK-COUNT-8:   vector.fma
// CHECK-NEXT:      vector.store %{{.+}}, %arg2[%c7, %[[J]]]
// CHECK-NOT:   linalg.matmul
// A small B (a squeeze-excitation layer's, 960 x 240 = 0.9 MiB), in the
// L2 cache: register tiles.
// CHECK-LABEL: func.func @few_rows_small_b
// CHECK:       %{{.+}}:16 = scf.for
func.func @few_rows(%a: memref<8x1280xf32>, %b: memref<1280x256xf32>, %c: memref<8x256xf32>) {
  linalg.matmul ins(%a, %b : memref<8x1280xf32>, memref<1280x256xf32>) outs(%c : memref<8x256xf32>)
  return
}
func.func @few_rows_small_b(%a: memref<8x960xf32>, %b: memref<960x240xf32>, %c: memref<8x240xf32>) {
  linalg.matmul ins(%a, %b : memref<8x960xf32>, memref<960x240xf32>) outs(%c : memref<8x240xf32>)
  return
}

// -----

// One row with leftovers both ways: 67 = 8 x 8 + 3 rows of B (the last 3
// one at a time), 200 = 12 x 16 + 8 columns (the last 8 masked); the bias
// and the ReLU stay loops of their own around the walk.
// CHECK-LABEL: func.func @one_row_leftovers
// CHECK:       linalg.generic
// CHECK:       scf.for %[[K:.+]] = %c0 to %c64 step %c8 {
// CHECK:         scf.for %{{.+}} = %c0 to %c192 step %c16 {
// CHECK:         vector.constant_mask [8]
// CHECK-COUNT-8:  vector.maskedload %arg1
// CHECK:       scf.for %{{.+}} = %c64 to %c67 step %c1 {
// CHECK:         scf.for %{{.+}} = %c0 to %c192 step %c16 {
// CHECK-COUNT-1:   vector.fma
// CHECK:         vector.maskedstore
// CHECK:       linalg.generic
// CHECK:         arith.maximumf
func.func @one_row_leftovers(%a: memref<1x67xf32>, %b: memref<67x200xf32>, %bias: memref<200xf32>, %c: memref<1x200xf32>, %out: memref<1x200xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<200xf32>) outs(%c : memref<1x200xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.matmul ins(%a, %b : memref<1x67xf32>, memref<67x200xf32>) outs(%c : memref<1x200xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%c : memref<1x200xf32>) outs(%out : memref<1x200xf32>) {
  ^bb0(%x: f32, %y: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// One row of a batch of products whose B depends on the batch: the
// register-tiled form, 8 vectors of B per reduction step.
// CHECK-LABEL: func.func @one_row_batch
// CHECK:       scf.for %{{.+}} = %c0 to %c3 step %c1
// CHECK:         %{{.+}}:8 = scf.for %[[K:.+]] = %c0 to %c64 step %c1
// CHECK-COUNT-8:   vector.load %arg1[%{{.+}}, %[[K]], %{{.+}}] : memref<3x64x128xf32>, vector<16xf32>
func.func @one_row_batch(%a: memref<3x1x64xf32>, %b: memref<3x64x128xf32>, %c: memref<3x1x128xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x1x64xf32>, memref<3x64x128xf32>) outs(%c : memref<3x1x128xf32>)
  return
}

// -----

// A long chain on A's element whose ops each use the one before twice
// (x * x, 40 deep): still the A-side prologue, matched in one pass over
// the body (a recursive walk visited 2^40 paths).
// CHECK-LABEL: func.func @squared_chain
// CHECK:       vector.broadcast
// CHECK-NOT:   linalg.generic
func.func @squared_chain(%a: memref<16x64xf32>, %b: memref<64x32xf32>, %c: memref<16x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%c : memref<16x32xf32>) {
  ^bb0(%x0: f32, %y: f32, %acc: f32):
    %x1 = arith.mulf %x0, %x0 : f32
    %x2 = arith.mulf %x1, %x1 : f32
    %x3 = arith.mulf %x2, %x2 : f32
    %x4 = arith.mulf %x3, %x3 : f32
    %x5 = arith.mulf %x4, %x4 : f32
    %x6 = arith.mulf %x5, %x5 : f32
    %x7 = arith.mulf %x6, %x6 : f32
    %x8 = arith.mulf %x7, %x7 : f32
    %x9 = arith.mulf %x8, %x8 : f32
    %x10 = arith.mulf %x9, %x9 : f32
    %x11 = arith.mulf %x10, %x10 : f32
    %x12 = arith.mulf %x11, %x11 : f32
    %x13 = arith.mulf %x12, %x12 : f32
    %x14 = arith.mulf %x13, %x13 : f32
    %x15 = arith.mulf %x14, %x14 : f32
    %x16 = arith.mulf %x15, %x15 : f32
    %x17 = arith.mulf %x16, %x16 : f32
    %x18 = arith.mulf %x17, %x17 : f32
    %x19 = arith.mulf %x18, %x18 : f32
    %x20 = arith.mulf %x19, %x19 : f32
    %x21 = arith.mulf %x20, %x20 : f32
    %x22 = arith.mulf %x21, %x21 : f32
    %x23 = arith.mulf %x22, %x22 : f32
    %x24 = arith.mulf %x23, %x23 : f32
    %x25 = arith.mulf %x24, %x24 : f32
    %x26 = arith.mulf %x25, %x25 : f32
    %x27 = arith.mulf %x26, %x26 : f32
    %x28 = arith.mulf %x27, %x27 : f32
    %x29 = arith.mulf %x28, %x28 : f32
    %x30 = arith.mulf %x29, %x29 : f32
    %x31 = arith.mulf %x30, %x30 : f32
    %x32 = arith.mulf %x31, %x31 : f32
    %x33 = arith.mulf %x32, %x32 : f32
    %x34 = arith.mulf %x33, %x33 : f32
    %x35 = arith.mulf %x34, %x34 : f32
    %x36 = arith.mulf %x35, %x35 : f32
    %x37 = arith.mulf %x36, %x36 : f32
    %x38 = arith.mulf %x37, %x37 : f32
    %x39 = arith.mulf %x38, %x38 : f32
    %x40 = arith.mulf %x39, %x39 : f32
    %p = arith.mulf %x40, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A depthwise convolution on a padded window (a fused tensor.pad,
// bufferized: zeros, the source copied into the interior, and a window of
// zeros only behind an scf.if) reads the source itself: each tile whose
// reads all fall inside the interior plainly, the others with loads
// masked to the interior and the pad value elsewhere; each line's first
// column is a tile of its own. The window, its fills and its copy go.
// CHECK-LABEL: func.func @depthwise_through_pad
// CHECK-NOT:   linalg.copy
// CHECK-NOT:   memref<1x34x34x16xf32>
// CHECK:       scf.if
// CHECK:         vector.load %arg0
// CHECK:       else
// CHECK:         vector.maskedload %arg0
// CHECK-NOT:   linalg.copy
// CHECK-NOT:   linalg.fill
func.func @depthwise_through_pad(%src: memref<1x32x32x16xf32>, %w: memref<3x3x16xf32>, %out: memref<1x32x32x16xf32>, %empty: i1) {
  %zero = arith.constant 0.0 : f32
  %window = scf.if %empty -> (memref<1x34x34x16xf32>) {
    %all = memref.alloca() : memref<1x34x34x16xf32>
    linalg.map outs(%all : memref<1x34x34x16xf32>)
      (%init: f32) {
        linalg.yield %zero : f32
      }
    scf.yield %all : memref<1x34x34x16xf32>
  } else {
    %padded = memref.alloca() : memref<1x34x34x16xf32>
    %top = memref.subview %padded[0, 0, 0, 0] [1, 1, 34, 16] [1, 1, 1, 1] : memref<1x34x34x16xf32> to memref<1x1x34x16xf32, strided<[18496, 544, 16, 1]>>
    linalg.fill ins(%zero : f32) outs(%top : memref<1x1x34x16xf32, strided<[18496, 544, 16, 1]>>)
    %bottom = memref.subview %padded[0, 33, 0, 0] [1, 1, 34, 16] [1, 1, 1, 1] : memref<1x34x34x16xf32> to memref<1x1x34x16xf32, strided<[18496, 544, 16, 1], offset: 17952>>
    linalg.fill ins(%zero : f32) outs(%bottom : memref<1x1x34x16xf32, strided<[18496, 544, 16, 1], offset: 17952>>)
    %left = memref.subview %padded[0, 1, 0, 0] [1, 32, 1, 16] [1, 1, 1, 1] : memref<1x34x34x16xf32> to memref<1x32x1x16xf32, strided<[18496, 544, 16, 1], offset: 544>>
    linalg.fill ins(%zero : f32) outs(%left : memref<1x32x1x16xf32, strided<[18496, 544, 16, 1], offset: 544>>)
    %right = memref.subview %padded[0, 1, 33, 0] [1, 32, 1, 16] [1, 1, 1, 1] : memref<1x34x34x16xf32> to memref<1x32x1x16xf32, strided<[18496, 544, 16, 1], offset: 1072>>
    linalg.fill ins(%zero : f32) outs(%right : memref<1x32x1x16xf32, strided<[18496, 544, 16, 1], offset: 1072>>)
    %interior = memref.subview %padded[0, 1, 1, 0] [1, 32, 32, 16] [1, 1, 1, 1] : memref<1x34x34x16xf32> to memref<1x32x32x16xf32, strided<[18496, 544, 16, 1], offset: 560>>
    linalg.copy ins(%src : memref<1x32x32x16xf32>) outs(%interior : memref<1x32x32x16xf32, strided<[18496, 544, 16, 1], offset: 560>>)
    scf.yield %padded : memref<1x34x34x16xf32>
  }
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%window, %w : memref<1x34x34x16xf32>, memref<3x3x16xf32>) outs(%out : memref<1x32x32x16xf32>)
  return
}

// -----

// A tile that takes the whole padded extent (batch 8's 14x14 depthwise
// convolutions: two images of 14x14 per workgroup) has a plain window, no
// scf.if: its border filled and its interior copied just before the
// convolution. It is read through too; the window, fills and copy go.
// CHECK-LABEL: func.func @depthwise_plain_window
// CHECK-NOT:   memref.alloca() : memref<2x16x16x32xf32>
// CHECK-NOT:   linalg.fill
// CHECK-NOT:   linalg.copy
// CHECK:       vector.load %arg0
// CHECK:       vector.maskedload %arg0
// CHECK-NOT:   linalg.depthwise
func.func @depthwise_plain_window(%src: memref<2x14x14x32xf32>, %w: memref<3x3x32xf32>, %out: memref<2x14x14x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloca() : memref<2x16x16x32xf32>
  %top = memref.subview %padded[0, 0, 0, 0] [2, 1, 16, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x1x16x32xf32, strided<[8192, 512, 32, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<2x1x16x32xf32, strided<[8192, 512, 32, 1]>>)
  %bottom = memref.subview %padded[0, 15, 0, 0] [2, 1, 16, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x1x16x32xf32, strided<[8192, 512, 32, 1], offset: 7680>>
  linalg.fill ins(%zero : f32) outs(%bottom : memref<2x1x16x32xf32, strided<[8192, 512, 32, 1], offset: 7680>>)
  %left = memref.subview %padded[0, 1, 0, 0] [2, 14, 1, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x1x32xf32, strided<[8192, 512, 32, 1], offset: 512>>
  linalg.fill ins(%zero : f32) outs(%left : memref<2x14x1x32xf32, strided<[8192, 512, 32, 1], offset: 512>>)
  %right = memref.subview %padded[0, 1, 15, 0] [2, 14, 1, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x1x32xf32, strided<[8192, 512, 32, 1], offset: 992>>
  linalg.fill ins(%zero : f32) outs(%right : memref<2x14x1x32xf32, strided<[8192, 512, 32, 1], offset: 992>>)
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 14, 14, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>
  linalg.copy ins(%src : memref<2x14x14x32xf32>) outs(%interior : memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<2x16x16x32xf32>, memref<3x3x32xf32>) outs(%out : memref<2x14x14x32xf32>)
  return
}

// -----

// A plain window something else reads as well (here a copy out of it)
// stays: the convolution reads the window as before.
// CHECK-LABEL: func.func @depthwise_plain_window_shared
// CHECK:       memref.alloca() : memref<2x16x16x32xf32>
// CHECK:       linalg.copy
// CHECK:       linalg.copy
// CHECK-NOT:   vector.maskedload %arg0
func.func @depthwise_plain_window_shared(%src: memref<2x14x14x32xf32>, %w: memref<3x3x32xf32>, %out: memref<2x14x14x32xf32>, %keep: memref<2x16x16x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloca() : memref<2x16x16x32xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<2x16x16x32xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 14, 14, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>
  linalg.copy ins(%src : memref<2x14x14x32xf32>) outs(%interior : memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<2x16x16x32xf32>, memref<3x3x32xf32>) outs(%out : memref<2x14x14x32xf32>)
  linalg.copy ins(%padded : memref<2x16x16x32xf32>) outs(%keep : memref<2x16x16x32xf32>)
  return
}

// -----

// A write to the source between the copy and the convolution: the
// window holds the old values, so it stays (the output's fill there is no
// obstacle, as @depthwise_plain_window_output_fill shows).
// CHECK-LABEL: func.func @depthwise_plain_window_source_written
// CHECK:       memref.alloca() : memref<2x16x16x32xf32>
// CHECK:       linalg.copy
// CHECK-NOT:   vector.maskedload %arg0
func.func @depthwise_plain_window_source_written(%src: memref<2x14x14x32xf32>, %w: memref<3x3x32xf32>, %out: memref<2x14x14x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %padded = memref.alloca() : memref<2x16x16x32xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<2x16x16x32xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 14, 14, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>
  linalg.copy ins(%src : memref<2x14x14x32xf32>) outs(%interior : memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>)
  %row = memref.subview %src[0, 0, 0, 0] [1, 1, 14, 32] [1, 1, 1, 1] : memref<2x14x14x32xf32> to memref<1x1x14x32xf32, strided<[6272, 448, 32, 1]>>
  linalg.fill ins(%one : f32) outs(%row : memref<1x1x14x32xf32, strided<[6272, 448, 32, 1]>>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<2x16x16x32xf32>, memref<3x3x32xf32>) outs(%out : memref<2x14x14x32xf32>)
  return
}

// -----

// The output's init fill between the copy and the convolution writes
// other memory: the window is read through.
// CHECK-LABEL: func.func @depthwise_plain_window_output_fill
// CHECK-NOT:   memref.alloca() : memref<2x16x16x32xf32>
// CHECK-NOT:   linalg.copy
// CHECK:       vector.maskedload %arg0
func.func @depthwise_plain_window_output_fill(%src: memref<2x14x14x32xf32>, %w: memref<3x3x32xf32>, %out: memref<2x14x14x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloca() : memref<2x16x16x32xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<2x16x16x32xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 14, 14, 32] [1, 1, 1, 1] : memref<2x16x16x32xf32> to memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>
  linalg.copy ins(%src : memref<2x14x14x32xf32>) outs(%interior : memref<2x14x14x32xf32, strided<[8192, 512, 32, 1], offset: 544>>)
  linalg.fill ins(%zero : f32) outs(%out : memref<2x14x14x32xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<2x16x16x32xf32>, memref<3x3x32xf32>) outs(%out : memref<2x14x14x32xf32>)
  return
}

// -----

// Lines of 7 read through the pad as well: each line's interior is a tile
// of 5, its last column and the next line's first one a tile of 2.
// CHECK-LABEL: func.func @depthwise_7x7_through_pad
// CHECK-NOT:   linalg.copy
// CHECK-NOT:   memref<1x9x9x16xf32>
// CHECK:       scf.for %[[LINE:.+]] = %c0 to %c7 step %c1
// CHECK:         %[[LAST:.+]] = arith.cmpi eq, %[[LINE]], %c6
// CHECK:         scf.if %[[LAST]] {
// CHECK:         } else {
// CHECK-COUNT-2:   vector.store %{{.+}}, %arg2
// CHECK-NOT:   linalg.copy
func.func @depthwise_7x7_through_pad(%src: memref<1x7x7x16xf32>, %w: memref<3x3x16xf32>, %out: memref<1x7x7x16xf32>, %empty: i1) {
  %zero = arith.constant 0.0 : f32
  %window = scf.if %empty -> (memref<1x9x9x16xf32>) {
    %all = memref.alloca() : memref<1x9x9x16xf32>
    linalg.fill ins(%zero : f32) outs(%all : memref<1x9x9x16xf32>)
    scf.yield %all : memref<1x9x9x16xf32>
  } else {
    %padded = memref.alloca() : memref<1x9x9x16xf32>
    linalg.fill ins(%zero : f32) outs(%padded : memref<1x9x9x16xf32>)
    %interior = memref.subview %padded[0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x7x7x16xf32, strided<[1296, 144, 16, 1], offset: 160>>
    linalg.copy ins(%src : memref<1x7x7x16xf32>) outs(%interior : memref<1x7x7x16xf32, strided<[1296, 144, 16, 1], offset: 160>>)
    scf.yield %padded : memref<1x9x9x16xf32>
  }
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%window, %w : memref<1x9x9x16xf32>, memref<3x3x16xf32>) outs(%out : memref<1x7x7x16xf32>)
  return
}

// -----

// A 5x5 window (a pad of 2) reads through the pad too: along each line of
// 32 columns, the first two and the last two (whose windows reach into
// the pad) are the border, the 28 between them full tiles. A line's right
// border and the next line's left border are consecutive rows: one tile
// of 4 rows crossing the line's end (each row's column and line its own);
// the first line's left border and the last line's right border are tiles
// of 2.
// CHECK-LABEL: func.func @depthwise_5x5_through_pad
// CHECK-NOT:   linalg.copy
// CHECK:       scf.for %[[LINE:.+]] = %c0 to %c32 step %c1
// CHECK:         %[[BEGIN:.+]] = arith.muli %[[LINE]], %c32
// CHECK:         %[[FIRST:.+]] = arith.cmpi eq, %[[LINE]], %c0
// CHECK:         scf.if %[[FIRST]] {
// CHECK:           %[[C0:.+]] = arith.remui %[[BEGIN]], %c32
// CHECK:           %[[R0:.+]] = arith.divui %[[BEGIN]], %c32
// CHECK:           %[[C1:.+]] = arith.addi %[[C0]], %c1
// CHECK:           vector.store %{{.+}}, %arg2[%c0, %[[R0]], %[[C0]], %c0]
// CHECK-NEXT:      vector.store %{{.+}}, %arg2[%c0, %[[R0]], %[[C1]], %c0]
// CHECK-NEXT:    }
// CHECK-DAG:     %[[BORDER:.+]] = arith.addi %[[BEGIN]], %c30
// CHECK-DAG:     %[[INTERIOR:.+]] = arith.addi %[[BEGIN]], %c2
// CHECK:         scf.for %{{.+}} = %[[INTERIOR]] to %{{.+}} step %c8
// CHECK:         %[[LAST:.+]] = arith.cmpi eq, %[[LINE]], %c31
// CHECK:         scf.if %[[LAST]] {
// CHECK:           %[[COL:.+]] = arith.remui %[[BORDER]], %c32
// CHECK:           %[[ROW:.+]] = arith.divui %[[BORDER]], %c32
// CHECK:           %[[NEXT:.+]] = arith.addi %[[COL]], %c1
// CHECK-COUNT-2:   vector.store %{{.+}}, %arg2[%c0, %[[ROW]], %{{.+}}, %c0]
// CHECK:         } else {
// CHECK-COUNT-4:   arith.divui
// CHECK-COUNT-4:   vector.store %{{.+}}, %arg2[%c0, %{{.+}}, %{{.+}}, %c0]
// CHECK-NOT:   linalg.copy
func.func @depthwise_5x5_through_pad(%src: memref<1x32x32x16xf32>, %w: memref<5x5x16xf32>, %out: memref<1x32x32x16xf32>, %empty: i1) {
  %zero = arith.constant 0.0 : f32
  %window = scf.if %empty -> (memref<1x36x36x16xf32>) {
    %all = memref.alloca() : memref<1x36x36x16xf32>
    linalg.fill ins(%zero : f32) outs(%all : memref<1x36x36x16xf32>)
    scf.yield %all : memref<1x36x36x16xf32>
  } else {
    %padded = memref.alloca() : memref<1x36x36x16xf32>
    linalg.fill ins(%zero : f32) outs(%padded : memref<1x36x36x16xf32>)
    %interior = memref.subview %padded[0, 2, 2, 0] [1, 32, 32, 16] [1, 1, 1, 1] : memref<1x36x36x16xf32> to memref<1x32x32x16xf32, strided<[20736, 576, 16, 1], offset: 1184>>
    linalg.copy ins(%src : memref<1x32x32x16xf32>) outs(%interior : memref<1x32x32x16xf32, strided<[20736, 576, 16, 1], offset: 1184>>)
    scf.yield %padded : memref<1x36x36x16xf32>
  }
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%window, %w : memref<1x36x36x16xf32>, memref<5x5x16xf32>) outs(%out : memref<1x32x32x16xf32>)
  return
}

// -----

// A panel-major filter ([F/32][KH][KW][C][32], tessera-flow-panel-major-
// filters) against the output seen as [N][OH][OW][F/32][32]: the row is ow
// (the panel loop between it and the columns indexes only B and C), the
// rows run over (oh, ow) flattened inside a loop over the panels, and each
// panel is read in place (no copy) along its contiguous reduction, 16 steps
// of the innermost one ahead prefetched.
// CHECK-LABEL: func.func @panel_major_conv
// CHECK-NOT: memref.alloca
// CHECK:     scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:       scf.for %[[M:.+]] = %c0 to %c16 step %c8
// CHECK:         scf.for %[[C:.+]] = %c0 to %c128 step %c1 iter_args(
// CHECK:           vector.load %arg1[%[[P]], %c0, %c0, %[[C]], %c0] : memref<2x1x1x128x32xf32>, vector<16xf32>
// CHECK:           %[[AHEAD:.+]] = arith.addi %[[C]], %c16
// CHECK:           memref.prefetch %arg1[%[[P]], %c0, %c0, %[[AHEAD]], %c0], read, locality<3>, data
// CHECK:           vector.load %arg1[%[[P]], %c0, %c0, %[[C]], %c16] : memref<2x1x1x128x32xf32>, vector<16xf32>
// CHECK-COUNT-16:  vector.fma
// CHECK:         vector.store %{{.+}}, %arg2[%{{.+}}, %{{.+}}, %{{.+}}, %[[P]], %c0]
func.func @panel_major_conv(%x: memref<1x4x4x128xf32>, %w: memref<2x1x1x128x32xf32>, %y: memref<1x4x4x2x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x4x4x128xf32>, memref<2x1x1x128x32xf32>) outs(%y : memref<1x4x4x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A shallow panel-major product (16 channels: both panels, 4 KiB, in the
// L1 cache): the panels run inside each row tile, which writes its rows of
// the output whole.
// CHECK-LABEL: func.func @panel_major_shallow
// CHECK:     scf.for %[[M:.+]] = %c0 to %c16 step %c8
// CHECK:       scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:         scf.for %[[C:.+]] = %c0 to %c16 step %c1 iter_args(
// CHECK:           vector.load %arg1[%[[P]], %c0, %c0, %[[C]], %c0] : memref<2x1x1x16x32xf32>, vector<16xf32>
// CHECK-COUNT-16:  vector.fma
// CHECK:         vector.store %{{.+}}, %arg2[%{{.+}}, %{{.+}}, %{{.+}}, %[[P]], %c0]
func.func @panel_major_shallow(%x: memref<1x4x4x16xf32>, %w: memref<2x1x1x16x32xf32>, %y: memref<1x4x4x2x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x4x4x16xf32>, memref<2x1x1x16x32xf32>) outs(%y : memref<1x4x4x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A workgroup's two panels of a four-panel filter, 49 rows (7 tiles), 128
// deep: besides its own panel 16 steps ahead, each row tile prefetches into
// the L2 cache a share of the next panel (the next workgroup's after the
// last), from the filter's whole buffer: a row of 19 from row 19 * tile,
// one every 4 steps (the largest power of two up to 7 tiles), clamped to
// the last row and the last panel.
// CHECK-LABEL: func.func @next_panel_spread
// CHECK:     scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:       scf.for %[[M:.+]] = %c0 to %c48 step %c8
// CHECK:         %[[TILE:.+]] = arith.divui %[[M]], %c8
// CHECK:         %[[SHARE:.+]] = arith.muli %[[TILE]], %c19
// CHECK:         scf.for %[[C:.+]] = %c0 to %c128 step %c1 iter_args(
// CHECK:           memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK:           %[[PHASE:.+]] = arith.andi %[[C]], %c3
// CHECK:           %[[DUE:.+]] = arith.cmpi eq, %[[PHASE]], %c0
// CHECK:           scf.if %[[DUE]] {
// CHECK:             %[[STEP:.+]] = arith.shrui %[[C]], %c2
// CHECK:             %[[ROW:.+]] = arith.addi %[[SHARE]], %[[STEP]]
// CHECK:             %[[CLAMPED:.+]] = arith.minui %[[ROW]], %c127
// CHECK:             %[[IN:.+]] = arith.addi %[[P]], %arg3
// CHECK:             %[[NEXT:.+]] = arith.addi %[[IN]], %c1
// CHECK:             %[[LAST:.+]] = arith.minui %[[NEXT]], %c3
// CHECK:             memref.prefetch %arg1[%[[LAST]], %c0, %c0, %[[CLAMPED]], %c0], read, locality<2>, data : memref<4x1x1x128x32xf32>
// CHECK:             memref.prefetch %arg1[%[[LAST]], %c0, %c0, %[[CLAMPED]], %c16], read, locality<2>, data : memref<4x1x1x128x32xf32>
// CHECK:           }
// CHECK-COUNT-16:  vector.fma
func.func @next_panel_spread(%x: memref<1x7x7x128xf32>, %wall: memref<4x1x1x128x32xf32>, %y: memref<1x7x7x2x32xf32>, %p0: index) {
  %w = memref.subview %wall[%p0, 0, 0, 0, 0] [2, 1, 1, 128, 32] [1, 1, 1, 1, 1] : memref<4x1x1x128x32xf32> to memref<2x1x1x128x32xf32, strided<[4096, 4096, 4096, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x7x7x128xf32>, memref<2x1x1x128x32xf32, strided<[4096, 4096, 4096, 32, 1], offset: ?>>) outs(%y : memref<1x7x7x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// 196 rows (25 tiles) 64 deep: a tile's share of the next panel is 3 rows,
// prefetched before its reductions rather than spread over them.
// CHECK-LABEL: func.func @next_panel_up_front
// CHECK:     scf.for %[[M:.+]] = %c0 to %c192 step %c8
// CHECK:       %[[TILE:.+]] = arith.divui %[[M]], %c8
// CHECK:       %[[SHARE:.+]] = arith.muli %[[TILE]], %c3
// CHECK:       %[[ROW:.+]] = arith.minui %[[SHARE]], %c63
// CHECK:       %[[LAST:.+]] = arith.minui %{{.+}}, %c3
// CHECK:       memref.prefetch %arg1[%[[LAST]], %c0, %c0, %[[ROW]], %c0], read, locality<2>, data
// CHECK-COUNT-5: memref.prefetch %arg1[%[[LAST]], %c0, %c0, %{{.+}}], read, locality<2>, data
// CHECK-NOT:   locality<2>
// CHECK:       scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK-NOT:     scf.if
// CHECK:       }
func.func @next_panel_up_front(%x: memref<1x14x14x64xf32>, %wall: memref<4x1x1x64x32xf32>, %y: memref<1x14x14x1x32xf32>, %p0: index) {
  %w = memref.subview %wall[%p0, 0, 0, 0, 0] [1, 1, 1, 64, 32] [1, 1, 1, 1, 1] : memref<4x1x1x64x32xf32> to memref<1x1x1x64x32xf32, strided<[2048, 2048, 2048, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x14x14x64xf32>, memref<1x1x1x64x32xf32, strided<[2048, 2048, 2048, 32, 1], offset: ?>>) outs(%y : memref<1x14x14x1x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A 3x3 stride-2 convolution's panel of 576 KiB (over kMaxNextPanelBytes)
// with 450 KiB of A: two panels and A fit kMaxPanelsAndLhsBytes, and the
// next panel is prefetched into the L2 cache.
// CHECK-LABEL: func.func @next_panel_large_small_lhs
// CHECK: memref.prefetch %arg1[%{{.+}}], read, locality<2>, data : memref<4x3x3x512x32xf32>
func.func @next_panel_large_small_lhs(%x: memref<1x15x15x512xf32>, %wall: memref<4x3x3x512x32xf32>, %y: memref<1x7x7x1x32xf32>, %p0: index) {
  %w = memref.subview %wall[%p0, 0, 0, 0, 0] [1, 3, 3, 512, 32] [1, 1, 1, 1, 1] : memref<4x3x3x512x32xf32> to memref<1x3x3x512x32xf32, strided<[147456, 49152, 16384, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh * 2 + kh, ow * 2 + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x15x15x512xf32>, memref<1x3x3x512x32xf32, strided<[147456, 49152, 16384, 32, 1], offset: ?>>) outs(%y : memref<1x7x7x1x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same at batch 8 (3.5 MiB of A): the L2 cache has no room for the next
// panel.
// CHECK-LABEL: func.func @next_panel_large_large_lhs
// CHECK-NOT: locality<2>
// CHECK:     return
func.func @next_panel_large_large_lhs(%x: memref<8x15x15x512xf32>, %wall: memref<4x3x3x512x32xf32>, %y: memref<8x7x7x1x32xf32>, %p0: index) {
  %w = memref.subview %wall[%p0, 0, 0, 0, 0] [1, 3, 3, 512, 32] [1, 1, 1, 1, 1] : memref<4x3x3x512x32xf32> to memref<1x3x3x512x32xf32, strided<[147456, 49152, 16384, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh * 2 + kh, ow * 2 + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<8x15x15x512xf32>, memref<1x3x3x512x32xf32, strided<[147456, 49152, 16384, 32, 1], offset: ?>>) outs(%y : memref<8x7x7x1x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Workgroups of some of the rows (a view of A) of a filter the L2 cache
// holds: the next workgroup reads these panels again from there, and
// nothing of the next panel is prefetched.
// CHECK-LABEL: func.func @next_panel_rows_split
// CHECK-NOT: locality<2>
// CHECK:     return
func.func @next_panel_rows_split(%xall: memref<1x14x7x128xf32>, %wall: memref<4x1x1x128x32xf32>, %y: memref<1x7x7x2x32xf32>, %r0: index, %p0: index) {
  %x = memref.subview %xall[0, %r0, 0, 0] [1, 7, 7, 128] [1, 1, 1, 1] : memref<1x14x7x128xf32> to memref<1x7x7x128xf32, strided<[12544, 896, 128, 1], offset: ?>>
  %w = memref.subview %wall[%p0, 0, 0, 0, 0] [2, 1, 1, 128, 32] [1, 1, 1, 1, 1] : memref<4x1x1x128x32xf32> to memref<2x1x1x128x32xf32, strided<[4096, 4096, 4096, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x7x7x128xf32, strided<[12544, 896, 128, 1], offset: ?>>, memref<2x1x1x128x32xf32, strided<[4096, 4096, 4096, 32, 1], offset: ?>>) outs(%y : memref<1x7x7x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A Winograd product's workgroup: one position of four, both panels, 49
// rows. Its slice of B (64 KiB in all, well under kMinUncachedBytes) is
// read by this workgroup of all the rows alone, once per call: its row
// tiles prefetch the next panel of the same position into the L2 cache,
// clamped to the last.
// CHECK-LABEL: func.func @next_panel_position_slice
// CHECK:     scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:       scf.for %[[M:.+]] = %c0 to %c48 step %c8
// CHECK:         scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK:           scf.if
// CHECK:             %[[NEXT:.+]] = arith.addi %[[P]], %c1
// CHECK:             %[[LAST:.+]] = arith.minui %[[NEXT]], %c1
// CHECK:             memref.prefetch %arg1[%arg3, %[[LAST]], %{{.+}}, %c0], read, locality<2>, data : memref<4x2x64x32xf32>
// CHECK:             memref.prefetch %arg1[%arg3, %[[LAST]], %{{.+}}, %c16], read, locality<2>, data : memref<4x2x64x32xf32>
// CHECK:           }
// CHECK-COUNT-16:  vector.fma
func.func @next_panel_position_slice(%xall: memref<4x49x64xf32>, %wall: memref<4x2x64x32xf32>, %y: memref<1x2x49x32xf32>, %p0: index) {
  %x = memref.subview %xall[%p0, 0, 0] [1, 49, 64] [1, 1, 1] : memref<4x49x64xf32> to memref<1x49x64xf32, strided<[3136, 64, 1], offset: ?>>
  %w = memref.subview %wall[%p0, 0, 0, 0] [1, 2, 64, 32] [1, 1, 1, 1] : memref<4x2x64x32xf32> to memref<1x2x64x32xf32, strided<[4096, 2048, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(t, p, m, q, c) -> (t, m, c)>, affine_map<(t, p, m, q, c) -> (t, p, c, q)>, affine_map<(t, p, m, q, c) -> (t, p, m, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x49x64xf32, strided<[3136, 64, 1], offset: ?>>, memref<1x2x64x32xf32, strided<[4096, 2048, 32, 1], offset: ?>>) outs(%y : memref<1x2x49x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same product with the panel loop outside the position loop (found by
// an outside tester): the panels still run along the loop that steps in
// the workgroup, B's dimension 1 (clamped to 2), not along the position,
// which is another workgroup's slice.
// CHECK-LABEL: func.func @next_panel_position_slice_panels_outside
// CHECK:     scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:             %[[IN:.+]] = arith.addi %[[P]], %arg4
// CHECK:             %[[NEXT:.+]] = arith.addi %[[IN]], %c1
// CHECK:             %[[LAST:.+]] = arith.minui %[[NEXT]], %c2
// CHECK:             memref.prefetch %arg1[%arg3, %[[LAST]], %{{.+}}, %c0], read, locality<2>, data : memref<4x3x64x32xf32>
func.func @next_panel_position_slice_panels_outside(%xall: memref<4x49x64xf32>, %wall: memref<4x3x64x32xf32>, %y: memref<1x2x49x32xf32>, %t0: index, %p0: index) {
  %x = memref.subview %xall[%t0, 0, 0] [1, 49, 64] [1, 1, 1] : memref<4x49x64xf32> to memref<1x49x64xf32, strided<[3136, 64, 1], offset: ?>>
  %w = memref.subview %wall[%t0, %p0, 0, 0] [1, 2, 64, 32] [1, 1, 1, 1] : memref<4x3x64x32xf32> to memref<1x2x64x32xf32, strided<[6144, 2048, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(p, t, m, q, c) -> (t, m, c)>, affine_map<(p, t, m, q, c) -> (t, p, c, q)>, affine_map<(p, t, m, q, c) -> (t, p, m, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x49x64xf32, strided<[3136, 64, 1], offset: ?>>, memref<1x2x64x32xf32, strided<[6144, 2048, 32, 1], offset: ?>>) outs(%y : memref<1x2x49x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same product split into row groups (25 of 49 rows here): the other
// group reads this slice of B again from the L2 cache, and nothing of it is
// prefetched there.
// CHECK-LABEL: func.func @next_panel_position_slice_rows_split
// CHECK-NOT: locality<2>
// CHECK:     return
func.func @next_panel_position_slice_rows_split(%xall: memref<4x49x64xf32>, %wall: memref<4x2x64x32xf32>, %y: memref<1x2x25x32xf32>, %p0: index, %r0: index) {
  %x = memref.subview %xall[%p0, %r0, 0] [1, 25, 64] [1, 1, 1] : memref<4x49x64xf32> to memref<1x25x64xf32, strided<[3136, 64, 1], offset: ?>>
  %w = memref.subview %wall[%p0, 0, 0, 0] [1, 2, 64, 32] [1, 1, 1, 1] : memref<4x2x64x32xf32> to memref<1x2x64x32xf32, strided<[4096, 2048, 32, 1], offset: ?>>
  linalg.generic {indexing_maps = [affine_map<(t, p, m, q, c) -> (t, m, c)>, affine_map<(t, p, m, q, c) -> (t, p, c, q)>, affine_map<(t, p, m, q, c) -> (t, p, m, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x25x64xf32, strided<[3136, 64, 1], offset: ?>>, memref<1x2x64x32xf32, strided<[4096, 2048, 32, 1], offset: ?>>) outs(%y : memref<1x2x25x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same product with every position in one workgroup: all of B is
// this workgroup's view, and nothing of it is prefetched into the L2 cache.
// CHECK-LABEL: func.func @next_panel_all_positions
// CHECK-NOT: locality<2>
// CHECK:     return
func.func @next_panel_all_positions(%x: memref<4x49x64xf32>, %w: memref<4x2x64x32xf32>, %y: memref<4x2x49x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, p, m, q, c) -> (t, m, c)>, affine_map<(t, p, m, q, c) -> (t, p, c, q)>, affine_map<(t, p, m, q, c) -> (t, p, m, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<4x49x64xf32>, memref<4x2x64x32xf32>) outs(%y : memref<4x2x49x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A batch matmul writing [M][batch][N]: the batch between the rows and the
// columns indexes A too, so it is no panel of B's columns and the op is
// left to the generic lowering.
// CHECK-LABEL: func.func @transposed_batch_output_untouched
// CHECK-NEXT: linalg.generic
func.func @transposed_batch_output_untouched(%a: memref<3x16x8xf32>, %b: memref<3x8x32xf32>, %c: memref<16x3x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, bt, n, k) -> (bt, m, k)>, affine_map<(m, bt, n, k) -> (bt, k, n)>, affine_map<(m, bt, n, k) -> (m, bt, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%a, %b : memref<3x16x8xf32>, memref<3x8x32xf32>) outs(%c : memref<16x3x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A deep matmul whose rows of A lie 4 KiB apart (1024 f32 columns): the
// eight rows of a register tile would share one set of the L1 cache. Per
// block of 256 reduction steps, A's rows are copied into a stack buffer
// 1 KiB a row, and every panel of B is packed first, walking B's rows; the
// tiles then broadcast A from the copy and read their panel in place. Each
// tile reloads its accumulators from C after the first block, so it
// prefetches the next tile's C (8 rows on, clamped to the last) into the
// L2 cache, a line per 16 columns.
// CHECK-LABEL: func.func @deep_matmul
// CHECK-DAG: %[[APACK:.+]] = memref.alloca() {alignment = 64 : i64} : memref<64x256xf32>
// CHECK-DAG: %[[PANELS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4x256x32xf32>
// CHECK: scf.for %[[KB:.+]] = %{{.+}} to %c1024 step %c256
// CHECK:   scf.for %[[R:.+]] = %{{.+}} to %c64 step %c1
// CHECK:     scf.for %[[K:.+]] = %[[KB]] to %{{.+}} step %c16
// CHECK:       %[[AV:.+]] = vector.load %arg0[%[[R]], %[[K]]] : memref<64x1024xf32>, vector<16xf32>
// CHECK:       vector.store %[[AV]], %[[APACK]][%[[R]], %{{.+}}]
// CHECK:   scf.for %[[KK:.+]] = %[[KB]] to %{{.+}} step %c1
// CHECK:     scf.for %[[P:.+]] = %{{.+}} to %c4 step %c1
// CHECK:       vector.load %arg1[%[[KK]], %{{.+}}] : memref<1024x128xf32>, vector<16xf32>
// CHECK:       vector.store %{{.+}}, %[[PANELS]][%[[P]], %{{.+}}, %c0]
// CHECK:   scf.for %[[J:.+]] = %{{.+}} to %c128 step %c32
// CHECK:     %[[PANEL:.+]] = memref.subview %[[PANELS]]
// CHECK:     scf.for %[[I:.+]] = %{{.+}} to %c64 step %c8
// CHECK:       %[[NEXT:.+]] = arith.addi %[[I]], %c8
// CHECK:       %[[CLAMPED:.+]] = arith.minui %[[NEXT]], %c63
// CHECK:       memref.prefetch %arg2[%[[CLAMPED]], %[[J]]], read, locality<2>, data
// CHECK:       memref.prefetch %arg2[%[[CLAMPED]], %{{.+}}], read, locality<2>, data
// CHECK-COUNT-14: memref.prefetch %arg2
// CHECK-NOT:   memref.prefetch
// CHECK:       scf.for %[[S:.+]] = %[[KB]] to %{{.+}} step %c1 iter_args(
// CHECK:         vector.load %[[PANEL]][%{{.+}}, %c0]
// CHECK:         memref.load %[[APACK]][%[[I]], %{{.+}}] : memref<64x256xf32>
// CHECK-NOT: memref.load %arg0
// CHECK: return
func.func @deep_matmul(%a: memref<64x1024xf32>, %b: memref<1024x128xf32>,
                       %c: memref<64x128xf32>) {
  linalg.matmul ins(%a, %b : memref<64x1024xf32>, memref<1024x128xf32>)
                outs(%c : memref<64x128xf32>)
  return
}

// -----

// Rows 3 KiB apart fall into four sets of the L1 cache: A is read in place
// and each panel packed on its own.
// CHECK-LABEL: func.func @deep_matmul_spread_rows
// CHECK-NOT: memref<64x256xf32>
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<256x32xf32>
// CHECK: memref.load %arg0
func.func @deep_matmul_spread_rows(%a: memref<64x768xf32>,
                                   %b: memref<768x128xf32>,
                                   %c: memref<64x128xf32>) {
  linalg.matmul ins(%a, %b : memref<64x768xf32>, memref<768x128xf32>)
                outs(%c : memref<64x128xf32>)
  return
}

// -----

// A 1x1 convolution whose input and residual outgrow the L2 caches (8 and
// 16 MiB): each register tile prefetches the next tile's rows of A, a line
// every 16 channels, and the residual its epilogue reads, a line per
// vector; the next tile's rows stop at the workgroup's last.
// CHECK-LABEL: func.func @streamed_conv
// CHECK:     scf.for %[[ROW:.+]] = %c0 to %c16 step %c8
// CHECK:       scf.for %[[P:.+]] = %c0 to %c2 step %c1
// CHECK:         %[[NEXT:.+]] = arith.addi %[[ROW]], %c8
// CHECK:         %[[CLAMPED:.+]] = arith.minui %[[NEXT]], %c15
// CHECK:         memref.prefetch %[[RES:.+]][%c0, %c0, %[[CLAMPED]], %[[P]], %c0], read, locality<3>, data
// CHECK:         memref.prefetch %[[RES]][%c0, %c0, %[[CLAMPED]], %[[P]], %c16], read, locality<3>, data
// CHECK-COUNT-14: memref.prefetch %[[RES]]
// CHECK:         scf.for %[[K:.+]] = %c0 to %c64 step %c1 iter_args(
// CHECK:           %[[LINE:.+]] = arith.remui %[[K]], %c16
// CHECK:           %[[AT:.+]] = arith.cmpi eq, %[[LINE]], %c0
// CHECK:           scf.if %[[AT]] {
// CHECK:             memref.prefetch %[[X:.+]][%c0, %c0, %[[CLAMPED]], %[[K]]], read, locality<3>, data
// CHECK-COUNT-7:     memref.prefetch %[[X]][%c0, %c0, %{{.+}}, %[[K]]]
// CHECK-NEXT:      }
func.func @streamed_conv(%x: memref<8x64x64x64xf32>, %w: memref<2x1x1x64x32xf32>, %res: memref<8x64x64x2x32xf32>, %y: memref<8x64x64x2x32xf32>, %i: index) {
  %zero = arith.constant 0.0 : f32
  %xs = memref.subview %x[%i, 0, 0, 0] [1, 1, 16, 64] [1, 1, 1, 1] : memref<8x64x64x64xf32> to memref<1x1x16x64xf32, strided<[262144, 4096, 64, 1], offset: ?>>
  %rs = memref.subview %res[%i, 0, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<8x64x64x2x32xf32> to memref<1x1x16x2x32xf32, strided<[262144, 4096, 64, 32, 1], offset: ?>>
  %ys = memref.subview %y[%i, 0, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<8x64x64x2x32xf32> to memref<1x1x16x2x32xf32, strided<[262144, 4096, 64, 32, 1], offset: ?>>
  %c = memref.alloca() : memref<1x1x16x2x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x1x16x2x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%xs, %w : memref<1x1x16x64xf32, strided<[262144, 4096, 64, 1], offset: ?>>, memref<2x1x1x64x32xf32>) outs(%c : memref<1x1x16x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %rs : memref<1x1x16x2x32xf32>, memref<1x1x16x2x32xf32, strided<[262144, 4096, 64, 32, 1], offset: ?>>) outs(%ys : memref<1x1x16x2x32xf32, strided<[262144, 4096, 64, 32, 1], offset: ?>>) {
  ^bb0(%p: f32, %r: f32, %o: f32):
    %s = arith.addf %p, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A residual of 784 KiB (a 64 -> 64 convolution's at 56x56, batch 1),
// written a few dispatches before its reader: the L2 cache no longer holds
// it, so each tile prefetches the next tile's lines of it. The input, the
// previous dispatch's output, is not prefetched.
// CHECK-LABEL: func.func @residual_from_l3_conv
// CHECK-NOT:   arith.remui
// CHECK-COUNT-16: memref.prefetch %{{.+}}, read, locality<3>, data : memref<1x1x16x2x32xf32, strided<[200704, 3584, 64, 32, 1], offset: ?>>
// CHECK-NOT:   arith.remui
// CHECK:       return
func.func @residual_from_l3_conv(%x: memref<1x56x56x64xf32>, %w: memref<2x1x1x64x32xf32>, %res: memref<1x56x56x2x32xf32>, %y: memref<1x56x56x2x32xf32>, %i: index) {
  %zero = arith.constant 0.0 : f32
  %xs = memref.subview %x[0, %i, 0, 0] [1, 1, 16, 64] [1, 1, 1, 1] : memref<1x56x56x64xf32> to memref<1x1x16x64xf32, strided<[200704, 3584, 64, 1], offset: ?>>
  %rs = memref.subview %res[0, %i, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<1x56x56x2x32xf32> to memref<1x1x16x2x32xf32, strided<[200704, 3584, 64, 32, 1], offset: ?>>
  %ys = memref.subview %y[0, %i, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<1x56x56x2x32xf32> to memref<1x1x16x2x32xf32, strided<[200704, 3584, 64, 32, 1], offset: ?>>
  %c = memref.alloca() : memref<1x1x16x2x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x1x16x2x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%xs, %w : memref<1x1x16x64xf32, strided<[200704, 3584, 64, 1], offset: ?>>, memref<2x1x1x64x32xf32>) outs(%c : memref<1x1x16x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %rs : memref<1x1x16x2x32xf32>, memref<1x1x16x2x32xf32, strided<[200704, 3584, 64, 32, 1], offset: ?>>) outs(%ys : memref<1x1x16x2x32xf32, strided<[200704, 3584, 64, 32, 1], offset: ?>>) {
  ^bb0(%p: f32, %r: f32, %o: f32):
    %s = arith.addf %p, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same convolution on an input and residual the caches hold: no
// prefetches of them (B's own, 16 steps ahead, stay).
// CHECK-LABEL: func.func @cached_conv
// CHECK-NOT:   arith.remui
// CHECK-NOT:   memref.prefetch %subview
// CHECK:       return
func.func @cached_conv(%x: memref<1x4x16x64xf32>, %w: memref<2x1x1x64x32xf32>, %res: memref<1x4x16x2x32xf32>, %y: memref<1x4x16x2x32xf32>, %i: index) {
  %zero = arith.constant 0.0 : f32
  %xs = memref.subview %x[%i, 0, 0, 0] [1, 1, 16, 64] [1, 1, 1, 1] : memref<1x4x16x64xf32> to memref<1x1x16x64xf32, strided<[4096, 1024, 64, 1], offset: ?>>
  %rs = memref.subview %res[%i, 0, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<1x4x16x2x32xf32> to memref<1x1x16x2x32xf32, strided<[4096, 1024, 64, 32, 1], offset: ?>>
  %ys = memref.subview %y[%i, 0, 0, 0, 0] [1, 1, 16, 2, 32] [1, 1, 1, 1, 1] : memref<1x4x16x2x32xf32> to memref<1x1x16x2x32xf32, strided<[4096, 1024, 64, 32, 1], offset: ?>>
  %c = memref.alloca() : memref<1x1x16x2x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x1x16x2x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%xs, %w : memref<1x1x16x64xf32, strided<[4096, 1024, 64, 1], offset: ?>>, memref<2x1x1x64x32xf32>) outs(%c : memref<1x1x16x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %rs : memref<1x1x16x2x32xf32>, memref<1x1x16x2x32xf32, strided<[4096, 1024, 64, 32, 1], offset: ?>>) outs(%ys : memref<1x1x16x2x32xf32, strided<[4096, 1024, 64, 32, 1], offset: ?>>) {
  ^bb0(%p: f32, %r: f32, %o: f32):
    %s = arith.addf %p, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A panel-major 1x1 convolution whose epilogue adds a residual, with 32 KiB
// of B (4 panels of 64 channels, more than the 16 KiB up to which panels
// always run inside the row tiles): the panels still run inside each row
// tile, so that the tile reads the residual's and writes the output's rows
// whole (B from the L2 cache). Without the residual the panels run
// outside, each over all rows.
// CHECK-LABEL: func.func @residual_panels_inside_rows
// CHECK:     scf.for %[[ROW:.+]] = %c0 to %c16 step %c8
// CHECK:       scf.for %[[P:.+]] = %c0 to %c4 step %c1
// CHECK:         scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK:         vector.load %arg2[%c0, %c0, %{{.+}}, %[[P]], %c0]
// CHECK:         arith.addf
// CHECK:         vector.store %{{.+}}, %arg3[%c0, %c0, %{{.+}}, %[[P]], %c0]
// CHECK-LABEL: func.func @no_residual_panels_outside_rows
// CHECK:     scf.for %[[P:.+]] = %c0 to %c4 step %c1
// CHECK:       scf.for %[[ROW:.+]] = %c0 to %c16 step %c8
func.func @residual_panels_inside_rows(%x: memref<1x1x16x64xf32>, %w: memref<4x1x1x64x32xf32>, %res: memref<1x1x16x4x32xf32>, %y: memref<1x1x16x4x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloca() : memref<1x1x16x4x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x1x16x4x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x1x16x64xf32>, memref<4x1x1x64x32xf32>) outs(%c : memref<1x1x16x4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %res : memref<1x1x16x4x32xf32>, memref<1x1x16x4x32xf32>) outs(%y : memref<1x1x16x4x32xf32>) {
  ^bb0(%p: f32, %r: f32, %o: f32):
    %s = arith.addf %p, %r : f32
    linalg.yield %s : f32
  }
  return
}
func.func @no_residual_panels_outside_rows(%x: memref<1x1x16x64xf32>, %w: memref<4x1x1x64x32xf32>, %y: memref<1x1x16x4x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x1x16x4x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh + kh, ow + kw, c)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (p, kh, kw, c, q)>, affine_map<(n, oh, ow, p, q, kh, kw, c) -> (n, oh, ow, p, q)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x1x16x64xf32>, memref<4x1x1x64x32xf32>) outs(%y : memref<1x1x16x4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A convolution broadcasting A from a plain window (a workgroup of one
// column group, every group copying the same window) reads the source
// through the pad: tiles inside the interior load it as it is, the others
// select per row, outside the channels' loop, between the source and a
// view of a pad-value buffer of one channel line (outer strides 0).
// CHECK-LABEL: func.func @conv_plain_window
// CHECK-NOT:   memref<1x15x15x64xf32>
// CHECK-NOT:   linalg.copy
// CHECK:       %[[PAD:.*]] = memref.alloca() {alignment = 64 : i64} : memref<64xf32>
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[PAD]] : memref<64xf32>)
// CHECK:       %[[VIEW:.*]] = memref.reinterpret_cast %[[PAD]] to offset: [0], sizes: [1, 14, 14, 64], strides: [0, 0, 0, 1]
// CHECK:       %[[SRC:.*]] = memref.cast %arg0 : memref<1x14x14x64xf32> to memref<1x14x14x64xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK:       %[[PADS:.*]] = memref.cast %[[VIEW]]
// CHECK:       scf.if
// CHECK:         scf.for
// CHECK:           scf.for %[[C:.*]] = %c0 to %c64
// CHECK:             memref.load %arg0[%c0, %{{.*}}, %{{.*}}, %[[C]]] : memref<1x14x14x64xf32>
// CHECK:       } else {
// CHECK:         scf.for
// CHECK:           scf.for %[[C2:.*]] = %c0 to %c64
// CHECK:             %[[FROM:.*]] = arith.select %{{.*}}, %[[SRC]], %[[PADS]]
// CHECK:             memref.load %[[FROM]][%c0, %{{.*}}, %{{.*}}, %[[C2]]]
// CHECK-NOT:   linalg.conv_2d
func.func @conv_plain_window(%src: memref<1x14x14x64xf32>, %w: memref<3x3x64x32xf32>, %out: memref<1x7x7x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloca() : memref<1x15x15x64xf32>
  %top = memref.subview %padded[0, 0, 0, 0] [1, 1, 15, 64] [1, 1, 1, 1] : memref<1x15x15x64xf32> to memref<1x1x15x64xf32, strided<[14400, 960, 64, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<1x1x15x64xf32, strided<[14400, 960, 64, 1]>>)
  %left = memref.subview %padded[0, 1, 0, 0] [1, 14, 1, 64] [1, 1, 1, 1] : memref<1x15x15x64xf32> to memref<1x14x1x64xf32, strided<[14400, 960, 64, 1], offset: 960>>
  linalg.fill ins(%zero : f32) outs(%left : memref<1x14x1x64xf32, strided<[14400, 960, 64, 1], offset: 960>>)
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 14, 14, 64] [1, 1, 1, 1] : memref<1x15x15x64xf32> to memref<1x14x14x64xf32, strided<[14400, 960, 64, 1], offset: 1024>>
  linalg.copy ins(%src : memref<1x14x14x64xf32>) outs(%interior : memref<1x14x14x64xf32, strided<[14400, 960, 64, 1], offset: 1024>>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : memref<1x15x15x64xf32>, memref<3x3x64x32xf32>) outs(%out : memref<1x7x7x32xf32>)
  return
}

// -----

// Past 65536 channels the pad-value buffer would be too large a stack
// buffer: the window stays, copied as before.
// CHECK-LABEL: func.func @conv_plain_window_wide
// CHECK:       memref.alloca() : memref<1x3x3x70000xf32>
// CHECK:       linalg.copy
// CHECK-NOT:   memref.reinterpret_cast
func.func @conv_plain_window_wide(%src: memref<1x2x2x70000xf32>, %w: memref<2x2x70000x32xf32>, %out: memref<1x2x2x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloca() : memref<1x3x3x70000xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x3x3x70000xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 2, 2, 70000] [1, 1, 1, 1] : memref<1x3x3x70000xf32> to memref<1x2x2x70000xf32, strided<[630000, 210000, 70000, 1], offset: 280000>>
  linalg.copy ins(%src : memref<1x2x2x70000xf32>) outs(%interior : memref<1x2x2x70000xf32, strided<[630000, 210000, 70000, 1], offset: 280000>>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<1x3x3x70000xf32>, memref<2x2x70000x32xf32>) outs(%out : memref<1x2x2x32xf32>)
  return
}

// -----

// A filter stored in panels with its last panel padded (PanelMajorFilters:
// 80 output channels, B[f floordiv 32, kh, kw, c, f mod 32]): read in place
// a panel at a time, never packed; the first panel, then the last 48
// columns (its second panel and the 16 of the third) as one panel of three
// vectors.
// CHECK-LABEL: func.func @padded_panels
// CHECK-NOT:   memref.alloca
// CHECK:       scf.for %[[K:.+]] = %c0 to %c64 step %c1
// CHECK:         vector.load %arg1[%c0, %c0, %c0, %[[K]], %c0] : memref<3x1x1x64x32xf32>
// CHECK:         vector.load %arg1[%c0, %c0, %c0, %[[K]], %c16] : memref<3x1x1x64x32xf32>
// CHECK:       scf.for %[[K2:.+]] = %c0 to %c64 step %c1
// CHECK:         vector.load %arg1[%c1, %c0, %c0, %[[K2]], %c0] : memref<3x1x1x64x32xf32>
// CHECK:         vector.load %arg1[%c1, %c0, %c0, %[[K2]], %c16] : memref<3x1x1x64x32xf32>
// CHECK:         vector.load %arg1[%c2, %c0, %c0, %[[K2]], %c0] : memref<3x1x1x64x32xf32>
// CHECK-NOT:   linalg.generic
#pin = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d4, d2 + d5, d6)>
#pfilter = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3 floordiv 32, d4, d5, d6, d3 mod 32)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @padded_panels(%x: memref<1x4x4x64xf32>, %w: memref<3x1x1x64x32xf32>, %y: memref<1x4x4x80xf32>) {
  linalg.generic {indexing_maps = [#pin, #pfilter, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : memref<1x4x4x64xf32>, memref<3x1x1x64x32xf32>) outs(%y : memref<1x4x4x80xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}
