//===- ConstTensor.cpp ----------------------------------------------------===//

#include "Import/ONNX/ConstTensor.h"

#include "tessera/runtime/FileRead.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>

namespace mlir::tessera::onnx_import {

unsigned elementBytes(ElementKind kind) {
  switch (kind) {
  case ElementKind::F64:
  case ElementKind::I64:
    return 8;
  case ElementKind::F32:
  case ElementKind::I32:
    return 4;
  case ElementKind::F16:
  case ElementKind::I16:
    return 2;
  case ElementKind::I8:
  case ElementKind::U8:
  case ElementKind::Bool:
    return 1;
  }
  return 1;
}

bool isFloat(ElementKind kind) {
  return kind == ElementKind::F32 || kind == ElementKind::F64 ||
         kind == ElementKind::F16;
}

std::optional<ElementKind> elementKindFromONNX(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return ElementKind::F32;
  case onnx::TensorProto::DOUBLE:
    return ElementKind::F64;
  case onnx::TensorProto::FLOAT16:
    return ElementKind::F16;
  case onnx::TensorProto::INT64:
    return ElementKind::I64;
  case onnx::TensorProto::INT32:
    return ElementKind::I32;
  case onnx::TensorProto::INT16:
    return ElementKind::I16;
  case onnx::TensorProto::INT8:
    return ElementKind::I8;
  case onnx::TensorProto::UINT8:
    return ElementKind::U8;
  case onnx::TensorProto::BOOL:
    return ElementKind::Bool;
  default:
    return std::nullopt;
  }
}

const char *elementKindName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "float32";
  case ElementKind::F64:
    return "float64";
  case ElementKind::F16:
    return "float16";
  case ElementKind::I64:
    return "int64";
  case ElementKind::I32:
    return "int32";
  case ElementKind::I16:
    return "int16";
  case ElementKind::I8:
    return "int8";
  case ElementKind::U8:
    return "uint8";
  case ElementKind::Bool:
    return "bool";
  }
  return "?";
}

llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::optional<int64_t> elementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && count > (int64_t(1) << 62) / dim)
      return std::nullopt;
    count *= dim;
  }
  return count;
}

ConstTensor::ConstTensor(ElementKind kind, llvm::SmallVector<int64_t> shape)
    : kind_(kind), shape_(std::move(shape)) {
  count = elementCount(shape_).value_or(0);
  data = std::make_shared<std::vector<char>>(count * elementBytes(kind_));
}

bool ConstTensor::isSplat() const {
  unsigned width = elementBytes(kind_);
  for (int64_t i = 1; i < count; ++i)
    if (std::memcmp(data->data(), data->data() + i * width, width))
      return false;
  return true;
}

