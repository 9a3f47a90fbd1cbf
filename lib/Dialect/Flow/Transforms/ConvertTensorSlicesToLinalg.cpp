//===- ConvertTensorSlicesToLinalg.cpp - Slices as dispatchable ops -------===//
//
// The host program only passes buffers between dispatches: moving data
// inside a tensor (a slice, an insertion, a concatenation) has to happen in
// a dispatch, and dispatches are formed around linalg ops. Each op becomes
// a linalg.generic computing its result:
//   - extract_slice, static: a copy whose input map is d * stride + offset;
//   - otherwise an element-wise "gather": per result element, the source
//     index from linalg.index, clamped into the source, and the value picked
//     with arith.select (insert_slice: the source inside the slice, else the
//     destination; concat: the operand whose range holds the index).
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_CONVERTTENSORSLICESTOLINALGPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

/// tensor.empty of `type` whose dynamic sizes are `sizes`' values there.
Value emptyOf(OpBuilder &b, Location loc, RankedTensorType type,
              ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (auto [dim, size] : llvm::zip(type.getShape(), sizes))
    if (ShapedType::isDynamic(dim))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

SmallVector<OpFoldResult> mixedSizesOf(OpBuilder &b, Location loc,
                                       Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

/// A generic over `init` (identity output, plus `inputs` with identity
/// maps) whose body `body` builds from the loop indices and the input
/// elements.
Value buildGather(
    OpBuilder &b, Location loc, Value init, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, ValueRange)>
        body) {
  auto type = cast<RankedTensorType>(init.getType());
  unsigned rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps(inputs.size() + 1, identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> indices;
        for (unsigned d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nested, nestedLoc, d));
        Value result =
            body(nested, nestedLoc, indices, args.take_front(inputs.size()));
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

/// Index arithmetic in a body.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value value(OpFoldResult ofr) {
    return getValueOrCreateConstantIndexOp(b, loc, ofr);
  }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivSIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  }
  Value both(Value x, Value y) {
    return x ? arith::AndIOp::create(b, loc, x, y).getResult() : y;
  }
  /// `x` clamped into [0, size).
  Value clamp(Value x, Value size) {
    Value zero = constant(0);
    Value last = sub(size, constant(1));
    Value low = arith::MaxSIOp::create(b, loc, x, zero);
    return arith::MinSIOp::create(b, loc, low, last);
  }
};

/// The sizes of `op`'s result: its sizes without the dropped unit dims.
SmallVector<OpFoldResult> sliceSizes(tensor::ExtractSliceOp op) {
  llvm::SmallBitVector dropped = op.getDroppedDims();
  SmallVector<OpFoldResult> sizes;
  for (auto [index, size] : llvm::enumerate(op.getMixedSizes()))
    if (!dropped.test(index))
      sizes.push_back(size);
  return sizes;
}

/// Whether `op` is a copy with input map d * stride + offset: static
/// offsets and strides, and no dimension read as a plain `d` while the
/// slice is shorter than the source (linalg would take that loop's extent
/// from the source).
bool hasAffineCopyForm(tensor::ExtractSliceOp op) {
  if (ShapedType::isDynamicShape(op.getStaticOffsets()) ||
      ShapedType::isDynamicShape(op.getStaticStrides()) ||
      ShapedType::isDynamicShape(op.getStaticSizes()))
    return false;
  RankedTensorType sourceType = op.getSourceType();
  llvm::SmallBitVector dropped = op.getDroppedDims();
  for (unsigned d = 0; d < sourceType.getRank(); ++d)
    if (!dropped.test(d) && op.getStaticOffsets()[d] == 0 &&
        op.getStaticStrides()[d] == 1 &&
        op.getStaticSizes()[d] != sourceType.getDimSize(d))
      return false;
  return true;
}

/// extract_slice with static offsets and strides: a strided copy.
Value convertStaticExtract(OpBuilder &b, tensor::ExtractSliceOp op) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getResultType();
  llvm::SmallBitVector dropped = op.getDroppedDims();
  SmallVector<OpFoldResult> resultSizes = sliceSizes(op);
  Value init = emptyOf(b, loc, resultType, resultSizes);
  unsigned rank = resultType.getRank();
  SmallVector<AffineExpr> sourceExprs;
  unsigned loop = 0;
  for (auto [index, offset] : llvm::enumerate(op.getStaticOffsets())) {
    if (dropped.test(index)) {
      sourceExprs.push_back(b.getAffineConstantExpr(offset));
      continue;
    }
    int64_t stride = op.getStaticStrides()[index];
    sourceExprs.push_back(b.getAffineDimExpr(loop++) * stride + offset);
  }
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, sourceExprs, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{op.getSource()},
      ValueRange{init}, maps, iterators,
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc, args[0]);
      });
  return generic.getResult(0);
}

/// extract_slice with dynamic offsets or strides: a gather.
Value convertDynamicExtract(OpBuilder &b, tensor::ExtractSliceOp op) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getResultType();
  llvm::SmallBitVector dropped = op.getDroppedDims();
  SmallVector<OpFoldResult> resultSizes = sliceSizes(op);
  SmallVector<Value> offsets, strides;
  for (OpFoldResult offset : op.getMixedOffsets())
    offsets.push_back(getValueOrCreateConstantIndexOp(b, loc, offset));
  for (OpFoldResult stride : op.getMixedStrides())
    strides.push_back(getValueOrCreateConstantIndexOp(b, loc, stride));
  Value init = emptyOf(b, loc, resultType, resultSizes);
  Value source = op.getSource();
  return buildGather(
      b, loc, init, {},
      [&](OpBuilder &nested, Location nestedLoc, ArrayRef<Value> indices,
          ValueRange) -> Value {
        IndexMath math{nested, nestedLoc};
        SmallVector<Value> at;
        unsigned loop = 0;
        for (unsigned d = 0; d < offsets.size(); ++d) {
          if (dropped.test(d)) {
            at.push_back(offsets[d]);
            continue;
          }
          at.push_back(
              arith::AddIOp::create(nested, nestedLoc, offsets[d],
                                    math.mul(indices[loop++], strides[d])));
        }
        return tensor::ExtractOp::create(nested, nestedLoc, source, at);
      });
}

