//===- ParallelLoopsOutermost.cpp - Parallel loops before reductions ------===//
//
// Invocations share a tile through its outermost parallel loops: linalg ->
// parallel loops makes one scf.parallel of the loops before the first
// reduction, and a parallel loop after a reduction (a mean over H and W of
// NHWC: parallel, reduction, reduction, parallel) would be a second
// scf.parallel nested in the reduction's loop. Such ops are interchanged
// first, their parallel loops outermost in their order, the reductions
// innermost; the sums still run in the same order per output element.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_PARALLELLOOPSOUTERMOSTPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// The loops of `op`, parallel ones first, each group in its order; empty
/// when they already are.
SmallVector<unsigned> parallelFirstOrder(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> order;
  for (unsigned loop = 0; loop < iterators.size(); ++loop)
    if (iterators[loop] == utils::IteratorType::parallel)
      order.push_back(loop);
  for (unsigned loop = 0; loop < iterators.size(); ++loop)
    if (iterators[loop] != utils::IteratorType::parallel)
      order.push_back(loop);
  for (unsigned loop = 0; loop < order.size(); ++loop)
    if (order[loop] != loop)
      return order;
  return {};
}

struct ParallelLoopsOutermostPass
    : public impl::ParallelLoopsOutermostPassBase<ParallelLoopsOutermostPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!parallelFirstOrder(op).empty())
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : work) {
      SmallVector<unsigned> order = parallelFirstOrder(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized)) {
          op->emitOpError("cannot be generalized to put its parallel loops "
                          "first");
          return signalPassFailure();
        }
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic->emitOpError("cannot be interchanged");
        return signalPassFailure();
      }
    }
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
