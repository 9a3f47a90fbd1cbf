// Three 1024x1024 products, each less its row maxima, the second read
// transposed: the root reads one reduction by rows and another by columns,
// so its dispatch keeps no tileable loop. Fused whole, the three products
// were 12 MiB of stack temporaries in one workgroup, past an 8 MiB thread
// stack (a crash); FormDispatches keeps them out of such a group.
#id = affine_map<(i, j) -> (i, j)>
#tr = affine_map<(i, j) -> (j, i)>
#row = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
func.func @reduced(%x: tensor<1024x64xf32>, %w0: tensor<64x1024xf32>,
                   %w1: tensor<64x1024xf32>, %w2: tensor<64x1024xf32>)
    -> tensor<1024x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x1024xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<1024x64xf32>, tensor<64x1024xf32>) outs(%f : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<1024x64xf32>, tensor<64x1024xf32>) outs(%f : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %m2 = linalg.matmul ins(%x, %w2 : tensor<1024x64xf32>, tensor<64x1024xf32>) outs(%f : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %ev = tensor.empty() : tensor<1024xf32>
  %low = arith.constant -3.0e38 : f32
  %fv = linalg.fill ins(%low : f32) outs(%ev : tensor<1024xf32>) -> tensor<1024xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%m0 : tensor<1024x1024xf32>) outs(%fv : tensor<1024xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%m1 : tensor<1024x1024xf32>) outs(%fv : tensor<1024xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %r2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%m2 : tensor<1024x1024xf32>) outs(%fv : tensor<1024xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.maximumf %a, %acc : f32
    linalg.yield %t : f32
  } -> tensor<1024xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #tr, #col, #id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m0, %r0, %m1, %r1, %m2, %r2 : tensor<1024x1024xf32>, tensor<1024xf32>, tensor<1024x1024xf32>, tensor<1024xf32>, tensor<1024x1024xf32>, tensor<1024xf32>) outs(%e : tensor<1024x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %g: f32, %h: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    %u = arith.subf %c, %d : f32
    %v = arith.subf %g, %h : f32
    %w = arith.addf %s, %u : f32
    %z = arith.addf %w, %v : f32
    linalg.yield %z : f32
  } -> tensor<1024x1024xf32>
  return %y : tensor<1024x1024xf32>
}
