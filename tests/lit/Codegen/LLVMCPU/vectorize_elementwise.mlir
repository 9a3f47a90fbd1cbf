// RUN: tessera-opt --split-input-file --tessera-llvmcpu-vectorize-elementwise --canonicalize --cse %s | FileCheck %s

// A 4x20 tile of a residual add scaled per channel: per row, the first 16
// channels as one vector (fewer than 4 vectors: no unrolled loop), the
// last 4 in one masked vector; the scale (per row, not per channel) is a
// scalar broadcast. LLVM's vectorizer had taken the rows as lanes, with
// gathers and scatters.
// CHECK-LABEL: func.func @short_rows
// CHECK-SAME: (%[[X:.+]]: memref<4x20xf32>, %[[Y:.+]]: memref<4x20xf32>, %[[S:.+]]: memref<4xf32>, %[[OUT:.+]]: memref<4x20xf32>)
// CHECK: scf.for %[[R:.+]] = %c0 to %c4 step %c1
// CHECK:   %[[XV:.+]] = vector.load %[[X]][%[[R]], %c0] : memref<4x20xf32>, vector<16xf32>
// CHECK:   %[[YV:.+]] = vector.load %[[Y]][%[[R]], %c0] : memref<4x20xf32>, vector<16xf32>
// CHECK:   %[[SC:.+]] = memref.load %[[S]][%[[R]]] : memref<4xf32>
// CHECK:   %[[SUM:.+]] = arith.addf %[[XV]], %[[YV]] : vector<16xf32>
// CHECK:   %[[SV:.+]] = vector.broadcast %[[SC]] : f32 to vector<16xf32>
// CHECK:   %[[P:.+]] = arith.mulf %[[SUM]], %[[SV]] : vector<16xf32>
// CHECK:   vector.store %[[P]], %[[OUT]][%[[R]], %c0]
// CHECK:   %[[MASK:.+]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:   vector.maskedload %[[X]][%[[R]], %c16], %[[MASK]]
// CHECK:   vector.maskedstore %[[OUT]][%[[R]], %c16], %[[MASK]]
// CHECK-NOT: linalg.
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @short_rows(%x: memref<4x20xf32>, %y: memref<4x20xf32>, %s: memref<4xf32>, %out: memref<4x20xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %y, %s : memref<4x20xf32>, memref<4x20xf32>, memref<4xf32>) outs(%out : memref<4x20xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):
    %sum = arith.addf %a, %b : f32
    %r = arith.mulf %sum, %c : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A long row: 4 vectors per step, then single vectors (none here), then no
// tail (1024 is a multiple of 16). A copy and a fill become generics
// first, and vector loops too.
// CHECK-LABEL: func.func @long_rows
// CHECK: scf.for %[[J:.+]] = %c0 to %c1024 step %c64
// CHECK-COUNT-4: math.exp %{{.+}} : vector<16xf32>
// CHECK-NOT: vector.maskedstore
// CHECK: scf.for %{{.+}} = %c0 to %c1024 step %c64
// CHECK-COUNT-4: vector.store %{{.+}}, %arg2
// CHECK: scf.for %{{.+}} = %c0 to %c1024 step %c64
// CHECK-COUNT-4: vector.store %cst, %arg3
// CHECK-NOT: linalg.
func.func @long_rows(%x: memref<1024xf32>, %out: memref<1024xf32>, %copy: memref<1024xf32>, %zeros: memref<1024xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : memref<1024xf32>) outs(%out : memref<1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  }
  linalg.copy ins(%x : memref<1024xf32>) outs(%copy : memref<1024xf32>)
  linalg.fill ins(%zero : f32) outs(%zeros : memref<1024xf32>)
  return
}

// -----

