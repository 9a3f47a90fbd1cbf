//===- ShapeOps.cpp - Shapes, constants and data movement -----------------===//
//
// Shape computations (Shape, Gather, Concat, Unsqueeze, ... on what is
// known at import time) are evaluated here: exporters write them around
// every Reshape, and none of them should become a dispatch. What moves
// data becomes tosa (transpose, concat, reshape), tensor slices, or a
// linalg.generic gather.
//
//===----------------------------------------------------------------------===//

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cmath>

namespace mlir::tessera::onnx_import {

namespace {

/// Folded results up to this many elements; larger stay values.
constexpr int64_t kFoldLimit = 1 << 16;

/// `axis` in [-rank, rank) as [0, rank); fails with a message otherwise.
FailureOr<int64_t> normalizeAxis(GraphImporter &im, int64_t axis,
                                 int64_t rank) {
  if (axis < -rank || axis >= rank) {
    (void)im.fail("axis " + std::to_string(axis) + " is outside rank " +
                  std::to_string(rank));
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

/// The integer values of constant input `i`, or failure with a message.
FailureOr<std::vector<int64_t>> constInts(GraphImporter &im, unsigned i,
                                          llvm::StringRef what) {
  const ConstTensor *c = im.constInput(i);
  if (!c) {
    (void)im.fail(what + " must be a constant (computed from static shapes "
                         "or initializers)");
    return failure();
  }
  return c->ints();
}

LogicalResult convertIdentity(GraphImporter &im) {
  if (im.isSymbolic(0)) {
    im.setSymbolicOutput(0, *im.symbolicInput(0));
    return success();
  }
  if (const ConstTensor *c = im.constInput(0)) {
    im.setConstOutput(0, *c);
    return success();
  }
  bool nhwc = im.isNHWC(0);
  Value v = nhwc ? im.nhwcInput(0) : im.input(0);
  if (!v)
    return im.fail("needs an input");
  im.setOutput(0, v, nhwc);
  return success();
}

LogicalResult convertDropout(GraphImporter &im) {
  if (im.numOutputs() > 1 && !im.outputName(1).empty())
    return im.fail("the mask output is not supported (inference only)");
  if (const ConstTensor *mode = im.constInput(2); mode && mode->getInt(0))
    return im.fail("training_mode is not supported (inference only)");
  return convertIdentity(im);
}

LogicalResult convertConstant(GraphImporter &im) {
  const onnx::NodeProto &node = im.node();
  if (node.attribute_size() != 1)
    return im.fail("needs exactly one attribute");
  const onnx::AttributeProto &attr = node.attribute(0);
  if (attr.name() == "value") {
    auto t = im.attrTensor(attr.t());
    if (!t)
      return im.fail(llvm::toString(t.takeError()));
    im.setConstOutput(0, std::move(*t));
  } else if (attr.name() == "value_float") {
    im.setConstOutput(
        0, ConstTensor::fromDoubles(ElementKind::F32, {double(attr.f())}, {}));
  } else if (attr.name() == "value_floats") {
    std::vector<double> v(attr.floats().begin(), attr.floats().end());
    im.setConstOutput(
        0, ConstTensor::fromDoubles(ElementKind::F32, v, {int64_t(v.size())}));
  } else if (attr.name() == "value_int") {
    im.setConstOutput(0,
                      ConstTensor::fromInts(ElementKind::I64, {attr.i()}, {}));
  } else if (attr.name() == "value_ints") {
    std::vector<int64_t> v(attr.ints().begin(), attr.ints().end());
    im.setConstOutput(
        0, ConstTensor::fromInts(ElementKind::I64, v, {int64_t(v.size())}));
  } else {
    return im.fail("attribute '" + attr.name() + "' is not supported");
  }
  return success();
}

LogicalResult convertShape(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  int64_t start = im.attrInt("start", 0), end = im.attrInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  std::vector<int64_t> dims(shape.begin() + start, shape.begin() + end);
  if (llvm::any_of(dims, ShapedType::isDynamic)) {
    // Dims known when the program runs: tensor.dim, on the host.
    static const int64_t nhwcPosition[4] = {0, 3, 1, 2};
    bool nhwc = im.isNHWC(0);
    Value source = nhwc ? im.nhwcInput(0) : im.input(0);
    if (!source)
      return im.fail("needs an input");
    SymbolicInts ints;
    for (int64_t d = start; d < end; ++d)
      ints.elements.push_back(
          ShapedType::isDynamic(shape[d])
              ? OpFoldResult(im.dim(source, nhwc ? nhwcPosition[d] : d))
              : OpFoldResult(im.b().getI64IntegerAttr(shape[d])));
    im.setSymbolicOutput(0, std::move(ints));
    return success();
  }
  im.setConstOutput(
      0, ConstTensor::fromInts(ElementKind::I64, dims, {int64_t(dims.size())}));
  return success();
}

LogicalResult convertSize(GraphImporter &im) {
  auto shape = im.inputShape(0);
  auto count = elementCount(shape);
  if (!count)
    return im.fail("the size of a tensor with dynamic dims is not known");
  im.setConstOutput(0, ConstTensor::fromInts(ElementKind::I64, {*count}, {}));
  return success();
}

LogicalResult convertConstantOfShape(GraphImporter &im) {
  auto dims = constInts(im, 0, "the shape");
  if (failed(dims))
    return failure();
  llvm::SmallVector<int64_t> shape(dims->begin(), dims->end());
  auto count = elementCount(shape);
  if (!count || *count > (int64_t(1) << 31))
    return im.fail("the shape is negative or too large");
  ElementKind kind = ElementKind::F32;
  double value = 0;
  if (const auto *attr = im.attribute("value")) {
    auto t = im.attrTensor(attr->t());
    if (!t)
      return im.fail(llvm::toString(t.takeError()));
    if (t->size() != 1)
      return im.fail("value must hold one element");
    kind = t->kind();
    value = isFloat(kind) ? t->getDouble(0) : double(t->getInt(0));
  }
  if (*count <= kFoldLimit) {
    im.setConstOutput(0, ConstTensor::splat(kind, value, shape));
    return success();
  }
  // A large splat is a fill for the compiler, not bytes to hold here.
  Type elementType = im.elementType(kind);
  auto type = RankedTensorType::get(shape, elementType);
  Attribute element =
      isFloat(kind)
          ? Attribute(im.b().getFloatAttr(elementType, value))
          : Attribute(im.b().getIntegerAttr(elementType, int64_t(value)));
  im.setOutput(
      0, arith::ConstantOp::create(im.b(), im.loc(), type,
                                   DenseElementsAttr::get(type, element)));
  return success();
}

/// The target of a Reshape: 0 copies the input dim (unless allowzero), -1
/// is inferred.
FailureOr<llvm::SmallVector<int64_t>>
reshapeTarget(GraphImporter &im, llvm::ArrayRef<int64_t> in,
              llvm::ArrayRef<int64_t> requested, bool allowZero) {
  llvm::SmallVector<int64_t> out;
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(requested)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size()) {
        (void)im.fail("shape copies dim " + std::to_string(i) + " of a rank-" +
                      std::to_string(in.size()) + " input");
        return failure();
      }
      out.push_back(in[i]);
    } else if (d == -1) {
      if (inferred >= 0) {
        (void)im.fail("shape has more than one -1");
        return failure();
      }
      inferred = i;
      out.push_back(ShapedType::kDynamic);
    } else if (ShapedType::isDynamic(d)) {
      out.push_back(d); // computed from a dynamic dim when the program runs
    } else if (d < 0) {
      (void)im.fail("shape has a negative size " + std::to_string(d));
      return failure();
    } else {
      out.push_back(d);
    }
  }
  auto inCount = elementCount(in);
  int64_t known = 1;
  bool dynamicOut = false;
  for (auto [i, d] : llvm::enumerate(out)) {
    if (int64_t(i) == inferred)
      continue;
    if (ShapedType::isDynamic(d)) {
      dynamicOut = true;
      continue;
    }
    if (d != 0 && known > (int64_t(1) << 40) / d) {
      (void)im.fail("shape is too large");
      return failure();
    }
    known *= d;
  }
  if (inferred >= 0 && inCount && !dynamicOut) {
    if (known == 0 || *inCount % known) {
      (void)im.fail("cannot infer the -1 dim: " + std::to_string(*inCount) +
                    " elements are not a multiple of " + std::to_string(known));
      return failure();
    }
    out[inferred] = *inCount / known;
  } else if (inCount && !dynamicOut && known != *inCount) {
    (void)im.fail("shape has " + std::to_string(known) +
                  " elements, the input " + std::to_string(*inCount));
    return failure();
  }
  return out;
}

LogicalResult emitReshape(GraphImporter &im, llvm::ArrayRef<int64_t> target) {
  if (im.isSymbolic(0)) {
    // Shape arithmetic between a scalar and a one-element vector.
    SymbolicInts ints = *im.symbolicInput(0);
    if (target.size() > 1)
      return im.fail("a shape computed from a dynamic dim reshaped to rank " +
                     std::to_string(target.size()) + ": not supported");
    ints.scalar = target.empty();
    im.setSymbolicOutput(0, std::move(ints));
    return success();
  }
  if (const ConstTensor *c = im.constInput(0)) {
    im.setConstOutput(0, c->reshaped(llvm::SmallVector<int64_t>(target)));
    return success();
  }
  Value in = im.input(0);
  if (!in)
    return im.fail("needs an input");
  auto result = im.reshape(in, target);
  if (failed(result))
    return im.fail("this reshape of dynamic dims is not supported");
  im.setOutput(0, *result);
  return success();
}

/// A Reshape of data whose shape or target is known only when the program
/// runs: the sizes as given (0 copies the input's dim, -1 is what the others
/// leave), the element count checked on the host.
LogicalResult reshapeAtRuntime(GraphImporter &im,
                               llvm::ArrayRef<OpFoldResult> elements) {
  Value in = im.input(0);
  if (!in)
    return im.fail("needs an input");
  auto type = cast<RankedTensorType>(in.getType());
  bool allowZero = im.attrInt("allowzero", 0) != 0;
  llvm::SmallVector<OpFoldResult> sizes;
  bool inferred = false;
  for (auto [i, e] : llvm::enumerate(elements)) {
    auto constant = getConstantIntValue(e);
    if (!constant) {
      sizes.push_back(e);
      continue;
    }
    if (*constant == 0 && !allowZero) {
      if (int64_t(i) >= type.getRank())
        return im.fail("shape copies dim " + std::to_string(i) + " of a rank-" +
                       std::to_string(type.getRank()) + " input");
      sizes.push_back(type.isDynamicDim(i) ? OpFoldResult(im.dim(in, i))
                                           : OpFoldResult(im.b().getIndexAttr(
                                                 type.getDimSize(i))));
    } else if (*constant == -1) {
      if (inferred)
        return im.fail("shape has more than one -1");
      inferred = true;
      sizes.push_back(OpFoldResult());
    } else if (*constant < 0) {
      return im.fail("shape has a negative size " + std::to_string(*constant));
    } else {
      sizes.push_back(im.b().getIndexAttr(*constant));
    }
  }
  auto result =
      im.reshapeChecked(in, sizes, "Reshape node '" + im.nodeName() + "'");
  if (failed(result))
    return im.fail("this reshape is not supported");
  im.setOutput(0, *result);
  return success();
}

LogicalResult convertReshape(GraphImporter &im) {
  // Data reshaped by sizes known when the program runs, or with dynamic
  // dims: sizes computed and checked on the host.
  bool dynamicInput = llvm::any_of(im.inputShape(0), ShapedType::isDynamic);
  if (!im.isSymbolic(0) && !im.constInput(0) &&
      (im.isSymbolic(1) || dynamicInput)) {
    auto elements = im.symbolicInput(1);
    if (!elements)
      return im.fail("the shape must be a constant, or computed from shapes");
    return reshapeAtRuntime(im, elements->elements);
  }
  FailureOr<std::vector<int64_t>> requested = failure();
  if (im.isSymbolic(1)) {
    // Sizes known when the program runs are dynamic dims of the result.
    std::vector<int64_t> sizes;
    SymbolicInts shape = *im.symbolicInput(1);
    for (OpFoldResult e : shape.elements)
      sizes.push_back(isa<Attribute>(e)
                          ? cast<IntegerAttr>(cast<Attribute>(e)).getInt()
                          : ShapedType::kDynamic);
    requested = sizes;
  } else {
    requested = constInts(im, 1, "the shape");
  }
  if (failed(requested))
    return failure();
  auto target = reshapeTarget(im, im.inputShape(0), *requested,
                              im.attrInt("allowzero", 0) != 0);
  if (failed(target))
    return failure();
  return emitReshape(im, *target);
}

LogicalResult convertFlatten(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  int64_t axis = im.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return im.fail("axis is outside the rank");
  if (axis < 0)
    axis += rank;
  auto prod = [&](int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t d = from; d < to; ++d) {
      if (ShapedType::isDynamic(shape[d]))
        return ShapedType::kDynamic;
      p *= shape[d];
    }
    return p;
  };
  return emitReshape(im, {prod(0, axis), prod(axis, rank)});
}

