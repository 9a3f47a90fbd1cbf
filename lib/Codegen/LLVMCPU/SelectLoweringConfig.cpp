//===- SelectLoweringConfig.cpp - Workgroup tile sizes per dispatch -------===//

#include "Codegen/LLVMCPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::tessera::llvmcpu {
#define GEN_PASS_DEF_SELECTLOWERINGCONFIGPASS
#include "Codegen/LLVMCPU/Passes.h.inc"

Operation *findRootOp(func::FuncOp func) {
  Operation *root = nullptr;
  func.walk([&](bufferization::MaterializeInDestinationOp store) {
    if (!root)
      root = store.getSource().getDefiningOp();
  });
  return root;
}
} // namespace mlir::tessera::llvmcpu

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Parallel loops of `root` that can be tiled without recomputing a fused
/// reduction: a loop is dropped when an operand produced by a reduction
/// does not vary along it.
SmallVector<bool> findTileableLoops(TilingInterface root) {
  SmallVector<utils::IteratorType> iterators = root.getLoopIteratorTypes();
  SmallVector<bool> tileable;
  for (utils::IteratorType it : iterators)
    tileable.push_back(it == utils::IteratorType::parallel);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(root.getOperation());
  if (!linalgOp)
    return tileable;
  for (OpOperand *operand : linalgOp.getDpsInputOperands()) {
    auto producer = operand->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || producer.getNumReductionLoops() == 0)
      continue;
    AffineMap map = linalgOp.getMatchingIndexingMap(operand);
    for (unsigned loop = 0; loop < tileable.size(); ++loop)
      if (!map.isFunctionOfDim(loop))
        tileable[loop] = false;
  }
  return tileable;
}

struct SelectLoweringConfigPass
    : public tessera::llvmcpu::impl::SelectLoweringConfigPassBase<
          SelectLoweringConfigPass> {
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) {
      auto root = dyn_cast_or_null<TilingInterface>(llvmcpu::findRootOp(func));
      if (!root)
        return;
      SmallVector<bool> tileable = findTileableLoops(root);
      OpBuilder builder(root);
      SmallVector<Range> ranges = root.getIterationDomain(builder);
      SmallVector<int64_t> tiles(tileable.size(), 0);
      int64_t preferred[] = {64, 32};
      unsigned assigned = 0;
      for (int loop = tileable.size() - 1; loop >= 0; --loop) {
        if (!tileable[loop])
          continue;
        int64_t tile = assigned < 2 ? preferred[assigned] : 1;
        ++assigned;
        if (auto size = getConstantIntValue(ranges[loop].size))
          tile = std::min(tile, std::max<int64_t>(*size, 1));
        tiles[loop] = tile;
      }
      root->setAttr("lowering_config",
                    hal::LoweringConfigAttr::get(&getContext(), tiles));
    });
  }
};

} // namespace
