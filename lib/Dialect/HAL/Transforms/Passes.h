//===- Passes.h - hal transformations -------------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HAL_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_HAL_TRANSFORMS_PASSES_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::hal {

#define GEN_PASS_DECL
#include "Dialect/HAL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Dialect/HAL/Transforms/Passes.h.inc"

/// The binary format name of an llvm-cpu target triple
/// ("embedded-elf-x86_64"), or "" when the triple is not supported.
std::string getLLVMCPUFormat(StringRef triple);

} // namespace mlir::tessera::hal

#endif // TESSERA_DIALECT_HAL_TRANSFORMS_PASSES_H
