// Host work of several kinds: input dims and a scalar input, a check that
// dynamic dims agree, a weight constant, a splat fill, a dispatch, and a
// reshape (no instruction: it shares its source's buffer register).
func.func @main(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>, %s: f32)
    -> (tensor<?x4xf32>, tensor<2x4xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %w = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y, %w : tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %p = arith.addf %m, %b : f32
    %t = arith.addf %p, %s : f32
    linalg.yield %t : f32
  } -> tensor<?x4xf32>
  %ones = arith.constant dense<1.0> : tensor<2x4xf32>
  %flat = tensor.collapse_shape %r [[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
  return %r, %ones, %flat : tensor<?x4xf32>, tensor<2x4xf32>, tensor<?xf32>
}
