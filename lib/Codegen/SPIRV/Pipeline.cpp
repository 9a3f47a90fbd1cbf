//===- Pipeline.cpp - The vulkan-spirv codegen pipeline -------------------===//
//
// Tiling to workgroups and bufferization are the common ones (a
// workgroup's tile computes in its output binding; the few temporaries
// become per-invocation variables); then loops are spread over the
// invocations and lowered to SPIR-V.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "Codegen/Common/Passes.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::tessera::spirv_codegen {

spirv::TargetEnvAttr getTargetEnvironment(hal::ExecutableVariantOp variant) {
  if (DictionaryAttr config = variant.getTarget().getConfiguration())
    if (auto env =
            config.getAs<spirv::TargetEnvAttr>(spirv::getTargetEnvAttrName()))
      return env;
  // Vulkan 1.1's SPIR-V (1.3) with storage buffers and the guaranteed
  // minimum limits.
  MLIRContext *ctx = variant.getContext();
  return spirv::TargetEnvAttr::get(
      spirv::VerCapExtAttr::get(
          spirv::Version::V_1_3, {spirv::Capability::Shader},
          {spirv::Extension::SPV_KHR_storage_buffer_storage_class}, ctx),
      spirv::getDefaultResourceLimits(ctx), spirv::ClientAPI::Vulkan);
}

bool targetsCPUDevice(hal::ExecutableVariantOp variant) {
  DictionaryAttr config = variant.getTarget().getConfiguration();
  auto deviceType = config ? config.getAs<StringAttr>("device_type") : nullptr;
  return deviceType && deviceType.getValue() == "cpu";
}

void buildSPIRVCodegenPipeline(OpPassManager &variantPM) {
  variantPM.nest<ModuleOp>().addPass(createCheckElementTypesPass());
  variantPM.nest<ModuleOp>().nest<func::FuncOp>().addPass(
      createInlineSplatConstantsPass());
  variantPM.nest<ModuleOp>().addPass(createSelectLoweringConfigPass());
  variantPM.nest<ModuleOp>().addPass(createFitTilesInPrivateMemoryPass());
  // No kernel-side guard: shaders cannot return an error, and the device
  // runs with robustBufferAccess, which bounds every access to its buffer.
  variantPM.addPass(codegen::createTileAndDistributeToWorkgroupsPass(
      {/*guardWorkgroupIds=*/false}));
  {
    OpPassManager &pm = variantPM.nest<ModuleOp>();
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(codegen::createBufferizeDispatchPass());
    pm.addPass(createCanonicalizerPass());
    pm.nest<func::FuncOp>().addPass(createBoundTemporariesPass());
    pm.nest<func::FuncOp>().addPass(createPromoteMatmulOperandsPass());
    pm.nest<func::FuncOp>().addPass(createParallelLoopsOutermostPass());
    pm.addPass(createConvertLinalgToParallelLoopsPass());
    pm.nest<func::FuncOp>().addPass(createDistributeToInvocationsPass());
    pm.addPass(memref::createFoldMemRefAliasOpsPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.nest<func::FuncOp>().addPass(createUnrollInnerLoopsPass());
    pm.nest<func::FuncOp>().addPass(createFlattenBindingsPass());
  }
  variantPM.addPass(createConvertToSPIRVPass());
}

} // namespace mlir::tessera::spirv_codegen
