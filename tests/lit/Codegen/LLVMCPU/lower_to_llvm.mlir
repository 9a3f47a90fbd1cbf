// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(tessera-llvmcpu-codegen)))' %s | FileCheck %s

// The whole codegen pipeline ends in one LLVM dialect entry point per export
// with the executable-library ABI (runtime/include/tessera/executable_library.h):
//   i32 (ptr environment, ptr dispatch_state, ptr workgroup_state)
// Binding pointers are read from dispatch_state->binding_ptrs (offset 40),
// the workgroup id from workgroup_state (offset 0), and 0 means success.
// The matmul is register-tiled into vector multiply-adds, 4 lanes wide for
// this generic CPU (no AVX); the bias add follows.
// CHECK-LABEL: hal.executable private @mm_dispatch_0
// CHECK: builtin.module
// CHECK-NOT: func.func
// CHECK: llvm.func @mm_dispatch_0_matmul_128x512(%[[ENV:.+]]: !llvm.ptr, %[[STATE:.+]]: !llvm.ptr, %[[WG:.+]]: !llvm.ptr) -> i32
// CHECK: %[[BP:.+]] = llvm.getelementptr inbounds %[[STATE]][40] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[BINDINGS:.+]] = llvm.load %[[BP]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.load %[[BINDINGS]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.load %[[WG]] : !llvm.ptr -> i32
// CHECK: llvm.intr.fmuladd({{.+}}) : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK: llvm.fadd
// CHECK: llvm.return %{{.+}} : i32
// CHECK-NOT: memref.
// CHECK-NOT: hal.interface
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

// -----

// Dynamic shapes: sizes come from push constants
// (dispatch_state->push_constants, offset 32), one i32 each.
// CHECK-LABEL: hal.executable private @scale_dispatch_0
// CHECK: llvm.func @scale_dispatch_0_elementwise_D(%{{.+}}: !llvm.ptr, %[[STATE:.+]]: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// CHECK: %[[PCP:.+]] = llvm.getelementptr inbounds %[[STATE]][32] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[PC:.+]] = llvm.load %[[PCP]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[PC1:.+]] = llvm.getelementptr inbounds %[[PC]][4] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: llvm.load %[[PC1]] : !llvm.ptr -> i32
// CHECK: llvm.fmul
// CHECK: llvm.return
#map = affine_map<(d0) -> (d0)>
hal.executable private @scale_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @scale_dispatch_0_elementwise_D ordinal(0) layout(<push_constants = 3, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%arg0: !hal.device, %arg1: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %arg1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @scale_dispatch_0_elementwise_D() {
        %0 = hal.interface.constant.load[0] : i32
        %1 = arith.index_castui %0 : i32 to index
        %2 = hal.interface.constant.load[1] : i32
        %3 = arith.index_castui %2 : i32 to index
        %4 = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%3}
        %5 = bufferization.to_tensor %4 restrict : memref<?xf32> to tensor<?xf32>
        %6 = hal.interface.constant.load[2] : i32
        %7 = arith.index_castui %6 : i32 to index
        %8 = hal.interface.binding.subspan set(0) binding(1) : memref<?xf32>{%7}
        %cst = arith.constant 2.000000e+00 : f32
        %9 = tensor.empty(%1) : tensor<?xf32>
        %10 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%5 : tensor<?xf32>) outs(%9 : tensor<?xf32>) {
        ^bb0(%in: f32, %out: f32):
          %11 = arith.mulf %in, %cst : f32
          linalg.yield %11 : f32
        } -> tensor<?xf32>
        bufferization.materialize_in_destination %10 in restrict writable %8 : (tensor<?xf32>, memref<?xf32>) -> ()
        return
      }
    }
  }
}

// -----

