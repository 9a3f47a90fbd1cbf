//===- TransposedElementwise.cpp ------------------------------------------===//

#include "Codegen/LLVMCPU/TransposedElementwise.h"

#include "Codegen/LLVMCPU/VectorBody.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace mlir::tessera::llvmcpu {

namespace {

/// How one input is read for a block.
enum class Read {
  /// Not a buffer: the value itself.
  Scalar,
  /// Independent of the output's contiguous loop: one element per row.
  Broadcast,
  /// Along the output's contiguous loop, as its own innermost index.
  Vector,
  /// Along the other loop: loaded as its vectors, then transposed.
  Across,
};

struct TransposedMatch {
  /// The loop the outputs run along (their innermost index).
  unsigned column;
  /// The loop the Across inputs run along (theirs).
  unsigned across;
  SmallVector<Read> reads;
};

/// Unit stride along the innermost dimension, not of i1.
bool unitInnerStride(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || type.getRank() == 0 || type.getElementType().isInteger(1))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

std::optional<TransposedMatch> matchTransposed(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() < 2 ||
      op.getNumParallelLoops() != op.getNumLoops() || !isVectorizableBody(op))
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/true))
      return std::nullopt;
  std::optional<unsigned> column =
      innermostLoop(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!column)
    return std::nullopt;
  TransposedMatch match{*column, 0, {}};
  std::optional<unsigned> across;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isa<ShapedType>(input->get().getType())) {
      match.reads.push_back(Read::Scalar);
      continue;
    }
    AffineMap map = op.getMatchingIndexingMap(input);
    std::optional<ReadKind> kind = readKind(map, *column);
    if (kind == ReadKind::Broadcast) {
      match.reads.push_back(Read::Broadcast);
      continue;
    }
    if (!unitInnerStride(input->get()))
      return std::nullopt;
    if (kind == ReadKind::Vector) {
      match.reads.push_back(Read::Vector);
      continue;
    }
    // Read across: its own innermost loop is another one, the same for
    // every such input, and its elements are 32-bit (a block of
    // width x width is width registers).
    std::optional<unsigned> inner = innermostLoop(map);
    auto type = cast<MemRefType>(input->get().getType());
    if (!inner || *inner == *column || (across && *across != *inner) ||
        type.getElementTypeBitWidth() != 32)
      return std::nullopt;
    across = inner;
    match.reads.push_back(Read::Across);
  }
  if (!across)
    return std::nullopt;
  match.across = *across;
  // Each output: a vector along the column per value of the other loop,
  // written only.
  for (OpOperand &init : op.getDpsInitsMutable()) {
    AffineMap map = op.getMatchingIndexingMap(&init);
    if (readKind(map, *column) != ReadKind::Vector ||
        !map.isFunctionOfDim(*across) || !unitInnerStride(init.get()) ||
        op.payloadUsesValueFromOperand(&init))
      return std::nullopt;
  }
  return match;
}

class TransposedEmitter {
public:
  TransposedEmitter(linalg::GenericOp op, const TransposedMatch &match,
                    int64_t width)
      : op(op), match(match), width(width), b(op), loc(op.getLoc()) {}

