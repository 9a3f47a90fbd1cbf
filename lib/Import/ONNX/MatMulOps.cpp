//===- MatMulOps.cpp - MatMul and Gemm ------------------------------------===//
//
// A product with a matrix on the right (a Linear layer's weights, Gemm)
// becomes one linalg.matmul over all rows (leading dims folded into them);
// a batched product (attention) becomes tosa.matmul on rank-3 operands,
// lowered by upstream to linalg.batch_matmul. Constant operands are
// transposed and reshaped here.
//
//===----------------------------------------------------------------------===//

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace mlir::tessera::onnx_import {

namespace {

Value matmul3D(GraphImporter &im, Value a, Value b) {
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  int64_t batch = aType.getDimSize(0);
  if (ShapedType::isDynamic(batch))
    batch = bType.getDimSize(0);
  auto type =
      RankedTensorType::get({batch, aType.getDimSize(1), bType.getDimSize(2)},
                            aType.getElementType());
  Value zp = im.zeroPoint(aType.getElementType());
  return tosa::MatMulOp::create(im.b(), im.loc(), type, a, b, zp, zp);
}

/// linalg.matmul of [M, K] x [K, N] into zeros.
Value matmul2D(GraphImporter &im, Value a, Value b) {
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  Type type = aType.getElementType();
  llvm::SmallVector<Value> dynamic;
  if (aType.isDynamicDim(0))
    dynamic.push_back(im.dim(a, 0));
  if (bType.isDynamicDim(1))
    dynamic.push_back(im.dim(b, 1));
  Value init = tensor::EmptyOp::create(
      im.b(), im.loc(),
      llvm::ArrayRef<int64_t>{aType.getDimSize(0), bType.getDimSize(1)}, type,
      dynamic);
  Value zero = im.scalarConstant(type, 0.0);
  Value filled =
      linalg::FillOp::create(im.b(), im.loc(), zero, init).getResult(0);
  return linalg::MatmulOp::create(im.b(), im.loc(), TypeRange{init.getType()},
                                  ValueRange{a, b}, ValueRange{filled})
      .getResult(0);
}

/// Operand `i` reshaped to `shape` (folded for constants).
/// The sizes of `v`'s last `count` dims: static ones as attributes, others
/// as tensor.dim.
llvm::SmallVector<OpFoldResult> trailingSizes(GraphImporter &im, Value v,
                                              size_t count) {
  auto type = cast<RankedTensorType>(v.getType());
  llvm::SmallVector<OpFoldResult> sizes;
  for (int64_t d = type.getRank() - count; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d) ? OpFoldResult(im.dim(v, d))
                                         : OpFoldResult(im.b().getIndexAttr(
                                               type.getDimSize(d))));
  return sizes;
}

FailureOr<Value> operandAs(GraphImporter &im, unsigned i,
                           llvm::ArrayRef<int64_t> shape) {
  if (const ConstTensor *c = im.constInput(i))
    return im.constant(c->reshaped(llvm::SmallVector<int64_t>(shape)),
                       im.inputName(i));
  Value v = im.input(i);
  if (!v)
    return failure();
  if (auto reshaped = im.reshape(v, shape); succeeded(reshaped))
    return reshaped;
  // Several dynamic dims (attention on a dynamic batch): the leading size
  // is what the trailing ones leave, computed on the host.
  llvm::SmallVector<OpFoldResult> sizes = {OpFoldResult()};
  sizes.append(trailingSizes(im, v, shape.size() - 1));
  return im.reshapeChecked(v, sizes, "MatMul node '" + im.nodeName() + "'");
}

int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    p *= d;
  }
  return p;
}

