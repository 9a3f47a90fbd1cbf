//===- OuterProductContraction.h - Contractions as outer products -*- C++
//-*-===//
//
// The class of contractions the llvm-cpu backend register-tiles:
//   C[..., r, j] += A[f(..., r, k...)] * B[g(k...), j]
// in f32, where j (the output's innermost loop) runs along the innermost
// dimension of C and of B and nowhere else, and r (the output's next loop)
// indexes A but not B. Matmuls, batch matmuls and NHWC x HWCF convolutions
// are of this form (a convolution's r is the output column). So is
//   C[..., r, j] += A[f(..., r, k...), j] * B[g(k...), j]
// where A also runs along j (NHWC x HWC depthwise convolutions): A is then
// loaded as vectors too. B may also hold its columns in panels,
// B[j floordiv P, g(k...), j mod P] (rhsPanelWidth).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_OUTERPRODUCTCONTRACTION_H
#define TESSERA_CODEGEN_LLVMCPU_OUTERPRODUCTCONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::tessera::llvmcpu {

/// How the loops of a contraction map onto a register tile.
struct OuterProductLoops {
  unsigned row = 0, col = 0;
  SmallVector<unsigned> outer;      // other parallel loops, in loop order
  SmallVector<unsigned> reductions; // in loop order
  OpOperand *lhs = nullptr;         // broadcast, indexed by `row`
  OpOperand *rhs = nullptr;         // loaded as vectors along `col`
  /// A runs along `col` too (a depthwise convolution: each channel its
  /// own filter): its elements are loaded as vectors, not broadcast.
  bool lhsIsVector = false;
};

/// The loops of `op` when it is such a contraction, on tensors or on
/// buffers (whose B and C must then be contiguous along j). The body is
/// out + f(a) * b, where f is none or scalar ops on A's element alone
/// (a global average pool's 1/n folded into the matmul after it).
std::optional<OuterProductLoops>
matchOuterProductContraction(linalg::LinalgOp op);

/// The panel width P when B is stored in panels along the columns,
/// B[..., j floordiv P, ..., j mod P] (a filter whose output channels are no
/// multiple of P, its last panel padded: PanelMajorFilters); 0 otherwise.
/// Such a B is read in place, a panel at a time.
int64_t rhsPanelWidth(linalg::LinalgOp op, const OuterProductLoops &loops);

/// The loop and panel width P of an input of `op` stored in panels along
/// that loop (as rhsPanelWidth's B), if any. Linalg's tiling slices such an
/// input correctly only at tiles of that loop that start on a panel
/// (SelectLoweringConfig aligns them).
std::optional<std::pair<unsigned, int64_t>>
findPanelColumns(linalg::LinalgOp op);

/// Whether B depends on the reductions and the columns only (a matmul's B,
/// not a panel-major filter's panels nor a batch matmul's): one pass over
/// its rows serves every row of C, and the kernel packs it per call.
bool rhsIndexedByReductionsAndColumns(linalg::LinalgOp op,
                                      const OuterProductLoops &loops);

/// f(element) for a matched `op`: its body's ops on A's element, cloned at
/// `builder`'s insertion point (`element` itself when there are none).
Value applyLhsPrologue(OpBuilder &builder, linalg::LinalgOp op,
                       const OuterProductLoops &loops, Value element);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_OUTERPRODUCTCONTRACTION_H
