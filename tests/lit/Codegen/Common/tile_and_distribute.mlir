// RUN: tessera-opt --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(tessera-codegen-tile-and-distribute-to-workgroups)))' %s | FileCheck %s

// The count region becomes the grid: x = ceildiv(cols, 64), y = ceildiv(rows, 32).
// CHECK-LABEL: hal.executable.export public @mm_dispatch_0_matmul_128x512
// CHECK-SAME: count(%{{.+}}: !hal.device, %[[ROWS:.+]]: index, %[[COLS:.+]]: index)
// CHECK-DAG: %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG: %[[Y:.+]] = arith.ceildivui %[[ROWS]], %[[C32]] : index
// CHECK-DAG: %[[X:.+]] = arith.ceildivui %[[COLS]], %[[C64]] : index
// CHECK: hal.return %[[X]], %[[Y]], %{{.+}} : index, index, index

// The loop nest is gone: the tile is picked by the workgroup id, the matmul
// and its fill are fused into the tile of the bias add, and the tile is
// inserted into the output binding.
// CHECK-LABEL: func.func @mm_dispatch_0_matmul_128x512()
// CHECK-NOT: scf.forall
// CHECK-DAG: %[[WX:.+]] = hal.interface.workgroup.id[0] : index
// CHECK-DAG: %[[WY:.+]] = hal.interface.workgroup.id[1] : index
// CHECK-DAG: %[[ROW:.+]] = arith.muli %[[WY]], %{{.+}} : index
// CHECK-DAG: %[[COL:.+]] = arith.muli %[[WX]], %{{.+}} : index
// A workgroup past the grid (a module's workgroup count is untrusted) must
// not compute a tile outside the bindings.
// CHECK-DAG: %[[ROW_IN:.+]] = arith.cmpi ult, %[[ROW]], %{{.+}} : index
// CHECK-DAG: %[[COL_IN:.+]] = arith.cmpi ult, %[[COL]], %{{.+}} : index
// CHECK-DAG: %[[WZ:.+]] = hal.interface.workgroup.id[2] : index
// CHECK-DAG: %[[Z_IN:.+]] = arith.cmpi eq, %[[WZ]], %{{.+}} : index
// CHECK-DAG: %[[INSIDE:.+]] = arith.andi %[[ROW_IN]], %[[COL_IN]] : i1
// CHECK-DAG: %[[ALL:.+]] = arith.andi %[[INSIDE]], %[[Z_IN]] : i1
// CHECK-DAG: cf.assert %[[ALL]], "the workgroup is outside the dispatch's grid"
// The destination is defined beside its binding, before the tile's ops.
// CHECK-DAG: %[[DEST:.+]] = bufferization.to_tensor %{{.+}} restrict writable : memref<128x512xf32>
// CHECK: tensor.extract_slice %{{.+}}[%[[ROW]], 0] [32, 256] [1, 1]
// CHECK: tensor.extract_slice %{{.+}}[0, %[[COL]]] [256, 64] [1, 1]
// CHECK: %[[FILL:.+]] = linalg.fill {{.+}} -> tensor<32x64xf32>
// CHECK: %[[MM:.+]] = linalg.matmul {{.+}} outs(%[[FILL]] : tensor<32x64xf32>)
// CHECK: %[[BIAS:.+]] = linalg.generic {{.+}} ins(%[[MM]], %{{.+}} : tensor<32x64xf32>, tensor<64xf32>)
// CHECK: tensor.insert_slice %[[BIAS]] into %[[DEST]][%[[ROW]], %[[COL]]] [32, 64] [1, 1]
// CHECK-NOT: scf.forall
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

// A loop of one tile (all 128 rows in every workgroup, as a Winograd
// transform's tile positions): its offset is the constant 0, which a
// linalg.index of it folds with, and the guard requires its id to be 0.
// CHECK-LABEL: func.func @one_tile_dispatch_0_matmul_128x512()
// CHECK-DAG: %[[WX:.+]] = hal.interface.workgroup.id[0] : index
// CHECK-DAG: %[[WY:.+]] = hal.interface.workgroup.id[1] : index
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[COL:.+]] = arith.muli %[[WX]], %{{.+}} : index
// CHECK-DAG: %[[ROW_IN:.+]] = arith.cmpi ult, %[[WY]], %[[ONE]] : index
// CHECK-DAG: %[[COL_IN:.+]] = arith.cmpi ult, %[[COL]], %{{.+}} : index
// CHECK-DAG: %[[INSIDE:.+]] = arith.andi %[[ROW_IN]], %[[COL_IN]] : i1
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK: %[[MM:.+]] = linalg.matmul {{.+}} ins(%{{.+}}, %{{.+}} : tensor<128x256xf32>, tensor<256x64xf32>)
// CHECK: tensor.insert_slice %[[MM]] into %{{.+}}[%[[ZERO]], %[[COL]]] [128, 64] [1, 1]
hal.executable private @one_tile_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @one_tile_dispatch_0_matmul_128x512 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer, ReadOnly>, <2, storage_buffer>]>]>) count(%device: !hal.device, %rows: index, %cols: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %cols, %rows, %c1 : index, index, index
    }
    builtin.module {
      func.func @one_tile_dispatch_0_matmul_128x512() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<128x256xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<128x256xf32> to tensor<128x256xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<256x512xf32>
        %3 = bufferization.to_tensor %2 restrict : memref<256x512xf32> to tensor<256x512xf32>
        %4 = hal.interface.binding.subspan set(0) binding(2) : memref<128x512xf32>
        %cst = arith.constant 0.000000e+00 : f32
        %5 = tensor.empty() : tensor<128x512xf32>
        %6 = linalg.fill ins(%cst : f32) outs(%5 : tensor<128x512xf32>) -> tensor<128x512xf32>
        %7 = linalg.matmul {lowering_config = #tessera_codegen.lowering_config<workgroup = [128, 64]>} ins(%1, %3 : tensor<128x256xf32>, tensor<256x512xf32>) outs(%6 : tensor<128x512xf32>) -> tensor<128x512xf32>
        bufferization.materialize_in_destination %7 in restrict writable %4 : (tensor<128x512xf32>, memref<128x512xf32>) -> ()
        return
      }
    }
  }
}