LogicalResult convertSqueezeUnsqueeze(GraphImporter &im, bool squeeze) {
  auto shape = im.inputShape(0);
  llvm::SmallVector<int64_t> axes;
  if (im.hasInput(1)) {
    auto values = constInts(im, 1, "axes");
    if (failed(values))
      return failure();
    axes.assign(values->begin(), values->end());
  } else if (auto attr = im.attrInts("axes")) {
    axes = *attr;
  }
  llvm::SmallVector<int64_t> result;
  if (squeeze) {
    int64_t rank = shape.size();
    llvm::SmallVector<bool> drop(rank, axes.empty());
    for (int64_t a : axes) {
      auto axis = normalizeAxis(im, a, rank);
      if (failed(axis))
        return failure();
      if (shape[*axis] != 1)
        return im.fail("cannot squeeze dim " + std::to_string(*axis) +
                       " of size " +
                       (ShapedType::isDynamic(shape[*axis])
                            ? std::string("? (dynamic)")
                            : std::to_string(shape[*axis])));
      drop[*axis] = true;
    }
    for (int64_t d = 0; d < rank; ++d)
      if (!(drop[d] && shape[d] == 1))
        result.push_back(shape[d]);
  } else {
    int64_t rank = shape.size() + axes.size();
    llvm::SmallVector<bool> insert(rank, false);
    for (int64_t a : axes) {
      auto axis = normalizeAxis(im, a, rank);
      if (failed(axis))
        return failure();
      if (insert[*axis])
        return im.fail("axis " + std::to_string(a) + " is given twice");
      insert[*axis] = true;
    }
    unsigned next = 0;
    for (int64_t d = 0; d < rank; ++d)
      result.push_back(insert[d] ? 1 : shape[next++]);
  }
  return emitReshape(im, result);
}