  void emit() {
    for (Range range :
         cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc))
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    Value zero = index(0), one = index(1);
    Value acrossEnd = roundDown(sizes[match.across]);
    Value columnEnd = roundDown(sizes[match.column]);
    SmallVector<Value> lbs, ubs, steps;
    SmallVector<unsigned> outer;
    for (unsigned loop = 0; loop < sizes.size(); ++loop) {
      if (loop == match.column || loop == match.across)
        continue;
      outer.push_back(loop);
      lbs.push_back(zero);
      ubs.push_back(sizes[loop]);
      steps.push_back(one);
    }
    Value acrossSize = sizes[match.across], columnSize = sizes[match.column];
    scf::buildLoopNest(
        b, loc, lbs, ubs, steps,
        [&](OpBuilder &nested, Location, ValueRange outerIvs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          ivs.assign(sizes.size(), Value());
          for (auto [loop, iv] : llvm::zip(outer, outerIvs))
            ivs[loop] = iv;
          buildFor(zero, acrossEnd, [&](Value acrossStart) {
            buildFor(zero, columnEnd, [&](Value columnStart) {
              emitBlock(acrossStart, columnStart, Value(), Value());
            });
            // The last columns, fewer than a block.
            ifLess(columnEnd, columnSize, [&] {
              emitBlock(acrossStart, columnEnd, Value(),
                        sub(columnSize, columnEnd));
            });
          });
          // The last rows, fewer than a block, over all columns.
          ifLess(acrossEnd, acrossSize, [&] {
            buildFor(zero, columnSize, [&](Value columnStart) {
              Value columns = arith::MinUIOp::create(
                  b, loc, sub(columnSize, columnStart), index(width));
              emitBlock(acrossEnd, columnStart, sub(acrossSize, acrossEnd),
                        columns);
            });
          });
        });
    op->erase();
  }

private:
  /// One block: the outputs at rows [acrossStart, + width) of the Across
  /// loop, columns [columnStart, + width). At the edges, `acrossCount` rows
  /// or `columnCount` columns only (null: all): their reads go to the last
  /// row or column inside instead, the Across inputs' lanes past the rows
  /// are masked off, and so are the stores past either.
  void emitBlock(Value acrossStart, Value columnStart, Value acrossCount,
                 Value columnCount) {
    auto clamped = [&](Value start, int64_t offset, Value count) {
      Value at = add(start, offset);
      if (!count)
        return at;
      return arith::MinUIOp::create(
                 b, loc, at,
                 add(arith::AddIOp::create(b, loc, start, count), -1))
          .getResult();
    };
    Value rowLanes = acrossCount ? laneMask(acrossCount) : Value();
    Value columnLanes = columnCount ? laneMask(columnCount) : Value();
    // Each Across input's block, loaded along its own loop and transposed:
    // result i holds the row acrossStart + i along the columns.
    DenseMap<unsigned, SmallVector<Value>> transposed;
    for (auto [input, read] :
         llvm::zip(op.getDpsInputOperands(), match.reads)) {
      if (read != Read::Across)
        continue;
      AffineMap map = op.getMatchingIndexingMap(input);
      SmallVector<Value> rows;
      ivs[match.across] = acrossStart;
      for (int64_t k = 0; k < width; ++k) {
        ivs[match.column] = clamped(columnStart, k, columnCount);
        rows.push_back(loadVector(b, loc, input->get(),
                                  applyMapAt(b, loc, map, ivs), width,
                                  rowLanes));
      }
      transposed[input->getOperandNumber()] =
          transposeInRegisters(b, loc, rows);
    }
    ivs[match.column] = columnStart;
    for (int64_t i = 0; i < width; ++i) {
      ivs[match.across] = clamped(acrossStart, i, acrossCount);
      SmallVector<Value> inputs;
      for (auto [input, read] :
           llvm::zip(op.getDpsInputOperands(), match.reads)) {
        Value value = input->get();
        AffineMap map = op.getMatchingIndexingMap(input);
        switch (read) {
        case Read::Scalar:
          inputs.push_back(value);
          break;
        case Read::Broadcast:
          inputs.push_back(memref::LoadOp::create(
              b, loc, value, applyMapAt(b, loc, map, ivs)));
          break;
        case Read::Vector:
          inputs.push_back(loadVector(
              b, loc, value, applyMapAt(b, loc, map, ivs), width, columnLanes));
          break;
        case Read::Across:
          inputs.push_back(transposed[input->getOperandNumber()][i]);
          break;
        }
      }
      SmallVector<Value> results = cloneBodyOnVectors(b, op, inputs, width);
      Value storeMask = columnLanes;
      if (acrossCount) {
        Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             index(i), acrossCount);
        Value rowMask = vector::BroadcastOp::create(
            b, loc, VectorType::get({width}, b.getI1Type()), inside);
        storeMask = storeMask
                        ? arith::AndIOp::create(b, loc, storeMask, rowMask)
                        : rowMask;
      }
      for (auto [init, result] : llvm::zip(op.getDpsInitsMutable(), results)) {
        SmallVector<Value> at =
            applyMapAt(b, loc, op.getMatchingIndexingMap(&init), ivs);
        if (storeMask)
          vector::MaskedStoreOp::create(b, loc, init.get(), at, storeMask,
                                        result);
        else
          vector::StoreOp::create(b, loc, result, init.get(), at);
      }
    }
  }

  /// Lanes [0, count) of a vector.
  Value laneMask(Value count) {
    return vector::CreateMaskOp::create(
        b, loc, VectorType::get({width}, b.getI1Type()), ValueRange{count});
  }

  /// `body()` in an scf.if that runs where `a` < `c`.
  void ifLess(Value a, Value c, function_ref<void()> body) {
    Value less = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, a, c);
    auto ifOp = scf::IfOp::create(b, loc, less, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    body();
  }

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value value, int64_t constant) {
    if (constant == 0)
      return value;
    return arith::AddIOp::create(b, loc, value, index(constant));
  }
  Value sub(Value a, Value c) { return arith::SubIOp::create(b, loc, a, c); }
  /// `value` rounded down to a multiple of the block's width.
  Value roundDown(Value value) {
    AffineExpr s0 = getAffineSymbolExpr(0, b.getContext());
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, s0.floorDiv(width) * width, {OpFoldResult(value)}));
  }
  void buildFor(Value lb, Value ub, function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, loc, lb, ub, index(width));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(loop.getInductionVar());
  }

  linalg::GenericOp op;
  const TransposedMatch &match;
  int64_t width;
  OpBuilder b;
  Location loc;
  SmallVector<Value> sizes;
  /// The loops' values at the row being emitted.
  SmallVector<Value> ivs;
};

} // namespace

