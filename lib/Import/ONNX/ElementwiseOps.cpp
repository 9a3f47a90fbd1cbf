//===- ElementwiseOps.cpp - Arithmetic, activations, Cast, Where ----------===//
//
// Each becomes one linalg.generic with numpy broadcasting (the global-opt
// phase fuses the chains). Inputs known at import time are folded when
// small (shape arithmetic). An op with an NHWC input keeps NHWC: the other
// operands are brought to it (constants permuted here).
//
//===----------------------------------------------------------------------===//

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

namespace mlir::tessera::onnx_import {

namespace {

/// Constant inputs up to this many elements are folded on the host.
constexpr int64_t kFoldLimit = 4096;

/// Operands of an element-wise op, all in one layout: NHWC when an input
/// is NHWC and the result has rank 4, else logical.
struct Operands {
  llvm::SmallVector<Value> values;
  bool nhwc = false;
};

FailureOr<Operands> layoutOperands(GraphImporter &im,
                                   llvm::ArrayRef<unsigned> indices) {
  Operands ops;
  size_t rank = 0;
  for (unsigned i : indices) {
    rank = std::max(rank, im.inputShape(i).size());
    ops.nhwc |= im.isNHWC(i);
  }
  ops.nhwc &= rank == 4;
  for (unsigned i : indices) {
    if (!ops.nhwc || im.isNHWC(i) || im.inputShape(i).size() == 4) {
      Value v = ops.nhwc ? im.nhwcInput(i) : im.input(i);
      if (!v)
        return failure();
      ops.values.push_back(v);
      continue;
    }
    // A logical operand of an NHWC op: rank 4 by leading ones, permuted.
    llvm::SmallVector<int64_t> shape = im.inputShape(i);
    llvm::SmallVector<int64_t> shape4(4 - shape.size(), 1);
    shape4.append(shape);
    if (const ConstTensor *c = im.constInput(i)) {
      ops.values.push_back(im.constant(
          c->reshaped(shape4).transposed({0, 2, 3, 1}), im.inputName(i)));
      continue;
    }
    auto reshaped = im.reshape(im.input(i), shape4);
    if (failed(reshaped))
      return failure();
    ops.values.push_back(im.toNHWC(*reshaped));
  }
  return ops;
}

/// Folds `f` over constant inputs with broadcasting, when all are known
/// and small. Returns false when it did not fold.
bool foldConstant(GraphImporter &im, unsigned numInputs, ElementKind kind,
                  const std::function<double(llvm::ArrayRef<double>)> &f) {
  llvm::SmallVector<const ConstTensor *> inputs;
  llvm::SmallVector<llvm::SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < numInputs; ++i) {
    const ConstTensor *c = im.constInput(i);
    if (!c || c->size() > kFoldLimit)
      return false;
    inputs.push_back(c);
    shapes.push_back(llvm::SmallVector<int64_t>(c->shape()));
  }
  auto shape = im.broadcastShape(shapes);
  if (failed(shape))
    return false;
  auto count = elementCount(*shape);
  if (!count || *count > kFoldLimit)
    return false;
  std::vector<double> result(*count);
  llvm::SmallVector<int64_t> strides = stridesOf(*shape);
  for (int64_t flat = 0; flat < *count; ++flat) {
    llvm::SmallVector<double> args;
    for (const ConstTensor *c : inputs) {
      int64_t offset = shape->size() - c->rank(), index = 0;
      llvm::SmallVector<int64_t> inStrides = stridesOf(c->shape());
      for (int64_t d = 0; d < c->rank(); ++d) {
        int64_t coordinate = flat / strides[offset + d] % (*shape)[offset + d];
        if (c->shape()[d] != 1)
          index += coordinate * inStrides[d];
      }
      args.push_back(c->getDouble(index));
    }
    result[flat] = f(args);
  }
  im.setConstOutput(0, ConstTensor::fromDoubles(kind, result, *shape));
  return true;
}

using Body = GraphImporter::ScalarBody;

LogicalResult emitElementwise(GraphImporter &im,
                              llvm::ArrayRef<unsigned> indices,
                              Type resultElementType, const Body &body) {
  auto ops = layoutOperands(im, indices);
  if (failed(ops))
    return im.fail("cannot bring the operands to one layout");
  auto result = im.elementwise(ops->values, resultElementType, body);
  if (failed(result))
    return im.fail("operand shapes do not broadcast");
  im.setOutput(0, *result, ops->nhwc);
  return success();
}

bool isFloatType(Type t) { return isa<FloatType>(t); }

//===--- Binary arithmetic --------------------------------------------===//

enum class Arith { Add, Sub, Mul, Div, Max, Min, Pow };

double applyHost(Arith op, double a, double b, bool integer) {
  switch (op) {
  case Arith::Add:
    return a + b;
  case Arith::Sub:
    return a - b;
  case Arith::Mul:
    return a * b;
  case Arith::Div:
    if (integer)
      return b == 0 ? 0 : std::trunc(a / b);
    return a / b;
  case Arith::Max:
    return std::fmax(a, b);
  case Arith::Min:
    return std::fmin(a, b);
  case Arith::Pow:
    return std::pow(a, b);
  }
  return 0;
}

/// x^y as C's pow: math.powf lowers to exp(y log x), NaN for any negative
/// base; here |x|^y, negated for a negative base and an odd integer y, NaN
/// for a negative base and a fractional y, and 1 for y = 0.
Value powScalar(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  auto constant = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
  };
  Value magnitude =
      math::PowFOp::create(b, loc, math::AbsFOp::create(b, loc, x), y);
  Value isInteger = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          math::FloorOp::create(b, loc, y), y);
  Value half = arith::MulFOp::create(b, loc, y, constant(0.5));
  Value isOdd = arith::AndIOp::create(
      b, loc, isInteger,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE,
                            math::FloorOp::create(b, loc, half), half));
  Value negativeBase =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, constant(0));
  Value signed_ = arith::SelectOp::create(
      b, loc, isOdd, arith::NegFOp::create(b, loc, magnitude), magnitude);
  Value forNegative = arith::SelectOp::create(b, loc, isInteger, signed_,
                                              constant(std::nan("")));
  Value result =
      arith::SelectOp::create(b, loc, negativeBase, forNegative, magnitude);
  Value zeroExponent =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, constant(0));
  return arith::SelectOp::create(b, loc, zeroExponent, constant(1), result);
}

