//===- ContractionEpilogue.h - A contraction's init and epilogue -*- C++
//-*-===//
//
// In a dispatch that computes act(conv(x, w) + bias) (+ a residual), the
// contraction's output is a stack temporary C, filled from the bias before
// the contraction and read once by an elementwise op after it:
//   C[..., j] = bias[j]                  the init (a broadcast or a fill)
//   C[..., j] += A * B                   the contraction
//   O[...] = f(C[...], X[...], ...)      the epilogue
// Separately each is a pass over C. Register-tiled, the init becomes the
// accumulators' starting values and the epilogue is applied to them before
// they are stored to O: C is neither filled nor read back.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_CONTRACTIONEPILOGUE_H
#define TESSERA_CODEGEN_LLVMCPU_CONTRACTIONEPILOGUE_H

#include "Codegen/LLVMCPU/VectorBody.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tessera::llvmcpu {

/// The ops around a contraction on buffers that register tiles absorb.
struct ContractionSurroundings {
  /// Writes all of C just before the contraction: a linalg.fill, or a
  /// generic copying one input (C[idx] = in[m(idx)]), read as `initRead`.
  Operation *init = nullptr;
  ReadKind initRead = ReadKind::Broadcast;
  /// Reads C once after it, elementwise, into another buffer; C is a stack
  /// temporary used by nothing else. Each input other than C is read as
  /// `epilogueReads` says (C's entry unused).
  linalg::GenericOp epilogue;
  SmallVector<ReadKind> epilogueReads;
  /// The epilogue's operand reading C.
  OpOperand *epilogueInput = nullptr;
};

/// The init and epilogue of `contraction` (on buffers) that register tiles
/// can absorb, either or both null.
ContractionSurroundings
findContractionSurroundings(linalg::LinalgOp contraction);

/// The loop values of `generic` at C's indices `cIndices`, given that it
/// reads C through `cOperand` with a permutation map.
SmallVector<Value> loopValuesAt(linalg::GenericOp generic, OpOperand *cOperand,
                                ArrayRef<Value> cIndices);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_CONTRACTIONEPILOGUE_H
