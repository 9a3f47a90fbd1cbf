//===- Passes.h - Passes of the phase pipelines ----------------*- C++ -*-===//
#ifndef TESSERA_PIPELINE_PASSES_H
#define TESSERA_PIPELINE_PASSES_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera {

#define GEN_PASS_DECL
#include "Pipeline/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Pipeline/Passes.h.inc"

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_PASSES_H
