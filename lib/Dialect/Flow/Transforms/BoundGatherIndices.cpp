//===- BoundGatherIndices.cpp - In-range reads inside payloads ------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_BOUNDGATHERINDICESPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

struct BoundGatherIndicesPass
    : public tessera::flow::impl::BoundGatherIndicesPassBase<
          BoundGatherIndicesPass> {
  void runOnOperation() override {
    llvm::SmallVector<std::pair<linalg::LinalgOp, tensor::ExtractOp>> reads;
    getOperation().walk([&](linalg::LinalgOp op) {
      for (auto extract : op.getBlock()->getOps<tensor::ExtractOp>())
        if (!op->isAncestor(
                extract.getTensor().getParentRegion()->getParentOp()))
          reads.push_back({op, extract});
    });
    for (auto [op, extract] : reads) {
      Value source = extract.getTensor();
      auto type = cast<RankedTensorType>(source.getType());
      // Last valid index per dim, computed before the op.
      OpBuilder outside(op);
      Location loc = extract.getLoc();
      llvm::SmallVector<Value> last;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        Value size = type.isDynamicDim(d)
                         ? Value(tensor::DimOp::create(outside, loc, source, d))
                         : Value(arith::ConstantIndexOp::create(
                               outside, loc, type.getDimSize(d)));
        Value one = arith::ConstantIndexOp::create(outside, loc, 1);
        last.push_back(arith::SubIOp::create(outside, loc, size, one));
      }
      OpBuilder inside(extract);
      Value zero = arith::ConstantIndexOp::create(inside, loc, 0);
      llvm::SmallVector<Value> indices;
      for (auto [index, bound] : llvm::zip(extract.getIndices(), last)) {
        // A constant index inside the tensor needs no clamp.
        if (auto constant = getConstantIntValue(index))
          if (*constant >= 0 &&
              (type.isDynamicDim(indices.size())
                   ? false
                   : *constant < type.getDimSize(indices.size()))) {
            indices.push_back(index);
            continue;
          }
        Value clamped = arith::MaxSIOp::create(inside, loc, index, zero);
        clamped = arith::MinSIOp::create(inside, loc, clamped, bound);
        indices.push_back(clamped);
      }
      extract.getIndicesMutable().assign(indices);
    }
  }
};

} // namespace
