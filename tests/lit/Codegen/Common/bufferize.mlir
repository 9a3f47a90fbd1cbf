// RUN: tessera-opt --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(tessera-codegen-tile-and-distribute-to-workgroups,builtin.module(canonicalize,cse,tessera-codegen-bufferize))))' %s | FileCheck %s

// After bufferization no tensor is left: the inputs are read through
// subviews of their bindings, the matmul's accumulator tile lives on the
// stack (no heap: the executables have no C library) and the last op of the
// tile writes straight into the output binding (no copy at the end).
// CHECK-LABEL: func.func @mm_dispatch_0_matmul_128x512()
// CHECK-NOT: tensor<
// CHECK-NOT: memref.alloc(
// CHECK-DAG: %[[A:.+]] = hal.interface.binding.subspan set(0) binding(0) : memref<128x256xf32>
// CHECK-DAG: %[[B:.+]] = hal.interface.binding.subspan set(0) binding(1) : memref<256x512xf32>
// CHECK-DAG: %[[OUT:.+]] = hal.interface.binding.subspan set(0) binding(3) : memref<128x512xf32>
// CHECK-DAG: %[[ASUB:.+]] = memref.subview %[[A]][%{{.+}}, 0] [32, 256] [1, 1]
// CHECK-DAG: %[[BSUB:.+]] = memref.subview %[[B]][0, %{{.+}}] [256, 64] [1, 1]
// CHECK-DAG: %[[OSUB:.+]] = memref.subview %[[OUT]][%{{.+}}, %{{.+}}] [32, 64] [1, 1]
// CHECK: %[[TILE:.+]] = memref.alloca() {{.+}} : memref<32x64xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[TILE]] : memref<32x64xf32>)
// CHECK: linalg.matmul ins(%[[ASUB]], %[[BSUB]] : {{.+}}) outs(%[[TILE]] : memref<32x64xf32>)
// CHECK: linalg.generic {{.+}} ins(%[[TILE]], %{{.+}} : memref<32x64xf32>, {{.+}}) outs(%[[OSUB]] :
// CHECK-NOT: linalg.copy
// CHECK-NOT: tensor<
// CHECK: return
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
hal.executable private @mm_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @mm_dispatch_0_matmul_128x512 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer, ReadOnly>, <2, storage_buffer, ReadOnly>, <3, storage_buffer>]>]>) count(%device: !hal.device, %rows: index, %cols: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %cols, %rows, %c1 : index, index, index
    }
    builtin.module {
      func.func @mm_dispatch_0_matmul_128x512() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<128x256xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<128x256xf32> to tensor<128x256xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x512xf32>
        %3 = bufferization.to_tensor %2 restrict : memref<256x512xf32> to tensor<256x512xf32>
        %4 = hal.interface.binding.subspan set(0) binding(2) : memref<512xf32>
        %5 = bufferization.to_tensor %4 restrict : memref<512xf32> to tensor<512xf32>
        %6 = hal.interface.binding.subspan set(0) binding(3) : memref<128x512xf32>
        %cst = arith.constant 0.000000e+00 : f32
        %7 = tensor.empty() : tensor<128x512xf32>
        %8 = linalg.fill ins(%cst : f32) outs(%7 : tensor<128x512xf32>) -> tensor<128x512xf32>
        %9 = linalg.matmul ins(%1, %3 : tensor<128x256xf32>, tensor<256x512xf32>) outs(%8 : tensor<128x512xf32>) -> tensor<128x512xf32>
        %10 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%9, %5 : tensor<128x512xf32>, tensor<512xf32>) outs(%7 : tensor<128x512xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>} {
        ^bb0(%in: f32, %in_0: f32, %out: f32):
          %11 = arith.addf %in, %in_0 : f32
          linalg.yield %11 : f32
        } -> tensor<128x512xf32>
        bufferization.materialize_in_destination %10 in restrict writable %6 : (tensor<128x512xf32>, memref<128x512xf32>) -> ()
        return
      }
    }
  }
}

