//===- Passes.td - llvm-cpu serialization ------------------*- tablegen -*-===//
#ifndef TESSERA_TARGET_LLVMCPU_PASSES
#define TESSERA_TARGET_LLVMCPU_PASSES

include "mlir/Pass/PassBase.td"

def SerializeExecutablesPass
    : Pass<"tessera-llvmcpu-serialize", "mlir::tessera::hal::ExecutableOp"> {
  let summary = "Compiles llvm-cpu variants to shared libraries";
  let description = [{
    Each llvm-cpu variant (LLVM dialect) is translated to LLVM IR, given the
    executable-library query function, optimized, compiled to an object
    for its target triple/cpu/features and linked in-process by lld into a
    shared library with no dependencies. The variant is replaced by a
    `hal.executable.binary` holding that library.
  }];
  let options = [
    Option<"optLevel", "opt-level", "unsigned", "2",
           "LLVM optimization level (0-3)">,
  ];
}

#endif // TESSERA_TARGET_LLVMCPU_PASSES
