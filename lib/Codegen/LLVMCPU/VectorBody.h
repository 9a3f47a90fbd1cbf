//===- VectorBody.h - Elementwise bodies on vectors -------------*- C++ -*-===//
//
// What the llvm-cpu vectorizers share: the target's vector width, how an
// operand is read for a vector along one loop, and a linalg.generic's
// scalar body cloned on vectors.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CODEGEN_LLVMCPU_VECTORBODY_H
#define TESSERA_CODEGEN_LLVMCPU_VECTORBODY_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::tessera::llvmcpu {

/// The vector width in f32 lanes for the variant enclosing `op`: 16 with
/// AVX-512, 8 with AVX, 4 otherwise; `fallback` outside a variant.
int64_t vectorWidthFor(Operation *op, int64_t fallback);

/// How an operand is read for a vector along one loop: along it, as its
/// innermost index (a vector load), or independent of it (a scalar
/// broadcast).
enum class ReadKind { Vector, Broadcast };

/// The loop `map`'s innermost result is, when that result is a plain loop
/// (the loop an operand runs contiguously along).
std::optional<unsigned> innermostLoop(AffineMap map);

/// The ReadKind of an operand read through `map` for a vector along loop
/// `column`; std::nullopt when it runs along the loop in another place (a
/// transpose).
std::optional<ReadKind> readKind(AffineMap map, unsigned column);

/// Whether `generic`'s body can run on vectors: side-effect-free scalar ops
/// without regions, no integer division (a masked-off lane's zero divisor
/// would trap) and no linalg.index (lanes would need their own indices),
/// except of the loops in `fixedLoops`, whose value is one per emitted body.
bool isVectorizableBody(linalg::GenericOp generic,
                        ArrayRef<unsigned> fixedLoops = {});

/// Clones the body of `generic` on vectors of `width` lanes at `builder`'s
/// insertion point: `inputs` are the values of its input block arguments
/// (vectors, or scalars for operands broadcast along the vector); returns
/// the yielded values as vectors. Values the body captures and results of
/// ops on scalars alone stay scalars until a vector op needs them.
/// `loopValues`, when given, holds per loop the value linalg.index of it
/// takes (one of isVectorizableBody's `fixedLoops`), null for the others.
SmallVector<Value> cloneBodyOnVectors(OpBuilder &builder,
                                      linalg::GenericOp generic,
                                      ArrayRef<Value> inputs, int64_t width,
                                      ArrayRef<Value> loopValues = {});

/// A vector of `width` elements of `memref` at `at`; with `mask`, a masked
/// load whose masked-off lanes are 0 (a column tail's).
Value loadVector(OpBuilder &builder, Location loc, Value memref, ValueRange at,
                 int64_t width, Value mask);

/// The mask of the columns [start, n) of a vector of `width` lanes, created
/// inside a new scf.if that runs only when there are any: `builder` is
/// left inside it (callers hold an OpBuilder::InsertionGuard).
Value beginColumnTail(OpBuilder &builder, Location loc, Value n, Value start,
                      int64_t width);

/// The results of `map` at the loop values `ivs`, as index values (folded
/// and composed with the affine ops that compute `ivs`).
SmallVector<Value> applyMapAt(OpBuilder &builder, Location loc, AffineMap map,
                              ArrayRef<Value> ivs);

} // namespace mlir::tessera::llvmcpu

#endif // TESSERA_CODEGEN_LLVMCPU_VECTORBODY_H
