//===- PromoteMatmulOperands.cpp - A matmul's LHS in workgroup memory
//------===//
//
// Within a workgroup's matmul tile every invocation computes its own
// columns but reads all of the tile's rows of the left-hand side: 64
// invocations would each load the same elements from the binding. The
// reduction dimension is tiled (32 at a time), and each step's LHS slice
// is first copied into workgroup memory by the invocations together, then
// read from there. DistributeToInvocations spreads the copy and puts the
// barriers between it and the matmul. The right-hand side stays in the
// binding: each invocation reads its own columns of it. Not done for
// devices that are CPUs (--vulkan-device-type=cpu).
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_PROMOTEMATMULOPERANDSPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// Reduction elements staged per step.
constexpr int64_t kReductionTile = 32;

/// Bytes of the static temporaries already in `function` (each may end up
/// in workgroup memory).
int64_t temporaryBytes(func::FuncOp function) {
  int64_t bytes = 0;
  function.walk([&](Operation *op) {
    if (!isa<memref::AllocaOp, memref::AllocOp>(op))
      return;
    auto type = cast<MemRefType>(op->getResult(0).getType());
    if (type.hasStaticShape())
      bytes += type.getNumElements() *
               std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  });
  return bytes;
}

/// Whether staging `op`'s LHS pays and fits: a contraction over one
/// reduction dimension on buffers, whose tile has several columns (the
/// invocations sharing each LHS element) and static LHS rows.
bool worthPromoting(linalg::LinalgOp op, int64_t freeBytes) {
  if (!op.hasPureBufferSemantics() || !linalg::isaContractionOpInterface(op))
    return false;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  if (reductions.size() != 1)
    return false;
  auto lhs = dyn_cast<MemRefType>(op.getDpsInputs()[0].getType());
  auto out = dyn_cast<MemRefType>(op.getDpsInits()[0].getType());
  if (!lhs || !out)
    return false;
  // Rows of the LHS: its dimensions other than the reduction's, static.
  AffineMap lhsMap = op.getMatchingIndexingMap(op.getDpsInputOperands()[0]);
  // The invocations share the LHS only when it does not vary along the
  // output's innermost (distributed) loop, as a matmul's A does not along
  // N; an elementwise product summed over rows gains nothing, and staging
  // it gave wrong sums on lavapipe (tests/lit/conformance).
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outMap.getNumResults() == 0)
    return false;
  auto column = dyn_cast<AffineDimExpr>(outMap.getResults().back());
  if (!column || lhsMap.isFunctionOfDim(column.getPosition()))
    return false;
  int64_t rowElements = 1;
  for (auto [position, result] : llvm::enumerate(lhsMap.getResults())) {
    if (result == getAffineDimExpr(reductions.front(), op.getContext()))
      continue;
    if (lhs.isDynamicDim(position))
      return false;
    rowElements *= lhs.getDimSize(position);
  }
  // Columns of the tile (an edge tile's are dynamic: several, then).
  bool severalColumns =
      out.getRank() > 0 && (out.isDynamicDim(out.getRank() - 1) ||
                            out.getDimSize(out.getRank() - 1) > 1);
  int64_t stagedBytes = rowElements * kReductionTile *
                        std::max<int64_t>(1, lhs.getElementTypeBitWidth() / 8);
  return severalColumns && stagedBytes <= freeBytes;
}

LogicalResult copyWithLinalg(OpBuilder &builder, Value from, Value to) {
  linalg::CopyOp::create(builder, from.getLoc(), from, to);
  return success();
}

struct PromoteMatmulOperandsPass
    : public impl::PromoteMatmulOperandsPassBase<PromoteMatmulOperandsPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    // On a CPU implementation (lavapipe, SwiftShader) workgroup memory is
    // ordinary memory and barriers cost: staging only slows a matmul down.
    if (auto variant = function->getParentOfType<hal::ExecutableVariantOp>())
      if (targetsCPUDevice(variant))
        return;
    SmallVector<linalg::LinalgOp> contractions;
    function.walk([&](linalg::LinalgOp op) { contractions.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : contractions) {
      if (!worthPromoting(op, kSharedBytesLimit - temporaryBytes(function)))
        continue;
      SmallVector<unsigned> reductions;
      op.getReductionDims(reductions);
      SmallVector<int64_t> tileSizes(op.getNumLoops(), 0);
      tileSizes[reductions.front()] = kReductionTile;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::TiledLinalgOp> tiled = linalg::tileLinalgOp(
          rewriter, op,
          linalg::LinalgTilingOptions().setTileSizes(tileSizes).setLoopType(
              linalg::LinalgTilingLoopType::Loops));
      if (failed(tiled))
        continue;
      rewriter.eraseOp(op);
      linalg::LinalgPromotionOptions options;
      options.setOperandsToPromote({0})
          .setUseFullTileBuffersByDefault(false)
          .setAllocationDeallocationFns(linalg::allocateWorkgroupMemory,
                                        linalg::deallocateWorkgroupMemory)
          .setCopyInOutFns(copyWithLinalg, copyWithLinalg);
      if (failed(linalg::promoteSubviewsPrecondition(tiled->op, options)))
        continue;
      OpBuilder builder(tiled->op);
      if (failed(linalg::promoteSubViews(builder, tiled->op, options))) {
        tiled->op.emitOpError("could not stage its LHS in workgroup memory");
        return signalPassFailure();
      }
    }
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