Value applyScalar(Arith op, OpBuilder &b, Location loc, Value x, Value y) {
  bool f = isFloatType(x.getType());
  switch (op) {
  case Arith::Add:
    return f ? Value(arith::AddFOp::create(b, loc, x, y))
             : Value(arith::AddIOp::create(b, loc, x, y));
  case Arith::Sub:
    return f ? Value(arith::SubFOp::create(b, loc, x, y))
             : Value(arith::SubIOp::create(b, loc, x, y));
  case Arith::Mul:
    return f ? Value(arith::MulFOp::create(b, loc, x, y))
             : Value(arith::MulIOp::create(b, loc, x, y));
  case Arith::Div:
    return f ? Value(arith::DivFOp::create(b, loc, x, y))
             : Value(arith::DivSIOp::create(b, loc, x, y));
  case Arith::Max:
    return f ? Value(arith::MaximumFOp::create(b, loc, x, y))
             : Value(arith::MaxSIOp::create(b, loc, x, y));
  case Arith::Min:
    return f ? Value(arith::MinimumFOp::create(b, loc, x, y))
             : Value(arith::MinSIOp::create(b, loc, x, y));
  case Arith::Pow:
    return powScalar(b, loc, x, y);
  }
  return x;
}

/// Integer arithmetic on shapes known when the program runs: index ops on
/// the host, constants folded.
template <Arith op> LogicalResult symbolicBinary(GraphImporter &im) {
  auto a = im.symbolicInput(0), b = im.symbolicInput(1);
  if (!a || !b ||
      (op != Arith::Add && op != Arith::Sub && op != Arith::Mul &&
       op != Arith::Div))
    return im.fail("this arithmetic on a shape computed from a dynamic dim "
                   "is not supported");
  size_t n = std::max(a->elements.size(), b->elements.size());
  if ((a->elements.size() != n && a->elements.size() != 1) ||
      (b->elements.size() != n && b->elements.size() != 1))
    return im.fail("operand shapes do not broadcast");
  OpBuilder &builder = im.b();
  Location loc = im.loc();
  auto asValue = [&](OpFoldResult e) -> Value {
    if (auto attr = dyn_cast<Attribute>(e))
      return arith::ConstantIndexOp::create(builder, loc,
                                            cast<IntegerAttr>(attr).getInt());
    return cast<Value>(e);
  };
  SymbolicInts result;
  result.scalar = a->scalar && b->scalar;
  for (size_t k = 0; k < n; ++k) {
    OpFoldResult x = a->elements[a->elements.size() == 1 ? 0 : k];
    OpFoldResult y = b->elements[b->elements.size() == 1 ? 0 : k];
    auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
    if (cx && cy) {
      if (op == Arith::Div && *cy == 0)
        return im.fail("integer division by zero");
      result.elements.push_back(builder.getI64IntegerAttr(
          int64_t(applyHost(op, double(*cx), double(*cy), true))));
      continue;
    }
    if (op == Arith::Div && cy && *cy == 0)
      return im.fail("integer division by zero");
    if (op == Arith::Div && !cy)
      return im.fail("dividing by a dim known only when the program runs is "
                     "not supported");
    Value vx = asValue(x), vy = asValue(y);
    Value r =
        op == Arith::Add   ? Value(arith::AddIOp::create(builder, loc, vx, vy))
        : op == Arith::Sub ? Value(arith::SubIOp::create(builder, loc, vx, vy))
        : op == Arith::Mul
            ? Value(arith::MulIOp::create(builder, loc, vx, vy))
            : Value(arith::DivSIOp::create(builder, loc, vx, vy));
    result.elements.push_back(r);
  }
  im.setSymbolicOutput(0, std::move(result));
  return success();
}

