//===- Passes.h - llvm-cpu serialization ----------------------*- C++ -*-===//
#ifndef TESSERA_TARGET_LLVMCPU_PASSES_H
#define TESSERA_TARGET_LLVMCPU_PASSES_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Pass/Pass.h"

#include <functional>

namespace mlir::tessera::target {

#define GEN_PASS_DECL
#include "Target/LLVMCPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Target/LLVMCPU/Passes.h.inc"

/// Receives the intermediate files of serialization: kind is "ll"
/// (optimized LLVM IR), "bc", "o", the library's extension ("so", "dll",
/// "dylib", "wasm") or its debug file's ("pdb"). Called from pass threads.
using ArtifactSink = std::function<void(StringRef executable, StringRef variant,
                                        StringRef kind, StringRef bytes)>;

/// `debugInfo` asks for the platform's separate debug files (PDB), passed
/// to `sink` with the library.
std::unique_ptr<Pass> createSerializeExecutablesPass(unsigned optLevel,
                                                     ArtifactSink sink,
                                                     bool debugInfo = false);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_PASSES_H
