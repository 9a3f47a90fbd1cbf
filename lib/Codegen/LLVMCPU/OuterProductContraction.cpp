//===- OuterProductContraction.cpp - Contractions as outer products -------===//

#include "Codegen/LLVMCPU/OuterProductContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tessera::llvmcpu {

namespace {

/// The values computed in `block` from `arg` alone: `arg` itself, and the
/// results of side-effect-free ops without regions whose operands are such
/// values or defined outside the block (a scale applied to A's element).
/// One pass in block order: shared subexpressions are visited once.
llvm::DenseSet<Value> scalarFunctionsOf(BlockArgument arg, Block *block) {
  llvm::DenseSet<Value> derived = {arg};
  for (Operation &op : block->without_terminator()) {
    if (op.getNumRegions() != 0 || op.getNumResults() != 1 ||
        !isMemoryEffectFree(&op))
      continue;
    bool usesArg = false, onlyArg = true;
    for (Value operand : op.getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (producer && producer->getBlock() != block)
        continue;
      if (derived.contains(operand))
        usesArg = true;
      else
        onlyArg = false;
    }
    if (usesArg && onlyArg)
      derived.insert(op.getResult(0));
  }
  return derived;
}

/// yield(out + f(a) * b), in any operand order, where a is `lhs`'s element,
/// b is `rhs`'s and f is a chain of scalar ops on a alone (usually none;
/// always none when A is loaded as vectors); nothing else in the body.
bool isMulAddBody(linalg::LinalgOp op, OpOperand *lhs, OpOperand *rhs,
                  bool lhsIsVector) {
  Block *block = op.getBlock();
  if (block->getNumArguments() != 3)
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(block->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != block)
    return false;
  Value acc = block->getArgument(2);
  if (add.getLhs() != acc && add.getRhs() != acc)
    return false;
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != block)
    return false;
  BlockArgument a = op.getMatchingBlockArgument(lhs);
  BlockArgument b = op.getMatchingBlockArgument(rhs);
  Value scaled = mul.getLhs() == b ? mul.getRhs() : mul.getLhs();
  llvm::DenseSet<Value> derived = scalarFunctionsOf(a, block);
  if ((mul.getLhs() != b && mul.getRhs() != b) || !derived.contains(scaled) ||
      (lhsIsVector && scaled != a))
    return false;
  // Every other op of the body is part of f.
  for (Operation &inner : block->without_terminator())
    if (&inner != add && &inner != mul &&
        (inner.getNumResults() != 1 || !derived.contains(inner.getResult(0))))
      return false;
  return true;
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

/// The panel width P when `map` indexes B panel-major along `col`: its
/// last result col mod P, one other col floordiv P, and no other result
/// depending on `col` (a filter stored [F/P]...[P] for F not a multiple
/// of P: PanelMajorFilters); 0 otherwise.
int64_t panelWidthAlong(AffineMap map, AffineExpr col) {
  if (map.getNumResults() < 2)
    return 0;
  auto mod = dyn_cast<AffineBinaryOpExpr>(map.getResults().back());
  if (!mod || mod.getKind() != AffineExprKind::Mod || mod.getLHS() != col)
    return 0;
  auto width = dyn_cast<AffineConstantExpr>(mod.getRHS());
  if (!width || width.getValue() <= 0)
    return 0;
  int64_t panels = 0;
  for (AffineExpr result : map.getResults().drop_back()) {
    if (!result.isFunctionOfDim(cast<AffineDimExpr>(col).getPosition()))
      continue;
    if (result != col.floorDiv(width.getValue()))
      return 0;
    ++panels;
  }
  return panels == 1 ? width.getValue() : 0;
}

} // namespace

