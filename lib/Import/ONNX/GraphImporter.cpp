//===- GraphImporter.cpp --------------------------------------------------===//

#include "Import/ONNX/GraphImporter.h"

#include "Import/ONNX/OpConverters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

namespace mlir::tessera::onnx_import {

GraphImporter::GraphImporter(MLIRContext *context,
                             const onnx::ModelProto &model, int64_t opset,
                             llvm::StringRef path)
    : ctx(context), model(model), opsetVersion(opset), path(path.str()),
      builder(context), currentLoc(FileLineColLoc::get(context, path, 0, 0)) {
  modelDir = llvm::sys::path::parent_path(path).str();
  if (modelDir.empty())
    modelDir = ".";
}

GraphImporter::~GraphImporter() = default;

/// `text` with bytes outside printable ASCII as '?': names come from the
/// file, and a message must not carry control bytes or broken UTF-8.
static std::string printable(llvm::StringRef text) {
  std::string result;
  for (char c : text)
    result += llvm::isPrint(c) ? c : '?';
  return result;
}

LogicalResult GraphImporter::fail(const llvm::Twine &message) {
  // The first reason only: a converter failing after a helper said why
  // would add a message about the consequence.
  if (nodeFailed)
    return failure();
  nodeFailed = true;
  emitError(currentLoc) << printable(current->op_type()) << " node '"
                        << currentName << "' (opset " << opsetVersion
                        << "): " << printable(message.str());
  return failure();
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type GraphImporter::elementType(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return builder.getF32Type();
  case ElementKind::F64:
    return builder.getF64Type();
  case ElementKind::F16:
    return builder.getF16Type();
  case ElementKind::I64:
    return builder.getI64Type();
  case ElementKind::I32:
    return builder.getI32Type();
  case ElementKind::I16:
    return builder.getI16Type();
  case ElementKind::I8:
  case ElementKind::U8:
    return builder.getI8Type();
  case ElementKind::Bool:
    return builder.getI1Type();
  }
  return builder.getF32Type();
}

std::optional<ElementKind> GraphImporter::kindOf(Type type) {
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  if (type.isF16())
    return ElementKind::F16;
  if (type.isInteger(64))
    return ElementKind::I64;
  if (type.isInteger(32))
    return ElementKind::I32;
  if (type.isInteger(16))
    return ElementKind::I16;
  if (type.isInteger(8))
    return ElementKind::I8;
  if (type.isInteger(1))
    return ElementKind::Bool;
  return std::nullopt;
}

static llvm::SmallVector<int64_t> toNHWCShape(llvm::ArrayRef<int64_t> s) {
  return {s[0], s[2], s[3], s[1]};
}
static llvm::SmallVector<int64_t> fromNHWCShape(llvm::ArrayRef<int64_t> s) {
  return {s[0], s[3], s[1], s[2]};
}

//===----------------------------------------------------------------------===//
// Node inputs and outputs
//===----------------------------------------------------------------------===//

const std::string &GraphImporter::inputName(unsigned i) const {
  return current->input(i);
}
const std::string &GraphImporter::outputName(unsigned i) const {
  return current->output(i);
}
std::string GraphImporter::nodeName() const { return currentName; }

unsigned GraphImporter::numInputs() const { return current->input_size(); }
unsigned GraphImporter::numOutputs() const { return current->output_size(); }

bool GraphImporter::hasInput(unsigned i) const {
  return int(i) < current->input_size() && !current->input(i).empty();
}

ImportedValue *GraphImporter::lookup(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  auto it = values.find(current->input(i));
  // ModelFile checked that every input is defined before use.
  return it == values.end() ? nullptr : &it->second;
}

const ConstTensor *GraphImporter::constInput(unsigned i) {
  ImportedValue *value = lookup(i);
  return value && value->constant ? &*value->constant : nullptr;
}

bool GraphImporter::isNHWC(unsigned i) const {
  if (!hasInput(i))
    return false;
  auto it = values.find(current->input(i));
  return it != values.end() && it->second.nhwc;
}

FailureOr<Value> GraphImporter::materialize(ImportedValue &value,
                                            llvm::StringRef name) {
  if (!value.value && value.constant)
    value.value = constant(*value.constant, name);
  if (value.symbolic) {
    (void)fail("'" + name +
               "' is computed from a dynamic dim (a shape known when the "
               "program runs) and used as data: not supported");
    return failure();
  }
  if (!value.value)
    return failure();
  return value.value;
}

Value GraphImporter::input(unsigned i) {
  ImportedValue *value = lookup(i);
  if (!value)
    return nullptr;
  auto materialized = materialize(*value, current->input(i));
  if (failed(materialized))
    return nullptr;
  if (!value->nhwc)
    return *materialized;
  if (!value->converted)
    value->converted = toLogical(*materialized);
  return value->converted;
}

Value GraphImporter::nhwcInput(unsigned i) {
  ImportedValue *value = lookup(i);
  if (!value)
    return nullptr;
  if (value->nhwc)
    return value->value;
  if (value->constant && value->constant->rank() == 4)
    return constant(value->constant->transposed({0, 2, 3, 1}),
                    current->input(i));
  auto materialized = materialize(*value, current->input(i));
  if (failed(materialized))
    return nullptr;
  if (!value->converted)
    value->converted = toNHWC(*materialized);
  return value->converted;
}

llvm::SmallVector<int64_t> GraphImporter::inputShape(unsigned i) {
  ImportedValue *value = lookup(i);
  if (!value)
    return {};
  if (value->symbolic)
    return value->symbolic->scalar ? llvm::SmallVector<int64_t>{}
                                   : llvm::SmallVector<int64_t>{int64_t(
                                         value->symbolic->elements.size())};
  if (value->constant && !value->value)
    return llvm::SmallVector<int64_t>(value->constant->shape());
  auto shape = cast<RankedTensorType>(value->value.getType()).getShape();
  return value->nhwc ? fromNHWCShape(shape) : llvm::SmallVector<int64_t>(shape);
}

Type GraphImporter::inputElementType(unsigned i) {
  ImportedValue *value = lookup(i);
  if (!value)
    return nullptr;
  if (value->symbolic)
    return builder.getI64Type();
  if (value->constant && !value->value)
    return elementType(value->constant->kind());
  return cast<RankedTensorType>(value->value.getType()).getElementType();
}

ImportedValue *GraphImporter::freshOutput(unsigned i) {
  if (int(i) >= current->output_size() || current->output(i).empty())
    return nullptr;
  ImportedValue &entry = values[current->output(i)];
  entry = ImportedValue();
  return &entry;
}

void GraphImporter::setOutput(unsigned i, Value value, bool nhwc) {
  if (ImportedValue *entry = freshOutput(i)) {
    entry->value = value;
    entry->nhwc = nhwc;
  }
}

bool GraphImporter::isSymbolic(unsigned i) const {
  if (!hasInput(i))
    return false;
  auto it = values.find(current->input(i));
  return it != values.end() && it->second.symbolic;
}

std::optional<SymbolicInts> GraphImporter::symbolicInput(unsigned i) {
  ImportedValue *value = lookup(i);
  if (!value)
    return std::nullopt;
  if (value->symbolic)
    return value->symbolic;
  const ConstTensor *c = value->constant ? &*value->constant : nullptr;
  if (!c || isFloat(c->kind()) || c->rank() > 1 || c->size() > 64)
    return std::nullopt;
  SymbolicInts ints;
  ints.scalar = c->rank() == 0;
  for (int64_t e = 0; e < c->size(); ++e)
    ints.elements.push_back(builder.getI64IntegerAttr(c->getInt(e)));
  return ints;
}

void GraphImporter::setSymbolicOutput(unsigned i, SymbolicInts ints) {
  if (int(i) >= current->output_size() || current->output(i).empty())
    return;
  std::vector<int64_t> known;
  for (OpFoldResult e : ints.elements)
    if (auto attr = dyn_cast<Attribute>(e))
      known.push_back(cast<IntegerAttr>(attr).getInt());
  if (known.size() == ints.elements.size()) {
    llvm::SmallVector<int64_t> shape;
    if (!ints.scalar)
      shape.push_back(known.size());
    return setConstOutput(
        i, ConstTensor::fromInts(ElementKind::I64, known, shape));
  }
  if (ImportedValue *entry = freshOutput(i))
    entry->symbolic = std::move(ints);
}

void GraphImporter::setConstOutput(unsigned i, ConstTensor contents) {
  if (ImportedValue *entry = freshOutput(i))
    entry->constant = std::move(contents);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *
GraphImporter::attribute(llvm::StringRef name) const {
  for (const auto &attr : current->attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t GraphImporter::attrInt(llvm::StringRef name, int64_t otherwise) const {
  const auto *attr = attribute(name);
  return attr && attr->type() == onnx::AttributeProto::INT ? attr->i()
                                                           : otherwise;
}

float GraphImporter::attrFloat(llvm::StringRef name, float otherwise) const {
  const auto *attr = attribute(name);
  return attr && attr->type() == onnx::AttributeProto::FLOAT ? attr->f()
                                                             : otherwise;
}

std::string GraphImporter::attrString(llvm::StringRef name,
                                      llvm::StringRef otherwise) const {
  const auto *attr = attribute(name);
  return attr && attr->type() == onnx::AttributeProto::STRING ? attr->s()
                                                              : otherwise.str();
}

std::optional<llvm::SmallVector<int64_t>>
GraphImporter::attrInts(llvm::StringRef name) const {
  const auto *attr = attribute(name);
  if (!attr || attr->type() != onnx::AttributeProto::INTS)
    return std::nullopt;
  return llvm::SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

llvm::Expected<ConstTensor>
GraphImporter::attrTensor(const onnx::TensorProto &proto) const {
  return ConstTensor::fromProto(proto, modelDir);
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

/// A resource key from a tensor name: printable identifier characters.
static std::string resourceKey(llvm::StringRef name) {
  std::string key;
  for (char c : name)
    key += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  if (key.empty() || llvm::isDigit(key[0]))
    key = "onnx_" + key;
  return key;
}

Value GraphImporter::constant(const ConstTensor &contents,
                              llvm::StringRef name) {
  auto type =
      RankedTensorType::get(contents.shape(), elementType(contents.kind()));
  ElementsAttr attr;
  if (contents.kind() == ElementKind::Bool) {
    llvm::SmallVector<bool> bits;
    for (int64_t i = 0; i < contents.size(); ++i)
      bits.push_back(contents.getInt(i) != 0);
    attr = DenseElementsAttr::get(type, bits);
  } else if (contents.size() > 0 && contents.isSplat()) {
    Attribute element = isFloat(contents.kind())
                            ? Attribute(builder.getFloatAttr(
                                  type.getElementType(), contents.getDouble(0)))
                            : Attribute(builder.getIntegerAttr(
                                  type.getElementType(), contents.getInt(0)));
    attr = DenseElementsAttr::get(type, element);
  } else if (contents.size() <= 16) {
    attr = DenseElementsAttr::getFromRawBuffer(type, contents.bytes());
  } else {
    attr = DenseResourceElementsAttr::get(
        type, resourceKey(name.empty() ? "onnx_constant" : name),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(contents.bytes(),
                                                      alignof(uint64_t)));
  }
  return arith::ConstantOp::create(builder, currentLoc, type,
                                   cast<TypedAttr>(attr));
}

Value GraphImporter::scalarConstant(Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(builder, currentLoc,
                                     builder.getFloatAttr(type, value));
  return arith::ConstantOp::create(
      builder, currentLoc, builder.getIntegerAttr(type, int64_t(value)));
}

Value GraphImporter::zeroPoint(Type elementType) {
  auto type = RankedTensorType::get({1}, elementType);
  Attribute zero = isa<FloatType>(elementType)
                       ? Attribute(builder.getFloatAttr(elementType, 0.0))
                       : Attribute(builder.getIntegerAttr(elementType, 0));
  return tosa::ConstOp::create(builder, currentLoc, type,
                               DenseElementsAttr::get(type, zero));
}

Value GraphImporter::dim(Value tensor, int64_t d) {
  return tensor::DimOp::create(builder, currentLoc, tensor, d);
}

Value GraphImporter::empty(llvm::ArrayRef<int64_t> shape, Type elementType,
                           llvm::ArrayRef<Value> like) {
  llvm::SmallVector<Value> dynamic;
  int64_t rank = shape.size();
  for (int64_t d = 0; d < rank; ++d) {
    if (!ShapedType::isDynamic(shape[d]))
      continue;
    Value size;
    for (Value source : like) {
      auto type = cast<RankedTensorType>(source.getType());
      int64_t k = d - (rank - type.getRank());
      if (k >= 0 && type.isDynamicDim(k)) {
        size = dim(source, k);
        break;
      }
    }
    // Callers pass a source for every dynamic dim.
    assert(size && "no source for a dynamic dim");
    dynamic.push_back(size);
  }
  return tensor::EmptyOp::create(builder, currentLoc, shape, elementType,
                                 dynamic);
}

Value GraphImporter::transpose(Value tensor, llvm::ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(tensor.getType());
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return tensor;
  llvm::SmallVector<int32_t> perms(perm.begin(), perm.end());
  return tosa::TransposeOp::create(
      builder, currentLoc, RankedTensorType::get(shape, type.getElementType()),
      tensor, builder.getDenseI32ArrayAttr(perms));
}

/// `tensor` collapsed to one dimension (itself when it has one).
static Value flatten(OpBuilder &builder, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 1)
    return tensor;
  llvm::SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    all[0].push_back(d);
  int64_t size =
      type.hasStaticShape() ? type.getNumElements() : ShapedType::kDynamic;
  return tensor::CollapseShapeOp::create(
      builder, loc, RankedTensorType::get({size}, type.getElementType()),
      tensor, all);
}

FailureOr<Value> GraphImporter::reshape(Value tensor,
                                        llvm::ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto target = RankedTensorType::get(shape, type.getElementType());
  if (type == target)
    return tensor;
  if (type.hasStaticShape() && target.hasStaticShape()) {
    if (type.getNumElements() != target.getNumElements())
      return failure();
    llvm::SmallVector<int64_t> dims(shape);
    auto shapeType = tosa::shapeType::get(ctx, dims.size());
    Value shapeValue = tosa::ConstShapeOp::create(
        builder, currentLoc, shapeType,
        DenseIntElementsAttr::get(RankedTensorType::get({int64_t(dims.size())},
                                                        builder.getIndexType()),
                                  dims));
    return Value(tosa::ReshapeOp::create(builder, currentLoc, target, tensor,
                                         shapeValue));
  }
  // Dynamic dims: as collapse/expand along groups of dims, which carry a
  // dynamic dim through without computing it.
  if (auto groups = getReassociationIndicesForReshape(type, target)) {
    if (type.getRank() > target.getRank())
      return Value(tensor::CollapseShapeOp::create(builder, currentLoc, target,
                                                   tensor, *groups));
    if (type.getRank() < target.getRank()) {
      llvm::SmallVector<OpFoldResult> sizes;
      for (auto [sourceDim, group] : llvm::enumerate(*groups)) {
        int64_t known = 1;
        for (int64_t d : group)
          if (!ShapedType::isDynamic(shape[d]))
            known *= shape[d];
        for (int64_t d : group) {
          if (!ShapedType::isDynamic(shape[d])) {
            sizes.push_back(builder.getIndexAttr(shape[d]));
            continue;
          }
          Value total = dim(tensor, sourceDim);
          Value divisor =
              arith::ConstantIndexOp::create(builder, currentLoc, known);
          sizes.push_back(Value(
              arith::DivUIOp::create(builder, currentLoc, total, divisor)));
        }
      }
      return Value(tensor::ExpandShapeOp::create(builder, currentLoc, target,
                                                 tensor, *groups, sizes));
    }
  }
  // Otherwise through one dimension: at most one dynamic target dim, the
  // element count divided by the static ones.
  if (llvm::count_if(shape, ShapedType::isDynamic) > 1)
    return failure();
  int64_t known = 1;
  for (int64_t d : shape)
    if (!ShapedType::isDynamic(d))
      known *= d;
  Value flat = flatten(builder, currentLoc, tensor);
  llvm::SmallVector<ReassociationIndices> expand(1);
  llvm::SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < target.getRank(); ++d) {
    expand[0].push_back(d);
    if (!ShapedType::isDynamic(shape[d])) {
      sizes.push_back(builder.getIndexAttr(shape[d]));
      continue;
    }
    Value total = dim(flat, 0);
    Value divisor = arith::ConstantIndexOp::create(builder, currentLoc, known);
    sizes.push_back(
        Value(arith::DivUIOp::create(builder, currentLoc, total, divisor)));
  }
  if (target.getRank() == 1)
    return flat;
  return Value(tensor::ExpandShapeOp::create(builder, currentLoc, target, flat,
                                             expand, sizes));
}

FailureOr<Value>
GraphImporter::reshapeChecked(Value tensor, llvm::ArrayRef<OpFoldResult> sizes,
                              llvm::StringRef what) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Location loc = currentLoc;
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, v);
  };
  auto asValue = [&](OpFoldResult size) -> Value {
    if (auto attr = dyn_cast<Attribute>(size))
      return index(cast<IntegerAttr>(attr).getInt());
    return cast<Value>(size);
  };
  // The input's element count, on the host.
  Value total = index(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    total = arith::MulIOp::create(
        builder, loc, total,
        type.isDynamicDim(d) ? dim(tensor, d) : index(type.getDimSize(d)));
  Value known = index(1);
  int inferred = -1;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    if (!size) {
      inferred = i;
      continue;
    }
    known = arith::MulIOp::create(builder, loc, known, asValue(size));
  }
  llvm::SmallVector<OpFoldResult> resolved(sizes);
  if (inferred >= 0) {
    // -1: what the others leave (a zero product leaves zero, not a trap).
    Value divisor = arith::MaxSIOp::create(builder, loc, known, index(1));
    resolved[inferred] =
        Value(arith::DivSIOp::create(builder, loc, total, divisor));
    known = arith::MulIOp::create(builder, loc, known,
                                  cast<Value>(resolved[inferred]));
  }
  Value same = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                     known, total);
  cf::AssertOp::create(builder, loc, same,
                       (what + ": the shape's element count differs from "
                               "the input's")
                           .str());
  llvm::SmallVector<int64_t> shape;
  for (OpFoldResult size : resolved) {
    auto constant = getConstantIntValue(size);
    shape.push_back(constant ? *constant : ShapedType::kDynamic);
  }
  auto target = RankedTensorType::get(shape, type.getElementType());
  if (type.hasStaticShape() && target.hasStaticShape())
    return reshape(tensor, shape);
  if (target.hasStaticShape()) {
    // A static result of a dynamic input: the checked count is static.
    Value flat = flatten(builder, loc, tensor);
    Value exact = tensor::CastOp::create(
        builder, loc,
        RankedTensorType::get({target.getNumElements()}, type.getElementType()),
        flat);
    return reshape(exact, shape);
  }
  // Groups of dims when the types allow, else through one dimension; the
  // expansion takes the sizes as given.
  auto groups = getReassociationIndicesForReshape(type, target);
  if (groups && type.getRank() > target.getRank())
    return Value(
        tensor::CollapseShapeOp::create(builder, loc, target, tensor, *groups));
  if (groups && type.getRank() < target.getRank())
    return Value(tensor::ExpandShapeOp::create(builder, loc, target, tensor,
                                               *groups, resolved));
  Value flat = flatten(builder, loc, tensor);
  if (target.getRank() == 1)
    return flat;
  llvm::SmallVector<ReassociationIndices> expand(1);
  for (int64_t d = 0; d < target.getRank(); ++d)
    expand[0].push_back(d);
  return Value(tensor::ExpandShapeOp::create(builder, loc, target, flat, expand,
                                             resolved));
}