LogicalResult convertSqueeze(GraphImporter &im) {
  return convertSqueezeUnsqueeze(im, true);
}
LogicalResult convertUnsqueeze(GraphImporter &im) {
  return convertSqueezeUnsqueeze(im, false);
}

LogicalResult convertTranspose(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  llvm::SmallVector<int64_t> perm;
  if (auto attr = im.attrInts("perm")) {
    perm = *attr;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  llvm::SmallVector<bool> seen(rank, false);
  if (int64_t(perm.size()) != rank)
    return im.fail("perm must have one entry per dim");
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return im.fail("perm is not a permutation");
    seen[p] = true;
  }
  if (const ConstTensor *c = im.constInput(0)) {
    im.setConstOutput(0, c->transposed(perm));
    return success();
  }
  if (im.isNHWC(0)) {
    // Logical dim p lives at physical position [0, 3, 1, 2][p].
    static const int64_t position[4] = {0, 3, 1, 2};
    llvm::SmallVector<int64_t> physical;
    for (int64_t p : perm)
      physical.push_back(position[p]);
    im.setOutput(0, im.transpose(im.nhwcInput(0), physical));
    return success();
  }
  im.setOutput(0, im.transpose(im.input(0), perm));
  return success();
}

LogicalResult convertConcat(GraphImporter &im) {
  unsigned n = im.numInputs();
  if (n == 0)
    return im.fail("needs inputs");
  int64_t rank = im.inputShape(0).size();
  auto axis = normalizeAxis(im, im.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  llvm::SmallVector<unsigned> present;
  for (unsigned i = 0; i < n; ++i)
    if (im.hasInput(i))
      present.push_back(i);
  Type type = im.inputElementType(present[0]);
  auto firstShape = im.inputShape(present[0]);
  for (unsigned i : present) {
    auto shape = im.inputShape(i);
    if (int64_t(shape.size()) != rank)
      return im.fail("inputs have different ranks");
    if (im.inputElementType(i) != type)
      return im.fail("inputs have different element types");
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && !ShapedType::isDynamic(shape[d]) &&
          !ShapedType::isDynamic(firstShape[d]) && shape[d] != firstShape[d])
        return im.fail("input " + std::to_string(i) + " has size " +
                       std::to_string(shape[d]) + " in dim " +
                       std::to_string(d) + ", input 0 " +
                       std::to_string(firstShape[d]) +
                       " (only the axis may differ)");
  }
  // Shape arithmetic: the elements, one after the other.
  if (rank == 1 &&
      llvm::any_of(present, [&](unsigned i) { return im.isSymbolic(i); })) {
    SymbolicInts ints;
    for (unsigned i : present) {
      auto part = im.symbolicInput(i);
      if (!part)
        return im.fail("input " + std::to_string(i) +
                       " is data, the others shape arithmetic");
      ints.elements.append(part->elements);
    }
    im.setSymbolicOutput(0, std::move(ints));
    return success();
  }
  // Folded when every input is known and small.
  bool allConst = llvm::all_of(present, [&](unsigned i) {
    const ConstTensor *c = im.constInput(i);
    return c && c->size() <= kFoldLimit;
  });
  if (allConst) {
    const ConstTensor *first = im.constInput(present[0]);
    llvm::SmallVector<int64_t> shape(first->shape());
    shape[*axis] = 0;
    for (unsigned i : present)
      shape[*axis] += im.constInput(i)->shape()[*axis];
    int64_t outer = 1;
    for (int64_t d = 0; d < *axis; ++d)
      outer *= shape[d];
    ConstTensor result(first->kind(), shape);
    std::vector<double> values;
    std::vector<int64_t> ints;
    bool floats = isFloat(first->kind());
    for (int64_t o = 0; o < outer; ++o)
      for (unsigned i : present) {
        const ConstTensor *c = im.constInput(i);
        int64_t chunk = outer ? c->size() / outer : 0;
        for (int64_t j = 0; j < chunk; ++j) {
          if (floats)
            values.push_back(c->getDouble(o * chunk + j));
          else
            ints.push_back(c->getInt(o * chunk + j));
        }
      }
    im.setConstOutput(
        0, floats ? ConstTensor::fromDoubles(first->kind(), values, shape)
                  : ConstTensor::fromInts(first->kind(), ints, shape));
    return success();
  }
  bool nhwc = rank == 4 && *axis == 1 &&
              llvm::all_of(present,
                           [&](unsigned i) {
                             return im.isNHWC(i) || im.constInput(i);
                           }) &&
              llvm::any_of(present, [&](unsigned i) { return im.isNHWC(i); });
  llvm::SmallVector<Value> operands;
  for (unsigned i : present) {
    Value v = nhwc ? im.nhwcInput(i) : im.input(i);
    if (!v)
      return failure();
    operands.push_back(v);
  }
  int64_t dim = nhwc ? 3 : *axis;
  Value result = tensor::ConcatOp::create(im.b(), im.loc(), dim, operands);
  im.setOutput(0, result, nhwc);
  return success();
}

