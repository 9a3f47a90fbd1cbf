func.func @reduce(%x: tensor<24x130xf32>) -> (tensor<24xf32>, tensor<130xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e0 = tensor.empty() : tensor<24xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<24xf32>) -> tensor<24xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<24x130xf32>) outs(%f0 : tensor<24xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<24xf32>
  %e1 = tensor.empty() : tensor<130xf32>
  %f1 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<130xf32>) -> tensor<130xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(j, i) -> (i, j)>, affine_map<(j, i) -> (j)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<24x130xf32>) outs(%f1 : tensor<130xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %m = arith.maximumf %v, %acc : f32
    linalg.yield %m : f32
  } -> tensor<130xf32>
  return %sum, %max : tensor<24xf32>, tensor<130xf32>
}
