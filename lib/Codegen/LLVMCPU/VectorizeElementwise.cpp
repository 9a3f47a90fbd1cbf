//===- VectorizeElementwise.cpp - Elementwise ops as vector loops ---------===//
//
// On buffers, after the contractions: an all-parallel linalg.generic whose
// outputs run contiguously along one loop (their innermost index), and
// whose inputs either run along it the same way or do not depend on it,
// becomes loops over the other loops around a loop over that one in steps
// of vectors: vector loads, the body on vectors, vector stores; the
// columns past the last full vector in one masked vector.
//
// Left to LLVM's loop vectorizer, such an op with a short innermost extent
// (a tile of 16 or 20 channels) was vectorized along an outer loop instead,
// with gathers and scatters: a residual add after a 16-channel convolution
// took 5x its convolution's time. Fills, copies and maps become generics
// first: lowered as loops, each row of a copy was a memcpy call.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"
#include "Codegen/LLVMCPU/VectorBody.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISEPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Vectors per step of the main loop: independent loads and stores in
/// flight.
constexpr int64_t kUnroll = 4;
/// A body of this many ops or more already has that much independent work
/// per vector (a Winograd transform: 16 loads, 35 arithmetic ops): it is
/// not unrolled, which would only quadruple what LLVM compiles (ResNet-50's
/// 30 transforms: 0.6 s of its compile).
constexpr size_t kMaxUnrolledBodyOps = 24;

/// A buffer read or written as vectors: unit stride along its innermost
/// dimension, not of i1 (a vector of i1 is packed bits, a buffer's i1 one
/// byte each).
bool hasUnitInnerStride(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || type.getRank() == 0 || type.getElementType().isInteger(1))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// The loop `op`'s vectors run along, with each input's ReadKind, when it
/// can be vectorized.
std::optional<std::pair<unsigned, SmallVector<llvmcpu::ReadKind>>>
matchElementwise(linalg::GenericOp op, int64_t width) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !llvmcpu::isVectorizableBody(op))
    return std::nullopt;
  AffineMap first = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (first.getNumResults() == 0)
    return std::nullopt;
  auto last = dyn_cast<AffineDimExpr>(first.getResults().back());
  if (!last)
    return std::nullopt;
  unsigned column = last.getPosition();
  // Narrower than half a vector: the masked lanes would cost more than
  // LLVM's scalar loop.
  int64_t extent = op.getStaticLoopRanges()[column];
  if (!ShapedType::isDynamic(extent) && extent * 2 < width)
    return std::nullopt;
  for (OpOperand &init : op.getDpsInitsMutable())
    if (op.payloadUsesValueFromOperand(&init) ||
        llvmcpu::readKind(op.getMatchingIndexingMap(&init), column) !=
            llvmcpu::ReadKind::Vector ||
        !hasUnitInnerStride(init.get()))
      return std::nullopt;
  SmallVector<llvmcpu::ReadKind> reads;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isa<ShapedType>(input->get().getType())) {
      reads.push_back(llvmcpu::ReadKind::Broadcast);
      continue;
    }
    std::optional<llvmcpu::ReadKind> kind =
        llvmcpu::readKind(op.getMatchingIndexingMap(input), column);
    if (!kind || (*kind == llvmcpu::ReadKind::Vector &&
                  !hasUnitInnerStride(input->get())))
      return std::nullopt;
    reads.push_back(*kind);
  }
  return std::pair(column, std::move(reads));
}

class ElementwiseEmitter {
public:
  ElementwiseEmitter(linalg::GenericOp op, unsigned column,
                     ArrayRef<llvmcpu::ReadKind> reads, int64_t width)
      : op(op), column(column), reads(reads), width(width), b(op),
        loc(op.getLoc()) {}

  void emit() {
    SmallVector<Value> sizes;
    for (Range range :
         cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc))
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    SmallVector<Value> lbs, ubs, steps;
    SmallVector<unsigned> outer;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    for (unsigned loop = 0; loop < sizes.size(); ++loop) {
      if (loop == column)
        continue;
      outer.push_back(loop);
      lbs.push_back(zero);
      ubs.push_back(sizes[loop]);
      steps.push_back(one);
    }
    Value n = sizes[column];
    scf::buildLoopNest(
        b, loc, lbs, ubs, steps,
        [&](OpBuilder &nested, Location, ValueRange outerIvs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          ivs.assign(sizes.size(), Value());
          for (auto [loop, iv] : llvm::zip(outer, outerIvs))
            ivs[loop] = iv;
          Value vectors = roundDown(n, width);
          Value unrolled = zero;
          if (op.getBody()->getOperations().size() < kMaxUnrolledBodyOps) {
            unrolled = roundDown(n, kUnroll * width);
            buildFor(zero, unrolled, kUnroll * width, [&](Value j) {
              for (int64_t u = 0; u < kUnroll; ++u)
                emitVector(add(j, u * width));
            });
          }
          buildFor(unrolled, vectors, width, [&](Value j) { emitVector(j); });
          std::optional<int64_t> staticN = getConstantIntValue(n);
          if (!staticN || *staticN % width != 0)
            emitMaskedTail(n, vectors);
        });
    op->erase();
  }