template <Arith op> LogicalResult convertBinary(GraphImporter &im) {
  if (!im.hasInput(0) || !im.hasInput(1))
    return im.fail("needs two inputs");
  if (im.isSymbolic(0) || im.isSymbolic(1))
    return symbolicBinary<op>(im);
  Type type = im.inputElementType(0);
  if (type != im.inputElementType(1))
    return im.fail("the two inputs have different element types");
  auto kind = im.kindOf(type);
  if (!kind)
    return im.fail("unsupported element type");
  bool integer = !isFloatType(type);
  if (op == Arith::Pow && integer)
    return im.fail("integer Pow is not supported");
  if (integer && op == Arith::Div)
    if (const ConstTensor *divisor = im.constInput(1))
      for (int64_t i = 0; i < divisor->size(); ++i)
        if (divisor->getInt(i) == 0)
          return im.fail("integer division by a constant zero");
  if (foldConstant(im, 2, *kind, [&](llvm::ArrayRef<double> a) {
        return applyHost(op, a[0], a[1], integer);
      }))
    return success();
  if (op == Arith::Pow) {
    // x^2 and x^0.5 as one multiply / a square root: what the exporters
    // write for variance and norms.
    if (const ConstTensor *e = im.constInput(1);
        e && e->isSplat() && e->size() > 0) {
      double exponent = e->getDouble(0);
      if (exponent == 2.0 || exponent == 0.5 || exponent == 1.0)
        return emitElementwise(
            im, {0}, type, [&](OpBuilder &b, Location loc, ValueRange a) {
              if (exponent == 2.0)
                return Value(arith::MulFOp::create(b, loc, a[0], a[0]));
              if (exponent == 0.5)
                return Value(math::SqrtOp::create(b, loc, a[0]));
              return a[0];
            });
    }
  }
  return emitElementwise(im, {0, 1}, type,
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           return applyScalar(op, b, loc, a[0], a[1]);
                         });
}

/// Max/Min: variadic, folded pairwise.
template <Arith op> LogicalResult convertVariadic(GraphImporter &im) {
  if (im.numInputs() == 0)
    return im.fail("needs at least one input");
  llvm::SmallVector<unsigned> indices;
  for (unsigned i = 0; i < im.numInputs(); ++i)
    indices.push_back(i);
  Type type = im.inputElementType(0);
  return emitElementwise(im, indices, type,
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           Value r = a[0];
                           for (Value v : a.drop_front())
                             r = applyScalar(op, b, loc, r, v);
                           return r;
                         });
}

//===--- Comparisons and logic ----------------------------------------===//

