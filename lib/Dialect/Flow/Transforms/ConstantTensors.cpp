//===- ConstantTensors.cpp - Reading and writing f32 constants ------------===//

#include "Dialect/Flow/Transforms/ConstantTensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace mlir::tessera::flow {

std::optional<std::vector<float>> readF32Constant(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != attr.getNumElements())
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

Value createF32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        ArrayRef<float> values, StringRef name) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  Attribute attr;
  if (values.size() <= 1024) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                         values.size() * sizeof(float));
    attr = DenseResourceElementsAttr::get(
        type, name,
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float)));
  }
  return arith::ConstantOp::create(b, loc, type, cast<TypedAttr>(attr));
}

std::string derivedConstantName(Value source, StringRef suffix,
                                StringRef fallback) {
  if (auto constant = source.getDefiningOp<arith::ConstantOp>())
    if (auto resource =
            dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
      return (resource.getRawHandle().getKey() + suffix).str();
  return fallback.str();
}

} // namespace mlir::tessera::flow
