//===- GuardIntegerDivision.cpp - Integer division without traps ----------===//

#include "Codegen/LLVMCPU/GuardIntegerDivision.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

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

void guard(Operation *op, bool isSigned) {
  Value dividend = op->getOperand(0), divisor = op->getOperand(1);
  if (!constantCanTrap(divisor, isSigned))
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
  Value safe = arith::SelectOp::create(builder, loc, trap, one, divisor);
  op->setOperand(1, safe);
}

} // namespace

void guardIntegerDivisions(ModuleOp module) {
  SmallVector<std::pair<Operation *, bool>> divisions;
  module.walk([&](Operation *op) {
    if (isa<arith::DivSIOp, arith::RemSIOp>(op))
      divisions.push_back({op, true});
    else if (isa<arith::DivUIOp, arith::RemUIOp>(op))
      divisions.push_back({op, false});
  });
  for (auto [op, isSigned] : divisions)
    guard(op, isSigned);
}

} // namespace mlir::tessera::llvmcpu
