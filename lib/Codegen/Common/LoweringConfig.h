//===- LoweringConfig.h - Workgroup tiles of a dispatch's root --*- C++ -*-===//
//
// Each backend chooses the workgroup tile sizes of a dispatch's root op in
// its own SelectLoweringConfig pass and records them on the op; tiling to
// workgroups (and SPIR-V's fitting to private memory) reads them back. What
// the backends share: finding the root, which of its loops may be tiled,
// its loop extents, and the attribute itself.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_COMMON_LOWERINGCONFIG_H
#define TESSERA_CODEGEN_COMMON_LOWERINGCONFIG_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/TilingInterface.h"

#include <optional>

namespace mlir::tessera::codegen {

/// The extent assumed for a dynamic loop: a large guess.
constexpr int64_t kUnknownExtent = 1 << 20;

/// The root op of a dispatch function: the producer of the first value
/// stored to a binding. Null when there is none.
Operation *findRootOp(func::FuncOp func);

/// Parallel loops of `root` that can be tiled without recomputing a fused
/// reduction: a loop is dropped when an operand produced by a reduction
/// (directly or through elementwise ops) does not vary along it, unless
/// that reduction is tiny next to the root
/// (at most 1/256 of its iterations), which each tile then recomputes.
SmallVector<bool> findTileableLoops(TilingInterface root);

/// The extent of each loop of `root`, kUnknownExtent for dynamic ones.
SmallVector<int64_t> getLoopExtents(TilingInterface root);

/// The workgroup tile size of each loop of `op` (0: untiled), if a backend
/// chose them.
std::optional<SmallVector<int64_t>> getWorkgroupTileSizes(Operation *op);

/// Records the workgroup tile sizes of `op`'s loops.
void setWorkgroupTileSizes(Operation *op, ArrayRef<int64_t> tiles);

} // namespace mlir::tessera::codegen

#endif // TESSERA_CODEGEN_COMMON_LOWERINGCONFIG_H
