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

#include "Dialect/Flow/IR/FlowOps.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_CHECKELEMENTTYPESPASS
#define GEN_PASS_DEF_EXCLUDEUNSUPPORTEDVARIANTSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// f32 and i32 tensors; i1 and index only as scalars inside kernels.
bool isSupportedElement(Type type) {
  return type.isF32() || type.isInteger(32);
}

} // namespace

std::pair<Operation *, Type> findUnsupportedElementType(Operation *root) {
  std::pair<Operation *, Type> found = {nullptr, nullptr};
  root->walk([&](Operation *op) {
    // Empties only name a shape, and ops in a linalg body belong to it:
    // the op computing is named.
    if (isa<tensor::EmptyOp>(op) ||
        isa_and_nonnull<linalg::LinalgOp>(op->getParentOp()) ||
        (!isa<linalg::LinalgOp>(op) &&
         op->getName().getDialectNamespace() != "tensor"))
      return WalkResult::advance();
    for (Type type :
         llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped || isSupportedElement(shaped.getElementType()))
        continue;
      found = {op, shaped.getElementType()};
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

namespace {

struct CheckElementTypesPass
    : public impl::CheckElementTypesPassBase<CheckElementTypesPass> {
  void runOnOperation() override {
    auto [op, type] = findUnsupportedElementType(getOperation());
    if (!op)
      return;
    op->emitError() << "'" << op->getName() << "' on " << type
                    << " tensors is not supported by the vulkan-spirv "
                       "target (its kernels store f32 and i32 only); "
                       "compile for llvm-cpu, or convert to f32/i32";
    signalPassFailure();
  }
};

struct ExcludeUnsupportedVariantsPass
    : public impl::ExcludeUnsupportedVariantsPassBase<
          ExcludeUnsupportedVariantsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    DenseSet<SymbolRefAttr> dropped;
    for (auto executable : getOperation().getOps<hal::ExecutableOp>()) {
      llvm::SmallVector<hal::ExecutableVariantOp> variants(
          executable.getOps<hal::ExecutableVariantOp>());
      if (variants.size() < 2)
        continue;
      for (auto variant : variants)
        if (variant.getTarget().getBackend().getValue() == "vulkan-spirv" &&
            findUnsupportedElementType(variant).first) {
          dropped.insert(SymbolRefAttr::get(
              executable.getSymNameAttr(),
              {FlatSymbolRefAttr::get(variant.getSymNameAttr())}));
          variant.erase();
        }
    }
    if (dropped.empty())
      return;
    // Dispatches name one entry point per variant: the dropped ones go.
    getOperation().walk([&](flow::DispatchOp dispatch) {
      llvm::SmallVector<Attribute> kept;
      for (SymbolRefAttr ref : dispatch.getEntryPointRefs()) {
        auto variant = SymbolRefAttr::get(
            ref.getRootReference(), ref.getNestedReferences().take_front());
        if (!dropped.contains(variant))
          kept.push_back(ref);
      }
      dispatch.setEntryPointsAttr(ArrayAttr::get(ctx, kept));
    });
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
