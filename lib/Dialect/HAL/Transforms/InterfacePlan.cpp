//===- InterfacePlan.cpp --------------------------------------------------===//

#include "Dialect/HAL/Transforms/InterfacePlan.h"

#include "Dialect/Common/CustomSyntax.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::tessera::hal {

InterfacePlan planInterface(FunctionType type, ArrayRef<int64_t> ties) {
  InterfacePlan plan;
  for (Type input : type.getInputs()) {
    if (isa<RankedTensorType>(input)) {
      plan.argumentBinding.push_back(plan.bindingReadOnly.size());
      plan.argumentConstant.push_back(-1);
      plan.bindingReadOnly.push_back(true);
    } else {
      plan.argumentBinding.push_back(-1);
      plan.argumentConstant.push_back(plan.pushConstants++);
    }
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    int64_t tie = i < ties.size() ? ties[i] : -1;
    if (tie >= 0) {
      int64_t binding = plan.argumentBinding[tie];
      plan.bindingReadOnly[binding] = false;
      plan.resultBinding.push_back(binding);
    } else {
      plan.resultBinding.push_back(plan.bindingReadOnly.size());
      plan.bindingReadOnly.push_back(false);
    }
  }
  auto assignDims = [&](Type t) {
    SmallVector<int64_t> ordinals;
    for (unsigned d = 0; d < getDynamicDimCount(t); ++d)
      ordinals.push_back(plan.pushConstants++);
    return ordinals;
  };
  for (Type input : type.getInputs())
    plan.argumentDimConstants.push_back(assignDims(input));
  for (Type result : type.getResults())
    plan.resultDimConstants.push_back(assignDims(result));
  return plan;
}

int64_t getStorageBytes(Type elementType) {
  if (elementType.isIndex())
    return 8;
  return std::max<int64_t>(1, elementType.getIntOrFloatBitWidth() / 8);
}

FailureOr<Value> packPushConstant(OpBuilder &builder, Location loc,
                                  Value value) {
  Type type = value.getType();
  Type i32 = builder.getI32Type();
  if (type.isInteger(32))
    return value;
  if (type.isIndex())
    return Value(arith::IndexCastUIOp::create(builder, loc, i32, value));
  if (type.isF32())
    return Value(arith::BitcastOp::create(builder, loc, i32, value));
  if (type.isSignlessInteger() && type.getIntOrFloatBitWidth() < 32)
    return Value(arith::ExtUIOp::create(builder, loc, i32, value));
  return failure();
}

FailureOr<Value> unpackPushConstant(OpBuilder &builder, Location loc, Type type,
                                    Value bits) {
  if (type.isInteger(32))
    return bits;
  if (type.isIndex())
    return Value(arith::IndexCastUIOp::create(builder, loc, type, bits));
  if (type.isF32())
    return Value(arith::BitcastOp::create(builder, loc, type, bits));
  if (type.isSignlessInteger() && type.getIntOrFloatBitWidth() < 32)
    return Value(arith::TruncIOp::create(builder, loc, type, bits));
  return failure();
}

} // namespace mlir::tessera::hal
