// The input phase also takes TOSA: upstream's conversions lower it to
// linalg (tessera-flow-lower-tosa), then it compiles like any program.
// RUN: %tessera run %s --input=1x4x4x1xf32=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 | FileCheck %s
// RUN: %tessera compile %s --compile-to=input --emit=mlir -o - | FileCheck %s --check-prefix=LOWERED

// CHECK: result[0]: 1x2x2x1xf32={{\[\[\[6\]\[8\]\]\[\[14\]\[16\]\]\]}}
// CHECK: result[1]: 1x16xf32=[0.5 1 1.5 2 2.5 3 3.5 4 4.5 5 5.5 6 6.5 7 7.5 8]

// LOWERED-NOT: tosa.
// LOWERED: linalg.pooling_nhwc_max
func.func @main(%x: tensor<1x4x4x1xf32>) -> (tensor<1x2x2x1xf32>, tensor<1x16xf32>) {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  %s = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %x, %s : (tensor<1x4x4x1xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %r, %half, %shift : (tensor<1x16xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x16xf32>
  return %p, %m : tensor<1x2x2x1xf32>, tensor<1x16xf32>
}
