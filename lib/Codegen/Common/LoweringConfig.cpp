//===- LoweringConfig.cpp - Workgroup tiles of a dispatch's root ----------===//

#include "Codegen/Common/LoweringConfig.h"

#include "Codegen/Dialect/CodegenDialect.h"
#include "Dialect/Common/TileableRootLoops.h"

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

SmallVector<bool> findTileableLoops(TilingInterface root) {
  // Every producer in the dispatch's function is fused into the root.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(root.getOperation()))
    return tileableRootLoops(linalgOp, [](Operation *) { return true; });
  SmallVector<bool> tileable;
  for (utils::IteratorType it : root.getLoopIteratorTypes())
    tileable.push_back(it == utils::IteratorType::parallel);
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