Value GraphImporter::toNHWC(Value logical) {
  auto type = cast<RankedTensorType>(logical.getType());
  auto shape = type.getShape();
  // [N, C, 1, 1] and [N, 1, 1, C] are the same bytes.
  if (shape[2] == 1 && shape[3] == 1)
    if (auto reshaped = reshape(logical, toNHWCShape(shape));
        succeeded(reshaped))
      return *reshaped;
  return transpose(logical, {0, 2, 3, 1});
}

Value GraphImporter::toLogical(Value nhwc) {
  auto type = cast<RankedTensorType>(nhwc.getType());
  auto shape = type.getShape();
  if (shape[1] == 1 && shape[2] == 1)
    if (auto reshaped = reshape(nhwc, fromNHWCShape(shape));
        succeeded(reshaped))
      return *reshaped;
  return transpose(nhwc, {0, 3, 1, 2});
}

FailureOr<llvm::SmallVector<int64_t>> GraphImporter::broadcastShape(
    llvm::ArrayRef<llvm::SmallVector<int64_t>> shapes) {
  size_t rank = 0;
  for (const auto &shape : shapes)
    rank = std::max(rank, shape.size());
  llvm::SmallVector<int64_t> result(rank, 1);
  for (const auto &shape : shapes) {
    size_t offset = rank - shape.size();
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t &out = result[offset + d];
      int64_t in = shape[d];
      if (in == 1)
        continue;
      if (out == 1 || out == in) {
        out = in;
        continue;
      }
      // A dynamic dim against a static one takes the static size.
      if (ShapedType::isDynamic(in))
        continue;
      if (ShapedType::isDynamic(out)) {
        out = in;
        continue;
      }
      return failure();
    }
  }
  return result;
}

