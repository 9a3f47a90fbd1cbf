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

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_BOUNDTEMPORARIESPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// Workgroup ids are not negative: what bounds a pad tile's temporaries
/// (its low padding, max(pad - id * tile, 0), is then at most pad).
struct WorkgroupIDBounds : public ValueBoundsOpInterface::ExternalModel<
                               WorkgroupIDBounds, hal::InterfaceWorkgroupIDOp> {
  void populateBoundsForIndexValue(Operation *op, Value value,
                                   ValueBoundsConstraintSet &cstr) const {
    cstr.bound(value) >= 0;
  }
};

/// A range of index values; a missing end is unbounded.
struct Interval {
  std::optional<int64_t> lo, hi;
};

Interval unbounded() { return {}; }

std::optional<int64_t> add(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a || !b)
    return std::nullopt;
  int64_t sum;
  if (llvm::AddOverflow(*a, *b, sum))
    return std::nullopt;
  return sum;
}

Interval scale(Interval x, int64_t c) {
  auto times = [&](std::optional<int64_t> v) -> std::optional<int64_t> {
    int64_t product;
    if (!v || llvm::MulOverflow(*v, c, product))
      return std::nullopt;
    return product;
  };
  if (c >= 0)
    return {times(x.lo), times(x.hi)};
  return {times(x.hi), times(x.lo)};
}

Interval intervalOf(Value value, unsigned depth);

/// `expr` over operand intervals (dims, then symbols).
Interval intervalOf(AffineExpr expr, ArrayRef<Interval> dims,
                    ArrayRef<Interval> symbols) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return {constant.getValue(), constant.getValue()};
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dims[dim.getPosition()];
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return symbols[symbol.getPosition()];
  auto binary = cast<AffineBinaryOpExpr>(expr);
  Interval lhs = intervalOf(binary.getLHS(), dims, symbols);
  auto rhsConstant = dyn_cast<AffineConstantExpr>(binary.getRHS());
  switch (binary.getKind()) {
  case AffineExprKind::Add: {
    Interval rhs = intervalOf(binary.getRHS(), dims, symbols);
    return {add(lhs.lo, rhs.lo), add(lhs.hi, rhs.hi)};
  }
  case AffineExprKind::Mul:
    if (rhsConstant)
      return scale(lhs, rhsConstant.getValue());
    return unbounded();
  case AffineExprKind::Mod:
    if (rhsConstant && rhsConstant.getValue() > 0)
      return {0, rhsConstant.getValue() - 1};
    return unbounded();
  case AffineExprKind::FloorDiv:
  case AffineExprKind::CeilDiv:
    if (rhsConstant && rhsConstant.getValue() > 0) {
      int64_t d = rhsConstant.getValue();
      auto div = [&](std::optional<int64_t> v, bool up) {
        return v ? std::optional<int64_t>(up ? llvm::divideCeilSigned(*v, d)
                                             : llvm::divideFloorSigned(*v, d))
                 : std::nullopt;
      };
      bool ceil = binary.getKind() == AffineExprKind::CeilDiv;
      return {div(lhs.lo, ceil), div(lhs.hi, ceil)};
    }
    return unbounded();
  default:
    return unbounded();
  }
}

