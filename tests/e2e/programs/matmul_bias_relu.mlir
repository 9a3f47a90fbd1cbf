func.func @dense(%x: tensor<16x64xf32>, %w: tensor<64x96xf32>, %bias: tensor<96xf32>) -> tensor<16x96xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x96xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16x96xf32>) -> tensor<16x96xf32>
  %m = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x96xf32>) outs(%f : tensor<16x96xf32>) -> tensor<16x96xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<16x96xf32>, tensor<96xf32>) outs(%e : tensor<16x96xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %relu = arith.maximumf %s, %zero : f32
    linalg.yield %relu : f32
  } -> tensor<16x96xf32>
  return %r : tensor<16x96xf32>
}
