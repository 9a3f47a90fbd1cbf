//===- TensorCompare.cpp --------------------------------------------------===//

#include "TensorCompare.h"

#include "TensorText.h"

#include <algorithm>
#include <cmath>

namespace tessera::rt::tooling {

static std::string indexText(int64_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  std::string text = "[";
  for (size_t d = 0; d < index.size(); ++d)
    text += (d ? ", " : "") + std::to_string(index[d]);
  return text + "]";
}

std::optional<std::string>
compareTensors(const Tensor &actual, const Tensor &expected, double tolerance) {
  if (actual.elementType() != expected.elementType() ||
      actual.shape() != expected.shape())
    return "got " + actual.tensorType().str() + ", expected " +
           expected.tensorType().str();
  ElementType type = actual.elementType();
  for (int64_t i = 0; i < actual.elementCount(); ++i) {
    double a = actual.elementAsDouble(i), e = expected.elementAsDouble(i);
    bool same;
    if (isFloat(type)) {
      same = (std::isnan(a) && std::isnan(e)) || a == e ||
             std::fabs(a - e) <= tolerance * std::max(1.0, std::fabs(e));
    } else {
      same = a == e;
    }
    if (!same) {
      auto text = [&](double v) {
        return isFloat(type) ? formatFloat(v, type)
                             : std::to_string(static_cast<long long>(v));
      };
      std::string message = "element " + indexText(i, actual.shape()) + " is " +
                            text(a) + ", expected " + text(e);
      if (isFloat(type))
        message += " (|difference| " + formatFloat(std::fabs(a - e), type) +
                   ", tolerance " + formatFloat(tolerance, ElementType::F64) +
                   ")";
      return message;
    }
  }
  return std::nullopt;
}

} // namespace tessera::rt::tooling
