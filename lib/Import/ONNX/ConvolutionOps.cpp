//===- ConvolutionOps.cpp - Conv, pooling, BatchNormalization -------------===//
//
// 2-D convolutions and poolings on NHWC values (GraphImporter.h: layout).
// Conv becomes a linalg convolution directly, its weights permuted here to
// the kernels' layout (HWCF; HWC for depthwise); padding is a tensor.pad
// trimmed to the rows the output reads. Poolings reuse tosa's, whose
// lowering handles padding and the divisor of average pooling.
//
//===----------------------------------------------------------------------===//

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

namespace mlir::tessera::onnx_import {

namespace {

/// The spatial geometry of a convolution or pooling window.
struct Window {
  int64_t kernel[2], stride[2], dilation[2];
  // Padding before and after, per spatial dim, as the output needs it.
  int64_t padBefore[2], padAfter[2];
  /// The padding after as the model gives it (padAfter also holds what
  /// ceil_mode adds, or less when the last rows are not read).
  int64_t declaredAfter[2];
  int64_t output[2];
};

/// Reads kernel/strides/dilations/pads/auto_pad/ceil_mode for input spatial
/// sizes `in`; fails with a message on a bad or unsupported combination.
FailureOr<Window> readWindow(GraphImporter &im, const int64_t in[2],
                             const int64_t kernel[2], bool allowCeil) {
  Window w;
  auto strides =
      im.attrInts("strides").value_or(llvm::SmallVector<int64_t>{1, 1});
  auto dilations =
      im.attrInts("dilations").value_or(llvm::SmallVector<int64_t>{1, 1});
  auto pads =
      im.attrInts("pads").value_or(llvm::SmallVector<int64_t>{0, 0, 0, 0});
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    (void)im.fail("strides, dilations and pads must have 2, 2 and 4 values "
                  "(2-D windows only)");
    return failure();
  }
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  bool ceil = im.attrInt("ceil_mode", 0) != 0;
  if (ceil && !allowCeil) {
    (void)im.fail("ceil_mode is not supported here");
    return failure();
  }
  for (int d = 0; d < 2; ++d) {
    w.kernel[d] = kernel[d];
    w.stride[d] = strides[d];
    w.dilation[d] = dilations[d];
    if (kernel[d] < 1 || strides[d] < 1 || dilations[d] < 1 || pads[d] < 0 ||
        pads[d + 2] < 0 || pads[d] >= (int64_t(1) << 20) ||
        pads[d + 2] >= (int64_t(1) << 20) || strides[d] > (1 << 20) ||
        dilations[d] > (1 << 20) || kernel[d] > (1 << 20)) {
      (void)im.fail("kernel, strides and dilations must be positive and "
                    "pads non-negative (and each below 2^20)");
      return failure();
    }
    if (ShapedType::isDynamic(in[d])) {
      (void)im.fail("dynamic spatial dims are not supported (only the "
                    "batch dim may be dynamic)");
      return failure();
    }
    int64_t extent = w.dilation[d] * (kernel[d] - 1) + 1;
    int64_t before = pads[d], after = pads[d + 2];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (in[d] + w.stride[d] - 1) / w.stride[d];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.stride[d] + extent - in[d]);
      before = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      after = total - before;
    } else if (autoPad == "VALID") {
      before = after = 0;
    } else if (autoPad != "NOTSET") {
      (void)im.fail("auto_pad '" + autoPad + "' is not known");
      return failure();
    }
    int64_t span = in[d] + before + after - extent;
    if (span < 0) {
      (void)im.fail("the window is larger than the padded input");
      return failure();
    }
    int64_t out = ceil ? (span + w.stride[d] - 1) / w.stride[d] + 1
                       : span / w.stride[d] + 1;
    // ceil_mode: a window must start inside the input or its left padding.
    if (ceil && (out - 1) * w.stride[d] >= in[d] + before)
      --out;
    w.output[d] = out;
    w.padBefore[d] = before;
    w.declaredAfter[d] = after;
    // Exactly the rows the last window reads (may be fewer than `after`).
    w.padAfter[d] = (out - 1) * w.stride[d] + extent - in[d] - before;
  }
  return w;
}

