//===- Passes.h - llvm-cpu code generation --------------------*- C++ -*-===//
#ifndef TESSERA_CODEGEN_LLVMCPU_PASSES_H
#define TESSERA_CODEGEN_LLVMCPU_PASSES_H

#include "Codegen/Common/Passes.h"
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

/// The message of the kernels' binding size checks (`cf.assert`), which
/// the LLVM lowering turns into TESSERA_DISPATCH_ERROR_BINDING_TOO_SMALL
/// (codegen::kWorkgroupOutsideGridMessage is the other check).
constexpr const char *kBindingTooSmallMessage =
    "a binding holds fewer bytes than the kernel's view of it";

/// The message of the checks before stack temporaries of unknown size
/// (CheckStackTemporaries), which the LLVM lowering turns into
/// TESSERA_DISPATCH_ERROR_STACK_TEMPORARIES.
constexpr const char *kStackTemporariesMessage =
    "a temporary needs more stack than the llvm-cpu backend allows";

/// The codegen pipeline, nested on hal.executable.variant ops.
void buildLLVMCPUCodegenPipeline(OpPassManager &variantPassManager);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_PASSES_H
