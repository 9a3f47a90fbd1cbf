//===- Pipelines.cpp - The pass pipeline of each phase --------------------===//

#include "Pipeline/Pipelines.h"

#include "Pipeline/Passes.h"
#include "Pipeline/TestCrashPass.h"

#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/SPIRV/Passes.h"
#include "Dialect/Flow/Transforms/Passes.h"
#include "Dialect/HAL/Transforms/Passes.h"
#include "Dialect/HALLoader/Transforms/Passes.h"
#include "Target/VulkanSPIRV/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::tessera {

#define GEN_PASS_DEF_CODEGENVARIANTPASS
#include "Pipeline/Passes.h.inc"

namespace {

struct CodegenVariantPass
    : public impl::CodegenVariantPassBase<CodegenVariantPass> {
  CodegenVariantPass() { buildPipelines(); }
  CodegenVariantPass(const CodegenVariantPass &other)
      : CodegenVariantPassBase(other) {
    buildPipelines();
  }
  void buildPipelines() {
    llvmcpu::buildLLVMCPUCodegenPipeline(llvmcpuPM);
    spirv_codegen::buildSPIRVCodegenPipeline(spirvPM);
  }
  // The backends' pipelines name the dialects, not the ODS declaration.
  void getDependentDialects(DialectRegistry &registry) const override {
    llvmcpuPM.getDependentDialects(registry);
    spirvPM.getDependentDialects(registry);
  }
  void runOnOperation() override {
    hal::ExecutableVariantOp variant = getOperation();
    StringRef backend = variant.getTarget().getBackend().getValue();
    OpPassManager &pm = backend == "vulkan-spirv" ? spirvPM : llvmcpuPM;
    if (failed(runPipeline(pm, variant)))
      signalPassFailure();
  }
  OpPassManager llvmcpuPM{hal::ExecutableVariantOp::getOperationName()};
  OpPassManager spirvPM{hal::ExecutableVariantOp::getOperationName()};
};

} // namespace

