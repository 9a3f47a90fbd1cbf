//===- CheckElementTypes.cpp - Element types the SPIR-V kernels can hold --===//
//
// Kernels address storage buffers in 32-bit words: without the 8/16-bit
// storage capabilities (which the target environment does not ask of the
// device), f16, i8 and i16 values would be read and written as 32-bit
// ones, and 64-bit ones are not available everywhere. A dispatch over such
// tensors is refused at the source op, in the user's terms, rather than
// computing garbage or failing deep in the conversion.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_CHECKELEMENTTYPESPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// f32 and i32 tensors; i1 and index only as scalars inside kernels.
bool isSupportedElement(Type type) {
  return type.isF32() || type.isInteger(32);
}

struct CheckElementTypesPass
    : public impl::CheckElementTypesPassBase<CheckElementTypesPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](Operation *op) {
      // Empties only name a shape, and ops in a linalg body belong to it:
      // the op computing is refused.
      if (isa<tensor::EmptyOp>(op) ||
          isa_and_nonnull<linalg::LinalgOp>(op->getParentOp()) ||
          (!isa<linalg::LinalgOp>(op) &&
           op->getName().getDialectNamespace() != "tensor"))
        return;
      for (Type type :
           llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
        auto shaped = dyn_cast<ShapedType>(type);
        if (!shaped || isSupportedElement(shaped.getElementType()))
          continue;
        op->emitError() << "'" << op->getName() << "' on "
                        << shaped.getElementType()
                        << " tensors is not supported by the vulkan-spirv "
                           "target (its kernels store f32 and i32 only); "
                           "compile for llvm-cpu, or convert to f32/i32";
        failed = true;
        return;
      }
    });
    if (failed)
      signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
