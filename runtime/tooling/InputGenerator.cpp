//===- InputGenerator.cpp - Inputs made up for a signature ----------------===//

#include "InputGenerator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tessera::rt::tooling {

const char *inputKindName(InputKind kind) {
  switch (kind) {
  case InputKind::Zeros:
    return "zeros";
  case InputKind::Ones:
    return "ones";
  case InputKind::Iota:
    return "iota";
  case InputKind::Random:
    return "random";
  }
  return "?";
}

namespace {

/// splitmix64: a small generator whose sequence is fixed by the seed.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void store(Tensor &tensor, int64_t index, double value) {
  uint8_t *at =
      tensor.mutableBytes() + index * elementSize(tensor.elementType());
  switch (tensor.elementType()) {
  case ElementType::F32: {
    float v = static_cast<float>(value);
    std::memcpy(at, &v, sizeof(v));
    return;
  }
  case ElementType::F64:
    std::memcpy(at, &value, sizeof(value));
    return;
  case ElementType::F16: {
    uint16_t v = floatToHalf(static_cast<float>(value));
    std::memcpy(at, &v, sizeof(v));
    return;
  }
  case ElementType::BF16: {
    uint16_t v = floatToBfloat16(static_cast<float>(value));
    std::memcpy(at, &v, sizeof(v));
    return;
  }
  case ElementType::I1: {
    // 0 or 1: iota alternates, random picks by sign.
    uint8_t v = static_cast<int64_t>(std::floor(value)) & 1;
    *at = v;
    return;
  }
  default: {
    int64_t v = static_cast<int64_t>(value);
    // Little-endian: the low bytes are the narrower integer.
    std::memcpy(at, &v, elementSize(tensor.elementType()));
    return;
  }
  }
}

} // namespace

StatusOr<Tensor> generateInput(const TensorType &type, InputKind kind,
                               uint64_t seed, int64_t dynamicSize) {
  std::vector<int64_t> shape = type.shape;
  for (int64_t &dim : shape)
    if (dim < 0)
      dim = dynamicSize;
  auto tensor = Tensor::allocate(type.elementType, shape);
  if (!tensor)
    return tensor.status();
  if (type.scalar)
    *tensor = Tensor(type.elementType, {}, tensor->storage(), 0, true);
  uint64_t state = seed;
  for (int64_t i = 0, e = tensor->elementCount(); i < e; ++i) {
    double value = 0;
    switch (kind) {
    case InputKind::Zeros:
      continue;
    case InputKind::Ones:
      value = 1;
      break;
    case InputKind::Iota:
      value = static_cast<double>(i);
      break;
    case InputKind::Random:
      // 53 random bits -> [0, 1) -> [-1, 1).
      value = (nextRandom(state) >> 11) * 0x1.0p-53 * 2 - 1;
      break;
    }
    store(*tensor, i, value);
  }
  return tensor;
}

TensorStats computeStats(const Tensor &tensor) {
  TensorStats stats;
  stats.min = std::numeric_limits<double>::infinity();
  stats.max = -stats.min;
  double sum = 0;
  int64_t finite = 0;
  for (int64_t i = 0, e = tensor.elementCount(); i < e; ++i) {
    double value = tensor.elementAsDouble(i);
    if (std::isnan(value)) {
      ++stats.nanCount;
      continue;
    }
    if (std::isinf(value)) {
      ++stats.infCount;
      continue;
    }
    stats.min = std::min(stats.min, value);
    stats.max = std::max(stats.max, value);
    sum += value;
    ++finite;
  }
  if (finite == 0)
    stats.min = stats.max = 0;
  stats.mean = finite ? sum / finite : 0;
  return stats;
}

StatusOr<TensorDifference> measureDifference(const Tensor &actual,
                                             const Tensor &expected,
                                             double tolerance) {
  if (actual.shape() != expected.shape() ||
      actual.elementType() != expected.elementType())
    return Status::error("cannot compare " + actual.tensorType().str() +
                         " with " + expected.tensorType().str());
  TensorDifference difference;
  for (int64_t i = 0, e = actual.elementCount(); i < e; ++i) {
    double a = actual.elementAsDouble(i), x = expected.elementAsDouble(i);
    if (std::isnan(a) && std::isnan(x))
      continue;
    double absolute = std::fabs(a - x);
    if (std::isnan(absolute))
      absolute = std::numeric_limits<double>::infinity();
    double relative = absolute / std::max(std::fabs(x), 1e-30);
    difference.maxAbsolute = std::max(difference.maxAbsolute, absolute);
    difference.maxRelative = std::max(difference.maxRelative, relative);
    if (difference.firstMismatch < 0 &&
        absolute > tolerance * std::max(1.0, std::fabs(x)))
      difference.firstMismatch = i;
  }
  return difference;
}

} // namespace tessera::rt::tooling
