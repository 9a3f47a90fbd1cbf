// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(builtin.module(tessera-llvmcpu-vectorize-contractions))))' %s | FileCheck %s
// RUN: tessera-opt --split-input-file --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(builtin.module(tessera-llvmcpu-vectorize-contractions{cached-panel-depth=128}))))' %s | FileCheck %s --check-prefix=OPTION

// How deep a block of the reductions a packed panel of B holds depends on
// the variant's CPU (TargetTuning.cpp). A 1024-deep matmul on an Intel
// Xeon: blocks of 256 steps (a 32 KiB panel, kept in the L1 cache), C
// reloaded per block; the pass option sets that default.
// CHECK-LABEL: hal.executable private @xeon
// CHECK:   memref.alloca() {alignment = 64 : i64} : memref<256x32xf32>
// CHECK:   scf.for %{{.+}} = %{{.+}} to %c1024 step %c256
// OPTION-LABEL: hal.executable private @xeon
// OPTION:  memref.alloca() {alignment = 64 : i64} : memref<128x32xf32>
hal.executable private @xeon {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "sapphirerapids", cpu_features = "+avx512f", target_triple = "x86_64-unknown-linux-gnu"}>) {
    builtin.module {
      func.func @mm(%a: memref<64x1024xf32>, %b: memref<1024x64xf32>, %c: memref<64x64xf32>) {
        linalg.matmul ins(%a, %b : memref<64x1024xf32>, memref<1024x64xf32>) outs(%c : memref<64x64xf32>)
        return
      }
    }
  }
}

// -----

// On AMD Zen 4 the same matmul packs all 1024 steps at once (128 KiB,
// streamed from the L2 cache): one block, C read and written once; the
// pass option does not apply.
// CHECK-LABEL: hal.executable private @zen4
// CHECK:   memref.alloca() {alignment = 64 : i64} : memref<1024x32xf32>
// CHECK-NOT: step %c256
// OPTION-LABEL: hal.executable private @zen4
// OPTION:  memref.alloca() {alignment = 64 : i64} : memref<1024x32xf32>
hal.executable private @zen4 {
  hal.executable.variant public @embedded_elf_x86_64 target(<"llvm-cpu", "embedded-elf-x86_64", {cpu = "znver4", cpu_features = "+avx512f", target_triple = "x86_64-unknown-linux-gnu"}>) {
    builtin.module {
      func.func @mm(%a: memref<64x1024xf32>, %b: memref<1024x64xf32>, %c: memref<64x64xf32>) {
        linalg.matmul ins(%a, %b : memref<64x1024xf32>, memref<1024x64xf32>) outs(%c : memref<64x64xf32>)
        return
      }
    }
  }
}