private:
  /// The body on the vector of columns from `j` (masked to columnMask).
  void emitVector(Value j) {
    ivs[column] = j;
    SmallVector<Value> inputs;
    for (auto [input, read] : llvm::zip(op.getDpsInputOperands(), reads)) {
      Value value = input->get();
      if (!isa<ShapedType>(value.getType())) {
        inputs.push_back(value);
        continue;
      }
      SmallVector<Value> at = indices(op.getMatchingIndexingMap(input));
      if (read == llvmcpu::ReadKind::Broadcast) {
        inputs.push_back(memref::LoadOp::create(b, loc, value, at));
        continue;
      }
      auto type = vectorOf(value);
      if (!columnMask) {
        inputs.push_back(vector::LoadOp::create(b, loc, type, value, at));
        continue;
      }
      Value zeros = arith::ConstantOp::create(
          b, loc, type, cast<TypedAttr>(b.getZeroAttr(type)));
      inputs.push_back(vector::MaskedLoadOp::create(b, loc, type, value, at,
                                                    columnMask, zeros));
    }
    SmallVector<Value> results =
        llvmcpu::cloneBodyOnVectors(b, op, inputs, width);
    for (auto [init, result] : llvm::zip(op.getDpsInitsMutable(), results)) {
      SmallVector<Value> at = indices(op.getMatchingIndexingMap(&init));
      if (columnMask)
        vector::MaskedStoreOp::create(b, loc, init.get(), at, columnMask,
                                      result);
      else
        vector::StoreOp::create(b, loc, result, init.get(), at);
    }
  }

  /// The columns past the last full vector, in one masked vector.
  void emitMaskedTail(Value n, Value start) {
    Value remaining = arith::SubIOp::create(b, loc, n, start);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                      remaining, zero);
    auto ifOp = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    columnMask = vector::CreateMaskOp::create(
        b, loc, VectorType::get({width}, b.getI1Type()), ValueRange{remaining});
    emitVector(start);
    columnMask = Value();
  }

  VectorType vectorOf(Value memref) {
    return VectorType::get({width},
                           cast<MemRefType>(memref.getType()).getElementType());
  }

  SmallVector<Value> indices(AffineMap map) {
    return llvmcpu::applyMapAt(b, loc, map, ivs);
  }

  Value roundDown(Value value, int64_t multiple) {
    AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, (s0.floorDiv(multiple)) * multiple, {OpFoldResult(value)}));
  }

  Value add(Value value, int64_t constant) {
    if (constant == 0)
      return value;
    return arith::AddIOp::create(
        b, loc, value, arith::ConstantIndexOp::create(b, loc, constant));
  }

  void buildFor(Value lb, Value ub, int64_t step,
                function_ref<void(Value)> body) {
    Value stepValue = arith::ConstantIndexOp::create(b, loc, step);
    auto loop = scf::ForOp::create(b, loc, lb, ub, stepValue);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar());
  }

  linalg::GenericOp op;
  unsigned column;
  ArrayRef<llvmcpu::ReadKind> reads;
  int64_t width;
  OpBuilder b;
  Location loc;
  /// The loops' values at the vector being emitted.
  SmallVector<Value> ivs;
  /// While the masked tail is emitted: its lanes.
  Value columnMask;
};

struct VectorizeElementwisePass
    : public tessera::llvmcpu::impl::VectorizeElementwisePassBase<
          VectorizeElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    int64_t width = llvmcpu::vectorWidthFor(getOperation(), vectorWidth);
    // Fills, copies and maps left on buffers (a padded window's zeros and
    // the copy of its interior) as generics first: lowered as loops, LLVM
    // made each row of a copy a memcpy call.
    SmallVector<linalg::LinalgOp> named;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::FillOp, linalg::CopyOp, linalg::MapOp>(op) &&
          op.hasPureBufferSemantics())
        named.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics)
      if (auto match = matchElementwise(op, width))
        ElementwiseEmitter(op, match->first, match->second, width).emit();
  }
};

} // namespace
