//===- Pipeline.cpp - The llvm-cpu codegen pipeline -----------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::tessera::llvmcpu {

void buildLLVMCPUCodegenPipeline(OpPassManager &variantPM) {
  variantPM.nest<ModuleOp>().addPass(createSelectLoweringConfigPass());
  variantPM.addPass(codegen::createTileAndDistributeToWorkgroupsPass());
  {
    OpPassManager &pm = variantPM.nest<ModuleOp>();
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(codegen::createBufferizeDispatchPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createBroadcastFilledTemporariesPass());
    pm.addPass(createFillPadBordersPass());
    pm.addPass(createVectorizeContractionsPass());
    pm.addPass(createVectorizeElementwisePass());
    pm.addPass(createHoistContractionReductionsPass());
    pm.addPass(createReassociateReductionsPass());
    pm.addPass(createCheckStackTemporariesPass());
    pm.addPass(createConvertLinalgToLoopsPass());
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createSCFToControlFlowPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  variantPM.addPass(createLowerToLLVMPass());
  {
    OpPassManager &pm = variantPM.nest<ModuleOp>();
    pm.addPass(createReconcileUnrealizedCastsPass());
    pm.addPass(createCanonicalizerPass());
  }
}

} // namespace mlir::tessera::llvmcpu