template <arith::CmpFPredicate fp, arith::CmpIPredicate ip>
LogicalResult convertCompare(GraphImporter &im) {
  Type type = im.inputElementType(0);
  if (!type || type != im.inputElementType(1))
    return im.fail("needs two inputs of one element type");
  bool f = isFloatType(type);
  if (foldConstant(im, 2, ElementKind::Bool, [&](llvm::ArrayRef<double> a) {
        switch (ip) {
        case arith::CmpIPredicate::eq:
          return double(a[0] == a[1]);
        case arith::CmpIPredicate::slt:
          return double(a[0] < a[1]);
        case arith::CmpIPredicate::sgt:
          return double(a[0] > a[1]);
        case arith::CmpIPredicate::sle:
          return double(a[0] <= a[1]);
        default:
          return double(a[0] >= a[1]);
        }
      }))
    return success();
  return emitElementwise(
      im, {0, 1}, im.b().getI1Type(),
      [&](OpBuilder &b, Location loc, ValueRange a) {
        return f ? Value(arith::CmpFOp::create(b, loc, fp, a[0], a[1]))
                 : Value(arith::CmpIOp::create(b, loc, ip, a[0], a[1]));
      });
}

template <typename OpTy> LogicalResult convertLogic(GraphImporter &im) {
  return emitElementwise(im, {0, 1}, im.b().getI1Type(),
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           return Value(OpTy::create(b, loc, a[0], a[1]));
                         });
}

LogicalResult convertNot(GraphImporter &im) {
  return emitElementwise(
      im, {0}, im.b().getI1Type(),
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
        return Value(arith::XOrIOp::create(b, loc, a[0], one));
      });
}

LogicalResult convertWhere(GraphImporter &im) {
  if (!im.hasInput(0) || !im.hasInput(1) || !im.hasInput(2))
    return im.fail("needs three inputs");
  if (!im.inputElementType(0).isInteger(1))
    return im.fail("the condition must be bool");
  Type type = im.inputElementType(1);
  if (type != im.inputElementType(2))
    return im.fail("X and Y have different element types");
  auto kind = im.kindOf(type);
  if (kind && foldConstant(im, 3, *kind, [](llvm::ArrayRef<double> a) {
        return a[0] != 0 ? a[1] : a[2];
      }))
    return success();
  return emitElementwise(
      im, {0, 1, 2}, type, [](OpBuilder &b, Location loc, ValueRange a) {
        return Value(arith::SelectOp::create(b, loc, a[0], a[1], a[2]));
      });
}

//===--- Unary --------------------------------------------------------===//

