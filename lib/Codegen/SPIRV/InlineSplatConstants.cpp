//===- InlineSplatConstants.cpp - Splat operands as scalars ---------------===//
//
// A splat read by a linalg op — a splat constant or a linalg.fill result (a
// model's placeholder weights, a bias of zeros) — would become a whole
// temporary in every invocation's private memory once tiled. Its value is
// one scalar: the op (generalized if named) reads that scalar in its body
// instead. Where no other operand gives some loops their extents (a
// convolution's window comes from its filter alone), an unread empty tensor
// over just those loops keeps their extents (7x7 instead of a 7x7x3x64
// filter): nothing is allocated for it once the loops exist.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_INLINESPLATCONSTANTSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// Whether `operand` is a splat: a splat constant or a fill.
bool isSplat(Value operand) {
  if (operand.getDefiningOp<linalg::FillOp>())
    return true;
  DenseElementsAttr dense;
  return matchPattern(operand, m_Constant(&dense)) && dense.isSplat() &&
         isa<TypedAttr>(dense.getSplatValue<Attribute>());
}

/// The scalar every element of the splat `operand` holds.
Value splatScalar(RewriterBase &rewriter, Location loc, Value operand) {
  if (auto fill = operand.getDefiningOp<linalg::FillOp>())
    return fill.getInputs().front();
  DenseElementsAttr dense;
  (void)matchPattern(operand, m_Constant(&dense));
  return arith::ConstantOp::create(
      rewriter, loc, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
}

/// The splat input that keeps the loops `missing` their extents, with the
/// map reading only those loops; null when no splat reads them all as
/// plain dimensions.
OpOperand *windowCarrier(linalg::LinalgOp op, ArrayRef<unsigned> missing,
                         SmallVectorImpl<int64_t> &shape) {
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isSplat(input->get()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    auto type = cast<ShapedType>(input->get().getType());
    shape.clear();
    for (unsigned loop : missing) {
      std::optional<unsigned> position =
          map.getResultPosition(getAffineDimExpr(loop, op.getContext()));
      if (!position || type.isDynamicDim(*position))
        break;
      shape.push_back(type.getDimSize(*position));
    }
    if (shape.size() == missing.size())
      return input;
  }
  return nullptr;
}

LogicalResult inlineSplats(RewriterBase &rewriter, linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() ||
      llvm::none_of(op.getDpsInputs(),
                    [](Value input) { return isSplat(input); }))
    return failure();
  // Loops no other operand gives an extent to keep one splat, reduced to
  // those loops.
  MLIRContext *context = op.getContext();
  llvm::SmallBitVector covered(op.getNumLoops());
  for (OpOperand &operand : op->getOpOperands())
    if (!op.isDpsInput(&operand) || !isSplat(operand.get()))
      for (AffineExpr result : op.getMatchingIndexingMap(&operand).getResults())
        if (auto dim = dyn_cast<AffineDimExpr>(result))
          covered.set(dim.getPosition());
  SmallVector<unsigned> missing;
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    if (!covered.test(loop))
      missing.push_back(loop);
  SmallVector<int64_t> windowShape;
  unsigned carrierNumber = ~0u;
  if (!missing.empty()) {
    OpOperand *carrier = windowCarrier(op, missing, windowShape);
    if (!carrier)
      return failure();
    carrierNumber = carrier->getOperandNumber();
  }
  linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::GenericOp> generalized =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generalized))
      return failure();
    generic = *generalized;
  }
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<std::pair<unsigned, Value>> scalars;
  Value carrierScalar;
  rewriter.setInsertionPoint(generic);
  Location loc = generic.getLoc();
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (input->getOperandNumber() == carrierNumber) {
      SmallVector<AffineExpr> window;
      for (unsigned loop : missing)
        window.push_back(getAffineDimExpr(loop, context));
      // Only its shape is read: the body takes the scalar, the argument
      // stays unused.
      carrierScalar = splatScalar(rewriter, loc, input->get());
      inputs.push_back(tensor::EmptyOp::create(
          rewriter, loc, windowShape,
          getElementTypeOrSelf(input->get().getType())));
      maps.push_back(AffineMap::get(generic.getNumLoops(), 0, window, context));
      continue;
    }
    if (isSplat(input->get())) {
      scalars.push_back({input->getOperandNumber(),
                         splatScalar(rewriter, loc, input->get())});
      continue;
    }
    inputs.push_back(input->get());
    maps.push_back(generic.getMatchingIndexingMap(input));
  }
  for (OpOperand &init : generic.getDpsInitsMutable())
    maps.push_back(generic.getMatchingIndexingMap(&init));
  auto replacement = linalg::GenericOp::create(
      rewriter, loc, generic.getResultTypes(), inputs, generic.getDpsInits(),
      maps, generic.getIteratorTypesArray());
  Region &region = replacement.getRegion();
  rewriter.inlineRegionBefore(generic.getRegion(), region, region.end());
  Block &body = region.front();
  if (carrierScalar)
    rewriter.replaceAllUsesWith(body.getArgument(carrierNumber), carrierScalar);
  // Erase from the last so the argument numbers stay valid.
  for (auto &[index, scalar] : llvm::reverse(scalars)) {
    rewriter.replaceAllUsesWith(body.getArgument(index), scalar);
    body.eraseArgument(index);
  }
  for (auto attr : generic->getDiscardableAttrs())
    replacement->setDiscardableAttr(attr.getName(), attr.getValue());
  rewriter.replaceOp(generic, replacement.getResults());
  return success();
}

struct InlineSplatConstantsPass
    : public impl::InlineSplatConstantsPassBase<InlineSplatConstantsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    for (linalg::LinalgOp op : ops)
      (void)inlineSplats(rewriter, op);
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
