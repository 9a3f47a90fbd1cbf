#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
#col = affine_map<(i, j) -> (i)>
func.func @add_mul(%a: tensor<37x70xf32>, %b: tensor<70xf32>, %c: tensor<37xf32>) -> tensor<37x70xf32> {
  %e = tensor.empty() : tensor<37x70xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b, %c : tensor<37x70xf32>, tensor<70xf32>, tensor<37xf32>) outs(%e : tensor<37x70xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.mulf %s, %z : f32
    linalg.yield %m : f32
  } -> tensor<37x70xf32>
  return %r : tensor<37x70xf32>
}