/// A float-only unary op; `host` folds small constants when given.
LogicalResult
emitUnary(GraphImporter &im,
          const std::function<Value(OpBuilder &, Location, Value)> &f,
          double (*host)(double) = nullptr) {
  if (!im.hasInput(0))
    return im.fail("needs an input");
  Type type = im.inputElementType(0);
  if (!isFloatType(type))
    return im.fail("needs a float input");
  if (host &&
      foldConstant(im, 1, *im.kindOf(type),
                   [&](llvm::ArrayRef<double> a) { return host(a[0]); }))
    return success();
  return emitElementwise(im, {0}, type,
                         [&](OpBuilder &b, Location loc, ValueRange a) {
                           return f(b, loc, a[0]);
                         });
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

/// clamp(x, lo, hi) with NaN passed through as NaN.
Value clampScalar(OpBuilder &b, Location loc, Value x, Value lo, Value hi) {
  Value r = x;
  if (lo)
    r = arith::MaximumFOp::create(b, loc, r, lo);
  if (hi)
    r = arith::MinimumFOp::create(b, loc, r, hi);
  return r;
}

LogicalResult convertRelu(GraphImporter &im) {
  return emitUnary(im, [](OpBuilder &b, Location loc, Value x) {
    return Value(arith::MaximumFOp::create(
        b, loc, x, floatConst(b, loc, x.getType(), 0.0)));
  });
}

LogicalResult convertLeakyRelu(GraphImporter &im) {
  double alpha = im.attrFloat("alpha", 0.01f);
  return emitUnary(im, [alpha](OpBuilder &b, Location loc, Value x) {
    Value zero = floatConst(b, loc, x.getType(), 0.0);
    Value scaled = arith::MulFOp::create(
        b, loc, x, floatConst(b, loc, x.getType(), alpha));
    Value positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    return Value(arith::SelectOp::create(b, loc, positive, x, scaled));
  });
}

Value sigmoidScalar(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  Value d = arith::AddFOp::create(b, loc, floatConst(b, loc, t, 1.0), e);
  return arith::DivFOp::create(b, loc, floatConst(b, loc, t, 1.0), d);
}

LogicalResult convertSigmoid(GraphImporter &im) {
  return emitUnary(im, sigmoidScalar);
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoidScalar(OpBuilder &b, Location loc, Value x, double alpha,
                        double beta) {
  Type t = x.getType();
  Value y = arith::AddFOp::create(
      b, loc, arith::MulFOp::create(b, loc, x, floatConst(b, loc, t, alpha)),
      floatConst(b, loc, t, beta));
  return clampScalar(b, loc, y, floatConst(b, loc, t, 0.0),
                     floatConst(b, loc, t, 1.0));
}

LogicalResult convertHardSigmoid(GraphImporter &im) {
  double alpha = im.attrFloat("alpha", 0.2f), beta = im.attrFloat("beta", 0.5f);
  return emitUnary(im, [=](OpBuilder &b, Location loc, Value x) {
    return hardSigmoidScalar(b, loc, x, alpha, beta);
  });
}

LogicalResult convertHardSwish(GraphImporter &im) {
  return emitUnary(im, [](OpBuilder &b, Location loc, Value x) {
    return Value(arith::MulFOp::create(
        b, loc, x, hardSigmoidScalar(b, loc, x, 1.0 / 6.0, 0.5)));
  });
}

LogicalResult convertGelu(GraphImporter &im) {
  bool tanhForm = im.attrString("approximate", "none") == "tanh";
  return emitUnary(im, [tanhForm](OpBuilder &b, Location loc, Value x) {
    Type t = x.getType();
    Value half = floatConst(b, loc, t, 0.5), one = floatConst(b, loc, t, 1.0);
    Value inner;
    if (tanhForm) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      Value x3 =
          arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
      Value poly = arith::AddFOp::create(
          b, loc, x,
          arith::MulFOp::create(b, loc, x3, floatConst(b, loc, t, 0.044715)));
      inner = math::TanhOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, poly,
                                floatConst(b, loc, t, 0.7978845608028654)));
    } else {
      inner = math::ErfOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, x,
                                floatConst(b, loc, t, 0.7071067811865476)));
    }
    return Value(
        arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, half),
                              arith::AddFOp::create(b, loc, one, inner)));
  });
}

template <typename MathOp> LogicalResult convertMath(GraphImporter &im) {
  return emitUnary(im, [](OpBuilder &b, Location loc, Value x) {
    return Value(MathOp::create(b, loc, x));
  });
}

LogicalResult convertNeg(GraphImporter &im) {
  Type type = im.inputElementType(0);
  if (type && !isFloatType(type)) {
    if (foldConstant(im, 1, *im.kindOf(type),
                     [](llvm::ArrayRef<double> a) { return -a[0]; }))
      return success();
    return emitElementwise(
        im, {0}, type, [](OpBuilder &b, Location loc, ValueRange a) {
          Value zero = arith::ConstantOp::create(
              b, loc, b.getIntegerAttr(a[0].getType(), 0));
          return Value(arith::SubIOp::create(b, loc, zero, a[0]));
        });
  }
  return emitUnary(
      im,
      [](OpBuilder &b, Location loc, Value x) {
        return Value(arith::NegFOp::create(b, loc, x));
      },
      [](double x) { return -x; });
}

LogicalResult convertReciprocal(GraphImporter &im) {
  return emitUnary(
      im,
      [](OpBuilder &b, Location loc, Value x) {
        return Value(arith::DivFOp::create(
            b, loc, floatConst(b, loc, x.getType(), 1.0), x));
      },
      [](double x) { return 1.0 / x; });
}

LogicalResult convertClip(GraphImporter &im) {
  // Opset 11+: min and max are optional constant inputs.
  std::optional<double> lo, hi;
  for (unsigned i : {1u, 2u}) {
    if (!im.hasInput(i))
      continue;
    const ConstTensor *c = im.constInput(i);
    if (!c || c->size() != 1)
      return im.fail("min and max must be constant scalars");
    (i == 1 ? lo : hi) = c->getDouble(0);
  }
  return emitUnary(im, [lo, hi](OpBuilder &b, Location loc, Value x) {
    Type t = x.getType();
    return clampScalar(b, loc, x, lo ? floatConst(b, loc, t, *lo) : Value(),
                       hi ? floatConst(b, loc, t, *hi) : Value());
  });
}

