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
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::tessera::spirv_codegen {

namespace {

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
  return success();
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
