//===- Registration.cpp - Dialects and passes of the compiler -------------===//

#include "Pipeline/Registration.h"

#include "Pipeline/Passes.h"

#include "Codegen/Common/Passes.h"
#include "Codegen/Dialect/CodegenDialect.h"
#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/SPIRV/Passes.h"
#include "Dialect/Flow/Transforms/Passes.h"
#include "Dialect/HAL/Transforms/Passes.h"
#include "Dialect/HALLoader/IR/HALLoaderOps.h"
#include "Dialect/HALLoader/Transforms/Passes.h"
#include "Target/LLVMCPU/Passes.h"
#include "Target/VulkanSPIRV/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Tensor/IR/TensorInferTypeOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::tessera {

void registerAllDialects(DialectRegistry &registry) {
  registry
      .insert<flow::FlowDialect, hal::HALDialect, hal_loader::HALLoaderDialect,
              codegen::TesseraCodegenDialect>();
  registry.insert<affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, index::IndexDialect, LLVM::LLVMDialect,
                  linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect,
                  ub::UBDialect, vector::VectorDialect, gpu::GPUDialect,
                  spirv::SPIRVDialect, tosa::TosaDialect>();
  func::registerInlinerExtension(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerSubsetOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  tensor::registerInferTypeOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  memref::registerValueBoundsOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void registerAllPasses() {
  flow::registerFlowPasses();
  hal::registerHALPasses();
  hal_loader::registerHALLoaderPasses();
  codegen::registerCodegenCommonPasses();
  llvmcpu::registerLLVMCPUPasses();
  target::registerTargetLLVMCPUPasses();
  target::registerTargetVulkanSPIRVPasses();
  spirv_codegen::registerSPIRVCodegenPasses();
  // What the phase pipelines add of their own, so that every crash
  // reproducer's pipeline parses.
  registerPipelinePasses();
  // Upstream passes the pipeline uses, for testing pieces alone.
  registerTransformsPasses();
  registerConversionPasses();
  registerLinalgPasses();
  bufferization::registerBufferizationPasses();
  memref::registerMemRefPasses();
  // Each backend's whole codegen pipeline on one variant, so lit can run it
  // alone: --pass-pipeline='builtin.module(hal.executable(
  //   hal.executable.variant(tessera-llvmcpu-codegen)))'.
  PassPipelineRegistration<>("tessera-llvmcpu-codegen",
                             "The llvm-cpu codegen pipeline of one variant",
                             [](OpPassManager &variantPM) {
                               llvmcpu::buildLLVMCPUCodegenPipeline(variantPM);
                             });
  PassPipelineRegistration<>(
      "tessera-spirv-codegen",
      "The whole vulkan-spirv codegen of a variant (on hal.executable.variant)",
      [](OpPassManager &variantPM) {
        spirv_codegen::buildSPIRVCodegenPipeline(variantPM);
      });
}

} // namespace mlir::tessera
