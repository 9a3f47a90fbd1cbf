//===- Passes.h - vulkan-spirv code generation -----------------*- C++ -*-===//
//
// A dispatch tiled to workgroups (as for llvm-cpu) runs with 64
// invocations per workgroup: the innermost parallel loop of each tile op is
// spread over the invocations, temporaries are per invocation (Function
// storage) or, when the ops spread different dimensions, shared by the
// workgroup (Workgroup storage, barriers between the ops); bindings become
// storage buffers and push constants a block.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_SPIRV_PASSES_H
#define TESSERA_CODEGEN_SPIRV_PASSES_H

#include "Codegen/Dialect/CodegenDialect.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::tessera::spirv_codegen {

/// Invocations per workgroup.
constexpr int64_t kWorkgroupSize = 64;
/// Bytes of temporaries one invocation may hold (Function storage).
constexpr int64_t kPrivateBytesLimit = 16 * 1024;
/// Bytes of temporaries a workgroup may share (Workgroup storage): Vulkan's
/// guaranteed maxComputeSharedMemorySize.
constexpr int64_t kSharedBytesLimit = 16 * 1024;

#define GEN_PASS_DECL
#include "Codegen/SPIRV/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Codegen/SPIRV/Passes.h.inc"

/// The SPIR-V environment `variant` targets: its configuration's
/// `spirv.target_env`, or the default one.
spirv::TargetEnvAttr getTargetEnvironment(hal::ExecutableVariantOp variant);

/// Whether `variant` is tuned for a Vulkan implementation on the CPU
/// (configuration `device_type = "cpu"`: lavapipe, SwiftShader).
bool targetsCPUDevice(hal::ExecutableVariantOp variant);

/// The first op under `root` whose tensors the SPIR-V kernels cannot store
/// (anything but f32 and i32), with that element type; null if none.
std::pair<Operation *, Type> findUnsupportedElementType(Operation *root);

/// The pipeline, nested on hal.executable.variant ops.
void buildSPIRVCodegenPipeline(OpPassManager &variantPassManager);

} // namespace mlir::tessera::spirv_codegen

#endif // TESSERA_CODEGEN_SPIRV_PASSES_H