LogicalResult convertSlice(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  auto starts = constInts(im, 1, "starts");
  auto ends = constInts(im, 2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  std::vector<int64_t> axes, steps;
  if (im.hasInput(3)) {
    auto a = constInts(im, 3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (size_t i = 0; i < starts->size(); ++i)
      axes.push_back(i);
  }
  if (im.hasInput(4)) {
    auto s = constInts(im, 4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  } else {
    steps.assign(starts->size(), 1);
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return im.fail("starts, ends, axes and steps differ in length");
  llvm::SmallVector<int64_t> offsets(rank, 0), sizes(shape), strides(rank, 1);
  llvm::SmallVector<bool> sliced(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = normalizeAxis(im, axes[i], rank);
    if (failed(axis))
      return failure();
    if (sliced[*axis])
      return im.fail("an axis is sliced twice");
    sliced[*axis] = true;
    int64_t step = steps[i];
    if (step <= 0)
      return im.fail("steps must be positive (negative steps are not "
                     "supported)");
    int64_t dim = shape[*axis];
    if (ShapedType::isDynamic(dim)) {
      if ((*starts)[i] == 0 && (*ends)[i] >= (int64_t(1) << 31) && step == 1)
        continue; // the whole dynamic dim
      return im.fail("slicing a dynamic dim is not supported");
    }
    int64_t start = (*starts)[i], end = (*ends)[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    offsets[*axis] = start;
    strides[*axis] = step;
    sizes[*axis] = end > start ? (end - start + step - 1) / step : 0;
  }
  if (const ConstTensor *c = im.constInput(0); c && c->size() <= kFoldLimit) {
    llvm::SmallVector<int64_t> inStrides = stridesOf(c->shape());
    llvm::SmallVector<int64_t> outStrides = stridesOf(sizes);
    im.setConstOutput(0, c->select(sizes, [&](int64_t flat) {
      int64_t index = 0;
      for (int64_t d = 0; d < rank; ++d)
        index += (offsets[d] + flat / outStrides[d] % sizes[d] * strides[d]) *
                 inStrides[d];
      return index;
    }));
    return success();
  }
  Value in = im.input(0);
  if (!in)
    return im.fail("needs an input");
  OpBuilder &b = im.b();
  llvm::SmallVector<OpFoldResult> o, s, st;
  for (int64_t d = 0; d < rank; ++d) {
    o.push_back(b.getIndexAttr(offsets[d]));
    s.push_back(ShapedType::isDynamic(sizes[d]) ? OpFoldResult(im.dim(in, d))
                                                : b.getIndexAttr(sizes[d]));
    st.push_back(b.getIndexAttr(strides[d]));
  }
  im.setOutput(0, tensor::ExtractSliceOp::create(b, im.loc(), in, o, s, st));
  return success();
}

LogicalResult convertSplit(GraphImporter &im) {
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  auto axis = normalizeAxis(im, im.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  int64_t dim = shape[*axis];
  if (ShapedType::isDynamic(dim))
    return im.fail("splitting a dynamic dim is not supported");
  std::vector<int64_t> parts;
  if (im.hasInput(1)) {
    auto split = constInts(im, 1, "split");
    if (failed(split))
      return failure();
    parts = *split;
  } else {
    int64_t n = im.numOutputs();
    if (n == 0 || dim % n)
      return im.fail("cannot split " + std::to_string(dim) + " into " +
                     std::to_string(n) + " equal parts");
    parts.assign(n, dim / n);
  }
  if (int64_t(parts.size()) != im.numOutputs())
    return im.fail("split sizes and outputs differ in number");
  int64_t total = 0;
  for (int64_t p : parts) {
    if (p < 0)
      return im.fail("split sizes must not be negative");
    total += p;
  }
  if (total != dim)
    return im.fail("split sizes do not add up to the dim");
  Value in = im.input(0);
  if (!in)
    return failure();
  OpBuilder &b = im.b();
  int64_t offset = 0;
  for (auto [i, size] : llvm::enumerate(parts)) {
    llvm::SmallVector<OpFoldResult> o, s, st;
    for (int64_t d = 0; d < rank; ++d) {
      o.push_back(b.getIndexAttr(d == *axis ? offset : 0));
      if (d == *axis)
        s.push_back(b.getIndexAttr(size));
      else
        s.push_back(ShapedType::isDynamic(shape[d])
                        ? OpFoldResult(im.dim(in, d))
                        : OpFoldResult(b.getIndexAttr(shape[d])));
      st.push_back(b.getIndexAttr(1));
    }
    im.setOutput(i, tensor::ExtractSliceOp::create(b, im.loc(), in, o, s, st));
    offset += size;
  }
  return success();
}

LogicalResult convertGather(GraphImporter &im) {
  auto dataShape = im.inputShape(0), indexShape = im.inputShape(1);
  int64_t rank = dataShape.size(), q = indexShape.size();
  if (rank == 0)
    return im.fail("data must have rank 1 or more");
  auto axis = normalizeAxis(im, im.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  Type indexType = im.inputElementType(1);
  if (!indexType || !(indexType.isInteger(64) || indexType.isInteger(32)))
    return im.fail("indices must be int64 or int32");
  llvm::SmallVector<int64_t> outShape(dataShape.begin(),
                                      dataShape.begin() + *axis);
  outShape.append(indexShape.begin(), indexShape.end());
  outShape.append(dataShape.begin() + *axis + 1, dataShape.end());
  int64_t extent = dataShape[*axis];
  const ConstTensor *data = im.constInput(0), *indices = im.constInput(1);
  if (im.isSymbolic(0)) {
    // Picking dims of a shape.
    SymbolicInts source = *im.symbolicInput(0);
    if (!indices || indices->rank() > 1)
      return im.fail("indices into a shape computed from a dynamic dim must "
                     "be constant, of rank 0 or 1");
    int64_t count = source.elements.size();
    SymbolicInts picked;
    picked.scalar = indices->rank() == 0;
    for (int64_t i = 0; i < indices->size(); ++i) {
      int64_t idx = indices->getInt(i);
      if (idx < -count || idx >= count)
        return im.fail("index " + std::to_string(idx) + " is outside [" +
                       std::to_string(-count) + ", " + std::to_string(count) +
                       ")");
      picked.elements.push_back(source.elements[idx < 0 ? idx + count : idx]);
    }
    im.setSymbolicOutput(0, std::move(picked));
    return success();
  }
  if (data && indices && data->size() <= kFoldLimit &&
      indices->size() <= kFoldLimit) {
    llvm::SmallVector<int64_t> outStrides = stridesOf(outShape);
    llvm::SmallVector<int64_t> inStrides = stridesOf(data->shape());
    llvm::SmallVector<int64_t> idxStrides = stridesOf(indices->shape());
    for (int64_t i = 0; i < indices->size(); ++i)
      if (int64_t idx = indices->getInt(i); idx < -extent || idx >= extent)
        return im.fail("index " + std::to_string(idx) + " is outside [" +
                       std::to_string(-extent) + ", " + std::to_string(extent) +
                       ")");
    im.setConstOutput(0, data->select(outShape, [&](int64_t flat) {
      llvm::SmallVector<int64_t> at;
      for (size_t d = 0; d < outShape.size(); ++d)
        at.push_back(flat / outStrides[d] % outShape[d]);
      int64_t idxFlat = 0;
      for (int64_t d = 0; d < q; ++d)
        idxFlat += at[*axis + d] * idxStrides[d];
      int64_t idx = indices->getInt(idxFlat);
      if (idx < 0)
        idx += extent;
      int64_t index = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t coord = d < *axis ? at[d] : d == *axis ? idx : at[d - 1 + q];
        index += coord * inStrides[d];
      }
      return index;
    }));
    return success();
  }
  Value dataValue = im.input(0), indexValue = im.input(1);
  if (!dataValue || !indexValue)
    return failure();
  if (indices)
    for (int64_t i = 0; i < indices->size(); ++i)
      if (!ShapedType::isDynamic(extent))
        if (int64_t idx = indices->getInt(i); idx < -extent || idx >= extent)
          return im.fail("index " + std::to_string(idx) + " is outside [" +
                         std::to_string(-extent) + ", " +
                         std::to_string(extent) + ")");
  // Negative indices count from the end; out of range ones are clamped by
  // tessera-flow-bound-gather-indices (ONNX leaves them an error; a kernel
  // must not read outside its buffer).
  OpBuilder &b = im.b();
  Type type = cast<RankedTensorType>(dataValue.getType()).getElementType();
  int64_t outRank = outShape.size();
  // Dynamic output dims: the data's before and after the axis, the
  // indices' in between.
  llvm::SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < int64_t(outShape.size()); ++d) {
    if (!ShapedType::isDynamic(outShape[d]))
      continue;
    if (d < *axis)
      dynamicSizes.push_back(im.dim(dataValue, d));
    else if (d < *axis + q)
      dynamicSizes.push_back(im.dim(indexValue, d - *axis));
    else
      dynamicSizes.push_back(im.dim(dataValue, d - q + 1));
  }
  Value init =
      tensor::EmptyOp::create(b, im.loc(), outShape, type, dynamicSizes);
  // Dynamic output dims: those of the data outside the axis come from it.
  Value extentValue =
      ShapedType::isDynamic(extent)
          ? im.dim(dataValue, *axis)
          : Value(arith::ConstantIndexOp::create(b, im.loc(), extent));
  llvm::SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < q; ++d)
    indexExprs.push_back(b.getAffineDimExpr(*axis + d));
  llvm::SmallVector<AffineMap> maps = {
      AffineMap::get(outRank, 0, indexExprs, b.getContext()),
      b.getMultiDimIdentityMap(outRank)};
  llvm::SmallVector<utils::IteratorType> iterators(
      outRank, utils::IteratorType::parallel);
  int64_t gatherAxis = *axis;
  auto generic = linalg::GenericOp::create(
      b, im.loc(), init.getType(), ValueRange{indexValue}, ValueRange{init},
      maps, iterators, [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value idx =
            arith::IndexCastOp::create(nb, loc, nb.getIndexType(), args[0]);
        Value zero = arith::ConstantIndexOp::create(nb, loc, 0);
        Value negative = arith::CmpIOp::create(
            nb, loc, arith::CmpIPredicate::slt, idx, zero);
        Value wrapped = arith::AddIOp::create(nb, loc, idx, extentValue);
        idx = arith::SelectOp::create(nb, loc, negative, wrapped, idx);
        llvm::SmallVector<Value> at;
        for (int64_t d = 0; d < rank; ++d) {
          if (d < gatherAxis)
            at.push_back(linalg::IndexOp::create(nb, loc, d));
          else if (d == gatherAxis)
            at.push_back(idx);
          else
            at.push_back(linalg::IndexOp::create(nb, loc, d - 1 + q));
        }
        Value v = tensor::ExtractOp::create(nb, loc, dataValue, at);
        linalg::YieldOp::create(nb, loc, v);
      });
  im.setOutput(0, generic.getResult(0));
  return success();
}

LogicalResult convertExpand(GraphImporter &im) {
  auto requested = constInts(im, 1, "the shape");
  if (failed(requested))
    return failure();
  llvm::SmallVector<int64_t> target(requested->begin(), requested->end());
  auto shape = im.broadcastShape({im.inputShape(0), target});
  if (failed(shape))
    return im.fail("the input does not broadcast to the shape");
  if (const ConstTensor *c = im.constInput(0);
      c && elementCount(*shape).value_or(kFoldLimit + 1) <= kFoldLimit) {
    // Broadcast on the host: a size-1 dim reads its one element.
    llvm::SmallVector<int64_t> strides = stridesOf(*shape);
    llvm::SmallVector<int64_t> inStrides = stridesOf(c->shape());
    int64_t offset = shape->size() - c->rank();
    im.setConstOutput(0, c->select(*shape, [&](int64_t flat) {
      int64_t index = 0;
      for (int64_t d = 0; d < c->rank(); ++d)
        if (c->shape()[d] != 1)
          index +=
              flat / strides[offset + d] % (*shape)[offset + d] * inStrides[d];
      return index;
    }));
    return success();
  }
  Value in = im.input(0);
  if (!in)
    return failure();
  if (llvm::any_of(*shape, ShapedType::isDynamic))
    return im.fail("expanding to a dynamic shape is not supported");
  // Broadcast through an element-wise copy against a shape-only operand.
  Type type = cast<RankedTensorType>(in.getType()).getElementType();
  Value shaped = im.empty(*shape, type, {});
  auto result =
      im.elementwise({in, shaped}, type,
                     [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  if (failed(result))
    return im.fail("the input does not broadcast to the shape");
  im.setOutput(0, *result);
  return success();
}

LogicalResult convertRange(GraphImporter &im) {
  const ConstTensor *start = im.constInput(0), *limit = im.constInput(1),
                    *delta = im.constInput(2);
  if (!start || !limit || !delta)
    return im.fail("start, limit and delta must be constants");
  double s = start->getDouble(0), l = limit->getDouble(0),
         d = delta->getDouble(0);
  if (d == 0)
    return im.fail("delta is zero");
  double n = std::ceil((l - s) / d);
  if (!(n < double(kFoldLimit)))
    return im.fail("the range is too long to fold");
  int64_t count = std::max<int64_t>(0, int64_t(n));
  std::vector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(s + double(i) * d);
  im.setConstOutput(0,
                    ConstTensor::fromDoubles(start->kind(), values, {count}));
  return success();
}

LogicalResult convertPad(GraphImporter &im) {
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant")
    return im.fail("mode '" + mode + "' is not supported (constant only)");
  auto shape = im.inputShape(0);
  int64_t rank = shape.size();
  auto pads = constInts(im, 1, "pads");
  if (failed(pads))
    return failure();
  if (int64_t(pads->size()) != 2 * rank)
    return im.fail("pads needs 2 values per dim");
  double value = 0;
  if (im.hasInput(2)) {
    const ConstTensor *c = im.constInput(2);
    if (!c || c->size() != 1)
      return im.fail("constant_value must be a constant scalar");
    value = c->getDouble(0);
  }
  llvm::SmallVector<int64_t> low, high;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t l = (*pads)[d], h = (*pads)[d + rank];
    if (l < 0 || h < 0)
      return im.fail("negative pads (cropping) are not supported");
    if (l > (int64_t(1) << 24) || h > (int64_t(1) << 24))
      return im.fail("pads are too large");
    low.push_back(l);
    high.push_back(h);
  }
  bool nhwc = im.isNHWC(0);
  Value in = nhwc ? im.nhwcInput(0) : im.input(0);
  if (!in)
    return failure();
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; })) {
    im.setOutput(0, in, nhwc);
    return success();
  }
  if (nhwc) {
    low = {low[0], low[2], low[3], low[1]};
    high = {high[0], high[2], high[3], high[1]};
  }
  auto type = cast<RankedTensorType>(in.getType());
  OpBuilder &b = im.b();
  llvm::SmallVector<int64_t> outShape;
  llvm::SmallVector<OpFoldResult> lo, hi;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = type.getDimSize(d);
    outShape.push_back(ShapedType::isDynamic(size) ? size
                                                   : size + low[d] + high[d]);
    lo.push_back(b.getIndexAttr(low[d]));
    hi.push_back(b.getIndexAttr(high[d]));
  }
  Value padValue = im.scalarConstant(type.getElementType(), value);
  Value result = tensor::PadOp::create(
      b, im.loc(), RankedTensorType::get(outShape, type.getElementType()), in,
      lo, hi, padValue);
  im.setOutput(0, result, nhwc);
  return success();
}

} // namespace

void addShapeConverters(ConverterTable &t) {
  t["Identity"] = convertIdentity;
  t["Dropout"] = convertDropout;
  t["Constant"] = convertConstant;
  t["Shape"] = convertShape;
  t["Size"] = convertSize;
  t["ConstantOfShape"] = convertConstantOfShape;
  t["Reshape"] = convertReshape;
  t["Flatten"] = convertFlatten;
  t["Squeeze"] = convertSqueeze;
  t["Unsqueeze"] = convertUnsqueeze;
  t["Transpose"] = convertTranspose;
  t["Concat"] = convertConcat;
  t["Slice"] = convertSlice;
  t["Split"] = convertSplit;
  t["Gather"] = convertGather;
  t["Expand"] = convertExpand;
  t["Range"] = convertRange;
  t["Pad"] = convertPad;
}

} // namespace mlir::tessera::onnx_import
