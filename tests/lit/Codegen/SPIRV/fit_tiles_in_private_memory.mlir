// RUN: tessera-opt --split-input-file --tessera-spirv-fit-tiles-in-private-memory %s | FileCheck %s

// The root's fused producers compute a temporary per invocation: 4 bytes
// per element of the root's parallel tile, per producer, must fit 16 KiB.
// One producer, a 64x128 tile (32 KiB): the larger tile size is halved
// once, to 64x64 (16 KiB).

#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @one_producer
// CHECK: linalg.generic
// CHECK-NOT: lowering_config
// CHECK: linalg.generic
// CHECK-SAME: lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 64]>
func.func @one_producer() {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<256x1024xf32>
  %1 = bufferization.to_tensor %0 restrict : memref<256x1024xf32> to tensor<256x1024xf32>
  %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x1024xf32>
  %e = tensor.empty() : tensor<256x1024xf32>
  %exp = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  %neg = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%exp : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 128]>} {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  bufferization.materialize_in_destination %neg in restrict writable %2 : (tensor<256x1024xf32>, memref<256x1024xf32>) -> ()
  return
}

// -----

// Two producers: 64x128 is halved to 64x64, then (the first of equal
// sizes) to 32x64: 32 * 64 * 4 * 2 = 16 KiB.

#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @two_producers
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>
func.func @two_producers() {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<256x1024xf32>
  %1 = bufferization.to_tensor %0 restrict : memref<256x1024xf32> to tensor<256x1024xf32>
  %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x1024xf32>
  %e = tensor.empty() : tensor<256x1024xf32>
  %exp = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  %abs = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%exp : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.absf %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  %neg = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%abs : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 128]>} {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  bufferization.materialize_in_destination %neg in restrict writable %2 : (tensor<256x1024xf32>, memref<256x1024xf32>) -> ()
  return
}

// -----

// Only parallel loops count, an untiled one (0) at its full extent: a row
// reduction's 130 columns are not held per invocation, and 64 rows with
// one producer fit (64 * 4 = 256 bytes).

#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduction
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 0]>
func.func @reduction() {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<256x130xf32>
  %1 = bufferization.to_tensor %0 restrict : memref<256x130xf32> to tensor<256x130xf32>
  %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256xf32>
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %sum = linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]} ins(%1 : tensor<256x130xf32>) outs(%f : tensor<256xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 0]>} {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<256xf32>
  bufferization.materialize_in_destination %sum in restrict writable %2 : (tensor<256xf32>, memref<256xf32>) -> ()
  return
}

// -----

// Without producers the root computes in its binding: no temporary, the
// tile stays as large as it is.

#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @no_producer
// CHECK: lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 128]>
func.func @no_producer() {
  %0 = hal.interface.binding.subspan set(0) binding(0) : memref<256x1024xf32>
  %1 = bufferization.to_tensor %0 restrict : memref<256x1024xf32> to tensor<256x1024xf32>
  %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x1024xf32>
  %e = tensor.empty() : tensor<256x1024xf32>
  %neg = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [64, 128]>} {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<256x1024xf32>
  bufferization.materialize_in_destination %neg in restrict writable %2 : (tensor<256x1024xf32>, memref<256x1024xf32>) -> ()
  return
}
