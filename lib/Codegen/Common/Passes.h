//===- Passes.h - Code generation shared by the backends -------*- C++ -*-===//
//
// What every backend does to a dispatch before its own lowering: one tile
// per workgroup (from the root op's lowering config, LoweringConfig.h) and
// bufferization into the bindings.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_COMMON_PASSES_H
#define TESSERA_CODEGEN_COMMON_PASSES_H

#include "Codegen/Dialect/CodegenDialect.h"
#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tessera::codegen {

#define GEN_PASS_DECL
#include "Codegen/Common/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Codegen/Common/Passes.h.inc"

/// The message of the workgroup guard's `cf.assert`, which the LLVM
/// lowering turns into TESSERA_DISPATCH_ERROR_WORKGROUP_OUTSIDE_GRID.
constexpr const char *kWorkgroupOutsideGridMessage =
    "the workgroup is outside the dispatch's grid";

} // namespace mlir::tessera::codegen

#endif // TESSERA_CODEGEN_COMMON_PASSES_H
