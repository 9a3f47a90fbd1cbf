//===- Passes.h - hal_loader transformations ------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES_H

#include "Dialect/HALLoader/IR/HALLoaderOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::hal_loader {

#define GEN_PASS_DECL
#include "Dialect/HALLoader/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Dialect/HALLoader/Transforms/Passes.h.inc"

} // namespace mlir::tessera::hal_loader

#endif // TESSERA_DIALECT_HALLOADER_TRANSFORMS_PASSES_H
