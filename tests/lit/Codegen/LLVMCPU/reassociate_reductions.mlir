// RUN: tessera-opt --tessera-llvmcpu-reassociate-reductions %s | FileCheck %s

// The sum's combiner may be reassociated (LLVM then keeps vector partial
// sums); the max combiner, the exp's operands and the elementwise op stay
// as they are.
// CHECK-LABEL: func.func @softmax_parts
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK: arith.subf %{{.+}}, %{{.+}} : f32
// CHECK: arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
// CHECK: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-NOT: fastmath
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @softmax_parts(%x: memref<4x16xf32>, %m: memref<4xf32>, %s: memref<4xf32>, %y: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x16xf32>) outs(%m : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %v = arith.maximumf %a, %acc : f32
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]} ins(%x, %m : memref<4x16xf32>, memref<4xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%a: f32, %mx: f32, %acc: f32):
    %d = arith.subf %a, %mx : f32
    %v = arith.addf %d, %acc : f32
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s : memref<4x16xf32>, memref<4xf32>) outs(%y : memref<4x16xf32>) {
  ^bb0(%a: f32, %sm: f32, %o: f32):
    %v = arith.addf %a, %sm : f32
    linalg.yield %v : f32
  }
  return
}
