func.func @transpose(%x: tensor<3x70x20xf32>) -> tensor<20x3x70xf32> {
  %e = tensor.empty() : tensor<20x3x70xf32>
  %r = linalg.transpose ins(%x : tensor<3x70x20xf32>) outs(%e : tensor<20x3x70xf32>) permutation = [2, 0, 1]
  return %r : tensor<20x3x70xf32>
}
