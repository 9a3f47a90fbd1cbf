// RUN: tessera compile %s --compile-to=hal -o %t.mlir
// RUN: tessera-opt --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(builtin.module(tessera-llvmcpu-select-lowering-config),tessera-codegen-tile-and-distribute-to-workgroups)))' %t.mlir | FileCheck %s

// A Winograd input transform reads its padded input as 16 windows (one
// operand per element of the 4x4 tile). Tiled, the 16 slices of the pad
// become slices of one slice of it, and the pad is fused into the tile once
// (it was once per window: 16 padded copies per tile, and as many copies of
// the code). The widest window is the whole union: 15 slices.
// CHECK-LABEL: func.func @wt_dispatch_0_elementwise_4x4x1x3x3x32()
// CHECK:         %[[WINDOW:.+]] = scf.if
// CHECK:           tensor.pad
// CHECK-NOT:       tensor.pad
// CHECK-COUNT-15:  tensor.extract_slice %[[WINDOW]][0, 0, 0, 0]
// CHECK:         linalg.generic
// CHECK-NOT:     tensor.pad
// CHECK:         return
func.func @wt(%x: tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x6x6x32xf32> to tensor<1x8x8x32xf32>
  %w = arith.constant dense<0.5> : tensor<3x3x32x32xf32>
  %e = tensor.empty() : tensor<1x6x6x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x8x8x32xf32>, tensor<3x3x32x32xf32>) outs(%f : tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  return %r : tensor<1x6x6x32xf32>
}
