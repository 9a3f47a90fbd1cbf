// y = 2 * a + b on vectors of four floats.
#id = affine_map<(d0) -> (d0)>
func.func @scale_add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %two = arith.constant 2.0 : f32
  %empty = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%empty : tensor<4xf32>) {
  ^bb0(%x: f32, %z: f32, %o: f32):
    %m = arith.mulf %x, %two : f32
    %s = arith.addf %m, %z : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
