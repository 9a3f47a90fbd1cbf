//===- FlopCount.h - Floating-point operations of a dispatch -----*- C++
//-*-===//
//
// Profilers turn a dispatch's time into GFLOP/s with this count, recorded on
// its export. A linalg op costs its iteration space times the floating-point
// arithmetic in its body (a multiply-add is 2); other ops cost nothing.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_HAL_TRANSFORMS_FLOPCOUNT_H
#define TESSERA_DIALECT_HAL_TRANSFORMS_FLOPCOUNT_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::tessera::hal {

/// The floating-point operations `root` runs, or nullopt when a linalg op in
/// it has a dynamic loop range (or the count overflows).
std::optional<uint64_t> countFlops(Operation *root);

} // namespace mlir::tessera::hal

#endif // TESSERA_DIALECT_HAL_TRANSFORMS_FLOPCOUNT_H
