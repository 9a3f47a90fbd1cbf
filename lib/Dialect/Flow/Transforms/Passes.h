//===- Passes.h - flow transformations ------------------------*- C++ -*-===//
#ifndef TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES_H
#define TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES_H

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::flow {

#define GEN_PASS_DECL
#include "Dialect/Flow/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Dialect/Flow/Transforms/Passes.h.inc"

/// What the body of a linalg op costs to compile, roughly its LLVM
/// instructions: 16 per math function (a polynomial once expanded), 1 per
/// other op, the terminator free; 0 for other ops. LLVM's loop vectorizer
/// and schedulers take time quadratic in a loop body's length, so fusion and
/// dispatch formation keep it under their `max-body-cost`.
uint64_t getBodyCost(Operation *op);

} // namespace mlir::tessera::flow

#endif // TESSERA_DIALECT_FLOW_TRANSFORMS_PASSES_H
