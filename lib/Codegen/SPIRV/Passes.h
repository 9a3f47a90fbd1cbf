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

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
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

/// Refuses, at the source op, dispatches over tensors of element types the
/// kernels cannot store (anything but f32 and i32) (on builtin.module).
std::unique_ptr<Pass> createCheckElementTypesPass();
/// Splat constant inputs of linalg ops read as a scalar in the body (on
/// func.func, before tiling).
std::unique_ptr<Pass> createInlineSplatConstantsPass();
/// Halves workgroup tile sizes until a tile's temporaries fit
/// kPrivateBytesLimit (on builtin.module, after the lowering config).
std::unique_ptr<Pass> createFitTilesInPrivateMemoryPass();

/// Dynamically sized temporaries (edge tiles) at their static upper bound,
/// viewed at their actual size (on func.func).
std::unique_ptr<Pass> createBoundTemporariesPass();
/// A matmul tile's LHS staged in workgroup memory, 32 reduction elements
/// at a time, where the tile has several columns and it fits (on
/// func.func, on buffers).
std::unique_ptr<Pass> createPromoteMatmulOperandsPass();
/// Linalg ops with a parallel loop after a reduction interchanged so that
/// their parallel loops are outermost (on func.func, before linalg ->
/// parallel loops).
std::unique_ptr<Pass> createParallelLoopsOutermostPass();
/// scf.parallel -> scf.for loops, the innermost one strided over
/// gpu.thread_id x; temporaries to workgroup memory and barriers between
/// the ops where invocations read each other's results (on func.func).
std::unique_ptr<Pass> createDistributeToInvocationsPass();
/// Innermost loops with a static trip count unrolled by 4 (on func.func).
std::unique_ptr<Pass> createUnrollInnerLoopsPass();
/// Every binding as a 1-D memref, loads and stores linearized (on
/// func.func).
std::unique_ptr<Pass> createFlattenBindingsPass();
/// The variant's module to a spirv.module (on hal.executable.variant).
std::unique_ptr<Pass> createConvertToSPIRVPass();

/// The SPIR-V environment `variant` targets: its configuration's
/// `spirv.target_env`, or the default one.
spirv::TargetEnvAttr getTargetEnvironment(hal::ExecutableVariantOp variant);

/// Whether `variant` is tuned for a Vulkan implementation on the CPU
/// (configuration `device_type = "cpu"`: lavapipe, SwiftShader).
bool targetsCPUDevice(hal::ExecutableVariantOp variant);

/// The pipeline, nested on hal.executable.variant ops.
void buildSPIRVCodegenPipeline(OpPassManager &variantPassManager);

void registerSPIRVCodegenPasses();

} // namespace mlir::tessera::spirv_codegen

#endif // TESSERA_CODEGEN_SPIRV_PASSES_H