void buildPhasePipeline(OpPassManager &pm, Phase phase,
                        const CompileOptions &options,
                        target::ArtifactSink sink) {
  switch (phase) {
  case Phase::Input:
    if (isTestCrashPassEnabled())
      pm.addPass(createTestCrashPass());
    pm.addPass(flow::createVerifyInputLegalityPass());
    pm.addPass(flow::createLowerTOSAPass());
    break;
  case Phase::GlobalOpt:
    if (isTestCrashPassEnabled())
      pm.addPass(createTestCrashPass());
    pm.addPass(flow::createDecomposeAggregatedOpsPass());
    pm.addPass(flow::createBoundGatherIndicesPass());
    // Before slices become gathers: their bounds checked on the host.
    pm.addPass(flow::createInsertSliceChecksPass());
    pm.addPass(flow::createConvertTensorSlicesToLinalgPass());
    pm.addPass(createConvertElementwiseToLinalgPass());
    pm.addPass(createCanonicalizerPass());
    // After the canonicalizer (a filter reshaped from a constant is then a
    // constant), before fusion (Winograd's output transform takes the
    // epilogue; a panel-major convolution's reshapes move through it).
    // Both are tuned for the llvm-cpu kernels (Winograd's transforms are
    // generics of 25 operands; the SPIR-V backend reads filters HWCF), so
    // a module also compiled for Vulkan keeps direct convolutions.
    if (!llvm::is_contained(options.targets, "vulkan-spirv")) {
      pm.addPass(flow::createWinogradConvolutionsPass());
      pm.addPass(flow::createPanelMajorFiltersPass());
    }
    // Upstream's linalg-fuse-elementwise-ops copies the growing body at every
    // pairwise step (quadratic along a chain): the same fusion groups built
    // in one sweep, then upstream's patterns; fused bodies bounded (LLVM's
    // time is quadratic in a loop body's length).
    pm.addPass(flow::createFuseElementwiseChainsPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    break;
  case Phase::Flow:
    pm.addPass(flow::createOutlineDispatchExternsPass());
    pm.addPass(flow::createInsertShapeChecksPass());
    // Dims of linalg results become dims of their inputs, so that the checks
    // do not hold producers back from fusion; trivially true checks fold.
    pm.addPass(memref::createResolveRankedShapeTypeResultDimsPass());
    pm.addPass(createCSEPass());
    pm.addPass(createCanonicalizerPass());
    {
      // The SPIR-V backend cannot yet keep a padded input window per tile
      // (its temporaries would pass the 16 KB limits): pads stay dispatches
      // of their own when a module is also compiled for Vulkan.
      flow::FormDispatchesPassOptions formOptions;
      formOptions.fusePads =
          !llvm::is_contained(options.targets, "vulkan-spirv");
      pm.addPass(flow::createFormDispatchesPass(formOptions));
    }
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    // Tuned for the CPU's caches (and its slices bind at an offset that a
    // Vulkan binding would need aligned).
    if (!llvm::is_contained(options.targets, "vulkan-spirv")) {
      pm.addPass(flow::createSplitBatchIntoImagesPass());
    }
    // SPIR-V code generation bufferizes a tied binding's tile into a
    // per-invocation temporary (an encoder's residual add: 24 KB, past
    // the 16 KB limit): no ties when a module is also compiled for Vulkan.
    if (!llvm::is_contained(options.targets, "vulkan-spirv"))
      pm.addPass(flow::createTieDyingOperandsPass());
    break;
  case Phase::HAL: {
    hal::MaterializeInterfacesPassOptions halOptions;
    halOptions.targets.assign(options.targets.begin(), options.targets.end());
    halOptions.targetTriple = options.targetTriple;
    halOptions.targetCpu = options.cpu;
    halOptions.targetCpuFeatures = options.cpuFeatures;
    halOptions.vulkanDeviceType = options.vulkanDeviceType;
    pm.addPass(hal::createMaterializeInterfacesPass(halOptions));
    if (llvm::is_contained(options.targets, "vulkan-spirv"))
      pm.addPass(spirv_codegen::createExcludeUnsupportedVariantsPass());
    break;
  }
  case Phase::Codegen: {
    OpPassManager &variantPM =
        pm.nest<hal::ExecutableOp>().nest<hal::ExecutableVariantOp>();
    if (llvm::is_contained(options.targets, "vulkan-spirv"))
      variantPM.addPass(createCodegenVariantPass());
    else
      llvmcpu::buildLLVMCPUCodegenPipeline(variantPM);
    break;
  }
  case Phase::Link:
    if (options.linkExecutables) {
      hal::LinkExecutablesPassOptions linkOptions;
      linkOptions.backends.assign(options.targets.begin(),
                                  options.targets.end());
      pm.addPass(hal::createLinkExecutablesPass(linkOptions));
      if (llvm::is_contained(options.targets, "vulkan-spirv"))
        pm.addPass(target::createLinkSPIRVModulesPass());
    }
    break;
  case Phase::Host:
    // Dynamic sizes the reshapes of dims compute (affine.apply of tensor
    // dims) become index arithmetic the host program runs.
    pm.nest<func::FuncOp>().addPass(createLowerAffinePass());
    pm.addPass(hal_loader::createConvertToHALLoaderPass());
    pm.addPass(hal_loader::createResolveExportOrdinalsPass());
    pm.nest<func::FuncOp>().addPass(createCanonicalizerPass());
    pm.nest<func::FuncOp>().addPass(createCSEPass());
    break;
  case Phase::Serialize: {
    OpPassManager &executablePM = pm.nest<hal::ExecutableOp>();
    executablePM.addPass(target::createSerializeSPIRVExecutablesPass());
    executablePM.addPass(target::createSerializeExecutablesPass(
        options.optLevel, sink, options.debugInfo));
    break;
  }
  case Phase::Loader:
    pm.addPass(hal_loader::createMaterializeExecutablesPass());
    break;
  }
}

} // namespace mlir::tessera
