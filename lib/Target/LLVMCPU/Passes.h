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
/// (optimized LLVM IR), "bc", "o" or "so". Called from pass threads.
using ArtifactSink = std::function<void(StringRef executable, StringRef variant,
                                        StringRef kind, StringRef bytes)>;

std::unique_ptr<Pass> createSerializeExecutablesPass(unsigned optLevel,
                                                     ArtifactSink sink);

} // namespace mlir::tessera::target

#endif // TESSERA_TARGET_LLVMCPU_PASSES_H
