//===- Tensor.h - Host buffers and tensor views -----------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_TENSOR_H
#define TESSERA_RUNTIME_TENSOR_H

#include "tessera/runtime/ElementType.h"
#include "tessera/runtime/Status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::rt {

/// Host memory, 64-byte aligned, shared between the tensors that view it.
class Buffer {
public:
  /// Zero-filled unless `zeroed` is false (then it may hold what an
  /// earlier buffer wrote: for a result its writer fills whole). Fails
  /// (rather than aborting) when memory is short.
  static StatusOr<std::shared_ptr<Buffer>> allocate(size_t size,
                                                    bool zeroed = true);
  /// Borrowed memory kept alive by `owner` (e.g. a module's constants).
  static std::shared_ptr<Buffer> wrap(const void *data, size_t size,
                                      std::shared_ptr<const void> owner);
  ~Buffer();

  uint8_t *data() { return bytes; }
  const uint8_t *data() const { return bytes; }
  size_t size() const { return length; }
  bool isReadOnly() const { return readOnly; }

private:
  Buffer() = default;
  uint8_t *bytes = nullptr;
  size_t length = 0;
  void *allocation = nullptr; // what to release; null when borrowed
  size_t allocationSize = 0;
  bool readOnly = false;
  std::shared_ptr<const void> owner;
};

/// A tensor type: element type and shape (-1: dynamic), or a scalar.
struct TensorType {
  ElementType elementType = ElementType::F32;
  std::vector<int64_t> shape;
  bool scalar = false;

  /// "4x?xf32", or "f32" for a scalar.
  std::string str() const;
};

/// A dense row-major tensor (or a scalar) over a buffer.
class Tensor {
public:
  Tensor() = default;
  Tensor(ElementType type, std::vector<int64_t> shape,
         std::shared_ptr<Buffer> buffer, size_t offset = 0,
         bool scalar = false);

  /// A zero-filled tensor of the given shape.
  static StatusOr<Tensor> allocate(ElementType type,
                                   std::vector<int64_t> shape);
  static StatusOr<Tensor> scalarValue(ElementType type, const void *bytes);

  ElementType elementType() const { return type; }
  const std::vector<int64_t> &shape() const { return dims; }
  bool isScalar() const { return scalar; }
  int64_t elementCount() const;
  size_t byteSize() const { return elementCount() * elementSize(type); }
  TensorType tensorType() const { return {type, dims, scalar}; }

  const uint8_t *bytes() const { return buffer->data() + offset; }
  uint8_t *mutableBytes() { return buffer->data() + offset; }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes());
  }
  template <typename T> T *mutableData() {
    return reinterpret_cast<T *>(mutableBytes());
  }
  const std::shared_ptr<Buffer> &storage() const { return buffer; }

  /// Element `index` (row-major) widened to double, for printing/comparing.
  double elementAsDouble(int64_t index) const;

private:
  ElementType type = ElementType::F32;
  std::vector<int64_t> dims;
  std::shared_ptr<Buffer> buffer;
  size_t offset = 0;
  bool scalar = false;
};

/// Product of `shape`, or nullopt on overflow or a negative dimension.
std::optional<int64_t> checkedElementCount(const std::vector<int64_t> &shape);

/// IEEE half and bfloat16 conversions.
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_TENSOR_H