/// An interval holding every value `value` can take, by interval
/// arithmetic over the ops that compute it (constants, affine.apply/min/
/// max, index add/sub/mul, sizes of subviews, non-negative workgroup ids).
Interval intervalOf(Value value, unsigned depth) {
  if (depth > 32)
    return unbounded();
  if (std::optional<int64_t> constant = getConstantIntValue(value))
    return {*constant, *constant};
  Operation *op = value.getDefiningOp();
  if (!op)
    return unbounded();
  if (isa<hal::InterfaceWorkgroupIDOp>(op))
    return {0, std::nullopt};
  auto operandIntervals = [&](ValueRange operands) {
    SmallVector<Interval> intervals;
    for (Value operand : operands)
      intervals.push_back(intervalOf(operand, depth + 1));
    return intervals;
  };
  auto overMap = [&](AffineMap map, ValueRange operands) {
    SmallVector<Interval> all = operandIntervals(operands);
    ArrayRef<Interval> dims = ArrayRef(all).take_front(map.getNumDims());
    ArrayRef<Interval> symbols = ArrayRef(all).drop_front(map.getNumDims());
    SmallVector<Interval> results;
    for (AffineExpr expr : map.getResults())
      results.push_back(intervalOf(expr, dims, symbols));
    return results;
  };
  if (auto apply = dyn_cast<affine::AffineApplyOp>(op))
    return overMap(apply.getAffineMap(), apply.getMapOperands()).front();
  if (isa<affine::AffineMinOp, affine::AffineMaxOp>(op)) {
    bool isMin = isa<affine::AffineMinOp>(op);
    AffineMap map = isMin ? cast<affine::AffineMinOp>(op).getAffineMap()
                          : cast<affine::AffineMaxOp>(op).getAffineMap();
    SmallVector<Interval> results = overMap(map, op->getOperands());
    // A min is below each result (its hi: the least known hi), a max
    // above each (its lo: the greatest known lo); the other end needs all.
    auto least = [](std::optional<int64_t> a, std::optional<int64_t> b) {
      return (a && b) ? std::optional(std::min(*a, *b)) : std::nullopt;
    };
    auto greatest = [](std::optional<int64_t> a, std::optional<int64_t> b) {
      return (a && b) ? std::optional(std::max(*a, *b)) : std::nullopt;
    };
    auto known = [](std::optional<int64_t> a, std::optional<int64_t> b,
                    bool takeMin) -> std::optional<int64_t> {
      if (!a || !b)
        return a ? a : b;
      return takeMin ? std::min(*a, *b) : std::max(*a, *b);
    };
    Interval out = results.front();
    for (const Interval &r : ArrayRef(results).drop_front()) {
      if (isMin) {
        out.lo = least(out.lo, r.lo);
        out.hi = known(out.hi, r.hi, /*takeMin=*/true);
      } else {
        out.lo = known(out.lo, r.lo, /*takeMin=*/false);
        out.hi = greatest(out.hi, r.hi);
      }
    }
    return out;
  }
  if (auto addOp = dyn_cast<arith::AddIOp>(op)) {
    Interval a = intervalOf(addOp.getLhs(), depth + 1);
    Interval b = intervalOf(addOp.getRhs(), depth + 1);
    return {add(a.lo, b.lo), add(a.hi, b.hi)};
  }
  if (auto subOp = dyn_cast<arith::SubIOp>(op)) {
    Interval a = intervalOf(subOp.getLhs(), depth + 1);
    Interval b = scale(intervalOf(subOp.getRhs(), depth + 1), -1);
    return {add(a.lo, b.lo), add(a.hi, b.hi)};
  }
  if (auto mulOp = dyn_cast<arith::MulIOp>(op)) {
    if (std::optional<int64_t> c = getConstantIntValue(mulOp.getRhs()))
      return scale(intervalOf(mulOp.getLhs(), depth + 1), *c);
    if (std::optional<int64_t> c = getConstantIntValue(mulOp.getLhs()))
      return scale(intervalOf(mulOp.getRhs(), depth + 1), *c);
    return unbounded();
  }
  if (auto dimOp = dyn_cast<memref::DimOp>(op)) {
    std::optional<int64_t> index = dimOp.getConstantIndex();
    auto subview = dimOp.getSource().getDefiningOp<memref::SubViewOp>();
    if (index && subview && !subview.getDroppedDims().any()) {
      OpFoldResult size = subview.getMixedSizes()[*index];
      if (std::optional<int64_t> constant = getConstantIntValue(size))
        return {*constant, *constant};
      return intervalOf(cast<Value>(size), depth + 1);
    }
    return {0, std::nullopt};
  }
  return unbounded();
}

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

/// The static shape a temporary's sizes never exceed.
FailureOr<SmallVector<int64_t>> upperBoundShape(memref::AllocaOp alloca) {
  SmallVector<int64_t> shape;
  unsigned dynamic = 0;
  for (int64_t dim : alloca.getType().getShape()) {
    if (!ShapedType::isDynamic(dim)) {
      shape.push_back(dim);
      continue;
    }
    Value size = alloca.getDynamicSizes()[dynamic++];
    FailureOr<int64_t> upper = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB, size, /*stopCondition=*/nullptr,
        /*closedUB=*/true);
    // Linear constraints bound no max (a pad tile's size is
    // low + max(0, min(...)) + high): intervals do, more loosely.
    if (failed(upper) || *upper < 0)
      if (std::optional<int64_t> loose = intervalOf(size, 0).hi;
          loose && *loose >= 0)
        upper = *loose;
    if (failed(upper))
      return alloca.emitOpError()
             << "has a size with no constant upper bound; vulkan-spirv "
                "needs static temporaries";
    shape.push_back(*upper);
  }
  return shape;
}

