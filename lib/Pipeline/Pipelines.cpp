//===- Pipelines.cpp - The pass pipeline of each phase --------------------===//

#include "Pipeline/Pipelines.h"

#include "Pipeline/TestCrashPass.h"

#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/SPIRV/Passes.h"
#include "Dialect/Flow/Transforms/Passes.h"
#include "Dialect/HAL/Transforms/Passes.h"
#include "Dialect/HALLoader/Transforms/Passes.h"
#include "Target/VulkanSPIRV/SerializeSPIRV.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::tessera {

namespace {

/// With several target backends, each variant runs its backend's codegen
/// pipeline (a dynamic pipeline: the pass capture records its passes).
struct CodegenVariantPass
    : public PassWrapper<CodegenVariantPass,
                         OperationPass<hal::ExecutableVariantOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CodegenVariantPass)
  CodegenVariantPass() {
    llvmcpu::buildLLVMCPUCodegenPipeline(llvmcpuPM);
    spirv_codegen::buildSPIRVCodegenPipeline(spirvPM);
  }
  CodegenVariantPass(const CodegenVariantPass &) : CodegenVariantPass() {}
  StringRef getName() const override { return "CodegenVariantPass"; }
  StringRef getArgument() const override { return "tessera-codegen-variant"; }
  StringRef getDescription() const override {
    return "Runs each variant's backend codegen pipeline";
  }
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

void registerPipelinePasses() {
  PassRegistration<CodegenVariantPass>();
  registerTestCrashPass();
}

void buildPhasePipeline(OpPassManager &pm, Phase phase,
                        const CompileOptions &options,
                        target::ArtifactSink sink) {
  switch (phase) {
  case Phase::Input:
    if (isTestCrashPassEnabled())
      pm.addPass(createTestCrashPass());
    pm.addPass(flow::createVerifyInputLegalityPass());
    break;
  case Phase::GlobalOpt:
    pm.addPass(flow::createConvertTensorSlicesToLinalgPass());
    pm.addPass(createConvertElementwiseToLinalgPass());
    pm.addPass(createCanonicalizerPass());
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
    pm.addPass(flow::createFormDispatchesPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    break;
  case Phase::HAL: {
    hal::MaterializeInterfacesPassOptions halOptions;
    halOptions.targets.assign(options.targets.begin(), options.targets.end());
    halOptions.targetTriple = options.targetTriple;
    halOptions.targetCpu = options.cpu;
    halOptions.targetCpuFeatures = options.cpuFeatures;
    halOptions.vulkanDeviceType = options.vulkanDeviceType;
    pm.addPass(hal::createMaterializeInterfacesPass(halOptions));
    break;
  }
  case Phase::Codegen: {
    OpPassManager &variantPM =
        pm.nest<hal::ExecutableOp>().nest<hal::ExecutableVariantOp>();
    if (llvm::is_contained(options.targets, "vulkan-spirv"))
      variantPM.addPass(std::make_unique<CodegenVariantPass>());
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
