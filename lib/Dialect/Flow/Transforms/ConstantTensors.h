//===- ConstantTensors.h - Reading and writing f32 constants ----*- C++ -*-===//
//
// Rewrites that compute a new constant from a constant filter at compile
// time (Winograd's filter transform, panel-major filters) read the filter's
// elements and write the result back as a constant of the same kind.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_FLOW_TRANSFORMS_CONSTANTTENSORS_H
#define TESSERA_DIALECT_FLOW_TRANSFORMS_CONSTANTTENSORS_H

#include "mlir/IR/Builders.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tessera::flow {

/// The elements of a constant f32 tensor (dense or a resource blob), in
/// row-major order; none when `value` is not such a constant.
std::optional<std::vector<float>> readF32Constant(Value value);

/// An arith.constant of `shape` holding `values`: dense when small, else a
/// resource blob kept under `name`.
Value createF32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        ArrayRef<float> values, StringRef name);

/// The resource name of a constant derived from `source`: the source's
/// name followed by `suffix` (or `fallback` when it has none).
std::string derivedConstantName(Value source, StringRef suffix,
                                StringRef fallback);

} // namespace mlir::tessera::flow

#endif // TESSERA_DIALECT_FLOW_TRANSFORMS_CONSTANTTENSORS_H