FailureOr<Value> GraphImporter::elementwise(llvm::ArrayRef<Value> inputs,
                                            Type resultType,
                                            const ScalarBody &body) {
  llvm::SmallVector<llvm::SmallVector<int64_t>> shapes;
  for (Value in : inputs)
    shapes.push_back(llvm::SmallVector<int64_t>(
        cast<RankedTensorType>(in.getType()).getShape()));
  auto shape = broadcastShape(shapes);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  llvm::SmallVector<AffineMap> maps;
  for (auto [in, inShape] : llvm::zip(inputs, shapes)) {
    int64_t offset = rank - inShape.size();
    llvm::SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < int64_t(inShape.size()); ++d) {
      bool broadcast = inShape[d] == 1 && (*shape)[offset + d] != 1;
      exprs.push_back(broadcast ? builder.getAffineConstantExpr(0)
                                : builder.getAffineDimExpr(offset + d));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  // Dynamic result dims from an input whose same dim is dynamic.
  llvm::SmallVector<Value> like;
  for (Value in : inputs)
    like.push_back(in);
  Value init = empty(*shape, resultType, like);
  llvm::SmallVector<utils::IteratorType> iterators(
      rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, currentLoc, init.getType(), inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location loc, ValueRange args) {
        Value result = body(nested, loc, args.drop_back());
        linalg::YieldOp::create(nested, loc, result);
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

const ConverterTable &getConverters() {
  static const ConverterTable table = [] {
    ConverterTable t;
    addElementwiseConverters(t);
    addConvolutionConverters(t);
    addMatMulConverters(t);
    addShapeConverters(t);
    addNormalizationConverters(t);
    return t;
  }();
  return table;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        unsigned index) {
  current = &node;
  nodeFailed = false;
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  currentName = printable(name);
  currentLoc = NameLoc::get(builder.getStringAttr(name),
                            FileLineColLoc::get(ctx, path, 0, 0));
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return fail("domain '" + node.domain() + "' is not supported");
  const ConverterTable &table = getConverters();
  auto it = table.find(node.op_type());
  if (it == table.end())
    return fail("the op '" + node.op_type() + "' is not supported");
  if (failed(it->second(*this)))
    return failure();
  for (const std::string &output : node.output()) {
    if (output.empty())
      continue;
    auto it = values.find(output);
    if (it == values.end())
      return fail("output '" + output + "' is not supported");
    // Empty tensors: nothing the compiler's kernels can tile (ONNX Runtime
    // computes nothing for them either).
    if (!it->second.value)
      continue; // contents known, or shape arithmetic
    int64_t count = it->second.constant ? it->second.constant->size() : -1;
    if (!it->second.constant)
      if (auto type = dyn_cast<RankedTensorType>(it->second.value.getType()))
        if (llvm::is_contained(type.getShape(), 0))
          count = 0;
    if (count == 0 && !it->second.constant)
      return fail("output '" + output +
                  "' is an empty tensor (a dim of size 0): not supported");
  }
  return success();
}

static std::string valueInfoTypeError(const onnx::ValueInfoProto &info) {
  return "graph input '" + info.name() +
         "' needs a tensor type with an element type and a shape";
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());

  for (const auto &init : graph.initializer()) {
    auto contents = ConstTensor::fromProto(init, modelDir);
    if (!contents) {
      emitError(fileLoc) << "initializer '" << init.name()
                         << "': " << llvm::toString(contents.takeError());
      return nullptr;
    }
    values[init.name()].constant = std::move(*contents);
  }

  // Graph inputs that are not initializers are the function's arguments.
  llvm::SmallVector<Type> argumentTypes;
  llvm::SmallVector<std::string> argumentNames;
  for (const auto &info : graph.input()) {
    if (values.count(info.name()))
      continue;
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape()) {
      emitError(fileLoc) << valueInfoTypeError(info);
      return nullptr;
    }
    const auto &tensorType = info.type().tensor_type();
    auto kind = elementKindFromONNX(tensorType.elem_type());
    if (!kind) {
      emitError(fileLoc) << "graph input '" << info.name()
                         << "' has element type " << tensorType.elem_type()
                         << " (onnx.TensorProto.DataType), not supported";
      return nullptr;
    }
    llvm::SmallVector<int64_t> shape;
    for (const auto &dim : tensorType.shape().dim())
      shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0
                          ? dim.dim_value()
                          : ShapedType::kDynamic);
    if (llvm::is_contained(shape, 0)) {
      emitError(fileLoc) << "graph input '" << info.name()
                         << "' is an empty tensor (a dim of size 0): not "
                            "supported";
      return nullptr;
    }
    argumentTypes.push_back(RankedTensorType::get(shape, elementType(*kind)));
    argumentNames.push_back(info.name());
  }
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argumentTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [name, argument] : llvm::zip(argumentNames, entry->getArguments()))
    values[name].value = argument;
  builder.setInsertionPointToEnd(entry);

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return nullptr;

  llvm::SmallVector<Value> results;
  currentLoc = fileLoc;
  for (const auto &output : graph.output()) {
    ImportedValue &value = values[output.name()];
    if (value.symbolic) {
      emitError(fileLoc) << "graph output '" << printable(output.name())
                         << "' is a shape computed from a dynamic dim "
                            "(known when the program runs): not supported";
      return nullptr;
    }
    auto materialized = materialize(value, output.name());
    if (failed(materialized)) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' has no value";
      return nullptr;
    }
    results.push_back(value.nhwc ? toLogical(*materialized) : *materialized);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argumentTypes, ValueRange(results).getTypes()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace mlir::tessera::onnx_import
