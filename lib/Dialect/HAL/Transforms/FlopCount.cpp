//===- FlopCount.cpp - Floating-point operations of a dispatch ------------===//

#include "Dialect/HAL/Transforms/FlopCount.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::tessera::hal {

namespace {

/// Arithmetic on floats; constants, conversions and selects move values.
bool isFloatArithmetic(Operation *op) {
  if (op->getNumResults() != 1 ||
      !isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())))
    return false;
  if (isa<math::MathDialect>(op->getDialect()))
    return true;
  return isa<arith::ArithDialect>(op->getDialect()) &&
         !isa<arith::ConstantOp, arith::ExtFOp, arith::TruncFOp,
              arith::SIToFPOp, arith::UIToFPOp, arith::BitcastOp,
              arith::SelectOp>(op);
}

} // namespace

std::optional<uint64_t> countFlops(Operation *root) {
  uint64_t total = 0;
  bool known = true;
  root->walk([&](linalg::LinalgOp op) {
    uint64_t perIteration = 0;
    for (Operation &inner : op->getRegion(0).front())
      perIteration += isFloatArithmetic(&inner);
    if (perIteration == 0)
      return WalkResult::skip();
    uint64_t iterations = 1;
    for (int64_t range : op.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range) || range < 0 ||
          __builtin_mul_overflow(iterations, uint64_t(range), &iterations)) {
        known = false;
        return WalkResult::interrupt();
      }
    }
    uint64_t flops;
    if (__builtin_mul_overflow(iterations, perIteration, &flops) ||
        __builtin_add_overflow(total, flops, &total)) {
      known = false;
      return WalkResult::interrupt();
    }
    return WalkResult::skip();
  });
  if (!known)
    return std::nullopt;
  return total;
}

} // namespace mlir::tessera::hal
