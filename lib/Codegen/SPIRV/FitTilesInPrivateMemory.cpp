//===- FitTilesInPrivateMemory.cpp - Tiles one invocation can hold --------===//
//
// SelectLoweringConfig's tile sizes ignore temporaries. On SPIR-V the
// temporaries of a tile (what the root's fused producers compute) live in
// each invocation's private memory: the largest tile size is halved until the
// estimate — elements of the root's parallel tile, times the producers —
// fits the per-invocation budget ConvertToSPIRV enforces. A softmax's
// 64-row tile becomes a one-row tile.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "Codegen/Common/LoweringConfig.h"
#include "Dialect/HAL/IR/HALOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_FITTILESINPRIVATEMEMORYPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

void fit(func::FuncOp func) {
  Operation *rootOp = codegen::findRootOp(func);
  auto root = dyn_cast_or_null<linalg::LinalgOp>(rootOp);
  if (!root)
    return;
  std::optional<SmallVector<int64_t>> config =
      codegen::getWorkgroupTileSizes(root);
  if (!config)
    return;
  int64_t producers = 0;
  func.walk([&](linalg::LinalgOp op) {
    if (op != root && op->getNumResults() > 0)
      ++producers;
  });
  if (producers == 0)
    return;
  SmallVector<int64_t> tiles = std::move(*config);
  SmallVector<int64_t> extents = root.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
  auto estimate = [&] {
    int64_t elements = 1;
    for (auto [tile, extent, iterator] : llvm::zip(tiles, extents, iterators)) {
      if (iterator != utils::IteratorType::parallel)
        continue;
      int64_t size = tile > 0 ? tile : extent;
      if (ShapedType::isDynamic(size))
        return std::numeric_limits<int64_t>::max();
      elements *= size;
    }
    return elements * 4 * producers;
  };
  while (estimate() > kPrivateBytesLimit) {
    int64_t *largest = nullptr;
    for (int64_t &tile : tiles)
      if (tile > 1 && (!largest || tile > *largest))
        largest = &tile;
    if (!largest)
      break; // Untiled dims alone exceed it: ConvertToSPIRV says so.
    *largest /= 2;
  }
  codegen::setWorkgroupTileSizes(root, tiles);
}

struct FitTilesInPrivateMemoryPass
    : public impl::FitTilesInPrivateMemoryPassBase<
          FitTilesInPrivateMemoryPass> {
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) { fit(func); });
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
