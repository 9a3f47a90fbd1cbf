// Residual blocks whose adds may write over their residual (a result tied
// to an operand that dies there, tessera-flow-tie-dying-operands) beside
// ones that must not: a, b and c die at the adds
// of c, f and e; b is read again after d, and d is returned besides g. A
// tie where the residual is read again would change f or the returned d.
#id = affine_map<(i, j) -> (i, j)>
func.func @blocks(%x: tensor<64x32xf32>, %w: tensor<5x32x32xf32>)
    -> (tensor<64x32xf32>, tensor<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<64x32xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %w0 = tensor.extract_slice %w[0, 0, 0] [1, 32, 32] [1, 1, 1] : tensor<5x32x32xf32> to tensor<32x32xf32>
  %w1 = tensor.extract_slice %w[1, 0, 0] [1, 32, 32] [1, 1, 1] : tensor<5x32x32xf32> to tensor<32x32xf32>
  %w2 = tensor.extract_slice %w[2, 0, 0] [1, 32, 32] [1, 1, 1] : tensor<5x32x32xf32> to tensor<32x32xf32>
  %w3 = tensor.extract_slice %w[3, 0, 0] [1, 32, 32] [1, 1, 1] : tensor<5x32x32xf32> to tensor<32x32xf32>
  %w4 = tensor.extract_slice %w[4, 0, 0] [1, 32, 32] [1, 1, 1] : tensor<5x32x32xf32> to tensor<32x32xf32>
  // a = relu(x w0), b = relu(a w1)
  %ma = linalg.matmul ins(%x, %w0 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%ma : tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x32xf32>
  %mb = linalg.matmul ins(%a, %w1 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%mb : tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x32xf32>
  // c = b w2 + a: a dies here (in place)
  %mc = linalg.matmul ins(%b, %w2 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%mc, %a : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  // d = c w3 + b: b is read again by f (a new buffer)
  %md = linalg.matmul ins(%c, %w3 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%md, %b : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  // e = d w4 + c: c dies here (in place)
  %me = linalg.matmul ins(%d, %w4 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %e = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%me, %c : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  // f = e w0 + b: b dies here (in place)
  %mf = linalg.matmul ins(%e, %w0 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %f = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%mf, %b : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  // g = f w1 + d: d is returned too (a new buffer)
  %mg = linalg.matmul ins(%f, %w1 : tensor<64x32xf32>, tensor<32x32xf32>) outs(%f0 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %g = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%mg, %d : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  return %g, %d : tensor<64x32xf32>, tensor<64x32xf32>
}
