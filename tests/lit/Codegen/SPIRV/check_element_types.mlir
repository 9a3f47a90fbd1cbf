// RUN: tessera-opt --split-input-file --verify-diagnostics --tessera-spirv-check-element-types %s | FileCheck %s

// f32 and i32 tensors pass unchanged; empties and the ops inside a linalg
// body are not looked at (an f16 constant used in the body is fine).

// CHECK-LABEL: func.func @supported
// CHECK: linalg.generic
func.func @supported(%a: tensor<8xf32>, %b: tensor<8xi32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a, %b : tensor<8xf32>, tensor<8xi32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %y: i32, %out: f32):
    %h = arith.constant 1.0 : f16
    %hf = arith.extf %h : f16 to f32
    %yf = arith.sitofp %y : i32 to f32
    %s = arith.addf %x, %yf : f32
    %t = arith.mulf %s, %hf : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// The op computing on f16 tensors is refused, in the user's terms.

func.func @half(%a: tensor<8xf16>) -> tensor<8xf16> {
  %e = tensor.empty() : tensor<8xf16>
  // expected-error @+1 {{'linalg.generic' on 'f16' tensors is not supported by the vulkan-spirv target (its kernels store f32 and i32 only); compile for llvm-cpu, or convert to f32/i32}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<8xf16>) outs(%e : tensor<8xf16>) {
  ^bb0(%x: f16, %out: f16):
    %s = arith.addf %x, %x : f16
    linalg.yield %s : f16
  } -> tensor<8xf16>
  return %r : tensor<8xf16>
}

// -----

// Tensor ops too: an i64 slice.

func.func @wide(%a: tensor<8xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'tensor.extract_slice' on 'i64' tensors is not supported by the vulkan-spirv target}}
  %s = tensor.extract_slice %a[0] [4] [1] : tensor<8xi64> to tensor<4xi64>
  return %s : tensor<4xi64>
}