// A 32-bit target (wasm32) has 4-byte pointers in the dispatch state: the
// binding pointers sit at offset 36 and are 4 bytes apart, the binding
// lengths (checked against each view) at 40; the push constants pointer
// stays at 32.
// CHECK-LABEL: hal.executable private @wasm_dispatch
// CHECK: llvm.func @wasm_dispatch(%{{.+}}: !llvm.ptr, %[[STATE:.+]]: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// CHECK-DAG: llvm.getelementptr inbounds %[[STATE]][32] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: llvm.getelementptr inbounds %[[STATE]][36] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: llvm.getelementptr inbounds %{{.+}}[4] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: llvm.getelementptr inbounds %[[STATE]][40] : (!llvm.ptr) -> !llvm.ptr, i8
// A binding smaller than its view returns TESSERA_DISPATCH_ERROR_BINDING_TOO_SMALL.
// CHECK-DAG: "llvm.intr.umul.with.overflow"
// CHECK-DAG: llvm.icmp "ule"
// CHECK-DAG: llvm.cond_br
// CHECK-DAG: llvm.mlir.constant(2 : i32) : i32
// CHECK-NOT: %[[STATE]][48]
hal.executable private @wasm_dispatch {
  hal.executable.variant public @wasm target(<"llvm-cpu", "wasm-wasm32", {cpu = "generic", cpu_features = "", target_triple = "wasm32-unknown-unknown"}>) {
    hal.executable.export public @wasm_dispatch ordinal(0) layout(<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @wasm_dispatch() {
        %n = hal.interface.constant.load[0] : i32
        %i = arith.index_castui %n : i32 to index
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<4xf32>
        %1 = hal.interface.binding.subspan set(0) binding(1) : memref<4xf32>
        %v = memref.load %0[%i] : memref<4xf32>
        memref.store %v, %1[%i] : memref<4xf32>
        return
      }
    }
  }
}

// -----

// math.exp becomes a polynomial without libm (on vectors of 4, the
// elementwise op vectorized); its multiply-adds (math.fma
// in upstream's approximation) are a multiply and an add that LLVM may
// contract into one FMA where the CPU has it (no fmaf call where it has
// not), not upstream's plain expansion, which LLVM must keep apart.
// CHECK-LABEL: hal.executable private @exp_dispatch_0
// CHECK: llvm.func @exp_dispatch_0_elementwise_64
// CHECK: %[[P:.+]] = llvm.fmul {{.+}} {fastmathFlags = #llvm.fastmath<contract>} : vector<4xf32>
// CHECK-NEXT: llvm.fadd %[[P]], {{.+}} {fastmathFlags = #llvm.fastmath<contract>} : vector<4xf32>
// CHECK-NOT: llvm.call
// CHECK: llvm.return
#map = affine_map<(d0) -> (d0)>
hal.executable private @exp_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @exp_dispatch_0_elementwise_64 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%arg0: !hal.device, %n: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %n, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @exp_dispatch_0_elementwise_64() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<64xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<64xf32> to tensor<64xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<64xf32>
        %3 = tensor.empty() : tensor<64xf32>
        %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%1 : tensor<64xf32>) outs(%3 : tensor<64xf32>) {
        ^bb0(%in: f32, %out: f32):
          %5 = math.exp %in : f32
          linalg.yield %5 : f32
        } -> tensor<64xf32>
        bufferization.materialize_in_destination %4 in restrict writable %2 : (tensor<64xf32>, memref<64xf32>) -> ()
        return
      }
    }
  }
}

// -----

// On an AVX-512 CPU, exp on 16 lanes is ExpOnAVX512's: k = roundeven(x /
// ln 2), a polynomial of the remainder, then vscalefps multiplies it by
// 2^k, with no shift building 2^k's bits.
// CHECK-LABEL: hal.executable private @exp_avx512_dispatch_0
// CHECK: llvm.func @exp_avx512_dispatch_0_elementwise_64
// CHECK: %[[K:.+]] = llvm.intr.roundeven(%{{.+}}) : (vector<16xf32>) -> vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.mask.scalef.ps.512"(%[[E:.+]], %[[K]], %[[E]], %{{.+}}, %{{.+}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>, i16, i32) -> vector<16xf32>
// CHECK-NOT: llvm.shl
// CHECK: llvm.return
#map = affine_map<(d0) -> (d0)>
hal.executable private @exp_avx512_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "skylake-avx512", cpu_features = "+avx,+avx2,+fma,+avx512f", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @exp_avx512_dispatch_0_elementwise_64 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%arg0: !hal.device, %n: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %n, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @exp_avx512_dispatch_0_elementwise_64() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<64xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<64xf32> to tensor<64xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<64xf32>
        %3 = tensor.empty() : tensor<64xf32>
        %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%1 : tensor<64xf32>) outs(%3 : tensor<64xf32>) {
        ^bb0(%in: f32, %out: f32):
          %5 = math.exp %in : f32
          linalg.yield %5 : f32
        } -> tensor<64xf32>
        bufferization.materialize_in_destination %4 in restrict writable %2 : (tensor<64xf32>, memref<64xf32>) -> ()
        return
      }
    }
  }
}

// -----

