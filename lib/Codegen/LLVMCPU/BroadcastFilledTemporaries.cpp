//===- BroadcastFilledTemporaries.cpp - Splats read through a broadcast ---===//
//
// A splat constant a dispatch reads (the bundled ResNet-50's classifier
// weights, 2048x1000 of one value) bufferizes into a stack temporary the
// size of the tensor, filled with the value: 7.8 MB of stack per
// workgroup, and the fill's time. When nothing but the fill writes the
// temporary and every other use only reads it as a linalg input, it becomes
// one line of the value (its innermost extent) seen through a view of the
// full shape whose outer strides are 0.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_BROADCASTFILLEDTEMPORARIESPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;

namespace {

/// The fill that alone writes `alloca` whole, when every other use reads
/// it as an input of a linalg op.
linalg::FillOp onlyFill(memref::AllocaOp alloca) {
  linalg::FillOp fill;
  for (OpOperand &use : alloca->getUses()) {
    Operation *user = use.getOwner();
    if (auto candidate = dyn_cast<linalg::FillOp>(user)) {
      if (fill || candidate.getOutputs()[0] != alloca.getResult())
        return {};
      fill = candidate;
      continue;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
    if (!linalgOp || !linalgOp.isDpsInput(&use))
      return {};
  }
  return fill;
}

struct BroadcastFilledTemporariesPass
    : public tessera::llvmcpu::impl::BroadcastFilledTemporariesPassBase<
          BroadcastFilledTemporariesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> allocas;
    getOperation().walk([&](memref::AllocaOp alloca) {
      MemRefType type = alloca.getType();
      if (type.hasStaticShape() && type.getRank() >= 2 &&
          type.getLayout().isIdentity() &&
          type.getNumElements() > type.getShape().back())
        allocas.push_back(alloca);
    });
    for (memref::AllocaOp alloca : allocas) {
      linalg::FillOp fill = onlyFill(alloca);
      if (!fill)
        continue;
      MemRefType type = alloca.getType();
      OpBuilder b(alloca);
      Location loc = alloca.getLoc();
      auto lineType =
          MemRefType::get({type.getShape().back()}, type.getElementType());
      Value line =
          memref::AllocaOp::create(b, loc, lineType, alloca.getAlignmentAttr());
      SmallVector<int64_t> strides(type.getRank(), 0);
      strides.back() = 1;
      auto viewType =
          MemRefType::get(type.getShape(), type.getElementType(),
                          StridedLayoutAttr::get(b.getContext(), 0, strides));
      Value view = memref::ReinterpretCastOp::create(b, loc, viewType, line, 0,
                                                     type.getShape(), strides);
      b.setInsertionPoint(fill);
      linalg::FillOp::create(b, fill.getLoc(), fill.getInputs()[0], line);
      fill->erase();
      alloca.getResult().replaceAllUsesWith(view);
      alloca->erase();
    }
  }
};

} // namespace
