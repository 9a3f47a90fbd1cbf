// A batch of 8's classifier: 8 rows over 1280 x 1000 weights (5 MiB). The
// CPU kernel walks down the weights' rows for the 8 rows of the output at
// once, in 4 workgroups of 256 columns (the last one 232, its last vector
// masked: 1000 = 62 x 16 + 8); the bias is the output's init.
func.func @classify(%x: tensor<8x1280xf32>, %w: tensor<1280x1000xf32>,
                    %bias: tensor<1000xf32>) -> tensor<8x1000xf32> {
  %e = tensor.empty() : tensor<8x1000xf32>
  %b = linalg.broadcast ins(%bias : tensor<1000xf32>)
                        outs(%e : tensor<8x1000xf32>) dimensions = [0]
  %m = linalg.matmul ins(%x, %w : tensor<8x1280xf32>, tensor<1280x1000xf32>)
                     outs(%b : tensor<8x1000xf32>) -> tensor<8x1000xf32>
  return %m : tensor<8x1000xf32>
}
