//===- GuardIntegerDivision.cpp - Integer division without traps ----------===//

#include "Codegen/LLVMCPU/GuardIntegerDivision.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tessera::llvmcpu {
namespace {

/// A constant of `type` (an integer, an index or a vector of them).
Value constantLike(OpBuilder &builder, Location loc, Type type,
                   const APInt &value) {
  Type element = getElementTypeOrSelf(type);
  TypedAttr scalar = builder.getIntegerAttr(element, value);
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(builder, loc, vector,
                                     SplatElementsAttr::get(vector, scalar));
  return arith::ConstantOp::create(builder, loc, type, scalar);
}

unsigned bitWidth(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
}

/// Whether a divisor known at compile time can trap: zero, or -1 when
/// signed (INT_MIN / -1).
bool constantCanTrap(Value divisor, bool isSigned) {
  APInt value;
  if (matchPattern(divisor, m_ConstantInt(&value)))
    return value.isZero() || (isSigned && value.isAllOnes());
  DenseIntElementsAttr values;
  if (matchPattern(divisor, m_Constant(&values)))
    return llvm::any_of(values.getValues<APInt>(), [&](const APInt &v) {
      return v.isZero() || (isSigned && v.isAllOnes());
    });
  return true;
}

/// Marks the selects that make a divisor safe: the divisions that ceil and
/// floor expansions derive from a guarded one divide by it too.
constexpr StringLiteral kGuardAttr = "tessera.division_guard";

void guard(Operation *op, bool isSigned) {
  Value dividend = op->getOperand(0), divisor = op->getOperand(1);
  Operation *producer = divisor.getDefiningOp();
  if (!constantCanTrap(divisor, isSigned) ||
      (producer && producer->hasAttr(kGuardAttr)))
    return;
  OpBuilder builder(op);
  Location loc = op->getLoc();
  Type type = divisor.getType();
  unsigned bits = bitWidth(type);
  Value zero = constantLike(builder, loc, type, APInt::getZero(bits));
  Value one = constantLike(builder, loc, type, APInt(bits, 1));
  Value trap = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                     divisor, zero);
  if (isSigned) {
    Value minusOne = constantLike(builder, loc, type, APInt::getAllOnes(bits));
    Value smallest =
        constantLike(builder, loc, type, APInt::getSignedMinValue(bits));
    Value overflow = arith::AndIOp::create(
        builder, loc,
        arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, divisor,
                              minusOne),
        arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, dividend,
                              smallest));
    trap = arith::OrIOp::create(builder, loc, trap, overflow);
  }
  auto safe = arith::SelectOp::create(builder, loc, trap, one, divisor);
  safe->setAttr(kGuardAttr, builder.getUnitAttr());
  op->setOperand(1, safe);
}

void guardAll(ModuleOp module) {
  SmallVector<std::pair<Operation *, bool>> divisions;
  module.walk([&](Operation *op) {
    if (isa<arith::DivSIOp, arith::RemSIOp, arith::CeilDivSIOp,
            arith::FloorDivSIOp>(op))
      divisions.push_back({op, true});
    else if (isa<arith::DivUIOp, arith::RemUIOp, arith::CeilDivUIOp>(op))
      divisions.push_back({op, false});
  });
  for (auto [op, isSigned] : divisions)
    guard(op, isSigned);
}

} // namespace

LogicalResult guardIntegerDivisions(ModuleOp module) {
  // Ceil and floor divisions guarded whole (x / 0 = x), then expanded;
  // what the expansions divide by is the guarded divisor, checked again.
  guardAll(module);
  RewritePatternSet patterns(module.getContext());
  arith::populateCeilFloorDivExpandOpsPatterns(patterns);
  if (failed(applyPatternsGreedily(module, std::move(patterns))))
    return failure();
  guardAll(module);
  module.walk([](arith::SelectOp op) { op->removeAttr(kGuardAttr); });
  return success();
}

} // namespace mlir::tessera::llvmcpu
