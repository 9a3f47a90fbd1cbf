//===- InterfacePlan.h - Operands of a dispatch to bindings/constants -*- C++
//-*-===//
//
// The one place that decides how a dispatch's operands and results map onto
// its export's pipeline layout. MaterializeInterfaces builds layouts and
// export functions from it; the host lowering (lib/Module) passes operands
// in the same order.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_HAL_TRANSFORMS_INTERFACEPLAN_H
#define TESSERA_DIALECT_HAL_TRANSFORMS_INTERFACEPLAN_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::tessera::hal {

/// Tensor operands take read-only bindings in order, then untied results take
/// writable bindings (a tied result reuses its operand's binding, made
/// writable). Push constants: scalar operands in order, then the dynamic
/// dims of each operand, then those of each result.
struct InterfacePlan {
  // Per function argument: binding ordinal (tensors) or push constant
  // ordinal (scalars).
  SmallVector<int64_t> argumentBinding, argumentConstant;
  // Per result: binding ordinal.
  SmallVector<int64_t> resultBinding;
  // Push constant ordinals of the dynamic dims of each argument and result.
  SmallVector<SmallVector<int64_t>> argumentDimConstants, resultDimConstants;
  SmallVector<bool> bindingReadOnly;
  int64_t pushConstants = 0;
};

/// `ties[i]` is the operand index result i is tied to, or -1.
InterfacePlan planInterface(FunctionType type, ArrayRef<int64_t> ties);

/// Bytes per element of a tensor in a host buffer and in bindings: dense,
/// i1 as a byte, index as 8.
int64_t getStorageBytes(Type elementType);

/// How an index travels in a 32-bit push constant: a dynamic dim unsigned
/// (0 to 2^32 - 1), an index operand (an offset, a count, which may be
/// negative) signed. The host checks the range before packing
/// (checkPushConstantRange): a value outside it would arrive as another
/// number.
enum class IndexEncoding { Unsigned, Signed };

/// A scalar operand travels as one 32-bit push constant: i32 as is, index
/// by `encoding`, narrower integers zero-extended (truncated back by the
/// export), f32 as its bits. The host packs it, the export unpacks it;
/// other types fail.
FailureOr<Value> packPushConstant(OpBuilder &builder, Location loc, Value value,
                                  IndexEncoding encoding);
FailureOr<Value> unpackPushConstant(OpBuilder &builder, Location loc, Type type,
                                    Value bits, IndexEncoding encoding);

/// On the host: a `cf.assert` that index `value` fits `encoding`'s 32 bits,
/// naming `what` in its message.
void checkPushConstantRange(OpBuilder &builder, Location loc, Value value,
                            IndexEncoding encoding, StringRef what);

} // namespace mlir::tessera::hal

#endif // TESSERA_DIALECT_HAL_TRANSFORMS_INTERFACEPLAN_H
