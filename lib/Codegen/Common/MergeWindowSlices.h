//===- MergeWindowSlices.h - One slice of a pad per tile --------*- C++ -*-===//
//
// A consumer that reads a padded tensor through several windows at fixed
// offsets from each other (a Winograd input transform reads its 4x4 input
// tile as 16 operands) takes, once tiled, one slice of the pad per operand,
// and tile-and-fuse pads each slice separately: 16 padded copies per tile.
// This pattern, run as tile-and-fuse's cleanup before fusion, takes their
// union once and the windows as slices of it, so the pad is fused once.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_COMMON_MERGEWINDOWSLICES_H
#define TESSERA_CODEGEN_COMMON_MERGEWINDOWSLICES_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::tessera::codegen {

/// Slices of one tensor.pad result in one block, unit-strided, whose
/// offsets and sizes differ from each other by constants, become slices of
/// their union (one slice of the pad).
void populateMergeWindowSlicesPatterns(RewritePatternSet &patterns);

} // namespace mlir::tessera::codegen

#endif // TESSERA_CODEGEN_COMMON_MERGEWINDOWSLICES_H
