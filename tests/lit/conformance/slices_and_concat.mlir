// tensor.extract_slice (strided, offset, rank-reducing, and one that looks
// like a plain copy of the leading rows), tensor.insert_slice (strided) and
// tensor.concat of computed tensors: refused before ("cannot run on the
// host: it was not placed in a dispatch"); now dispatches, checked against
// the reference on every device.
// RUN: tessera-conformance --program=%s --device=cpu | FileCheck %s
// RUN: %if vulkan %{ tessera-conformance --program=%s --device=vulkan | FileCheck %s %}
// CHECK: 1 passed, 0 failed
// conformance: element=f32 inputs=9x17,3x9,12x20 results=4x6@1,5x17@1,12x20@1,12x17@1,17@1

func.func @slices(%x: tensor<9x17xf32>, %y: tensor<3x9xf32>, %d: tensor<12x20xf32>) -> (tensor<4x6xf32>, tensor<5x17xf32>, tensor<12x20xf32>, tensor<12x17xf32>, tensor<17xf32>) {
  %e = tensor.empty() : tensor<9x17xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<9x17xf32>) outs(%e : tensor<9x17xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<9x17xf32>
  %strided = tensor.extract_slice %t[1, 2] [4, 6] [2, 2] : tensor<9x17xf32> to tensor<4x6xf32>
  %rows = tensor.extract_slice %t[0, 0] [5, 17] [1, 1] : tensor<9x17xf32> to tensor<5x17xf32>
  %inserted = tensor.insert_slice %t into %d[2, 1] [9, 17] [1, 1] : tensor<9x17xf32> into tensor<12x20xf32>
  %sparse = tensor.insert_slice %strided into %inserted[1, 3] [4, 6] [3, 2] : tensor<4x6xf32> into tensor<12x20xf32>
  %yt = tensor.empty() : tensor<3x17xf32>
  %ypad = tensor.pad %y low[0, 4] high[0, 4] {
  ^bb0(%i: index, %j: index):
    %c = arith.constant 0.5 : f32
    tensor.yield %c : f32
  } : tensor<3x9xf32> to tensor<3x17xf32>
  %cat = tensor.concat dim(0) %t, %ypad : (tensor<9x17xf32>, tensor<3x17xf32>) -> tensor<12x17xf32>
  %row = tensor.extract_slice %t[4, 0] [1, 17] [1, 1] : tensor<9x17xf32> to tensor<17xf32>
  return %strided, %rows, %sparse, %cat, %row : tensor<4x6xf32>, tensor<5x17xf32>, tensor<12x20xf32>, tensor<12x17xf32>, tensor<17xf32>
}
