//===- BoundTemporaries.cpp - Static temporaries for partial tiles --------===//
//
// A tile at the edge of a dispatch is smaller than the others, so its
// temporaries have dynamic sizes (affine.min of the tile size and what is
// left). SPIR-V variables need a static type: each dynamic temporary
// becomes one of the sizes' constant upper bounds (the full tile), viewed
// through a subview of the actual sizes.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::tessera::spirv_codegen {

namespace {

/// `value`'s layout changed: the subviews of it and the scf.if results it
/// is yielded as follow (in place), other users take any layout.
LogicalResult propagateLayout(Value value) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (auto subview = dyn_cast<memref::SubViewOp>(user)) {
      auto type = memref::SubViewOp::inferRankReducedResultType(
          subview.getType().getShape(), subview.getSourceType(),
          subview.getMixedOffsets(), subview.getMixedSizes(),
          subview.getMixedStrides());
      if (type == subview.getType())
        continue;
      subview.getResult().setType(cast<MemRefType>(type));
      if (failed(propagateLayout(subview)))
        return failure();
      continue;
    }
    if (auto yield = dyn_cast<scf::YieldOp>(user)) {
      // Both branches yield a bounded temporary of the same type once the
      // other one is bounded too; the if's result then takes it.
      auto ifOp = dyn_cast<scf::IfOp>(yield->getParentOp());
      if (!ifOp)
        return user->emitOpError() << "yields a temporary that vulkan-spirv "
                                      "must give a static size";
      unsigned index = use.getOperandNumber();
      bool agree = llvm::all_of(ifOp->getRegions(), [&](Region &region) {
        auto other = cast<scf::YieldOp>(region.front().getTerminator());
        return other.getOperand(index).getType() == value.getType();
      });
      Value result = ifOp.getResult(index);
      if (!agree || result.getType() == value.getType())
        continue;
      result.setType(value.getType());
      if (failed(propagateLayout(result)))
        return failure();
      continue;
    }
    if (isa<ViewLikeOpInterface>(user))
      return user->emitOpError()
             << "views a temporary that vulkan-spirv must give a static "
                "size; only subviews can follow it";
  }
  return success();
}

LogicalResult bound(memref::AllocaOp alloca) {
  MemRefType type = alloca.getType();
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  unsigned dynamic = 0;
  for (int64_t dim : type.getShape()) {
    if (!ShapedType::isDynamic(dim)) {
      shape.push_back(dim);
      sizes.push_back(
          IntegerAttr::get(IndexType::get(alloca.getContext()), dim));
      continue;
    }
    Value size = alloca.getDynamicSizes()[dynamic++];
    FailureOr<int64_t> upper = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB, size, /*stopCondition=*/nullptr,
        /*closedUB=*/true);
    if (failed(upper))
      return alloca.emitOpError()
             << "has a size with no constant upper bound; vulkan-spirv "
                "needs static temporaries";
    shape.push_back(*upper);
    sizes.push_back(size);
  }
  OpBuilder builder(alloca);
  auto full = memref::AllocaOp::create(
      builder, alloca.getLoc(),
      MemRefType::get(shape, type.getElementType(), MemRefLayoutAttrInterface(),
                      type.getMemorySpace()),
      ValueRange(), alloca.getAlignmentAttr());
  SmallVector<OpFoldResult> offsets(shape.size(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(shape.size(), builder.getIndexAttr(1));
  auto view = memref::SubViewOp::create(builder, alloca.getLoc(), full, offsets,
                                        sizes, strides);
  alloca.replaceAllUsesWith(view.getResult());
  alloca.erase();
  if (failed(propagateLayout(view)))
    return failure();
  return success();
}

/// An scf.if whose branches each yield a temporary of their own (a padded
/// tile: zeros, or zeros and a copy) needs one temporary, allocated before
/// the if: SPIR-V cannot pass pointers to Function variables between
/// blocks.
void hoistYieldedTemporaries(scf::IfOp ifOp) {
  if (!ifOp.elseBlock())
    return;
  for (unsigned i = 0; i < ifOp.getNumResults(); ++i) {
    SmallVector<memref::AllocaOp> allocas;
    for (Region &region : ifOp->getRegions()) {
      auto yield = cast<scf::YieldOp>(region.front().getTerminator());
      auto alloca = yield.getOperand(i).getDefiningOp<memref::AllocaOp>();
      if (!alloca || alloca->getParentRegion() != &region)
        break;
      allocas.push_back(alloca);
    }
    if (allocas.size() != 2)
      continue;
    memref::AllocaOp first = allocas.front(), second = allocas.back();
    bool sizesDominate = llvm::all_of(first.getDynamicSizes(), [&](Value v) {
      return !ifOp->isAncestor(v.getParentBlock()->getParentOp());
    });
    if (first.getType() != second.getType() ||
        first.getDynamicSizes() != second.getDynamicSizes() || !sizesDominate)
      continue;
    first->moveBefore(ifOp);
    second.replaceAllUsesWith(first.getResult());
    second.erase();
    ifOp.getResult(i).replaceAllUsesWith(first.getResult());
  }
}

struct BoundTemporariesPass
    : public PassWrapper<BoundTemporariesPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(BoundTemporariesPass)
  StringRef getName() const override { return "BoundTemporariesPass"; }
  StringRef getArgument() const override {
    return "tessera-spirv-bound-temporaries";
  }
  StringRef getDescription() const override {
    return "Gives dynamically sized temporaries their static upper bound";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<memref::MemRefDialect>();
    affine::registerValueBoundsOpInterfaceExternalModels(registry);
    arith::registerValueBoundsOpInterfaceExternalModels(registry);
  }
  void runOnOperation() override {
    getOperation().walk([](scf::IfOp ifOp) { hoistYieldedTemporaries(ifOp); });
    SmallVector<memref::AllocaOp> dynamic;
    getOperation().walk([&](memref::AllocaOp alloca) {
      if (!alloca.getType().hasStaticShape())
        dynamic.push_back(alloca);
    });
    for (memref::AllocaOp alloca : dynamic)
      if (failed(bound(alloca)))
        return signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> createBoundTemporariesPass() {
  return std::make_unique<BoundTemporariesPass>();
}

} // namespace mlir::tessera::spirv_codegen
