//===- TransposedElementwise.h - Transposes through registers ---*- C++ -*-===//
//
// An elementwise op that reads an input across its output's rows (a
// transpose: NHWC read, NCHW written) cannot load that input as vectors
// along the output's contiguous loop. Left to LLVM, each output vector
// gathered its elements a row of the input apart, and at a power-of-two row
// pitch those rows fall in a few sets of the L1 cache: NHWC -> NCHW of
// 56x56x256 took 8x its reverse. Instead, blocks of width x width elements
// are loaded as vectors along the input's own contiguous loop, transposed in
// registers (vector.shuffle), and the body runs on the transposed vectors;
// each cache line of the input is read once, whole.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_TRANSPOSEDELEMENTWISE_H
#define TESSERA_CODEGEN_LLVMCPU_TRANSPOSEDELEMENTWISE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tessera::llvmcpu {

/// Rewrites `op` (an all-parallel generic on buffers whose outputs run
/// contiguously along one loop, and which reads at least one 32-bit input
/// contiguously along another loop) as width x width blocks transposed in
/// registers; the rows and columns past the last full block take blocks
/// whose loads and stores are masked. False, and `op` untouched, when it
/// does not have that form, or is narrower than half a block along either
/// loop.
bool vectorizeTransposedElementwise(linalg::GenericOp op, int64_t width);

/// `rows` (width vectors of width lanes, width a power of two) transposed:
/// lane j of result i is lane i of row j. log2(width) stages of two-input
/// shuffles, width * log2(width) shuffles in all.
SmallVector<Value> transposeInRegisters(OpBuilder &builder, Location loc,
                                        ArrayRef<Value> rows);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_TRANSPOSEDELEMENTWISE_H