SmallVector<Value> transposeInRegisters(OpBuilder &builder, Location loc,
                                        ArrayRef<Value> rows) {
  int64_t width = rows.size();
  assert(llvm::isPowerOf2_64(width) && "a power-of-two block");
  SmallVector<Value> current(rows);
  // Stage h swaps, in every block of 2h rows, the top right h x h quarter
  // with the bottom left one: after the stages h = width / 2, ..., 1 every
  // quarter down to single elements is in its transposed place.
  for (int64_t h = width / 2; h >= 1; h /= 2) {
    SmallVector<int64_t> low(width), high(width);
    for (int64_t j = 0; j < width; ++j) {
      bool left = (j & h) == 0;
      low[j] = left ? j : width + j - h;
      high[j] = left ? j + h : width + j;
    }
    for (int64_t i = 0; i < width; ++i) {
      if (i & h)
        continue;
      Value top = current[i], bottom = current[i + h];
      current[i] = vector::ShuffleOp::create(builder, loc, top, bottom, low);
      current[i + h] =
          vector::ShuffleOp::create(builder, loc, top, bottom, high);
    }
  }
  return current;
}

bool vectorizeTransposedElementwise(linalg::GenericOp op, int64_t width) {
  if (!llvm::isPowerOf2_64(width))
    return false;
  std::optional<TransposedMatch> match = matchTransposed(op);
  if (!match)
    return false;
  // Narrower than half a block either way (an image's 3 channels, a
  // head's dimension of 1): most lanes of each block would be masked off,
  // and the scalar loops cost less.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned loop : {match->across, match->column})
    if (!ShapedType::isDynamic(ranges[loop]) && ranges[loop] * 2 < width)
      return false;
  TransposedEmitter(op, *match, width).emit();
  return true;
}

} // namespace mlir::tessera::llvmcpu
