// Deep enough (K = 1024, rows of A 4 KiB apart) and tall enough that the
// CPU kernel packs A per block of the reductions and all panels of B of a
// workgroup at once; the bias and ReLU run as the last block's epilogue.
func.func @dense(%x: tensor<512x1024xf32>, %w: tensor<1024x256xf32>,
                 %bias: tensor<256xf32>) -> tensor<512x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<512x256xf32>) -> tensor<512x256xf32>
  %m = linalg.matmul ins(%x, %w : tensor<512x1024xf32>, tensor<1024x256xf32>)
                     outs(%f : tensor<512x256xf32>) -> tensor<512x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<512x256xf32>, tensor<256xf32>)
      outs(%e : tensor<512x256xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %q = arith.maximumf %s, %zero : f32
    linalg.yield %q : f32
  } -> tensor<512x256xf32>
  return %r : tensor<512x256xf32>
}