/// insert_slice: the source inside the slice, the destination elsewhere.
Value convertInsert(OpBuilder &b, tensor::InsertSliceOp op) {
  Location loc = op.getLoc();
  RankedTensorType destType = op.getDestType();
  Value init = emptyOf(b, loc, destType, mixedSizesOf(b, loc, op.getDest()));
  llvm::SmallBitVector dropped = op.getDroppedDims();
  SmallVector<Value> offsets, strides, sizes;
  for (OpFoldResult offset : op.getMixedOffsets())
    offsets.push_back(getValueOrCreateConstantIndexOp(b, loc, offset));
  for (OpFoldResult stride : op.getMixedStrides())
    strides.push_back(getValueOrCreateConstantIndexOp(b, loc, stride));
  for (OpFoldResult size : op.getMixedSizes())
    sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  Value source = op.getSource();
  return buildGather(
      b, loc, init, {op.getDest()},
      [&](OpBuilder &nested, Location nestedLoc, ArrayRef<Value> indices,
          ValueRange args) -> Value {
        IndexMath math{nested, nestedLoc};
        Value inside;
        SmallVector<Value> at;
        for (unsigned d = 0; d < indices.size(); ++d) {
          Value relative = math.sub(indices[d], offsets[d]);
          // 0 <= relative, relative % stride == 0, relative / stride < size.
          Value step = math.div(relative, strides[d]);
          inside = math.both(inside, math.cmp(arith::CmpIPredicate::sge,
                                              relative, math.constant(0)));
          inside = math.both(inside, math.cmp(arith::CmpIPredicate::eq,
                                              math.rem(relative, strides[d]),
                                              math.constant(0)));
          inside = math.both(
              inside, math.cmp(arith::CmpIPredicate::slt, step, sizes[d]));
          if (!dropped.test(d))
            at.push_back(math.clamp(step, sizes[d]));
        }
        Value fromSource =
            tensor::ExtractOp::create(nested, nestedLoc, source, at);
        return arith::SelectOp::create(nested, nestedLoc, inside, fromSource,
                                       args[0]);
      });
}

/// concat: per element, the operand whose range along the dimension holds
/// the index.
Value convertConcat(OpBuilder &b, tensor::ConcatOp op) {
  Location loc = op.getLoc();
  RankedTensorType resultType = op.getResultType();
  uint64_t dim = op.getDim();
  // The result's sizes: the operands' along the other dims, summed along
  // `dim`; dynamic ones from tensor.dim.
  SmallVector<Value> starts, extents;
  Value total = arith::ConstantIndexOp::create(b, loc, 0);
  for (Value input : op.getInputs()) {
    starts.push_back(total);
    Value extent = tensor::DimOp::create(b, loc, input, dim);
    extents.push_back(extent);
    total = arith::AddIOp::create(b, loc, total, extent);
  }
  SmallVector<OpFoldResult> sizes =
      mixedSizesOf(b, loc, op.getInputs().front());
  sizes[dim] = total;
  Value init = emptyOf(b, loc, resultType, sizes);
  SmallVector<Value> inputs(op.getInputs());
  return buildGather(
      b, loc, init, {},
      [&](OpBuilder &nested, Location nestedLoc, ArrayRef<Value> indices,
          ValueRange) -> Value {
        IndexMath math{nested, nestedLoc};
        Value result;
        for (unsigned k = 0; k < inputs.size(); ++k) {
          Value relative = math.sub(indices[dim], starts[k]);
          SmallVector<Value> at(indices.begin(), indices.end());
          at[dim] = math.clamp(relative, extents[k]);
          Value element =
              tensor::ExtractOp::create(nested, nestedLoc, inputs[k], at);
          if (!result) {
            result = element;
            continue;
          }
          Value past =
              math.cmp(arith::CmpIPredicate::sge, relative, math.constant(0));
          result =
              arith::SelectOp::create(nested, nestedLoc, past, element, result);
        }
        return result;
      });
}

struct ConvertTensorSlicesToLinalgPass
    : public tessera::flow::impl::ConvertTensorSlicesToLinalgPassBase<
          ConvertTensorSlicesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<Operation *> work;
    getOperation().walk([&](Operation *op) {
      // Only ops on the functions' dataflow: not inside linalg or tensor
      // regions, nor in hand-written kernels' host regions.
      if (!isa_and_nonnull<func::FuncOp>(op->getParentOp()))
        return;
      if (isa<tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::ConcatOp>(
              op))
        work.push_back(op);
    });
    for (Operation *op : work) {
      OpBuilder b(op);
      Value replacement;
      if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
        replacement = hasAffineCopyForm(extract)
                          ? convertStaticExtract(b, extract)
                          : convertDynamicExtract(b, extract);
      } else if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
        replacement = convertInsert(b, insert);
      } else {
        replacement = convertConcat(b, cast<tensor::ConcatOp>(op));
      }
      op->getResult(0).replaceAllUsesWith(replacement);
      op->erase();
    }
  }
};

} // namespace
