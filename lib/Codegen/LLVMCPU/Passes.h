//===- Passes.h - llvm-cpu code generation --------------------*- C++ -*-===//
#ifndef TESSERA_CODEGEN_LLVMCPU_PASSES_H
#define TESSERA_CODEGEN_LLVMCPU_PASSES_H

#include "Dialect/HAL/IR/HALOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::tessera::llvmcpu {

#define GEN_PASS_DECL
#include "Codegen/LLVMCPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Codegen/LLVMCPU/Passes.h.inc"

/// The messages of the kernels' own checks (`cf.assert`), which the LLVM
/// lowering turns into the matching TESSERA_DISPATCH_ERROR_* return codes.
constexpr const char *kWorkgroupOutsideGridMessage =
    "the workgroup is outside the dispatch's grid";
constexpr const char *kBindingTooSmallMessage =
    "a binding holds fewer bytes than the kernel's view of it";

/// The root op of a dispatch function: the producer of the first value
/// stored to a binding. Null when there is none.
Operation *findRootOp(func::FuncOp func);

/// The codegen pipeline, nested on hal.executable.variant ops.
void buildLLVMCPUCodegenPipeline(OpPassManager &variantPassManager);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_PASSES_H