/// tensor.pad of an NHWC value by the window's spatial padding.
Value padNHWC(GraphImporter &im, Value x, const Window &w, double value) {
  if (w.padBefore[0] == 0 && w.padBefore[1] == 0 && w.padAfter[0] <= 0 &&
      w.padAfter[1] <= 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  OpBuilder &b = im.b();
  // Trailing rows no window reads are sliced off instead of padded.
  llvm::SmallVector<int64_t> low = {0, w.padBefore[0], w.padBefore[1], 0};
  llvm::SmallVector<int64_t> high = {0, std::max<int64_t>(w.padAfter[0], 0),
                                     std::max<int64_t>(w.padAfter[1], 0), 0};
  llvm::SmallVector<int64_t> shape(type.getShape());
  for (int d = 0; d < 2; ++d)
    shape[d + 1] += low[d + 1] + high[d + 1];
  auto padded = RankedTensorType::get(shape, type.getElementType());
  Value padValue = im.scalarConstant(type.getElementType(), value);
  llvm::SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int d = 0; d < 4; ++d) {
    lowSizes.push_back(b.getIndexAttr(low[d]));
    highSizes.push_back(b.getIndexAttr(high[d]));
  }
  return tensor::PadOp::create(b, im.loc(), padded, x, lowSizes, highSizes,
                               padValue);
}

/// An NHWC result initialized with the bias broadcast along channels (or
/// zeros).
Value initWithBias(GraphImporter &im, llvm::ArrayRef<int64_t> shape, Type type,
                   Value bias, Value batchSource) {
  OpBuilder &b = im.b();
  Value init = im.empty(shape, type, {batchSource});
  if (!bias) {
    Value zero = im.scalarConstant(type, 0.0);
    return linalg::FillOp::create(b, im.loc(), zero, init).getResult(0);
  }
  int64_t rank = shape.size();
  auto biasType = cast<RankedTensorType>(bias.getType());
  llvm::SmallVector<AffineExpr> biasExprs;
  for (int64_t d = rank - biasType.getRank(); d < rank; ++d)
    biasExprs.push_back(b.getAffineDimExpr(d));
  llvm::SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, biasExprs, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  llvm::SmallVector<utils::IteratorType> iterators(
      rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, im.loc(), init.getType(), ValueRange{bias}, ValueRange{init},
             maps, iterators,
             [](OpBuilder &nested, Location loc, ValueRange args) {
               linalg::YieldOp::create(nested, loc, args[0]);
             })
      .getResult(0);
}

