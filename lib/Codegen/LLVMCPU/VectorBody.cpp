//===- VectorBody.cpp - Elementwise bodies on vectors ---------------------===//

#include "Codegen/LLVMCPU/VectorBody.h"

#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::tessera::llvmcpu {

int64_t vectorWidthFor(Operation *op, int64_t fallback) {
  auto variant = op->getParentOfType<hal::ExecutableVariantOp>();
  if (!variant)
    return fallback;
  hal::ExecutableTargetAttr target = variant.getTarget();
  StringRef features = target.getConfigString("cpu_features");
  std::string host;
  if (features == "host") {
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      if (feature.second)
        host += "+" + feature.first().str() + ",";
    features = host;
  }
  if (features.contains("+avx512f"))
    return 16;
  if (features.contains("+avx"))
    return 8;
  return 4;
}

std::optional<unsigned> innermostLoop(AffineMap map) {
  if (map.getNumResults() == 0)
    return std::nullopt;
  auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
  if (!last)
    return std::nullopt;
  return last.getPosition();
}

std::optional<ReadKind> readKind(AffineMap map, unsigned column) {
  if (!map.isFunctionOfDim(column))
    return ReadKind::Broadcast;
  unsigned results = map.getNumResults();
  auto last = dyn_cast<AffineDimExpr>(map.getResult(results - 1));
  if (!last || last.getPosition() != column)
    return std::nullopt;
  for (unsigned r = 0; r + 1 < results; ++r)
    if (map.getResult(r).isFunctionOfDim(column))
      return std::nullopt;
  return ReadKind::Vector;
}

bool isVectorizableBody(linalg::GenericOp generic,
                        ArrayRef<unsigned> fixedLoops) {
  for (Operation &op : generic.getRegion().front().without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op))
      if (llvm::is_contained(fixedLoops, index.getDim()))
        continue;
    if (isa<linalg::IndexOp, arith::DivSIOp, arith::DivUIOp, arith::RemSIOp,
            arith::RemUIOp, arith::CeilDivSIOp, arith::CeilDivUIOp,
            arith::FloorDivSIOp>(op) ||
        op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
      return false;
    for (Type type : op.getResultTypes())
      if (!type.isIntOrIndexOrFloat())
        return false;
  }
  return true;
}

SmallVector<Value> cloneBodyOnVectors(OpBuilder &builder,
                                      linalg::GenericOp generic,
                                      ArrayRef<Value> inputs, int64_t width,
                                      ArrayRef<Value> loopValues) {
  Block &body = generic.getRegion().front();
  IRMapping mapping;
  for (auto [argument, value] : llvm::zip(body.getArguments(), inputs))
    mapping.map(argument, value);
  auto isVector = [](Value value) { return isa<VectorType>(value.getType()); };
  auto toVector = [&](Value value, Location loc) -> Value {
    if (isVector(value))
      return value;
    return builder.createOrFold<vector::BroadcastOp>(
        loc, VectorType::get({width}, value.getType()), value);
  };
  // Each clone folded at once where it can be: with a position's loop
  // values constant (a Winograd transform's), most of the body folds, and
  // what is never emitted costs the later passes nothing.
  auto mapFolded = [&](Operation *op, Operation *clone) {
    SmallVector<Value> folded;
    if (succeeded(builder.tryFold(clone, folded)) && !folded.empty()) {
      mapping.map(op->getResults(), folded);
      clone->erase();
      return;
    }
    mapping.map(op->getResults(), clone->getResults());
  };
  for (Operation &op : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op);
        index && index.getDim() < loopValues.size() &&
        loopValues[index.getDim()]) {
      mapping.map(index.getResult(), loopValues[index.getDim()]);
      continue;
    }
    bool anyVector = llvm::any_of(op.getOperands(), [&](Value operand) {
      return isVector(mapping.lookupOrDefault(operand));
    });
    if (!anyVector) {
      // On scalars alone: stays scalar.
      mapFolded(&op, builder.clone(op, mapping));
      continue;
    }
    // The op's operands as vectors, then the op cloned on them with vector
    // results: its attributes and properties are kept.
    IRMapping operands;
    for (Value operand : op.getOperands())
      operands.map(operand,
                   toVector(mapping.lookupOrDefault(operand), op.getLoc()));
    Operation *clone = builder.clone(op, operands);
    for (OpResult result : clone->getResults())
      result.setType(VectorType::get({width}, result.getType()));
    mapFolded(&op, clone);
  }
  SmallVector<Value> yielded;
  for (Value value : body.getTerminator()->getOperands())
    yielded.push_back(
        toVector(mapping.lookupOrDefault(value), generic.getLoc()));
  return yielded;
}

Value loadVector(OpBuilder &builder, Location loc, Value memref, ValueRange at,
                 int64_t width, Value mask) {
  auto type = VectorType::get(
      {width}, cast<MemRefType>(memref.getType()).getElementType());
  if (!mask)
    return vector::LoadOp::create(builder, loc, type, memref, at);
  Value zeros = arith::ConstantOp::create(
      builder, loc, type, cast<TypedAttr>(builder.getZeroAttr(type)));
  return vector::MaskedLoadOp::create(builder, loc, type, memref, at, mask,
                                      zeros);
}

Value beginColumnTail(OpBuilder &builder, Location loc, Value n, Value start,
                      int64_t width) {
  Value remaining = arith::SubIOp::create(builder, loc, n, start);
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value any = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sgt,
                                    remaining, zero);
  auto ifOp = scf::IfOp::create(builder, loc, any, /*withElseRegion=*/false);
  builder.setInsertionPointToStart(&ifOp.getThenRegion().front());
  return vector::CreateMaskOp::create(
      builder, loc, VectorType::get({width}, builder.getI1Type()),
      ValueRange{remaining});
}

SmallVector<Value> applyMapAt(OpBuilder &builder, Location loc, AffineMap map,
                              ArrayRef<Value> ivs) {
  SmallVector<OpFoldResult> operands(ivs.begin(), ivs.end());
  return getValueOrCreateConstantIndexOp(
      builder, loc,
      affine::makeComposedFoldedMultiResultAffineApply(builder, loc, map,
                                                       operands));
}

} // namespace mlir::tessera::llvmcpu