//===--- Cast ---------------------------------------------------------===//

Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  bool fromFloat = isFloatType(from), toFloat = isFloatType(to);
  if (fromFloat && toFloat)
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, x))
               : Value(arith::TruncFOp::create(b, loc, to, x));
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   floatConst(b, loc, from, 0.0));
    Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (fromFloat) // toward zero, as ONNX Cast
    return arith::FPToSIOp::create(b, loc, to, x);
  if (toFloat)
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, x))
                             : Value(arith::SIToFPOp::create(b, loc, to, x));
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return from.isInteger(1) ? Value(arith::ExtUIOp::create(b, loc, to, x))
                             : Value(arith::ExtSIOp::create(b, loc, to, x));
  return arith::TruncIOp::create(b, loc, to, x);
}

LogicalResult convertCast(GraphImporter &im) {
  auto kind = elementKindFromONNX(int32_t(im.attrInt("to", 0)));
  if (!kind)
    return im.fail("casting to element type " +
                   std::to_string(im.attrInt("to", 0)) + " is not supported");
  if (const ConstTensor *c = im.constInput(0); c && c->size() <= kFoldLimit) {
    im.setConstOutput(0, c->cast(*kind));
    return success();
  }
  if (im.isSymbolic(0)) {
    // Shape arithmetic stays integral.
    if (isFloat(*kind) || *kind == ElementKind::Bool)
      return im.fail("a shape computed from a dynamic dim cast to " +
                     std::string(elementKindName(*kind)) + ": not supported");
    im.setSymbolicOutput(0, *im.symbolicInput(0));
    return success();
  }
  Type to = im.elementType(*kind);
  return emitElementwise(im, {0}, to,
                         [to](OpBuilder &b, Location loc, ValueRange a) {
                           return castScalar(b, loc, a[0], to);
                         });
}

} // namespace

void addElementwiseConverters(ConverterTable &t) {
  t["Add"] = convertBinary<Arith::Add>;
  t["Sub"] = convertBinary<Arith::Sub>;
  t["Mul"] = convertBinary<Arith::Mul>;
  t["Div"] = convertBinary<Arith::Div>;
  t["Pow"] = convertBinary<Arith::Pow>;
  t["Max"] = convertVariadic<Arith::Max>;
  t["Min"] = convertVariadic<Arith::Min>;
  t["Equal"] =
      convertCompare<arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq>;
  t["Less"] =
      convertCompare<arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt>;
  t["Greater"] =
      convertCompare<arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt>;
  t["LessOrEqual"] =
      convertCompare<arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle>;
  t["GreaterOrEqual"] =
      convertCompare<arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge>;
  t["And"] = convertLogic<arith::AndIOp>;
  t["Or"] = convertLogic<arith::OrIOp>;
  t["Xor"] = convertLogic<arith::XOrIOp>;
  t["Not"] = convertNot;
  t["Where"] = convertWhere;
  t["Relu"] = convertRelu;
  t["LeakyRelu"] = convertLeakyRelu;
  t["Sigmoid"] = convertSigmoid;
  t["HardSigmoid"] = convertHardSigmoid;
  t["HardSwish"] = convertHardSwish;
  t["Gelu"] = convertGelu;
  t["Tanh"] = convertMath<math::TanhOp>;
  t["Erf"] = convertMath<math::ErfOp>;
  t["Exp"] = convertMath<math::ExpOp>;
  t["Log"] = convertMath<math::LogOp>;
  t["Sqrt"] = convertMath<math::SqrtOp>;
  t["Abs"] = convertMath<math::AbsFOp>;
  t["Floor"] = convertMath<math::FloorOp>;
  t["Ceil"] = convertMath<math::CeilOp>;
  t["Neg"] = convertNeg;
  t["Reciprocal"] = convertReciprocal;
  t["Clip"] = convertClip;
  t["Cast"] = convertCast;
}

} // namespace mlir::tessera::onnx_import
