//===- LoweringConfig.cpp - Workgroup tiles of a dispatch's root ----------===//

#include "Codegen/Common/LoweringConfig.h"

#include "Codegen/Dialect/CodegenDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::tessera::codegen {

/// The attribute's name on the root op.
static constexpr llvm::StringLiteral kLoweringConfigName = "lowering_config";

Operation *findRootOp(func::FuncOp func) {
  Operation *root = nullptr;
  func.walk([&](bufferization::MaterializeInDestinationOp store) {
    if (!root)
      root = store.getSource().getDefiningOp();
  });
  return root;
}

/// Iterations of `op`'s loop nest when static.
static std::optional<int64_t> staticIterations(linalg::LinalgOp op) {
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
static constexpr int64_t kRecomputableFraction = 16;

SmallVector<bool> findTileableLoops(TilingInterface root) {
  SmallVector<utils::IteratorType> iterators = root.getLoopIteratorTypes();
  SmallVector<bool> tileable;
  for (utils::IteratorType it : iterators)
    tileable.push_back(it == utils::IteratorType::parallel);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  if (!linalgOp)
    return tileable;
  std::optional<int64_t> rootWork = staticIterations(linalgOp);
  // The producers feeding the root, each with its result's map in the
  // root's loops; elementwise ones (a squeeze-excitation's hard sigmoid
  // between its convolution and the scaling) are looked through.
  // Each (producer, map) once: chains reusing a value (x * x) would
  // otherwise be walked once per path.
  SmallVector<std::pair<linalg::LinalgOp, AffineMap>> worklist;
  llvm::DenseSet<std::pair<Operation *, AffineMap>> seen;
  auto pushProducers = [&](linalg::LinalgOp consumer, AffineMap toConsumer) {
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::LinalgOp>();
      if (!producer)
        continue;
      AffineMap map =
          consumer.getMatchingIndexingMap(operand).compose(toConsumer);
      if (seen.insert({producer, map}).second)
        worklist.push_back({producer, map});
    }
  };
  pushProducers(linalgOp, AffineMap::getMultiDimIdentityMap(
                              linalgOp.getNumLoops(), root->getContext()));
  while (!worklist.empty()) {
    auto [producer, inRoot] = worklist.pop_back_val();
    if (producer.getNumReductionLoops() == 0) {
      AffineMap result =
          producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
      if (producer->getNumResults() == 1 && result.isPermutation())
        pushProducers(producer, inversePermutation(result).compose(inRoot));
      continue;
    }
    // A producer this much smaller than the root (a squeeze-excitation
    // block's 1x1 convolution broadcast over a whole feature map) costs
    // nothing to recompute per tile; keeping the root whole along its
    // other loops would leave a few channels per workgroup, too few to
    // vectorize.
    std::optional<int64_t> producerWork = staticIterations(producer);
    if (rootWork && producerWork &&
        *producerWork * kRecomputableFraction <= *rootWork)
      continue;
    for (unsigned loop = 0; loop < tileable.size(); ++loop)
      if (!inRoot.isFunctionOfDim(loop))
        tileable[loop] = false;
  }
  return tileable;
}

SmallVector<int64_t> getLoopExtents(TilingInterface root) {
  OpBuilder builder(root);
  SmallVector<int64_t> extents;
  for (Range range : root.getIterationDomain(builder))
    extents.push_back(getConstantIntValue(range.size).value_or(kUnknownExtent));
  return extents;
}

std::optional<SmallVector<int64_t>> getWorkgroupTileSizes(Operation *op) {
  auto config = op->getAttrOfType<LoweringConfigAttr>(kLoweringConfigName);
  if (!config)
    return std::nullopt;
  return llvm::to_vector(config.getWorkgroupTileSizes());
}

void setWorkgroupTileSizes(Operation *op, ArrayRef<int64_t> tiles) {
  op->setAttr(kLoweringConfigName,
              LoweringConfigAttr::get(op->getContext(), tiles));
}

} // namespace mlir::tessera::codegen
