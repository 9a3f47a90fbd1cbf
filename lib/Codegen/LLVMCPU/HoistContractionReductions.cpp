//===- HoistContractionReductions.cpp - Reductions out of the inner loop --===//
//
// On buffers, before linalg becomes loops: every contraction whose output's
// innermost dimension is a parallel loop gets its loops reordered to the
// output's dimensions first, then the reductions, then that innermost
// output dimension (i, j, k -> i, k, j).
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::llvmcpu {

#define GEN_PASS_DEF_HOISTCONTRACTIONREDUCTIONSPASS
#include "Codegen/LLVMCPU/Passes.h.inc"

namespace {

/// The loop order putting the reductions just outside the loop of the
/// output's innermost dimension; nullopt when it already is so, or the op
/// does not fit (the output's innermost result is not a plain loop, or no
/// input is contiguous along it).
std::optional<SmallVector<unsigned>> hoistedOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (output.getNumResults() == 0)
    return std::nullopt;
  auto inner = dyn_cast<AffineDimExpr>(output.getResults().back());
  if (!inner)
    return std::nullopt;
  unsigned innerLoop = inner.getPosition();
  // Worth it when an input runs along that loop too (a matmul's B rows);
  // a matrix-vector product would only trade rows for columns.
  bool inputAlongIt =
      llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *in) {
        AffineMap map = op.getMatchingIndexingMap(in);
        return map.getNumResults() > 0 && map.getResults().back() == inner;
      });
  if (!inputAlongIt)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> order;
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    if (loop != innerLoop && iterators[loop] == utils::IteratorType::parallel)
      order.push_back(loop);
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    if (iterators[loop] == utils::IteratorType::reduction)
      order.push_back(loop);
  order.push_back(innerLoop);
  for (unsigned i = 0; i < order.size(); ++i)
    if (order[i] != i)
      return order;
  return std::nullopt;
}

struct HoistContractionReductionsPass
    : public impl::HoistContractionReductionsPassBase<
          HoistContractionReductionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : contractions) {
      std::optional<SmallVector<unsigned>> order = hoistedOrder(op);
      if (!order)
        continue;
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, *order);
    }
  }
};

} // namespace

} // namespace mlir::tessera::llvmcpu