// A result tied to an operand (binding 3, read and written: a residual
// added over the residual) reads each tile of the operand in place, where
// the add writes it; One-Shot Bufferize would copy the tile to the stack
// first.
// CHECK-LABEL: func.func @tied_dispatch_0_matmul_128x512()
// CHECK-DAG: %[[RES:.+]] = hal.interface.binding.subspan set(0) binding(3) : memref<128x512xf32>
// CHECK: %[[RSUB:.+]] = memref.subview %[[RES]][%[[R:.+]], %[[C:.+]]] [32, 64] [1, 1]
// CHECK: %[[OSUB:.+]] = memref.subview %[[RES]][%[[R]], %[[C]]] [32, 64] [1, 1]
// CHECK: %[[TILE:.+]] = memref.alloca() {{.+}} : memref<32x64xf32>
// CHECK: linalg.matmul ins({{.+}}) outs(%[[TILE]] : memref<32x64xf32>)
// CHECK: linalg.generic {{.+}} ins(%[[RSUB]], %[[TILE]] : {{.+}}) outs(%[[OSUB]] :
// CHECK-NOT: linalg.copy
// CHECK: return
hal.executable private @tied_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @tied_dispatch_0_matmul_128x512 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer, ReadOnly>, <3, storage_buffer>]>]>) count(%device: !hal.device, %rows: index, %cols: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %cols, %rows, %c1 : index, index, index
    }
    builtin.module {
      func.func @tied_dispatch_0_matmul_128x512() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<128x256xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<128x256xf32> to tensor<128x256xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x512xf32>
        %3 = bufferization.to_tensor %2 restrict : memref<256x512xf32> to tensor<256x512xf32>
        %6 = hal.interface.binding.subspan set(0) binding(3) : memref<128x512xf32>
        %7 = bufferization.to_tensor %6 restrict writable : memref<128x512xf32> to tensor<128x512xf32>
        %cst = arith.constant 0.000000e+00 : f32
        %e = tensor.empty() : tensor<128x512xf32>
        %8 = linalg.fill ins(%cst : f32) outs(%e : tensor<128x512xf32>) -> tensor<128x512xf32>
        %9 = linalg.matmul ins(%1, %3 : tensor<128x256xf32>, tensor<256x512xf32>) outs(%8 : tensor<128x512xf32>) -> tensor<128x512xf32>
        %10 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%7, %9 : tensor<128x512xf32>, tensor<128x512xf32>) outs(%e : tensor<128x512xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>} {
        ^bb0(%in: f32, %in_0: f32, %out: f32):
          %11 = arith.addf %in, %in_0 : f32
          linalg.yield %11 : f32
        } -> tensor<128x512xf32>
        bufferization.materialize_in_destination %10 in restrict writable %6 : (tensor<128x512xf32>, memref<128x512xf32>) -> ()
        return
      }
    }
  }
}

// Read at other elements (the operand transposed): the tile read is not
// the tile written, and the copy stays.
// CHECK-LABEL: func.func @tied_dispatch_1_transposed_128x128()
// CHECK: linalg.copy
// CHECK: return
hal.executable private @tied_dispatch_1 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @tied_dispatch_1_transposed_128x128 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%device: !hal.device, %rows: index, %cols: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %cols, %rows, %c1 : index, index, index
    }
    builtin.module {
      func.func @tied_dispatch_1_transposed_128x128() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<128x128xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<128x128xf32> to tensor<128x128xf32>
        %6 = hal.interface.binding.subspan set(0) binding(1) : memref<128x128xf32>
        %7 = bufferization.to_tensor %6 restrict writable : memref<128x128xf32> to tensor<128x128xf32>
        %e = tensor.empty() : tensor<128x128xf32>
        %10 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%7, %1 : tensor<128x128xf32>, tensor<128x128xf32>) outs(%e : tensor<128x128xf32>) attrs = {lowering_config = #tessera_codegen.lowering_config<workgroup = [32, 64]>} {
        ^bb0(%in: f32, %in_0: f32, %out: f32):
          %11 = arith.addf %in, %in_0 : f32
          linalg.yield %11 : f32
        } -> tensor<128x128xf32>
        bufferization.materialize_in_destination %10 in restrict writable %6 : (tensor<128x128xf32>, memref<128x128xf32>) -> ()
        return
      }
    }
  }
}