LogicalResult convertConv(GraphImporter &im) {
  if (!im.hasInput(0) || !im.hasInput(1))
    return im.fail("needs X and W");
  auto xShape = im.inputShape(0);
  auto wShape = im.inputShape(1);
  if (xShape.size() != 4 || wShape.size() != 4)
    return im.fail("only 2-D convolutions (rank-4 X and W) are supported");
  Type type = im.inputElementType(0);
  if (!isa<FloatType>(type) || im.inputElementType(1) != type)
    return im.fail("X and W must be float tensors of one element type");
  const ConstTensor *weights = im.constInput(1);
  if (!weights)
    return im.fail("W must be a constant (an initializer)");
  int64_t group = im.attrInt("group", 1);
  int64_t channels = xShape[1], filters = wShape[0];
  if (ShapedType::isDynamic(channels))
    return im.fail("the channel dim of X must be static");
  if (group < 1 || channels % group || filters % group ||
      wShape[1] * group != channels)
    return im.fail("group " + std::to_string(group) + " does not divide " +
                   std::to_string(channels) + " input channels into W's " +
                   std::to_string(wShape[1]) + " per group");
  if (auto ks = im.attrInts("kernel_shape"))
    if (ks->size() != 2 || (*ks)[0] != wShape[2] || (*ks)[1] != wShape[3])
      return im.fail("kernel_shape does not match W");
  int64_t in[2] = {xShape[2], xShape[3]};
  int64_t kernel[2] = {wShape[2], wShape[3]};
  auto w = readWindow(im, in, kernel, /*allowCeil=*/false);
  if (failed(w))
    return failure();

  Value bias;
  if (im.hasInput(2)) {
    auto bShape = im.inputShape(2);
    if (bShape.size() != 1 || bShape[0] != filters)
      return im.fail("B must have one value per output channel");
    bias = im.input(2);
  }
  Value x = im.nhwcInput(0);
  if (!x)
    return failure();
  Value padded = padNHWC(im, x, *w, 0.0);
  OpBuilder &b = im.b();
  auto strides = b.getI64TensorAttr({w->stride[0], w->stride[1]});
  auto dilations = b.getI64TensorAttr({w->dilation[0], w->dilation[1]});
  llvm::SmallVector<int64_t> outShape = {xShape[0], w->output[0], w->output[1],
                                         filters};
  auto outType = RankedTensorType::get(outShape, type);

  if (group == 1) {
    Value hwcf =
        im.constant(weights->transposed({2, 3, 1, 0}), im.inputName(1));
    Value init = initWithBias(im, outShape, type, bias, x);
    Value conv = linalg::Conv2DNhwcHwcfOp::create(
                     b, im.loc(), TypeRange{outType}, ValueRange{padded, hwcf},
                     ValueRange{init}, strides, dilations)
                     .getResult(0);
    im.setOutput(0, conv, /*nhwc=*/true);
    return success();
  }
  if (group == channels && filters == channels) {
    // Depthwise: W [C, 1, kh, kw] -> [kh, kw, C].
    Value hwc = im.constant(weights->reshaped({channels, wShape[2], wShape[3]})
                                .transposed({1, 2, 0}),
                            im.inputName(1));
    Value init = initWithBias(im, outShape, type, bias, x);
    Value conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
                     b, im.loc(), TypeRange{outType}, ValueRange{padded, hwc},
                     ValueRange{init}, strides, dilations)
                     .getResult(0);
    im.setOutput(0, conv, /*nhwc=*/true);
    return success();
  }
  // Groups: each a convolution on its slice of channels, concatenated.
  int64_t inPer = channels / group, outPer = filters / group;
  auto paddedType = cast<RankedTensorType>(padded.getType());
  ConstTensor hwcf = weights->transposed({2, 3, 1, 0}); // [kh, kw, Cg, F]
  llvm::SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    llvm::SmallVector<OpFoldResult> offsets = {
        b.getIndexAttr(0), b.getIndexAttr(0), b.getIndexAttr(0),
        b.getIndexAttr(g * inPer)};
    llvm::SmallVector<OpFoldResult> sizes;
    for (int d = 0; d < 3; ++d)
      sizes.push_back(
          paddedType.isDynamicDim(d)
              ? OpFoldResult(im.dim(padded, d))
              : OpFoldResult(b.getIndexAttr(paddedType.getDimSize(d))));
    sizes.push_back(b.getIndexAttr(inPer));
    llvm::SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
    Value slice = tensor::ExtractSliceOp::create(b, im.loc(), padded, offsets,
                                                 sizes, ones);
    // Filters g*outPer .. of the HWCF weights.
    Value groupWeights = im.constant(
        hwcf.select({wShape[2], wShape[3], inPer, outPer},
                    [&](int64_t i) {
                      return i / outPer * filters + g * outPer + i % outPer;
                    }),
        im.inputName(1));
    llvm::SmallVector<int64_t> partShape = {xShape[0], w->output[0],
                                            w->output[1], outPer};
    Value partBias;
    if (bias) {
      llvm::SmallVector<OpFoldResult> bo = {b.getIndexAttr(g * outPer)},
                                      bs = {b.getIndexAttr(outPer)},
                                      bst = {b.getIndexAttr(1)};
      partBias = tensor::ExtractSliceOp::create(b, im.loc(), bias, bo, bs, bst);
    }
    Value init = initWithBias(im, partShape, type, partBias, x);
    parts.push_back(linalg::Conv2DNhwcHwcfOp::create(
                        b, im.loc(),
                        TypeRange{RankedTensorType::get(partShape, type)},
                        ValueRange{slice, groupWeights}, ValueRange{init},
                        strides, dilations)
                        .getResult(0));
  }
  Value result = tensor::ConcatOp::create(b, im.loc(), /*dim=*/3, parts);
  im.setOutput(0, result, /*nhwc=*/true);
  return success();
}

