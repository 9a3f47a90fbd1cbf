//===- FlattenBindings.cpp - Bindings as 1-D memrefs ----------------------===//
//
// A SPIR-V storage buffer is a runtime array: each binding becomes a 1-D
// memref of all its elements and every load and store of it computes the
// row-major linear index from the binding's dims (dynamic dims included,
// which the SPIR-V memref lowering cannot stride over itself).
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_FLATTENBINDINGSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

LogicalResult flatten(hal::InterfaceBindingSubspanOp subspan) {
  auto type = cast<MemRefType>(subspan.getType());
  if (type.getRank() == 1 && type.getLayout().isIdentity()) {
    // Already flat: only its dim is needed, which SPIR-V cannot query.
    for (Operation *user : llvm::make_early_inc_range(subspan->getUsers()))
      if (auto dim = dyn_cast<memref::DimOp>(user)) {
        OpBuilder b(dim);
        Value size = type.isDynamicDim(0)
                         ? subspan.getDynamicDims()[0]
                         : Value(arith::ConstantIndexOp::create(
                               b, dim.getLoc(), type.getDimSize(0)));
        dim.getResult().replaceAllUsesWith(size);
        dim.erase();
      }
    return success();
  }
  if (!type.getLayout().isIdentity())
    return subspan.emitOpError("bindings must have the identity layout");
  OpBuilder builder(subspan);
  Location loc = subspan.getLoc();
  SmallVector<Value> dims;
  unsigned next = 0;
  for (int64_t dim : type.getShape())
    dims.push_back(
        ShapedType::isDynamic(dim)
            ? subspan.getDynamicDims()[next++]
            : Value(arith::ConstantIndexOp::create(builder, loc, dim)));
  Value count = arith::ConstantIndexOp::create(builder, loc, 1);
  for (Value dim : dims)
    count = arith::MulIOp::create(builder, loc, count, dim);
  auto flatType =
      MemRefType::get({ShapedType::kDynamic}, type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  auto flat = hal::InterfaceBindingSubspanOp::create(
      builder, loc, flatType, subspan.getSetAttr(), subspan.getBindingAttr(),
      ValueRange{count});
  auto linearize = [&](OpBuilder &b, ValueRange indices) -> Value {
    Value index = arith::ConstantIndexOp::create(b, loc, 0);
    for (auto [i, dim] : llvm::zip(indices, dims))
      index = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, index, dim), i);
    return index;
  };
  for (Operation *user : llvm::make_early_inc_range(subspan->getUsers())) {
    OpBuilder b(user);
    if (auto load = dyn_cast<memref::LoadOp>(user)) {
      Value index = linearize(b, load.getIndices());
      load.getResult().replaceAllUsesWith(
          memref::LoadOp::create(b, load.getLoc(), flat, index));
      load.erase();
    } else if (auto store = dyn_cast<memref::StoreOp>(user)) {
      Value index = linearize(b, store.getIndices());
      memref::StoreOp::create(b, store.getLoc(), store.getValueToStore(), flat,
                              index);
      store.erase();
    } else if (auto dim = dyn_cast<memref::DimOp>(user)) {
      std::optional<int64_t> d = dim.getConstantIndex();
      if (!d)
        return dim.emitOpError("of a binding needs a constant index");
      dim.getResult().replaceAllUsesWith(dims[*d]);
      dim.erase();
    } else {
      return user->emitOpError("uses a binding in a way SPIR-V code "
                               "generation does not support");
    }
  }
  subspan.erase();
  return success();
}

struct FlattenBindingsPass
    : public impl::FlattenBindingsPassBase<FlattenBindingsPass> {
  void runOnOperation() override {
    SmallVector<hal::InterfaceBindingSubspanOp> subspans;
    getOperation().walk(
        [&](hal::InterfaceBindingSubspanOp op) { subspans.push_back(op); });
    for (auto subspan : subspans)
      if (failed(flatten(subspan)))
        return signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
