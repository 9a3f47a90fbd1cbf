//===- TensorText.cpp -----------------------------------------------------===//

#include "TensorText.h"

#include "Npy.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tessera::rt::tooling {

namespace {

/// "2x3xf32" -> shape {2, 3}, f32; "f32" -> scalar shape {}.
StatusOr<TensorType> parseTypeText(std::string_view text) {
  TensorType type;
  std::string_view rest = text;
  while (true) {
    size_t x = rest.find('x');
    std::string_view head = rest.substr(0, x);
    if (x == std::string_view::npos || head.empty() ||
        head.find_first_not_of("0123456789") != std::string_view::npos)
      break;
    errno = 0;
    long long dim = std::strtoll(std::string(head).c_str(), nullptr, 10);
    if (errno || dim < 0)
      return Status::error("bad dimension '" + std::string(head) + "' in '" +
                           std::string(text) + "'");
    type.shape.push_back(dim);
    rest = rest.substr(x + 1);
  }
  std::optional<ElementType> element = parseElementType(rest);
  if (!element)
    return Status::error("unknown element type '" + std::string(rest) +
                         "' in '" + std::string(text) +
                         "' (expected e.g. 2x3xf32; element types: f32 f16 "
                         "f64 bf16 i1 i8 i16 i32 i64)");
  type.elementType = *element;
  type.scalar = type.shape.empty();
  return type;
}

/// Stores `token` as element `index` of `tensor`.
Status storeElement(Tensor &tensor, int64_t index, const std::string &token) {
  ElementType type = tensor.elementType();
  uint8_t *p = tensor.mutableBytes() + index * elementSize(type);
  char *end = nullptr;
  errno = 0;
  if (isFloat(type)) {
    double value = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end)
      return Status::error("'" + token + "' is not a number");
    // A finite literal that becomes infinite in the element type (1e999999
    // for any type, 1e39 for f32, 70000 for f16) is refused; "inf" is
    // taken as written. Underflow rounds to zero, as in numpy.
    bool overflows = errno == ERANGE && std::isinf(value);
    switch (type) {
    case ElementType::F32: {
      float f = static_cast<float>(value);
      overflows |= std::isinf(f) && !std::isinf(value);
      std::memcpy(p, &f, 4);
      break;
    }
    case ElementType::F64:
      std::memcpy(p, &value, 8);
      break;
    case ElementType::F16: {
      uint16_t h = floatToHalf(static_cast<float>(value));
      overflows |= (h & 0x7fff) == 0x7c00 && !std::isinf(value);
      std::memcpy(p, &h, 2);
      break;
    }
    default: {
      uint16_t h = floatToBfloat16(static_cast<float>(value));
      overflows |= (h & 0x7fff) == 0x7f80 && !std::isinf(value);
      std::memcpy(p, &h, 2);
    }
    }
    if (overflows)
      return Status::error(token + " is out of range for " +
                           std::string(elementTypeName(type)));
    return Status();
  }
  long long value;
  if (type == ElementType::I1 && (token == "true" || token == "false")) {
    value = token == "true";
  } else {
    value = std::strtoll(token.c_str(), &end, 0);
    if (end == token.c_str() || *end || errno)
      return Status::error("'" + token + "' is not an integer");
  }
  unsigned bits = type == ElementType::I1 ? 1 : elementSize(type) * 8;
  if (bits < 64) {
    long long low = type == ElementType::I1 ? 0 : -(1LL << (bits - 1));
    long long high = type == ElementType::I1 ? 1 : (1LL << bits) - 1;
    if (value < low || value > high)
      return Status::error(token + " does not fit in " +
                           std::string(elementTypeName(type)));
  }
  std::memcpy(p, &value, elementSize(type)); // Little-endian truncation.
  return Status();
}

std::vector<std::string> splitElements(std::string_view text) {
  std::vector<std::string> tokens;
  std::string token;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '[' || c == ']' || c == '\t' ||
        c == '\n') {
      if (!token.empty())
        tokens.push_back(std::move(token));
      token.clear();
    } else {
      token += c;
    }
  }
  if (!token.empty())
    tokens.push_back(std::move(token));
  return tokens;
}

} // namespace