// A long body (24 ops and more, as a Winograd transform's): not unrolled,
// one vector per step; the unrolled loop would only quadruple what LLVM
// compiles.
// CHECK-LABEL: func.func @long_body
// CHECK-NOT: step %c64
// CHECK: scf.for %{{.+}} = %c0 to %c1024 step %c16
// CHECK-COUNT-24: arith.mulf %{{.+}} : vector<16xf32>
// CHECK-NOT: arith.mulf
// CHECK-NOT: step %c64
func.func @long_body(%x: memref<1024xf32>, %out: memref<1024xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : memref<1024xf32>) outs(%out : memref<1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m0 = arith.mulf %a, %a : f32
    %m1 = arith.mulf %m0, %a : f32
    %m2 = arith.mulf %m1, %a : f32
    %m3 = arith.mulf %m2, %a : f32
    %m4 = arith.mulf %m3, %a : f32
    %m5 = arith.mulf %m4, %a : f32
    %m6 = arith.mulf %m5, %a : f32
    %m7 = arith.mulf %m6, %a : f32
    %m8 = arith.mulf %m7, %a : f32
    %m9 = arith.mulf %m8, %a : f32
    %m10 = arith.mulf %m9, %a : f32
    %m11 = arith.mulf %m10, %a : f32
    %m12 = arith.mulf %m11, %a : f32
    %m13 = arith.mulf %m12, %a : f32
    %m14 = arith.mulf %m13, %a : f32
    %m15 = arith.mulf %m14, %a : f32
    %m16 = arith.mulf %m15, %a : f32
    %m17 = arith.mulf %m16, %a : f32
    %m18 = arith.mulf %m17, %a : f32
    %m19 = arith.mulf %m18, %a : f32
    %m20 = arith.mulf %m19, %a : f32
    %m21 = arith.mulf %m20, %a : f32
    %m22 = arith.mulf %m21, %a : f32
    %m23 = arith.mulf %m22, %a : f32
    linalg.yield %m23 : f32
  }
  return
}

// -----

