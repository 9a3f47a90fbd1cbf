//===- DecomposeAggregatedOps.cpp - linalg.softmax as its parts -----------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATEDOPSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

struct DecomposeAggregatedOpsPass
    : public tessera::flow::impl::DecomposeAggregatedOpsPassBase<
          DecomposeAggregatedOpsPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation().walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    for (linalg::AggregatedOpInterface op : ops) {
      // On tensors only: buffers do not reach this phase.
      if (!llvm::all_of(op->getResultTypes(), llvm::IsaPred<TensorType>) ||
          op->getNumResults() == 0)
        continue;
      OpBuilder builder(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(builder);
      if (failed(parts)) {
        op->emitError() << "cannot be decomposed into linalg ops";
        return signalPassFailure();
      }
      op->replaceAllUsesWith(*parts);
      op->erase();
    }
  }
};

} // namespace
