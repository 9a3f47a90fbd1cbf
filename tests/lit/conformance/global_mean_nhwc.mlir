// Reductions between parallel dimensions (a global mean over H and W of
// NHWC: parallel, reduction, reduction, parallel; and parallel, reduction,
// parallel) were refused on vulkan-spirv with the pass-internal "'scf.parallel'
// op nested parallel loops are not supported". Now the parallel loops are
// interchanged outermost; checked against the reference on every device.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: %if vulkan %{ tessera-conformance --program=%s --device=vulkan | FileCheck %s %}
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=2x7x9x40,5x33x6 results=2x40@63,5x6@33

func.func @means(%x: tensor<2x7x9x40xf32>, %y: tensor<5x33x6xf32>) -> (tensor<2x40xf32>, tensor<5x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %scale = arith.constant 0.015873017 : f32
  %e = tensor.empty() : tensor<2x40xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x40xf32>) -> tensor<2x40xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, c)>],
                         iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : tensor<2x7x9x40xf32>) outs(%f : tensor<2x40xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2x40xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%sum : tensor<2x40xf32>) outs(%e : tensor<2x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %scale : f32
    linalg.yield %m : f32
  } -> tensor<2x40xf32>
  %e2 = tensor.empty() : tensor<5x6xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<5x6xf32>) -> tensor<5x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, c)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%y : tensor<5x33x6xf32>) outs(%f2 : tensor<5x6xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<5x6xf32>
  return %mean, %r : tensor<2x40xf32>, tensor<5x6xf32>
}