// Left to LLVM: integer division (a masked-off lane would divide by
// zero), i1 buffers (a vector of i1 is packed bits), and rows narrower
// than half a vector.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: vector.
func.func @left_alone(%n: memref<64xi32>, %q: memref<64xi32>, %b: memref<64xi1>, %nb: memref<64xi1>, %narrow: memref<64x4xf32>, %nout: memref<64x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%n : memref<64xi32>) outs(%q : memref<64xi32>) {
  ^bb0(%a: i32, %o: i32):
    %r = arith.divsi %a, %a : i32
    linalg.yield %r : i32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%b : memref<64xi1>) outs(%nb : memref<64xi1>) {
  ^bb0(%a: i1, %o: i1):
    %true = arith.constant true
    %r = arith.xori %a, %true : i1
    linalg.yield %r : i1
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%narrow : memref<64x4xf32>) outs(%nout : memref<64x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A body reading its position along short loops with linalg.index (a
// Winograd transform's position in its tile, which selects its
// coefficients): those loops are unrolled inside the vector loop. Each
// position's selects fold to its constants, a term of coefficient 0 (which
// adds -0) folds away, the input all positions read is loaded once, and the
// stores come after every position's arithmetic.
// CHECK-LABEL: func.func @positions
// CHECK-SAME: (%[[X:.+]]: memref<2x64xf32>, %[[OUT:.+]]: memref<3x64xf32>)
// CHECK-NOT: linalg.index
// CHECK: scf.for %[[J:.+]] = %c0 to %c64 step %c16
// CHECK-NEXT:   %[[X0:.+]] = vector.load %[[X]][%c0, %[[J]]]
// CHECK-NEXT:   %[[X1:.+]] = vector.load %[[X]][%c1, %[[J]]]
// CHECK-NEXT:   %[[P1:.+]] = arith.mulf %[[X1]], %cst{{.*}} : vector<16xf32>
// CHECK-NEXT:   %[[P2:.+]] = arith.mulf %[[X0]], %cst{{.*}} : vector<16xf32>
// CHECK-NEXT:   %[[S2:.+]] = arith.addf %[[P2]], %[[X1]] : vector<16xf32>
// CHECK-NEXT:   vector.store %[[X0]], %[[OUT]][%c0, %[[J]]]
// CHECK-NEXT:   vector.store %[[P1]], %[[OUT]][%c1, %[[J]]]
// CHECK-NEXT:   vector.store %[[S2]], %[[OUT]][%c2, %[[J]]]
// CHECK-NEXT: }
func.func @positions(%x: memref<2x64xf32>, %out: memref<3x64xf32>) {
  // out[p] = c0[p] * x[0] + c1[p] * x[1] with c0 = (1, 0, 2), c1 = (0, 3, 1).
  linalg.generic {indexing_maps = [affine_map<(p, j) -> (0, j)>, affine_map<(p, j) -> (1, j)>, affine_map<(p, j) -> (p, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %x : memref<2x64xf32>, memref<2x64xf32>) outs(%out : memref<3x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = linalg.index 0 : index
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f32
    %nz = arith.constant -0.0 : f32
    %one = arith.constant 1.0 : f32
    %two = arith.constant 2.0 : f32
    %three = arith.constant 3.0 : f32
    %is0 = arith.cmpi eq, %p, %c0 : index
    %is1 = arith.cmpi eq, %p, %c1 : index
    %k0 = arith.select %is1, %zero, %two : f32
    %ca = arith.select %is0, %one, %k0 : f32
    %k1 = arith.select %is1, %three, %one : f32
    %cb = arith.select %is0, %zero, %k1 : f32
    %za = arith.cmpf oeq, %ca, %zero : f32
    %pa = arith.mulf %ca, %a : f32
    %ta = arith.select %za, %nz, %pa : f32
    %zb = arith.cmpf oeq, %cb, %zero : f32
    %pb = arith.mulf %cb, %b : f32
    %tb = arith.select %zb, %nz, %pb : f32
    %sum = arith.addf %ta, %tb : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// Position loops multiplying to more than 36 positions, or of a dynamic
// extent, stay generics (LLVM's loops): unrolled, they would multiply what
// LLVM compiles.
// CHECK-LABEL: func.func @too_many_positions
// CHECK-COUNT-2: linalg.generic
func.func @too_many_positions(%out: memref<7x7x64xf32>, %dyn: memref<?x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(p, q, j) -> (p, q, j)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%out : memref<7x7x64xf32>) {
  ^bb0(%o: f32):
    %p = linalg.index 0 : index
    %q = linalg.index 1 : index
    %s = arith.addi %p, %q : index
    %i = arith.index_cast %s : index to i32
    %f = arith.sitofp %i : i32 to f32
    linalg.yield %f : f32
  }
  linalg.generic {indexing_maps = [affine_map<(p, j) -> (p, j)>], iterator_types = ["parallel", "parallel"]} outs(%dyn : memref<?x64xf32>) {
  ^bb0(%o: f32):
    %p = linalg.index 0 : index
    %i = arith.index_cast %p : index to i32
    %f = arith.sitofp %i : i32 to f32
    linalg.yield %f : f32
  }
  return
}

// -----

// Max pooling (3x3, stride 2) on a padded window (a fused tensor.pad,
// bufferized: -inf borders, the source copied into the interior, a window
// of -inf only behind an scf.if): per vector of 16 channels of the output,
// C loaded once, the nine window positions unrolled, each read from the
// source through the pad (a load masked to the interior, -inf elsewhere)
// and folded in with a vector maximum, one store. The window, its fills
// and its copy go.
// CHECK-LABEL: func.func @max_pool_through_pad
// CHECK-NOT:   memref<1x9x9x16xf32>
// CHECK:       scf.for %[[OH:.+]] = %c0 to %c4 step %c1
// CHECK:         scf.for %[[OW:.+]] = %c0 to %c4 step %c1
// CHECK:           %[[C:.+]] = vector.load %arg1[%c0, %[[OH]], %[[OW]], %c0] : memref<1x4x4x16xf32>, vector<16xf32>
// CHECK:           %[[P0:.+]] = vector.maskedload %arg0
// CHECK-SAME:        memref<1x7x7x16xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK:           %[[M0:.+]] = arith.maximumf %[[C]], %[[P0]] : vector<16xf32>
// CHECK-COUNT-8:   arith.maximumf
// CHECK:           vector.store %{{.+}}, %arg1[%c0, %[[OH]], %[[OW]], %c0]
// CHECK-NOT:   linalg.
func.func @max_pool_through_pad(%src: memref<1x7x7x16xf32>, %out: memref<1x4x4x16xf32>, %empty: i1) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = scf.if %empty -> (memref<1x9x9x16xf32>) {
    %all = memref.alloca() : memref<1x9x9x16xf32>
    linalg.fill ins(%ninf : f32) outs(%all : memref<1x9x9x16xf32>)
    scf.yield %all : memref<1x9x9x16xf32>
  } else {
    %padded = memref.alloca() : memref<1x9x9x16xf32>
    %top = memref.subview %padded[0, 0, 0, 0] [1, 1, 9, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x1x9x16xf32, strided<[1296, 144, 16, 1]>>
    linalg.fill ins(%ninf : f32) outs(%top : memref<1x1x9x16xf32, strided<[1296, 144, 16, 1]>>)
    %bottom = memref.subview %padded[0, 8, 0, 0] [1, 1, 9, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x1x9x16xf32, strided<[1296, 144, 16, 1], offset: 1152>>
    linalg.fill ins(%ninf : f32) outs(%bottom : memref<1x1x9x16xf32, strided<[1296, 144, 16, 1], offset: 1152>>)
    %left = memref.subview %padded[0, 1, 0, 0] [1, 7, 1, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x7x1x16xf32, strided<[1296, 144, 16, 1], offset: 144>>
    linalg.fill ins(%ninf : f32) outs(%left : memref<1x7x1x16xf32, strided<[1296, 144, 16, 1], offset: 144>>)
    %right = memref.subview %padded[0, 1, 8, 0] [1, 7, 1, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x7x1x16xf32, strided<[1296, 144, 16, 1], offset: 272>>
    linalg.fill ins(%ninf : f32) outs(%right : memref<1x7x1x16xf32, strided<[1296, 144, 16, 1], offset: 272>>)
    %interior = memref.subview %padded[0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1] : memref<1x9x9x16xf32> to memref<1x7x7x16xf32, strided<[1296, 144, 16, 1], offset: 160>>
    linalg.copy ins(%src : memref<1x7x7x16xf32>) outs(%interior : memref<1x7x7x16xf32, strided<[1296, 144, 16, 1], offset: 160>>)
    scf.yield %padded : memref<1x9x9x16xf32>
  }
  %kernel = memref.alloca() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%out : memref<1x4x4x16xf32>)
  linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%window, %kernel : memref<1x9x9x16xf32>, memref<3x3xf32>)
    outs(%out : memref<1x4x4x16xf32>)
  return
}

// -----

// Average pooling's sum (2x2, stride 2) on a plain input with 24 channels:
// a full vector and a masked one per output pixel, each window position a
// vector add; reduction order kh, kw as the loops had it.
// CHECK-LABEL: func.func @sum_pool_masked_tail
// CHECK:       scf.for %[[OW:.+]] = %c0 to %c2 step %c1
// CHECK:         %[[C:.+]] = vector.load %arg1
// CHECK:         %[[X0:.+]] = vector.load %arg0
// CHECK:         arith.addf %[[C]], %[[X0]] : vector<16xf32>
// CHECK-COUNT-3: arith.addf %{{.+}} : vector<16xf32>
// CHECK:         vector.store
// CHECK:         %[[MASK:.+]] = vector.constant_mask [8]
// CHECK:         vector.maskedload %arg1{{.+}}, %[[MASK]]
// CHECK-COUNT-4: vector.maskedload %arg0{{.+}}, %[[MASK]]
// CHECK:         vector.maskedstore %arg1{{.+}}, %[[MASK]]
func.func @sum_pool_masked_tail(%x: memref<1x4x4x24xf32>, %out: memref<1x2x2x24xf32>) {
  %kernel = memref.alloca() : memref<2x2xf32>
  linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %kernel : memref<1x4x4x24xf32>, memref<2x2xf32>)
    outs(%out : memref<1x2x2x24xf32>)
  return
}

// -----

// A transpose: 16 x 16 blocks loaded along the input's rows, transposed in
// registers (4 stages of 8 pairs of shuffles), stored along the output's.
// CHECK-LABEL: func.func @transpose_blocks
// CHECK:       scf.for %[[I:.*]] = %c0 to %c32 step %c16
// CHECK:         scf.for %[[J:.*]] = %c0 to %c32 step %c16
// CHECK-COUNT-16:  vector.load %arg0
// CHECK-COUNT-64:  vector.shuffle
// CHECK-COUNT-16:  vector.store %{{.*}}, %arg1
// CHECK-NOT:   linalg.generic
// CHECK-NOT:   vector.maskedstore
func.func @transpose_blocks(%x: memref<32x32xf32>, %t: memref<32x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<32x32xf32>) outs(%t : memref<32x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Past the last full block, rows and columns take masked blocks: the
// input's lanes past the rows masked off, the stores past the columns or
// rows too. The body runs on the transposed vectors, with a vector read
// along the output's rows (a residual) and a scalar per row (a bias).
// CHECK-LABEL: func.func @transpose_edges_and_body
// CHECK:       vector.shuffle
// CHECK:       arith.addf %{{.*}} : vector<16xf32>
// CHECK:       vector.store
// CHECK:       vector.maskedstore %arg3[%c0, %c32]
// CHECK:       vector.maskedload %arg0[%{{.*}}, %c16]
// CHECK:       vector.maskedstore %arg3[%c16
// CHECK-NOT:   linalg.generic
func.func @transpose_edges_and_body(%x: memref<37x20xf32>, %r: memref<20x37xf32>, %bias: memref<20xf32>, %out: memref<20x37xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %r, %bias : memref<37x20xf32>, memref<20x37xf32>, memref<20xf32>) outs(%out : memref<20x37xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.addf %s, %c : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// A named transpose becomes a generic first, then blocks. An i64 one stays
// a generic (a 16 x 16 block of 64-bit lanes would be 32 registers), and
// so does one whose output rows are 4 long (most lanes masked off).
// CHECK-LABEL: func.func @named_transpose
// CHECK:       vector.shuffle
// CHECK:       linalg.generic
// CHECK-SAME:  memref<16x32xi64>
// CHECK:       linalg.generic
// CHECK-SAME:  memref<32x4xf32>
func.func @named_transpose(%x: memref<16x16x32xf32>, %y: memref<32x16x16xf32>, %a: memref<32x16xi64>, %b: memref<16x32xi64>, %n: memref<4x32xf32>, %m: memref<32x4xf32>) {
  linalg.transpose ins(%x : memref<16x16x32xf32>) outs(%y : memref<32x16x16xf32>) permutation = [2, 0, 1]
  linalg.transpose ins(%a : memref<32x16xi64>) outs(%b : memref<16x32xi64>) permutation = [1, 0]
  linalg.transpose ins(%n : memref<4x32xf32>) outs(%m : memref<32x4xf32>) permutation = [1, 0]
  return
}

// -----

// Sixteen streams (a Winograd output transform reads 36 matrices, each in
// runs of 32 channels per tile): more than the hardware's prefetchers
// follow. Each vector read is prefetched where the row loop, which
// continues its run, reads it 4 rows on (512 bytes ahead), clamped to the
// last row.
// CHECK: #[[AHEAD:.+]] = affine_map<(d0) -> (13, d0 + 4)>
// CHECK-LABEL: func.func @many_streams
// CHECK-SAME: (%[[M:.+]]: memref<16x14x32xf32>,
// CHECK: scf.for %[[T:.+]] = %c0 to %c14 step %c1
// CHECK:   scf.for %[[J:.+]] = %c0 to %c32 step %c16
// CHECK:     vector.load %[[M]][%c0, %[[T]], %[[J]]]
// CHECK:     %[[NEXT:.+]] = affine.min #[[AHEAD]](%[[T]])
// CHECK:     memref.prefetch %[[M]][%c0, %[[NEXT]], %[[J]]], read, locality<3>, data
// CHECK-COUNT-15: memref.prefetch %[[M]][%{{.+}}, %[[NEXT]], %[[J]]]
func.func @many_streams(%m: memref<16x14x32xf32>, %out: memref<14x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, j) -> (0, t, j)>, affine_map<(t, j) -> (1, t, j)>, affine_map<(t, j) -> (2, t, j)>, affine_map<(t, j) -> (3, t, j)>, affine_map<(t, j) -> (4, t, j)>, affine_map<(t, j) -> (5, t, j)>, affine_map<(t, j) -> (6, t, j)>, affine_map<(t, j) -> (7, t, j)>, affine_map<(t, j) -> (8, t, j)>, affine_map<(t, j) -> (9, t, j)>, affine_map<(t, j) -> (10, t, j)>, affine_map<(t, j) -> (11, t, j)>, affine_map<(t, j) -> (12, t, j)>, affine_map<(t, j) -> (13, t, j)>, affine_map<(t, j) -> (14, t, j)>, affine_map<(t, j) -> (15, t, j)>, affine_map<(t, j) -> (t, j)>], iterator_types = ["parallel", "parallel"]} ins(%m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m : memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>, memref<16x14x32xf32>) outs(%out : memref<14x32xf32>) {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %a5: f32, %a6: f32, %a7: f32, %a8: f32, %a9: f32, %a10: f32, %a11: f32, %a12: f32, %a13: f32, %a14: f32, %a15: f32, %o: f32):
    %s1 = arith.addf %a0, %a1 : f32
    %s2 = arith.addf %s1, %a2 : f32
    %s3 = arith.addf %s2, %a3 : f32
    %s4 = arith.addf %s3, %a4 : f32
    %s5 = arith.addf %s4, %a5 : f32
    %s6 = arith.addf %s5, %a6 : f32
    %s7 = arith.addf %s6, %a7 : f32
    %s8 = arith.addf %s7, %a8 : f32
    %s9 = arith.addf %s8, %a9 : f32
    %s10 = arith.addf %s9, %a10 : f32
    %s11 = arith.addf %s10, %a11 : f32
    %s12 = arith.addf %s11, %a12 : f32
    %s13 = arith.addf %s12, %a13 : f32
    %s14 = arith.addf %s13, %a14 : f32
    %s15 = arith.addf %s14, %a15 : f32
    linalg.yield %s15 : f32
  }
  return
}

// -----

// Fewer streams (8), or a row loop of 4 rows (a 14x14 output's tiles, too
// few to fetch ahead of): no prefetch.
// CHECK-LABEL: func.func @few_streams
// CHECK-NOT: memref.prefetch
// CHECK-LABEL: func.func @short_rows_of_streams
// CHECK-NOT: memref.prefetch
func.func @few_streams(%m: memref<8x14x32xf32>, %out: memref<14x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, j) -> (0, t, j)>, affine_map<(t, j) -> (1, t, j)>, affine_map<(t, j) -> (2, t, j)>, affine_map<(t, j) -> (3, t, j)>, affine_map<(t, j) -> (4, t, j)>, affine_map<(t, j) -> (5, t, j)>, affine_map<(t, j) -> (6, t, j)>, affine_map<(t, j) -> (7, t, j)>, affine_map<(t, j) -> (t, j)>], iterator_types = ["parallel", "parallel"]} ins(%m, %m, %m, %m, %m, %m, %m, %m : memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>, memref<8x14x32xf32>) outs(%out : memref<14x32xf32>) {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %a5: f32, %a6: f32, %a7: f32, %o: f32):
    %s1 = arith.addf %a0, %a1 : f32
    %s2 = arith.addf %s1, %a2 : f32
    %s3 = arith.addf %s2, %a3 : f32
    %s4 = arith.addf %s3, %a4 : f32
    %s5 = arith.addf %s4, %a5 : f32
    %s6 = arith.addf %s5, %a6 : f32
    %s7 = arith.addf %s6, %a7 : f32
    linalg.yield %s7 : f32
  }
  return
}
func.func @short_rows_of_streams(%m: memref<16x4x32xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, j) -> (0, t, j)>, affine_map<(t, j) -> (1, t, j)>, affine_map<(t, j) -> (2, t, j)>, affine_map<(t, j) -> (3, t, j)>, affine_map<(t, j) -> (4, t, j)>, affine_map<(t, j) -> (5, t, j)>, affine_map<(t, j) -> (6, t, j)>, affine_map<(t, j) -> (7, t, j)>, affine_map<(t, j) -> (8, t, j)>, affine_map<(t, j) -> (9, t, j)>, affine_map<(t, j) -> (10, t, j)>, affine_map<(t, j) -> (11, t, j)>, affine_map<(t, j) -> (12, t, j)>, affine_map<(t, j) -> (13, t, j)>, affine_map<(t, j) -> (14, t, j)>, affine_map<(t, j) -> (15, t, j)>, affine_map<(t, j) -> (t, j)>], iterator_types = ["parallel", "parallel"]} ins(%m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m, %m : memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>, memref<16x4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %a5: f32, %a6: f32, %a7: f32, %a8: f32, %a9: f32, %a10: f32, %a11: f32, %a12: f32, %a13: f32, %a14: f32, %a15: f32, %o: f32):
    %s1 = arith.addf %a0, %a1 : f32
    %s2 = arith.addf %s1, %a2 : f32
    %s3 = arith.addf %s2, %a3 : f32
    %s4 = arith.addf %s3, %a4 : f32
    %s5 = arith.addf %s4, %a5 : f32
    %s6 = arith.addf %s5, %a6 : f32
    %s7 = arith.addf %s6, %a7 : f32
    %s8 = arith.addf %s7, %a8 : f32
    %s9 = arith.addf %s8, %a9 : f32
    %s10 = arith.addf %s9, %a10 : f32
    %s11 = arith.addf %s10, %a11 : f32
    %s12 = arith.addf %s11, %a12 : f32
    %s13 = arith.addf %s12, %a13 : f32
    %s14 = arith.addf %s13, %a14 : f32
    %s15 = arith.addf %s14, %a15 : f32
    linalg.yield %s15 : f32
  }
  return
}