StatusOr<Tensor> TensorParser::parse(std::string_view text,
                                     const TensorType *expected) {
  std::string spec(text);
  if (spec.empty())
    return Status::error("empty value");
  if (spec[0] == '@' || spec[0] == '+') {
    std::string path = spec.substr(1);
    size_t offset = spec[0] == '+' ? npyOffsets[path] : 0;
    auto array = readNpy(path, offset);
    if (!array)
      return array.status();
    npyOffsets[path] = array->nextOffset;
    return std::move(array->tensor);
  }
  size_t equals = spec.find('=');
  std::string typeText = spec.substr(0, equals);
  StatusOr<TensorType> type = Status::error("");
  std::string elements;
  if (equals != std::string::npos) {
    type = parseTypeText(typeText);
    if (!type)
      return type.status();
    elements = spec.substr(equals + 1);
  } else if (auto asType = parseTypeText(spec)) {
    type = std::move(asType); // "2xi32": zero-filled.
  } else {
    // A bare value: a scalar typed by the signature.
    if (!expected || !expected->scalar)
      return Status::error("'" + spec +
                           "' has no type; write it as e.g. 2x3xf32=... "
                           "(the function takes a tensor here)");
    type = *expected;
    elements = spec;
  }
  auto tensor = Tensor::allocate(type->elementType, type->shape);
  if (!tensor)
    return tensor.status();
  if (type->scalar)
    *tensor = Tensor(type->elementType, {}, tensor->storage(), 0, true);
  std::vector<std::string> tokens = splitElements(elements);
  int64_t count = tensor->elementCount();
  if (equals == std::string::npos && !type->scalar)
    return std::move(*tensor);
  if (tokens.size() != 1 && static_cast<int64_t>(tokens.size()) != count)
    return Status::error("'" + spec + "': " + std::to_string(tokens.size()) +
                         " elements given for " + type->str() + " (" +
                         std::to_string(count) + " elements)");
  for (int64_t i = 0; i < count; ++i)
    if (Status s = storeElement(*tensor, i,
                                tokens.size() == 1 ? tokens[0] : tokens[i]);
        !s)
      return Status::error("'" + spec + "': " + s.message());
  return std::move(*tensor);
}

std::string formatFloat(double value, ElementType type) {
  if (std::isnan(value))
    return "NAN";
  if (std::isinf(value))
    return value < 0 ? "-INF" : "INF";
  char text[64];
  int digits = type == ElementType::F64 ? 17 : type == ElementType::F32 ? 9 : 5;
  // Prefer fewer digits when they read back as the same value, but enough
  // for the integer part so that 10 prints as "10", not "1e+01".
  int first = 1;
  if (std::fabs(value) >= 1 && std::fabs(value) < 1e15)
    first =
        std::min(digits, 1 + static_cast<int>(std::log10(std::fabs(value))));
  for (int p = first; p <= digits; ++p) {
    std::snprintf(text, sizeof(text), "%.*g", p, value);
    double back = std::strtod(text, nullptr);
    bool same = type == ElementType::F64
                    ? back == value
                    : static_cast<float>(back) == static_cast<float>(value);
    if (same)
      break;
  }
  return text;
}

std::string formatTensor(const Tensor &tensor, int64_t maxElements) {
  ElementType type = tensor.elementType();
  auto element = [&](int64_t i) {
    double v = tensor.elementAsDouble(i);
    if (isFloat(type))
      return formatFloat(v, type);
    if (type == ElementType::I64) {
      int64_t exact;
      std::memcpy(&exact, tensor.bytes() + i * 8, 8);
      return std::to_string(exact);
    }
    return std::to_string(static_cast<long long>(v));
  };
  std::string text = tensor.tensorType().str() + "=";
  if (tensor.isScalar())
    return text + element(0);
  const std::vector<int64_t> &shape = tensor.shape();
  int64_t count = tensor.elementCount();
  if (shape.empty())
    return text + element(0);
  int64_t printed = std::min(count, maxElements);
  // Like IREE: rows in brackets, no brackets around the whole tensor.
  size_t rank = shape.size();
  std::vector<int64_t> strides(rank, 1);
  for (int d = static_cast<int>(rank) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  for (int64_t i = 0; i < printed; ++i) {
    for (size_t d = 0; d + 1 < rank; ++d)
      if (i % strides[d] == 0)
        text += "[";
    if (i % shape.back() != 0)
      text += " ";
    text += element(i);
    for (int d = static_cast<int>(rank) - 2; d >= 0; --d)
      if ((i + 1) % strides[d] == 0)
        text += "]";
  }
  if (printed < count)
    text += "...";
  return text;
}

} // namespace tessera::rt::tooling
