func.func @b(%x: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %r = linalg.broadcast ins(%x : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0
  return %r : tensor<4x16xf32>
}
