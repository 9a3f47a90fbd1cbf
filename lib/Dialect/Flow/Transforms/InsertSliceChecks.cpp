//===- InsertSliceChecks.cpp - Run-time checks of dynamic slices ---------===//
//
// A tensor.extract_slice or tensor.insert_slice whose offsets, sizes or
// strides are known only at run time (function arguments, arithmetic on
// dims) could reach outside its tensor: the dispatch would then read or
// write past a buffer. Each such slice gets a `cf.assert` on the host per
// dimension (and an insert's sizes must be its source's dims), evaluated
// before the dispatch; static ones fold away. (Offsets
// computed from tensor data cannot reach the host, so every operand of a
// check can be computed there.)
//
//===----------------------------------------------------------------------===//

#include "Dialect/Flow/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace mlir::tessera::flow {
#define GEN_PASS_DEF_INSERTSLICECHECKSPASS
#include "Dialect/Flow/Transforms/Passes.h.inc"
} // namespace mlir::tessera::flow

using namespace mlir;

namespace {

Value valueOf(OpBuilder &builder, Location loc, OpFoldResult value) {
  if (auto attr = dyn_cast<Attribute>(value))
    return arith::ConstantIndexOp::create(builder, loc,
                                          cast<IntegerAttr>(attr).getInt());
  return cast<Value>(value);
}

/// Asserts that the slice (offsets, sizes, strides) lies inside `tensor`.
void insertChecks(Operation *op, Value tensor, ArrayRef<OpFoldResult> offsets,
                  ArrayRef<OpFoldResult> sizes, ArrayRef<OpFoldResult> strides,
                  StringRef inside) {
  auto type = cast<RankedTensorType>(tensor.getType());
  OpBuilder builder(op);
  Location loc = op->getLoc();
  auto cmp = [&](arith::CmpIPredicate predicate, Value a, Value b) -> Value {
    return arith::CmpIOp::create(builder, loc, predicate, a, b);
  };
  for (int64_t d = 0; d < type.getRank(); ++d) {
    bool dynamic = type.isDynamicDim(d) || isa<Value>(offsets[d]) ||
                   isa<Value>(sizes[d]) || isa<Value>(strides[d]);
    if (!dynamic)
      continue; // the verifier checked it
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    Value dim =
        type.isDynamicDim(d)
            ? tensor::DimOp::create(builder, loc, tensor, d).getResult()
            : arith::ConstantIndexOp::create(builder, loc, type.getDimSize(d))
                  .getResult();
    Value offset = valueOf(builder, loc, offsets[d]);
    Value size = valueOf(builder, loc, sizes[d]);
    Value stride = valueOf(builder, loc, strides[d]);
    // offset >= 0, size >= 0, stride >= 1, and unless the slice is empty
    // its last element inside: offset < dim and (size - 1) * stride <=
    // dim - 1 - offset, written without a product that could overflow.
    Value strideAtLeastOne = cmp(arith::CmpIPredicate::sge, stride, one);
    Value divisor =
        arith::SelectOp::create(builder, loc, strideAtLeastOne, stride, one);
    Value room = arith::SubIOp::create(
        builder, loc, arith::SubIOp::create(builder, loc, dim, one), offset);
    Value last = arith::SubIOp::create(builder, loc, size, one);
    Value lastInside = arith::AndIOp::create(
        builder, loc, cmp(arith::CmpIPredicate::slt, offset, dim),
        cmp(arith::CmpIPredicate::sle, last,
            arith::DivSIOp::create(builder, loc, room, divisor)));
    Value empty = cmp(arith::CmpIPredicate::eq, size, zero);
    Value ok = arith::AndIOp::create(
        builder, loc,
        arith::AndIOp::create(
            builder, loc,
            arith::AndIOp::create(builder, loc,
                                  cmp(arith::CmpIPredicate::sge, offset, zero),
                                  cmp(arith::CmpIPredicate::sge, size, zero)),
            strideAtLeastOne),
        arith::OrIOp::create(builder, loc, empty, lastInside));
    std::string message =
        (Twine("'") + op->getName().getStringRef() + "': dimension " +
         Twine(d) + " of the slice (offset, size, stride) is not inside " +
         inside)
            .str();
    cf::AssertOp::create(builder, loc, ok, message);
  }
}

/// Asserts that an insert_slice's run-time sizes are its source's dims: a
/// larger size would copy past the end of the source.
void insertSourceChecks(tensor::InsertSliceOp op) {
  RankedTensorType sourceType = op.getSourceType();
  SmallVector<OpFoldResult> sizes = op.getMixedSizes();
  // The slice dims the source keeps (a rank-reducing insert drops unit
  // dims, which are static).
  SmallVector<int64_t> staticSizes;
  for (OpFoldResult size : sizes) {
    std::optional<int64_t> constant = getConstantIntValue(size);
    staticSizes.push_back(constant ? *constant : ShapedType::kDynamic);
  }
  std::optional<llvm::SmallDenseSet<unsigned>> dropped =
      computeRankReductionMask(staticSizes, sourceType.getShape());
  if (!dropped)
    return; // the verifier refuses such an op
  OpBuilder builder(op);
  Location loc = op.getLoc();
  int64_t sourceDim = 0;
  for (auto [d, size] : llvm::enumerate(sizes)) {
    if (dropped->contains(d))
      continue;
    int64_t s = sourceDim++;
    if (!isa<Value>(size) && !sourceType.isDynamicDim(s))
      continue; // equal, or the verifier refused it
    Value dim =
        sourceType.isDynamicDim(s)
            ? tensor::DimOp::create(builder, loc, op.getSource(), s).getResult()
            : arith::ConstantIndexOp::create(builder, loc,
                                             sourceType.getDimSize(s))
                  .getResult();
    Value same = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                       valueOf(builder, loc, size), dim);
    cf::AssertOp::create(builder, loc, same,
                         (Twine("'tensor.insert_slice': size ") + Twine(d) +
                          " of the slice is not dimension " + Twine(s) +
                          " of the source")
                             .str());
  }
}

struct InsertSliceChecksPass
    : public tessera::flow::impl::InsertSliceChecksPassBase<
          InsertSliceChecksPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      func.walk([](tensor::ExtractSliceOp op) {
        insertChecks(op, op.getSource(), op.getMixedOffsets(),
                     op.getMixedSizes(), op.getMixedStrides(), "the source");
      });
      func.walk([](tensor::InsertSliceOp op) {
        insertChecks(op, op.getDest(), op.getMixedOffsets(), op.getMixedSizes(),
                     op.getMixedStrides(), "the destination");
        insertSourceChecks(op);
      });
    }
  }
};

} // namespace
