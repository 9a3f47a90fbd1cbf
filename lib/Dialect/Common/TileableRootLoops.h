//===- TileableRootLoops.h - Loops a fused dispatch can tile ----*- C++ -*-===//
//
// A dispatch is tiled along its root's loops; the producers fused into it
// are computed per tile. A fused reduction needs its whole reduced extent
// in every tile, so the root can be tiled only along loops that every such
// producer's result spans (as the root reads it, through the elementwise
// ops between). Codegen picks workgroup tiles from this; dispatch
// formation asks it before fusing a reduction, since a root with no
// tileable loop runs as one workgroup with every temporary whole, and
// before fusing a contraction into a root that moves its result's
// contiguous dimension.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_COMMON_TILEABLEROOTLOOPS_H
#define TESSERA_DIALECT_COMMON_TILEABLEROOTLOOPS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace mlir::tessera {

/// Iterations of `op`'s loop nest when static.
inline std::optional<int64_t> staticIterations(linalg::LinalgOp op) {
  int64_t product = 1;
  for (int64_t extent : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(extent) || extent < 0 ||
        extent > (int64_t(1) << 40) / std::max<int64_t>(product, 1))
      return std::nullopt;
    product *= extent;
  }
  return product;
}

/// A fused reduction at most 1/kRecomputableFraction of its consumer's
/// work is recomputed per tile rather than keeping loops whole: its
/// multiply-adds run as vector FMAs, the consumer's elements as vector
/// loads and stores, so a 32 -> 120 squeeze-excitation layer (3840 of
/// them) costs a workgroup of its 28x28x120 scaling (94080) well under a
/// microsecond, where keeping 28x28 whole leaves workgroups of 20
/// channels that write parts of each other's cache lines.
inline constexpr int64_t kRecomputableFraction = 16;

/// Calls `fn(producer, inRoot)` for each producer with reductions that
/// `root`'s dispatch computes per tile, among the producers `fused`
/// accepts (elementwise ones in between are looked through): `inRoot` maps
/// the root's loops to the producer's result. Producers small enough to be
/// recomputed per tile (kRecomputableFraction) are skipped.
inline void forEachTiledReduction(
    linalg::LinalgOp root, llvm::function_ref<bool(Operation *)> fused,
    llvm::function_ref<void(linalg::LinalgOp, AffineMap)> fn) {
  std::optional<int64_t> rootWork = staticIterations(root);
  // The producers feeding the root, each with its result's map in the
  // root's loops. Each (producer, map) once: chains reusing a value
  // (x * x) would otherwise be walked once per path.
  SmallVector<std::pair<linalg::LinalgOp, AffineMap>> worklist;
  llvm::DenseSet<std::pair<Operation *, AffineMap>> seen;
  auto pushProducers = [&](linalg::LinalgOp consumer, AffineMap toRoot) {
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::LinalgOp>();
      if (!producer || !fused(producer))
        continue;
      AffineMap map = consumer.getMatchingIndexingMap(operand).compose(toRoot);
      if (seen.insert({producer, map}).second)
        worklist.push_back({producer, map});
    }
  };
  pushProducers(root, AffineMap::getMultiDimIdentityMap(root.getNumLoops(),
                                                        root->getContext()));
  while (!worklist.empty()) {
    auto [producer, inRoot] = worklist.pop_back_val();
    if (producer.getNumReductionLoops() == 0) {
      AffineMap result =
          producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
      if (producer->getNumResults() == 1 && result.isPermutation())
        pushProducers(producer, inversePermutation(result).compose(inRoot));
      continue;
    }
    std::optional<int64_t> producerWork = staticIterations(producer);
    if (rootWork && producerWork &&
        *producerWork * kRecomputableFraction <= *rootWork)
      continue;
    fn(producer, inRoot);
  }
}

/// For each loop of `root`, whether tiles may split it: a parallel loop
/// that the result of every producer with reductions spans
/// (forEachTiledReduction).
inline SmallVector<bool>
tileableRootLoops(linalg::LinalgOp root,
                  llvm::function_ref<bool(Operation *)> fused) {
  SmallVector<bool> tileable;
  for (utils::IteratorType it : root.getIteratorTypesArray())
    tileable.push_back(it == utils::IteratorType::parallel);
  forEachTiledReduction(root, fused, [&](linalg::LinalgOp, AffineMap inRoot) {
    for (unsigned loop = 0; loop < tileable.size(); ++loop)
      if (!inRoot.isFunctionOfDim(loop))
        tileable[loop] = false;
  });
  return tileable;
}

/// Whether every contraction or convolution computed per tile of `root`
/// (forEachTiledReduction) keeps its result's contiguous dimension as the
/// root's: register tiles hold vectors along it. A consumer moving it (an
/// NHWC convolution's result written out NCHW) leaves the contraction
/// computed element by element in the transpose's order.
inline bool
keepsContractionsContiguous(linalg::LinalgOp root,
                            llvm::function_ref<bool(Operation *)> fused) {
  AffineMap output = root.getMatchingIndexingMap(root.getDpsInitOperand(0));
  if (output.getNumResults() == 0)
    return true;
  AffineExpr innermost = output.getResults().back();
  bool keeps = true;
  forEachTiledReduction(root, fused,
                        [&](linalg::LinalgOp producer, AffineMap inRoot) {
                          if (inRoot.getNumResults() == 0 ||
                              !(linalg::isaContractionOpInterface(producer) ||
                                linalg::isaConvolutionOpInterface(producer)))
                            return;
                          if (inRoot.getResults().back() != innermost)
                            keeps = false;
                        });
  return keeps;
}

} // namespace mlir::tessera

#endif // TESSERA_DIALECT_COMMON_TILEABLEROOTLOOPS_H
