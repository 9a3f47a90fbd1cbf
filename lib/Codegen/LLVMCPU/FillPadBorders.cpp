//===- FillPadBorders.cpp - A padded window's fill writes its border only -===//
//
// A tensor.pad inside a dispatch (a convolution's zero border) bufferizes
// into a stack buffer filled with the padding value, then the source copied
// into its interior:
//   linalg.map outs(%window) { linalg.yield %zero }
//   %interior = memref.subview %window[offsets] [sizes] [1, ...]
//   linalg.copy ins(%source) outs(%interior)
// The fill of the interior is overwritten at once; for a depthwise
// convolution, whose work per element is small, that pass cost as much as
// the convolution. The fill becomes one fill per face of the border: for
// each dimension d, the slabs before and after the interior along d (the
// dimensions before d restricted to the interior, those after it whole).
// Slabs that are empty at run time cost a loop that does not run.
//
//===----------------------------------------------------------------------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_FILLPADBORDERSPASS
#include "Codegen/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::llvmcpu

using namespace mlir;

namespace {

/// The value a fill of the whole window writes: a linalg.fill's, or a
/// linalg.map without inputs yielding a value from outside its body.
Value fillValue(Operation *op, Value &window) {
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    if (!fill.hasPureBufferSemantics())
      return {};
    window = fill.getDpsInits()[0];
    return fill.getInputs()[0];
  }
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.hasPureBufferSemantics() || !map.getInputs().empty())
    return {};
  Block &body = map.getMapper().front();
  if (body.getOperations().size() != 1)
    return {};
  Value yielded = body.getTerminator()->getOperand(0);
  if (yielded.getParentBlock() == &body)
    return {};
  window = map.getInit();
  return yielded;
}

/// The interior view of `window` that a copy overwrites right after the
/// fill: the next ops are side-effect free up to that copy, the view has
/// unit strides and is used by the copy alone.
memref::SubViewOp findInterior(Operation *fill, Value window) {
  for (Operation *op = fill->getNextNode(); op; op = op->getNextNode()) {
    auto copy = dyn_cast<linalg::CopyOp>(op);
    if (!copy) {
      if (op->getNumRegions() != 0 || !isMemoryEffectFree(op))
        return {};
      continue;
    }
    auto view = copy.getOutputs()[0].getDefiningOp<memref::SubViewOp>();
    if (!view || view.getSource() != window || !view->hasOneUse() ||
        !llvm::all_of(view.getMixedStrides(),
                      [](OpFoldResult s) { return isConstantIntValue(s, 1); }))
      return {};
    return view;
  }
  return {};
}

/// Replaces the fill of `window` by fills of the border around `interior`.
void fillBorder(OpBuilder &b, Operation *fill, Value value, Value window,
                memref::SubViewOp interior) {
  Location loc = fill->getLoc();
  // Just before the copy: the interior's offsets and sizes may be computed
  // after the fill.
  b.setInsertionPoint(*interior->getUsers().begin());
  auto type = cast<MemRefType>(window.getType());
  SmallVector<OpFoldResult> dims = memref::getMixedSizes(b, loc, window);
  SmallVector<OpFoldResult> offsets = interior.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = interior.getMixedSizes();
  AffineExpr s0 = b.getAffineSymbolExpr(0), s1 = b.getAffineSymbolExpr(1),
             s2 = b.getAffineSymbolExpr(2);
  OpFoldResult zero = b.getIndexAttr(0);
  SmallVector<OpFoldResult> ones(type.getRank(), b.getIndexAttr(1));
  auto fillSlab = [&](ArrayRef<OpFoldResult> slabOffsets,
                      ArrayRef<OpFoldResult> slabSizes) {
    if (llvm::any_of(slabSizes,
                     [](OpFoldResult s) { return isConstantIntValue(s, 0); }))
      return;
    Value slab =
        memref::SubViewOp::create(b, loc, window, slabOffsets, slabSizes, ones);
    linalg::FillOp::create(b, loc, value, slab);
  };
  for (int64_t d = 0; d < type.getRank(); ++d) {
    SmallVector<OpFoldResult> slabOffsets, slabSizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      slabOffsets.push_back(i < d ? offsets[i] : zero);
      slabSizes.push_back(i < d ? sizes[i] : dims[i]);
    }
    // Before the interior along d.
    slabSizes[d] = offsets[d];
    fillSlab(slabOffsets, slabSizes);
    // After it.
    slabOffsets[d] = affine::makeComposedFoldedAffineApply(
        b, loc, s0 + s1, {offsets[d], sizes[d]});
    slabSizes[d] = affine::makeComposedFoldedAffineApply(
        b, loc, s2 - s0 - s1, {offsets[d], sizes[d], dims[d]});
    fillSlab(slabOffsets, slabSizes);
  }
  fill->erase();
}

struct FillPadBordersPass
    : public tessera::llvmcpu::impl::FillPadBordersPassBase<
          FillPadBordersPass> {
  void runOnOperation() override {
    SmallVector<Operation *> fills;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::FillOp, linalg::MapOp>(op))
        fills.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *fill : fills) {
      Value window;
      Value value = fillValue(fill, window);
      if (!value || !window.getDefiningOp<memref::AllocaOp>())
        continue;
      if (memref::SubViewOp interior = findInterior(fill, window))
        fillBorder(b, fill, value, window, interior);
    }
  }
};

} // namespace
