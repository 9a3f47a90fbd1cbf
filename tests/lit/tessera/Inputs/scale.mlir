// x * s + n for a scalar f32 `s` and a scalar index `n`.
func.func @scale(%x: tensor<4xf32>, %s: f32, %n: index) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = arith.index_cast %n : index to i32
    %nf = arith.sitofp %i : i32 to f32
    %m = arith.mulf %v, %s : f32
    %a = arith.addf %m, %nf : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
