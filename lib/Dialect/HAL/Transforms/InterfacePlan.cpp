//===- InterfacePlan.cpp --------------------------------------------------===//

#include "Dialect/HAL/Transforms/InterfacePlan.h"

#include "Dialect/Common/CustomSyntax.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

#include <limits>

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

FailureOr<Value> packPushConstant(OpBuilder &builder, Location loc, Value value,
                                  IndexEncoding encoding) {
  Type type = value.getType();
  Type i32 = builder.getI32Type();
  if (type.isInteger(32))
    return value;
  if (type.isIndex() && encoding == IndexEncoding::Signed)
    return Value(arith::IndexCastOp::create(builder, loc, i32, value));
  if (type.isIndex())
    return Value(arith::IndexCastUIOp::create(builder, loc, i32, value));
  if (type.isF32())
    return Value(arith::BitcastOp::create(builder, loc, i32, value));
  if (type.isSignlessInteger() && type.getIntOrFloatBitWidth() < 32)
    return Value(arith::ExtUIOp::create(builder, loc, i32, value));
  return failure();
}

FailureOr<Value> unpackPushConstant(OpBuilder &builder, Location loc, Type type,
                                    Value bits, IndexEncoding encoding) {
  if (type.isInteger(32))
    return bits;
  if (type.isIndex() && encoding == IndexEncoding::Signed)
    return Value(arith::IndexCastOp::create(builder, loc, type, bits));
  if (type.isIndex())
    return Value(arith::IndexCastUIOp::create(builder, loc, type, bits));
  if (type.isF32())
    return Value(arith::BitcastOp::create(builder, loc, type, bits));
  if (type.isSignlessInteger() && type.getIntOrFloatBitWidth() < 32)
    return Value(arith::TruncIOp::create(builder, loc, type, bits));
  return failure();
}

void checkPushConstantRange(OpBuilder &builder, Location loc, Value value,
                            IndexEncoding encoding, StringRef what) {
  // One unsigned comparison: a signed value is shifted into [0, 2^32) first.
  bool isSigned = encoding == IndexEncoding::Signed;
  Value shifted =
      isSigned ? arith::AddIOp::create(builder, loc, value,
                                       arith::ConstantIndexOp::create(
                                           builder, loc, int64_t(1) << 31))
                     .getResult()
               : value;
  Value fits = arith::CmpIOp::create(
      builder, loc, arith::CmpIPredicate::ule, shifted,
      arith::ConstantIndexOp::create(builder, loc,
                                     std::numeric_limits<uint32_t>::max()));
  cf::AssertOp::create(builder, loc, fits,
                       (what + " is outside the " +
                        (isSigned ? "signed" : "unsigned") +
                        " 32-bit range a dispatch takes")
                           .str());
}

} // namespace mlir::tessera::hal
