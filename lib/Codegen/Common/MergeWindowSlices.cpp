//===- MergeWindowSlices.cpp - One slice of a pad per tile ----------------===//

#include "Codegen/Common/MergeWindowSlices.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;

namespace {

/// b - a when it is a constant.
std::optional<int64_t> constantDelta(OpFoldResult a, OpFoldResult b) {
  std::optional<int64_t> ca = getConstantIntValue(a),
                         cb = getConstantIntValue(b);
  if (ca && cb)
    return *cb - *ca;
  auto va = dyn_cast<Value>(a), vb = dyn_cast<Value>(b);
  if (!va || !vb)
    return std::nullopt;
  FailureOr<int64_t> delta =
      ValueBoundsConstraintSet::computeConstantDelta(vb, va);
  if (failed(delta))
    return std::nullopt;
  return *delta;
}

bool isPlainSlice(tensor::ExtractSliceOp slice) {
  return slice.getSourceType().getRank() == slice.getResultType().getRank() &&
         llvm::all_of(slice.getMixedStrides(), [](OpFoldResult stride) {
           return isConstantIntValue(stride, 1);
         });
}

struct MergeWindowSlices : public OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp first,
                                PatternRewriter &rewriter) const override {
    Value source = first.getSource();
    if (!source.getDefiningOp<tensor::PadOp>() || !isPlainSlice(first))
      return failure();
    // The siblings, in block order; `first` must be the first of them.
    SmallVector<tensor::ExtractSliceOp> slices;
    for (Operation *user : source.getUsers()) {
      auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
      if (slice && slice->getBlock() == first->getBlock())
        slices.push_back(slice);
    }
    if (slices.size() < 2)
      return failure();
    llvm::sort(slices, [](tensor::ExtractSliceOp a, tensor::ExtractSliceOp b) {
      return a->isBeforeInBlock(b);
    });
    if (slices.front() != first)
      return failure();
    unsigned rank = first.getSourceType().getRank();
    SmallVector<OpFoldResult> offsets = first.getMixedOffsets();
    // The union is built after the last slice (the sizes of later slices
    // are computed after the first): every use must come after it.
    tensor::ExtractSliceOp last = slices.back();
    for (tensor::ExtractSliceOp slice : slices)
      for (Operation *user : slice->getUsers())
        if (user->getBlock() != last->getBlock() ||
            !last->isBeforeInBlock(user))
          return failure();
    // Per slice and dim, its offset from `first`'s; the windows' sizes may
    // differ (tiling gives a wider stencil's windows longer slices, and
    // boundary tiles sizes as minimums): the union ends at the largest end.
    SmallVector<SmallVector<int64_t>> deltas;
    SmallVector<int64_t> lowest(rank, 0);
    for (tensor::ExtractSliceOp slice : slices) {
      if (!isPlainSlice(slice))
        return failure();
      SmallVector<int64_t> delta;
      for (unsigned d = 0; d < rank; ++d) {
        std::optional<int64_t> offset =
            constantDelta(offsets[d], slice.getMixedOffsets()[d]);
        if (!offset)
          return failure();
        delta.push_back(*offset);
        lowest[d] = std::min(lowest[d], *offset);
      }
      deltas.push_back(std::move(delta));
    }
    Location loc = first.getLoc();
    rewriter.setInsertionPointAfter(last);
    MLIRContext *context = rewriter.getContext();
    SmallVector<OpFoldResult> unionOffsets, unionSizes;
    for (unsigned d = 0; d < rank; ++d) {
      unionOffsets.push_back(affine::makeComposedFoldedAffineApply(
          rewriter, loc, getAffineSymbolExpr(0, context) + lowest[d],
          {offsets[d]}));
      // max over the slices of (delta + size) - lowest.
      SmallVector<AffineExpr> ends;
      SmallVector<OpFoldResult> operands;
      for (auto [i, slice] : llvm::enumerate(slices)) {
        ends.push_back(getAffineSymbolExpr(i, context) + deltas[i][d] -
                       lowest[d]);
        operands.push_back(slice.getMixedSizes()[d]);
      }
      unionSizes.push_back(affine::makeComposedFoldedAffineMax(
          rewriter, loc, AffineMap::get(0, slices.size(), ends, context),
          operands));
    }
    SmallVector<OpFoldResult> ones(rank, rewriter.getIndexAttr(1));
    Value window = tensor::ExtractSliceOp::create(
        rewriter, loc, source, unionOffsets, unionSizes, ones);
    for (auto [slice, delta] : llvm::zip(slices, deltas)) {
      SmallVector<OpFoldResult> inner;
      for (unsigned d = 0; d < rank; ++d)
        inner.push_back(rewriter.getIndexAttr(delta[d] - lowest[d]));
      Value part = tensor::ExtractSliceOp::create(
          rewriter, loc, slice.getResultType(), window, inner,
          slice.getMixedSizes(), ones);
      rewriter.replaceOp(slice, part);
    }
    return success();
  }
};

} // namespace

void mlir::tessera::codegen::populateMergeWindowSlicesPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MergeWindowSlices>(patterns.getContext());
}