static float halfToFloat(uint16_t bits) {
  llvm::APFloat value(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  bool lost;
  value.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
  return value.convertToFloat();
}

static uint16_t floatToHalf(float f) {
  llvm::APFloat value(f);
  bool lost;
  value.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
  return uint16_t(value.bitcastToAPInt().getZExtValue());
}

template <typename T> static T load(const char *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}
template <typename T> static void store(char *p, T value) {
  std::memcpy(p, &value, sizeof(T));
}

int64_t ConstTensor::getInt(int64_t i) const {
  const char *p = data->data() + i * elementBytes(kind_);
  switch (kind_) {
  case ElementKind::I64:
    return load<int64_t>(p);
  case ElementKind::I32:
    return load<int32_t>(p);
  case ElementKind::I16:
    return load<int16_t>(p);
  case ElementKind::I8:
    return load<int8_t>(p);
  case ElementKind::U8:
  case ElementKind::Bool:
    return load<uint8_t>(p);
  default: {
    double value = getDouble(i);
    if (!std::isfinite(value) || std::fabs(value) > 9.2e18)
      return 0;
    return int64_t(value);
  }
  }
}

double ConstTensor::getDouble(int64_t i) const {
  const char *p = data->data() + i * elementBytes(kind_);
  switch (kind_) {
  case ElementKind::F32:
    return load<float>(p);
  case ElementKind::F64:
    return load<double>(p);
  case ElementKind::F16:
    return halfToFloat(load<uint16_t>(p));
  default:
    return double(getInt(i));
  }
}

void ConstTensor::setInt(int64_t i, int64_t value) {
  char *p = data->data() + i * elementBytes(kind_);
  switch (kind_) {
  case ElementKind::I64:
    return store<int64_t>(p, value);
  case ElementKind::I32:
    return store<int32_t>(p, int32_t(value));
  case ElementKind::I16:
    return store<int16_t>(p, int16_t(value));
  case ElementKind::I8:
    return store<int8_t>(p, int8_t(value));
  case ElementKind::U8:
    return store<uint8_t>(p, uint8_t(value));
  case ElementKind::Bool:
    return store<uint8_t>(p, value != 0);
  default:
    return setDouble(i, double(value));
  }
}

void ConstTensor::setDouble(int64_t i, double value) {
  char *p = data->data() + i * elementBytes(kind_);
  switch (kind_) {
  case ElementKind::F32:
    return store<float>(p, float(value));
  case ElementKind::F64:
    return store<double>(p, value);
  case ElementKind::F16:
    return store<uint16_t>(p, floatToHalf(float(value)));
  case ElementKind::Bool:
    return store<uint8_t>(p, value != 0);
  default:
    // ONNX Cast: toward zero; out of range is undefined, kept in range.
    if (!std::isfinite(value))
      value = 0;
    return setInt(i, int64_t(std::fmax(std::fmin(value, 9.2e18), -9.2e18)));
  }
}

std::vector<int64_t> ConstTensor::ints() const {
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = getInt(i);
  return values;
}

ConstTensor ConstTensor::fromInts(ElementKind kind,
                                  llvm::ArrayRef<int64_t> values,
                                  llvm::SmallVector<int64_t> shape) {
  ConstTensor tensor(kind, std::move(shape));
  for (int64_t i = 0; i < tensor.count && i < int64_t(values.size()); ++i)
    tensor.setInt(i, values[i]);
  return tensor;
}

ConstTensor ConstTensor::fromDoubles(ElementKind kind,
                                     llvm::ArrayRef<double> values,
                                     llvm::SmallVector<int64_t> shape) {
  ConstTensor tensor(kind, std::move(shape));
  for (int64_t i = 0; i < tensor.count && i < int64_t(values.size()); ++i)
    tensor.setDouble(i, values[i]);
  return tensor;
}

ConstTensor ConstTensor::splat(ElementKind kind, double value,
                               llvm::SmallVector<int64_t> shape) {
  ConstTensor tensor(kind, std::move(shape));
  if (tensor.count == 0)
    return tensor;
  tensor.setDouble(0, value);
  unsigned width = elementBytes(kind);
  for (int64_t i = 1; i < tensor.count; ++i)
    std::memcpy(tensor.data->data() + i * width, tensor.data->data(), width);
  return tensor;
}

ConstTensor ConstTensor::reshaped(llvm::SmallVector<int64_t> shape) const {
  ConstTensor result = *this;
  result.shape_ = std::move(shape);
  return result;
}

ConstTensor ConstTensor::transposed(llvm::ArrayRef<int64_t> perm) const {
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(shape_[p]);
  ConstTensor result(kind_, shape);
  llvm::SmallVector<int64_t> sourceStrides = stridesOf(shape_);
  // Source stride of each result dim: walk the result row-major.
  llvm::SmallVector<int64_t> strides;
  for (int64_t p : perm)
    strides.push_back(sourceStrides[p]);
  unsigned width = elementBytes(kind_);
  llvm::SmallVector<int64_t> index(shape.size(), 0);
  int64_t source = 0;
  char *out = result.data->data();
  const char *in = data->data();
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(out + i * width, in + source * width, width);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      source += strides[d];
      if (++index[d] < shape[d])
        break;
      source -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return result;
}

ConstTensor
ConstTensor::select(llvm::SmallVector<int64_t> shape,
                    llvm::function_ref<int64_t(int64_t)> sourceIndex) const {
  ConstTensor result(kind_, std::move(shape));
  unsigned width = elementBytes(kind_);
  for (int64_t i = 0; i < result.count; ++i)
    std::memcpy(result.data->data() + i * width,
                data->data() + sourceIndex(i) * width, width);
  return result;
}

ConstTensor ConstTensor::cast(ElementKind to) const {
  ConstTensor result(to, shape_);
  for (int64_t i = 0; i < count; ++i) {
    if (isFloat(kind_))
      result.setDouble(i, getDouble(i));
    else
      result.setInt(i, getInt(i));
  }
  return result;
}

/// External data: a file beside the model, named relative to it.
static llvm::Expected<std::vector<char>>
readExternalData(const onnx::TensorProto &proto, llvm::StringRef modelDir,
                 uint64_t expectedBytes) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &entry : proto.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      char *end = nullptr;
      unsigned long long value = std::strtoull(entry.value().c_str(), &end, 10);
      if (entry.value().empty() || *end ||
          !llvm::isDigit(entry.value().front()))
        return llvm::createStringError("external data " + entry.key() + " '" +
                                       entry.value() + "' is not a number");
      if (entry.key() == "offset")
        offset = value;
      else
        length = value;
    }
  }
  if (location.empty())
    return llvm::createStringError("external data without a location");
  llvm::StringRef path(location);
  if (llvm::sys::path::is_absolute(path) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(path),
                                    llvm::sys::path::end(path)),
                   [](llvm::StringRef part) { return part == ".."; }))
    return llvm::createStringError("external data location '" + location +
                                   "' leaves the model's directory");
  if (length && *length != expectedBytes)
    return llvm::createStringError(
        "external data length " + std::to_string(*length) + " is not the " +
        std::to_string(expectedBytes) + " bytes of the tensor");
  llvm::SmallString<256> full(modelDir);
  llvm::sys::path::append(full, location);
  // Through links too: the file itself must be inside the directory.
  llvm::SmallString<256> realDir, realFile;
  if (!llvm::sys::fs::real_path(modelDir, realDir) &&
      !llvm::sys::fs::real_path(full, realFile) &&
      !llvm::StringRef(realFile).starts_with((realDir + "/").str()))
    return llvm::createStringError("external data location '" + location +
                                   "' leads outside the model's directory "
                                   "(through a link)");
  auto file = ::tessera::rt::RegularFile::open(std::string(full));
  if (!file)
    return llvm::createStringError(file.status().message());
  if (offset > file->size() || file->size() - offset < expectedBytes)
    return llvm::createStringError(
        "external data file '" + location + "' has " +
        std::to_string(file->size()) + " bytes, fewer than offset " +
        std::to_string(offset) + " + " + std::to_string(expectedBytes));
  // Only the tensor's bytes: a model's weights often share one file.
  auto slice = llvm::MemoryBuffer::getFileSlice(full, expectedBytes, offset,
                                                /*IsVolatile=*/false);
  if (!slice)
    return llvm::createStringError("cannot read external data file '" +
                                   location +
                                   "': " + slice.getError().message());
  llvm::StringRef bytes = (*slice)->getBuffer();
  return std::vector<char>(bytes.begin(), bytes.end());
}

