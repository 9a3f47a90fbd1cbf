//===- SelectLoweringConfig.cpp - Workgroup tile sizes per dispatch -------===//
//
// A plain start: 64 x 32 elements per workgroup, one per invocation along
// the innermost loop; FitTilesInPrivateMemory then shrinks tiles whose
// temporaries an invocation cannot hold.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SPIRV/Passes.h"

#include "Codegen/Common/LoweringConfig.h"

namespace mlir::tessera::spirv_codegen {

#define GEN_PASS_DEF_SELECTLOWERINGCONFIGPASS
#include "Codegen/SPIRV/Passes.h.inc"

namespace {

/// 64 / 32 / 1 per tileable loop, innermost first.
SmallVector<int64_t> basicTiles(ArrayRef<bool> tileable,
                                ArrayRef<int64_t> extents) {
  SmallVector<int64_t> tiles(tileable.size(), 0);
  int64_t preferred[] = {64, 32};
  unsigned assigned = 0;
  for (int loop = tileable.size() - 1; loop >= 0; --loop) {
    if (!tileable[loop])
      continue;
    int64_t tile = assigned < 2 ? preferred[assigned] : 1;
    ++assigned;
    tiles[loop] = std::min(tile, std::max<int64_t>(extents[loop], 1));
  }
  return tiles;
}

struct SelectLoweringConfigPass
    : public impl::SelectLoweringConfigPassBase<SelectLoweringConfigPass> {
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) {
      auto root = dyn_cast_or_null<TilingInterface>(codegen::findRootOp(func));
      if (!root)
        return;
      codegen::setWorkgroupTileSizes(
          root, basicTiles(codegen::findTileableLoops(root),
                           codegen::getLoopExtents(root)));
    });
  }
};

} // namespace

} // namespace mlir::tessera::spirv_codegen
