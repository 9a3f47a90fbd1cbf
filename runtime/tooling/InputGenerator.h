//===- InputGenerator.h - Inputs made up for a signature -------*- C++ -*-===//
//
// Inputs for running a function without data at hand: zeros, ones, iota
// (0, 1, 2, ... row-major) or uniform random values in [-1, 1) from a
// seed — the same bytes on every machine.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_INPUTGENERATOR_H
#define TESSERA_TOOLING_INPUTGENERATOR_H

#include "tessera/runtime/Status.h"
#include "tessera/runtime/Tensor.h"

#include <cstdint>
#include <string>

namespace tessera::rt::tooling {

enum class InputKind { Zeros, Ones, Iota, Random };

/// "zeros", "ones", "iota", "random".
const char *inputKindName(InputKind kind);

/// A tensor of `type` (dynamic dimensions take `dynamicSize`) filled as
/// `kind` says; integers get the values truncated.
StatusOr<Tensor> generateInput(const TensorType &type, InputKind kind,
                               uint64_t seed, int64_t dynamicSize = 1);

/// Element statistics of a result.
struct TensorStats {
  double min = 0, max = 0, mean = 0;
  int64_t nanCount = 0, infCount = 0;
};
TensorStats computeStats(const Tensor &tensor);

/// How far `actual` is from `expected` (same shape): the largest absolute
/// and relative (|a - e| / max(|e|, tiny)) errors, and the first index
/// where they differ beyond `tolerance` (as compareTensors measures), or -1.
struct TensorDifference {
  double maxAbsolute = 0, maxRelative = 0;
  int64_t firstMismatch = -1;
};
StatusOr<TensorDifference> measureDifference(const Tensor &actual,
                                             const Tensor &expected,
                                             double tolerance);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_INPUTGENERATOR_H