llvm::Expected<ConstTensor>
ConstTensor::fromProto(const onnx::TensorProto &proto,
                       llvm::StringRef modelDir) {
  auto kind = elementKindFromONNX(proto.data_type());
  if (!kind)
    return llvm::createStringError(
        "element type " + std::to_string(proto.data_type()) +
        " (onnx.TensorProto.DataType) is not supported");
  llvm::SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  auto count = elementCount(shape);
  if (!count)
    return llvm::createStringError("dims are negative or too large");
  if (*count > (int64_t(1) << 40) / elementBytes(*kind))
    return llvm::createStringError("dims are too large");
  uint64_t bytes = uint64_t(*count) * elementBytes(*kind);
  // What the proto holds, checked before anything is allocated for it.
  if (proto.data_location() != onnx::TensorProto::EXTERNAL) {
    bool raw = proto.has_raw_data();
    size_t held = raw                         ? proto.raw_data().size()
                  : *kind == ElementKind::F32 ? proto.float_data_size()
                  : *kind == ElementKind::F64 ? proto.double_data_size()
                  : *kind == ElementKind::I64 ? proto.int64_data_size()
                                              : proto.int32_data_size();
    size_t needed = raw ? bytes : size_t(*count);
    if (held != needed)
      return llvm::createStringError(
          std::string(raw ? "raw_data has " : "the data has ") +
          std::to_string(held) + (raw ? " bytes" : " values") +
          ", the dims need " + std::to_string(needed));
  }
  // External data first: its file must hold the bytes before they are
  // allocated here.
  std::optional<std::vector<char>> external;
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    auto read = readExternalData(proto, modelDir, bytes);
    if (!read)
      return read.takeError();
    external = std::move(*read);
  }
  ConstTensor tensor(*kind, shape);
  auto sizeError = [&](llvm::StringRef field, size_t have) {
    return llvm::createStringError(field.str() + " holds " +
                                   std::to_string(have) + " values, the dims " +
                                   "need " + std::to_string(*count));
  };
  if (external) {
    *tensor.data = std::move(*external);
  } else if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes)
      return llvm::createStringError(
          "raw_data has " + std::to_string(proto.raw_data().size()) +
          " bytes, the dims need " + std::to_string(bytes));
    std::memcpy(tensor.data->data(), proto.raw_data().data(), bytes);
  } else if (*kind == ElementKind::F32) {
    if (proto.float_data_size() != *count)
      return sizeError("float_data", proto.float_data_size());
    std::memcpy(tensor.data->data(), proto.float_data().data(), bytes);
  } else if (*kind == ElementKind::F64) {
    if (proto.double_data_size() != *count)
      return sizeError("double_data", proto.double_data_size());
    std::memcpy(tensor.data->data(), proto.double_data().data(), bytes);
  } else if (*kind == ElementKind::I64) {
    if (proto.int64_data_size() != *count)
      return sizeError("int64_data", proto.int64_data_size());
    std::memcpy(tensor.data->data(), proto.int64_data().data(), bytes);
  } else {
    // int32_data carries the narrower types, one per entry (float16 as bits).
    if (proto.int32_data_size() != *count)
      return sizeError("int32_data", proto.int32_data_size());
    for (int64_t i = 0; i < *count; ++i) {
      int32_t value = proto.int32_data(i);
      if (*kind == ElementKind::F16)
        store<uint16_t>(tensor.data->data() + 2 * i, uint16_t(value));
      else
        tensor.setInt(i, value);
    }
  }
  return tensor;
}

} // namespace mlir::tessera::onnx_import