LogicalResult bound(memref::AllocaOp alloca) {
  MemRefType type = alloca.getType();
  FailureOr<SmallVector<int64_t>> bounded = upperBoundShape(alloca);
  if (failed(bounded))
    return failure();
  SmallVector<int64_t> shape = *bounded;
  SmallVector<OpFoldResult> sizes = getMixedValues(
      type.getShape(), alloca.getDynamicSizes(), alloca.getContext());
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

/// Branches yielding temporaries of different sizes (a padded tile: the
/// whole tile of padding, or low + source + high computed in the branch):
/// one static temporary of their largest bound before the if, each branch
/// working in a view of its size; the if yields the sizes instead of the
/// temporary, and its users see the view of the yielded sizes.
LogicalResult shareBetweenBranches(scf::IfOp ifOp, unsigned result,
                                   memref::AllocaOp first,
                                   memref::AllocaOp second) {
  FailureOr<SmallVector<int64_t>> a = upperBoundShape(first);
  FailureOr<SmallVector<int64_t>> b = upperBoundShape(second);
  if (failed(a) || failed(b))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(*a, *b))
    shape.push_back(std::max(x, y));
  MemRefType type = first.getType();
  OpBuilder builder(ifOp);
  Location loc = ifOp.getLoc();
  auto shared = memref::AllocaOp::create(
      builder, loc,
      MemRefType::get(shape, type.getElementType(), MemRefLayoutAttrInterface(),
                      type.getMemorySpace()),
      ValueRange(), first.getAlignmentAttr());
  SmallVector<OpFoldResult> zeros(shape.size(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(shape.size(), builder.getIndexAttr(1));
  // Each branch: its temporary becomes a view of the shared one.
  for (memref::AllocaOp alloca : {first, second}) {
    OpBuilder inBranch(alloca);
    SmallVector<OpFoldResult> sizes = getMixedValues(
        type.getShape(), alloca.getDynamicSizes(), alloca.getContext());
    auto view = memref::SubViewOp::create(inBranch, alloca.getLoc(), shared,
                                          zeros, sizes, ones);
    // The yield takes the sizes instead (below): keep it on the alloca
    // until the if is rebuilt.
    alloca.getResult().replaceUsesWithIf(view, [&](OpOperand &use) {
      return !isa<scf::YieldOp>(use.getOwner());
    });
    if (failed(propagateLayout(view)))
      return failure();
  }
  // The rebuilt if: result `result` replaced by the dynamic sizes.
  unsigned dynamicCount = type.getNumDynamicDims();
  SmallVector<Type> types;
  for (auto [index, resultType] : llvm::enumerate(ifOp.getResultTypes()))
    if (index != result)
      types.push_back(resultType);
  types.append(dynamicCount, builder.getIndexType());
  auto rebuilt = scf::IfOp::create(builder, loc, types, ifOp.getCondition(),
                                   /*withElseRegion=*/true);
  for (auto [from, to] : llvm::zip(ifOp->getRegions(), rebuilt->getRegions())) {
    to.getBlocks().clear();
    to.takeBody(from);
    auto yield = cast<scf::YieldOp>(to.front().getTerminator());
    auto alloca = yield.getOperand(result).getDefiningOp<memref::AllocaOp>();
    SmallVector<Value> operands;
    for (auto [index, operand] : llvm::enumerate(yield.getOperands()))
      if (index != result)
        operands.push_back(operand);
    llvm::append_range(operands, alloca.getDynamicSizes());
    yield->setOperands(operands);
    alloca.erase();
  }
  // Users: the other results, and a view of the yielded sizes.
  builder.setInsertionPointAfter(rebuilt);
  SmallVector<Value> sizeValues(rebuilt.getResults().take_back(dynamicCount));
  SmallVector<OpFoldResult> sizes =
      getMixedValues(type.getShape(), sizeValues, builder.getContext());
  auto view =
      memref::SubViewOp::create(builder, loc, shared, zeros, sizes, ones);
  unsigned next = 0;
  for (auto [index, old] : llvm::enumerate(ifOp.getResults())) {
    if (index == result)
      old.replaceAllUsesWith(view.getResult());
    else
      old.replaceAllUsesWith(rebuilt.getResult(next++));
  }
  ifOp.erase();
  return propagateLayout(view);
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
    if (first.getType() != second.getType())
      continue;
    if (first.getDynamicSizes() != second.getDynamicSizes() || !sizesDominate) {
      if (failed(shareBetweenBranches(ifOp, i, first, second)))
        return;
      // The if was rebuilt: start over on the new one.
      return;
    }
    first->moveBefore(ifOp);
    second.replaceAllUsesWith(first.getResult());
    second.erase();
    ifOp.getResult(i).replaceAllUsesWith(first.getResult());
  }
}

struct BoundTemporariesPass
    : public impl::BoundTemporariesPassBase<BoundTemporariesPass> {
  // Beyond the ODS dialects: value bounds of the ops sizes are made of.
  void getDependentDialects(DialectRegistry &registry) const override {
    BoundTemporariesPassBase::getDependentDialects(registry);
    affine::registerValueBoundsOpInterfaceExternalModels(registry);
    arith::registerValueBoundsOpInterfaceExternalModels(registry);
    memref::registerValueBoundsOpInterfaceExternalModels(registry);
    registry.addExtension(+[](MLIRContext *ctx, hal::HALDialect *) {
      hal::InterfaceWorkgroupIDOp::attachInterface<WorkgroupIDBounds>(*ctx);
    });
  }
  void runOnOperation() override {
    SmallVector<scf::IfOp> ifs;
    getOperation().walk([&](scf::IfOp ifOp) { ifs.push_back(ifOp); });
    for (scf::IfOp ifOp : ifs)
      hoistYieldedTemporaries(ifOp);
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

} // namespace mlir::tessera::spirv_codegen
