// The sweep alone:
// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains=pairwise=false %s | FileCheck %s
// With upstream's pairwise patterns after it (the default), or with
// upstream's pass after the sweep: the same IR as upstream's fusion alone.
// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains --canonicalize --cse %s > %t.ours
// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains=pairwise=false --linalg-fuse-elementwise-ops --canonicalize --cse %s > %t.sweep
// RUN: tessera-opt --linalg-fuse-elementwise-ops --canonicalize --cse %s > %t.upstream
// RUN: diff %t.ours %t.upstream
// RUN: diff %t.sweep %t.upstream
// Bodies bounded: at a cost of at most 17 (math.exp costs 16, the others 1)
// the chain of 4 becomes two generics (the pairwise patterns respect the
// bound too).
// RUN: tessera-opt --tessera-flow-fuse-elementwise-chains=max-body-cost=17 %s | FileCheck %s --check-prefix=BOUND

#id = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d1)>
#col = affine_map<(d0, d1) -> (d0)>

// A chain as elementwise-to-linalg leaves it (each op's first operand is
// also its init): one generic, bodies in chain order, %b read once.
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK-SAME: ins(%arg0, %arg1 : tensor<64xf32>, tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[X0:.+]] = arith.addf %[[A]], %[[B]]
// CHECK-NEXT: %[[X1:.+]] = math.exp %[[X0]]
// CHECK-NEXT: %[[X2:.+]] = arith.mulf %[[X1]], %[[B]]
// CHECK-NEXT: %[[X3:.+]] = arith.negf %[[X2]]
// CHECK-NEXT: linalg.yield %[[X3]]
// CHECK-NOT: linalg.generic
// BOUND-LABEL: func.func @chain
// BOUND: %[[FIRST:.+]] = linalg.generic
// BOUND-SAME: ins(%arg0, %arg1 : tensor<64xf32>, tensor<64xf32>)
// BOUND-NEXT: ^bb0
// BOUND-NEXT: arith.addf
// BOUND-NEXT: math.exp
// BOUND-NEXT: linalg.yield
// BOUND: linalg.generic
// BOUND-SAME: ins(%[[FIRST]], %arg1 : tensor<64xf32>, tensor<64xf32>)
// BOUND-NEXT: ^bb0
// BOUND-NEXT: arith.mulf
// BOUND-NEXT: arith.negf
// BOUND-NEXT: linalg.yield
// BOUND-NOT: linalg.generic
// BOUND-LABEL: func.func @tree
func.func @chain(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%a, %b : tensor<64xf32>, tensor<64xf32>) outs(%a : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%0 : tensor<64xf32>) outs(%0 : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%1, %b : tensor<64xf32>, tensor<64xf32>) outs(%1 : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.mulf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%2 : tensor<64xf32>) outs(%2 : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.negf %x : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %3 : tensor<64xf32>
}

// A tree: a transposed producer, a broadcast one reading its loop index
// (the root's loop 1 there; broadcast along 4 rows, fewer than the 8 that
// keep it out), a scalar; inputs in pairwise-fusion order.
// CHECK-LABEL: func.func @tree
// CHECK: linalg.generic {indexing_maps = [#[[T:.+]], #[[ROW:.+]], #[[SCALAR:.+]], #[[ID2:.+]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg1, %arg2, %arg3 : tensor<16x4xf32>, tensor<16xf32>, f32)
// CHECK: %[[J:.+]] = linalg.index 1 : index
// CHECK: arith.index_cast %[[J]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @tree(%a: tensor<4x16xf32>, %b: tensor<16x4xf32>, %v: tensor<16xf32>, %s: f32) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %e1 = tensor.empty() : tensor<16xf32>
  %p0 = linalg.generic {indexing_maps = [#t, #id2], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %p1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%v : tensor<16xf32>) outs(%e1 : tensor<16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %r = arith.mulf %x, %f : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %c = linalg.generic {indexing_maps = [#id2, #row, affine_map<(d0, d1) -> ()>, #id2], iterator_types = ["parallel", "parallel"]} ins(%p0, %p1, %s : tensor<4x16xf32>, tensor<16xf32>, f32) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    %r2 = arith.mulf %r, %z : f32
    linalg.yield %r2 : f32
  } -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// A producer read twice by its consumer with one map joins (upstream fuses
// it once the two operands are merged); one also used elsewhere does not.
// CHECK-LABEL: func.func @shared
// CHECK: %[[KEPT:.+]] = linalg.generic
// CHECK: math.sqrt
// CHECK: %[[FUSED:.+]] = linalg.generic
// CHECK-SAME: ins(%arg0, %[[KEPT]] : tensor<32xf32>, tensor<32xf32>)
// CHECK: %[[E:.+]] = math.exp
// CHECK: arith.mulf %[[E]], %[[E]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[FUSED]], %[[KEPT]]
func.func @shared(%a: tensor<32xf32>) -> (tensor<32xf32>, tensor<32xf32>) {
  %e = tensor.empty() : tensor<32xf32>
  %kept = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.sqrt %x : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %twice = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%twice, %twice : tensor<32xf32>, tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.mulf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%sq, %kept : tensor<32xf32>, tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  return %sum, %kept : tensor<32xf32>, tensor<32xf32>
}

// A reduction is no root (upstream fuses into it); its elementwise
// producers become one op. A producer reading its init stays.
// CHECK-LABEL: func.func @reduction
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK-NEXT: math.sqrt
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} outs(%arg1 : tensor<8xf32>)
// CHECK: linalg.generic
// CHECK: math.log
// CHECK-NOT: linalg.generic
func.func @reduction(%a: tensor<8x16xf32>, %w: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %e8 = tensor.empty() : tensor<8xf32>
  %q0 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %q1 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q0 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.sqrt %x : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %red = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["parallel", "reduction"]} ins(%q1 : tensor<8x16xf32>) outs(%w : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %o : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %acc = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%red : tensor<8xf32>) outs(%w : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %o : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %post = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%acc : tensor<8xf32>) outs(%e8 : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.log %x : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %post : tensor<8xf32>
}

// Dynamic sizes: the init's tensor.empty reads the producer's size, a second
// use, so (as upstream) nothing fuses.
// CHECK-LABEL: func.func @dynamic
// CHECK: tensor.dim %arg0
// CHECK: linalg.generic
// CHECK: tensor.dim
// CHECK: linalg.generic
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<?xf32>) outs(%a : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%0 : tensor<?xf32>) outs(%0 : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.sqrt %x : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  return %1 : tensor<?xf32>
}
