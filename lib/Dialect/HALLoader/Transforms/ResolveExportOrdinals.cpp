//===- ResolveExportOrdinals.cpp - Dispatch by ordinal --------------------===//

#include "Dialect/HALLoader/Transforms/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::tessera::hal_loader {

#define GEN_PASS_DEF_RESOLVEEXPORTORDINALSPASS
#include "Dialect/HALLoader/Transforms/Passes.h.inc"

namespace {

struct ResolveExportOrdinalsPass
    : public impl::ResolveExportOrdinalsPassBase<ResolveExportOrdinalsPass> {
  void runOnOperation() override {
    SymbolTableCollection symbols;
    SmallVector<ExecutableDispatchSymbolOp> dispatches;
    getOperation().walk(
        [&](ExecutableDispatchSymbolOp op) { dispatches.push_back(op); });
    for (ExecutableDispatchSymbolOp op : dispatches) {
      auto exportOp = dyn_cast_or_null<hal::ExecutableExportOp>(
          symbols.lookupNearestSymbolFrom(op, op.getEntryPoint()));
      if (!exportOp) {
        op.emitOpError("target ")
            << op.getEntryPoint() << " does not name a hal.executable.export";
        return signalPassFailure();
      }
      OpBuilder builder(op);
      ExecutableDispatchOp::create(
          builder, op.getLoc(), op.getExecutable(), exportOp.getOrdinalAttr(),
          op.getWorkgroupX(), op.getWorkgroupY(), op.getWorkgroupZ(),
          op.getPushConstants(), op.getBindingBuffers(), op.getBindingOffsets(),
          op.getBindingLengths());
      op.erase();
    }
  }
};

} // namespace

} // namespace mlir::tessera::hal_loader
