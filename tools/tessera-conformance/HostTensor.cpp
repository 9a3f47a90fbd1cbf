//===- HostTensor.cpp - Tensors the runners exchange ----------------------===//

#include "HostTensor.h"

#include "tessera/runtime/Tensor.h"

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

namespace tessera::conformance {

int64_t HostTensor::elementCount() const {
  int64_t n = 1;
  for (int64_t d : spec.shape)
    n *= d;
  return n;
}

double HostTensor::at(int64_t index) const {
  const uint8_t *p = bytes.data() + index * elementBytes(spec.element);
  switch (spec.element) {
  case Element::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case Element::F16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return rt::halfToFloat(h);
  }
  case Element::I32: {
    int32_t i;
    std::memcpy(&i, p, 4);
    return i;
  }
  case Element::I8:
    return int8_t(*p);
  }
  return 0;
}

HostTensor HostTensor::zeros(const TensorSpec &spec) {
  HostTensor tensor;
  tensor.spec = spec;
  tensor.bytes.assign(tensor.elementCount() * elementBytes(spec.element), 0);
  return tensor;
}

std::vector<HostTensor> makeInputs(const Program &program, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<HostTensor> inputs;
  for (const TensorSpec &spec : program.inputs) {
    HostTensor tensor = HostTensor::zeros(spec);
    int64_t n = tensor.elementCount();
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (int64_t i = 0; i < n; ++i) {
      uint8_t *p = tensor.bytes.data() + i * elementBytes(spec.element);
      switch (spec.element) {
      case Element::F32: {
        float f = uniform(rng);
        std::memcpy(p, &f, 4);
        break;
      }
      case Element::F16: {
        uint16_t h = rt::floatToHalf(uniform(rng));
        std::memcpy(p, &h, 2);
        break;
      }
      case Element::I32: {
        int32_t v = int32_t(rng() % 17) - 8;
        std::memcpy(p, &v, 4);
        break;
      }
      case Element::I8:
        *p = uint8_t(int8_t(int(rng() % 9) - 4));
        break;
      }
    }
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "x" : "") + std::to_string(shape[i]);
  return out.empty() ? "scalar" : out;
}

/// "[i, j, k]" of row-major element `index` in `shape`.
static std::string indexText(const std::vector<int64_t> &shape, int64_t index) {
  std::vector<int64_t> at(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    at[d] = shape[d] ? index % shape[d] : 0;
    index = shape[d] ? index / shape[d] : 0;
  }
  std::string out = "[";
  for (size_t d = 0; d < at.size(); ++d)
    out += (d ? ", " : "") + std::to_string(at[d]);
  return out + "]";
}

std::string compareResults(const HostTensor &expected,
                           const HostTensor &actual) {
  if (expected.spec.shape != actual.spec.shape ||
      expected.bytes.size() != actual.bytes.size())
    return "shape " + shapeText(actual.spec.shape) + ", expected " +
           shapeText(expected.spec.shape);
  int64_t n = expected.elementCount();
  if (!isFloat(expected.spec.element)) {
    for (int64_t i = 0; i < n; ++i)
      if (expected.at(i) != actual.at(i)) {
        std::ostringstream out;
        out << "element " << indexText(expected.spec.shape, i) << ": "
            << actual.at(i) << ", expected " << expected.at(i) << " (exact)";
        return out.str();
      }
    return "";
  }
  // Rounding differs in the order of sums and in the math functions'
  // approximations: the tolerance grows with the precision of the type and
  // the number of terms each element accumulates, relative to the
  // element's magnitude and to the tensor's typical magnitude (sums that
  // cancel).
  double epsilon = expected.spec.element == Element::F16 ? 9.77e-4 : 1.19e-7;
  double accumulation = std::max(1.0, expected.spec.accumulation);
  double relative =
      epsilon * (64 + 8 * std::sqrt(accumulation) + 0.5 * accumulation);
  double sumSquares = 0;
  int64_t finite = 0;
  for (int64_t i = 0; i < n; ++i) {
    double e = expected.at(i);
    if (std::isfinite(e)) {
      sumSquares += e * e;
      ++finite;
    }
  }
  double scale = std::max(1.0, finite ? std::sqrt(sumSquares / finite) : 1.0);
  for (int64_t i = 0; i < n; ++i) {
    double e = expected.at(i), a = actual.at(i);
    if (std::isnan(e) && std::isnan(a))
      continue;
    if (std::isinf(e) && a == e)
      continue;
    // f16 results past the largest finite value round to inf on one side.
    if (expected.spec.element == Element::F16 && std::fabs(e) > 6.0e4 &&
        std::fabs(a) > 6.0e4 && (e > 0) == (a > 0))
      continue;
    double tolerance = relative * (std::fabs(e) + scale);
    if (!(std::fabs(e - a) <= tolerance)) {
      std::ostringstream out;
      out.precision(9);
      out << "element " << indexText(expected.spec.shape, i) << ": " << a
          << ", expected " << e << " (tolerance " << tolerance << ")";
      return out.str();
    }
  }
  return "";
}

} // namespace tessera::conformance