LogicalResult convertMatMul(GraphImporter &im) {
  auto aShape = im.inputShape(0), bShape = im.inputShape(1);
  Type type = im.inputElementType(0);
  if (!type || !isa<FloatType>(type) || type != im.inputElementType(1))
    return im.fail("needs two float inputs of one element type");
  if (aShape.empty() || bShape.empty())
    return im.fail("scalar operands are not supported");
  // Vectors: a row / a column, dropped from the result.
  bool aVector = aShape.size() == 1, bVector = bShape.size() == 1;
  if (aVector)
    aShape.insert(aShape.begin(), 1);
  if (bVector)
    bShape.push_back(1);
  int64_t k = aShape.back(), kb = bShape[bShape.size() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kb) && k != kb)
    return im.fail("inner dims differ (" + std::to_string(k) + " and " +
                   std::to_string(kb) + ")");
  int64_t m = aShape[aShape.size() - 2], n = bShape.back();
  llvm::ArrayRef<int64_t> aBatch(aShape.begin(), aShape.end() - 2);
  llvm::ArrayRef<int64_t> bBatch(bShape.begin(), bShape.end() - 2);
  llvm::SmallVector<int64_t> resultShape;
  Value product3;
  if (bBatch.empty() || product(bBatch) == 1) {
    // [..., M, K] x [K, N]: one matrix product over all rows.
    int64_t rows = product(aBatch);
    rows = ShapedType::isDynamic(rows) || ShapedType::isDynamic(m)
               ? ShapedType::kDynamic
               : rows * m;
    auto a = operandAs(im, 0, {rows, k});
    auto b = operandAs(im, 1, {kb, n});
    if (failed(a) || failed(b))
      return im.fail("cannot reshape the operands to matrices");
    product3 = matmul2D(im, *a, *b);
    resultShape.assign(aBatch.begin(), aBatch.end());
    if (aBatch.size() < bBatch.size())
      resultShape.insert(resultShape.begin(), bBatch.size() - aBatch.size(), 1);
  } else {
    // Batched: the same batch dims on both sides (after leading ones).
    llvm::SmallVector<int64_t> ab(aBatch), bb(bBatch);
    while (ab.size() < bb.size())
      ab.insert(ab.begin(), 1);
    while (bb.size() < ab.size())
      bb.insert(bb.begin(), 1);
    for (auto [x, y] : llvm::zip(ab, bb))
      if (x != y)
        return im.fail("batch dims must be equal on both sides (broadcast "
                       "batch dims are not supported)");
    int64_t batch = product(ab);
    auto a = operandAs(im, 0, {batch, m, k});
    auto b = operandAs(im, 1, {batch, kb, n});
    if (failed(a) || failed(b))
      return im.fail("cannot reshape the operands to batches of matrices");
    product3 = matmul3D(im, *a, *b);
    resultShape = ab;
  }
  if (!aVector)
    resultShape.push_back(m);
  if (!bVector)
    resultShape.push_back(n);
  auto result = im.reshape(product3, resultShape);
  if (failed(result)) {
    // Several dynamic dims: the batch dims of the operand that has them,
    // then M and N of the product.
    Value a = im.constInput(0) ? Value() : im.input(0);
    Value b = im.constInput(1) ? Value() : im.input(1);
    size_t batchDims =
        resultShape.size() - (aVector ? 0 : 1) - (bVector ? 0 : 1);
    Value batchSource = a && cast<RankedTensorType>(a.getType()).getRank() >=
                                    int64_t(batchDims + (aVector ? 1 : 2))
                            ? a
                            : b;
    if (!batchSource)
      return im.fail("cannot reshape the product to the result");
    auto sourceType = cast<RankedTensorType>(batchSource.getType());
    llvm::SmallVector<OpFoldResult> sizes;
    for (size_t d = 0; d < batchDims; ++d) {
      int64_t pos = sourceType.getRank() - 2 - batchDims + d;
      sizes.push_back(
          sourceType.isDynamicDim(pos)
              ? OpFoldResult(im.dim(batchSource, pos))
              : OpFoldResult(im.b().getIndexAttr(sourceType.getDimSize(pos))));
    }
    auto productType = cast<RankedTensorType>(product3.getType());
    if (!aVector)
      sizes.push_back(productType.isDynamicDim(1)
                          ? OpFoldResult(im.dim(product3, 1))
                          : OpFoldResult(im.b().getIndexAttr(m)));
    if (!bVector)
      sizes.push_back(productType.isDynamicDim(2)
                          ? OpFoldResult(im.dim(product3, 2))
                          : OpFoldResult(im.b().getIndexAttr(n)));
    result = im.reshapeChecked(product3, sizes,
                               "MatMul node '" + im.nodeName() + "'");
    if (failed(result))
      return im.fail("cannot reshape the product to the result");
  }
  im.setOutput(0, *result);
  return success();
}

