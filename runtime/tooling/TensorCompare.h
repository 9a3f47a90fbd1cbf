//===- TensorCompare.h - Comparing results with expected values -*- C++ -*-===//
#ifndef TESSERA_TOOLING_TENSORCOMPARE_H
#define TESSERA_TOOLING_TENSORCOMPARE_H

#include "tessera/runtime/Tensor.h"

#include <optional>
#include <string>

namespace tessera::rt::tooling {

/// Floats match when |actual - expected| <= tolerance * max(1, |expected|)
/// (absolute near zero, relative for large values); NaN matches NaN.
/// Integers match exactly. Returns a description of the first mismatch
/// (type, shape or element with its index), or nullopt when all match.
std::optional<std::string>
compareTensors(const Tensor &actual, const Tensor &expected, double tolerance);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_TENSORCOMPARE_H
