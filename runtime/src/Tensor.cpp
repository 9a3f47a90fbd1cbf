//===- Tensor.cpp ---------------------------------------------------------===//

#include "tessera/runtime/Tensor.h"

#include "HostAllocator.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace tessera::rt {

constexpr size_t kBufferAlignment = 64;

StatusOr<std::shared_ptr<Buffer>> Buffer::allocate(size_t size, bool zeroed) {
  size_t rounded =
      (size + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  if (rounded < size)
    return Status::error("buffer size " + std::to_string(size) + " overflows");
  HostBlock block = acquireHostMemory(rounded, kBufferAlignment, zeroed);
  if (!block.data)
    return Status::error("out of memory allocating " + std::to_string(size) +
                         " bytes");
  std::shared_ptr<Buffer> buffer(new Buffer());
  buffer->bytes = block.data;
  buffer->length = size;
  buffer->allocation = block.base;
  buffer->allocationSize = block.size;
  return buffer;
}

std::shared_ptr<Buffer> Buffer::wrap(const void *data, size_t size,
                                     std::shared_ptr<const void> owner) {
  std::shared_ptr<Buffer> buffer(new Buffer());
  buffer->bytes = const_cast<uint8_t *>(static_cast<const uint8_t *>(data));
  buffer->length = size;
  buffer->readOnly = true;
  buffer->owner = std::move(owner);
  return buffer;
}

Buffer::~Buffer() { releaseHostMemory({allocation, allocationSize, bytes}); }

std::string TensorType::str() const {
  std::string text;
  for (int64_t dim : shape)
    text += (dim < 0 ? std::string("?") : std::to_string(dim)) + "x";
  return text + std::string(elementTypeName(elementType));
}

std::optional<int64_t> checkedElementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && count > INT64_MAX / dim)
      return std::nullopt;
    count *= dim;
  }
  return count;
}

Tensor::Tensor(ElementType type, std::vector<int64_t> shape,
               std::shared_ptr<Buffer> buffer, size_t offset, bool scalar)
    : type(type), dims(std::move(shape)), buffer(std::move(buffer)),
      offset(offset), scalar(scalar) {}

StatusOr<Tensor> Tensor::allocate(ElementType type,
                                  std::vector<int64_t> shape) {
  std::optional<int64_t> count = checkedElementCount(shape);
  if (!count || *count > INT64_MAX / 8)
    return Status::error("tensor " + TensorType{type, shape}.str() +
                         " is too large");
  auto buffer = Buffer::allocate(*count * elementSize(type));
  if (!buffer)
    return buffer.status();
  return Tensor(type, std::move(shape), std::move(*buffer));
}

StatusOr<Tensor> Tensor::scalarValue(ElementType type, const void *bytes) {
  auto buffer = Buffer::allocate(elementSize(type));
  if (!buffer)
    return buffer.status();
  std::memcpy((*buffer)->data(), bytes, elementSize(type));
  return Tensor(type, {}, std::move(*buffer), 0, /*scalar=*/true);
}

int64_t Tensor::elementCount() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

double Tensor::elementAsDouble(int64_t index) const {
  const uint8_t *p = bytes() + index * elementSize(type);
  auto load = [&](auto value) {
    std::memcpy(&value, p, sizeof(value));
    return value;
  };
  switch (type) {
  case ElementType::F32:
    return load(float());
  case ElementType::F16:
    return halfToFloat(load(uint16_t()));
  case ElementType::F64:
    return load(double());
  case ElementType::BF16:
    return bfloat16ToFloat(load(uint16_t()));
  case ElementType::I1:
    return load(uint8_t()) != 0;
  case ElementType::I8:
    return load(int8_t());
  case ElementType::I16:
    return load(int16_t());
  case ElementType::I32:
    return load(int32_t());
  case ElementType::I64:
    return static_cast<double>(load(int64_t()));
  }
  return 0;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // Subnormal: normalize.
      exponent = 127 - 15 + 1;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        --exponent;
      }
      mantissa &= 0x3ff;
      bits = sign | (exponent << 23) | (mantissa << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

uint16_t floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  int32_t exponent = static_cast<int32_t>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  if (((bits >> 23) & 0xff) == 0xff) // Inf or NaN.
    return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 31)
    return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10)
      return sign;
    mantissa |= 0x800000;
    uint32_t shift = 14 - exponent;
    uint32_t half = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1)))
      ++half;
    return sign | half;
  }
  uint32_t half = sign | (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // May carry into the exponent, which is correct rounding.
  return half;
}

float bfloat16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

uint16_t floatToBfloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) // NaN stays NaN.
    return (bits >> 16) | 0x40;
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return (bits + rounding) >> 16;
}

} // namespace tessera::rt