template <bool isMax> LogicalResult convertPool(GraphImporter &im) {
  auto xShape = im.inputShape(0);
  if (xShape.size() != 4)
    return im.fail("only 2-D pooling (a rank-4 input) is supported");
  Type type = im.inputElementType(0);
  if (!isa<FloatType>(type))
    return im.fail("needs a float input");
  auto ks = im.attrInts("kernel_shape");
  if (!ks || ks->size() != 2)
    return im.fail("kernel_shape must have 2 values");
  if (isMax && im.numOutputs() > 1 && !im.outputName(1).empty())
    return im.fail("the Indices output is not supported");
  if (im.attrInt("storage_order", 0) != 0)
    return im.fail("storage_order 1 is not supported");
  int64_t in[2] = {xShape[2], xShape[3]};
  int64_t kernel[2] = {(*ks)[0], (*ks)[1]};
  auto w = readWindow(im, in, kernel, /*allowCeil=*/true);
  if (failed(w))
    return failure();
  if (w->dilation[0] != 1 || w->dilation[1] != 1)
    return im.fail("dilated pooling is not supported");
  for (int d = 0; d < 2; ++d)
    if (w->padBefore[d] >= kernel[d] || w->declaredAfter[d] >= kernel[d])
      return im.fail("pads must be smaller than the kernel (a window of "
                     "padding only)");
  Value x = im.nhwcInput(0);
  if (!x)
    return failure();
  OpBuilder &b = im.b();
  llvm::SmallVector<int64_t> outShape = {xShape[0], w->output[0], w->output[1],
                                         xShape[1]};
  auto outType = RankedTensorType::get(outShape, type);
  bool countPad = !isMax && im.attrInt("count_include_pad", 0) != 0;
  // tosa wants (in + pads - kernel) divisible by the stride: the pads the
  // output reads are exactly that; trailing unread rows are sliced off.
  int64_t before[2] = {w->padBefore[0], w->padBefore[1]};
  int64_t after[2] = {w->padAfter[0], w->padAfter[1]};
  if (after[0] < 0 || after[1] < 0) {
    auto xType = cast<RankedTensorType>(x.getType());
    llvm::SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)), sizes,
        ones(4, b.getIndexAttr(1));
    sizes.push_back(xType.isDynamicDim(0) ? OpFoldResult(im.dim(x, 0))
                                          : b.getIndexAttr(xShape[0]));
    sizes.push_back(b.getIndexAttr(in[0] + std::min<int64_t>(after[0], 0)));
    sizes.push_back(b.getIndexAttr(in[1] + std::min<int64_t>(after[1], 0)));
    sizes.push_back(b.getIndexAttr(xShape[1]));
    x = tensor::ExtractSliceOp::create(b, im.loc(), x, offsets, sizes, ones);
    after[0] = std::max<int64_t>(after[0], 0);
    after[1] = std::max<int64_t>(after[1], 0);
  }
  if (countPad && (before[0] || before[1] || after[0] || after[1])) {
    // The model's pads count in the divisor: padded here, not by the
    // pooling. What ceil_mode adds beyond them does not count (a window is
    // cut at the padded edge): the pooling's own padding, excluded.
    Window explicitPad = *w;
    for (int d = 0; d < 2; ++d) {
      int64_t counted = std::min(after[d], w->declaredAfter[d]);
      explicitPad.padBefore[d] = before[d];
      explicitPad.padAfter[d] = counted;
      before[d] = 0;
      after[d] -= counted;
    }
    x = padNHWC(im, x, explicitPad, 0.0);
  }
  auto kernelAttr = b.getDenseI64ArrayAttr({kernel[0], kernel[1]});
  auto strideAttr = b.getDenseI64ArrayAttr({w->stride[0], w->stride[1]});
  auto padAttr =
      b.getDenseI64ArrayAttr({before[0], after[0], before[1], after[1]});
  Value result;
  if (isMax) {
    result = tosa::MaxPool2dOp::create(b, im.loc(), outType, x, kernelAttr,
                                       strideAttr, padAttr);
  } else {
    Value zp = im.zeroPoint(type);
    result =
        tosa::AvgPool2dOp::create(b, im.loc(), outType, x, zp, zp, kernelAttr,
                                  strideAttr, padAttr, TypeAttr::get(type));
  }
  im.setOutput(0, result, /*nhwc=*/true);
  return success();
}

