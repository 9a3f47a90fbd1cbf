//===- TargetTuning.h - Per-CPU constants of the kernels --------*- C++ -*-===//
//
// Kernel constants that depend on the target CPU's microarchitecture (not
// only on its features), each measured on the CPUs it names.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_TARGETTUNING_H
#define TESSERA_CODEGEN_LLVMCPU_TARGETTUNING_H

#include "mlir/IR/Operation.h"

#include <string>

namespace mlir::tessera::llvmcpu {

/// LLVM's name for the CPU the variant enclosing `op` targets ("znver4",
/// "sapphirerapids"), "host" resolved to this machine's; empty outside a
/// variant.
std::string targetCpuFor(Operation *op);

/// Reduction steps per block of a packed panel of B (32 columns with
/// AVX-512) for the variant enclosing `op`; `fallback` outside a variant
/// and on CPUs not listed in the definition.
int64_t cachedPanelDepthFor(Operation *op, int64_t fallback);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_TARGETTUNING_H