LogicalResult convertGemm(GraphImporter &im) {
  auto aShape = im.inputShape(0), bShape = im.inputShape(1);
  Type type = im.inputElementType(0);
  if (aShape.size() != 2 || bShape.size() != 2)
    return im.fail("A and B must be matrices");
  if (!type || !isa<FloatType>(type) || type != im.inputElementType(1))
    return im.fail("needs float inputs of one element type");
  bool transA = im.attrInt("transA", 0), transB = im.attrInt("transB", 0);
  double alpha = im.attrFloat("alpha", 1.0f), beta = im.attrFloat("beta", 1.0f);
  auto operand = [&](unsigned i, bool trans,
                     llvm::SmallVector<int64_t> shape) -> FailureOr<Value> {
    if (const ConstTensor *c = im.constInput(i)) {
      return im.constant(trans ? c->transposed({1, 0}) : *c, im.inputName(i));
    }
    Value v = im.input(i);
    if (trans)
      v = im.transpose(v, {1, 0});
    return v;
  };
  auto a = operand(0, transA, aShape);
  auto b = operand(1, transB, bShape);
  if (failed(a) || failed(b))
    return im.fail("cannot reshape A and B");
  int64_t ka = transA ? aShape[0] : aShape[1];
  int64_t kb = transB ? bShape[1] : bShape[0];
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return im.fail("inner dims differ");
  Value result = matmul2D(im, *a, *b);
  llvm::SmallVector<Value> operands = {result};
  Value c;
  if (im.hasInput(2) && beta != 0.0) {
    if (const ConstTensor *cc = im.constInput(2)) {
      // beta folded into C.
      std::vector<double> scaled;
      for (int64_t i = 0; i < cc->size(); ++i)
        scaled.push_back(cc->getDouble(i) * beta);
      c = im.constant(
          ConstTensor::fromDoubles(cc->kind(), scaled,
                                   llvm::SmallVector<int64_t>(cc->shape())),
          im.inputName(2));
      beta = 1.0;
    } else {
      c = im.input(2);
    }
    operands.push_back(c);
  }
  if (alpha == 1.0 && !c) {
    im.setOutput(0, result);
    return success();
  }
  auto out = im.elementwise(
      operands, type, [&](OpBuilder &nb, Location loc, ValueRange v) {
        Value r = v[0];
        Type t = r.getType();
        if (alpha != 1.0)
          r = arith::MulFOp::create(
              nb, loc, r,
              arith::ConstantOp::create(nb, loc, nb.getFloatAttr(t, alpha)));
        if (v.size() > 1) {
          Value cv = v[1];
          if (beta != 1.0)
            cv = arith::MulFOp::create(
                nb, loc, cv,
                arith::ConstantOp::create(nb, loc, nb.getFloatAttr(t, beta)));
          r = arith::AddFOp::create(nb, loc, r, cv);
        }
        return r;
      });
  if (failed(out))
    return im.fail("C does not broadcast to the product");
  im.setOutput(0, *out);
  return success();
}

} // namespace

void addMatMulConverters(ConverterTable &t) {
  t["MatMul"] = convertMatMul;
  t["Gemm"] = convertGemm;
}

} // namespace mlir::tessera::onnx_import
