//===- OuterProductContraction.cpp - Contractions as outer products -------===//

#include "Codegen/LLVMCPU/OuterProductContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tessera::llvmcpu {

namespace {

/// yield(out + a * b), in any operand order.
bool isMulAddBody(linalg::LinalgOp op) {
  Block *block = op.getBlock();
  if (block->getNumArguments() != 3 || block->getOperations().size() != 3)
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(block->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = block->getArgument(2);
  if (add.getLhs() != acc && add.getRhs() != acc)
    return false;
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value a = block->getArgument(0), b = block->getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// Tensors always; buffers when their innermost stride is 1.
bool isContiguousAlongInnermost(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type)
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

} // namespace

std::optional<OuterProductLoops>
matchOuterProductContraction(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || op.getNumReductionLoops() == 0 ||
      !(op.hasPureBufferSemantics() || op.hasPureTensorSemantics()) ||
      !isMulAddBody(op))
    return std::nullopt;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<ShapedType>(operand.getType());
    if (!type || !type.getElementType().isF32())
      return std::nullopt;
  }
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap output = op.getMatchingIndexingMap(init);
  if (output.getNumResults() < 2 || !output.isProjectedPermutation())
    return std::nullopt;
  OuterProductLoops loops;
  loops.col = cast<AffineDimExpr>(output.getResults().back()).getPosition();
  loops.row =
      cast<AffineDimExpr>(output.getResults()[output.getNumResults() - 2])
          .getPosition();
  AffineExpr col = getAffineDimExpr(loops.col, op.getContext());
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(loops.col))
      loops.lhs = input;
    else if (map.getNumResults() > 0 && map.getResults().back() == col &&
             !map.dropResult(map.getNumResults() - 1)
                  .isFunctionOfDim(loops.col))
      loops.rhs = input;
  }
  if (!loops.lhs || !loops.rhs ||
      op.getMatchingIndexingMap(loops.rhs).isFunctionOfDim(loops.row) ||
      !isContiguousAlongInnermost(loops.rhs->get()) ||
      !isContiguousAlongInnermost(init->get()))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop) {
    if (iterators[loop] == utils::IteratorType::reduction)
      loops.reductions.push_back(loop);
    else if (loop != loops.row && loop != loops.col)
      loops.outer.push_back(loop);
  }
  return loops;
}

} // namespace mlir::tessera::llvmcpu
