//===- HostTensor.h - Tensors the runners exchange --------------*- C++ -*-===//
//
// Plain bytes with a shape: what the reference (upstream MLIR, JIT-compiled)
// and Tessera's devices are given and return, so that neither side's types
// leak into the other.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CONFORMANCE_HOSTTENSOR_H
#define TESSERA_CONFORMANCE_HOSTTENSOR_H

#include "ProgramGenerator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::conformance {

struct HostTensor {
  TensorSpec spec;
  std::vector<uint8_t> bytes;

  int64_t elementCount() const;
  /// Element `index` (row-major) as a double.
  double at(int64_t index) const;
  static HostTensor zeros(const TensorSpec &spec);
};

/// Inputs for `program` from `seed`: floats uniform in [-1, 1), integers
/// in [-8, 8] (i8: [-4, 4]).
std::vector<HostTensor> makeInputs(const Program &program, uint64_t seed);

/// Where `actual` first differs from `expected` beyond a tolerance that
/// grows with the element type's precision and the accumulation length;
/// empty when they agree.
std::string compareResults(const HostTensor &expected,
                           const HostTensor &actual);

/// "4x5x8" for a shape.
std::string shapeText(const std::vector<int64_t> &shape);

} // namespace tessera::conformance

#endif // TESSERA_CONFORMANCE_HOSTTENSOR_H