std::optional<OuterProductLoops>
matchOuterProductContraction(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || op.getNumReductionLoops() == 0 ||
      !(op.hasPureBufferSemantics() || op.hasPureTensorSemantics()))
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
  AffineExpr col = getAffineDimExpr(loops.col, op.getContext());
  // Along the columns an input is constant (broadcast) or contiguous
  // (loaded as vectors); B is the contiguous one the row does not index.
  auto alongColumns = [&](OpOperand *input) {
    AffineMap map = op.getMatchingIndexingMap(input);
    return map.getNumResults() > 0 && map.getResults().back() == col &&
           !map.dropResult(map.getNumResults() - 1).isFunctionOfDim(loops.col);
  };
  // B may also be stored in panels along the columns (panelWidthAlong).
  auto rhsAlongColumns = [&](OpOperand *input) {
    return alongColumns(input) ||
           panelWidthAlong(op.getMatchingIndexingMap(input), col) > 0;
  };
  // The row is the output's loop before the columns; or, when the loops
  // between are panels of B's columns (parallel loops indexing B and the
  // output only: a panel-major filter, [F/32][...][32] against an output
  // [..., F/32, 32]), the loop before those.
  auto onlyIndexes = [&](unsigned loop, OpOperand *input) {
    if (op.getIteratorTypesArray()[loop] != utils::IteratorType::parallel)
      return false;
    for (OpOperand *other : op.getDpsInputOperands())
      if (op.getMatchingIndexingMap(other).isFunctionOfDim(loop) !=
          (other == input))
        return false;
    return true;
  };
  for (int result = output.getNumResults() - 2; result >= 0 && !loops.rhs;
       --result) {
    unsigned row = cast<AffineDimExpr>(output.getResult(result)).getPosition();
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (loops.rhs || !rhsAlongColumns(input) || map.isFunctionOfDim(row))
        continue;
      bool panels = true;
      for (unsigned between = result + 1;
           between + 1 < output.getNumResults() && panels; ++between)
        panels = onlyIndexes(
            cast<AffineDimExpr>(output.getResult(between)).getPosition(),
            input);
      if (panels) {
        loops.rhs = input;
        loops.row = row;
      }
    }
  }
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (input == loops.rhs)
      continue;
    if (!op.getMatchingIndexingMap(input).isFunctionOfDim(loops.col)) {
      loops.lhs = input;
    } else if (alongColumns(input) &&
               isContiguousAlongInnermost(input->get())) {
      loops.lhs = input;
      loops.lhsIsVector = true;
    }
  }
  if (!loops.lhs || !loops.rhs ||
      !isContiguousAlongInnermost(loops.rhs->get()) ||
      !isContiguousAlongInnermost(init->get()) ||
      !isMulAddBody(op, loops.lhs, loops.rhs, loops.lhsIsVector))
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

std::optional<std::pair<unsigned, int64_t>>
findPanelColumns(linalg::LinalgOp op) {
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0)
      continue;
    auto mod = dyn_cast<AffineBinaryOpExpr>(map.getResults().back());
    if (!mod || mod.getKind() != AffineExprKind::Mod)
      continue;
    auto col = dyn_cast<AffineDimExpr>(mod.getLHS());
    if (!col)
      continue;
    if (int64_t width = panelWidthAlong(map, col))
      return std::make_pair(col.getPosition(), width);
  }
  return std::nullopt;
}

int64_t rhsPanelWidth(linalg::LinalgOp op, const OuterProductLoops &loops) {
  return panelWidthAlong(op.getMatchingIndexingMap(loops.rhs),
                         getAffineDimExpr(loops.col, op.getContext()));
}

bool rhsIndexedByReductionsAndColumns(linalg::LinalgOp op,
                                      const OuterProductLoops &loops) {
  AffineMap rhsMap = op.getMatchingIndexingMap(loops.rhs);
  if (rhsPanelWidth(op, loops) > 0)
    return false;
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    if (rhsMap.isFunctionOfDim(loop) && loop != loops.col &&
        !llvm::is_contained(loops.reductions, loop))
      return false;
  return true;
}

Value applyLhsPrologue(OpBuilder &builder, linalg::LinalgOp op,
                       const OuterProductLoops &loops, Value element) {
  // The body is add(acc, mul(f(a), b)): clone f, every op but those two.
  Block *block = op.getBlock();
  auto add = cast<arith::AddFOp>(
      block->getTerminator()->getOperand(0).getDefiningOp());
  Value acc = block->getArgument(2);
  auto mul = cast<arith::MulFOp>(
      (add.getLhs() == acc ? add.getRhs() : add.getLhs()).getDefiningOp());
  BlockArgument b = op.getMatchingBlockArgument(loops.rhs);
  Value scaled = mul.getLhs() == b ? mul.getRhs() : mul.getLhs();
  IRMapping mapping;
  mapping.map(op.getMatchingBlockArgument(loops.lhs), element);
  for (Operation &inner : block->without_terminator())
    if (&inner != add.getOperation() && &inner != mul.getOperation())
      builder.clone(inner, mapping);
  return mapping.lookupOrDefault(scaled);
}

} // namespace mlir::tessera::llvmcpu
