func.func @matmul(%a: tensor<70x33xf32>, %b: tensor<33x150xf32>) -> tensor<70x150xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<70x150xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<70x150xf32>) -> tensor<70x150xf32>
  %r = linalg.matmul ins(%a, %b : tensor<70x33xf32>, tensor<33x150xf32>) outs(%f : tensor<70x150xf32>) -> tensor<70x150xf32>
  return %r : tensor<70x150xf32>
}
