// RUN: tessera-opt --tessera-flow-form-dispatches %s | FileCheck %s --check-prefix=ONE
// RUN: tessera-opt --tessera-flow-form-dispatches=max-body-cost=3 %s | FileCheck %s --check-prefix=TWO

// Two elementwise ops, bodies costing 17 (math.exp: 16) and 2: one dispatch
// by default; with a cost of at most 3 per dispatch the producer roots its
// own.
#id = affine_map<(d0) -> (d0)>
// ONE-COUNT-1: flow.executable private
// ONE-NOT: flow.executable private
// ONE-LABEL: func.func @chain(
// ONE-COUNT-1: flow.dispatch @
// ONE-NOT: flow.dispatch @
// TWO: flow.executable private @chain_dispatch_0
// TWO: math.exp
// TWO-NOT: arith.mulf
// TWO: flow.executable private @chain_dispatch_1
// TWO-NOT: math.exp
// TWO: arith.mulf
// TWO-LABEL: func.func @chain(
// TWO: %[[A:.+]] = flow.dispatch @chain_dispatch_0
// TWO: flow.dispatch @chain_dispatch_1::{{.+}}(%[[A]]
func.func @chain(%a: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    %s = arith.addf %r, %x : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%0 : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    %s = arith.subf %r, %x : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %1 : tensor<64xf32>
}
