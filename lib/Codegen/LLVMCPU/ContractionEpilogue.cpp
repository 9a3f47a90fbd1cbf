//===- ContractionEpilogue.cpp - A contraction's init and epilogue --------===//

#include "Codegen/LLVMCPU/ContractionEpilogue.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tessera::llvmcpu {

namespace {

bool usesValue(Operation *op, Value value) {
  return llvm::is_contained(op->getOperands(), value);
}

/// An op that may sit between the contraction and its init or epilogue
/// without changing what they see: no memory effects, not touching C.
bool isTransparent(Operation *op, Value c) {
  return op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         !usesValue(op, c);
}

/// The init: the last op writing C before the contraction.
void findInit(linalg::LinalgOp contraction, ContractionSurroundings &result) {
  Value c = contraction.getDpsInitOperand(0)->get();
  unsigned rank = cast<MemRefType>(c.getType()).getRank();
  Operation *prev = contraction->getPrevNode();
  while (prev && isTransparent(prev, c))
    prev = prev->getPrevNode();
  if (!prev)
    return;
  if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
    if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == c &&
        fill.getInputs()[0].getType().isF32())
      result.init = fill;
    return;
  }
  auto copy = dyn_cast<linalg::GenericOp>(prev);
  if (!copy || !copy.hasPureBufferSemantics() || copy.getNumDpsInputs() != 1 ||
      copy.getNumDpsInits() != 1 || copy.getDpsInits()[0] != c ||
      copy.getNumParallelLoops() != copy.getNumLoops() ||
      !copy.getMatchingIndexingMap(copy.getDpsInitOperand(0)).isIdentity())
    return;
  Block &body = copy.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0) ||
      !body.getArgument(0).getType().isF32())
    return;
  OpOperand *input = copy.getDpsInputOperand(0);
  std::optional<ReadKind> kind = ReadKind::Broadcast;
  if (isa<ShapedType>(input->get().getType()))
    kind = readKind(copy.getMatchingIndexingMap(input), rank - 1);
  if (!kind)
    return;
  result.init = copy;
  result.initRead = *kind;
}

/// The epilogue: the next op after the contraction, reading C elementwise
/// into another buffer, when C is a temporary nothing else uses.
void findEpilogue(linalg::LinalgOp contraction,
                  ContractionSurroundings &result) {
  Value c = contraction.getDpsInitOperand(0)->get();
  unsigned rank = cast<MemRefType>(c.getType()).getRank();
  if (!c.getDefiningOp<memref::AllocaOp>())
    return;
  Operation *next = contraction->getNextNode();
  while (next && isTransparent(next, c))
    next = next->getNextNode();
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!epilogue || !epilogue.hasPureBufferSemantics() ||
      epilogue.getNumDpsInits() != 1 ||
      epilogue.getNumParallelLoops() != epilogue.getNumLoops() ||
      epilogue.getNumLoops() != rank || !isVectorizableBody(epilogue))
    return;
  for (Operation *user : c.getUsers())
    if (user != contraction && user != epilogue && user != result.init)
      return;
  OpOperand *output = epilogue.getDpsInitOperand(0);
  if (output->get() == c || epilogue.payloadUsesValueFromOperand(output))
    return;
  OpOperand *cOperand = nullptr;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    if (input->get() != c)
      continue;
    if (cOperand)
      return; // read twice
    cOperand = input;
  }
  if (!cOperand)
    return;
  AffineMap cMap = epilogue.getMatchingIndexingMap(cOperand);
  if (!cMap.isPermutation())
    return;
  unsigned column = cMap.getDimPosition(rank - 1);
  AffineMap outputMap = epilogue.getMatchingIndexingMap(output);
  if (!outputMap.isPermutation() ||
      readKind(outputMap, column) != ReadKind::Vector)
    return;
  SmallVector<ReadKind> reads;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    std::optional<ReadKind> kind = ReadKind::Broadcast;
    if (input != cOperand && isa<ShapedType>(input->get().getType()))
      kind = readKind(epilogue.getMatchingIndexingMap(input), column);
    if (!kind)
      return;
    reads.push_back(*kind);
  }
  result.epilogue = epilogue;
  result.epilogueReads = std::move(reads);
  result.epilogueInput = cOperand;
}

} // namespace

ContractionSurroundings
findContractionSurroundings(linalg::LinalgOp contraction) {
  ContractionSurroundings result;
  if (!contraction.hasPureBufferSemantics() ||
      !isa<MemRefType>(contraction.getDpsInitOperand(0)->get().getType()))
    return result;
  findInit(contraction, result);
  findEpilogue(contraction, result);
  return result;
}

SmallVector<Value> loopValuesAt(linalg::GenericOp generic, OpOperand *cOperand,
                                ArrayRef<Value> cIndices) {
  AffineMap map = generic.getMatchingIndexingMap(cOperand);
  SmallVector<Value> values(generic.getNumLoops());
  for (unsigned result = 0; result < map.getNumResults(); ++result)
    values[map.getDimPosition(result)] = cIndices[result];
  return values;
}

} // namespace mlir::tessera::llvmcpu
