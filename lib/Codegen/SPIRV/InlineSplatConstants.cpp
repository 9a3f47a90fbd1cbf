//===- InlineSplatConstants.cpp - Splat operands as scalars ---------------===//
//
// A splat read by a linalg op — a splat constant or a linalg.fill result (a
// model's placeholder weights, a bias of zeros) — would become a whole
// temporary in every invocation's private memory once tiled. Its value is
// one scalar: the op (generalized if named) reads that scalar in its body
// instead.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::spirv_codegen {

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

LogicalResult inlineSplats(RewriterBase &rewriter, linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() ||
      llvm::none_of(op.getDpsInputs(),
                    [](Value input) { return isSplat(input); }))
    return failure();
  // The remaining operands must still give every loop its extent (a
  // convolution's window dimensions come from its filter alone).
  SmallVector<AffineMap> kept;
  for (OpOperand &operand : op->getOpOperands())
    if (!op.isDpsInput(&operand) || !isSplat(operand.get()))
      kept.push_back(op.getMatchingIndexingMap(&operand));
  if (!inversePermutation(concatAffineMaps(kept, op.getContext())))
    return failure();
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
  rewriter.setInsertionPoint(generic);
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (isSplat(input->get())) {
      scalars.push_back(
          {input->getOperandNumber(),
           splatScalar(rewriter, generic.getLoc(), input->get())});
      continue;
    }
    inputs.push_back(input->get());
    maps.push_back(generic.getMatchingIndexingMap(input));
  }
  for (OpOperand &init : generic.getDpsInitsMutable())
    maps.push_back(generic.getMatchingIndexingMap(&init));
  rewriter.setInsertionPoint(generic);
  auto replacement = linalg::GenericOp::create(
      rewriter, generic.getLoc(), generic.getResultTypes(), inputs,
      generic.getDpsInits(), maps, generic.getIteratorTypesArray());
  Region &region = replacement.getRegion();
  rewriter.inlineRegionBefore(generic.getRegion(), region, region.end());
  Block &body = region.front();
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
    : public PassWrapper<InlineSplatConstantsPass,
                         OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InlineSplatConstantsPass)
  StringRef getName() const override { return "InlineSplatConstantsPass"; }
  StringRef getArgument() const override {
    return "tessera-spirv-inline-splat-constants";
  }
  StringRef getDescription() const override {
    return "Splat constant inputs of linalg ops read as scalars";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, linalg::LinalgDialect>();
  }
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    for (linalg::LinalgOp op : ops)
      (void)inlineSplats(rewriter, op);
  }
};

} // namespace

std::unique_ptr<Pass> createInlineSplatConstantsPass() {
  return std::make_unique<InlineSplatConstantsPass>();
}

} // namespace mlir::tessera::spirv_codegen
