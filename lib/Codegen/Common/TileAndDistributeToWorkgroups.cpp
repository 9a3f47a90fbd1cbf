//===- TileAndDistributeToWorkgroups.cpp - One tile per workgroup ---------===//

#include "Codegen/Common/Passes.h"

#include "Codegen/Common/LoweringConfig.h"
#include "Codegen/Common/MergeWindowSlices.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tessera::codegen {
#define GEN_PASS_DEF_TILEANDDISTRIBUTETOWORKGROUPSPASS
#include "Codegen/Common/Passes.h.inc"
} // namespace mlir::tessera::codegen

using namespace mlir;
using namespace mlir::tessera;

namespace {

Value ceilDiv(OpBuilder &b, Location loc, Value value, int64_t divisor) {
  Value d = arith::ConstantIndexOp::create(b, loc, divisor);
  return arith::CeilDivUIOp::create(b, loc, value, d);
}

/// For each loop of the root, the index of the workload value (= result 0
/// dimension) that bounds it, or -1.
SmallVector<int64_t> mapLoopsToWorkload(Operation *root, unsigned numLoops) {
  SmallVector<int64_t> positions(numLoops, -1);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(root);
  if (!linalgOp) {
    for (unsigned i = 0; i < numLoops; ++i)
      positions[i] = i;
    return positions;
  }
  AffineMap map =
      linalgOp.getIndexingMapMatchingResult(cast<OpResult>(root->getResult(0)));
  for (auto [pos, expr] : llvm::enumerate(map.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      positions[dim.getPosition()] = pos;
  return positions;
}

/// Replaces the workgroup-count region with ceildiv(workload, tile) per
/// tiled loop: x innermost, y next, z the product of the rest.
LogicalResult rewriteCountRegion(hal::ExecutableExportOp exportOp,
                                 ArrayRef<int64_t> tiles,
                                 ArrayRef<int64_t> workloadPositions) {
  Region &region = exportOp.getWorkgroupCount();
  if (region.empty())
    return success();
  Block &block = region.front();
  auto workload = block.getArguments().drop_front();
  OpBuilder builder = OpBuilder::atBlockBegin(&block);
  Location loc = exportOp.getLoc();
  block.getTerminator()->erase();
  // Drop the old body but keep the arguments.
  while (!block.empty())
    block.back().erase();
  builder.setInsertionPointToEnd(&block);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  SmallVector<Value> counts;
  for (auto [loop, tile] : llvm::enumerate(tiles)) {
    if (tile == 0)
      continue;
    int64_t position = workloadPositions[loop];
    if (position < 0 || position >= static_cast<int64_t>(workload.size()))
      return exportOp.emitOpError()
             << "tiled loop " << loop << " is not bounded by the workload";
    counts.push_back(ceilDiv(builder, loc, workload[position], tile));
  }
  Value xyz[3] = {one, one, one};
  for (unsigned i = 0; i < counts.size(); ++i) {
    Value count = counts[counts.size() - 1 - i];
    if (i < 2)
      xyz[i] = count;
    else
      xyz[2] =
          xyz[2] == one
              ? count
              : arith::MulIOp::create(builder, loc, xyz[2], count).getResult();
  }
  hal::ReturnOp::create(builder, loc, ValueRange(xyz));
  return success();
}

/// `inside` and'ed with "the workgroup ids of dimensions `usedDims` and up
/// are 0": a grid of fewer than three dimensions has one workgroup along
/// the others, and a larger count there would repeat the work.
Value andUnusedIdsAreZero(OpBuilder &builder, Location loc, Value inside,
                          unsigned usedDims) {
  for (unsigned dim = usedDims; dim < 3; ++dim) {
    Value id = hal::InterfaceWorkgroupIDOp::create(
        builder, loc, builder.getIndexType(), builder.getIndexAttr(dim));
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value isZero =
        arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, id, zero);
    inside =
        inside ? arith::AndIOp::create(builder, loc, inside, isZero) : isZero;
  }
  return inside;
}

/// Replaces `forall` by the body of the iteration the running workgroup
/// owns. Loops map to workgroup ids innermost-first: x, y, then z
/// delinearized over the outer loops.
void distributeForall(RewriterBase &rewriter, scf::ForallOp forall,
                      bool guardWorkgroupIds) {
  Location loc = forall.getLoc();
  rewriter.setInsertionPoint(forall);
  unsigned numLoops = forall.getRank();
  SmallVector<Value> lbs = getValueOrCreateConstantIndexOp(
      rewriter, loc, forall.getMixedLowerBound());
  SmallVector<Value> ubs = getValueOrCreateConstantIndexOp(
      rewriter, loc, forall.getMixedUpperBound());
  SmallVector<Value> steps =
      getValueOrCreateConstantIndexOp(rewriter, loc, forall.getMixedStep());
  SmallVector<Value> iterationIds(numLoops);
  auto workgroupId = [&](unsigned dim) -> Value {
    return hal::InterfaceWorkgroupIDOp::create(
        rewriter, loc, rewriter.getIndexType(), rewriter.getIndexAttr(dim));
  };
  for (unsigned i = 0; i < numLoops && i < 2; ++i)
    iterationIds[numLoops - 1 - i] = workgroupId(i);
  if (numLoops > 2) {
    Value linear = workgroupId(2);
    for (int loop = numLoops - 3; loop >= 0; --loop) {
      if (loop == 0) {
        iterationIds[loop] = linear;
        break;
      }
      // (extent + step - 1) / step: kernels have no lowering for
      // arith.ceildivui (only the host program's count region does).
      Value extent = arith::SubIOp::create(rewriter, loc, ubs[loop], lbs[loop]);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value roundedUp = arith::AddIOp::create(
          rewriter, loc, extent,
          arith::SubIOp::create(rewriter, loc, steps[loop], one));
      Value count =
          arith::DivUIOp::create(rewriter, loc, roundedUp, steps[loop]);
      // An empty loop has no workgroups; one a damaged module runs anyway
      // must reach the grid check below, not divide by zero.
      count = arith::MaxUIOp::create(rewriter, loc, count, one);
      iterationIds[loop] = arith::RemUIOp::create(rewriter, loc, linear, count);
      linear = arith::DivUIOp::create(rewriter, loc, linear, count);
    }
  }
  SmallVector<Value> replacements;
  Value inside;
  for (unsigned loop = 0; loop < numLoops; ++loop) {
    // A loop of one tile (a Winograd transform's tile positions, whole in
    // every workgroup) starts at its lower bound, a constant the body's
    // linalg.index folds with; the guard then requires its workgroup id to
    // be 0. Unguarded (SPIR-V), the offset stays id * step.
    std::optional<int64_t> lb = getConstantIntValue(lbs[loop]),
                           ub = getConstantIntValue(ubs[loop]),
                           step = getConstantIntValue(steps[loop]);
    bool oneTile = guardWorkgroupIds && lb && ub && step && *ub - *lb <= *step;
    if (oneTile) {
      replacements.push_back(lbs[loop]);
    } else {
      Value offset =
          arith::MulIOp::create(rewriter, loc, iterationIds[loop], steps[loop]);
      replacements.push_back(
          arith::AddIOp::create(rewriter, loc, lbs[loop], offset));
    }
    if (!guardWorkgroupIds)
      continue;
    Value below =
        oneTile
            ? arith::CmpIOp::create(
                  rewriter, loc, arith::CmpIPredicate::ult, iterationIds[loop],
                  arith::ConstantIndexOp::create(rewriter, loc, 1))
            : arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                    replacements.back(), ubs[loop]);
    inside =
        inside ? arith::AndIOp::create(rewriter, loc, inside, below) : below;
  }
  // A workgroup count larger than the grid (a damaged or crafted module)
  // must not compute tiles outside the bindings, nor repeat them.
  if (guardWorkgroupIds)
    inside = andUnusedIdsAreZero(rewriter, loc, inside,
                                 std::min<unsigned>(numLoops, 3));
  if (inside)
    cf::AssertOp::create(rewriter, loc, inside,
                         codegen::kWorkgroupOutsideGridMessage);
  // Shared outputs become the loop's inits; the caller rewires them.
  replacements.append(forall.getOutputs().begin(), forall.getOutputs().end());

  scf::InParallelOp terminator = forall.getTerminator();
  SmallVector<Operation *> yielding(llvm::map_range(
      terminator.getYieldingOps(), [](Operation &op) { return &op; }));
  Block *body = forall.getBody();
  rewriter.inlineBlockBefore(body, forall, replacements);
  SmallVector<Value> results;
  for (Operation *op : yielding) {
    auto insert = cast<tensor::ParallelInsertSliceOp>(op);
    rewriter.setInsertionPoint(forall);
    auto serial = tensor::InsertSliceOp::create(
        rewriter, insert.getLoc(), insert.getSource(), insert.getDest(),
        insert.getMixedOffsets(), insert.getMixedSizes(),
        insert.getMixedStrides());
    results.push_back(serial);
  }
  rewriter.replaceOp(forall, results);
  rewriter.eraseOp(terminator);
}

/// The tile written by this workgroup goes straight into the result binding:
/// the rest of the result belongs to other workgroups, so the destination's
/// previous contents (the untiled init, e.g. a fill) are not needed.
void writeTilesIntoBindings(RewriterBase &rewriter, func::FuncOp func) {
  func.walk([&](bufferization::MaterializeInDestinationOp store) {
    auto insert = store.getSource().getDefiningOp<tensor::InsertSliceOp>();
    if (!insert)
      return;
    // Defined beside the binding, so that it dominates the tile's
    // computation: empty-tensor elimination can then compute the tile in
    // the binding itself instead of a temporary copied over at the end.
    rewriter.setInsertionPointAfterValue(store.getDest());
    Value dest = bufferization::ToTensorOp::create(
        rewriter, store.getLoc(), insert.getDestType(), store.getDest(),
        /*restrict=*/true, /*writable=*/true);
    rewriter.modifyOpInPlace(insert,
                             [&] { insert.getDestMutable().assign(dest); });
  });
}

struct TileAndDistributeToWorkgroupsPass
    : public tessera::codegen::impl::TileAndDistributeToWorkgroupsPassBase<
          TileAndDistributeToWorkgroupsPass> {
  using TileAndDistributeToWorkgroupsPassBase::
      TileAndDistributeToWorkgroupsPassBase;
  void runOnOperation() override {
    hal::ExecutableVariantOp variant = getOperation();
    ModuleOp module = variant.getInnerModule();
    if (!module)
      return;
    for (auto exportOp : variant.getBlock().getOps<hal::ExecutableExportOp>()) {
      auto func = module.lookupSymbol<func::FuncOp>(exportOp.getSymNameAttr());
      if (!func)
        continue;
      if (failed(tileAndDistribute(exportOp, func)))
        return signalPassFailure();
    }
  }

  LogicalResult tileAndDistribute(hal::ExecutableExportOp exportOp,
                                  func::FuncOp func) {
    Operation *rootOp = codegen::findRootOp(func);
    auto root = dyn_cast_or_null<TilingInterface>(rootOp);
    // One workgroup does it all: any other is outside the grid.
    auto guardSingleWorkgroup = [&] {
      if (!guardWorkgroupIds)
        return;
      OpBuilder builder = OpBuilder::atBlockBegin(&func.getBody().front());
      Value inside = andUnusedIdsAreZero(builder, func.getLoc(), Value(), 0);
      cf::AssertOp::create(builder, func.getLoc(), inside,
                           codegen::kWorkgroupOutsideGridMessage);
    };
    if (!root) {
      guardSingleWorkgroup();
      return rewriteCountRegion(exportOp, {}, {});
    }
    std::optional<SmallVector<int64_t>> config =
        codegen::getWorkgroupTileSizes(root);
    if (!config)
      return root->emitOpError() << "has no lowering_config; run the "
                                    "backend's select-lowering-config pass";
    SmallVector<int64_t> tiles = std::move(*config);
    SmallVector<int64_t> positions = mapLoopsToWorkload(rootOp, tiles.size());
    if (failed(rewriteCountRegion(exportOp, tiles, positions)))
      return failure();
    if (llvm::all_of(tiles, [](int64_t t) { return t == 0; })) {
      guardSingleWorkgroup();
      return success();
    }

    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    scf::SCFTilingOptions tilingOptions;
    tilingOptions.setTileSizes(getAsIndexOpFoldResult(ctx, tiles));
    tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tilingOptions);
    // Windows of one pad (a Winograd input transform's 16 reads) become
    // slices of one slice of it: the pad is fused once per tile.
    RewritePatternSet cleanup(ctx);
    codegen::populateMergeWindowSlicesPatterns(cleanup);
    options.cleanupPatterns = FrozenRewritePatternSet(std::move(cleanup));
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
    if (failed(result))
      return root->emitOpError() << "could not be tiled to workgroups";
    for (Value value : root->getResults())
      if (Value replacement = result->replacements.lookup(value))
        rewriter.replaceAllUsesWith(value, replacement);
    for (LoopLikeOpInterface loop : result->loops)
      if (auto forall = dyn_cast<scf::ForallOp>(loop.getOperation()))
        distributeForall(rewriter, forall, guardWorkgroupIds);
    writeTilesIntoBindings(rewriter, func);
    // Slices of empties become tile-sized empties, which bufferization can
    // then place directly in the result binding.
    RewritePatternSet patterns(ctx);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    return applyPatternsGreedily(func, std::move(patterns));
  }
};

} // namespace