template <bool isMax> LogicalResult convertGlobalPool(GraphImporter &im) {
  auto xShape = im.inputShape(0);
  if (xShape.size() != 4)
    return im.fail("only rank-4 inputs are supported");
  Type type = im.inputElementType(0);
  if (!isa<FloatType>(type))
    return im.fail("needs a float input");
  if (ShapedType::isDynamic(xShape[2]) || ShapedType::isDynamic(xShape[3]))
    return im.fail("dynamic spatial dims are not supported");
  Value x = im.nhwcInput(0);
  if (!x)
    return failure();
  OpBuilder &b = im.b();
  llvm::SmallVector<int64_t> shape = {xShape[0], 1, xShape[3], xShape[1]};
  Value rows, cols;
  if (isMax) {
    rows = tosa::ReduceMaxOp::create(b, im.loc(),
                                     RankedTensorType::get(shape, type), x,
                                     b.getI32IntegerAttr(1));
    shape[2] = 1;
    cols = tosa::ReduceMaxOp::create(b, im.loc(),
                                     RankedTensorType::get(shape, type), rows,
                                     b.getI32IntegerAttr(2));
    im.setOutput(0, cols, /*nhwc=*/true);
    return success();
  }
  rows =
      tosa::ReduceSumOp::create(b, im.loc(), RankedTensorType::get(shape, type),
                                x, b.getI32IntegerAttr(1));
  shape[2] = 1;
  cols =
      tosa::ReduceSumOp::create(b, im.loc(), RankedTensorType::get(shape, type),
                                rows, b.getI32IntegerAttr(2));
  double scale = 1.0 / double(xShape[2] * xShape[3]);
  auto mean = im.elementwise(
      {cols}, type, [scale](OpBuilder &nb, Location loc, ValueRange a) {
        Value s = arith::ConstantOp::create(
            nb, loc, nb.getFloatAttr(a[0].getType(), scale));
        return Value(arith::MulFOp::create(nb, loc, a[0], s));
      });
  im.setOutput(0, *mean, /*nhwc=*/true);
  return success();
}

LogicalResult convertBatchNormalization(GraphImporter &im) {
  if (im.attrInt("training_mode", 0) != 0)
    return im.fail("training_mode is not supported (inference only)");
  for (unsigned i = 1; i < 5; ++i)
    if (!im.constInput(i))
      return im.fail("scale, B, mean and var must be constants");
  auto xShape = im.inputShape(0);
  if (xShape.size() < 2)
    return im.fail("X must have rank 2 or more");
  Type type = im.inputElementType(0);
  if (!isa<FloatType>(type))
    return im.fail("needs a float input");
  int64_t channels = xShape[1];
  const ConstTensor *scale = im.constInput(1), *bias = im.constInput(2),
                    *mean = im.constInput(3), *var = im.constInput(4);
  for (const ConstTensor *c : {scale, bias, mean, var})
    if (c->size() != channels)
      return im.fail("scale, B, mean and var need one value per channel");
  // y = x * a + c, a = scale / sqrt(var + eps), c = B - mean * a: folded
  // here, then fused as the producer's epilogue by global-opt.
  double epsilon = im.attrFloat("epsilon", 1e-5f);
  std::vector<double> a(channels), c(channels);
  for (int64_t i = 0; i < channels; ++i) {
    a[i] = scale->getDouble(i) / std::sqrt(var->getDouble(i) + epsilon);
    c[i] = bias->getDouble(i) - mean->getDouble(i) * a[i];
  }
  auto kind = *im.kindOf(type);
  bool nhwc = im.isNHWC(0);
  // Per channel: [C] along NHWC's last dim, else [C, 1, ...].
  llvm::SmallVector<int64_t> shape = {channels};
  if (!nhwc)
    shape.append(xShape.size() - 2, 1);
  Value x = nhwc ? im.nhwcInput(0) : im.input(0);
  Value av = im.constant(ConstTensor::fromDoubles(kind, a, shape),
                         im.nodeName() + "_scale");
  Value cv = im.constant(ConstTensor::fromDoubles(kind, c, shape),
                         im.nodeName() + "_shift");
  auto y = im.elementwise(
      {x, av, cv}, type, [](OpBuilder &b, Location loc, ValueRange v) {
        Value m = arith::MulFOp::create(b, loc, v[0], v[1]);
        return Value(arith::AddFOp::create(b, loc, m, v[2]));
      });
  if (failed(y))
    return im.fail("X does not broadcast with its per-channel parameters");
  im.setOutput(0, *y, nhwc);
  return success();
}

} // namespace

void addConvolutionConverters(ConverterTable &t) {
  t["Conv"] = convertConv;
  t["MaxPool"] = convertPool<true>;
  t["AveragePool"] = convertPool<false>;
  t["GlobalAveragePool"] = convertGlobalPool<false>;
  t["GlobalMaxPool"] = convertGlobalPool<true>;
  t["BatchNormalization"] = convertBatchNormalization;
}

} // namespace mlir::tessera::onnx_import