// Integer division cannot trap (x86 traps on a zero divisor and on
// INT_MIN / -1, ending the process that runs the dispatch): where either may
// happen, the divisor becomes 1. A constant divisor that can do neither
// stays as it is.
// CHECK-LABEL: hal.executable private @divide_dispatch_0
// CHECK: llvm.func @divide_dispatch_0_elementwise_8
// CHECK-DAG: %[[MIN:.+]] = llvm.mlir.constant(-2147483648 : i32) : i32
// CHECK-DAG: %[[MINUS:.+]] = llvm.mlir.constant(-1 : i32) : i32
// CHECK-DAG: %[[ONE:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-DAG: %[[ZERO:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-DAG: %[[THREE:.+]] = llvm.mlir.constant(3 : i32) : i32
// CHECK: %[[IS_ZERO:.+]] = llvm.icmp "eq" %[[B:[0-9]+]], %[[ZERO]] : i32
// CHECK-NEXT: %[[IS_MIN:.+]] = llvm.icmp "eq" %[[A:[0-9]+]], %[[MIN]] : i32
// CHECK-NEXT: %[[IS_MINUS:.+]] = llvm.icmp "eq" %[[B]], %[[MINUS]] : i32
// CHECK-NEXT: %[[OVERFLOW:.+]] = llvm.and %[[IS_MINUS]], %[[IS_MIN]] : i1
// CHECK-NEXT: %[[TRAP:.+]] = llvm.or %[[IS_ZERO]], %[[OVERFLOW]] : i1
// CHECK-NEXT: %[[SAFE:.+]] = llvm.select %[[TRAP]], %[[ONE]], %[[B]] : i1, i32
// CHECK-NEXT: %[[Q:.+]] = llvm.sdiv %[[A]], %[[SAFE]] : i32
// CHECK-NEXT: llvm.sdiv %[[Q]], %[[THREE]] : i32
#map = affine_map<(d0) -> (d0)>
hal.executable private @divide_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "+avx2", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @divide_dispatch_0_elementwise_8 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer, ReadOnly>, <2, storage_buffer>]>]>) count(%arg0: !hal.device, %n: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %n, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @divide_dispatch_0_elementwise_8() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<8xi32>
        %1 = bufferization.to_tensor %0 restrict : memref<8xi32> to tensor<8xi32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<8xi32>
        %3 = bufferization.to_tensor %2 restrict : memref<8xi32> to tensor<8xi32>
        %4 = hal.interface.binding.subspan set(0) binding(2) : memref<8xi32>
        %c3 = arith.constant 3 : i32
        %5 = tensor.empty() : tensor<8xi32>
        %6 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]} ins(%1, %3 : tensor<8xi32>, tensor<8xi32>) outs(%5 : tensor<8xi32>) {
        ^bb0(%a: i32, %b: i32, %out: i32):
          %q = arith.divsi %a, %b : i32
          %r = arith.divsi %q, %c3 : i32
          linalg.yield %r : i32
        } -> tensor<8xi32>
        bufferization.materialize_in_destination %6 in restrict writable %4 : (tensor<8xi32>, memref<8xi32>) -> ()
        return
      }
    }
  }
}

// -----

// A column tail of one element (17 of 16-lane vectors) is a scalar load
// and store, not a masked load and store of one lane: LLVM fully unrolls
// loops around such tails, and its DAG combiner took 15 s to minutes
// merging the resulting blocks of one-lane masked stores.
// CHECK-LABEL: hal.executable private @tail_dispatch_0
// CHECK: llvm.func @tail_dispatch_0_elementwise_17
// CHECK-NOT: llvm.intr.masked
// CHECK: llvm.load {{.+}} : !llvm.ptr -> f32
// CHECK: llvm.store {{.+}} : f32, !llvm.ptr
// CHECK-NOT: llvm.intr.masked
// CHECK: llvm.return
#map = affine_map<(d0) -> (d0)>
hal.executable private @tail_dispatch_0 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "skylake-avx512", cpu_features = "+avx,+avx2,+fma,+avx512f", target_triple = "x86_64-unknown-linux-gnu"}>) {
    hal.executable.export public @tail_dispatch_0_elementwise_17 ordinal(0) layout(<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%arg0: !hal.device, %n: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @tail_dispatch_0_elementwise_17() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<17xf32>
        %1 = bufferization.to_tensor %0 restrict : memref<17xf32> to tensor<17xf32>
        %2 = hal.interface.binding.subspan set(0) binding(1) : memref<17xf32>
        %3 = tensor.empty() : tensor<17xf32>
        %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%1 : tensor<17xf32>) outs(%3 : tensor<17xf32>) {
        ^bb0(%in: f32, %out: f32):
          %5 = arith.addf %in, %in : f32
          linalg.yield %5 : f32
        } -> tensor<17xf32>
        bufferization.materialize_in_destination %4 in restrict writable %2 : (tensor<17xf32>, memref<17xf32>) -> ()
        return
      }
    }
  }
}
