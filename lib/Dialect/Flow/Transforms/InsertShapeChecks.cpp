//===- InsertShapeChecks.cpp - Run-time checks of dynamic dims ------------===//
//
// A linalg op indexes all of its operands with the same loop bounds: when
// two operands meet in one loop dimension, their sizes there must agree, or
// the compiled dispatch would read past a buffer. Static sizes are checked by
// the verifier; dynamic ones only exist at run time, so each becomes a
// `cf.assert` on the host, which the host program evaluates before the
// dispatch. Checks that hold by construction fold away in canonicalization.
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_INSERTSHAPECHECKSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

struct OperandDim {
  unsigned operand;
  unsigned dim;
};

void insertChecks(linalg::LinalgOp op) {
  // Loop dimension -> the operand dimensions it indexes directly.
  SmallVector<SmallVector<OperandDim>> byLoop(op.getNumLoops());
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [dim, expr] : llvm::enumerate(map.getResults()))
      if (auto loop = dyn_cast<AffineDimExpr>(expr))
        byLoop[loop.getPosition()].push_back(
            {operand.getOperandNumber(), static_cast<unsigned>(dim)});
  }
  OpBuilder builder(op);
  Location loc = op.getLoc();
  auto sizeOf = [&](OperandDim at) -> Value {
    Value value = op->getOperand(at.operand);
    int64_t size = cast<RankedTensorType>(value.getType()).getDimSize(at.dim);
    if (!ShapedType::isDynamic(size))
      return arith::ConstantIndexOp::create(builder, loc, size);
    return tensor::DimOp::create(builder, loc, value, at.dim);
  };
  auto isDynamic = [&](OperandDim at) {
    return cast<RankedTensorType>(op->getOperand(at.operand).getType())
        .isDynamicDim(at.dim);
  };
  for (ArrayRef<OperandDim> uses : byLoop) {
    if (uses.size() < 2 || llvm::none_of(uses, isDynamic))
      continue;
    Value reference = sizeOf(uses.front());
    for (OperandDim other : uses.drop_front()) {
      if (!isDynamic(other) && !isDynamic(uses.front()))
        continue;
      Value size = sizeOf(other);
      Value same = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                         reference, size);
      std::string message =
          (Twine("'") + op->getName().getStringRef() + "': dimension " +
           Twine(other.dim) + " of operand " + Twine(other.operand) +
           " does not match dimension " + Twine(uses.front().dim) +
           " of operand " + Twine(uses.front().operand))
              .str();
      cf::AssertOp::create(builder, loc, same, message);
    }
  }
}

struct InsertShapeChecksPass
    : public tessera::flow::impl::InsertShapeChecksPassBase<
          InsertShapeChecksPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      func.walk([](linalg::LinalgOp op) {
        if (!op->getParentOfType<linalg::LinalgOp>())
          insertChecks(op);
      });
  }
};

} // namespace
