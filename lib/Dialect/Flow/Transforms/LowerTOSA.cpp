//===- LowerTOSA.cpp - TOSA input through upstream's conversions ----------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_LOWERTOSAPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

bool isTosa(Operation *op) { return isa<tosa::TosaDialect>(op->getDialect()); }

struct LowerTOSAPass
    : public tessera::flow::impl::LowerTOSAPassBase<LowerTOSAPass> {
  LowerTOSAPass() { buildPipeline(); }
  LowerTOSAPass(const LowerTOSAPass &other) : LowerTOSAPassBase(other) {
    buildPipeline();
  }
  void buildPipeline() {
    pm.addPass(tosa::createTosaToLinalgNamed());
    pm.addPass(tosa::createTosaToLinalg());
    pm.addPass(createTosaToArithPass());
    pm.addPass(createTosaToTensorPass());
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    LowerTOSAPassBase::getDependentDialects(registry);
    pm.getDependentDialects(registry);
  }
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      bool hasTosa = false;
      func.walk([&](Operation *op) {
        hasTosa = isTosa(op);
        return hasTosa ? WalkResult::interrupt() : WalkResult::advance();
      });
      if (!hasTosa)
        continue;
      if (failed(runPipeline(pm, func)))
        return signalPassFailure();
      // Shapes the reshapes and slices read, now unused.
      llvm::SmallVector<Operation *> dead;
      func.walk([&](Operation *op) {
        if (isTosa(op) && op->use_empty() && isMemoryEffectFree(op))
          dead.push_back(op);
      });
      for (Operation *op : llvm::reverse(dead))
        op->erase();
      WalkResult left = func.walk([&](Operation *op) {
        if (!isTosa(op))
          return WalkResult::advance();
        op->emitError() << "'" << op->getName()
                        << "' has no lowering to linalg in this compiler "
                           "(upstream's tosa-to-linalg conversions leave it)";
        return WalkResult::interrupt();
      });
      if (left.wasInterrupted())
        return signalPassFailure();
    }
  }
  OpPassManager pm{func::FuncOp::getOperationName()};
};

} // namespace
