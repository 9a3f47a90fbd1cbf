// ResNet-50's first convolution (7x7, stride 2, padded input, placeholder
// weights) and its bias + relu. Its SPIR-V tiles are smaller than the
// CPU's (the convolution's tile, a temporary of the fused dispatch, must
// fit an invocation's private memory), so the variants of one linked
// executable count workgroups differently.
func.func @stem(%x: tensor<1x224x224x3xf32>) -> tensor<1x112x112x64xf32> {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant -0.5 : f32
  %w = arith.constant dense<0.01> : tensor<7x7x3x64xf32>
  %padded = tensor.pad %x low[0, 3, 3, 0] high[0, 3, 3, 0] {
  ^bb0(%n: index, %h: index, %c: index, %f: index):
    tensor.yield %zero : f32
  } : tensor<1x224x224x3xf32> to tensor<1x230x230x3xf32>
  %empty = tensor.empty() : tensor<1x112x112x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x112x112x64xf32>) -> tensor<1x112x112x64xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : tensor<1x230x230x3xf32>, tensor<7x7x3x64xf32>) outs(%init : tensor<1x112x112x64xf32>) -> tensor<1x112x112x64xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x112x112x64xf32>) outs(%empty : tensor<1x112x112x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %biased = arith.addf %in, %half : f32
    %positive = arith.maximumf %biased, %zero : f32
    linalg.yield %positive : f32
  } -> tensor<1x112x112x64xf32>
  return %relu : tensor<1x112x112x64xf32>
}
