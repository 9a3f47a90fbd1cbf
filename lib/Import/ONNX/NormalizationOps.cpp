//===- NormalizationOps.cpp - Softmax, LayerNormalization, reductions -----===//
//
// Reductions are tosa's (one axis each, the reduced dim kept as 1); what
// surrounds them is element-wise, fused by global-opt.
//
//===----------------------------------------------------------------------===//

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace mlir::tessera::onnx_import {

namespace {

enum class Reduction { Sum, Mean, Max, Min };

/// `x` reduced over `axes` (sorted, unique), dims kept as 1.
Value reduce(GraphImporter &im, Value x, llvm::ArrayRef<int64_t> axes,
             Reduction kind) {
  OpBuilder &b = im.b();
  for (int64_t axis : axes) {
    auto type = cast<RankedTensorType>(x.getType());
    llvm::SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    auto resultType = RankedTensorType::get(shape, type.getElementType());
    auto axisAttr = b.getI32IntegerAttr(int32_t(axis));
    switch (kind) {
    case Reduction::Sum:
    case Reduction::Mean:
      x = tosa::ReduceSumOp::create(b, im.loc(), resultType, x, axisAttr);
      break;
    case Reduction::Max:
      x = tosa::ReduceMaxOp::create(b, im.loc(), resultType, x, axisAttr);
      break;
    case Reduction::Min:
      x = tosa::ReduceMinOp::create(b, im.loc(), resultType, x, axisAttr);
      break;
    }
  }
  return x;
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

/// Axes in [0, rank), sorted and unique; failure with a message.
FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(GraphImporter &im, llvm::ArrayRef<int64_t> axes, int64_t rank) {
  llvm::SmallVector<int64_t> result;
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      (void)im.fail("axis " + std::to_string(a) + " is outside rank " +
                    std::to_string(rank));
      return failure();
    }
    int64_t axis = a < 0 ? a + rank : a;
    if (llvm::is_contained(result, axis)) {
      (void)im.fail("axis " + std::to_string(a) + " is given twice");
      return failure();
    }
    result.push_back(axis);
  }
  llvm::sort(result);
  return result;
}

template <Reduction kind> LogicalResult convertReduce(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  Type type = im.inputElementType(0);
  if (!type || !isa<FloatType>(type))
    return im.fail("needs a float input");
  llvm::SmallVector<int64_t> axes;
  bool haveAxes = false;
  // Opset 13: ReduceSum's axes are an input; the others' an attribute.
  if (im.hasInput(1)) {
    const ConstTensor *c = im.constInput(1);
    if (!c)
      return im.fail("axes must be a constant");
    for (int64_t v : c->ints())
      axes.push_back(v);
    haveAxes = true;
  } else if (auto attr = im.attrInts("axes")) {
    axes = *attr;
    haveAxes = true;
  }
  if (!haveAxes || axes.empty()) {
    if (im.attrInt("noop_with_empty_axes", 0)) {
      im.setOutput(0, im.input(0));
      return success();
    }
    axes.clear();
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  auto normalized = normalizeAxes(im, axes, rank);
  if (failed(normalized))
    return failure();
  // A convolution's or pooling's result, held NHWC, is reduced in place
  // along its NHWC axes instead of transposed back to NCHW first (PyTorch
  // exports x.mean((2, 3)) so: the transpose took longer than the mean),
  // when the result keeps its dims or the dims it keeps come in the same
  // order in both layouts (not C with H or W).
  static constexpr int64_t kNHWCAxis[4] = {0, 3, 1, 2};
  bool keepDims = im.attrInt("keepdims", 1);
  auto isKept = [&](int64_t d) { return !llvm::is_contained(*normalized, d); };
  bool inPlace = rank == 4 && im.isNHWC(0) &&
                 (keepDims || !(isKept(1) && (isKept(2) || isKept(3))));
  llvm::SmallVector<int64_t> axesHeld(*normalized);
  if (inPlace) {
    for (int64_t &axis : axesHeld)
      axis = kNHWCAxis[axis];
    llvm::sort(axesHeld);
  }
  Value x = inPlace ? im.nhwcInput(0) : im.input(0);
  if (!x)
    return failure();
  Value r = reduce(im, x, axesHeld, kind);
  if (kind == Reduction::Mean) {
    int64_t n = 1;
    for (int64_t a : *normalized) {
      if (ShapedType::isDynamic(shape[a]))
        return im.fail("the mean over a dynamic dim is not supported");
      n *= shape[a];
    }
    double scale = 1.0 / double(n);
    auto mean = im.elementwise(
        {r}, type, [scale](OpBuilder &b, Location loc, ValueRange a) {
          return Value(arith::MulFOp::create(
              b, loc, a[0], floatConst(b, loc, a[0].getType(), scale)));
        });
    r = *mean;
  }
  if (!keepDims) {
    // In place, the kept dims are in the same order in both layouts.
    llvm::SmallVector<int64_t> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (isKept(d))
        kept.push_back(shape[d]);
    auto reshaped = im.reshape(r, kept);
    if (failed(reshaped))
      return im.fail("cannot drop the reduced dims");
    r = *reshaped;
  }
  im.setOutput(0, r, /*nhwc=*/inPlace && keepDims);
  return success();
}

template <bool logSoftmax> LogicalResult convertSoftmax(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  Type type = im.inputElementType(0);
  if (!type || !isa<FloatType>(type))
    return im.fail("needs a float input");
  auto axes = normalizeAxes(im, {im.attrInt("axis", -1)}, rank);
  if (failed(axes))
    return failure();
  Value x = im.input(0);
  if (!x)
    return failure();
  // exp(x - max) / sum: no overflow for large logits.
  Value max = reduce(im, x, *axes, Reduction::Max);
  auto shifted = im.elementwise(
      {x, max}, type, [](OpBuilder &b, Location loc, ValueRange a) {
        return Value(arith::SubFOp::create(b, loc, a[0], a[1]));
      });
  auto exp = im.elementwise({*shifted}, type,
                            [](OpBuilder &b, Location loc, ValueRange a) {
                              return Value(math::ExpOp::create(b, loc, a[0]));
                            });
  Value sum = reduce(im, *exp, *axes, Reduction::Sum);
  FailureOr<Value> result;
  if (logSoftmax)
    result = im.elementwise(
        {*shifted, sum}, type, [](OpBuilder &b, Location loc, ValueRange a) {
          return Value(arith::SubFOp::create(
              b, loc, a[0], math::LogOp::create(b, loc, a[1])));
        });
  else
    result = im.elementwise(
        {*exp, sum}, type, [](OpBuilder &b, Location loc, ValueRange a) {
          return Value(arith::DivFOp::create(b, loc, a[0], a[1]));
        });
  im.setOutput(0, *result);
  return success();
}

LogicalResult convertLayerNormalization(GraphImporter &im) {
  for (unsigned i = 1; i < im.numOutputs(); ++i)
    if (!im.outputName(i).empty())
      return im.fail("the Mean and InvStdDev outputs are not supported");
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  Type type = im.inputElementType(0);
  if (!type || !isa<FloatType>(type))
    return im.fail("needs a float input");
  int64_t axis = im.attrInt("axis", -1);
  if (axis < -rank || axis >= rank)
    return im.fail("axis is outside the rank");
  if (axis < 0)
    axis += rank;
  llvm::SmallVector<int64_t> axes;
  int64_t n = 1;
  for (int64_t d = axis; d < rank; ++d) {
    if (ShapedType::isDynamic(shape[d]))
      return im.fail("normalizing over a dynamic dim is not supported");
    axes.push_back(d);
    n *= shape[d];
  }
  double epsilon = im.attrFloat("epsilon", 1e-5f);
  Value x = im.input(0);
  Value scale = im.input(1);
  if (!x || !scale)
    return im.fail("needs X and Scale");
  Value bias = im.hasInput(2) ? im.input(2) : Value();
  double inv = 1.0 / double(n);
  auto subtractMean = [&](Value values, Value sum) {
    return im.elementwise(
        {values, sum}, type, [inv](OpBuilder &b, Location loc, ValueRange a) {
          Value mean = arith::MulFOp::create(
              b, loc, a[1], floatConst(b, loc, a[1].getType(), inv));
          return Value(arith::SubFOp::create(b, loc, a[0], mean));
        });
  };
  // The mean twice: a float sum of large values rounds by more than their
  // spread (mean 1e4, std 1), so the residual mean of the centered values,
  // summed at their own small magnitude, is subtracted as well.
  auto roughlyCentered = subtractMean(x, reduce(im, x, axes, Reduction::Sum));
  auto centered = subtractMean(
      *roughlyCentered, reduce(im, *roughlyCentered, axes, Reduction::Sum));
  auto squares = im.elementwise(
      {*centered}, type, [](OpBuilder &b, Location loc, ValueRange a) {
        return Value(arith::MulFOp::create(b, loc, a[0], a[0]));
      });
  Value variance = reduce(im, *squares, axes, Reduction::Sum);
  llvm::SmallVector<Value> operands = {*centered, variance, scale};
  if (bias)
    operands.push_back(bias);
  auto y = im.elementwise(
      operands, type, [inv, epsilon](OpBuilder &b, Location loc, ValueRange a) {
        Type t = a[0].getType();
        Value var =
            arith::MulFOp::create(b, loc, a[1], floatConst(b, loc, t, inv));
        Value rstd = math::RsqrtOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, var, floatConst(b, loc, t, epsilon)));
        Value r = arith::MulFOp::create(
            b, loc, arith::MulFOp::create(b, loc, a[0], rstd), a[2]);
        if (a.size() > 3)
          r = arith::AddFOp::create(b, loc, r, a[3]);
        return r;
      });
  if (failed(y))
    return im.fail("Scale or B does not broadcast to X");
  im.setOutput(0, *y);
  return success();
}

} // namespace

void addNormalizationConverters(ConverterTable &t) {
  t["ReduceSum"] = convertReduce<Reduction::Sum>;
  t["ReduceMean"] = convertReduce<Reduction::Mean>;
  t["ReduceMax"] = convertReduce<Reduction::Max>;
  t["ReduceMin"] = convertReduce<Reduction::Min>;
  t["Softmax"] = convertSoftmax<false>;
  t["LogSoftmax"] = convertSoftmax<true>;
  t["LayerNormalization"] = convertLayerNormalization;
}

} // namespace mlir::tessera::onnx_import
